"""The curated events.yaml: valid, sourced, and right about the dates the record is sure of."""

from __future__ import annotations

import pytest

from timeline import store

from .conftest import EVENTS


@pytest.fixture(scope="module")
def loaded():
    return store.load([EVENTS])


@pytest.fixture(scope="module")
def events(loaded):
    assert loaded.ok, "\n".join(map(str, loaded.errors))
    return {e.id: e for e in loaded.dataset.events}


def test_the_curated_file_validates_without_warnings(loaded):
    assert loaded.errors == ()
    assert loaded.warnings == ()


def test_it_starts_with_the_schema_comment_for_editors():
    assert EVENTS.read_text().splitlines()[0] == "# yaml-language-server: $schema=./events.schema.json"


def test_it_is_big_and_broad_enough(loaded):
    ds = loaded.dataset
    assert len(ds.events) >= 40
    assert len({c for e in ds.events for c in e.countries}) >= 6
    assert len({e.type for e in ds.events}) >= 8
    assert all(e.sources and e.description for e in ds.events)


# The record's UTC dates for the events the source articles mention, and the context around them.
RECORD = {
    "sputnik-1": ("1957-10-04", ["SU"]),
    "vostok-1": ("1961-04-12", ["SU"]),
    "luna-9": ("1966-02-03", ["SU"]),
    "apollo-11-landing": ("1969-07-20", ["US"]),
    "shenzhou-5": ("2003-10-15", ["CN"]),
    "change-4-landing": ("2019-01-03", ["CN"]),  # one article says 2021; the record wins
    "us-space-force": ("2019-12-20", ["US"]),
    "tianhe-launch": ("2021-04-29", ["CN"]),
    "change-6-launch": ("2024-05-03", ["CN"]),
    "change-6-sample-return": ("2024-06-25", ["CN"]),
    "ns-16": ("2021-07-20", ["US"]),
    "zhurong-landing": ("2021-05-14", ["CN"]),
    "micius": ("2016-08-15", ["CN"]),
    "ilrs-agreement": ("2021-03-09", ["CN", "RU"]),
}


@pytest.mark.parametrize("event_id", RECORD)
def test_key_events_carry_the_recorded_utc_date(events, event_id):
    date, countries = RECORD[event_id]
    assert event_id in events, f"missing event {event_id}"
    assert str(events[event_id].date) == date
    assert sorted(events[event_id].countries) == sorted(countries)


def test_planned_events_for_around_2030_are_marked_planned(events):
    planned = [e for e in events.values() if e.status == "planned" and "CN" in e.countries]
    assert any(e.type == "lunar-landing" and e.date.year == 2030 for e in planned)


def test_both_articles_are_registered_and_cited(loaded):
    ds = loaded.dataset
    assert len(ds.articles) == 2
    cited = {a for e in ds.events for a in e.mentioned_in}
    assert cited == set(ds.articles)


def test_far_side_landing_note_says_beijing_date_where_it_differs(events):
    assert "2 June" in events["change-6-landing"].description

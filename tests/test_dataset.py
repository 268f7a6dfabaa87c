"""The curated events.yaml: valid, sourced, and right about the dates the record is sure of."""

from __future__ import annotations

import datetime

import pytest

from timeline import frame, race, store
from timeline.frame import Filters

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
    assert len(ds.events) >= 250
    assert {c for e in ds.events for c in e.countries} >= set(ds.countries)  # every programme has events
    assert len(ds.countries) >= 14
    assert len({e.type for e in ds.events}) >= 12
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
    "tiangong": ("2021-04-29", ["CN"]),  # the Tianhe core module's launch, recorded once
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


# --- balance and the milestones' rules (docs/DATA.md) -----------------------------------------

PROGRAMMES = {"Soviet Union and Russia": {"SU", "RU"}, "United States": {"US"}, "China": {"CN"},
              "European Space Agency": {"ESA"}, "Japan": {"JP"}, "India": {"IN"}}  # fmt: skip


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_every_programme_with_milestones_has_its_failures_recorded(loaded, programme):
    codes = PROGRAMMES[programme]
    mine = [e for e in loaded.dataset.events if codes & set(e.countries)]
    assert any(e.milestones for e in mine), f"{programme} reaches no milestone"
    assert any(e.status == "failed" for e in mine), f"{programme}: no failure recorded"


def test_every_milestone_has_a_definition_and_at_least_eighteen_exist(loaded):
    milestones = loaded.dataset.milestones
    assert len(milestones) >= 18
    for key, milestone in milestones.items():
        assert milestone.definition.endswith("."), key
        assert "dated" in milestone.definition, f"{key}: say which day counts"


def test_nothing_done_is_dated_after_today_and_no_plan_before_it(events):
    today = datetime.date.today()
    for e in events.values():
        if e.status == "planned":
            assert e.date.last_day >= today, f"{e.id}: a plan dated in the past: what happened?"
        else:
            assert e.date.first_day <= today, f"{e.id} is {e.status} but dated in the future"


def test_failures_never_reach_a_milestone(events):
    assert not [e.id for e in events.values() if e.status == "failed" and e.milestones]


# Errors an independent check found in the first record, and the events that now answer them.
REACHES = {
    ("IN", "first-human-in-space"): "soyuz-t-11-rakesh-sharma",
    ("IN", "first-crewed-launch-own-vehicle"): "gaganyaan-h1",
    ("JP", "first-asteroid-sample-return"): "hayabusa-sample-return",
    ("SU", "first-lunar-flyby-or-impact"): "luna-1",
    ("US", "first-lunar-sample-return"): "apollo-11-splashdown",
    ("IN", "first-lunar-flyby-or-impact"): "chandrayaan-1-lunar-orbit",
    ("US", "first-docking"): "gemini-8-docking",
    ("SU", "first-woman-in-space"): "vostok-6-tereshkova",
    ("SU", "first-venus-landing"): "venera-7-landing",
    ("CN", "first-mars-orbit"): "tianwen-1-mars-orbit",
}


@pytest.mark.parametrize("country, milestone", REACHES)
def test_the_race_answers_each_milestone_with_the_earliest_event_that_fits(loaded, country, milestone):
    shown = race.of(frame.to_frame(loaded.dataset), Filters(), loaded.dataset)
    assert shown.at(milestone, country).event.id == REACHES[country, milestone]


def test_checked_facts_from_the_review(events):
    assert events["slim-landing"].status == "achieved"
    assert sorted(events["mir"].countries) == ["RU", "SU"]
    assert events["luna-16-sample-return"].first and events["chandrayaan-3-landing"].first
    assert "first-lunar-sample-return" not in events["apollo-11-landing"].milestones
    assert str(events["apollo-11-splashdown"].date) == "1969-07-24"

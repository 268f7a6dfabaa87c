"""The event table and Filters: what every view (URL, CLI, app) keeps, and the URL query both ways."""

from __future__ import annotations

import pytest

from timeline import frame
from timeline.dates import PartialDate
from timeline.frame import Filters


@pytest.fixture
def df(fixture_dataset):
    return frame.to_frame(fixture_dataset)


@pytest.fixture
def kept(df):
    return lambda filters: list(frame.apply(df, filters)["id"])


def test_one_row_per_event_in_date_order_with_the_period_it_covers(df):
    assert list(df.columns) == list(frame.COLUMNS)
    assert list(df["id"]) == ["sputnik-1", "vanguard-tv3", "dongfanghong-1", "zarya", "crewed-cn-2030"]
    vanguard = df.set_index("id").loc["vanguard-tv3"]
    assert (str(vanguard["start"].date()), str(vanguard["stop"].date())) == ("1957-12-01", "1957-12-31")
    zarya = df.set_index("id").loc["zarya"]
    assert (str(zarya["start"].date()), str(zarya["stop"].date())) == ("1998-11-20", "2024-12-31")
    assert zarya["countries"] == ("RU", "US") and zarya["type_label"] == "Space station"


def test_no_filters_keep_everything(df, kept):
    assert kept(Filters()) == list(df["id"])


def test_filter_by_country_keeps_joint_events_of_any_selected_country(kept):
    assert kept(Filters(countries=("US",))) == ["vanguard-tv3", "zarya"]
    assert kept(Filters(countries=("RU", "CN"))) == ["dongfanghong-1", "zarya", "crewed-cn-2030"]


def test_filter_by_type_and_status(kept):
    assert kept(Filters(types=("space-station", "crewed-flight"))) == ["zarya", "crewed-cn-2030"]
    assert kept(Filters(statuses=("planned", "failed"))) == ["vanguard-tv3", "crewed-cn-2030"]
    assert kept(Filters(types=("satellite",), statuses=("achieved",))) == ["sputnik-1", "dongfanghong-1"]


def test_filter_by_years_keeps_what_overlaps_at_each_precision(kept):
    assert kept(Filters(start=PartialDate(2020))) == ["zarya", "crewed-cn-2030"]  # zarya's span reaches 2024
    assert kept(Filters(end=PartialDate(1957))) == ["sputnik-1", "vanguard-tv3"]
    assert kept(Filters(start=PartialDate(1957, 12), end=PartialDate(1970, 4, 24))) == ["vanguard-tv3", "dongfanghong-1"]
    assert kept(Filters(start=PartialDate(1957, 10, 5), end=PartialDate(1957, 11))) == []


def test_text_search_needs_every_word_in_title_description_or_tags_in_any_case(kept):
    assert kept(Filters(q="FIRST")) == ["sputnik-1", "dongfanghong-1", "zarya"]
    assert kept(Filters(q="first chinese")) == ["dongfanghong-1"]
    assert kept(Filters(q="<b>tv3</b>")) == ["vanguard-tv3"]  # text is text, markup included
    assert kept(Filters(q="moon")) == []


def test_firsts_keep_world_firsts_only(kept):
    assert kept(Filters(firsts=True)) == ["sputnik-1"]
    assert kept(Filters(firsts=True, countries=("US",))) == []


def test_the_url_query_round_trips_and_leaves_defaults_out(fixture_dataset):
    filters = Filters(countries=("SU", "CN"), types=("satellite",), statuses=("achieved", "failed"),
                      start=PartialDate(1957, 10), end=PartialDate(1975), q="first satellite", firsts=True,
                      view="activity", lanes="type", align="start")  # fmt: skip
    query = filters.to_query()
    assert query == {"country": "SU,CN", "type": "satellite", "status": "achieved,failed", "from": "1957-10",
                     "to": "1975", "q": "first satellite", "firsts": "1", "view": "activity", "lanes": "type",
                     "align": "start"}  # fmt: skip
    assert Filters.from_query(query, fixture_dataset) == (filters, [])
    assert Filters.from_query(query) == (filters, [])  # without a dataset codes are not checked
    assert Filters().to_query() == {}
    assert Filters.from_query({}) == (Filters(), [])


def test_from_query_drops_what_it_cannot_use_and_says_why(fixture_dataset):
    query = {"country": " SU, XX ,SU", "type": "rocket", "status": "done,planned", "from": "1957-13",
             "to": "1950", "firsts": "maybe", "view": "pie", "lanes": "status", "align": "end"}  # fmt: skip
    filters, notes = Filters.from_query(query, fixture_dataset)
    assert filters == Filters(countries=("SU",), statuses=("planned",), end=PartialDate(1950))
    assert notes == [
        "ignored firsts='maybe' (use 1 or 0)",
        "ignored unknown country 'XX'",
        "ignored unknown type 'rocket'",
        "ignored unknown status 'done'",
        "ignored from='1957-13': " + notes[4].split(": ", 1)[1],
        "ignored unknown view 'pie' (one of timeline, activity, table, race, claims)",
        "ignored unknown lanes 'status' (one of country, type)",
        "ignored unknown align 'end' (one of date, start)",
    ]
    assert notes[4].startswith("ignored from='1957-13': ") and "month" in notes[4]


def test_to_before_from_is_noted_and_keeps_nothing(fixture_dataset, kept):
    filters, notes = Filters.from_query({"from": "1990", "to": "1980"}, fixture_dataset)
    assert notes == ["'to' 1980 is before 'from' 1990: nothing can match"]
    assert kept(filters) == []


def test_describe_says_what_is_shown_in_one_line():
    assert Filters().describe() == "all events"
    described = Filters(countries=("CN", "SU"), start=PartialDate(1957), end=PartialDate(1975), statuses=("achieved",),
                        q="moon", firsts=True).describe()  # fmt: skip
    assert described == "CN, SU · achieved · 1957–1975 · “moon” · world firsts"
    assert Filters(end=PartialDate(1969, 7)).describe() == "…–1969-07"
    assert Filters(countries=("US",)).replace(countries=()) == Filters()

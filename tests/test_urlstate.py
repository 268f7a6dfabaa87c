"""URL state as pure functions: the URL <-> filters and open event, and what each change does."""

from __future__ import annotations

import pytest

from timeline import live, store
from timeline.dates import PartialDate
from timeline.frame import Filters
from timeline.ids import CHART, CHART_ZOOM, DETAILS_CLOSE, OPEN_EVENT, RACE_CELL, RESET, SEARCH, URL
from timeline.urlstate import Step, clicked_event, control_values, next_url, read_url, write_url

from .fixtures import FIXTURE


@pytest.fixture
def snapshot(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    loaded = store.load([path])
    assert loaded.ok
    return live.snapshot(loaded.dataset, "v1")


def test_the_url_round_trips_filters_and_the_open_event(snapshot):
    filters = Filters(countries=("CN", "SU"), start=PartialDate(1957), end=PartialDate(1975), view="activity")
    search = write_url(filters, "sputnik-1")
    assert search == "?country=CN,SU&from=1957&to=1975&view=activity&event=sputnik-1"
    assert read_url(search, snapshot) == (filters, "sputnik-1", [])
    assert write_url(Filters()) == ""
    assert read_url("", snapshot) == (Filters(), "", [])
    assert read_url(None, None) == (Filters(), "", [])


def test_unknown_url_values_are_dropped_with_notes(snapshot):
    filters, event, notes = read_url("?country=CN,XX&view=pie&event=nope&firsts=maybe", snapshot)
    assert filters == Filters(countries=("CN",))
    assert event == ""
    assert notes == [
        "ignored firsts='maybe' (use 1 or 0)", "ignored unknown country 'XX'",
        "ignored unknown view 'pie' (one of timeline, activity, table, race, claims)", "ignored unknown event 'nope'",
    ]  # fmt: skip


def test_a_chart_click_names_an_event_only_through_known_customdata(snapshot):
    assert clicked_event({"points": [{"customdata": "zarya"}]}, snapshot) == "zarya"
    assert clicked_event({"points": [{"customdata": ["zarya", "x"]}]}, snapshot) == "zarya"
    assert clicked_event({"points": [{"customdata": "1950s"}]}, snapshot) == ""  # an activity bar
    assert clicked_event({"points": []}, snapshot) == ""
    assert clicked_event(None, snapshot) == ""


def controls(search, snapshot):
    """The controls' values that show the URL ``search``."""
    return control_values(read_url(search, snapshot)[0])


def test_loading_a_link_sets_the_controls_and_leaves_the_url(snapshot):
    search = "?country=CN&from=1957&view=table"
    step = next_url(None, None, search, controls("", snapshot), snapshot)
    assert step == Step(url=None, controls=controls(search, snapshot))
    assert step.controls[0] == ["CN"] and step.controls[3] == "1957"
    # the controls already show the URL (the echo of that update): nothing to do
    assert next_url(URL, search, search, controls(search, snapshot), snapshot) is None


def test_a_control_writes_the_url_and_keeps_the_view_and_the_open_event(snapshot):
    search = "?view=activity&event=sputnik-1"
    values = list(controls(search, snapshot))
    values[5] = "moon"  # the search box
    step = next_url(SEARCH, "moon", search, values, snapshot)
    assert step == Step(url="?q=moon&view=activity&event=sputnik-1", controls=None)


def test_reset_clears_the_filters_and_the_event_but_keeps_view_lanes_align_and_chart(snapshot):
    search = "?country=CN&q=moon&lanes=type&view=race&align=start&chart=count&event=sputnik-1"
    step = next_url(RESET, 1, search, controls(search, snapshot), snapshot)
    assert step.url == "?view=race&lanes=type&align=start&chart=count"
    assert step.controls == control_values(Filters(view="race", lanes="type", align="start", chart="count"))


def test_the_race_chart_is_read_written_and_validated_like_align(snapshot):
    filters, _, notes = read_url("?view=race&chart=count", snapshot)
    assert (filters.chart, notes) == ("count", [])
    assert write_url(filters) == "?view=race&chart=count" and write_url(filters.replace(chart="date")) == "?view=race"
    filters, _, notes = read_url("?view=race&chart=pie", snapshot)
    assert filters.chart == "date" and notes == ["ignored unknown chart 'pie' (one of date, count)"]
    values = list(controls("?view=race", snapshot))
    values[-1] = "count"  # the Chart toggle
    assert next_url("race-chart", "count", "?view=race", values, snapshot).url == "?view=race&chart=count"


def test_clicks_open_and_close_the_details(snapshot):
    values = controls("?country=CN", snapshot)
    click = {"points": [{"customdata": "sputnik-1"}]}
    assert next_url(CHART, click, "?country=CN", values, snapshot).url == "?country=CN&event=sputnik-1"
    # a click on a point that is no event (an activity bar) keeps what was open
    assert next_url(CHART, {"points": [{"customdata": "1950s"}]}, "?country=CN", values, snapshot) is None
    row = {"type": OPEN_EVENT, "id": "zarya", "at": "table"}
    assert next_url(row, 1, "?country=CN", values, snapshot).url == "?country=CN&event=zarya"
    assert next_url(row, None, "?country=CN", values, snapshot) is None  # the row appeared, no click
    cell = {"type": RACE_CELL, "id": "sputnik-1", "at": "0-SU"}
    assert next_url(cell, 1, "?view=race", controls("?view=race", snapshot), snapshot).url == "?view=race&event=sputnik-1"
    opened = "?country=CN&event=zarya"
    assert next_url(DETAILS_CLOSE, 1, opened, values, snapshot).url == "?country=CN"


# --- the zoom window -----------------------------------------------------------------------------


def test_a_zoom_of_the_time_axis_reads_as_whole_days_in_view():
    from timeline.urlstate import zoomed_window

    assert zoomed_window({"xaxis.range[0]": "1960-01-01", "xaxis.range[1]": "1970-01-01"}) == (
        PartialDate(1960, 1, 1), PartialDate(1969, 12, 31))
    assert zoomed_window({"xaxis.range": ["1961-03-15 04:12:33.12", "1964-07-02 18:00"]}) == (
        PartialDate(1961, 3, 16), PartialDate(1964, 7, 1))  # fmt: skip
    assert zoomed_window({"xaxis.autorange": True}) == (None, None)
    assert zoomed_window({"autosize": True}) is None and zoomed_window(None) is None
    assert zoomed_window({"xaxis.range": ["1960-01-01 10:00", "1960-01-01 12:00"]}) is None  # less than a day


def test_a_zoom_writes_the_window_to_the_url_and_the_year_fields_and_zooming_out_clears_it(snapshot):
    values = controls("?event=sputnik-1", snapshot)
    step = next_url(CHART_ZOOM, {"xaxis.range[0]": "1957-01-01", "xaxis.range[1]": "1958-01-01"},
                    "?event=sputnik-1", values, snapshot)  # fmt: skip
    assert step.url == "?from=1957-01-01&to=1957-12-31&event=sputnik-1"
    assert step.controls[3:5] == ("1957-01-01", "1957-12-31")
    zoomed = "?from=1957-01-01&to=1957-12-31"
    assert next_url(CHART_ZOOM, {"xaxis.autorange": True}, zoomed, controls(zoomed, snapshot), snapshot).url == ""
    # the same window again (the redrawn chart reports it) changes nothing; other views keep their own zoom
    assert next_url(CHART_ZOOM, {"xaxis.range": ["1957-01-01", "1958-01-01"]}, zoomed, values, snapshot) is None
    assert next_url(CHART_ZOOM, {"xaxis.range": [1960, 1970]}, "?view=activity", values, snapshot) is None


def test_the_claims_filters_survive_opening_and_closing_an_event_and_reset_clears_them(snapshot):
    search = "?view=claims&verdict=partly"  # (the fixture has no articles to name)
    values = controls(search, snapshot)
    opened = next_url({"type": OPEN_EVENT, "id": "zarya", "at": "a-claim"}, 1, search, values, snapshot)
    assert opened.url == "?view=claims&verdict=partly&event=zarya"
    assert next_url(DETAILS_CLOSE, 1, opened.url, values, snapshot).url == search
    values = list(values)
    values[5] = "moon"
    assert next_url(SEARCH, "moon", search, values, snapshot).url == "?q=moon&view=claims&verdict=partly"
    assert next_url(RESET, 1, search, values, snapshot).url == "?view=claims"

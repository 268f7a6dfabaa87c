"""The app's parts without a browser: URL state, hot-reload cache, CSV and table rows, WSGI, serve."""

from __future__ import annotations

import csv
import io
import json
import socket

import pytest

from timeline import frame, live, store, tables
from timeline.app import clicked_event, create_app, details, read_url, write_url
from timeline.cli import main
from timeline.dates import PartialDate
from timeline.frame import Filters
from timeline.live import LiveData

from .fixtures import FIXTURE


@pytest.fixture
def events_file(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture
def dataset(events_file):
    loaded = store.load([events_file])
    assert loaded.ok
    return loaded.dataset


@pytest.fixture
def snapshot(dataset):
    return live.snapshot(dataset, "v1")


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
        "ignored unknown view 'pie' (one of timeline, activity, table, race)", "ignored unknown event 'nope'",
    ]  # fmt: skip


def test_a_chart_click_names_an_event_only_through_known_customdata(snapshot):
    assert clicked_event({"points": [{"customdata": "zarya"}]}, snapshot) == "zarya"
    assert clicked_event({"points": [{"customdata": ["zarya", "x"]}]}, snapshot) == "zarya"
    assert clicked_event({"points": [{"customdata": "1950s"}]}, snapshot) == ""  # an activity bar
    assert clicked_event({"points": []}, snapshot) == ""
    assert clicked_event(None, snapshot) == ""


def test_a_snapshot_keeps_every_event_as_a_row_and_as_models_only_what_the_race_reads():
    dataset = store.load([store.bundled_path()]).dataset
    snapshot = live.snapshot(dataset, "v1")
    assert sorted(snapshot.df["id"]) == sorted(e.id for e in dataset.events)
    race_events = [e.id for e in dataset.events if e.milestone]
    assert 0 < len(race_events) < len(dataset.events)
    assert [e.id for e in snapshot.dataset.events] == race_events
    assert snapshot.dataset.countries == dataset.countries and snapshot.dataset.milestones == dataset.milestones
    assert snapshot.has("sputnik-1") and not snapshot.has("nope")
    assert snapshot.event("sputnik-1")["first"] is True


def test_details_are_plain_text_with_safe_links(snapshot):
    panel = json.dumps([c.to_plotly_json() for c in details(snapshot, "vanguard-tv3")], default=lambda o: o.to_plotly_json())
    assert "Vanguard <b>TV3</b> & co" in panel  # a text child: React renders it as text
    assert '"rel": "noopener noreferrer"' in panel and '"target": "_blank"' in panel
    assert "Dec 1957" in panel and "Failed" in panel


def test_live_data_reloads_on_change_keeps_the_last_good_data_and_recovers(events_file):
    live = LiveData([events_file])
    first = live.current()
    assert first.ok and not first.errors and len(first.df) == 5
    assert live.current() is first  # unchanged files are not read again
    events_file.write_text(FIXTURE.replace("date: 1970-04-24", "date: 1970-04-31"), encoding="utf-8")
    broken = live.current()
    assert broken.dataset is first.dataset and broken.version != first.version
    assert [str(p) for p in broken.errors] == [
        f"{events_file}:29:11: events[2].date: impossible date '1970-04-31': Apr 1970 has days 01 to 30"
    ]
    events_file.write_text(FIXTURE.replace("title: Zarya", "title: Zarya module"), encoding="utf-8")
    fixed = live.current()
    assert fixed.ok and not fixed.errors and "Zarya module" in set(fixed.df["title"])


def test_live_data_without_a_good_read_has_errors_and_no_dataset(tmp_path):
    snapshot = LiveData([tmp_path / "missing.yaml"]).current()
    assert not snapshot.ok and snapshot.df is None
    assert [str(p) for p in snapshot.errors] == [f"{tmp_path / 'missing.yaml'}:1:1: no such file"]


def test_csv_holds_the_filtered_events(dataset):
    df = frame.to_frame(dataset)
    text = tables.to_csv(df, Filters(countries=("US",)))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(tables.CSV_COLUMNS)
    assert rows == [
        {"id": "vanguard-tv3", "date": "1957-12", "end": "", "title": "Vanguard <b>TV3</b> & co",
         "countries": "US", "type": "satellite", "status": "failed", "first": "false",
         "sources": "https://example.org/v"},
        {"id": "zarya", "date": "1998-11-20", "end": "2024", "title": "Zarya", "countries": "RU US",
         "type": "space-station", "status": "achieved", "first": "false", "sources": "https://example.org/z"},
    ]  # fmt: skip


def test_table_rows_sort_by_any_column(dataset):
    df = frame.to_frame(dataset)
    assert list(tables.sorted_rows(df, Filters())["id"]) == list(df["id"])
    by_title = tables.sorted_rows(df, Filters(), "title", descending=True)
    assert list(by_title["title"]) == ["Zarya", "Vanguard <b>TV3</b> & co", "Sputnik 1", "Dong Fang Hong 1",
                                       "Chinese crewed landing"]  # fmt: skip
    assert list(tables.sorted_rows(df, Filters(countries=("CN",)), "status")["status"]) == ["achieved", "planned"]
    with pytest.raises(ValueError, match="cannot sort by 'sources'"):
        tables.sorted_rows(df, Filters(), "sources")


def test_create_app_is_a_wsgi_app_that_serves_errors_instead_of_crashing(tmp_path):
    bad = tmp_path / "events.yaml"
    bad.write_text("countries: {}\ntypes: {}\nevents: [1]\n", encoding="utf-8")
    client = create_app([bad]).server.test_client()
    assert client.get("/").status_code == 200
    page = client.get("/_dash-layout")
    assert page.status_code == 200
    text = json.dumps(page.get_json())
    assert f"{bad}:3:10: events[0]: expected a mapping (key: value lines), got a number 1" in text
    assert "cdn" not in client.get("/").get_data(as_text=True).lower()  # everything is served locally


def test_serve_says_in_one_line_when_the_port_is_taken(runner, events_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", str(events_file), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_serve_rejects_a_bad_port_as_usage(runner):
    result = runner.invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 2 and "Invalid value for '--port'" in result.output


def test_serve_help_names_the_options(runner):
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output and "[default: 8050;" in result.output

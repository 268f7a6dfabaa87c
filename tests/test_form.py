"""The "Add event" form without a browser: checks, writes, refusals, and that it is opt-in."""

from __future__ import annotations

import errno
import json
import os

import pytest

from timeline import form, live, store
from timeline.app import create_app
from timeline.cli import main

from .fixtures import FORM_FIXTURE, VOSTOK, VOSTOK_LINES, added_lines


@pytest.fixture
def snapshot(events_file):
    loaded = store.load([events_file])
    assert loaded.ok, loaded.errors
    return live.snapshot(loaded.dataset, loaded.version)  # what the form checks against: the page's data


# --- checking as typed ------------------------------------------------------------------------


@pytest.mark.parametrize("name, values, expected", [
    ("date", {"date": "1957-13"}, ["impossible date '1957-13': month must be 01 to 12"]),
    ("date", {"date": "57"}, ["expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '57'"]),
    ("date", {"date": "1961-04-12"}, []),
    ("end", {"end": "2024-02-30"}, ["impossible date '2024-02-30': Feb 2024 has days 01 to 29"]),
    ("url", {"url": "ftp://example.org"}, ["expected an http:// or https:// URL, got 'ftp://example.org'"]),
    ("url2", {"url2": "example.org"}, ["expected an http:// or https:// URL, got 'example.org'"]),
    ("id", {"id": "", "title": "Sputnik 1"}, ["'sputnik-1' is already used; choose another, e.g. 'sputnik-1-2'"]),
    ("id", {"id": "sputnik-1-replica", "title": "Sputnik 1"}, []),
    ("id", {"id": "", "title": ""}, []),
    ("tags", {"tags": "fine, " + "x" * 41}, ["tags[1]: is too long: 41 characters, at most 40"]),
    ("title", {"title": "t" * 201}, ["is too long: 201 characters, at most 200"]),
    ("title", {"title": ""}, []),  # empty while typing is not an error yet
])  # fmt: skip
def test_each_field_is_checked_as_typed(snapshot, name, values, expected):
    assert form.field_problems(name, values, snapshot) == expected


def test_a_submit_also_asks_for_the_required_fields(snapshot):
    empty = dict.fromkeys(form.FIELDS, "")
    problems = {n: p for n in form.FIELDS if (p := form.field_problems(n, empty, snapshot, submitting=True))}
    assert problems == dict.fromkeys(["title", "date", "countries", "type", "status", "description", "url"],
                                     ["Required."])  # fmt: skip
    with_title = {**empty, "source_title2": "NSSDC"}  # a second source's title needs its URL
    assert form.field_problems("url2", with_title, snapshot, submitting=True) == ["Required."]


# --- submitting -------------------------------------------------------------------------------


def test_a_submit_adds_exactly_the_new_lines_and_keeps_every_comment(events_file, snapshot):
    before = events_file.read_text(encoding="utf-8")
    outcome = form.submit(VOSTOK, events_file, snapshot)
    assert outcome.errors == {} and outcome.summary == []
    assert outcome.added.event.id == "vostok-1" and outcome.added.event.first
    after = events_file.read_text(encoding="utf-8")
    assert added_lines(before, after) == VOSTOK_LINES
    assert after.endswith("  # more to come\n")
    assert store.load([events_file]).ok


def test_a_bad_date_and_a_taken_id_are_shown_by_their_fields_and_nothing_is_written(events_file, snapshot):
    before = events_file.read_bytes()
    outcome = form.submit({**VOSTOK, "title": "Sputnik 1", "date": "1957-13"}, events_file, snapshot)
    assert outcome.added is None and outcome.summary == []
    assert outcome.errors == {
        "date": ["impossible date '1957-13': month must be 01 to 12"],
        "id": ["'sputnik-1' is already used; choose another, e.g. 'sputnik-1-2'"],
    }
    assert events_file.read_bytes() == before


def test_an_empty_form_writes_nothing(events_file, snapshot):
    before = events_file.read_bytes()
    outcome = form.submit(dict.fromkeys(form.FIELDS, None), events_file, snapshot)
    assert set(outcome.errors) == {"title", "date", "countries", "type", "status", "description", "url"}
    assert events_file.read_bytes() == before


def test_what_only_the_whole_event_shows_comes_back_from_add_event_by_field(events_file, snapshot):
    before = events_file.read_bytes()
    outcome = form.submit({**VOSTOK, "end": "1960"}, events_file, snapshot)  # each field is fine alone
    assert outcome.errors == {"end": ["end 1960 is before date 1961-04-12"]} and outcome.summary == []
    assert events_file.read_bytes() == before


def test_an_id_taken_since_the_page_loaded_is_caught_by_add_event(events_file, snapshot):
    other = {**VOSTOK, "url2": "", "source_title2": ""}
    assert form.submit(other, events_file, snapshot).added  # someone else adds Vostok 1 first
    before = events_file.read_bytes()
    outcome = form.submit(other, events_file, snapshot)  # the page's data does not have it yet
    assert outcome.errors == {"id": ["'vostok-1' is already used by the event at line 32; "
                                     "choose another, e.g. 'vostok-1-2'"]}  # fmt: skip
    assert events_file.read_bytes() == before


def test_problems_of_the_file_itself_go_to_the_summary(events_file, snapshot):
    broken = FORM_FIXTURE.replace("date: 1958-02-01", "date: 1958-02-30")
    events_file.write_text(broken, encoding="utf-8")
    outcome = form.submit(VOSTOK, events_file, snapshot)
    assert outcome.errors == {}
    assert outcome.summary == [f"{events_file}:26:11: events[1].date: impossible date '1958-02-30': "
                               "Feb 1958 has days 01 to 28"]  # fmt: skip
    assert events_file.read_text(encoding="utf-8") == broken


def test_a_full_disk_is_told_in_the_summary(events_file, snapshot, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    before = events_file.read_bytes()
    outcome = form.submit(VOSTOK, events_file, snapshot)
    assert outcome.errors == {} and outcome.added is None
    assert outcome.summary == [f"{events_file}: cannot write: no space left on the device; the file is unchanged"]
    assert events_file.read_bytes() == before


@pytest.mark.parametrize("field, message, expected", [
    ("sources", "sources[0].url: expected an http:// or https:// URL", "url"),
    ("sources", "sources[1].title: must not be empty", "source_title2"),
    ("sources", "sources[2].url: bad", None),
    ("sources", "missing required field 'sources'", "url"),
    ("date", "date: impossible date", "date"),
    ("mentioned_in", "mentioned_in[0]: unknown article 'x'", None),
])  # fmt: skip
def test_add_events_fields_map_to_the_forms(field, message, expected):
    assert form.form_field(field, message) == expected


# --- who may write ----------------------------------------------------------------------------


@pytest.mark.parametrize("host, edits, network, refused", [
    ("127.0.0.1", True, False, False),
    ("::1", True, False, False),
    ("[::1]", True, False, False),
    ("LOCALHOST", True, False, False),
    ("0.0.0.0", True, False, True),
    ("192.168.1.20", True, False, True),
    ("0.0.0.0", True, True, False),  # said twice: it starts
    ("0.0.0.0", False, False, False),  # no edits, no rule
    ("127.0.0.1", False, True, True),  # the network flag alone is a mistake
])  # fmt: skip
def test_serve_allows_edits_on_loopback_only_unless_told(host, edits, network, refused):
    assert (form.serve_refusal(host, edits, network) is not None) == refused


def test_serve_with_edits_on_a_public_address_exits_2_in_one_line(runner, events_file):
    result = runner.invoke(main, ["serve", str(events_file), "--allow-edits", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert result.output == ("Error: --allow-edits on 0.0.0.0 lets anyone who can reach it write the events "
                             "file; serve on 127.0.0.1, or add --allow-edits-from-network if that is meant\n")  # fmt: skip
    result = runner.invoke(main, ["serve", str(events_file), "--allow-edits-from-network"])
    assert result.exit_code == 2
    assert result.output == "Error: --allow-edits-from-network only applies with --allow-edits\n"


def test_serve_with_edits_needs_a_file_of_its_own_to_write(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./events.yaml: serve would show the copy shipped with timeline
    result = runner.invoke(main, ["serve", "--allow-edits"])
    assert result.exit_code == 2
    assert result.output == ("Error: --allow-edits needs FILE, the events file to add to (the copy shipped "
                             "with timeline is not edited)\n")  # fmt: skip


@pytest.mark.parametrize("headers, network, refused", [
    ({"Host": "127.0.0.1:8050", "Origin": "http://127.0.0.1:8050"}, False, None),
    ({"Host": "localhost:8050"}, False, None),  # no Origin: not a browser's cross-site request
    ({"Host": "[::1]:8050", "Origin": "http://[::1]:8050"}, False, None),
    ({"Host": "127.0.0.1:8050", "Origin": "https://evil.example"}, False,
     "refused: a page of https://evil.example cannot add events here"),
    ({"Host": "127.0.0.1:8050", "Origin": "null"}, False, "refused: a page of null cannot add events here"),
    ({"Host": "evil.example:8050", "Origin": "http://evil.example:8050"}, False,
     "refused: edits are local only, and 'evil.example:8050' is not a loopback name"),  # DNS rebinding
    ({"Host": "timeline.lan:8050", "Origin": "http://timeline.lan:8050"}, True, None),
    ({"Host": "10.0.0.5:8050", "X-Forwarded-Host": "timeline.example.org", "Origin": "https://timeline.example.org"},
     True, None),  # behind a proxy
    ({"Host": "timeline.lan:8050", "Origin": "http://evil.example"}, True,
     "refused: a page of http://evil.example cannot add events here"),
])  # fmt: skip
def test_writes_from_other_sites_pages_are_refused(headers, network, refused):
    assert form.request_refusal(headers, network) == refused


# --- the app with and without the form ----------------------------------------------------------


def submit_request(client, values: dict) -> dict:
    """The body a browser posts for the form's submit, built from the app's own callback list."""
    deps = client.get("/_dash-dependencies").get_json()
    spec = next(d for d in deps if d["inputs"] == [{"id": form.SUBMIT, "property": "n_clicks"}])
    outputs = [part.split("@")[0].rsplit(".", 1) for part in spec["output"].strip(".").split("...")]
    return {
        "output": spec["output"],
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": form.SUBMIT, "property": "n_clicks", "value": 1}],
        "state": [{**s, "value": values[s["id"].removeprefix("new-").replace("-", "_")]} for s in spec["state"]],
        "changedPropIds": [f"{form.SUBMIT}.n_clicks"],
    }


@pytest.fixture
def request_body(events_file):
    return submit_request(create_app([events_file], allow_edits=True).server.test_client(), VOSTOK)


def test_without_allow_edits_there_is_no_form_and_no_write_callback(events_file, request_body):
    client = create_app([events_file]).server.test_client()
    layout = json.dumps(client.get("/_dash-layout").get_json())
    deps = json.dumps(client.get("/_dash-dependencies").get_json())
    for name in (form.OPEN, form.PANEL, form.SUBMIT, form.input_id("title")):
        assert name not in layout and name not in deps
    before = events_file.read_bytes()
    response = client.post("/_dash-update-component", json=request_body, headers={"Origin": "http://localhost"})
    assert response.status_code >= 400
    assert events_file.read_bytes() == before


def test_with_allow_edits_a_post_from_this_site_writes_and_one_from_another_is_refused(events_file, request_body):
    client = create_app([events_file], allow_edits=True).server.test_client()
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert form.PANEL in layout and form.OPEN in layout
    before = events_file.read_text(encoding="utf-8")
    for headers in ({"Origin": "https://evil.example"}, {"Host": "evil.example", "Origin": "http://evil.example"}):
        response = client.post("/_dash-update-component", json=request_body, headers=headers)
        assert response.status_code == 403
        assert events_file.read_text(encoding="utf-8") == before
    response = client.post("/_dash-update-component", json=request_body, headers={"Origin": "http://localhost"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["response"]["add-status"]["children"] == "Added Vostok 1"
    assert added_lines(before, events_file.read_text(encoding="utf-8")) == VOSTOK_LINES


@pytest.mark.parametrize("status", ["achieved", "failed", "partial"])
def test_a_future_date_for_what_happened_is_shown_by_the_date_field(events_file, snapshot, monkeypatch, status):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    before = events_file.read_bytes()
    outcome = form.submit({**VOSTOK, "date": "2918-10-11", "status": status}, events_file, snapshot)
    assert outcome.added is None and outcome.summary == []
    assert outcome.errors == {"date": [f"2918-10-11 is in the future, but status is {status}"]}
    assert events_file.read_bytes() == before


@pytest.mark.parametrize("values, expected", [
    ({"date": "2918-10-11", "status": "failed"}, ["2918-10-11 is in the future, but status is failed"]),
    ({"date": "2918", "status": "achieved"}, ["2918 is in the future, but status is achieved"]),
    ({"date": "2918-10-11", "status": "planned"}, []),
    ({"date": "2918-10-11", "status": None}, []),  # no status chosen yet: nothing to compare
    ({"date": "2026-06-15", "status": "partial"}, []),
])  # fmt: skip
def test_the_date_is_checked_against_the_status_as_typed(snapshot, monkeypatch, values, expected):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    assert form.field_problems("date", values, snapshot) == expected

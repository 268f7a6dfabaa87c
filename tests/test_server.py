"""``timeline serve`` for real: both modes in their own process, /healthz, logs, SIGTERM, load.

The servers run as the command runs them (``python -m timeline serve``) on a free loopback port;
``bench/load.py`` starts them and drives the load, so the test and the benchmark are one code path.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from timeline import figures, server
from timeline.app import create_app
from timeline.cli import main
from timeline.live import LiveData

from .conftest import ROOT
from .fixtures import FIXTURE
from .helpers import get, load


def listening(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                out.add(address)
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_binds_loopback_logs_each_request_and_stops_cleanly_on_sigterm(fixture_events, workers):
    with load.serving([fixture_events], workers) as running:
        port = int(running.url.rsplit(":", 1)[1])
        assert listening(port) == {"0100007F"}  # 127.0.0.1 only, unless --host says otherwise
        status, headers, body = get(running.url + "/healthz?probe=1")
        health = json.loads(body)
        assert status == 200 and health == {"status": "ok", "version": health["version"], "events": 5, "errors": [],
                                            "pid": health["pid"]}  # fmt: skip
        assert health["pid"] in ([running.proc.pid] if workers == 1 else running.children())
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert get(running.url + "/")[0] == 200
        if workers > 1:
            assert len(running.children()) == workers
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=15) == 0
        log = running.log()
    lines = [line for line in log.splitlines() if "timeline.access" in line]
    assert len([line for line in lines if '"GET /healthz?probe=1 HTTP/1.1" 200 ' in line]) == 1, log
    page_line = r'\[INFO\] timeline\.access: 127\.0\.0\.1 "GET / HTTP/1\.1" 200 \d+ [\d.]+ms$'
    assert re.search(page_line, "\n".join(lines), re.M)
    assert "Traceback" not in log
    if workers > 1:
        assert "Using worker: gthread" in log and "Shutting down: Master" in log


def test_serve_listens_on_every_interface_only_when_told(fixture_events):
    with load.serving([fixture_events], 1, "--host", "0.0.0.0") as running:
        assert listening(int(running.url.rsplit(":", 1)[1])) == {"00000000"}


def test_serve_workers_must_be_at_least_one(runner, fixture_events):
    result = runner.invoke(main, ["serve", str(fixture_events), "--workers", "0"])
    assert result.exit_code == 2 and "Invalid value for '--workers'" in result.output


def test_healthz_is_ok_then_stale_with_the_errors_then_ok_again(fixture_events):
    client = create_app([fixture_events]).server.test_client()
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    version = ok.get_json()["version"]
    assert ok.get_json() == {"status": "ok", "version": version, "events": 5, "errors": [], "pid": os.getpid()}
    fixture_events.write_text(FIXTURE.replace("date: 1970-04-24", "date: 1970-04-31"), encoding="utf-8")
    data = LiveData([fixture_events])  # no settling: the app waits half a second for a writer to finish
    body, status = server.health(data)
    assert status == 503 and body["status"] == "error"  # this cache never had good data
    fixture_events.write_text(FIXTURE, encoding="utf-8")
    good = {"status": "ok", "version": version, "events": 5, "errors": [], "pid": os.getpid()}
    assert server.health(data) == (good, 200)
    fixture_events.write_text(FIXTURE.replace("date: 1970-04-24", "date: 1970-04-31"), encoding="utf-8")
    body, status = server.health(data)
    assert status == 200 and body["status"] == "stale" and body["events"] == 5
    assert body["errors"] == [f"{fixture_events}:29:11: events[2].date: impossible date '1970-04-31': "
                              "Apr 1970 has days 01 to 30"]  # fmt: skip


def test_healthz_is_503_with_the_errors_when_nothing_good_was_loaded(tmp_path):
    missing = tmp_path / "missing.yaml"
    response = create_app([missing]).server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "version": response.get_json()["version"], "events": 0,
                                   "errors": [f"{missing}:1:1: no such file"], "pid": os.getpid()}  # fmt: skip


def test_every_answer_says_how_long_it_took_compression_included(fixture_events, caplog):
    caplog.set_level(logging.INFO)
    client = create_app([fixture_events]).server.test_client()
    chart = load.find_callback(client.get("/_dash-dependencies").get_json(), load.CHART_OUTPUT)
    response = client.post("/_dash-update-component", json=load.chart_body(chart, "?country=CN"),
                           headers={"Accept-Encoding": "gzip"})  # fmt: skip
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    took = re.fullmatch(r"app;dur=(\d+\.\d)", response.headers["Server-Timing"])
    assert took, response.headers["Server-Timing"]
    access = [r.getMessage() for r in caplog.records if r.name == "timeline.access"][-1]
    assert access == (f'127.0.0.1 "POST /_dash-update-component HTTP/1.1" 200 {response.headers["Content-Length"]} '
                      f"{took.group(1)}ms")  # the compressed size, and the same time  # fmt: skip


def test_a_look_that_is_not_one_draws_nothing_and_breaks_nothing(fixture_events):
    client = create_app([fixture_events]).server.test_client()
    chart = load.find_callback(client.get("/_dash-dependencies").get_json(), load.CHART_OUTPUT)
    for look in ("not a look", {"theme": "light", "width": [1]}, {"theme": "sepia", "width": 900}):
        body = load.chart_body(chart, "?country=CN")
        body["inputs"][1]["value"] = look  # what a browser never sends: no chart, no 500
        assert client.post("/_dash-update-component", json=body).status_code == 204


def test_a_failing_callback_is_logged_with_its_output_and_page(fixture_events, caplog, monkeypatch):
    caplog.set_level(logging.INFO)
    client = create_app([fixture_events]).server.test_client()
    chart = load.find_callback(client.get("/_dash-dependencies").get_json(), load.CHART_OUTPUT)
    body = load.chart_body(chart, "?country=CN")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in a chart")

    monkeypatch.setattr(figures, "plotly_json", broken)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 500
    [failed] = [r.getMessage() for r in caplog.records if r.name == "timeline.server"]
    output = re.escape(chart["output"])
    assert re.fullmatch(rf"callback {output} failed \(url query '\?country=CN'\): \w+Error: .+", failed)
    access = [r.getMessage() for r in caplog.records if r.name == "timeline.access"]
    assert access[-1].startswith('127.0.0.1 "POST /_dash-update-component HTTP/1.1" 500 ')


def test_the_wsgi_factory_runs_under_the_gunicorn_command(fixture_events, tmp_path):
    port = load.free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--no-control-socket",
                                 f"timeline.app:wsgi({str(fixture_events)!r})"], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        assert load.ready(url, proc), log.read_text()
        status, headers, body = get(url + "/healthz")
        assert status == 200 and json.loads(body)["events"] == 5 and "Content-Security-Policy" in headers
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0


def test_two_workers_hold_ten_clients_with_no_errors(fixture_events):
    with load.serving([fixture_events], 2) as running:
        result = load.run(running.url, fixture_events, clients=10, requests=300)
    assert result.errors == []
    assert result.requests >= 300 and result.latencies["page"] and result.latencies["filter"]


# --- callback requests a browser never sends: 400 and one line, not 500 and a traceback --------

CSV_BODY = {
    "output": "download-csv-file.data", "outputs": {"id": "download-csv-file", "property": "data"},
    "inputs": [{"id": "download-csv", "property": "n_clicks", "value": 1}],
    "state": [{"id": "url", "property": "search", "value": ""}], "changedPropIds": ["download-csv.n_clicks"],
}  # fmt: skip


@pytest.mark.parametrize("body, reason", [
    ({**CSV_BODY, "output": "nope.children", "outputs": {"id": "nope", "property": "children"}},
     "no server callback has the outputs 'nope.children'"),
    ({**CSV_BODY, "output": "client-sink.title"}, "no server callback has the outputs 'client-sink.title'"),
    ({**CSV_BODY, "output": "..download-csv-file.data...nope.children.."},
     "no server callback has the outputs '..download-csv-file.data...nope.children..'"),
    ({k: v for k, v in CSV_BODY.items() if k != "output"}, "no 'output' naming the callback"),
    ({}, "no 'output' naming the callback"),
    ([1, 2], "the body is not a JSON object"),
    ("text", "the body is not a JSON object"),
    ({**CSV_BODY, "state": []}, "'download-csv-file.data' takes 1 state, got 0"),
    ({**CSV_BODY, "inputs": "x"}, "'inputs' is not a list of {id, property, value}"),
    ({**CSV_BODY, "inputs": [{"value": 1}]}, "'inputs' is not a list of {id, property, value}"),
    ({**CSV_BODY, "outputs": 5}, "'outputs' is not an {id, property} or a list of them"),
    ({**CSV_BODY, "changedPropIds": [5]}, "'changedPropIds' is not a list of text"),
])  # fmt: skip
def test_a_malformed_callback_request_is_400_with_one_log_line(tmp_path, caplog, body, reason):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    client = create_app([path]).server.test_client()  # the bad request is the app's very first
    with caplog.at_level(logging.INFO):
        response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 400
    assert response.get_data(as_text=True) == f"Bad callback request: {reason}\n"
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in problems] == [f"refused a callback request from 127.0.0.1: {reason}"]
    assert not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # still hardened
    assert client.post("/_dash-update-component", json=CSV_BODY).status_code == 200  # a real one still works


def test_a_body_that_is_not_json_is_400_not_500(tmp_path, caplog):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    client = create_app([path]).server.test_client()
    with caplog.at_level(logging.INFO):
        response = client.post("/_dash-update-component", data="{not json", content_type="application/json")
    assert response.status_code == 400 and "Traceback" not in caplog.text

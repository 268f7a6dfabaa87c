"""The app as a whole without a browser: a WSGI app, and `timeline serve`."""

from __future__ import annotations

import json
import socket

from timeline.app import create_app
from timeline.cli import main


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


def test_serve_says_in_one_line_when_the_port_is_taken(runner, fixture_events):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", str(fixture_events), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_serve_rejects_a_bad_port_as_usage(runner):
    result = runner.invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 2 and "Invalid value for '--port'" in result.output


def test_serve_help_names_the_options(runner):
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output and "[default: 8050;" in result.output

"""The app's parts without a browser: details, WSGI, serve."""

from __future__ import annotations

import json
import socket

import pytest

from timeline import live
from timeline.app import create_app
from timeline.cli import main
from timeline.panes import details


@pytest.fixture
def snapshot(fixture_dataset):
    return live.snapshot(fixture_dataset, "v1")


def test_details_are_plain_text_with_safe_links(snapshot):
    panel = json.dumps([c.to_plotly_json() for c in details(snapshot, "vanguard-tv3")], default=lambda o: o.to_plotly_json())
    assert "Vanguard <b>TV3</b> & co" in panel  # a text child: React renders it as text
    assert '"rel": "noopener noreferrer"' in panel and '"target": "_blank"' in panel
    assert "Dec 1957" in panel and "Failed" in panel


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

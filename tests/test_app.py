"""The app as a whole without a browser: a WSGI app, and `timeline serve`."""

from __future__ import annotations

import json
import os
import re
import socket
import time

from timeline import frame, ids
from timeline.app import create_app
from timeline.cli import main
from timeline.frame import Filters
from timeline.live import LiveData

from .fixtures import busy, write_fixture
from .helpers import load

LOOK = {"theme": "light", "width": 1060}


def component(tree, wanted: str) -> dict:
    """The props of the component with id ``wanted`` in a ``/_dash-layout`` answer."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == wanted:
            return tree["props"]
        tree = list(tree.get("props", {}).values()) if "props" in tree else list(tree.values())
    for item in tree if isinstance(tree, list) else ():
        if isinstance(item, (dict, list)) and (found := component(item, wanted)) is not None:
            return found
    return None


def test_the_page_brings_its_chart_and_the_chart_callback_then_has_nothing_to_do(fixture_events):
    data = LiveData([fixture_events])
    client = create_app(data).server.test_client()
    assert "timeline-look" in client.get("/assets/timeline.js").get_data(as_text=True)  # the script sets the cookies
    client.set_cookie("timeline-look", "light.1060")
    client.set_cookie("timeline-page", "%3Fcountry%3DCN")
    answer = client.get("/_dash-layout", headers={"Referer": "http://localhost/?country=CN"})
    assert answer.headers["Cache-Control"] == "no-store"  # drawn for this page and look
    page = answer.get_json()
    graph, drawn = component(page, ids.CHART), component(page, ids.CHART_DRAWN)["data"]
    cn = set(frame.apply(data.current().df, Filters(countries=("CN",)))["id"])
    assert {c for t in graph["figure"]["data"] for c in t.get("customdata") or ()} == cn
    chart = load.find_callback(client.get("/_dash-dependencies").get_json(), load.CHART_OUTPUT)
    values = {"url.search": "?country=CN", "look.data": LOOK, "data-version.data": data.current().version,
              "chart-drawn.data": drawn}  # fmt: skip
    assert client.post("/_dash-update-component", json=load.callback_body(chart, values)).status_code == 204
    narrow = {**values, "look.data": {"theme": "light", "width": 500}}  # the browser's look differs: drawn again
    answer = client.post("/_dash-update-component", json=load.callback_body(chart, narrow)).get_json()
    assert {c for t in answer["response"][ids.CHART]["figure"]["data"] for c in t.get("customdata") or ()} == cn


def test_a_page_is_made_once_for_every_reader_of_the_same_url_and_data(events_file):
    data = LiveData([events_file])
    client = create_app(data).server.test_client()
    assert client.get("/?country=US").data == client.get("/anything/else").data  # one page for every URL
    client.set_cookie("timeline-look", "light.1060")

    def layout(search: str) -> bytes:
        client.set_cookie("timeline-page", search.replace("?", "%3F").replace("=", "%3D"))
        return client.get("/_dash-layout", headers={"Referer": f"http://localhost/{search}"}).data

    us = layout("?country=US")
    assert layout("?country=US") == us and layout("?country=CN") != us
    events_file.write_text(events_file.read_text(encoding="utf-8").replace("Sputnik 1", "Sputnik One"), encoding="utf-8")
    os.utime(events_file, (time.time() + 5, time.time() + 5))
    assert data.current().version not in us.decode() and layout("?country=US") != us  # new data: made anew
    assert data.current().version in layout("?country=US").decode()


def test_the_pages_scripts_are_kept_by_the_browser_plotly_js_too(fixture_events):
    """plotly.js (4.8 MB) and Dash's scripts are named with their version: the browser keeps them
    for a year, and does not ask again (the server compressed plotly.js anew at each ask)."""
    client = create_app([fixture_events]).server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    plotly_js = [s for s in scripts if "/plotly/package_data/plotly." in s]
    assert len(plotly_js) == 1 and re.search(r"plotly\.v\d+_\d+_\d+m\d+\.min\.js$", plotly_js[0])
    for src in plotly_js + [s for s in scripts if "dash_renderer" in s]:
        answer = client.get(src)
        assert answer.status_code == 200 and "max-age=31536000" in answer.headers["Cache-Control"], src


def test_the_page_draws_no_chart_for_a_url_it_is_not_sure_of(fixture_events):
    client = create_app([fixture_events]).server.test_client()
    client.set_cookie("timeline-look", "light.1060")
    client.set_cookie("timeline-page", "%3Fview%3Dtable")
    for headers in (
        {"Referer": "http://localhost/"},  # a referrer cut to the site by a proxy's policy: the cookie says otherwise
        {},  # no referrer at all
        {"Referer": "http://localhost/?country=US"},  # another tab wrote the cookie last
        {"Referer": "http://localhost/?view=table", "Sec-Fetch-Site": "cross-site"},  # not the page's own request
    ):  # fmt: skip
        page = client.get("/_dash-layout", headers=headers).get_json()
        assert component(page, ids.CHART_DRAWN)["data"] is None and component(page, ids.CHART)["figure"]["data"] == []
    page = client.get("/_dash-layout", headers={"Referer": "http://localhost/?view=table"}).get_json()
    assert component(page, ids.RESULTS)["className"] == "results no-chart"  # agreed: the table's page, no chart


def test_the_chart_callback_finds_an_opened_events_chart_drawn_by_the_page(tmp_path):
    data = LiveData([write_fixture(tmp_path, busy())])
    client = create_app(data).server.test_client()
    client.set_cookie("timeline-look", "light.1060")
    client.set_cookie("timeline-page", "%3Fevent%3Dl7")
    page = client.get("/_dash-layout", headers={"Referer": "http://localhost/?event=l7"}).get_json()
    drawn = component(page, ids.CHART_DRAWN)["data"]
    assert drawn[3:] == ["l7"] and "l7" in {c for t in component(page, ids.CHART)["figure"]["data"]
                                            for c in t.get("customdata") or ()}  # fmt: skip
    chart = load.find_callback(client.get("/_dash-dependencies").get_json(), load.CHART_OUTPUT)
    values = {"url.search": "?event=l7", "look.data": LOOK, "data-version.data": data.current().version,
              "chart-drawn.data": drawn}  # fmt: skip
    assert client.post("/_dash-update-component", json=load.callback_body(chart, values)).status_code == 204


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


def test_the_app_starts_under_a_path_prefix_dash_is_told_of(fixture_events, monkeypatch):
    monkeypatch.setenv("DASH_URL_BASE_PATHNAME", "/timeline/")
    client = create_app([fixture_events]).server.test_client()
    page = client.get("/timeline/anything")
    assert page.status_code == 200 and "/timeline/_dash-component-suites/plotly/" in page.get_data(as_text=True)
    assert client.get("/timeline/_dash-layout").status_code == 200

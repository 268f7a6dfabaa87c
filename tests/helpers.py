"""Helpers the browser and server tests share: waiting for the page, reading the URL and the
chart, choosing from a dropdown, GET requests, a server's health, and ``bench/load.py``'s server
runner."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlsplit

from selenium.webdriver.common.keys import Keys

from .conftest import ROOT

PLOTTED_JS = """
const gd = document.querySelector('#timeline .js-plotly-plot');
if (!gd || !gd.data) { return null; }
const ids = [];
for (const trace of gd.data) {
  for (const c of (trace.customdata || [])) { ids.push(Array.isArray(c) ? c[0] : c); }
}
return ids;
"""


def until(check, timeout: float = 8.0, message: str = "condition"):
    """Poll ``check`` until it returns something truthy (the page updates asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message() if callable(message) else message}")
        time.sleep(0.1)


def plotted(dash_duo) -> set[str] | None:
    ids = dash_duo.driver.execute_script(PLOTTED_JS)
    return None if ids is None else set(ids)


def wait_plotted(dash_duo, expected: set[str]) -> None:
    until(lambda: plotted(dash_duo) == expected, message=f"the chart to plot {sorted(expected)}, "
          f"it plots {sorted(plotted(dash_duo) or [])}")  # fmt: skip


def query(dash_duo) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(dash_duo.driver.current_url).query))


def choose(dash_duo, dropdown: str, *labels: str) -> None:
    """Pick options of a dcc.Dropdown the way a keyboard user does: open, type, Enter, Escape."""
    dash_duo.find_element(dropdown).click()
    for label in labels:
        box = dash_duo.wait_for_element(".dash-dropdown-search")
        box.clear()
        box.send_keys(label)
        box.send_keys(Keys.ENTER)
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    until(lambda: not dash_duo.find_elements(".dash-dropdown-content"), message="the dropdown to close")


def _bench_load():
    """``bench/load.py`` as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    module = sys.modules.setdefault("bench_load", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


load = _bench_load()


def get(url: str) -> tuple[int, dict, str]:
    """Status, headers and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def health(url: str) -> dict:
    """The server's ``/healthz`` answer."""
    return json.loads(get(url + "/healthz")[2])


def every_server(running, version: str, status: str, workers: int = 2, timeout: float = 30) -> dict:
    """Wait until every serving process (gunicorn's ``workers``, or the one server) has read the
    files as they are (``version``, ``status``): one reading a big file apart serves the data on
    show meanwhile. Returns one of their answers."""
    servers = set(running.children()) if workers > 1 else {running.proc.pid}
    said: dict[int, dict] = {}

    def everyone() -> bool:
        answer = health(running.url)
        if (answer["version"], answer["status"]) == (version, status):
            said[answer["pid"]] = answer
        return set(said) >= servers

    until(everyone, timeout=timeout,
          message=lambda: f"every server process to say {status} at {version}: {health(running.url)}")  # fmt: skip
    return next(iter(said.values()))



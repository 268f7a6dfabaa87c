"""Level of detail in a real headless Chromium on 20,000 events: busy lanes draw their density at
full range with world firsts still as markers; zooming into a year (as a drag does) writes the
window to the URL and swaps in exactly that window's events, one marker each; an open event stays
a marker over its lane's density."""

from __future__ import annotations

import random

import pytest

from timeline import frame, store
from timeline.app import create_app
from timeline.frame import Filters

from .helpers import query, until

pytestmark = pytest.mark.browser

COUNTRIES = ("SU", "US", "CN", "FR", "JP", "IN")
FIRSTS = {"e0", "e5000", "e15000"}

TRACES_JS = """
const gd = document.querySelector('#timeline .js-plotly-plot');
if (!gd || !gd.data || !gd.data.length) { return null; }
const out = {events: [], firsts: [], density: 0};
for (const t of gd.data) {
  if (t.name === 'Events') { out.events.push(...t.customdata); }
  if (t.name === 'first') { out.firsts.push(...t.customdata); }
  if (t.name === 'density') { out.density += 1; }
}
return out;
"""


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    rng = random.Random(1957)
    lines = ["countries:\n", *(f"  {c}: {{name: Country {c}}}\n" for c in COUNTRIES),
             "types:\n  launch: {label: Launch}\nevents:\n"]  # fmt: skip
    for i in range(20_000):
        year, month, day = rng.randint(1957, 2022), rng.randint(1, 12), rng.randint(1, 28)
        first = ", first: true" if f"e{i}" in FIRSTS else ""
        lines.append(f"  - {{id: e{i}, title: Launch {i}, date: {year}-{month:02d}-{day:02d}, "
                     f"countries: [{COUNTRIES[i % len(COUNTRIES)]}], type: launch{first}, description: D., "
                     f"sources: [{{url: 'https://example.org/{i}', title: S}}]}}\n")  # fmt: skip
    path = tmp_path_factory.mktemp("big") / "events.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_twenty_thousand_events_read_at_full_range_and_each_one_when_zoomed_in(dash_duo, big_file):
    dash_duo.start_server(create_app([big_file], poll_ms=60_000))
    dash_duo.driver.set_window_size(1400, 1000)  # a desktop: a year's ~54 events a lane fit one by one
    dash_duo.driver.get(dash_duo.server_url + "/")
    traces = lambda: dash_duo.driver.execute_script(TRACES_JS)  # noqa: E731
    until(lambda: (traces() or {}).get("density") == len(COUNTRIES), timeout=60,
          message=lambda: f"a density lane per country, the chart has {traces()}")  # fmt: skip
    shown = traces()
    assert set(shown["events"]) == FIRSTS and set(shown["firsts"]) == FIRSTS  # world firsts stay markers
    dash_duo.driver.execute_script(
        "Plotly.relayout(document.querySelector('#timeline .js-plotly-plot'),"
        " {'xaxis.range': ['1969-01-01', '1970-01-01']});"
    )  # what a drag to 1969 reports
    until(lambda: query(dash_duo) == {"from": "1969-01-01", "to": "1969-12-31"}, timeout=30,
          message=lambda: f"the window in the URL, it is {query(dash_duo)}")  # fmt: skip
    dataset = store.load([big_file]).dataset
    window = frame.apply(frame.to_frame(dataset), Filters.from_query({"from": "1969-01-01", "to": "1969-12-31"})[0])
    until(lambda: sorted((traces() or {}).get("events", [])) == sorted(window["id"]), timeout=60,
          message=lambda: f"the {len(window)} events of 1969 one by one; the chart has "
                          f"{len((traces() or {}).get('events', []))} and {(traces() or {}).get('density')} density traces")
    assert (traces() or {}).get("density") == 0
    assert dash_duo.find_element("#filter-from").get_attribute("value") == "1969-01-01"
    # a link to an event that a busy lane shows only in its bars: the page draws it as a marker
    dash_duo.driver.get(dash_duo.server_url + "/?event=e123")
    until(lambda: (traces() or {}).get("density") == len(COUNTRIES) and "e123" in traces()["events"], timeout=60,
          message=lambda: f"e123 as a marker over the density lanes, the chart has {traces()}")  # fmt: skip
    assert set(traces()["events"]) == FIRSTS | {"e123"}
    until(lambda: dash_duo.find_element("#details h2").text == "Launch 123", message="e123's details")
    assert dash_duo.get_logs() == []

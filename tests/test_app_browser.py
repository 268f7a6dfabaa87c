"""The browse app in a real headless Chromium (dash_duo): URL filters, controls, details, reload.

Every test reads what the chart plots from the plotly div itself (each point's customdata is its
event id) and ends with ``dash_duo.get_logs() == []``: no error reached the browser console.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from timeline.app import create_app

from .conftest import EVENTS
from .fixtures import FIXTURE
from .helpers import PLOTTED_JS, choose, plotted, query, until, wait_plotted  # noqa: F401

pytestmark = pytest.mark.browser

EVERY = {"sputnik-1", "vanguard-tv3", "dongfanghong-1", "zarya", "crewed-cn-2030"}

@pytest.fixture
def served(dash_duo, fixture_events):
    """The app on the fixture file; ``open(query)`` loads a page of it."""
    dash_duo.start_server(create_app([fixture_events], poll_ms=300))

    def open_page(search: str = "") -> None:
        dash_duo.driver.get(dash_duo.server_url + "/" + search)
        dash_duo.wait_for_element("#count")

    return open_page


def test_the_default_view_plots_every_event(dash_duo, served):
    served()
    wait_plotted(dash_duo, EVERY)
    dash_duo.wait_for_text_to_equal("#count", "5 of 5 events")
    assert dash_duo.get_logs() == []



def test_the_browsers_own_trim_and_parse_float_stay_after_dashs_polyfill(dash_duo, served):
    """Dash's polyfill swaps the string trims, parseFloat and parseInt for slower copies that count
    U+180E as a space; the page puts the browser's own back (which do not), before the chart draws."""
    served()
    wait_plotted(dash_duo, EVERY)
    assert dash_duo.driver.execute_script(
        "return [String.prototype.trim.call('\\u180e'), ''.trimStart === String.prototype.trimLeft,"
        " Number.isNaN(parseFloat('\\u180e1.5')), Number.isNaN(Number.parseFloat('\\u180e1.5')),"
        " Number.isNaN(parseInt('\\u180e7')), typeof regeneratorRuntime];"
    ) == ["\u180e", True, True, True, True, "object"]  # the polyfill itself stays: Dash's scripts use it
    assert dash_duo.get_logs() == []


MARGINS_KEPT = """
const gd = document.querySelector('#timeline .js-plotly-plot');
const size = gd._fullLayout._size, asked = gd.layout.margin;
return [size.l === asked.l, size.b === asked.b, asked.l > 21, asked.b > 40];
"""


@pytest.mark.parametrize("search", ["", "?lanes=type"])
def test_the_timeline_draws_in_the_margins_the_server_gave(dash_duo, served, search):
    """The server says how much room the lane labels and the legend take; when plotly had to find
    more itself, it drew the whole chart a second time (half of the first draw's time)."""
    served(search)
    wait_plotted(dash_duo, EVERY)
    assert dash_duo.driver.execute_script(MARGINS_KEPT) == [True, True, True, True]
    assert dash_duo.get_logs() == []


LANE_LABELS = "return document.querySelector('#timeline .js-plotly-plot').layout.yaxis.ticktext;"


def test_a_resized_window_gets_its_chart_drawn_again_for_its_width(dash_duo, served):
    """The server draws a chart for the width it gets (margins, legend rows, codes on a phone):
    narrowed to a phone's width, the lanes are labelled with codes; widened again, with names."""
    dash_duo.driver.set_window_size(1300, 900)
    served()
    wait_plotted(dash_duo, EVERY)
    assert dash_duo.driver.execute_script(LANE_LABELS) == ["Soviet Union", "Russia", "United States", "China"]
    dash_duo.driver.set_window_size(560, 900)
    until(lambda: dash_duo.driver.execute_script(LANE_LABELS) == ["SU", "RU", "US", "CN"], message="codes on a phone")
    dash_duo.driver.set_window_size(1300, 900)
    until(lambda: dash_duo.driver.execute_script(LANE_LABELS)[0] == "Soviet Union", message="names again")
    wait_plotted(dash_duo, EVERY)
    assert dash_duo.get_logs() == []

# Counts each graph's plotly draws of a figure with data (window.__draws, by the graph's id).
COUNT_DRAWS = """
(function () {
  let real;
  window.__draws = {};
  Object.defineProperty(window, "Plotly", {configurable: true, get() { return real; }, set(value) {
    real = value;
    for (const name of ["react", "newPlot"]) {
      const draw = value[name];
      value[name] = function (gd, data) {
        const graph = gd && gd.closest ? gd.closest("[id]") : null;
        const figure = data && data.data ? data.data : data;
        if (graph && figure && figure.length) { window.__draws[graph.id] = (window.__draws[graph.id] || 0) + 1; }
        return draw.apply(this, arguments);
      };
    }
  }});
})();
"""


def test_the_page_brings_its_chart_and_runs_plotly_once(dash_duo, served):
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_DRAWS})
    served("?country=US")
    wait_plotted(dash_duo, {"vanguard-tv3", "zarya"})
    until(lambda: not dash_duo.driver.execute_script("return document.querySelector('[data-dash-is-loading=\"true\"]')"),
          message="every callback answered")  # fmt: skip
    assert dash_duo.driver.execute_script("return window.__draws") == {"timeline": 1}  # the page's drawing, once
    requests = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name.split('?')[0].split('/').pop())")
    plotly_js = [name for name in requests if name.startswith("plotly.") and name.endswith(".min.js")]
    assert len(plotly_js) == 1  # the page's own script (its name carries plotly's version); the chart found it ready
    assert "timeline-look=" in dash_duo.driver.execute_script("return document.cookie")
    assert dash_duo.get_logs() == []


def test_a_zoom_is_drawn_once_by_plotly_then_once_with_the_servers_window(dash_duo, served):
    """The zoom shows at once (plotly's own relayout); dcc.Graph does not then redraw the whole
    chart from its figure; the server's figure for the window is the only other drawing."""
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_DRAWS})
    served()
    wait_plotted(dash_duo, EVERY)
    until(lambda: dash_duo.driver.execute_script("return window.__draws") == {"timeline": 1}, message="the first drawing")
    dash_duo.driver.execute_script(
        "Plotly.relayout(document.querySelector('#timeline .js-plotly-plot'), {'xaxis.range': ['1957-01-01', '1971-01-01']})"
    )
    until(lambda: query(dash_duo).get("from") == "1957-01-01", message=lambda: f"the window in the URL: {query(dash_duo)}")
    wait_plotted(dash_duo, {"sputnik-1", "dongfanghong-1", "vanguard-tv3"})
    until(lambda: not dash_duo.driver.execute_script("return document.querySelector('[data-dash-is-loading=\"true\"]')"),
          message="every callback answered")  # fmt: skip
    assert dash_duo.driver.execute_script("return window.__draws") == {"timeline": 2}  # the page's, the window's
    assert dash_duo.get_logs() == []


SHOWN_JS = """
const gd = document.querySelector('#timeline .js-plotly-plot');
const [a, b] = gd._fullLayout.xaxis.range.map(Date.parse);
const out = {};  // per marker trace: the ids of its markers in the page, and of those inside the window
for (const t of gd.querySelectorAll('.scatterlayer .trace')) {
  const trace = t.__data__[0].trace;  // each trace's group holds its points as plotly computed them
  if (!trace.customdata) continue;
  const ids = (points) => points.map(p => trace.customdata[p.i]).sort();
  out[trace.name] = [...(out[trace.name] || []), [ids(Array.from(t.querySelectorAll('path.point'), p => p.__data__)),
                                                  ids(t.__data__.filter(p => p.x >= a && p.x <= b))]];
}
return out;
"""

# plotly's zoom alone (the server's window is not asked for), until plotly has drawn it
PLOTLY_ZOOM_JS = """
const [start, end, done] = arguments;
window.dash_clientside.set_props = () => {};
Plotly.relayout(document.querySelector('#timeline .js-plotly-plot'), {'xaxis.range': [start, end]}).then(() => done());
"""


def test_a_zoom_keeps_only_the_windows_markers_in_the_page(dash_duo, served):
    """plotly's own zoom drops the markers outside the window from the page (so that it restyles
    only the window's); every marker inside is there, those on its first and last days too."""
    served()
    wait_plotted(dash_duo, EVERY)
    shown = dash_duo.driver.execute_script(SHOWN_JS)
    assert {i for page, _ in shown["Events"] for i in page} == EVERY
    dash_duo.driver.execute_async_script(PLOTLY_ZOOM_JS, "1957-01-01", "1971-01-01")
    shown = dash_duo.driver.execute_script(SHOWN_JS)
    assert all(page == inside for traces in shown.values() for page, inside in traces)
    assert sorted(i for page, _ in shown["Events"] for i in page) == ["dongfanghong-1", "sputnik-1", "vanguard-tv3"]
    assert [i for page, _ in shown["failed"] for i in page] == ["vanguard-tv3"]
    # a window from Sputnik's day to Dong Fang Hong 1's: both at its very edges
    dash_duo.driver.execute_async_script(PLOTLY_ZOOM_JS, "1957-10-04", "1970-04-24")
    shown = dash_duo.driver.execute_script(SHOWN_JS)
    assert sorted(i for page, _ in shown["Events"] for i in page) == ["dongfanghong-1", "sputnik-1", "vanguard-tv3"]


URL_CASES = [
    ("?country=CN,SU&from=1957&to=1975", {"sputnik-1", "dongfanghong-1"}),
    ("?country=US", {"vanguard-tv3", "zarya"}),
    ("?type=space-station,crewed-flight", {"zarya", "crewed-cn-2030"}),
    ("?status=planned,failed", {"vanguard-tv3", "crewed-cn-2030"}),
    ("?from=2020", {"zarya", "crewed-cn-2030"}),  # zarya's span (1998-2024) overlaps
    ("?to=1957-11", {"sputnik-1"}),
    ("?q=satellite", {"sputnik-1", "dongfanghong-1"}),
    ("?firsts=1", {"sputnik-1"}),
    ("?lanes=type&country=RU", {"zarya"}),
    ("?country=CN&to=1960", set()),
]


def test_each_url_filter_plots_exactly_the_right_events(dash_duo, served):
    for search, expected in URL_CASES:
        served(search)
        wait_plotted(dash_duo, expected)
    assert dash_duo.get_logs() == []


def test_a_joint_event_sits_in_each_countrys_lane_or_only_the_selected_one(dash_duo, served):
    lanes_js = """
    const gd = document.querySelector('#timeline .js-plotly-plot');
    const lanes = gd.layout.yaxis.ticktext;  // lanes are numbered; the tick labels name them
    return gd.data.filter(t => t.name === 'Events')
      .flatMap(t => t.customdata.map((id, i) => id + '@' + lanes[t.y[i]]))
      .filter(s => s.startsWith('zarya@')).sort();
    """
    served()
    wait_plotted(dash_duo, EVERY)
    # lane labels are names, or codes when the window is phone-narrow
    assert dash_duo.driver.execute_script(lanes_js) in (["zarya@Russia", "zarya@United States"], ["zarya@RU", "zarya@US"])
    served("?country=US")
    wait_plotted(dash_duo, {"vanguard-tv3", "zarya"})
    assert dash_duo.driver.execute_script(lanes_js) in (["zarya@United States"], ["zarya@US"])


def test_a_url_sets_the_controls_and_unknown_values_get_a_note(dash_duo, served):
    served("?country=CN,XX&status=bogus&from=1957&q=first&view=nope")
    wait_plotted(dash_duo, {"dongfanghong-1"})
    assert dash_duo.find_element("#filter-from").get_attribute("value") == "1957"
    assert dash_duo.find_element("#filter-q").get_attribute("value") == "first"
    assert "China" in dash_duo.find_element("#filter-country").text
    note = dash_duo.wait_for_element(".notes p").text
    assert "ignored unknown country 'XX'" in note and "ignored unknown status 'bogus'" in note
    assert "ignored unknown view 'nope'" in note
    assert dash_duo.get_logs() == []


def test_changing_controls_updates_the_url_and_back_restores_it(dash_duo, served):
    served()
    wait_plotted(dash_duo, EVERY)
    dash_duo.find_element("#filter-firsts input").click()
    until(lambda: query(dash_duo).get("firsts") == "1", message="firsts=1 in the URL")
    wait_plotted(dash_duo, {"sputnik-1"})
    search = dash_duo.find_element("#filter-q")
    dash_duo.find_element("#filter-firsts input").click()
    search.send_keys("satellite")
    until(lambda: query(dash_duo) == {"q": "satellite"}, message="q=satellite in the URL")
    wait_plotted(dash_duo, {"sputnik-1", "dongfanghong-1"})
    to = dash_duo.find_element("#filter-to")
    to.send_keys("1960", Keys.TAB)
    until(lambda: query(dash_duo) == {"q": "satellite", "to": "1960"}, message="to=1960 in the URL")
    wait_plotted(dash_duo, {"sputnik-1"})
    dash_duo.find_element("#lanes input[value='type']").click()
    until(lambda: query(dash_duo).get("lanes") == "type", message="lanes=type in the URL")
    dash_duo.driver.back()  # history-friendly: each change is a history entry
    until(lambda: "lanes" not in query(dash_duo), message="back to country lanes")
    dash_duo.driver.back()
    until(lambda: query(dash_duo) == {"q": "satellite"}, message="back to q only")
    wait_plotted(dash_duo, {"sputnik-1", "dongfanghong-1"})
    until(lambda: dash_duo.find_element("#filter-to").get_attribute("value") == "", message="the 'to' box cleared")
    dash_duo.find_element("#reset").click()
    until(lambda: query(dash_duo) == {}, message="reset clears the URL")
    wait_plotted(dash_duo, EVERY)
    assert dash_duo.get_logs() == []


def click_point(dash_duo, event_id: str) -> None:
    """A real mouse click on the plotted marker of ``event_id``."""
    x, y = dash_duo.driver.execute_script(
        """
        const gd = document.querySelector('#timeline .js-plotly-plot');
        const i = gd.data.findIndex(t => t.name === 'Events');
        const t = gd.data[i], j = t.customdata.indexOf(arguments[0]);
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
        return [box.left + xa._offset + xa.d2p(t.x[j]), box.top + ya._offset + ya.d2p(t.y[j])];
        """,
        event_id,
    )
    actions = ActionChains(dash_duo.driver)
    actions.w3c_actions.pointer_action.move_to_location(int(x), int(y))
    actions.w3c_actions.pointer_action.click()
    actions.perform()


def test_clicking_an_event_on_the_chart_opens_its_details(dash_duo, served):
    served()
    wait_plotted(dash_duo, EVERY)
    click_point(dash_duo, "sputnik-1")
    until(lambda: query(dash_duo).get("event") == "sputnik-1", message="event=sputnik-1 in the URL")
    title = dash_duo.wait_for_element("#details h2")
    assert title.text == "Sputnik 1"
    panel = dash_duo.find_element("#details").text
    assert "4 Oct 1957" in panel and "Soviet Union" in panel and "First artificial satellite." in panel
    link = dash_duo.find_element("#details a")
    assert link.get_attribute("href") == "https://example.org/s1"
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"
    dash_duo.find_element("#details-close").click()
    until(lambda: "event" not in query(dash_duo), message="closing drops event= from the URL")
    until(lambda: not dash_duo.find_element("#details").is_displayed(), message="the panel to close")
    assert dash_duo.get_logs() == []


def test_titles_are_text_never_html(dash_duo, served):
    served("?view=table&type=satellite")
    button = dash_duo.wait_for_element("button[id*='vanguard-tv3']")
    assert button.text == "Vanguard <b>TV3</b> & co"
    assert dash_duo.driver.execute_script("return document.querySelectorAll('#table b').length") == 0
    assert dash_duo.get_logs() == []


def test_the_table_view_sorts_and_opens_details(dash_duo, served):
    served("?view=table")

    def titles() -> list[str]:
        return dash_duo.driver.execute_script(  # in one go: the rows re-render while sorting
            "return [...document.querySelectorAll('table.events tbody td:nth-child(2)')].map(td => td.textContent)"
        )

    until(lambda: len(titles()) == 5, message="five table rows")
    hidden = "const chart = document.querySelector('#timeline'); return chart.getClientRects().length === 0"
    until(lambda: dash_duo.driver.execute_script(hidden), message="the chart hidden")  # one query: it may re-render
    assert titles()[0] == "Sputnik 1" and titles()[-1] == "Chinese crewed landing"
    dash_duo.find_element("button[id*='sort-by'][id*='title']").click()
    until(lambda: titles() == sorted(titles(), key=str.casefold) and titles()[0] == "Chinese crewed landing",
          message="rows sorted by title")  # fmt: skip
    assert dash_duo.find_element("th[aria-sort]").text.startswith("TITLE")
    dash_duo.find_element("button[id*='sort-by'][id*='title']").click()
    until(lambda: titles()[0] == "Zarya", message="rows sorted by title, descending")
    dash_duo.find_element("button[id*='open-event'][id*='zarya']").click()
    until(lambda: dash_duo.find_element("#details h2").text == "Zarya", message="Zarya's details")
    assert "20 Nov 1998 – 2024" in dash_duo.find_element("#details").text
    assert query(dash_duo) == {"view": "table", "event": "zarya"}
    assert dash_duo.get_logs() == []


def test_activity_view_stacks_events_per_period(dash_duo, served):
    served("?view=activity&to=1975")
    until(lambda: dash_duo.driver.execute_script(
        "const gd = document.querySelector('#timeline .js-plotly-plot');"
        "return gd && gd.layout.barmode === 'stack' && gd.data.map(t => t.name).join(',')"
    ) == "Soviet Union,United States,China", message="three stacked country traces")  # fmt: skip
    assert "current" in dash_duo.find_element("a[id*='activity']").get_attribute("class")
    assert dash_duo.get_logs() == []


def test_hot_reload_shows_additions_survives_a_bad_edit_and_recovers(dash_duo, served, fixture_events):
    served()
    wait_plotted(dash_duo, EVERY)
    addition = FIXTURE.replace("events:\n", """events:
  - id: explorer-1
    title: Explorer 1
    date: 1958-02-01
    countries: [US]
    type: satellite
    description: First US satellite.
    sources: [{url: "https://example.org/e1", title: E1}]
""")
    fixture_events.write_text(addition, encoding="utf-8")
    wait_plotted(dash_duo, EVERY | {"explorer-1"})  # no reload of the page: the poll picks it up
    dash_duo.wait_for_text_to_equal("#count", "6 of 6 events")
    fixture_events.write_text(addition.replace("date: 1958-02-01", "date: 1958-02-30"), encoding="utf-8")
    banner = until(lambda: dash_duo.find_element("#banner").text, message="the error banner")
    assert f"{fixture_events}:" in banner and "Feb 1958 has days 01 to 28" in banner
    assert "last good data" in banner
    assert plotted(dash_duo) == EVERY | {"explorer-1"}
    served("?country=US")  # a page load while broken still serves the last good data
    wait_plotted(dash_duo, {"vanguard-tv3", "zarya", "explorer-1"})
    assert dash_duo.find_element("#banner").text
    fixture_events.write_text(FIXTURE, encoding="utf-8")
    until(lambda: dash_duo.find_element("#banner").text == "", message="the banner to clear")
    wait_plotted(dash_duo, {"vanguard-tv3", "zarya"})
    assert dash_duo.get_logs() == []


def test_invalid_data_at_start_shows_the_errors_instead_of_crashing(dash_duo, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE.replace("type: satellite\n    first: true", "type: satelite\n    first: true"))
    dash_duo.start_server(create_app([path], poll_ms=300))
    banner = dash_duo.wait_for_element("#banner")
    until(lambda: "unknown type 'satelite'" in banner.text, message="the located error")
    assert "could not be loaded" in banner.text and f"{path}:" in banner.text
    dash_duo.wait_for_text_to_equal("#count", "No data loaded")
    path.write_text(FIXTURE)
    wait_plotted(dash_duo, EVERY)
    assert dash_duo.get_logs() == []


def test_download_menu_saves_png_svg_csv_named_after_the_view(dash_duo, served):
    served("?country=CN,SU&from=1957&to=1975")
    wait_plotted(dash_duo, {"sputnik-1", "dongfanghong-1"})
    folder = Path(dash_duo.download_path)
    stem = "timeline_CN-SU_1957-1975"
    config = dash_duo.driver.execute_script(
        "return document.querySelector('#timeline .js-plotly-plot')._context.toImageButtonOptions"
    )
    assert config == {"filename": stem, "scale": 2, "format": "png"}  # the modebar camera agrees
    for item, name in (("#download-png", f"{stem}.png"), ("#download-svg", f"{stem}.svg"),
                       ("#download-csv", "events_CN-SU_1957-1975.csv")):  # fmt: skip
        dash_duo.find_element("#download-menu summary").click()
        dash_duo.find_element(item).click()
        until(lambda: (folder / name).is_file() and (folder / name).stat().st_size > 0, message=f"{name}")
    png = (folder / f"{stem}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    on_screen = dash_duo.driver.execute_script(
        "const l = document.querySelector('#timeline .js-plotly-plot')._fullLayout; return [l.width, l.height]"
    )
    assert [width, height] == [2 * on_screen[0], 2 * on_screen[1]]  # what is on screen, at 2x
    assert (folder / f"{stem}.svg").read_text().lstrip().startswith("<svg")
    csv = (folder / "events_CN-SU_1957-1975.csv").read_text()
    assert csv.splitlines()[0] == "id,date,end,title,countries,type,status,first,sources"
    assert [line.split(",")[0] for line in csv.splitlines()[1:]] == ["sputnik-1", "dongfanghong-1"]
    dash_duo.find_element("#filter-q").send_keys("first")  # the camera button follows the filters
    until(lambda: dash_duo.driver.execute_script(
        "return document.querySelector('#timeline .js-plotly-plot')._context.toImageButtonOptions.filename"
    ) == f"{stem}_first", message="the new file name")  # fmt: skip
    dash_duo.find_element("#download-menu summary").click()
    dash_duo.find_element("#copy-link").click()
    dash_duo.wait_for_text_to_equal("#download-status", "Link copied")
    assert dash_duo.get_logs() == []


def test_the_theme_toggle_switches_page_and_chart_and_is_remembered(dash_duo, served):
    paper_js = "return document.querySelector('#timeline .js-plotly-plot').layout.paper_bgcolor"
    served()
    wait_plotted(dash_duo, EVERY)
    start = dash_duo.driver.execute_script("return document.documentElement.dataset.theme")
    other = {"light": "dark", "dark": "light"}[start]
    before = dash_duo.driver.execute_script(paper_js)
    dash_duo.find_element("#theme-toggle").click()
    until(lambda: dash_duo.driver.execute_script(paper_js) != before, message="the chart in the other theme")
    assert dash_duo.driver.execute_script("return document.documentElement.dataset.theme") == other
    served()
    until(lambda: dash_duo.driver.execute_script("return document.documentElement.dataset.theme") == other,
          message="the choice remembered")  # fmt: skip
    wait_plotted(dash_duo, EVERY)
    assert dash_duo.driver.execute_script(paper_js) != before
    assert dash_duo.get_logs() == []


def test_the_real_dataset_plots_all_its_events(dash_duo):
    from timeline import frame, store

    loaded = store.load([EVENTS])
    ids = set(frame.to_frame(loaded.dataset)["id"])
    dash_duo.start_server(create_app([EVENTS]))
    dash_duo.driver.set_window_size(1400, 1000)  # a desktop: every lane shows each of its events
    dash_duo.driver.get(dash_duo.server_url + "/")
    wait_plotted(dash_duo, ids)
    dash_duo.wait_for_text_to_equal("#count", f"{len(ids)} of {len(ids)} events")
    assert dash_duo.get_logs() == []


def test_a_new_user_filters_china_and_the_soviet_union_and_shares_the_view(dash_duo, served):
    served()
    wait_plotted(dash_duo, EVERY)
    choose(dash_duo, "#filter-country", "China", "Soviet Union")
    dash_duo.find_element("#filter-from").send_keys("1957", Keys.TAB)
    dash_duo.find_element("#filter-to").send_keys("1975", Keys.TAB)
    until(lambda: query(dash_duo) == {"country": "CN,SU", "from": "1957", "to": "1975"},
          message=lambda: f"the URL, it is {query(dash_duo)}")
    wait_plotted(dash_duo, {"sputnik-1", "dongfanghong-1"})
    dash_duo.wait_for_text_to_equal("#count", "2 of 5 events")
    click_point(dash_duo, "sputnik-1")
    until(lambda: dash_duo.find_element("#details h2").text == "Sputnik 1", message="Sputnik 1's details")
    assert dash_duo.find_element("#details a").get_attribute("href") == "https://example.org/s1"
    shared = dash_duo.driver.current_url
    dash_duo.driver.get("about:blank")
    dash_duo.driver.get(shared)  # the link reproduces the view: filters, controls and details
    wait_plotted(dash_duo, {"sputnik-1", "dongfanghong-1"})
    until(lambda: dash_duo.find_element("#details h2").text == "Sputnik 1", message="details from the link")
    assert dash_duo.find_element("#filter-from").get_attribute("value") == "1957"
    assert "China" in dash_duo.find_element("#filter-country").text
    assert query(dash_duo) == {"country": "CN,SU", "from": "1957", "to": "1975", "event": "sputnik-1"}
    assert dash_duo.get_logs() == []


def test_keyboard_users_reach_every_control(dash_duo, served):
    served()
    wait_plotted(dash_duo, EVERY)
    body = dash_duo.find_element("body")
    body.click()
    reached = set()
    for _ in range(60):
        dash_duo.driver.switch_to.active_element.send_keys(Keys.TAB)
        reached.add(dash_duo.driver.execute_script(
            "const e = document.activeElement; const owner = e.closest('[id]');"
            "return owner ? owner.id : e.tagName"
        ))  # fmt: skip
    wanted = {"reset", "filter-country", "filter-type", "filter-status", "filter-from", "filter-to", "filter-q",
              "filter-firsts", "lanes", "download-menu", "theme-toggle"}  # fmt: skip
    assert wanted <= reached, wanted - reached
    assert any("decade" in r for r in reached) and any("view-tab" in r for r in reached)
    assert dash_duo.get_logs() == []


def test_decade_buttons_zoom_and_opening_details_keeps_the_zoom(dash_duo, served):
    range_js = "return document.querySelector('#timeline .js-plotly-plot').layout.xaxis.range.map(String)"
    served()
    wait_plotted(dash_duo, EVERY)
    full = dash_duo.driver.execute_script(range_js)
    dash_duo.find_element("button[id*='decade'][id*='1950']").click()
    until(lambda: dash_duo.driver.execute_script(range_js)[0].startswith("1950-01-01"), message="the 1950s")
    until(lambda: query(dash_duo) == {"from": "1950-01-01", "to": "1959-12-31"},
          message=lambda: f"the window in the URL, it is {query(dash_duo)}")  # a link reopens the zoom
    click_point(dash_duo, "sputnik-1")
    until(lambda: dash_duo.find_element("#details h2").text == "Sputnik 1", message="Sputnik 1's details")
    assert dash_duo.driver.execute_script(range_js)[0].startswith("1950-01-01")  # not redrawn
    dash_duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)  # focus is in the panel; Esc closes it
    until(lambda: "event" not in query(dash_duo), message="Esc to close the details")
    dash_duo.find_element("button[id*='decade'][id*='\"start\":0']").click()
    until(lambda: dash_duo.driver.execute_script(range_js) == full,
          message=lambda: f"the full range {full} again, it is {dash_duo.driver.execute_script(range_js)}; "
                          f"the URL {query(dash_duo)}")  # fmt: skip
    assert dash_duo.get_logs() == []

"""The race view in a real headless Chromium (dash_duo): what the ``race`` graph plots, alignment,
the matrix beside it, and clicks that open an event's details.

What is plotted is read from the plotly div itself (each point's customdata is its event id), and
every test ends with ``dash_duo.get_logs() == []``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from timeline.app import create_app

from .fixtures import EVERYTHING, write_fixture
from .helpers import query, until

pytestmark = pytest.mark.browser

# event id -> x of every country trace's point (a date, or years since the first satellite)
POINTS_JS = """
const gd = document.querySelector('#race .js-plotly-plot');
if (!gd || !gd.data || !gd.data.length) { return null; }
const out = {};
for (const t of gd.data) {
  if (!t.legendgroup) { continue; }  // the countries' traces, not the rings or keys
  t.customdata.forEach((id, i) => { out[id] = t.x[i]; });
}
return out;
"""
IDS_JS = """
const gd = document.querySelector('#race .js-plotly-plot');
return gd && gd.data ? gd.data.flatMap(t => t.customdata || []) : null;
"""


def shown(*countries: str) -> set[str]:
    return {event for (_, country), event in EVERYTHING.items() if country in countries}


def points(dash_duo) -> dict:
    return dash_duo.driver.execute_script(POINTS_JS) or {}


def click_race_point(dash_duo, trace_test: str, event_id: str) -> None:
    """Click the race chart's point of ``event_id`` in the first trace ``trace_test`` (a JS
    predicate) picks, as a mouse does: scrolled into view, then a real pointer click."""
    x, y = dash_duo.driver.execute_script(
        f"""
        const gd = document.querySelector('#race .js-plotly-plot');
        const t = gd.data.find({trace_test});
        const j = t.customdata.indexOf('{event_id}');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const at = () => {{ const box = gd.getBoundingClientRect();
          return [box.left + xa._offset + xa.d2p(t.x[j]), box.top + ya._offset + ya.d2p(t.y[j])]; }};
        window.scrollBy(at()[0] - innerWidth / 2, at()[1] - innerHeight / 2);  // the point in view
        return at();
        """
    )
    actions = ActionChains(dash_duo.driver)
    actions.w3c_actions.pointer_action.move_to_location(int(x), int(y))
    actions.w3c_actions.pointer_action.click()
    actions.perform()


@pytest.fixture
def served(dash_duo, tmp_path):
    dash_duo.start_server(create_app([write_fixture(tmp_path)], poll_ms=300))

    def open_page(search: str = "") -> None:
        dash_duo.driver.get(dash_duo.server_url + "/" + search)
        dash_duo.wait_for_element("#count")

    return open_page


def wait_points(dash_duo, expected: set[str]) -> dict:
    until(lambda: set(points(dash_duo)) == expected,
          message=lambda: f"the race to plot {sorted(expected)}, it plots {sorted(points(dash_duo))}")  # fmt: skip
    return points(dash_duo)


def test_the_race_plots_each_countrys_milestone_events_beside_a_matrix(dash_duo, served):
    served("?view=race&country=SU,US,CN")
    x = wait_points(dash_duo, shown("SU", "US", "CN"))
    assert set(dash_duo.driver.execute_script(IDS_JS)) == shown("SU", "US", "CN")  # rings and keys add no other id
    assert x["sputnik-1"] == "1957-10-04" and x["cn-crew-plan"] == "2031-01-01"
    assert not dash_duo.find_element("#timeline").is_displayed() and dash_duo.find_element("#race").is_displayed()
    assert "current" in dash_duo.find_element("a[id*='race']").get_attribute("class")
    headers = [th.text for th in dash_duo.find_elements("#race-matrix thead th")]
    assert headers == ["MILESTONE", "SOVIET UNION", "UNITED STATES", "CHINA"]
    rows = [[td.text for td in tr.find_elements("css selector", "th, td")] for tr in dash_duo.find_elements("#race-matrix tbody tr")]
    definition = "\nReached when the event says so."  # under each milestone's name
    assert rows[0] == ["First satellite" + definition, "4 Oct 1957\nworld first", "1 Feb 1958", "24 Apr 1970"]
    assert rows[1] == ["First human in space" + definition, "12 Apr 1961\nworld first", "–", "planned 2031"]
    note = dash_duo.find_element("#race-note").text
    assert "type and search do not apply" in note
    assert "Russia continued the Soviet Union's programme" in dash_duo.find_element("#race-matrix").text
    served("?view=race&country=SU&type=satellite&q=nothing")  # type and search do not apply to the race
    wait_points(dash_duo, shown("SU"))
    served("?view=race")  # no countries selected: every country with a milestone
    wait_points(dash_duo, set(EVERYTHING.values()))
    served("?view=timeline")
    until(lambda: not dash_duo.find_element("#race-area").is_displayed(), message="the race to hide")
    assert dash_duo.find_element("#race-note").text == ""
    assert dash_duo.get_logs() == []


def test_align_start_moves_the_points_to_years_since_each_first_satellite(dash_duo, served):
    served("?view=race&country=SU,US,CN")
    before = wait_points(dash_duo, shown("SU", "US", "CN"))
    dash_duo.find_element("#align input[value='start']").click()
    until(lambda: query(dash_duo).get("align") == "start", message="align=start in the URL")
    until(lambda: isinstance(points(dash_duo).get("vostok-1"), (int, float)), message="x in years")
    after = points(dash_duo)
    assert set(after) == set(before)
    assert after["sputnik-1"] == after["explorer-1"] == after["dong-fang-hong-1"] == 0
    assert after["vostok-1"] == pytest.approx(3.521, abs=0.001)  # 4 Oct 1957 -> 12 Apr 1961
    assert after["tiangong-1"] == pytest.approx(41.43, abs=0.01)  # 24 Apr 1970 -> 29 Sep 2011
    assert "Years since the country's first satellite" in dash_duo.driver.execute_script(
        "return document.querySelector('#race .js-plotly-plot').layout.xaxis.title.text")  # fmt: skip
    until(lambda: "+3.5 yr" in dash_duo.find_element("#race-matrix").text, message="years in the matrix")
    dash_duo.driver.back()
    until(lambda: points(dash_duo).get("vostok-1") == "1961-04-12", message="dates again after Back")
    assert dash_duo.find_element("#align input[value='date']").is_selected()
    served("?view=race&country=US,RU&align=start")  # Russia has no first satellite in the data
    wait_points(dash_duo, {"explorer-1", "pioneer-4", "skylab"})
    text = dash_duo.find_element("#race-matrix").text
    assert "Not in the aligned chart (no first satellite in the data): Russia." in text
    assert dash_duo.get_logs() == []


def test_a_click_in_the_matrix_or_on_a_point_opens_the_events_details(dash_duo, served):
    served("?view=race&country=SU,US&align=start")
    wait_points(dash_duo, shown("SU", "US"))
    click_race_point(dash_duo, "t => t.legendgroup && t.customdata.includes('skylab')", "skylab")
    until(lambda: query(dash_duo).get("event") == "skylab", message="event=skylab in the URL")
    until(lambda: dash_duo.find_element("#details h2").text == "Skylab", message="Skylab's details from the chart")
    dash_duo.find_element("#details-close").click()  # on a narrow window the panel covers the matrix
    until(lambda: not dash_duo.find_element("#details").is_displayed(), message="the details to close")
    dash_duo.find_element("button[id*='race-cell'][id*='vostok-1']").click()
    until(lambda: query(dash_duo).get("event") == "vostok-1", message="event=vostok-1 in the URL")
    until(lambda: dash_duo.find_element("#details h2").text == "Vostok 1", message="Vostok 1's details")
    assert dash_duo.find_element("#details a").get_attribute("href") == "https://example.org/g"
    assert query(dash_duo) == {"view": "race", "country": "SU,US", "align": "start", "event": "vostok-1"}
    assert dash_duo.get_logs() == []


def test_the_download_menu_saves_the_race_chart(dash_duo, served):
    served("?view=race&country=SU,US&align=start")
    wait_points(dash_duo, shown("SU", "US"))
    folder, name = Path(dash_duo.download_path), "race_SU-US_since-first-satellite.png"
    dash_duo.find_element("#download-menu summary").click()
    dash_duo.find_element("#download-png").click()
    until(lambda: (folder / name).is_file() and (folder / name).stat().st_size > 0, message=name)
    png = (folder / name).read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    on_screen = dash_duo.driver.execute_script(
        "const l = document.querySelector('#race .js-plotly-plot')._fullLayout; return [l.width, l.height]"
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert abs(width - 2 * on_screen[0]) <= 1 and height == 2 * on_screen[1]  # what is on screen, at 2x
    assert dash_duo.get_logs() == []


COUNT_JS = """
const gd = document.querySelector('#race .js-plotly-plot');
if (!gd || !gd.data || !gd.data.length) { return null; }
const out = {};
for (const t of gd.data) {
  if (t.line && t.line.shape === 'hv') { out[t.name] = {ids: t.customdata, y: t.y, dash: t.line.dash || 'solid'}; }
}
return out;
"""


def reached(*countries: str) -> dict[str, int]:
    """How many milestones each country reached in the fixture (achieved or partial; plans do not count)."""
    plans = {"cn-crew-plan", "cn-station-plan"}
    return {c: sum(1 for (_, code), e in EVERYTHING.items() if code == c and e not in plans) for c in countries}


def test_the_count_chart_steps_up_once_per_milestone_reached_and_a_click_opens_the_event(dash_duo, served):
    served("?view=race&chart=count&country=SU,US,CN")
    names = {"SU": "Soviet Union", "US": "United States", "CN": "China"}
    until(lambda: set(dash_duo.driver.execute_script(COUNT_JS) or {}) >= set(names.values()), message="the count chart")
    steps = dash_duo.driver.execute_script(COUNT_JS)
    traces = dash_duo.driver.execute_script(
        "return document.querySelector('#race .js-plotly-plot').data.map(t => t.name)")  # fmt: skip
    assert sorted(n for n in traces if n in names.values()) == sorted(names.values())  # one trace per country
    assert {code: steps[name]["y"][-1] for code, name in names.items()} == reached("SU", "US", "CN") == {
        "SU": 4, "US": 3, "CN": 2}  # fmt: skip
    assert steps["China (planned)"] == {"ids": ["tiangong-1", "cn-crew-plan"], "y": [2, 3], "dash": "dash"}
    assert dash_duo.find_element("#race-chart input[value='count']").is_selected()
    click_race_point(dash_duo, "t => t.name === 'United States'", "pioneer-4")
    until(lambda: query(dash_duo).get("event") == "pioneer-4", message="event=pioneer-4 in the URL")
    until(lambda: dash_duo.find_element("#details h2").text == "Pioneer 4", message="Pioneer 4's details")
    assert query(dash_duo) == {"view": "race", "chart": "count", "country": "SU,US,CN", "event": "pioneer-4"}
    dash_duo.find_element("#details-close").click()
    dash_duo.find_element("#race-chart input[value='date']").click()  # back to the dates chart
    until(lambda: "chart" not in query(dash_duo), message="chart=count gone from the URL")
    wait_points(dash_duo, shown("SU", "US", "CN"))
    assert dash_duo.get_logs() == []


def scoreboard(dash_duo) -> list[list[str]]:
    """The scoreboard's rows as text, read in one go (it redraws when sorted)."""
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#race-scores tbody tr')]"
        ".map(tr => [...tr.querySelectorAll('th, td')].map(c => c.innerText.trim()))"
    )


def test_the_scoreboard_sorts_from_the_keyboard_opens_events_and_downloads_as_csv(dash_duo, served):
    from selenium.webdriver.common.keys import Keys

    served("?view=race&country=SU,US,CN")
    until(lambda: len(scoreboard(dash_duo)) == 3, message="a scoreboard row per country")
    assert scoreboard(dash_duo) == [
        ["Soviet Union", "4 of 4", "4", "4 Oct 1957", "19 Apr 1971", "–", "0"],
        ["United States", "3 of 4", "0", "1 Feb 1958", "14 May 1973", "–", "1"],  # Vanguard TV3 failed
        ["China", "2 of 4", "0", "24 Apr 1970", "29 Sep 2011", "–", "0"],  # its plans do not count
    ]
    header = dash_duo.find_element("button[id*='race-sort-by'][id*='latest']")
    header.send_keys(Keys.ENTER)  # a header is a button: the keyboard sorts too
    until(lambda: [r[0] for r in scoreboard(dash_duo)] == ["China", "United States", "Soviet Union"],
          message="sorted by latest milestone, latest first")  # fmt: skip
    assert dash_duo.find_element("#race-scores th[aria-sort]").get_attribute("aria-sort") == "descending"
    dash_duo.find_element("button[id*='race-sort-by'][id*='latest']").send_keys(Keys.ENTER)
    until(lambda: [r[0] for r in scoreboard(dash_duo)] == ["Soviet Union", "United States", "China"],
          message="and earliest first")  # fmt: skip
    dash_duo.find_element("button[id*='score-reached-SU']").click()  # "4 of 4": the latest reach
    until(lambda: query(dash_duo).get("event") == "salyut-1", message="event=salyut-1 in the URL")
    until(lambda: dash_duo.find_element("#details h2").text == "Salyut 1", message="Salyut 1's details")
    dash_duo.find_element("#details-close").click()
    folder, name = Path(dash_duo.download_path), "race_SU-US-CN_scoreboard.csv"
    dash_duo.find_element("#download-menu summary").click()
    assert dash_duo.find_element("#download-csv").text == "CSV of the scoreboard"
    dash_duo.find_element("#download-csv").click()
    until(lambda: (folder / name).is_file() and (folder / name).stat().st_size > 0, message=name)
    lines = (folder / name).read_text().splitlines()
    assert lines[0].startswith("country,name,milestones_reached,milestones_defined,world_firsts,")
    assert [line.split(",")[:5] for line in lines[1:]] == [
        ["SU", "Soviet Union", "4", "4", "4"], ["US", "United States", "3", "4", "0"], ["CN", "China", "2", "4", "0"]]
    dash_duo.find_element("#download-menu summary").click()
    dash_duo.find_element("#race-scores a[href*='status=failed']").click()  # failures: the table of them
    until(lambda: query(dash_duo) == {"country": "US", "status": "failed", "view": "table"}, message="the table")
    until(lambda: "Vanguard TV3" in dash_duo.find_element("#table").text, message="the failure in the table")
    assert dash_duo.get_logs() == []

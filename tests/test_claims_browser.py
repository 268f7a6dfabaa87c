"""The claims view in a real headless Chromium (dash_duo): which claims are listed with which
verdicts, the article and verdict filters from the URL, the dumbbell chart, and clicks that open
the deciding event's details (which list the claims made about it)."""

from __future__ import annotations

import pytest

from timeline.app import create_app

from .fixtures import CLAIMS_FIXTURE
from .helpers import query, until

pytestmark = pytest.mark.browser

CLAIMS_JS = """
return Array.from(document.querySelectorAll('#claims-list li.claim')).map(li => [
  li.id.replace('claim-', ''), li.querySelector('.verdict').textContent.trim()]);
"""
BELLS_JS = """
const gd = document.querySelector('#claims .js-plotly-plot');
return gd && gd.data ? gd.data.filter(t => t.mode === 'lines+markers').map(t => t.customdata[0]) : null;
"""


@pytest.fixture
def served(dash_duo, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(CLAIMS_FIXTURE, encoding="utf-8")
    dash_duo.start_server(create_app([path], poll_ms=300))

    def open_page(search: str = "") -> None:
        dash_duo.driver.get(dash_duo.server_url + "/" + search)
        dash_duo.wait_for_element("#count")

    return open_page


def listed(dash_duo):
    return dash_duo.driver.execute_script(CLAIMS_JS)


def test_one_articles_claims_in_order_with_their_verdicts_and_a_dumbbell_each(dash_duo, served):
    served("?view=claims&article=red")
    until(lambda: listed(dash_duo) == [["red-sputnik", "✓Supported"], ["red-china-1975", "✗Contradicted"]],
          message=lambda: f"the red article's claims, the page lists {listed(dash_duo)}")
    until(lambda: dash_duo.driver.execute_script(BELLS_JS) == ["red-sputnik", "red-china-1975"],
          message="one dumbbell per dated claim")
    assert "The Red Article" in dash_duo.find_element("#claims-list").text
    assert "Blue" not in dash_duo.find_element("#claims-list h2").text
    assert "do not apply" in dash_duo.find_element("#race-note").text
    assert dash_duo.find_element("#timeline").is_displayed() is False
    assert dash_duo.get_logs() == []


def test_the_verdict_filter_and_the_filter_links(dash_duo, served):
    served("?view=claims&verdict=contradicted")
    until(lambda: listed(dash_duo) == [["red-china-1975", "✗Contradicted"]], message="only the contradicted claim")
    dash_duo.find_element(".claims-filters a[href*='verdict=partly']").click()
    until(lambda: listed(dash_duo) == [["blue-vanguard", "◐Partly right"]], message="the partly-right claim")
    assert query(dash_duo) == {"view": "claims", "verdict": "partly"}
    assert dash_duo.get_logs() == []


def test_a_deciding_event_opens_its_details_with_the_claims_about_it(dash_duo, served):
    served("?view=claims&article=red")
    until(lambda: listed(dash_duo), message="the claims")
    dash_duo.find_element("#claim-red-china-1975 .claim-events button").click()
    until(lambda: query(dash_duo) == {"view": "claims", "article": "red", "event": "dongfanghong-1"},
          message=lambda: f"the event in the URL, the article kept: {query(dash_duo)}")  # fmt: skip
    dash_duo.wait_for_text_to_equal("#details-title", "Dong Fang Hong 1")
    details = dash_duo.find_element("#details-body").text
    assert "CLAIMS ABOUT IT" in details.upper() and "Contradicted" in details and "China launched its first satellite in 1975." in details
    assert dash_duo.get_logs() == []


def test_a_click_on_a_dumbbell_opens_the_claims_event(dash_duo, served):
    served("?view=claims")
    until(lambda: dash_duo.driver.execute_script(BELLS_JS), message="the dumbbells")
    # a click on the plotted point, as plotly reports it: through the graph's own click event
    dash_duo.driver.execute_script("""
      const gd = document.querySelector('#claims .js-plotly-plot');
      const i = gd.data.findIndex(t => t.customdata && t.customdata[0] === 'red-china-1975');
      gd.emit('plotly_click', {points: [{curveNumber: i, pointNumber: 1, customdata: 'red-china-1975'}]});
    """)
    until(lambda: query(dash_duo).get("event") == "dongfanghong-1", message=lambda: f"the event in the URL: {query(dash_duo)}")
    assert dash_duo.get_logs() == []


def test_the_timeline_marks_events_an_article_got_wrong(dash_duo, served):
    served("")
    js = """const gd = document.querySelector('#timeline .js-plotly-plot');
            const t = gd && gd.data ? gd.data.find(t => t.name === 'disputed') : null;
            return t ? t.customdata : null;"""
    until(lambda: dash_duo.driver.execute_script(js), message="the disputed marks")
    assert sorted(dash_duo.driver.execute_script(js)) == ["dongfanghong-1", "vanguard-tv3"]
    assert dash_duo.get_logs() == []


def test_an_event_under_two_claims_opens_from_either(dash_duo, served):
    served("?view=claims")
    until(lambda: len(listed(dash_duo)) == 4, message="the claims")
    dash_duo.find_element("#claim-red-sputnik .claim-events button").click()  # the first of two Sputnik buttons
    until(lambda: query(dash_duo).get("event") == "sputnik-1", message=lambda: f"the event in the URL: {query(dash_duo)}")
    dash_duo.wait_for_text_to_equal("#details-title", "Sputnik 1")
    assert dash_duo.get_logs() == []

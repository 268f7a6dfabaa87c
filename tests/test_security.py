"""The app on the open web: text from the file stays text, links are safe, headers and limits hold.

The browser tests run a real headless Chromium under the app's own Content-Security-Policy and
record every violation from before the first script runs, so they prove both halves: the policy
blocks what it should, and the app needs nothing it forbids.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline import server
from timeline.app import create_app
from timeline.urlstate import app_views

from .helpers import PLOTTED_JS, until

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
COUNTRY = f"Xland <b>b</b> {IMG}"  # plotly reads <b> in labels: escaped, it shows as typed

# Every text field of the format carries a payload; a second, plain event keeps the charts honest.
XSS_FILE = f"""\
countries:
  XS: {{name: '{COUNTRY}'}}
  US: {{name: United States}}
types:
  satellite: {{label: 'Sat {SCRIPT}'}}
  crewed-flight: {{label: Crewed flight}}
milestones:
  orbit: {{label: 'Orbit {IMG}', order: 1, definition: 'Reaches orbit {IMG}'}}
articles:
  piece: {{title: 'Piece {SCRIPT}', author: '{IMG}', url: "https://example.org/a"}}
events:
  - id: xss
    title: 'T {SCRIPT} {IMG}'
    date: 1961-04-12
    countries: [XS, US]
    type: satellite
    milestone: orbit
    first: true
    description: 'D {SCRIPT} {IMG}'
    sources: [{{url: "https://example.org/s?a=<b>&c='d'", title: 'S {IMG}'}}]
    mentioned_in: [piece]
    tags: ['{IMG}']
  - id: plain
    title: Plain
    date: 1969-07-20
    countries: [US]
    type: crewed-flight
    milestone: orbit
    description: Nothing to see.
    sources: [{{url: "https://example.org/p", title: P}}]
claims:
  - id: claim-xss
    article: piece
    claim: 'C {SCRIPT}'
    quote: 'Q {IMG}'
    claimed_date: 1960
    verdict: contradicted
    events: [xss]
    note: 'N {IMG}'
"""

CSP_RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""

INJECTED = """
return {
  xss: window.__xss,
  imgs: document.querySelectorAll('img[src="x"], svg image').length,
  scripts: Array.from(document.scripts)
    .filter(s => s.type !== 'application/json' && s.text.includes('__xss')).length,  // data in Dash's config is inert
  csp: window.__csp,
};
"""

HOVER_JS = """
const gd = document.querySelector('#timeline .js-plotly-plot');
const curve = gd.data.findIndex(t => (t.customdata || []).includes('xss') && t.hovertext);
const point = gd.data[curve].customdata.indexOf('xss');
Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: point}]);
const layer = gd.querySelector('.hoverlayer');
return layer ? layer.textContent : '';
"""

CHART_TEXT_JS = """
const shown = Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(gd => gd.offsetParent !== null && gd.data && gd.data.length);
return shown.flatMap(gd => Array.from(gd.querySelectorAll('text')).map(t => t.textContent));
"""


@pytest.fixture
def xss_file(tmp_path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(XSS_FILE, encoding="utf-8")
    return path


def record_csp_violations(dash_duo) -> None:
    """From before any page script runs: CSP violations land in ``window.__csp``."""
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_RECORDER})


def page_state(dash_duo) -> dict:
    return dash_duo.driver.execute_script(INJECTED)


@pytest.mark.browser
def test_no_text_from_the_file_runs_as_script_in_any_view(dash_duo, xss_file):
    record_csp_violations(dash_duo)
    dash_duo.start_server(create_app([xss_file], poll_ms=500))
    for view in app_views():
        dash_duo.driver.get(f"{dash_duo.server_url}/?view={view}&event=xss")
        title = until(lambda: dash_duo.find_element("#details-title").text, message=f"the details in {view}")
        assert title == f"T {SCRIPT} {IMG}"  # the raw text, shown as text
        details = dash_duo.find_element("#details").text
        for text in (f"D {SCRIPT} {IMG}", f"S {IMG}", f"Piece {SCRIPT}", IMG, COUNTRY):
            assert text in details, (view, text)
        if view == "table":
            rows = until(lambda: dash_duo.find_element("#table").text, message="the table")
            assert f"T {SCRIPT} {IMG}" in rows and COUNTRY in rows and f"Sat {SCRIPT}" in rows
        else:
            texts = until(lambda: dash_duo.driver.execute_script(CHART_TEXT_JS), message=f"the {view} chart")
            if view == "claims":  # the claim's row label, cut short on a narrow chart
                assert any(t.startswith("✗ C") for t in texts), texts
            else:  # legend entries
                assert {f"Sat {SCRIPT}", COUNTRY, f"Orbit {IMG}"} & set(texts), (view, texts)
            if view == "claims":
                listed = dash_duo.find_element("#claims-list").text
                assert f"C {SCRIPT}" in listed and f"N {IMG}" in listed and f"Q {IMG}" in listed
            if view == "timeline":
                hover = until(lambda: dash_duo.driver.execute_script(HOVER_JS), message="the hover label")
                assert f"T {SCRIPT} {IMG}" in hover and f"Sat {SCRIPT}" in hover
        state = page_state(dash_duo)
        assert state == {"xss": None, "imgs": 0, "scripts": 0, "csp": []}, view
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_source_links_open_safely(dash_duo, xss_file):
    dash_duo.start_server(create_app([xss_file]))
    dash_duo.driver.get(f"{dash_duo.server_url}/?view=table&event=xss")
    until(lambda: dash_duo.find_element("#details-title").text, message="the details")
    links = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#details a, #table a')).map(a => [a.href, a.target, a.rel]);"
    )
    assert len(links) >= 4  # the source and the article in the details; both sources in the table
    for href, target, rel in links:
        assert href.startswith("https://example.org/") and target == "_blank" and rel == "noopener noreferrer"
    assert dash_duo.get_logs() == []


def big_file(path: Path, count: int) -> Path:
    """``count`` events: enough to switch the timeline to WebGL (``figures.GL_POINTS``)."""
    lines = ["countries:", "  US: {name: United States}", "  SU: {name: Soviet Union}", "types:",
             "  satellite: {label: Satellite}", "events:"]  # fmt: skip
    for n in range(count):
        lines += [f"  - id: e{n}", f"    title: Event {n}", f"    date: {1957 + n % 60}-{1 + n % 12:02d}",
                  f"    countries: [{'US' if n % 2 else 'SU'}]", "    type: satellite", "    description: x",
                  f"    sources: [{{url: 'https://example.org/{n}', title: s}}]"]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.browser
def test_the_app_works_under_its_content_security_policy(dash_duo, tmp_path, monkeypatch):
    from timeline import figures

    GL_POINTS = 500  # WebGL from far fewer points than usual: the same chart, a quicker test
    monkeypatch.setattr(figures, "GL_POINTS", GL_POINTS)
    monkeypatch.setattr(figures, "dense_lanes", lambda marks, look: set())  # every event a marker: WebGL
    record_csp_violations(dash_duo)
    dash_duo.start_server(create_app([big_file(tmp_path / "events.yaml", GL_POINTS + 100)], poll_ms=500))
    dash_duo.wait_for_element("#count")
    until(lambda: len(dash_duo.driver.execute_script(PLOTTED_JS) or []) >= GL_POINTS, message="the WebGL chart")
    assert dash_duo.driver.execute_script(  # drawn with WebGL, not plotly's "WebGL is not supported" cover
        "return !!document.querySelector('#timeline canvas') && !document.querySelector('#timeline .no-webgl');")
    dash_duo.find_element("#theme-toggle").click()  # client-side callbacks
    for item in ("#download-png", "#download-svg"):  # plotly renders images through data: and blob: URLs
        dash_duo.find_element("#download-menu summary").click()
        dash_duo.find_element(item).click()
        until(lambda: dash_duo.find_element("#download-status").text.startswith("Saved"), message="the download")
    for view in app_views():  # every view draws with its server callbacks
        dash_duo.driver.get(f"{dash_duo.server_url}/?view={view}&country=US")
        dash_duo.wait_for_text_to_equal("#count", f"{(GL_POINTS + 100) // 2:,} of {GL_POINTS + 100:,} events")
    assert page_state(dash_duo)["csp"] == []
    assert dash_duo.get_logs() == []


# --- without a browser ----------------------------------------------------------------------


@pytest.fixture
def client(xss_file):
    return create_app([xss_file]).server.test_client()


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/healthz", "/no-such-page", "/assets/timeline.css"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["default-src"] == "'self'"
    scripts = policy["script-src"].split()
    assert scripts[:2] == ["'self'", "'unsafe-eval'"]  # WebGL charts need eval (see server.content_security_policy)
    assert scripts[2:] and all(s.startswith("'sha256-") for s in scripts[2:])  # no inline script but Dash's own


def test_an_oversized_request_body_is_refused_with_413(client):
    body = json.dumps({"output": "x", "inputs": [{"value": "a" * server.MAX_BODY}]})
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.headers["X-Content-Type-Options"] == "nosniff"

"""This app against vis-timeline and TimelineJS, side by side in one run, in one headless Chromium.

    .venv/bin/python bench/peers.py                                # curated file, 1,000, 10,000, 100,000
    .venv/bin/python bench/peers.py --sizes curated,10000 --repeat 3

For each size (``curated`` is the project's ``events.yaml``; numbers are ``bench/synth.py`` files
made from it), on the same events:

1. **first draw**: navigation start to drawn, read in the page (``performance.now()``, whose origin
   is the navigation start). This app: ``timeline serve FILE`` until the timeline chart holds the
   server's figure, no callback is loading and its traces are in the SVG, two animation frames
   later. Peers: a static page in ``bench/peers/`` (served from a loopback HTTP server, the
   libraries from ``bench/peers/node_modules``) that fetches the same events as JSON and draws them;
   vis-timeline until its first ``changed`` event, TimelineJS until its ``loaded`` event, each two
   animation frames later. Runs alternate between the three pages; medians. Every page is loaded
   unmeasured first (this app twice at each size: its server is a new origin at each size, and
   Chromium keeps a script's compiled code per origin, from its second load on).
2. **zoom to a 10-year window** (1965-1975) on the drawn page. This app: ``Plotly.relayout`` of the
   x axis until the server's redrawn figure is on screen (the URL holds the window, the chart's data
   was replaced and its x range is the window; one animation frame later); also when plotly's own
   zoom of the old figure resolved, one animation frame later. vis-timeline: ``setWindow(start,
   end, {animation: false})`` until ``changed`` and one animation frame. TimelineJS: not measured (no API to show a window).
3. **filter change, server**: the chart callback (``POST /_dash-update-component``, a country
   filter, as ``bench/run.py``), the server's own time from its Server-Timing header (request
   start to compressed answer), median and p95: for filters never asked before (the server builds
   the chart) and for the same filters again (it keeps its drawing of a view).

Installs the peers into ``bench/peers/node_modules`` (``npm install --prefix bench/peers``) when
they are missing; they are never part of the app. Prints a Markdown table and the raw samples as
JSON (``--json FILE``). Not part of the tests' pass/fail.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers"
sys.path.insert(0, str(ROOT))

from load import CHART_OUTPUT, find_callback, serving  # noqa: E402
from run import browser, call_chart, p95  # noqa: E402
from synth import write as write_synthetic  # noqa: E402
from timeline import store  # noqa: E402

WINDOW = ("1965-01-01", "1975-01-01")  # the 10-year zoom
PAGES = {"vis-timeline": "vis.html", "TimelineJS": "timelinejs.html"}

# Injected into every page before its scripts: on this app's page, records when the timeline
# chart has drawn the server's figure (ms since navigation start) in window.__benchDrawn.
APP_DRAWN = """
(function () {
  if (location.port !== "%(port)s") return;
  let first = false;
  const later = (f) => requestAnimationFrame(() => requestAnimationFrame(f));
  function check() {
    const gd = document.querySelector("#timeline .js-plotly-plot");
    if (gd && gd._fullData && gd.data) {
      let n = 0;
      for (const t of gd.data) { n += t.customdata ? t.customdata.length : 0; }
      const drawn = n > 0 && gd.querySelector(".scatterlayer .trace, .barlayer .trace, .gl-container canvas");
      if (drawn && !first) {  // the chart shows the server's figure
        first = true;
        later(() => { window.__benchItems = n; window.__benchDrawn = performance.now(); });
      }
      if (drawn && !document.querySelector('[data-dash-is-loading="true"]')) {  // and no callback is pending
        later(() => { window.__benchSettled = performance.now(); });
        return;
      }
    }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""

# This app's zoom: relayout the x axis, then wait for the server's figure for the window.
APP_ZOOM = """
const [start, end, done] = arguments;
const gd = document.querySelector("#timeline .js-plotly-plot");
const before = gd.data;
const t0 = performance.now();
let client = null;
const near = (a, b) => Math.abs(new Date(String(a).slice(0, 10)) - new Date(b)) < 86400000 * 2;
// plotly's own zoom is on screen at the first animation frame after its relayout resolves
window.Plotly.relayout(gd, {"xaxis.range": [start, end]}).then(() => requestAnimationFrame(() => { client = performance.now() - t0; }));
function check() {
  const range = gd.layout.xaxis && gd.layout.xaxis.range;
  if (gd.data !== before && /[?&]from=/.test(location.search) && range && near(range[0], start) && near(range[1], end)
      && !document.querySelector('[data-dash-is-loading="true"]')) {
    requestAnimationFrame(() => {
      const end = performance.now();
      // the callbacks the zoom set off: how many, and when the last answer had arrived
      const calls = performance.getEntriesByType("resource").filter(
        (e) => e.name.includes("/_dash-update-component") && e.startTime >= t0);
      done({server: end - t0, client: client, range: range, search: location.search, calls: calls.length,
            answered: calls.length ? Math.max(...calls.map((e) => e.responseEnd)) - t0 : null,
            longest: calls.length ? Math.max(...calls.map((e) => e.duration)) : null});
    });
    return;
  }
  if (performance.now() - t0 > 120000) { done({server: null, client: client, range: range, search: location.search}); return; }
  requestAnimationFrame(check);
}
requestAnimationFrame(check);
"""


def ensure_peers() -> None:
    """npm install the peers into bench/peers/node_modules (only there) when missing."""
    wanted = [PEERS / "node_modules" / "vis-timeline", PEERS / "node_modules" / "@knight-lab" / "timelinejs"]
    if all(p.exists() for p in wanted):
        return
    if not shutil.which("npm"):
        raise SystemExit("npm is needed to install the peers into bench/peers/node_modules")
    print("installing vis-timeline and TimelineJS into bench/peers/node_modules", flush=True)
    subprocess.run(["npm", "install", "--prefix", str(PEERS), "--no-audit", "--no-fund"], check=True)


@functools.cache
def static_server() -> str:
    """A loopback HTTP server for bench/peers/ (pages, node_modules, data/); its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(PEERS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def iso(date) -> str:
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}"


def tl_date(date) -> dict:
    out = {"year": date.year}
    if date.month:
        out["month"] = date.month
    if date.day:
        out["day"] = date.day
    return out


def write_peer_data(path: Path, name: str):
    """The events of ``path`` as each peer's JSON in bench/peers/data/; the dataset."""
    loaded = store.load([path])
    if not loaded.ok:
        raise SystemExit(f"{path}: not valid: {loaded.errors[:3]}")
    dataset = loaded.dataset
    names = {code: country.name for code, country in dataset.countries.items()}
    items, tl_events = [], []
    for e in dataset.events:
        end = iso(e.end) if getattr(e, "end", None) else None
        for code in e.countries:  # in each of its countries' lanes, as this app draws it
            item = {"id": f"{e.id}:{code}", "group": code, "content": e.title, "start": iso(e.date)}
            if end and end > item["start"]:
                item["end"] = end
            items.append(item)
        event = {"start_date": tl_date(e.date), "text": {"headline": e.title}, "group": names[e.countries[0]],
                 "unique_id": e.id}  # fmt: skip
        if getattr(e, "end", None):
            event["end_date"] = tl_date(e.end)
        tl_events.append(event)
    used = sorted({c for e in dataset.events for c in e.countries})
    groups = [{"id": code, "content": names[code]} for code in used]
    out = PEERS / "data"
    out.mkdir(exist_ok=True)
    (out / f"{name}.vis.json").write_text(json.dumps({"items": items, "groups": groups}))
    (out / f"{name}.tljs.json").write_text(json.dumps({"events": tl_events}))
    return dataset


def drawn_ms(driver, url: str, timeout: float, settled: bool = False) -> tuple[float | None, int | None]:
    """Navigate to ``url``; ms from navigation start until the page says it has drawn (None: timed out).

    ``settled`` (this app): also wait until no callback is pending; the time is read afterwards
    from ``window.__benchDrawn``, and ``window.__benchSettled`` holds the settled time."""
    from selenium.common.exceptions import TimeoutException, WebDriverException

    driver.get("about:blank")
    driver.get(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = driver.execute_script("return [window.__benchDrawn || null, window.__benchItems || null,"
                                          " window.__benchSettled || null];")
        except (TimeoutException, WebDriverException):  # the page is busy drawing: ask again
            continue
        if found[0] is not None and (found[2] is not None or not settled):
            return found[0], found[1]
        time.sleep(0.02)
    return None, None


def app_zoom(driver) -> dict:
    return driver.execute_async_script(APP_ZOOM, *WINDOW)


def vis_zoom(driver) -> float:
    return driver.execute_async_script(
        "const done = arguments[2]; window.__benchZoom(arguments[0], arguments[1]).then(done);", *WINDOW
    )


def filter_times(url: str, codes: list[str], count: int) -> dict[str, list[float]]:
    """Filter changes on the chart callback: ``new``, a filter no one asked for before (a country
    and a first year never asked together: the server builds the chart), and ``again``, the same
    filters once more (the server's drawing of that view is kept). The server's own time (its
    Server-Timing header, compression included) and the round trip, in ms."""
    dep = find_callback(json.loads(urllib.request.urlopen(url + "/_dash-dependencies").read()), CHART_OUTPUT)
    call_chart(url, dep, "?view=timeline")  # warm
    searches = [f"?country={codes[i % len(codes)]}&from={1957 + i}" for i in range(count)]
    out: dict[str, list[float]] = {}
    for name in ("new", "again"):
        for search in searches:
            seconds, *_, server_ms = call_chart(url, dep, search)
            out.setdefault(name, []).append(server_ms)
            out.setdefault(f"{name}_round_trip", []).append(seconds * 1000)
    return out


def median(samples: list) -> float | None:
    samples = [s for s in samples if s is not None]
    return statistics.median(samples) if samples else None


def measure(size: str, path: Path, driver, repeat: int, timeout: float, filters: int,
            warm: bool = False, shots: Path | None = None, skip: tuple[str, ...] = ()) -> dict:
    name = f"events-{size}"
    dataset = write_peer_data(path, name)
    events = len(dataset.events)
    codes = sorted({c for e in dataset.events for c in e.countries})
    result: dict = {"size": size, "events": events, "draw": {k: [] for k in ("app", *PAGES)},
                    "items": {}, "zoom": {"app": [], "app_client": [], "vis-timeline": []}, "zoom_range": None}  # fmt: skip
    base = static_server()
    with serving([path]) as running:
        hook = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                      {"source": APP_DRAWN % {"port": running.url.rsplit(":", 1)[1]}})  # fmt: skip
        try:
            pages = {"app": running.url + "/", **{k: f"{base}/{v}?data={name}" for k, v in PAGES.items()}}
            gave_up: set[str] = set(skip)
            order = [who for who in pages if who not in skip]
            # Unmeasured loads first, so that every page runs with its scripts cached and compiled:
            # Chromium keeps compiled code for a script after its second load, and caches are per
            # origin, so this app (a new server and port for each size) is warmed at every size,
            # twice; the peers' static server keeps its port, so they are warmed once, at the first size.
            for who in order:
                for _ in range(2 if who == "app" else int(warm)):
                    print(f"{size:>8}: {who} warm-up", flush=True)
                    drawn_ms(driver, pages[who], timeout, settled=who == "app")
            for run in range(repeat):
                for who in order[run % len(order):] + order[: run % len(order)]:  # alternate who goes first
                    if who in gave_up:
                        continue
                    print(f"{size:>8}: {who} draw {run + 1}", flush=True)
                    ms, items = drawn_ms(driver, pages[who], timeout, settled=who == "app")
                    print(f"{size:>8}: {who} drawn in {fmt_ms(ms, timeout)}, {items} marks", flush=True)
                    if who == "app" and ms is not None:
                        result.setdefault("settled", []).append(driver.execute_script("return window.__benchSettled;"))
                    result["draw"][who].append(ms)
                    result["items"][who] = items
                    if ms is None:
                        gave_up.add(who)  # over the time limit once: not again at this size
                        continue
                    if shots and run == 0:
                        driver.save_screenshot(str(shots / f"{size}-{who}.png"))
                    if who == "app":
                        zoom = app_zoom(driver)
                        result["zoom"]["app"].append(zoom["server"])
                        result["zoom"]["app_client"].append(zoom["client"])
                        result["zoom"].setdefault("app_answered", []).append(zoom["answered"])
                        result["zoom"].setdefault("app_longest_call", []).append(zoom["longest"])
                        result["zoom_range"] = [zoom["range"], zoom["search"], f"{zoom['calls']} callbacks"]
                    elif who == "vis-timeline":
                        result["zoom"]["vis-timeline"].append(vis_zoom(driver))
            driver.get("about:blank")
        finally:
            driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": hook["identifier"]})
        if filters:
            print(f"{size:>8}: filter changes", flush=True)
            result["filter"] = filter_times(running.url, codes, filters)
    return result


def fmt_ms(value: float | None, timeout: float | None = None) -> str:
    if value is None:
        return f"> {timeout:.0f} s" if timeout else "—"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def table(results: list[dict], timeout: float) -> str:
    lines = [
        "| events | this app, first draw | settled | vis-timeline | TimelineJS | app / vis | app vs curated "
        "| zoom to 10 years: app (server redraw) | app (plotly's own zoom) | vis-timeline "
        "| filter change, server: new filter, median / p95 | same filter again |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    curated = next((r for r in results if r["size"] == "curated"), None)
    base = median(curated["draw"]["app"]) if curated else None
    for r in results:
        app, vis, tljs = (median(r["draw"][k]) for k in ("app", "vis-timeline", "TimelineJS"))
        shown = {k: fmt_ms(median(r["draw"][k]), timeout) if r["draw"][k] else "not run" for k in r["draw"]}
        ratio = f"{app / vis:.2f}x" if app and vis else "—"
        vs = f"{app / base:.2f}x" if app and base else "—"
        filt = r.get("filter")
        label = f"curated ({r['events']:,})" if r["size"] == "curated" else f"{r['events']:,}"
        lines.append(
            f"| {label} | {fmt_ms(app, timeout)} | {fmt_ms(median(r.get('settled', [])))} | {shown['vis-timeline']} | {shown['TimelineJS']} | {ratio} | {vs} | "
            f"{fmt_ms(median(r['zoom']['app']))} | {fmt_ms(median(r['zoom']['app_client']))} | "
            f"{fmt_ms(median(r['zoom']['vis-timeline']))} | "
            + (" | ".join(f"{statistics.median(filt[k]):.1f} / {p95(filt[k]):.1f} ms" for k in ("new", "again")) + " |"
               if filt else "— | — |")
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="curated,1000,10000,100000",
                        help="comma-separated: 'curated' (events.yaml) and numbers of synthetic events")
    parser.add_argument("--repeat", type=int, default=3, help="draws per page and size (medians)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds a page may take to draw")
    parser.add_argument("--filters", type=int, default=15, help="filter changes timed per size (0: none)")
    parser.add_argument("--data", type=Path, help="a folder of synthetic files events-N.yaml to reuse")
    parser.add_argument("--json", type=Path, help="write the raw samples here")
    parser.add_argument("--timelinejs-max", type=int, default=10_000,
                        help="skip TimelineJS above this many events (at 100,000 its page grew past 11 GB "
                             "without drawing in four minutes)")
    parser.add_argument("--screenshots", type=Path, help="save each page's first draw here, to check by eye")
    args = parser.parse_args()
    ensure_peers()
    work = Path(tempfile.mkdtemp(prefix="timeline-peers-"))
    driver = browser()
    driver.set_script_timeout(max(args.timeout, 130))
    driver.set_page_load_timeout(max(args.timeout, 130))
    results = []
    try:
        for size in args.sizes.split(","):
            if size == "curated":
                path = ROOT / "events.yaml"
            elif args.data and (args.data / f"events-{size}.yaml").exists():
                path = args.data / f"events-{size}.yaml"
            else:
                print(f"{size:>8}: writing synthetic events", flush=True)
                path = write_synthetic(int(size), work / f"events-{size}.yaml")
            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
            results.append(measure(size, path, driver, args.repeat, args.timeout, args.filters,
                                   warm=not results, shots=args.screenshots,
                                   skip=("TimelineJS",) if size != "curated" and int(size) > args.timelinejs_max else ()))
            print(table(results, args.timeout), flush=True)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1))
    finally:
        driver.quit()
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print()
    print(table(results, args.timeout))
    for r in results:
        print(f"{r['size']}: marks drawn {r['items']}; app zoom ended at {r['zoom_range']}; "
              f"its last callback answered after {fmt_ms(median(r['zoom'].get('app_answered', [])))}, "
              f"the longest took {fmt_ms(median(r['zoom'].get('app_longest_call', [])))}")


if __name__ == "__main__":
    main()

"""The scale benchmark: every figure side by side, in one run, as ratios where it matters.

    .venv/bin/python bench/run.py                       # 100, 1,000, 10,000 and 100,000 events
    .venv/bin/python bench/run.py --sizes 100,1000 --no-browser --no-export   # a quick look

Writes the table to BENCHMARKS.md (``--out``) and prints it. Synthetic datasets are made from the
curated events (``bench/synth.py``); the shared launch list is imported when it is beside the repo.
Not part of the tests' pass/fail: the targets are read from the table by people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# bench/ is on sys.path when run: the load test's server and callback helpers serve both.
from load import CHART_OUTPUT, chart_body, find_callback, plotted_ids, serving  # noqa: E402
from synth import write as write_synthetic  # noqa: E402
from timeline import figures, frame, store  # noqa: E402
from timeline.live import LiveData  # noqa: E402

PYTHON = sys.executable
LAUNCHES = ROOT.parent / "shared" / "data" / "space_missions.csv"
LAUNCH_MAPPING = ROOT / "timeline" / "examples" / "space_missions.mapping.yaml"


@dataclass
class Row:
    """One size's measurements; ``None`` where a part was not measured."""

    size: int
    values: dict[str, float | str | None] = field(default_factory=dict)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(args: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started


# --- 1. cold validate vs json.load --------------------------------------------------------------
def cold_validate(path: Path, json_path: Path, repeat: int) -> tuple[float, float, float]:
    """Whole-process seconds: validate with nothing cached, validate again (the verdict cache
    hit), and ``json.load`` of the same data as JSON."""
    run = [PYTHON, "-m", "timeline", "validate", str(path)]
    with tempfile.TemporaryDirectory() as cache_dir:
        env = {**os.environ, "TIMELINE_CACHE_DIR": cache_dir}
        parse = [timed(run + ["--no-cache"], cwd=ROOT, env=env) for _ in range(repeat)]
        timed(run, cwd=ROOT, env=env)
        again = [timed(run, cwd=ROOT, env=env) for _ in range(repeat)]
    baseline = [
        timed([PYTHON, "-c", "import json, sys; json.load(open(sys.argv[1]))", str(json_path)])
        for _ in range(repeat)
    ]
    return median(parse), median(again), median(baseline)


# --- 2. reload -----------------------------------------------------------------------------------
def reload_times(path: Path) -> tuple[float, float]:
    """Seconds for a reload check with nothing changed, and for a reload after a one-line edit."""
    live = LiveData([path])
    assert live.current().ok
    unchanged = []
    for _ in range(200):
        t = time.perf_counter()
        live.current()
        unchanged.append(time.perf_counter() - t)
    text = path.read_text()
    edited = text.replace("title: ", "title: Edited ", 1)
    path.write_text(edited)
    t = time.perf_counter()
    snapshot = live.current()
    one_edit = time.perf_counter() - t
    assert snapshot.ok and not snapshot.errors
    path.write_text(text)
    return median(unchanged), one_edit


# --- 3, 4, 6. the running server ----------------------------------------------------------------
def peak_rss_mb(proc: subprocess.Popen) -> float:
    """Peak resident memory (VmHWM) of the server and its children, in MB."""
    pids = [proc.pid]
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    return total / 1024


def call_chart(url: str, dep: dict, search: str) -> tuple[float, int, int, int, float]:
    """Seconds, bytes on the wire (gzip, as browsers ask), JSON bytes, events plotted, and the
    server's own milliseconds (its Server-Timing header: from the request's start to its
    compressed answer)."""
    request = urllib.request.Request(
        url + "/_dash-update-component", data=json.dumps(chart_body(dep, search)).encode(),
        headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"},
    )  # fmt: skip
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        wire = response.read()
        gzipped = response.headers.get("Content-Encoding") == "gzip"
        timing = re.search(r"dur=([\d.]+)", response.headers.get("Server-Timing", ""))
        server_ms = float(timing.group(1)) if timing else math.nan  # a server without the header
    seconds = time.perf_counter() - started
    raw = gzip.decompress(wire) if gzipped else wire
    return seconds, len(wire), len(raw), len(plotted_ids(json.loads(raw))), server_ms


def filter_changes(url: str, dataset_codes: list[str], repeat: int) -> tuple[float, float, float, float]:
    """Median and p95 seconds of a country filter change; wire and JSON bytes per plotted event."""
    dep = find_callback(json.loads(urllib.request.urlopen(url + "/_dash-dependencies").read()), CHART_OUTPUT)
    call_chart(url, dep, "?view=timeline")  # warm
    times = []
    for i in range(repeat):
        code = dataset_codes[i % len(dataset_codes)]
        times.append(call_chart(url, dep, f"?country={code}")[0])
    _, wire, raw, events, _ = call_chart(url, dep, "?view=timeline")
    return median(times), p95(times), wire / max(events, 1), raw / max(events, 1)


def points(df, dataset, filters) -> int:
    """How many marks the page must show: every customdata entry of the same figure."""
    fig = figures.figure("timeline", df, filters, dataset)
    return sum(len(trace.customdata) for trace in fig.data if trace.customdata is not None)


DRAWN = """
const gd = document.querySelector('#timeline .js-plotly-plot');
if (!gd || !gd._fullData || document.querySelector('[data-dash-is-loading="true"]')) return -1;
let n = 0;
for (const t of gd.data) { if (t.customdata) n += t.customdata.length; }
return n;
"""


def browser():
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--disable-background-networking",
                # no page kept alive after it is left: the one before a measured load shared its renderer
                "--disable-features=BackForwardCache"):  # fmt: skip
        options.add_argument(arg)
    return webdriver.Chrome(options=options)


def wait_drawn(driver, expected: int, timeout: float = 300) -> None:
    from selenium.common.exceptions import TimeoutException

    deadline = time.monotonic() + timeout
    while True:
        try:
            if driver.execute_script(DRAWN) == expected:
                break
        except TimeoutException:  # the page is busy drawing 100,000 points: ask again
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"chart never showed {expected} points")
        time.sleep(0.01)
    # two animation frames: the points are on screen, not just in the data
    driver.execute_async_script("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));")


def page_draw(driver, url: str, expected: int, filtered: tuple[str, int], repeat: int) -> tuple[float, float]:
    """Navigation to fully drawn, and a country filter redraw, in seconds (medians)."""
    loads, redraws = [], []
    code, filtered_count = filtered
    for _ in range(repeat):
        driver.get("about:blank")
        started = time.perf_counter()
        driver.get(url + "/")
        wait_drawn(driver, expected)
        loads.append(time.perf_counter() - started)
        started = time.perf_counter()
        driver.execute_script(
            "window.history.pushState({}, '', arguments[0]);"
            "window.dispatchEvent(new PopStateEvent('popstate'));", f"/?country={code}",
        )  # fmt: skip
        wait_drawn(driver, filtered_count)
        redraws.append(time.perf_counter() - started)
    return median(loads), median(redraws)


# --- 5. export ----------------------------------------------------------------------------------
def export_times(path: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        one = timed([PYTHON, "-m", "timeline", "export", str(path), "-o", f"{tmp}/a.png"], cwd=ROOT)
        args = [PYTHON, "-m", "timeline", "export", str(path)]
        for name in "abcde":
            args += ["-o", f"{tmp}/{name}.png"]
        five = timed(args, cwd=ROOT)
    return one, five


def import_time() -> tuple[float, int] | None:
    if not (LAUNCHES.exists() and LAUNCH_MAPPING.exists()):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "launches.yaml"
        seconds = timed([PYTHON, "-m", "timeline", "import", str(LAUNCHES), "--mapping", str(LAUNCH_MAPPING),
                         "-o", str(out)], cwd=ROOT)  # fmt: skip
        loaded = store.load([out])
        return seconds, len(loaded.dataset.events) if loaded.ok else 0


# --- the run ------------------------------------------------------------------------------------
def machine() -> str:
    cpu = "unknown CPU"
    info = Path("/proc/cpuinfo")
    if info.exists():
        found = re.search(r"model name\s*:\s*(.+)", info.read_text())
        cpu = found.group(1).strip() if found else cpu
    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="skip the page draw times")
    parser.add_argument("--no-export", action="store_true", help="skip the PNG export times")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    driver = None if args.no_browser or not shutil.which("chromedriver") else browser()
    try:
        for size in sizes:
            row = Row(size)
            rows.append(row)
            path = write_synthetic(size, work / f"events-{size}.yaml")
            loaded = store.load([path])
            assert loaded.ok, loaded.errors[:3]
            json_path = path.with_suffix(".json")
            json_path.write_text(json.dumps(loaded.dataset.model_dump(mode="json")))
            print(f"{size:>7} events: validate", flush=True)
            row.values["parse_s"], row.values["validate_s"], row.values["json_s"] = cold_validate(
                path, json_path, args.repeat
            )
            row.values["reload_same_s"], row.values["reload_edit_s"] = [
                x for x in reload_times(path)
            ]  # fmt: skip
            print(f"{size:>7} events: server", flush=True)
            df = frame.to_frame(loaded.dataset)
            codes = sorted({c for cs in df["countries"] for c in cs})
            with serving([path]) as running:
                url, proc = running.url, running.proc
                row.values["server_start_rss_mb"] = peak_rss_mb(proc)
                med, high, wire, raw = filter_changes(url, codes, max(10, args.repeat * 5))
                row.values["filter_median_ms"], row.values["filter_p95_ms"] = med * 1000, high * 1000
                row.values["bytes_per_event"], row.values["json_bytes_per_event"] = wire, raw
                if driver is not None:
                    print(f"{size:>7} events: browser", flush=True)
                    row.values["page_s"], row.values["redraw_s"] = page_draw(
                        driver, url, points(df, loaded.dataset, frame.Filters()),
                        ("CN", points(df, loaded.dataset, frame.Filters(countries=("CN",)))), args.repeat,
                    )  # fmt: skip
                row.values["peak_rss_mb"] = peak_rss_mb(proc)
            if size == 10_000 and not args.no_export:
                print(f"{size:>7} events: export", flush=True)
                row.values["export_one_s"], row.values["export_five_s"] = export_times(path)
            if size >= 100_000 and not args.no_export:  # must work at this size; the time is a record
                print(f"{size:>7} events: export one PNG", flush=True)
                with tempfile.TemporaryDirectory() as tmp:
                    row.values["export_big_s"] = timed([PYTHON, "-m", "timeline", "export", str(path),
                                                        "-o", f"{tmp}/a.png"], cwd=ROOT)  # fmt: skip
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(work, ignore_errors=True)
    imported = import_time()
    report = render(rows, imported, args)
    args.out.write_text(report)
    print(report)


def fmt(value, digits=2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def render(rows: list[Row], imported, args) -> str:
    base = next((r for r in rows if r.size == min(x.size for x in rows)), None)
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today():%d %b %Y} on {machine()}.",
        "",
        f"Reproduce: `.venv/bin/python bench/run.py --sizes {args.sizes} --repeat {args.repeat}` "
        "(about 15 minutes; needs Debian's chromium and chromium-driver for the page times).",
        "",
        "| events | validate, first | validate, unchanged | `json.load` | ratio | reload, unchanged | reload, one edit "
        "| filter change median / p95 | bytes per event, wire (JSON) | page drawn | vs smallest | country redraw "
        "| vs smallest | server RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        v = r.values
        page_ratio = redraw_ratio = None
        if base and v.get("page_s") and base.values.get("page_s"):
            page_ratio = v["page_s"] / base.values["page_s"]
            redraw_ratio = v["redraw_s"] / base.values["redraw_s"]
        lines.append(
            f"| {r.size:,} | {fmt(v['parse_s'])} s | {fmt(v['validate_s'])} s | {fmt(v['json_s'])} s | "
            f"{fmt(v['parse_s'] / v['json_s'], 1)}x / {fmt(v['validate_s'] / v['json_s'], 1)}x | {fmt(v['reload_same_s'] * 1000, 3)} ms | "
            f"{fmt(v['reload_edit_s'])} s | {fmt(v['filter_median_ms'], 0)} / {fmt(v['filter_p95_ms'], 0)} ms | "
            f"{fmt(v['bytes_per_event'], 0)} ({fmt(v['json_bytes_per_event'], 0)}) | {fmt(v.get('page_s'))} s | {fmt(page_ratio, 1)}x | "
            f"{fmt(v.get('redraw_s'))} s | {fmt(redraw_ratio, 1)}x | {fmt(v['peak_rss_mb'], 0)} MB |"
        )
    export_row = next((r for r in rows if "export_one_s" in r.values), None)
    if export_row:
        one, five = export_row.values["export_one_s"], export_row.values["export_five_s"]
        lines += ["", f"Export at {export_row.size:,} events: one PNG {one:.2f} s, five PNGs in one command "
                      f"{five:.2f} s ({five / one:.2f}x one)."]  # fmt: skip
    for r in rows:
        if "export_big_s" in r.values:
            lines += ["", f"Export at {r.size:,} events: one PNG {r.values['export_big_s']:.2f} s, written."]
    if imported:
        seconds, count = imported
        lines += ["", f"Import of the shared launch list (`space_missions.csv`): {count:,} events in {seconds:.2f} s."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

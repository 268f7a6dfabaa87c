"""Peak memory of ``timeline validate``, ``timeline serve`` and ``timeline export``, by events file.

    .venv/bin/python bench/memory.py                        # 10,000 and 100,000 events, plain and heavy
    .venv/bin/python bench/memory.py --sizes 10000 --no-png # a quick look
    .venv/bin/python bench/memory.py --data /tmp/mem        # keep the files there, and reuse them

Files are made by ``bench/synth.py``: plain (the curated events' fields, no milestones) and heavy
(``--heavy``: milestones and firsts kept, joint events, long descriptions, 4-6 sources). Each command
runs as a user runs it, in its own process, one at a time; the figure is the process's peak resident
memory (``VmHWM``), read by the process itself as it exits (validate, export) or from ``/proc`` while
it runs (the server, after it has answered a page load and a chart callback, and again after its
file was edited ``--edits`` times, each edit read again and the chart asked for again). The server
reads a big file in a child process (``timeline.reader``): the highest peak of those children is
shown apart, and so is the highest total of the server's and their proportional set sizes (PSS),
sampled every 100 ms while it serves. A PNG export's Chromium is counted apart: the highest total
of its processes' proportional set sizes (PSS, shared pages split between their sharers) seen
every 50 ms, and the sum of each process's own peak (shared pages counted in each: an upper
bound). Prints a Markdown table. Not part of the tests' pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# bench/ is on sys.path when run
from load import CHART_OUTPUT, find_callback, serving  # noqa: E402
from run import call_chart, machine  # noqa: E402
from synth import write as write_synthetic  # noqa: E402

PYTHON = sys.executable
LIMIT_MB = 1024  # the requirement: every Python process under 1 GB at 100,000 events

# Runs the timeline command of the arguments after the report path, and writes the process's peak
# resident memory (kB) to that path as it exits, however it exits (click ends with SystemExit).
_PEAK_AT_EXIT = """
import atexit, re, sys
report = sys.argv.pop(1)
def write_peak():
    status = open("/proc/self/status").read()
    open(report, "w").write(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
atexit.register(write_peak)
sys.argv[0] = "timeline"
from timeline.cli import run
run()
"""


def vm_hwm_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) if found else None


def pss_kb(pid: int) -> int:
    """Proportional set size: the process's own pages, and its share of pages it shares."""
    try:
        return int(re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.MULTILINE).group(1))
    except (OSError, AttributeError):
        return 0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children, ...)."""
    below, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            children = [int(c) for task in Path(f"/proc/{parent}/task").iterdir()
                        for c in (task / "children").read_text().split()]  # fmt: skip
        except OSError:
            continue
        below += children
        todo += children
    return below


def timeline_peak(args: list[str]) -> dict[str, float]:
    """Run ``timeline ARGS``: its own peak (MB), and its child processes' (Chromium): each one's peak
    summed, and the highest sum of their proportional sizes (PSS) seen, sampled every 50 ms."""
    with tempfile.TemporaryDirectory(prefix="timeline-mem-") as tmp:
        report = Path(tmp) / "peak"
        proc = subprocess.Popen([PYTHON, "-c", _PEAK_AT_EXIT, str(report), *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
        children: dict[int, int] = {}  # pid -> its peak, as last seen
        pss = [0]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                below = descendants(proc.pid)
                for pid in below:
                    peak = vm_hwm_kb(pid)
                    if peak:
                        children[pid] = max(peak, children.get(pid, 0))
                pss[0] = max(pss[0], sum(pss_kb(pid) for pid in below))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        output = proc.communicate()[0].decode(errors="replace")
        done.set()
        watcher.join()
        if proc.returncode != 0:
            raise RuntimeError(f"timeline {' '.join(args)} exited {proc.returncode}:\n{output[-2000:]}")
        return {"python": int(report.read_text()) / 1024, "children": sum(children.values()) / 1024,
                "children_pss": pss[0] / 1024}


class Tree:
    """While it runs: the highest peak of any process below ``pid`` (the server's reading children),
    and the highest total PSS of ``pid`` and those processes, sampled every 100 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.child_kb, self.total_pss_kb = pid, 0, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._done.is_set():
            below = descendants(self.pid)
            for pid in below:
                self.child_kb = max(self.child_kb, vm_hwm_kb(pid) or 0)
            self.total_pss_kb = max(self.total_pss_kb, sum(pss_kb(pid) for pid in [self.pid, *below]))
            time.sleep(0.1)


def served_peaks(path: Path, edits: int) -> tuple[list[float], Tree]:
    """The server's peak (MB) after a page load (``/``, ``/_dash-layout``) and one chart callback,
    then after each of ``edits`` edits of the file (a comment added; the server reads it again and
    the chart is asked for again); and its reading children's (``Tree``). A copy of the file is
    served, so that it can be edited."""
    with tempfile.TemporaryDirectory(prefix="timeline-mem-") as tmp:
        served = Path(tmp) / path.name
        shutil.copyfile(path, served)
        with serving([served], ready_s=900) as server, Tree(server.proc.pid) as tree:
            for page in ("/", "/_dash-layout"):
                urllib.request.urlopen(server.url + page, timeout=600).read()
            deps = json.loads(urllib.request.urlopen(server.url + "/_dash-dependencies", timeout=60).read())
            chart = find_callback(deps, CHART_OUTPUT)
            call_chart(server.url, chart, "?view=timeline")
            peaks = [server_peak(server)]
            for n in range(edits):
                before = health(server.url)["version"]
                with served.open("a", encoding="utf-8") as out:
                    out.write(f"# edit {n + 1}\n")
                deadline = time.monotonic() + 900
                while health(server.url)["version"] == before:  # the server reads it between requests
                    if time.monotonic() > deadline:
                        raise RuntimeError("the server did not read the edited file")
                    time.sleep(0.5)
                call_chart(server.url, chart, "?view=timeline")
                peaks.append(server_peak(server))
        return peaks, tree


def health(url: str) -> dict:
    with urllib.request.urlopen(url + "/healthz", timeout=600) as answer:
        return json.loads(answer.read())


def server_peak(server) -> float:
    """The serving processes' peak: the server's own, with gunicorn's workers (not its readers)."""
    return sum(vm_hwm_kb(pid) or 0 for pid in [server.proc.pid, *server.children()]) / 1024


def measure(path: Path, png: bool, edits: int, serve_only: bool = False) -> dict[str, float]:
    out: dict[str, float] = {}
    if not serve_only:
        out["validate"] = timeline_peak(["validate", "--no-cache", str(path)])["python"]
    served, tree = served_peaks(path, edits)
    out["serve"] = served[0]
    if edits:
        out["serve_edited"] = served[-1]
    out["reader"], out["serve_total_pss"] = tree.child_kb / 1024, tree.total_pss_kb / 1024
    if serve_only:
        return out
    with tempfile.TemporaryDirectory(prefix="timeline-mem-") as tmp:
        out["csv"] = timeline_peak(["export", str(path), "-o", f"{tmp}/x.csv"])["python"]
        if png:
            image = timeline_peak(["export", str(path), "-o", f"{tmp}/x.png"])
            out["png"], out["chromium"], out["chromium_pss"] = image["python"], image["children"], image["children_pss"]
    return out


def mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def table(results: list[dict], edits: int) -> str:
    lines = [
        (f"| events | file | validate | serve | serve, {edits} edits later | its reading process | serve: both, "
         "PSS | export CSV | export PNG: Python | export PNG: Chromium, PSS / sum of peaks |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r["peak_mb"]
        lines.append(f"| {r['size']:,} {r['kind']} | {r['file_mb']:,.0f} MB | {mb(m.get('validate'))} | "
                     f"{mb(m.get('serve'))} | {mb(m.get('serve_edited'))} | {mb(m.get('reader') or None)} | "
                     f"{mb(m.get('serve_total_pss'))} | {mb(m.get('csv'))} | {mb(m.get('png'))} | "
                     f"{mb(m.get('chromium_pss'))} / {mb(m.get('chromium'))} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--kinds", default="plain,heavy", help="comma-separated: plain, heavy (bench/synth.py --heavy)")
    parser.add_argument("--data", type=Path, help="folder for the files (KIND-N.yaml), reused when there")
    parser.add_argument("--no-png", action="store_true", help="skip the PNG export (it needs Chromium)")
    parser.add_argument("--serve-only", action="store_true", help="measure the served app only (no validate, export)")
    parser.add_argument("--edits", type=int, default=2, help="edits of the served file, each read again (0: none)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    folder = args.data or Path(tempfile.mkdtemp(prefix="timeline-mem-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            for kind in args.kinds.split(","):
                path = folder / f"{kind}-{size}.yaml"
                if not path.exists():
                    print(f"writing {path}", file=sys.stderr, flush=True)
                    write_synthetic(size, path, heavy=kind == "heavy")
                print(f"measuring {path}", file=sys.stderr, flush=True)
                peaks = measure(path, png=not args.no_png, edits=args.edits, serve_only=args.serve_only)
                results.append({"size": size, "kind": kind, "file_mb": path.stat().st_size / 1e6, "peak_mb": peaks})
                print(f"  {json.dumps(peaks)}", file=sys.stderr, flush=True)
    finally:
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(f"Measured {dt.date.today():%d %b %Y} on {machine()}.\n")
    print(table(results, args.edits))
    over = [f"{r['size']:,} {r['kind']}: {k}" for r in results for k, v in r["peak_mb"].items()
            if not k.startswith("chromium") and k != "serve_total_pss" and v > LIMIT_MB]  # fmt: skip
    print(f"\nPython processes over {LIMIT_MB} MB: {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()

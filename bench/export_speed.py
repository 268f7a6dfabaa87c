"""How long ``timeline export`` takes, and what the one shared browser saves.

    .venv/bin/python bench/export_speed.py [EVENTS_FILE] [--repeat N]

Prints, as medians of N runs: the whole command for one PNG and for five images (PNG, SVG, PDF,
PNG, PDF), each in a fresh process as a user runs it; then, in one process, the browser start and
each warm render. Five images should take well under twice one image: the browser starts once.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timeline import export, frame, store  # noqa: E402

FIVE = ("a.png", "b.svg", "c.pdf", "d.png", "e.pdf")


def command(events: Path, names: tuple[str, ...], folder: Path) -> float:
    """Seconds for one ``timeline export`` in a new process, as a user runs it."""
    args = [sys.executable, "-m", "timeline", "export", str(events)]
    for name in names:
        args += ["-o", str(folder / name)]
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def in_process(events: Path) -> tuple[float, list[float]]:
    """Browser start, then the warm renders of the five images, in seconds."""
    loaded = store.load([events])
    chart = export.build_figures(loaded, frame.to_frame(loaded.dataset), frame.Filters(), ["timeline"])["timeline"]
    size = export.image_size(chart)
    started = time.perf_counter()
    with export.Browser() as browser:
        start = time.perf_counter() - started
        renders = []
        for name in FIVE:
            fmt = name.rsplit(".", 1)[1]
            t = time.perf_counter()
            browser.render(chart, fmt, *size, export.DEFAULT_SCALE if fmt == "png" else 1)
            renders.append(time.perf_counter() - t)
    return start, renders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", nargs="?", type=Path, default=ROOT / "events.yaml")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one = statistics.median(command(args.events, FIVE[:1], folder) for _ in range(args.repeat))
        five = statistics.median(command(args.events, FIVE, folder) for _ in range(args.repeat))
    starts, warm = [], []
    for _ in range(args.repeat):
        start, renders = in_process(args.events)
        starts.append(start)
        warm += renders[1:]  # the first render also warms the page
    print(f"events file: {args.events} ({args.repeat} runs each, medians)")
    print(f"timeline export, 1 PNG:             {one:6.2f} s")
    print(f"timeline export, 5 images:          {five:6.2f} s  ({five / one:.2f} x one image)")
    print(f"browser start (in process):         {statistics.median(starts):6.2f} s")
    print(f"one warm render (PNG, SVG or PDF):  {statistics.median(warm):6.2f} s")


if __name__ == "__main__":
    main()

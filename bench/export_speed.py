"""How long ``timeline export`` takes, and what drawing images side by side saves.

    .venv/bin/python bench/export_speed.py [EVENTS_FILE] [--repeat N]

Prints, as medians of N runs: the whole command for one PNG, for five PNGs and for five mixed
images (PNG, SVG, PDF, PNG, PDF), each in a fresh process as a user runs it, one after another in
each round so that a busy machine slows all three alike; then, in one process, the browser start
and the renders. The target: five images in one command within twice one image.
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

ONE = ("one.png",)
FIVE_PNG = ("a.png", "b.png", "c.png", "d.png", "e.png")
FIVE_MIXED = ("a.png", "b.svg", "c.pdf", "d.png", "e.pdf")


def command(events: Path, names: tuple[str, ...], folder: Path) -> float:
    """Seconds for one ``timeline export`` in a new process, as a user runs it."""
    args = [sys.executable, "-m", "timeline", "export", str(events)]
    for name in names:
        args += ["-o", str(folder / name)]
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def in_process(events: Path) -> dict[str, float]:
    """Seconds for: the browser start with one tab, one PNG; the browser start with the tabs export
    picks for five PNGs, and those five (each after a first render that warms the tabs)."""
    loaded = store.load([events])
    charts = export.build_figures(loaded, frame.to_frame(loaded.dataset), frame.Filters(), ["timeline"])
    chart = charts["timeline"]
    png = export.Render(export.image_figure(chart), "png", *export.image_size(chart), export.DEFAULT_SCALE)
    times = {}
    for tabs, renders in ((1, 1), (export.tabs_for([png] * 5), 5)):
        started = time.perf_counter()
        with export.Browser(tabs) as browser:
            times[f"browser start, {tabs} tab(s)"] = time.perf_counter() - started
            browser.render([png] * tabs)
            started = time.perf_counter()
            browser.render([png] * renders)
            times[f"{renders} PNG(s), {tabs} tab(s)"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", nargs="?", type=Path, default=ROOT / "events.yaml")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs: dict[tuple[str, ...], list[float]] = {ONE: [], FIVE_PNG: [], FIVE_MIXED: []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for names, seconds in runs.items():
                seconds.append(command(args.events, names, Path(tmp)))
    one, five, mixed = (statistics.median(seconds) for seconds in runs.values())
    inside = [in_process(args.events) for _ in range(args.repeat)]
    print(f"events file: {args.events} ({args.repeat} runs each, medians)")
    print(f"timeline export, 1 PNG:                 {one:6.2f} s")
    print(f"timeline export, 5 PNGs:                {five:6.2f} s  ({five / one:.2f} x one image)")
    print(f"timeline export, PNG SVG PDF PNG PDF:   {mixed:6.2f} s  ({mixed / one:.2f} x one image)")
    for name in inside[0]:
        print(f"in process, {name + ':':27} {statistics.median(t[name] for t in inside):6.2f} s")


if __name__ == "__main__":
    main()

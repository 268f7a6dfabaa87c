"""Load test: many readers at once against ``timeline serve --workers N``, on loopback only.

    .venv/bin/python bench/load.py                                  # 50 clients, 5,000 requests, 4 workers
    .venv/bin/python bench/load.py --clients 10 --requests 300 --workers 2 events.yaml

Starts the real server (gunicorn above one worker) on a free 127.0.0.1 port, then each client loops
until the requests are spent: every fifth turn a page load of a link to a view, as a browser with
cached scripts makes it (the HTML, ``/_dash-layout`` with the page's URL and look, which brings the
chart drawn, and ``/_dash-dependencies``), otherwise a filter change: the chart
callback (``POST /_dash-update-component``), its payload built from ``/_dash-dependencies``, with
a filter drawn from the data. Any status but 200, any transport error and any callback answer
without a figure is an error. Prints a Markdown table (throughput, p50/p95 latency) and exits 1
if there was any error. ``tests/test_server.py`` runs a small version of it.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import brotli

try:
    from compression import zstd  # Python 3.14
except ImportError:  # before: the backport the server's compression uses too
    from backports import zstd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timeline import store  # noqa: E402

PAGE_EVERY = 5  # one page load per this many turns; the rest are filter changes
LOOK_COOKIE = "timeline-look=light.1100"  # what the page's script tells the server: theme and chart width
CHART_OUTPUT = "timeline.figure"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium asks for: the server answers in zstd
DECODE = {"zstd": zstd.decompress, "br": brotli.decompress, "gzip": gzip.decompress, "deflate": zlib.decompress}


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running ``timeline serve``: its URL, process and log file (stderr)."""

    url: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def children(self) -> list[int]:
        """Worker pids (gunicorn's master is ``proc`` itself)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []


@contextmanager
def serving(files: list[str | os.PathLike], workers: int = 1, *args: str, ready_s: float = 120) -> Iterator[Server]:
    """``timeline serve FILES --workers N`` on a free loopback port, ready (``/healthz`` answers
    and all N workers are running)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="timeline-serve-") as tmp:
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "timeline", "serve", *map(str, files), "--port", str(port),
                 "--workers", str(workers), *args],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        server = Server(f"http://127.0.0.1:{port}", proc, log_path)
        try:
            if not ready(server.url, proc, ready_s):
                raise RuntimeError(f"the server did not start:\n{server.log()}")
            # gunicorn forks its workers one by one, and the first answers before the others exist:
            # wait for all of them, so every worker has read the files before a test changes them.
            deadline = time.monotonic() + ready_s
            while workers > 1 and len(server.children()) < workers:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {len(server.children())} of {workers} workers started:\n{server.log()}")
                time.sleep(0.1)
            yield server
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(30)


def ready(url: str, proc: subprocess.Popen, within_s: float = 120) -> bool:
    """Wait until ``url``/healthz answers (200, or 503: up without good data); False if ``proc`` ends first."""
    deadline = time.monotonic() + within_s
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5).close()
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.1)
        else:
            return True
    return False


# --- callbacks --------------------------------------------------------------------------------


def find_callback(deps: list[dict], output: str) -> dict:
    """The callback whose outputs include ``output`` (``id.property``), from ``/_dash-dependencies``."""
    for dep in deps:
        if output in dep["output"].strip(".").split("..."):
            return dep
    raise LookupError(f"no callback outputs {output}")


def callback_body(dep: dict, values: dict[str, object], changed: str = "url.search") -> dict:
    """The JSON a browser posts to ``/_dash-update-component`` to run ``dep``.

    ``values`` maps ``id.property`` to the value of each input and state (missing ones are None).
    """

    def prop(item: dict) -> dict:
        value = values.get(f"{item['id']}.{item['property']}")
        return {"id": item["id"], "property": item["property"], "value": value}

    outputs = [dict(zip(("id", "property"), o.split("."))) for o in dep["output"].strip(".").split("...")]
    return {
        "output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [prop(i) for i in dep["inputs"]], "state": [prop(s) for s in dep["state"]],
        "changedPropIds": [changed],
    }  # fmt: skip


def chart_body(dep: dict, search: str) -> dict:
    """The chart callback for the page at ``?search`` in a 1100-px wide light page."""
    return callback_body(dep, {"url.search": search, "look.data": {"theme": "light", "width": 1100}})


def plotted_ids(answer: dict) -> set[str]:
    """Event ids the chart callback's figure plots (each point's customdata)."""
    figure = answer["response"]["timeline"]["figure"]
    ids = set()
    for trace in figure["data"]:
        for value in trace.get("customdata") or []:
            ids.add(value[0] if isinstance(value, list) else value)
    return ids


def searches(path: Path) -> list[str]:
    """Filter URLs a reader would make of this data: countries, types, windows, views."""
    loaded = store.load([path])
    if not loaded.ok:
        raise SystemExit(f"{path}: not valid; run timeline validate")
    dataset = loaded.dataset
    years = sorted({e.date.year for e in dataset.events})
    out = ["?view=timeline", "?view=activity"]  # the views the main chart callback draws
    out += [f"?country={code}" for code in dataset.countries]
    out += [f"?type={key}&view=activity" for key in dataset.types]
    out += [f"?from={y}&to={y + 15}&lanes=type" for y in years[:: max(1, len(years) // 8)]]
    out += ["?q=moon", "?firsts=1", f"?country={','.join(list(dataset.countries)[:2])}&status=achieved"]
    return out


# --- the load ---------------------------------------------------------------------------------


@dataclass
class Result:
    """Latencies (seconds) per kind of request, errors, and the wall time of the run."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"page": [], "filter": []})
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return sum(map(len, self.latencies.values())) + len(self.errors)


def load(url: str, chart: dict, filters: list[str], clients: int, requests: int, seed: int = 1) -> Result:
    """``clients`` concurrent readers making ``requests`` requests in all (page loads count 3).

    Each reader is a thread with its own kept-alive connection, as a browser tab has one, and
    speaks through the standard library's ``http.client``: about a third of a millisecond of CPU
    a request, where httpx took about three. The clients share the server's two cores, so what
    they spend is taken from the server."""
    result = Result()
    lock = threading.Lock()
    left = requests
    target = urlsplit(url)

    def take(n: int) -> bool:
        nonlocal left
        with lock:
            left -= n
            return left + n > 0

    def timed(conn: http.client.HTTPConnection, kind: str, method: str, path: str, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> http.client.HTTPConnection:
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers={"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            problem = None if response.status == 200 else f"{response.status} {method} {path}"
            if problem is None and kind == "filter":
                text = DECODE.get(response.getheader("Content-Encoding") or "", bytes)(data)
                problem = None if b'"figure"' in text else "callback answered without a figure"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc!r} ({kind})"
            conn.close()  # the next request opens a new connection
        except Exception as exc:  # an answer that does not decode (zstd's, brotli's own errors)
            problem = f"{type(exc).__name__}: {exc!r} ({kind}: undecodable answer)"
        with lock:
            if problem:
                result.errors.append(problem)
            else:
                result.latencies[kind].append(time.perf_counter() - started)
        return conn

    def reader(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        turn = n
        try:
            while True:
                turn += 1
                if turn % PAGE_EVERY == 0:  # a link to a view: the page, then its layout as a browser asks
                    if not take(3):
                        return
                    search = rng.choice(filters)
                    cookies = f"{LOOK_COOKIE}; timeline-page={quote(search, safe='')}"  # what the page's script writes
                    timed(conn, "page", "GET", "/" + search)
                    timed(conn, "page", "GET", "/_dash-layout", headers={"Referer": url + "/" + search, "Cookie": cookies})
                    timed(conn, "page", "GET", "/_dash-dependencies")
                else:
                    if not take(1):
                        return
                    body = json.dumps(chart_body(chart, rng.choice(filters))).encode()
                    timed(conn, "filter", "POST", "/_dash-update-component", body, {"Content-Type": "application/json"})
        finally:
            conn.close()

    threads = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def run(url: str, data: Path, clients: int, requests: int) -> Result:
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit("the load test runs against loopback only (http://127.0.0.1:PORT)")
    deps = json.loads(urllib.request.urlopen(url + "/_dash-dependencies").read())
    return load(url, find_callback(deps, CHART_OUTPUT), searches(data), clients, requests)


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] if len(samples) > 1 else samples[0]


def table(result: Result, workers: int, clients: int, events: int) -> str:
    rate = result.requests / result.seconds
    lines = [
        f"{workers} worker{'s' * (workers != 1)}, {clients} concurrent clients, {events:,} events, "
        f"{result.requests:,} requests in {result.seconds:.1f} s: **{rate:,.0f} requests/s**, "
        f"{len(result.errors)} errors.",
        "",
        "| requests | count | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    labels = {"page": "page load (HTML, layout, dependencies)", "filter": "filter change (chart callback)"}
    for kind, label in labels.items():
        samples = [s * 1000 for s in result.latencies[kind]]
        if samples:
            lines.append(f"| {label} | {len(samples):,} | {percentile(samples, 50):,.0f} ms | "
                         f"{percentile(samples, 95):,.0f} ms | {max(samples):,.0f} ms |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=ROOT / "events.yaml")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    with serving([args.file], args.workers) as server:
        result = run(server.url, args.file, args.clients, args.requests)
    events = len(store.load([args.file]).dataset.events)
    print(table(result, args.workers, args.clients, events))
    for error in sorted(set(result.errors))[:20]:
        print(f"error: {error}", file=sys.stderr)
    sys.exit(1 if result.errors else 0)


if __name__ == "__main__":
    main()

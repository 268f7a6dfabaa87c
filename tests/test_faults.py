"""Bad moments while serving: a file half-saved, cut short, deleted, swapped for a folder or a pipe,
garbled; a worker killed mid-request; an add killed mid-write or out of disk. The server keeps
serving the last good data with the errors on show, recovers when the file is good again, and
nothing is lost.

"Unreadable" is tested as a named pipe, a folder and invalid bytes: the tests run as root, for whom
``chmod 000`` changes nothing (a server running as its own user reports it as "permission denied",
read by the same code path as the other errors).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from timeline import edit, store

from .fixtures import EXPLORER, FAULTS, FIXTURE, restore, retitled
from .helpers import every_server, get, health, load, until

EVERY = {"sputnik-1", "vanguard-tv3", "dongfanghong-1", "zarya", "crewed-cn-2030"}


# --- the real server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[load.Server, Path, dict]]:
    """One gunicorn server (two workers) on a file the tests break and mend."""
    path = tmp_path_factory.mktemp("served") / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    with load.serving([path], 2) as running:
        deps = json.loads(get(running.url + "/_dash-dependencies")[2])
        yield running, path, load.find_callback(deps, load.CHART_OUTPUT)


def layout_text(url: str) -> str:
    """A page's layout as text (Dash escapes '/' in its JSON)."""
    return json.dumps(json.loads(get(url + "/_dash-layout")[2]), ensure_ascii=False)


def chart(url: str, dep: dict, search: str = "") -> dict:
    body = json.dumps(load.chart_body(dep, search)).encode()
    request = urllib.request.Request(url + "/_dash-update-component", data=body,
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def serving_text(running: load.Server, path: Path, text: str) -> None:
    """Write ``text`` to ``path`` and wait until every worker serves it."""
    restore(path, text)
    every_server(running, store.load([path]).version, "ok")


@pytest.mark.parametrize("fault", FAULTS)
def test_the_server_serves_the_last_good_data_with_the_errors_and_recovers(served, fault):
    running, path, dep = served
    serving_text(running, path, retitled(f"Zarya before {fault}"))
    breaks, says = FAULTS[fault]
    breaks(path)
    stale = until(lambda: (h := health(running.url))["status"] == "stale" and h, timeout=20,
                  message=lambda: f"/healthz to say stale: {health(running.url)}")  # fmt: skip
    every_server(running, stale["version"], "stale")
    assert stale["events"] == 5 and stale["errors"][0].startswith(f"{path}:") and says in stale["errors"][0]
    for _ in range(4):  # whichever worker answers
        page = layout_text(running.url)
        assert "showing the last good data" in page and stale["errors"][0] in page
        answer = chart(running.url, dep)
        assert load.plotted_ids(answer) == EVERY and f"Zarya before {fault}" in json.dumps(answer)
    serving_text(running, path, retitled(f"Zarya after {fault}"))
    assert f"Zarya after {fault}" in json.dumps(chart(running.url, dep))
    assert "last good data" not in layout_text(running.url)


def test_readers_never_see_a_file_an_editor_is_still_writing(served):
    """An editor saves in steps (truncate, then chunks) while readers load the chart."""
    running, path, dep = served
    versions = {title: retitled(title) for title in ("Zarya one", "Zarya two")}
    serving_text(running, path, versions["Zarya one"])
    seen: list[str] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            text = json.dumps(chart(running.url, dep))
            ids = load.plotted_ids(json.loads(text))
            seen.append(next((t for t in versions if t in text and ids == EVERY), f"wrong: {sorted(ids)}"))

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        for round_ in range(6):
            title = ("Zarya one", "Zarya two")[round_ % 2]
            raw = versions[title].encode()
            with path.open("r+b") as f:  # in place, as many editors save
                f.truncate(0)
                for at in range(0, len(raw), 97):  # chunks that end mid-line, mid-word
                    f.write(raw[at : at + 97])
                    f.flush()
                    time.sleep(0.02)  # a slow disk or a network share: far less than live.SETTLE_S
            version = store.load([path]).version
            until(lambda: health(running.url)["version"] == version, timeout=20, message="the new version")
            until(lambda: seen[-6:].count(title) == 6, timeout=20, message=f"readers to see {title}")
    finally:
        done.set()
        for thread in readers:
            thread.join()
    assert set(seen) == set(versions)  # only ever a whole version: never a partial file


def test_a_killed_worker_is_replaced_and_the_next_request_succeeds(served):
    running, path, dep = served
    serving_text(running, path, FIXTURE)
    workers = running.children()
    assert len(workers) == 2
    done = threading.Event()

    def busy() -> None:  # keep the workers mid-request
        while not done.is_set():
            with contextlib.suppress(OSError):
                chart(running.url, dep)

    threads = [threading.Thread(target=busy) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        os.kill(workers[0], signal.SIGKILL)
        until(lambda: len(running.children()) == 2 and workers[0] not in running.children(), timeout=30,
              message="the master to start a new worker")  # fmt: skip
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert load.plotted_ids(chart(running.url, dep)) == EVERY
    assert health(running.url)["status"] == "ok"
    assert f"Worker (pid:{workers[0]}) was sent SIGKILL" in running.log()


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "timeline", *args], capture_output=True, text=True, timeout=120,
                          **kwargs)  # fmt: skip


def test_an_add_killed_mid_write_changes_nothing_served_and_the_next_add_shows(served):
    running, path, dep = served
    serving_text(running, path, FIXTURE)
    before = health(running.url)
    crashed = cli("add", "-f", str(path), *EXPLORER, env={**os.environ, edit.FAULT_ENV: "crash"})
    assert crashed.returncode == edit.CRASH_EXIT
    assert path.read_text(encoding="utf-8") == FIXTURE
    after = health(running.url)
    assert (after["status"], after["version"], after["events"]) == ("ok", before["version"], 5)
    assert load.plotted_ids(chart(running.url, dep)) == EVERY
    assert cli("add", "-f", str(path), *EXPLORER).returncode == 0
    assert every_server(running, store.load([path]).version, "ok")["events"] == 6  # the added event
    assert load.plotted_ids(chart(running.url, dep)) == EVERY | {"explorer-1"}


# --- a full disk ---------------------------------------------------------------------------------


@contextlib.contextmanager
def full_disk(folder: Path, keep: Path) -> Iterator[dict]:
    """``folder`` on a tiny file system holding ``keep`` and filled up, so the next write fails.

    A 64 KiB tmpfs where mounting is allowed (ENOSPC, as on a full disk); elsewhere a file-size
    limit on the child process at ``keep``'s size (EFBIG): either way the kernel refuses the write.
    Yields the keyword arguments that run the writing command under it.
    """
    text = keep.read_bytes()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0  # fmt: skip
    try:
        (folder / keep.name).write_bytes(text)
        if not mounted:
            def limit() -> None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (len(text), len(text)))

            yield {"preexec_fn": limit}
            return
        with (folder / "filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
            while True:
                filler.write(b"x" * 4096)
        with pytest.raises(OSError) as full:
            (folder / "probe").write_bytes(b"x" * 4096)
        assert full.value.errno == errno.ENOSPC
        (folder / "probe").unlink()
        yield {}
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_refuses_the_add_and_the_file_is_whole(tmp_path):
    source = tmp_path / "source.yaml"
    source.write_text(FIXTURE, encoding="utf-8")
    disk = tmp_path / "disk"
    disk.mkdir()
    with full_disk(disk, source) as how:
        path = disk / "source.yaml"
        refused = cli("add", "-f", str(path), *EXPLORER, **how)
        assert refused.returncode == 1, refused.stderr
        assert refused.stderr.startswith(f"Error: {path}: cannot write: ")
        assert refused.stderr.endswith("; the file is unchanged\n")
        assert path.read_text(encoding="utf-8") == FIXTURE
        assert sorted(p.name for p in disk.iterdir() if p.name.startswith(".source")) == []  # no half file left
        (disk / "filler").unlink(missing_ok=True)
        if not how:  # room again: the same add goes through
            assert cli("add", "-f", str(path), *EXPLORER).returncode == 0
            assert "explorer-1" in {e.id for e in store.load([path]).dataset.events}

"""The data a running app serves, reloaded when its files change (hot reload).

Each request asks ``LiveData.current()``: a ``stat`` of every file (cheap) decides whether to read
them again with ``store.load``. A bad edit keeps the last good dataset and carries the errors, so
the page can say what is wrong while it keeps working; fixing the file clears them. The cache is
per process and guarded by a lock, so several threads or worker processes can each hold one.

Files are edited under a running server, so a read must never adopt a half-written file. While good
data is on show, a file changed less than ``settle_s`` ago is not read yet (an editor may be between
its truncate and its last write), and a read during which a file changed is thrown away. Only
regular files and folders are read: opening a named pipe would block the server.

A server process also ``watch``es the files between requests, so that every process (each gunicorn
worker holds its own cache) has read the latest good data before a file breaks, and all of them
show the same data, and the same errors, while it is broken.

Files of ``apart_bytes`` or more are read in a child process (``reader.Apart``), which hands back
the verdict and, for good files, the finished table: the server never holds a read beside the data
it serves. While the child reads, other requests go on with the data on show (one reader waits
for the read). A good read is then taken in place of the data on show, which is let go first
(requests wait on the lock while the new data comes in), so the server holds one copy of the data
and, for a moment, a second at most. A bad read keeps the data on show, with its errors. If the
child cannot run, the files are read here, as smaller files always are (readers wait for those).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, ContextManager, Hashable, Sequence, TypeVar

import pandas as pd

from . import frame, reader, store
from .models import Dataset
from .problems import UsageProblem

SETTLE_S = 0.5  # what the app waits after a change; writers finish within milliseconds
WATCH_S = 1.0  # how often a server process checks the files between requests
APART_BYTES = 4_000_000  # files of this size or more are read in a child process (some 3,500 events)
APART_ENV = "TIMELINE_READ_APART_BYTES"  # another size, for tests and tuning ("0": every read)

T = TypeVar("T")
MEMO_SIZE = 64  # drawings kept per snapshot ...
MEMO_COST = 400_000  # ... and their points at most: some 100 MB of plotly JSON as Python objects


class Memo:
    """The latest results of expensive, pure drawings, by key (thread-safe): readers who ask for the
    same view share one drawing, and a drawing being made is waited for, not made again. At most
    ``size`` results and ``budget`` of their ``cost`` are kept, the least recently used go first."""

    def __init__(self, size: int = MEMO_SIZE, budget: int = MEMO_COST) -> None:
        self.size, self.budget = size, budget
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._making: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Any | None:
        """The result kept for ``key``, or None; makes nothing."""
        with self._lock:
            kept = self._items.get(key)
        return kept[0] if kept else None

    def get(self, key: Hashable, make: Callable[[], T], cost: Callable[[T], int] = lambda _: 1) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
            making = self._making.get(key)
            mine = making is None
            if mine:
                making = self._making[key] = threading.Event()
        if not mine:  # another thread is drawing it: wait, then take its drawing
            making.wait()
            kept = self.peek(key)
            return kept if kept is not None else make()  # it failed, or was dropped at once: draw it here
        try:
            value = make()
            self._keep(key, value, cost(value))
            return value
        finally:
            with self._lock:
                del self._making[key]
            making.set()

    def _keep(self, key: Hashable, value: Any, cost: int) -> None:
        with self._lock:
            self._items[key] = (value, cost)
            total = sum(c for _, c in self._items.values())
            while len(self._items) > 1 and (len(self._items) > self.size or total > self.budget):
                _, (_, gone) = self._items.popitem(last=False)
                total -= gone


@dataclass(frozen=True)
class Snapshot:
    """What to show: the last good data (if any) and the problems of the latest read.

    ``df`` holds every event, one row each (``frame.to_frame``); ``dataset`` holds the registries
    and, of the events, only those that reach a milestone (the race view reads them as models).
    Holding 100,000 events once, as rows, rather than also as pydantic models (4 KB and more each)
    is what keeps a server of that many under 1 GB; ``LiveData`` reads them so (``store.load`` with
    ``rows``), and ``snapshot`` makes one of a whole dataset.
    """

    dataset: Dataset | None
    df: pd.DataFrame | None
    errors: tuple[store.Problem, ...]
    version: str  # changes whenever the files' content changes, good or bad

    @property
    def ok(self) -> bool:
        return self.dataset is not None

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Each event id's row in ``df``."""
        return {} if self.df is None else {event_id: n for n, event_id in enumerate(self.df["id"])}

    @cached_property
    def memo(self) -> Memo:
        """Drawings of this data (``drawing.chart``); a new snapshot starts with none."""
        return Memo()

    @cached_property
    def pages(self) -> Memo:
        """Page layouts of this data, by URL and look (``app.share_pages``)."""
        return Memo()

    def has(self, event_id: str) -> bool:
        """Whether an event of this id is on show."""
        return event_id in self.row_of

    def event(self, event_id: str) -> dict[str, Any]:
        """One event's row of ``df`` (its columns by name); ``KeyError`` if there is none."""
        return self.df.iloc[self.row_of[event_id]].to_dict()


def snapshot(dataset: Dataset, version: str, errors: tuple[store.Problem, ...] = ()) -> Snapshot:
    """The snapshot of a valid dataset: its table, and the models only the race view needs."""
    df = frame.to_frame(dataset)
    lean = dataset.model_copy(update={"events": [e for e in dataset.events if e.milestone]})
    return Snapshot(lean, df, errors, version)


def apart_bytes_from_env() -> int:
    """``APART_BYTES``, or the size ``TIMELINE_READ_APART_BYTES`` sets (a whole number of bytes)."""
    raw = os.environ.get(APART_ENV, "").strip()
    if not raw:
        return APART_BYTES
    if not raw.isdigit():
        raise UsageProblem(f"{APART_ENV}={raw!r}: expected a whole number of bytes (0: read every file apart)")
    return int(raw)


class LiveData:
    """The dataset of ``paths``, read again whenever a file's mtime or size changes."""

    def __init__(self, paths: Sequence[str | os.PathLike], *, settle_s: float = 0.0,
                 apart_bytes: int | None = None) -> None:  # fmt: skip
        self.paths = tuple(Path(p) for p in paths)
        self.settle_ns = int(settle_s * 1e9)
        self.apart_bytes = apart_bytes_from_env() if apart_bytes is None else apart_bytes
        self._lock = threading.Lock()
        self._reading_apart = threading.Lock()  # one read apart at a time, outside ``_lock``
        self._signature: tuple | None = None
        self._snapshot = Snapshot(None, None, (), "")

    def current(self) -> Snapshot:
        """The data to show. A changed file is read first, and readers wait for it; but a big file
        (read apart) while good data is on show is read by one reader while the others go on with
        the data on show, and wait only while the new data is taken in."""
        signature = self._stat()
        with self._lock:
            if signature == self._signature or (self._snapshot.ok and not self._settled(signature)):
                return self._snapshot
            if not (self._snapshot.ok and self._apart(signature) and not self._special(signature)):
                self._reload(signature)
                return self._snapshot
        if not self._reading_apart.acquire(blocking=False):  # another reader is reading it
            return self._snapshot
        try:
            if self._stat() == signature and signature != self._signature:
                self._read_apart(signature, self._lock)  # the lock only to take in what the child says
        finally:
            self._reading_apart.release()
        return self._snapshot

    def watch(self, interval_s: float = WATCH_S) -> threading.Thread:
        """Check the files every ``interval_s`` from a daemon thread (start it in each process)."""

        def loop() -> None:
            while True:
                try:
                    self.current()
                except Exception:  # pragma: no cover - a bug: say so and keep watching
                    logging.getLogger(__name__).exception("checking %s failed", ", ".join(map(str, self.paths)))
                time.sleep(interval_s)

        thread = threading.Thread(target=loop, name="timeline-watch", daemon=True)
        thread.start()
        return thread

    def _stat(self) -> tuple:
        out = []
        for path in self.paths:
            try:
                info = path.stat()
                out.append((info.st_mtime_ns, info.st_size, info.st_ino, stat.S_IFMT(info.st_mode)))
            except OSError as exc:
                out.append((type(exc).__name__,))
        return tuple(out)

    def _settled(self, signature: tuple) -> bool:
        """No file changed within ``settle_s`` of now (a far-future mtime counts as settled)."""
        now = time.time_ns()
        return all(len(s) == 1 or abs(now - s[0]) >= self.settle_ns for s in signature)

    def _apart(self, signature: tuple) -> bool:
        """Whether the files are big enough to be read in a child process."""
        return sum(s[1] for s in signature if len(s) > 1) >= self.apart_bytes

    def _special(self, signature: tuple) -> list[store.Problem]:
        """A problem for each path that is neither a regular file nor a folder (a pipe, a device)."""
        return [
            store.Problem(str(path), 1, 1, "not a regular file (a pipe or a device); expected a YAML file")
            for path, s in zip(self.paths, signature)
            if len(s) > 1 and not (stat.S_ISREG(s[3]) or stat.S_ISDIR(s[3]))
        ]  # fmt: skip

    def _reload(self, signature: tuple) -> None:
        """Read the files of ``signature`` and show what was read, or keep the data on show; with
        ``_lock`` held. (No reference to the data on show is held here: a read apart lets it go
        before its data comes.)"""
        special = self._special(signature)
        if special:
            version = hashlib.sha256(repr(signature).encode()).hexdigest()[:10]
            return self._adopt(self._with_errors(tuple(special), version), signature)
        if self._apart(signature):
            return self._read_apart(signature, contextlib.nullcontext())  # ``_lock`` is held already
        self._read_here(signature)

    def _read_apart(self, signature: tuple, locked: ContextManager) -> None:
        """Read the files in a child process, and in ``locked`` take in what it says; if it cannot
        read them, read them here (in ``locked`` too). Called with ``_lock`` held (``locked`` is then
        nothing), or with good data on show and ``_lock`` as ``locked``: requests then go on while
        the child reads and judges the files."""
        try:
            with reader.Apart(self.paths) as child:
                verdict = child.verdict()
                with locked:
                    return self._take_apart(child, verdict, signature)
        except reader.Failed as exc:
            logging.getLogger(__name__).warning("%s; reading the files in this process", exc)
        with locked:
            self._read_here(signature)

    def _take_apart(self, child: reader.Apart, verdict: reader.Read, signature: tuple) -> None:
        """Show a child's verdict: its errors beside the data on show, or its data (``_lock`` held)."""
        if verdict.errors:  # the data on show stays, with the errors
            child.close()  # it has said all it will: it has exited before its verdict shows
            return self._adopt(self._with_errors(verdict.errors, verdict.version), signature)
        if self._stat() != signature and self._snapshot.ok:
            return  # a writer touched the files while they were read: keep what is on show
        # Good: let the data on show go before the new data comes, so that the two are never
        # held at once but by a request already drawing (new requests wait on the lock).
        self._snapshot = Snapshot(None, None, (), "")
        reader.give_back_memory()  # what it held, wherever it was made
        got = child.data()
        child.close()  # it has exited before its data shows: a reader seeing the new data sees no child
        self._adopt(Snapshot(got.dataset, got.df, (), got.version), signature)

    def _read_here(self, signature: tuple) -> None:
        got = reader.read(self.paths)
        good = Snapshot(got.dataset, got.df, (), got.version) if not got.errors else None
        self._adopt(good or self._with_errors(got.errors, got.version), signature)

    def _with_errors(self, errors: tuple[store.Problem, ...], version: str) -> Snapshot:
        """The data on show (if any) with the errors of a read that failed."""
        return Snapshot(self._snapshot.dataset, self._snapshot.df, errors, version)

    def _adopt(self, read: Snapshot, signature: tuple) -> None:
        if self._stat() == signature:  # no writer touched the files while they were read
            self._signature, self._snapshot = signature, read
        elif not self._snapshot.ok:  # nothing good to keep: show it, read again next time
            self._snapshot = read

"""The data a running app serves, reloaded when its files change (hot reload).

Each request asks ``LiveData.current()``: a ``stat`` of every file (cheap) decides whether to read
them again with ``store.load``. A bad edit keeps the last good dataset and carries the errors, so
the page can say what is wrong while it keeps working; fixing the file clears them. The cache is
per process and guarded by a lock, so several threads or worker processes can each hold one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from . import frame, store
from .models import Dataset


@dataclass(frozen=True)
class Snapshot:
    """What to show: the last good data (if any) and the problems of the latest read."""

    dataset: Dataset | None
    df: pd.DataFrame | None
    errors: tuple[store.Problem, ...]
    version: str  # changes whenever the files' content changes, good or bad

    @property
    def ok(self) -> bool:
        return self.dataset is not None


class LiveData:
    """The dataset of ``paths``, read again whenever a file's mtime or size changes."""

    def __init__(self, paths: Sequence[str | os.PathLike]) -> None:
        self.paths = tuple(Path(p) for p in paths)
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._snapshot = Snapshot(None, None, (), "")

    def current(self) -> Snapshot:
        signature = self._stat()
        with self._lock:
            if signature != self._signature:
                self._signature = signature
                self._snapshot = self._read(self._snapshot)
            return self._snapshot

    def _stat(self) -> tuple:
        out = []
        for path in self.paths:
            try:
                info = path.stat()
                out.append((info.st_mtime_ns, info.st_size, info.st_ino))
            except OSError as exc:
                out.append((type(exc).__name__,))
        return tuple(out)

    def _read(self, last: Snapshot) -> Snapshot:
        loaded = store.load(self.paths)
        if loaded.ok:
            return Snapshot(loaded.dataset, frame.to_frame(loaded.dataset), (), loaded.version)
        return Snapshot(last.dataset, last.df, loaded.errors, loaded.version)

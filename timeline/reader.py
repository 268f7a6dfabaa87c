"""Read events files into what the app serves, here or in a child process (``Apart``).

A read takes several times the memory of what it makes: the file's bytes (kept to place problems),
the parsed chunks, the models of the events that reach a milestone, the rows and then the table.
A server that reads a changed file in its own process holds all that beside the data it is
serving, and keeps much of it once freed, scattered among objects that live on. ``Apart`` reads
in a new Python process (``python -c``, the stdlib's ``subprocess``: no fork of a threaded server,
no helper process left behind) and streams back, as pickles on the child's stdout, the verdict
(errors and version) and then, for good files only, the table and the lean dataset. The server
then never holds a read, only the data it serves and the next.

The child ends with its reader: it watches its stdin, a pipe only its reader holds, and exits when
that closes (the reader is done with it, has stopped, or was killed).
"""

from __future__ import annotations

import ctypes
import json
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Self

import pandas as pd

from . import frame, store
from .models import Dataset
from .problems import Problem

# The child sees the modules its reader sees (multiprocessing's spawn does the same), then reads.
_CHILD = "import json, sys; sys.path[:] = json.loads(sys.argv[1]); from timeline.reader import main; main(sys.argv[2:])"


@dataclass(frozen=True)
class Read:
    """What a read gives the app: the table of every event and the dataset of the registries and
    the race's events (``store.load`` with ``rows``), or the errors; ``version`` either way."""

    dataset: Dataset | None
    df: pd.DataFrame | None
    errors: tuple[Problem, ...]
    version: str


def read(paths: Sequence[str | os.PathLike]) -> Read:
    """Read ``paths`` in this process."""
    loaded = store.load(paths, rows=frame.row)  # no event read stays a model but the race's
    if loaded.ok:
        return Read(loaded.dataset, frame.table(loaded.rows, loaded.dataset), (), loaded.version)
    return Read(None, None, loaded.errors, loaded.version)


def give_back_memory() -> None:
    """Return the pages of freed memory to the system (glibc's ``malloc_trim``; elsewhere, nothing).

    Python hands texts longer than 512 bytes to the C allocator, which keeps freed ones for reuse by
    the thread that made them (its arena): data read by one thread and let go for data read by
    another would stay resident beside it.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


try:
    _malloc_trim = ctypes.CDLL(None).malloc_trim  # glibc's; musl and macOS have none
except (OSError, AttributeError, TypeError):  # pragma: no cover - not glibc (Windows: no CDLL(None))
    _malloc_trim = None


class Failed(Exception):
    """The child could not be started, or ended before it said all it had to say."""


class Apart:
    """``read(paths)`` in a child process, as a context manager that always ends the child::

        with Apart(paths) as child:
            verdict = child.verdict()  # errors and version, no data: as soon as the child has read
            if not verdict.errors:
                got = child.data()  # the table and dataset, streamed in

    ``Failed`` if the child cannot start or breaks off; what it did say still stands.
    """

    def __init__(self, paths: Sequence[str | os.PathLike]) -> None:
        command = [sys.executable, "-c", _CHILD, json.dumps(sys.path), *map(str, paths)]
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          start_new_session=True)  # fmt: skip  # Ctrl+C is the server's to handle
        except (OSError, ValueError) as exc:  # no interpreter to run (an embedded Python), no fork left
            raise Failed(f"cannot start a reading process: {exc}") from exc
        self._verdict: Read | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pid(self) -> int:
        return self._proc.pid

    def verdict(self) -> Read:
        errors, version = self._receive("its verdict")
        self._verdict = Read(None, None, errors, version)
        return self._verdict

    def data(self) -> Read:
        """The good data the verdict announced."""
        assert self._verdict is not None and not self._verdict.errors, "data() follows a good verdict"
        dataset, df = self._receive("its data")
        return Read(dataset, df, (), self._verdict.version)

    def close(self) -> None:
        """End the child (it exits when its stdin closes) and wait for it: no process is left."""
        proc = self._proc
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - it exits on EOF; never wait forever
            proc.kill()
            proc.wait()

    def _receive(self, what: str):
        try:
            return pickle.load(self._proc.stdout)
        except Exception as exc:  # ended early (EOFError), or wrote something else: never raise it on
            try:
                code = self._proc.wait(timeout=5) if isinstance(exc, EOFError) else self._proc.poll()
            except subprocess.TimeoutExpired:  # its stdout closed, the process lives on
                code = None
            ended = f"ended with exit code {code}" if code is not None else "broke off"
            raise Failed(f"the reading process {ended} before sending {what} ({type(exc).__name__})") from exc


def main(argv: Sequence[str]) -> None:
    """The child: read the files named in ``argv``, write the verdict, then the data if it is good."""
    out: BinaryIO = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever else is printed goes to the server's log, not into the pickles
    threading.Thread(target=_end_with_reader, daemon=True).start()
    got = read([Path(p) for p in argv])
    give_back_memory()  # what the read let go, while its reader takes the data
    pickle.dump((got.errors, got.version), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()
    if not got.errors:
        pickle.dump((got.dataset, got.df), out, protocol=pickle.HIGHEST_PROTOCOL)  # written frame by frame
        out.flush()


def _end_with_reader() -> None:
    """Exit at once when stdin closes: the reader has what it wanted, gave up, or is gone."""
    while os.read(0, 4096):  # the raw descriptor: a thread blocked in sys.stdin would stall the exit
        pass
    os._exit(0)

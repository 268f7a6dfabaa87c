"""``store.load`` on any bytes: a dataset, or clean located errors; never an exception or a hang.

Hypothesis throws arbitrary bytes, arbitrary text and mutations of a valid file at the loader (the
mutations reach the validation and error-placing code that random bytes never get past the parser
to). ``bench/fuzz_yaml.py`` runs the same check coverage-guided with atheris, for longer.
"""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import store

from .fixtures import FIXTURE

HANG_S = 20  # far beyond any honest input of this size: the careful parser takes ~1 ms per event

# Bits of YAML syntax and semantics a mutation splices in: anchors, aliases, tags, flow and block
# indicators, documents, directives, merge keys, odd line breaks and scalars that resolve to types.
TOKENS = (
    "&a ", "*a", "!!python/object/apply:os.system ['true']", "!!binary aGk=", "!!str ", "!custom ", "? ",
    "- ", ": ", "{", "}", "[", "]", ",", "#", "|", ">-", "'", '"', "\t", "\n", "\r\n", "---\n", "...\n",
    "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "<<: *a\n", "\ufeff", "\x85", "\u2028", "~", "null", "yes", "NO",
    "1957-13-45", "2024-02-30", "1e400", "0x1F", ".inf", "   ", "\\", "\x00", "\x1b", "\ud7ff", "😀",
    "sources: []\n", "countries: [XX]\n", "end: 1900\n", "id: Sputnik 1\n",
)  # fmt: skip


class Hang(Exception):
    pass


@contextlib.contextmanager
def no_hang(seconds: int = HANG_S) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM), so the suite ends whatever the input does."""

    def fire(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean(path: Path, raw: bytes, loaded: store.Loaded) -> None:
    """A dataset and no errors, or errors, each ``FILE:LINE:COL: message`` on one line, in the file."""
    assert loaded.ok == (loaded.dataset is not None)
    if loaded.ok:
        return
    assert loaded.errors
    lines = raw.decode("utf-8", "replace").splitlines()  # every break YAML knows (\r, \x85, \u2028) and more
    end_line = len(lines) + 1  # libyaml puts "unexpected end" just past a last line without a newline
    for problem in loaded.errors:
        assert problem.path == str(path)
        assert 1 <= problem.line <= end_line and problem.col >= 1, str(problem)
        assert problem.message.strip() and "\n" not in str(problem) and "\r" not in str(problem), repr(str(problem))
        assert "Traceback" not in problem.message


@st.composite
def mutated(draw) -> bytes:
    """The valid fixture with a few splices: tokens inserted, ranges deleted or repeated."""
    text = FIXTURE
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(("insert", "delete", "repeat")))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=6)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 60)) :]
        else:
            piece = text[at : at + draw(st.integers(1, 120))]
            text = text[:at] + piece * draw(st.integers(2, 6)) + text[at + len(piece) :]
    return text.encode()


@pytest.fixture(scope="module")
def path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "events.yaml"


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(mutated(), st.binary(max_size=1500), st.text(max_size=1500).map(str.encode)))
def test_any_bytes_load_into_a_dataset_or_located_errors(path, raw):
    path.write_bytes(raw)
    with no_hang():
        loaded = store.load([path])
    assert_clean(path, raw, loaded)


def test_the_fixture_itself_loads(path):
    path.write_text(FIXTURE, encoding="utf-8")
    assert store.load([path]).ok  # the mutations start from a valid file

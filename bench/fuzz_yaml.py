"""Coverage-guided fuzzing of the events loader with atheris (libFuzzer for Python), time-bounded.

    .venv/bin/pip install -e '.[fuzz]'            # atheris, from PyPI
    .venv/bin/python bench/fuzz_yaml.py -max_total_time=60 -timeout=20

Every input is written to a file and read with ``store.load``; it must end in a dataset or in
clean, located errors (``tests/test_fuzz.py``'s ``assert_clean``). An exception is a crash and
an input that takes longer than ``-timeout`` seconds a hang: libFuzzer stops, prints the input
and saves it as ``crash-*`` or ``timeout-*`` (replay: ``bench/fuzz_yaml.py crash-...``). With no
corpus folder given, one is seeded with ``events.yaml`` and the tests' fixture files. Other
options are libFuzzer's (``-help=1``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports():
    from timeline import store, yamlsource  # noqa: F401  (instrumented: coverage guides the fuzzer)

from tests.fixtures import FIXTURE  # noqa: E402
from tests.test_fuzz import assert_clean  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="timeline-fuzz-"))
TARGET = WORK / "events.yaml"


def one_input(data: bytes) -> None:
    TARGET.write_bytes(data)
    assert_clean(TARGET, data, store.load([TARGET]))


def seeded_corpus() -> Path:
    corpus = WORK / "corpus"
    corpus.mkdir()
    (corpus / "events.yaml").write_bytes((ROOT / "events.yaml").read_bytes())
    (corpus / "fixture.yaml").write_text(FIXTURE, encoding="utf-8")
    return corpus


def main() -> None:
    args = sys.argv
    if not any(not a.startswith("-") for a in args[1:]):  # no corpus folder or input file given
        args = [*args, str(seeded_corpus())]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

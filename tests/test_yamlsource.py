"""The two YAML paths: the careful one (positions, safety) and the fast one must agree."""

from __future__ import annotations

import math

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.yamlsource import fast_load, parse

from .test_validate import CASES, GOOD


def agree(text: str) -> None:
    """Where both paths read a document, they read the same data.

    The fast path may read a few odd flow-style documents that libyaml (YAML 1.1) refuses but
    YAML 1.2 allows (`{n?ame: x}`); it must never read a document differently.
    """
    fast = fast_load(text)
    careful = parse(text)
    if fast is not None and not careful.problems:
        assert careful.data == fast, text


def test_yaml_12_core_scalars():
    data = parse("a: NO\nb: yes\nc: 1957-10-04\nd: true\ne: ~\nf: 0x1F\ng: 1957\nh: '1957'\ni: .inf\n").data
    assert data == {"a": "NO", "b": "yes", "c": "1957-10-04", "d": True, "e": None, "f": 31, "g": 1957,
                    "h": "1957", "i": math.inf}  # fmt: skip


def test_positions_of_keys_and_values():
    positions = parse(GOOD).positions
    assert positions.values[("events", 0, "date")] == (9, 11)
    assert positions.keys[("events", 0, "date")] == (9, 5)
    assert positions.locate(("events", 0, "nope", 3)) == (7, 5, ("events", 0))


def test_the_fast_path_takes_plain_files_and_declines_hard_cases():
    assert fast_load(GOOD) == parse(GOOD).data
    for hard in ("a: &x [1]\nb: *x\n", "a: !!str 1\n", "a: !include x\n", "a: 1\na: 2\n", "a: \x07\n",
                 "a:\n\t- b\n", "--- 1\n--- 2\n", "- a\n", "", "a: [1\n"):  # fmt: skip
        assert fast_load(hard) is None, hard


def test_every_broken_case_agrees():
    for text, *_ in CASES.values():
        agree(text)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["NO", "yes", "on", "~", "null", "1957-10-04", "0x1F", "0o17", "1_000", "+1", ".inf",
                     "True", "FALSE", "0123", "12:30", "#x", "a: b", "- x", "'q'", '"d"', "!x", "&a", "*a"]),
)  # fmt: skip
documents = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.recursive(scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                 max_leaves=20),
    max_size=6,
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.booleans(), st.booleans())
def test_dumped_documents_agree(data, flow, unicode):
    agree(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(GOOD)), st.text(alphabet=" \t\n:-[]{},#&*!|>'\"?%@`0aZ\\", min_size=1, max_size=4))
def test_mutated_files_agree(at, junk):
    agree(GOOD[:at] + junk + GOOD[at:])

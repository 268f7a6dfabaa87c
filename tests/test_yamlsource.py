"""The two YAML paths: the careful one (positions, safety) and the fast one must agree."""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import yamlsource
from timeline.yamlsource import NotFast, fast_load, fast_split, parse

from .fixtures import CASES, GOOD


def agree(text: str) -> None:
    """Where both paths read a document, they read the same data.

    The fast path may read a few odd flow-style documents that libyaml (YAML 1.1) refuses but
    YAML 1.2 allows (`{n?ame: x}`); it must never read a document differently.
    """
    fast = fast_load(text)
    careful = parse(text)
    if fast is not None and not careful.problems:
        assert careful.data == fast, text
    split = fast_split(text)
    if split is not None and not careful.problems:
        try:
            events = [item for chunk in split.chunks() for item in chunk]
        except NotFast:
            return
        assert careful.data == {**split.head, "events": events}, text


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


def events_file(items: list[str], indent: str = "  ", tail: str = "") -> str:
    return "countries: {SU: {name: USSR}}\nevents:\n" + "".join(f"{indent}- {item}\n" for item in items) + tail


def read_split(text: str) -> dict:
    split = fast_split(text)
    assert split is not None, text
    return {**split.head, "events": [item for chunk in split.chunks() for item in chunk]}


def test_a_long_events_list_is_read_in_chunks_that_add_up_to_the_whole(monkeypatch):
    monkeypatch.setattr(yamlsource, "CHUNK", 3)
    items = [f"{{id: e{n}, n: {n}}}" for n in range(10)]
    for indent in ("", "  ", "    "):
        text = events_file(items, indent, tail="types: {x: {label: X}}  # after the list\n")
        split = fast_split(text)
        assert split.count == 10 and [len(c) for c in split.chunks()] == [3, 3, 3, 1]
        assert read_split(text) == parse(text).data


def test_a_split_moved_onto_the_files_utf8_bytes_reads_the_same_events_from_the_same_places(monkeypatch):
    monkeypatch.setattr(yamlsource, "CHUNK", 2)
    items = [f"{{id: e{n}, title: '\u00e9\u4e2d\U0001f680 {n}'}}" for n in range(5)]
    text = events_file(items, tail="types: {x: {label: '\u03a9'}}\n")
    encoded = text.encode("utf-8")
    split = fast_split(text)
    moved = split.in_utf8(encoded)
    assert list(moved.chunks()) == list(split.chunks()) and moved.head == split.head
    assert [encoded[at:].decode("utf-8") for at in moved.starts] == [text[at:] for at in split.starts]
    assert encoded[moved.stop:].decode("utf-8") == text[split.stop:] == "types: {x: {label: '\u03a9'}}\n"


def test_chunks_keep_comments_block_scalars_and_nested_lists_whole(monkeypatch):
    monkeypatch.setattr(yamlsource, "CHUNK", 1)
    text = (
        "events:\n"
        "# a comment at the margin\n"
        "  - id: a\n    description: |\n      - not an item\n\n      still the description\n"
        "    tags:\n    - x\n    - y\n"
        "  -\n    id: b\n"
        "\n  - id: c\r\n"
        "countries: {}\n"
    )  # fmt: skip
    assert read_split(text) == parse(text).data
    assert fast_split(text).count == 3


def test_a_cut_inside_a_quoted_scalar_is_caught_and_sent_the_careful_way(monkeypatch):
    monkeypatch.setattr(yamlsource, "CHUNK", 1)
    text = 'events:\n- id: a\n  title: "two\n- lines"\n- id: b\n'
    split = fast_split(text)
    if split is not None:  # the quoted line looks like an item: reading the chunks must refuse
        with pytest.raises(NotFast):
            list(split.chunks())
    assert parse(text).data == {"events": [{"id": "a", "title": "two - lines"}, {"id": "b"}]}
    agree(text)


def test_files_without_a_top_level_block_list_of_events_are_not_split():
    for text in ("events: []\n", "events: [{id: a}]\n", "a: 1\n", "x:\n  events:\n  - 1\n",
                 "events:\n- a\nevents:\n- b\n", "events:\n- &x a\n- *x\n"):  # fmt: skip
        assert fast_split(text) is None, text

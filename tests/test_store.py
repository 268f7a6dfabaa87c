"""store: files to one validated Dataset, or every problem located as FILE:LINE:COL, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import store
from timeline.problems import Problem

from .conftest import EVENTS
from .fixtures import GOOD

EVENT = "  - {{id: {id}, title: {title}, date: {date}, countries: [{country}], type: satellite, " \
        "description: x, sources: [{{url: 'https://example.org/x', title: X}}]}}\n"  # fmt: skip


def more_events(*events: dict[str, str], countries: str = "  CN: {name: China}\n") -> str:
    """A second file: its own registry entries and events that lean on the first file's."""
    return "countries:\n" + countries + "types: {}\nevents:\n" + "".join(EVENT.format(**e) for e in events)


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


def errors(*paths) -> list[str]:
    return [str(p) for p in store.load(paths).errors]


def test_a_valid_file_loads_into_a_dataset(good):
    loaded = store.load([good])
    assert loaded.ok and loaded.errors == () and loaded.warnings == ()
    assert [e.id for e in loaded.dataset.events] == ["sputnik-1"]
    assert list(loaded.dataset.countries) == ["SU", "US"]
    assert len(loaded.version) == 10


def test_files_merge_into_one_dataset_and_the_first_files_registry_entry_wins(good, tmp_path):
    second = tmp_path / "more.yaml"
    second.write_text(more_events({"id": "dfh-1", "title": "DFH 1", "date": "1970-04-24", "country": "CN"},
                                  {"id": "explorer-1", "title": "Explorer 1", "date": "1958-02", "country": "US"},
                                  countries="  CN: {name: China}\n  SU: {name: USSR}\n"))  # fmt: skip
    loaded = store.load([good, second])
    assert loaded.ok, loaded.errors
    assert [e.id for e in loaded.dataset.events] == ["sputnik-1", "dfh-1", "explorer-1"]  # file order
    assert list(loaded.dataset.countries) == ["SU", "US", "CN"]
    assert loaded.dataset.countries["SU"].name == "Soviet Union"
    assert loaded.version != store.load([good]).version


def test_problems_across_files_are_located_in_the_file_at_fault(good, tmp_path):
    second = tmp_path / "more.yaml"
    second.write_text(more_events({"id": "sputnik-1", "title": "Again", "date": "1958", "country": "CN"},
                                  {"id": "dfh-1", "title": "DFH 1", "date": "1970", "country": "XX"}))  # fmt: skip
    loaded = store.load([good, second])
    assert not loaded.ok and loaded.dataset is None
    assert [str(p) for p in loaded.errors] == [
        f"{second}:5:10: events[0].id: duplicate id 'sputnik-1' (first at {good}:7)",
        f"{second}:6:55: events[1].countries[0]: unknown country 'XX' (known: SU, US, CN)",
    ]


def test_a_registry_entry_of_a_later_file_is_placed_in_that_file(good, tmp_path):
    """A warning about a type the second file defines points at that file's line, not the first's."""
    good.write_text(GOOD.replace("{label: Satellite}", "{label: Satellite, symbol: circle}"), encoding="utf-8")
    second = tmp_path / "more.yaml"
    second.write_text("countries: {}\ntypes:\n  probe: {label: Probe, symbol: circle}\nevents: []\n")
    loaded = store.load([good, second])
    assert loaded.ok, loaded.errors
    assert [str(p) for p in loaded.warnings] == [(
        f"{second}:3:33: warning: types.probe.symbol: type 'probe' reuses symbol 'circle' of type 'satellite': "
        "the charts cannot tell them apart; choose another"
    )]


def test_an_invalid_registry_entry_is_one_error_not_one_per_event_naming_it(good, tmp_path):
    second = tmp_path / "more.yaml"
    second.write_text("countries:\n  CN: {name: China, color: red}\ntypes:\n  probe: {label: Probe, symbol: blob}\nevents:\n"
                      + EVENT.format(id="dfh-1", title="DFH 1", date="1970-04-24", country="CN").replace("satellite", "probe")
                      + EVENT.format(id="dfh-2", title="DFH 2", date="1970-05-24", country="CN").replace("satellite", "probe"))
    found = errors(good, second)
    assert len(found) == 2, found
    assert found[0].startswith(f"{second}:2:28: countries.CN.color: ")
    assert found[1].startswith(f"{second}:4:33: types.probe.symbol: expected one of 'circle'")
    assert not any("unknown" in e for e in found)


def test_an_invalid_registry_key_in_one_file_hides_no_problem_of_another(good, tmp_path):
    """A key that is itself invalid names nothing: it is left out of the merge (a stand-in for it
    made the merged checks fail on the key and skip every reference and duplicate check)."""
    second = tmp_path / "more.yaml"
    second.write_text(more_events({"id": "sputnik-1", "title": "Again", "date": "1958", "country": "XX"}))
    third = tmp_path / "keys.yaml"
    third.write_text("countries: {}\ntypes:\n  Bad Key: {label: Probe}\nevents: []\n")
    found = errors(good, second, third)
    assert any(e.startswith(f"{second}:5:10: events[0].id: duplicate id 'sputnik-1'") for e in found), found
    assert any(e.startswith(f"{second}:5:59: events[0].countries[0]: unknown country 'XX'") for e in found), found
    assert [e for e in found if e.startswith(str(third))] == [e for e in found if "Bad Key" in e]
    assert len([e for e in found if "Bad Key" in e]) == 1, found


def test_problems_are_sorted_by_file_line_and_column(good, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("1957-10-04", "1957-13-45").replace("[SU]", "[CNN]"), encoding="utf-8")
    found = store.load([bad, good]).errors
    assert list(found) == sorted(found)
    assert [(p.path, p.line, p.col) for p in found] == [(str(bad), 9, 11), (str(bad), 10, 17), (str(good), 7, 9)]
    assert found[2].message == f"events[0].id: duplicate id 'sputnik-1' (first at {bad}:7)"
    assert all(isinstance(p, Problem) and p.severity == "error" for p in found)


@pytest.mark.parametrize("content, where, message", [
    (b"", "1:1", "the file is empty; expected a mapping with 'countries', 'types' and 'events'"),
    (b"- a\n- b\n", "1:1", "expected a mapping with 'countries', 'types' and 'events' at the top, got a list"),
    (b"countries: {}\ntypes: {}\nevents:\n  - id: x\n", "4:5", "events[0]: missing required field 'title'"),
    (b"countries:\n  S\x00U: x\n", "2:4", "binary data (a NUL byte), expected a UTF-8 YAML text file"),
    (b"countries:\n  SU: {name: Sovi\xe9t}\n", "2:18",
     "not UTF-8 text: byte 0xe9 cannot be decoded; save the file as UTF-8"),
])  # fmt: skip
def test_unusable_files_are_located_errors_not_exceptions(tmp_path, content, where, message):
    path = tmp_path / "events.yaml"
    path.write_bytes(content)
    assert errors(path) == [f"{path}:{where}: {message}"]


def test_missing_files_and_folders_are_located_errors(tmp_path):
    assert errors(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}:1:1: no such file"]
    assert errors(tmp_path) == [f"{tmp_path}:1:1: is a directory, expected a YAML file"]


def test_doubtful_data_is_a_warning_and_still_loads(tmp_path):
    path = tmp_path / "events.yaml"
    text = GOOD.replace("types:", "milestones:\n  first-satellite: {label: First satellite, order: 1, definition: x.}\ntypes:")
    text = text.replace("    description: First satellite.\n", "    milestone: first-satellite\n    description: First satellite.\n")
    text += ("  - {id: sputnik-2, title: Sputnik 2, date: 1957-11-03, countries: [SU], type: satellite, "
             "milestone: first-satellite, description: x, sources: [{url: 'https://example.org/2', title: t}]}\n")  # fmt: skip
    path.write_text(text, encoding="utf-8")
    loaded = store.load([path])
    assert loaded.ok and [w.severity for w in loaded.warnings] == ["warning"]
    assert [str(w) for w in loaded.warnings] == [
        f"{path}:19:102: warning: events[1].milestone: SU already reached milestone 'first-satellite' "
        "with 'sputnik-1'; the race view uses the earlier one"
    ]


def test_check_gives_the_verdict_and_counts_without_the_data(good, tmp_path):
    report = store.check([good], use_cache=False)
    assert report.ok and report.counts == {"events": 1, "countries": 2, "types": 1}
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("[SU]", "[CNN]"), encoding="utf-8")
    report = store.check([bad], use_cache=False)
    assert not report.ok and report.counts == {}
    assert [str(p) for p in report.errors] == [
        f"{bad}:10:17: events[0].countries[0]: unknown country 'CNN' (known: SU, US)"
    ]


def test_default_paths_are_the_given_files_else_the_local_file_else_the_bundled_one(tmp_path, monkeypatch):
    assert store.default_paths(["a.yaml", tmp_path]) == [Path("a.yaml"), tmp_path]
    monkeypatch.chdir(tmp_path)
    assert store.default_paths() == [store.bundled_path()]
    (tmp_path / "events.yaml").write_text(GOOD)
    assert store.default_paths() == [Path("events.yaml")]


def test_an_events_field_is_placed_from_its_own_lines_exactly_where_the_careful_read_places_it():
    from timeline.yamlsource import fast_split, parse

    raw = EVENTS.read_bytes()
    text = raw.decode("utf-8")
    split = fast_split(text)
    assert split is not None and split.count == len(split.starts) > 250
    light = store._File("events.yaml", raw, None, [], {}, split=split.in_utf8(raw))
    careful = parse(text).positions
    fields = ("id", "title", "date", "end", "countries", "type", "status", "first", "milestone", "description",
              "sources", "mentioned_in", "tags")  # fmt: skip
    checked = 0
    for i in range(split.count):
        for name in fields:
            path = ("events", i, name)
            if path not in careful.values:
                continue
            for key in (False, True):
                assert light._event_field(path, key) == careful.locate(path, key=key), (path, key)
            checked += 1
    assert checked > 2500 and light.known_positions is None  # found without reading the file carefully


def test_warnings_about_many_events_are_placed_without_a_careful_read(tmp_path, monkeypatch):
    from timeline import yamlsource

    lines = ["countries:\n  US: {name: United States}\ntypes:\n  launch: {label: Launch}\nevents:\n"]
    for i in range(50):
        lines.append(f"  - id: p{i}\n    title: P{i}\n    date: 1990-01-{1 + i % 28:02d}\n    countries: [US]\n"
                     f"    type: launch\n    status: planned\n    description: D.\n"
                     f"    sources: [{{url: 'https://e.org/{i}', title: S}}]\n")  # fmt: skip
    path = tmp_path / "planned.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    careful_reads = []
    real = yamlsource.parse
    monkeypatch.setattr(store, "parse", lambda text: careful_reads.append(1) or real(text))
    report = store.load([path])
    assert report.ok and len(report.warnings) == 50 and careful_reads == []
    assert [(w.line, w.col) for w in report.warnings[:2]] == [(8, 11), (16, 11)]


def test_warnings_after_wide_characters_and_a_byte_order_mark_are_placed_as_the_careful_read_places_them(
    tmp_path, monkeypatch
):
    from timeline import yamlsource

    text = "countries:\n  US: {name: United States \U0001f680}\ntypes:\n  launch: {label: Launch}\nevents:\n"
    for i in range(3):
        text += (f"  - id: p{i}\n    title: P{i} \u2014 \u4e2d\u6587 \U0001f680\n    date: 1990-01-0{i + 1}\n"
                 f"    countries: [US]\n    type: launch\n    status: planned\n    description: \u00dcn\u00efcode {i}.\n"
                 f"    sources: [{{url: 'https://e.org/{i}', title: S}}]\n")  # fmt: skip
    path = tmp_path / "planned.yaml"
    path.write_text("\ufeff" + text, encoding="utf-8")
    careful = yamlsource.parse(text).positions
    careful_reads = []
    real = yamlsource.parse
    monkeypatch.setattr(store, "parse", lambda text: careful_reads.append(1) or real(text))
    report = store.load([path])
    assert report.ok and careful_reads == []
    assert [(w.line, w.col) for w in report.warnings] == [careful.locate(("events", i, "date"))[:2] for i in range(3)]


@pytest.mark.parametrize("way", ["in chunks", "in one piece", "carefully"])
def test_events_read_as_rows_give_the_whole_loads_table_problems_and_race_events(tmp_path, monkeypatch, way):
    import pandas as pd

    from timeline import frame

    if way != "in chunks":
        monkeypatch.setattr(store, "fast_split", lambda text: None)
    if way == "carefully":
        monkeypatch.setattr(store, "fast_load", lambda text: None)
    second = tmp_path / "more.yaml"  # leans on the curated registries; its second event reaches a milestone again
    second.write_text(more_events({"id": "dfh-1", "title": "DFH 1", "date": "1970-04-24", "country": "CN"},
                                  {"id": "zond-x", "title": "Zond X", "date": "1975", "country": "SU"},
                                  countries="  XX: {name: Nowhere}\n").replace(
        "type: satellite,", "type: satellite, milestone: first-satellite,", 2))  # fmt: skip
    whole = store.load([EVENTS, second])
    read = store.load([EVENTS, second], rows=frame.row)
    assert whole.ok and whole.warnings and read.ok
    assert (read.errors, read.warnings, read.version) == (whole.errors, whole.warnings, whole.version)
    pd.testing.assert_frame_equal(frame.table(read.rows, read.dataset), frame.to_frame(whole.dataset))
    race = [e for e in whole.dataset.events if e.milestone]
    assert read.dataset == whole.dataset.model_copy(update={"events": race})

    second.write_text(second.read_text().replace("[CN]", "[CNN]"))
    broken, broken_read = store.load([EVENTS, second]), store.load([EVENTS, second], rows=frame.row)
    assert broken.errors and (broken_read.errors, broken_read.dataset, broken_read.rows) == (broken.errors, None, None)


def test_validate_counts_every_event_without_keeping_them(tmp_path):
    report = store.check([EVENTS], use_cache=False)
    assert report.ok and report.counts["events"] == len(store.load([EVENTS]).dataset.events) > 250

"""`timeline add` and ``edit.add_event``: surgical, validated, atomic and locked writes."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pexpect
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from timeline import edit, store, yamlsource
from timeline.cli import main

from .fixtures import EXPLORER

# A hand-edited file with everything an add must not disturb: comments at several depths, blank
# lines, quoting styles, a folded block scalar whose text holds a '#', block and flow mappings.
FIXTURE = textwrap.dedent("""\
    # yaml-language-server: $schema=./events.schema.json
    # A small hand-edited file: comments, blank lines and quoting must survive an add.

    countries:
      SU: {name: Soviet Union}   # lane colour by default
      US: {name: "United States", color: "#0072B2"}
      NO: {name: Norway}
    types:
      satellite: {label: Satellite}
      crewed-flight:
        label: Crewed flight
        symbol: star

    events:
      # --- 1950s ---
      - id: sputnik-1
        title: 'Sputnik 1'
        date: 1957-10-04
        countries: [SU]
        type: satellite
        description: >
          The first artificial satellite.
          # not a comment: part of the folded text
        sources:
          - {url: "https://nssdc.gsfc.nasa.gov/nmc/spacecraft/display.action?id=1957-001B", title: NSSDC}
        # a note about sputnik-1

      # --- 1960s ---
      - id: vostok-1
        title: Vostok 1
        date: 1961-04-12
        countries: [SU]
        type: crewed-flight
        description: Yuri Gagarin orbited the Earth once.
        sources:
          - {url: "https://en.wikipedia.org/wiki/Vostok_1", title: Vostok 1 - Wikipedia}

      - id: apollo-11
        title: Apollo 11
        date: 1969-07-20
        countries: [US]
        type: crewed-flight
        description: The first crewed landing on the Moon.
        sources:
          - {url: "https://en.wikipedia.org/wiki/Apollo_11", title: Apollo 11 - Wikipedia}
    # end of events
""")

@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE)
    return path


def add(runner, path: Path, *args: str):
    return runner.invoke(main, ["add", "-f", str(path), *args])


def only_added(before: str, after: Path) -> list[str]:
    """The lines ``git diff`` shows between the texts; fails if any line was removed or changed."""
    old = after.with_name("before.yaml")
    old.write_text(before)
    diff = subprocess.run(["git", "diff", "--no-index", "--no-color", "-U0", str(old), str(after)],
                          capture_output=True, text=True).stdout  # fmt: skip
    body = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert all(line.startswith("+") for line in body), diff
    return [line[1:] for line in body]


def test_add_puts_the_event_in_date_order_and_changes_nothing_else(runner, events):
    result = add(runner, events, *EXPLORER, "--description", "The first US satellite; it found the Van Allen belts.")
    assert result.exit_code == 0, result.output
    assert result.output == f"{events}:28: added explorer-1 (Explorer 1, 1 Feb 1958)\n"
    expected = FIXTURE.replace("    # a note about sputnik-1\n", """\
    # a note about sputnik-1

  - id: explorer-1
    title: Explorer 1
    date: 1958-02-01
    countries: [US]
    type: satellite
    description: The first US satellite; it found the Van Allen belts.
    sources:
      - {url: "https://en.wikipedia.org/wiki/Explorer_1", title: Explorer 1 - en.wikipedia.org}
""")
    assert events.read_text() == expected
    assert sorted(only_added(FIXTURE, events)) == sorted(expected.splitlines()[26:35])
    assert store.load([events]).ok


def test_the_latest_event_goes_after_the_last_one_before_trailing_comments(runner, events):
    result = add(runner, events, "--title", "Chang'e-7 launch", "--date", "2026-08", "--country", "SU",
                 "--type", "satellite", "--status", "planned", "--source", "https://example.org/a#b",
                 "--source-title", "NO", "--tag", "yes", "--tag", "1957", "--description", "Goal: the pole #2")  # fmt: skip
    assert result.exit_code == 0, result.output
    added = only_added(FIXTURE, events)
    assert added == [
        "",
        "  - id: change-7-launch",
        "    title: Chang'e-7 launch",
        "    date: 2026-08",
        "    countries: [SU]",
        "    type: satellite",
        "    status: planned",
        '    description: "Goal: the pole #2"',
        "    sources:",
        '      - {url: "https://example.org/a#b", title: "NO"}',
        '    tags: ["yes", "1957"]',
    ]
    assert events.read_text().endswith('"1957"]\n# end of events\n')


def test_every_option_lands_in_its_field(runner, events):
    registries = "milestones:\n  first-satellite: {label: First satellite, order: 1, definition: A first satellite reaches orbit.}\narticles:\n  mao: {title: An article}\n"
    events.write_text(FIXTURE + registries)
    result = add(runner, events, "--id", "iss-zarya", "--title", "Zarya", "--date", "1998-11-20", "--end", "2030",
                 "--country", "SU", "--country", "US", "--type", "satellite", "--status", "achieved", "--first",
                 "--milestone", "first-satellite", "--description", "The first ISS module.",
                 "--source", "https://example.org/1", "--source-title", "One", "--source", "https://example.org/2",
                 "--tag", "iss", "--tag", "station", "--mentioned-in", "mao")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert only_added(FIXTURE + registries, events) == [
        "",
        "  - id: iss-zarya",
        "    title: Zarya",
        "    date: 1998-11-20",
        "    end: 2030",
        "    countries: [SU, US]",
        "    type: satellite",
        "    first: true",
        "    milestone: first-satellite",
        "    description: The first ISS module.",
        "    sources:",
        '      - {url: "https://example.org/1", title: One}',
        '      - {url: "https://example.org/2", title: Zarya - example.org}',
        "    mentioned_in: [mao]",
        "    tags: [iss, station]",
    ]


def test_the_earliest_event_goes_first_after_the_comments_above_it(runner, events):
    result = add(runner, events, *EXPLORER[:2], "--date", "1950", *EXPLORER[4:])
    assert result.exit_code == 0, result.output
    text = events.read_text()
    assert "  # --- 1950s ---\n  - id: explorer-1\n" in text
    assert "Explorer 1 - en.wikipedia.org}\n\n  - id: sputnik-1\n" in text
    only_added(FIXTURE, events)


def test_new_registry_entries_go_after_the_last_entry_in_the_same_write(runner, events):
    result = add(runner, events, "--title", "Kwangmyongsong-3 Unit 2", "--date", "2012-12-12", "--country", "KP",
                 "--type", "launch", "--source", "https://en.wikipedia.org/wiki/Kwangmy%C5%8Fngs%C5%8Fng-3_Unit_2",
                 "--new-country", 'KP="North Korea"', "--new-type", "launch=Orbital launch")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = events.read_text()
    assert "  NO: {name: Norway}\n  KP: {name: North Korea}\n" in text
    assert "    symbol: star\n  launch: {label: Orbital launch}\n\nevents:" in text
    assert len(only_added(FIXTURE, events)) == 2 + 1 + 8  # registry lines, separator, event
    assert store.load([events]).ok


def test_an_unknown_code_is_refused_with_the_nearest_code_and_the_option_to_add_it(runner, events):
    result = add(runner, events, *EXPLORER[:5], "USA", "--type", "satelite", *EXPLORER[8:])
    assert result.exit_code == 1
    assert f"{events}: countries[0]: unknown country 'USA' (did you mean 'US'?); to add it: --new-country USA=" in result.output
    assert "type: unknown type 'satelite' (did you mean 'satellite'?)" in result.output
    assert events.read_text() == FIXTURE


def test_a_taken_id_is_refused_with_a_free_one_and_other_problems_at_once(runner, events):
    result = add(runner, events, "--title", "Sputnik 1", "--date", "1957-10-32", "--country", "SU",
                 "--type", "satellite", "--source", "https://example.org/")  # fmt: skip
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{events}: id: 'sputnik-1' is already used by the event at line 16; choose another, e.g. 'sputnik-1-2'"
    assert lines[1] == f"{events}: date: impossible date '1957-10-32': Oct 1957 has days 01 to 31"
    assert events.read_text() == FIXTURE
    assert sorted(p.name for p in events.parent.iterdir()) == ["events.yaml"]  # no temp, no lock left


def test_an_invalid_file_is_not_added_to_and_its_problems_keep_their_lines(runner, events):
    broken = FIXTURE.replace("date: 1969-07-20", "date: 1969-07-32")
    events.write_text(broken)
    result = add(runner, events, *EXPLORER)
    assert result.exit_code == 1
    assert f"{events}:40:11: events[2].date: impossible date '1969-07-32': Jul 1969 has days 01 to 31\n" in result.output
    assert events.read_text() == broken


def test_missing_fields_without_a_terminal_exit_2_naming_them(runner, events):
    result = add(runner, events, "--date", "1958")
    assert result.exit_code == 2
    assert "missing --title, --country, --type, --source (no terminal to ask for them)" in result.output
    assert events.read_text() == FIXTURE


def test_a_missing_file_is_a_located_error(runner, tmp_path):
    result = add(runner, tmp_path / "nope.yaml", *EXPLORER)
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'}:1:1: no such file" in result.output


def test_add_event_is_the_library_call_a_form_makes(events):
    fields = {"title": "Explorer 1", "date": "1958-02-01", "countries": ["US"], "type": "satellite",
              "description": "The first US satellite.",
              "sources": [{"url": "https://en.wikipedia.org/wiki/Explorer_1", "title": "Explorer 1"}]}  # fmt: skip
    added = edit.add_event(events, fields)
    assert (added.event.id, added.line, str(added.event.date)) == ("explorer-1", 28, "1958-02-01")
    with pytest.raises(edit.DataError) as caught:
        edit.add_event(events, {**fields, "countries": ["USA"], "date": "Feb 1958"})
    assert caught.value.fields == {
        "id": ["id: 'explorer-1' is already used by the event at line 28; choose another, e.g. 'explorer-1-2'"],
        "date": ["date: expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got 'Feb 1958'"],
        "countries": ["countries[0]: unknown country 'USA' (did you mean 'US'?)"],
    }


def test_check_field_checks_one_answer_against_the_registries(events):
    dataset = store.load([events]).dataset
    assert str(edit.check_field("date", "1958-02", dataset)) == "1958-02"
    assert edit.check_field("countries", ["XX"], dataset, new_countries=["XX"]) == ["XX"]
    for name, value, message in [
        ("countries", ["USA"], "unknown country 'USA' (did you mean 'US'?)"),
        ("type", "sat", "unknown type 'sat'"),
        ("url", "www.nasa.gov", "expected an http:// or https:// URL"),
        ("id", "sputnik-1", "'sputnik-1' is already used; choose another, e.g. 'sputnik-1-2'"),
        ("date", "1958-02-30", "Feb 1958 has days 01 to 28"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            edit.check_field(name, value, dataset)


def test_an_empty_list_and_a_missing_list_take_the_first_event(events):
    head = FIXTURE.split("events:")[0]
    fields = {"title": "Explorer 1", "date": "1958", "countries": "US", "type": "satellite",
              "description": "x", "sources": {"url": "https://example.org", "title": "x"}}  # fmt: skip
    for tail in ("events: []\n", "events:\n", ""):
        events.write_text(head + tail)
        edit.add_event(events, fields)
        assert events.read_text().startswith(head)
        assert "\nevents:\n  - id: explorer-1\n    title: Explorer 1\n    date: 1958\n" in events.read_text()


def test_windows_line_endings_are_kept(runner, events):
    crlf = FIXTURE.replace("\n", "\r\n")
    events.write_bytes(crlf.encode())
    assert add(runner, events, *EXPLORER).exit_code == 0
    raw = events.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") == crlf.count("\n") + 9
    assert store.load([events]).ok


def test_permissions_are_kept(runner, events):
    events.chmod(0o640)
    assert add(runner, events, *EXPLORER).exit_code == 0
    assert events.stat().st_mode & 0o777 == 0o640


def test_a_full_disk_is_a_clean_error_and_the_file_is_intact(runner, events, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(edit.os, "fsync", full)
    result = add(runner, events, *EXPLORER)
    assert result.exit_code == 1
    assert f"Error: {events}: cannot write: no space left on the device; the file is unchanged" in result.output
    assert events.read_text() == FIXTURE
    assert sorted(p.name for p in events.parent.iterdir()) == ["events.yaml"]


def cli(*args: str, env=None, **kw) -> subprocess.Popen:
    """The real command in its own process."""
    return subprocess.Popen([sys.executable, "-m", "timeline", *args], env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)  # fmt: skip


def test_a_crash_before_the_rename_leaves_the_original_whole(events):
    crashed = cli("add", "-f", str(events), *EXPLORER, env={edit.FAULT_ENV: "crash"})
    assert crashed.wait() == edit.CRASH_EXIT
    assert events.read_text() == FIXTURE
    orphans = list(events.parent.glob(".events.yaml.*.tmp"))
    assert len(orphans) == 1 and "explorer-1" in orphans[0].read_text()  # the new file was complete
    again = cli("add", "-f", str(events), *EXPLORER)
    assert again.wait() == 0, again.stderr.read()
    assert not list(events.parent.glob(".events.yaml.*")), "the next write clears what a crash left"
    assert "- id: explorer-1" in events.read_text()


def test_eight_concurrent_adds_all_land(events):
    procs = [cli("add", "-f", str(events), "--title", f"Satellite {n}", "--date", f"19{60 + n}",
                 "--country", "US", "--type", "satellite", "--source", f"https://example.org/{n}")
             for n in range(8)]  # fmt: skip
    for proc in procs:
        assert proc.wait() == 0, proc.stderr.read()
    loaded = store.load([events])
    assert loaded.ok, loaded.errors
    ids = [e.id for e in loaded.dataset.events]
    assert sorted(i for i in ids if i.startswith("satellite-")) == [f"satellite-{n}" for n in range(8)]
    assert ids.index("satellite-0") > ids.index("sputnik-1") and ids.index("satellite-7") < ids.index("apollo-11")
    only_added(FIXTURE, events)


def test_interactive_add_asks_checks_each_answer_and_confirms(events):
    child = pexpect.spawn(sys.executable, ["-m", "timeline", "add", "-f", str(events)], encoding="utf-8", timeout=30)
    for prompt, answers, complaint in [
        ("Title: ", ["Explorer 1"], None),
        (r"Date \(UTC: YYYY, YYYY-MM or YYYY-MM-DD\): ", ["1958-13", "1958-02-01"], "month must be 01 to 12"),
        (r"Countries \(SU, US, NO\): ", ["ussr", "us"], r"unknown country 'USSR'"),
        (r"Type \(satellite, crewed-flight\): ", ["satelite", "satellite"], r"did you mean 'satellite'\?"),
        ("Source URL: ", ["en.wikipedia.org/wiki/Explorer_1", "https://en.wikipedia.org/wiki/Explorer_1"],
         "expected an http:// or https:// URL"),
        (r"Description \(what happened, factual\) \[Explorer 1\]: ", ["The first US satellite."], None),
    ]:  # fmt: skip
        child.expect(prompt)
        for n, answer in enumerate(answers):
            if n:
                child.expect("Error: .*" + complaint)
                child.expect(prompt)
            child.sendline(answer)
    child.expect(r"To be added to .*events.yaml:")
    child.expect(r"- id: explorer-1\s+title: Explorer 1\s+date: 1958-02-01\s+countries: \[US\]")
    child.expect(r"Write it to .*\? \[Y/n\]: ")
    child.sendline("y")
    child.expect(r"events.yaml:28: added explorer-1 \(Explorer 1, 1 Feb 1958\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "    description: The first US satellite.\n" in events.read_text()
    only_added(FIXTURE, events)


def test_interactive_add_suggests_a_free_id_when_the_title_is_taken(events):
    child = pexpect.spawn(sys.executable, ["-m", "timeline", "add", "-f", str(events), *EXPLORER[2:]],
                          encoding="utf-8", timeout=30)  # fmt: skip
    child.expect("Title: ")
    child.sendline("Sputnik 1")
    child.expect(r"Id \(a slug; the title's is taken\) \[sputnik-1-2\]: ")
    child.sendline("")
    child.expect(r"Description .*: ")
    child.sendline("")
    child.expect(r"\[Y/n\]: ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1  # declined: nothing written
    assert events.read_text() == FIXTURE


@given(st.text(max_size=40))
def test_scalars_read_back_as_the_same_text_in_yaml_1_2_and_1_1(text):
    for flow in (False, True):
        rendered = edit.scalar(text, flow=flow)
        doc = f"k: [{rendered}]\n" if flow else f"k: {rendered}\n"
        parsed = yamlsource.parse(doc)
        assert not parsed.problems, (rendered, parsed.problems)
        assert parsed.data == {"k": [text] if flow else text}, rendered
        assert yaml.safe_load(doc) == {"k": [text] if flow else text}, rendered


@pytest.mark.parametrize("text, rendered", [
    ("Sputnik 1", "Sputnik 1"), ("NO", '"NO"'), ("yes", '"yes"'), ("1957", '"1957"'), ("1957-10-04", '"1957-10-04"'),
    ("Goal: Moon", '"Goal: Moon"'), ("#1", '"#1"'), ("a #b", '"a #b"'), ("Chang'e 4", "Chang'e 4"), ("", '""'),
    (" pad", '" pad"'), ('say "hi"', 'say "hi"'), ("tab\there", '"tab\\there"'), ("null", '"null"'), ("~", '"~"'),
])  # fmt: skip
def test_scalars_are_quoted_only_when_a_reader_would_misread_them(text, rendered):
    assert edit.scalar(text) == rendered


def test_slugs_and_free_ids():
    assert edit.slugify("Chang'e-7 launch") == "change-7-launch"
    assert edit.slugify("Tiangong — Tianhe core module (天和)") == "tiangong-tianhe-core-module"
    assert len(edit.slugify("word " * 40)) <= 80
    assert edit.free_id("change-7-launch", {"change-7-launch", "change-7-launch-2"}) == "change-7-launch-3"
    assert len(edit.free_id("a" * 80, {"a" * 80})) == 80


def test_an_event_with_no_fields_is_refused_and_nothing_is_written(events):
    before = events.read_bytes()
    with pytest.raises(edit.DataError) as info:
        edit.add_event(events, {"title": "  "})
    assert {p.field for p in info.value.problems if isinstance(p, edit.FieldError)} >= {
        "title", "date", "countries", "type", "description", "sources"
    }
    assert events.read_bytes() == before


# --- dates that cannot be ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["achieved", "failed", "partial"])
def test_an_event_that_happened_cannot_be_added_with_a_future_date(runner, events, monkeypatch, status):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    before = events.read_bytes()
    result = add(runner, events, *EXPLORER, "--status", status)
    assert result.exit_code == 0, result.output  # 1958: fine
    events.write_bytes(before)
    args = [a if a != "1958-02-01" else "2918-10-11" for a in EXPLORER]
    result = add(runner, events, *args, "--status", status)
    assert result.exit_code == 1
    assert f"{events}: date: 2918-10-11 is in the future, but status is {status}\n" in result.output
    assert "Error: nothing written: 1 problem" in result.output
    assert events.read_bytes() == before


def test_a_plan_dated_before_today_is_added_with_a_warning(runner, events, monkeypatch):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    args = [a if a != "1958-02-01" else "2026-05" for a in EXPLORER]
    result = add(runner, events, *args, "--status", "planned")
    assert result.exit_code == 0, result.output
    line = next(n for n, text in enumerate(events.read_text().splitlines(), 1) if text.strip() == "date: 2026-05")
    assert re.search(rf"^{re.escape(str(events))}:{line}:11: warning: events\[\d+\]\.date: 2026-05 is in the past, "
                     "but status is still planned", result.output, re.M), result.output  # fmt: skip


def test_a_directory_to_add_to_is_bad_data_not_usage(runner, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    result = add(runner, folder, *EXPLORER)
    assert result.exit_code == 1
    assert result.output.startswith(f"{folder}:1:1: is a directory, expected a YAML file\n"), result.output


@pytest.mark.parametrize("name, value, message", [
    ("countries", ["us"], "countries[0]: expected an upper-case code such as 'CN', 'SU' or 'ESA', got text 'us'"),
    ("type", "Bad", "expected a lower-case slug such as 'sputnik-1' (a-z, 0-9, single hyphens), got text 'Bad'"),
    ("countries", [], "needs at least one item, got an empty list"),
    ("title", "t" * 201, "is too long: 201 characters, at most 200"),
])  # fmt: skip
def test_check_field_speaks_as_validate_does_not_as_pydantic(events, name, value, message):
    dataset = store.load([events]).dataset
    with pytest.raises(ValueError) as caught:
        edit.check_field(name, value, dataset)
    assert str(caught.value) == message


def test_registry_entries_are_planned_once_for_adds_and_imports():
    layout = edit.Layout(FIXTURE, "events.yaml")
    edits, problems = edit.plan_registries(layout, {
        "countries": {"SU": {"name": "Soviet Union"}, "CN": {"name": "China"}},
        "types": {"satellite": {"label": "Satellite"}, "probe": {"label": "Probe", "symbol": "diamond"}},
    })  # fmt: skip
    assert problems == []  # what the file has already, as wanted, is neither added nor a problem
    assert [e.lines for e in edits] == [("  CN: {name: China}",), ("  probe: {label: Probe, symbol: diamond}",)]
    assert [e.fields for e in edits] == [("new_countries",), ("new_types",)]


def test_a_registry_entry_the_file_has_under_another_name_is_a_problem_for_its_field():
    layout = edit.Layout(FIXTURE, "events.yaml")
    edits, problems = edit.plan_registries(layout, {"countries": {"SU": {"name": "USSR"}, "NO": {"name": "Norge"}}})
    assert edits == []
    assert [(p.field, p.message) for p in problems] == [
        ("new_countries", "new_countries: SU is already in the countries registry, as 'Soviet Union'"),
        ("new_countries", "new_countries: NO is already in the countries registry, as 'Norway'"),
    ]


def test_adding_a_country_the_file_names_otherwise_is_refused(runner, events):
    result = add(runner, events, *EXPLORER, "--new-country", 'US="USA"')
    assert result.exit_code == 1
    assert f"{events}: new_countries: US is already in the countries registry, as 'United States'" in result.output
    assert events.read_text() == FIXTURE

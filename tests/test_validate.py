"""`timeline validate` on a corpus of broken files: exit code, FILE:LINE:COL and message."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from timeline.cli import main

from .fixtures import CASES, GOOD, broken


def validate(runner, *paths):
    return runner.invoke(main, ["validate", *map(str, paths)])


def test_a_valid_file_passes_with_a_summary(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(GOOD)
    result = validate(runner, path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{path}: valid: 1 event, 2 countries, 1 type (version ")


@pytest.mark.parametrize("name", CASES)
def test_broken_file_reports_file_line_col_and_what(runner, tmp_path, name):
    text, line, col, message = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    result = validate(runner, path)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(l.startswith(f"{path}:{line}:{col}: ") and message in l for l in lines), result.output
    assert "Traceback" not in result.output


def test_python_tags_are_never_run(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "events.yaml"
    path.write_text(broken("title: Sputnik 1", "title: !!python/object/apply:os.system ['touch pwned']"))
    assert validate(runner, path).exit_code == 1
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "raw, line, col, message",
    [
        (GOOD.replace("First satellite.", "First satellite\xe9.").encode("latin-1"), 12, 33,
         "not UTF-8 text: byte 0xe9 cannot be decoded; save the file as UTF-8"),
        (b"countries:\n  \x00\x01\x02\xff\xfe garbage", 2, 3, "binary data (a NUL byte), expected a UTF-8 YAML text file"),
    ],
)  # fmt: skip
def test_bytes_that_are_not_utf8_text(runner, tmp_path, raw, line, col, message):
    path = tmp_path / "events.yaml"
    path.write_bytes(raw)
    result = validate(runner, path)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{path}:{line}:{col}: {message}"


def test_a_utf8_byte_order_mark_is_fine(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert validate(runner, path).exit_code == 0


def test_missing_file_and_directory(runner, tmp_path):
    result = validate(runner, tmp_path / "nope.yaml", tmp_path)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [f"{tmp_path}:1:1: is a directory, expected a YAML file",
                                              f"{tmp_path / 'nope.yaml'}:1:1: no such file"]  # fmt: skip


def test_every_problem_is_reported_in_one_run(runner, tmp_path):
    text = broken("1957-10-04", "1957-13-45").replace("[SU]", "[XX]").replace("type: satellite", "type: sat")
    path = tmp_path / "events.yaml"
    path.write_text(text + "  - id: sputnik-1\n    title: again\n")
    result = validate(runner, path)
    assert result.exit_code == 1
    assert [l.split(": ", 1)[0] for l in result.output.splitlines() if l.startswith(str(path))] == [
        f"{path}:9:11", f"{path}:10:17", f"{path}:11:11", f"{path}:16:5", f"{path}:16:9",
    ]  # fmt: skip
    assert "missing required field 'date'" in result.output
    assert "duplicate id 'sputnik-1' (first at" in result.output


def test_ids_are_unique_across_files_and_registries_are_shared(runner, tmp_path):
    first = tmp_path / "a.yaml"
    first.write_text(GOOD)
    second = tmp_path / "b.yaml"
    second.write_text("countries: {}\ntypes: {}\nevents:\n" + GOOD.split("events:\n", 1)[1])
    result = validate(runner, first, second)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{second}:4:9: events[0].id: duplicate id 'sputnik-1' (first at {first}:7)"
    second.write_text(second.read_text().replace("sputnik-1", "sputnik-1-again"))
    assert validate(runner, first, second).exit_code == 0


def test_bad_usage_exits_2(runner):
    result = runner.invoke(main, ["validate", "--nope"])
    assert result.exit_code == 2 and "No such option" in result.output


def _limit_memory():  # 1 GiB of address space: far less than expanding the bomb would need
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_alias_bomb_is_refused_quickly_in_bounded_memory(tmp_path):
    lines = ['lol: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "timeline", "validate", str(path)],
        capture_output=True, text=True, timeout=60, preexec_fn=_limit_memory,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "aliases repeat more than 10," in result.stdout
    assert "Traceback" not in result.stderr


def test_small_aliases_are_allowed(runner, tmp_path):
    path = tmp_path / "events.yaml"
    text = GOOD.replace("    sources:\n", "    sources: &nssdc\n") + GOOD.split("events:\n")[1].replace(
        "sputnik-1", "sputnik-2"
    ).split("    sources:")[0] + "    sources: *nssdc\n"
    path.write_text(text)
    result = validate(runner, path)
    assert result.exit_code == 0, result.output


def many_events(n: int, bad_date_at: int | None = None) -> str:
    """GOOD with ``n`` events; event ``bad_date_at`` (if any) has an impossible date."""
    head, item = GOOD.split("  - id: sputnik-1\n")
    items = []
    for i in range(n):
        one = "  - id: sputnik-1\n" + item
        one = one.replace("sputnik-1", f"sputnik-{i}").replace("1957-10-04", "1957-13-04" if i == bad_date_at else "1957-10-04")
        items.append(one)
    return head + "".join(items)


def test_a_long_file_read_a_chunk_at_a_time_loads_as_the_careful_path_does(tmp_path, monkeypatch):
    from timeline import store, yamlsource

    monkeypatch.setattr(yamlsource, "CHUNK", 4)
    path = tmp_path / "events.yaml"
    path.write_text(many_events(10))
    chunked = store.load([path])
    with monkeypatch.context() as careful:
        careful.setattr(store, "fast_split", lambda text: None)
        careful.setattr(store, "fast_load", lambda text: None)
        assert store.load([path]) == chunked
    assert chunked.ok and [e.id for e in chunked.dataset.events] == [f"sputnik-{i}" for i in range(10)]


def test_a_problem_in_a_later_chunk_is_placed_in_the_file(runner, tmp_path, monkeypatch):
    from timeline import yamlsource

    monkeypatch.setattr(yamlsource, "CHUNK", 4)
    path = tmp_path / "events.yaml"
    path.write_text(many_events(10, bad_date_at=9))
    result = validate(runner, "--no-cache", path)
    line = path.read_text().splitlines().index("    date: 1957-13-04") + 1
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:{line}:11: events[9].date:"), result.output


# --- dates that cannot be: the future for what happened, the past for plans ---------------------


def dated(date: str, status: str, end: str | None = None) -> str:
    extra = f"\n    status: {status}" + (f"\n    end: {end}" if end else "")
    return broken("type: satellite", "type: satellite" + extra).replace("1957-10-04", date)


@pytest.mark.parametrize("date, status", [
    ("2026-06-15", "achieved"), ("2026-06", "failed"), ("2026", "partial"),  # the period has begun
    ("2026-06-16", "planned"), ("2026-06-15", "planned"), ("2026-06", "planned"), ("2026", "planned"),
])  # fmt: skip
def test_today_and_periods_holding_today_are_fine_for_any_status(runner, tmp_path, monkeypatch, date, status):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    path = tmp_path / "events.yaml"
    path.write_text(dated(date, status))
    result = runner.invoke(main, ["validate", "--no-cache", str(path)])
    assert result.exit_code == 0 and "warning" not in result.output, result.output


@pytest.mark.parametrize("status", ["achieved", "failed", "partial"])
@pytest.mark.parametrize("date", ["2026-06-16", "2026-07", "2027"])
def test_an_event_that_happened_cannot_be_dated_after_today(runner, tmp_path, monkeypatch, status, date):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    path = tmp_path / "events.yaml"
    path.write_text(dated(date, status))
    result = runner.invoke(main, ["validate", "--no-cache", str(path)])
    assert result.exit_code == 1
    assert f"{path}:9:11: events[0].date: {date} is in the future, but status is {status}\n" in result.output


def test_an_end_after_today_is_fine(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    path = tmp_path / "events.yaml"
    path.write_text(dated("1998-11-20", "achieved", end="2030-12"))
    assert runner.invoke(main, ["validate", "--no-cache", str(path)]).exit_code == 0


@pytest.mark.parametrize("date", ["2026-06-14", "2026-05", "2025"])
def test_a_plan_dated_before_today_is_a_warning_asking_for_a_status_update(runner, tmp_path, monkeypatch, date):
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    path = tmp_path / "events.yaml"
    path.write_text(dated(date, "planned"))
    result = runner.invoke(main, ["validate", "--no-cache", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"{path}:9:11: warning: events[0].date: {date} is in the past, but status is still planned: "
        "update the status (achieved, failed or partial) or the date\n"
    ), result.output


def test_a_cached_verdict_does_not_outlive_the_day(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "events.yaml"
    path.write_text(dated("2026-06-15", "planned"))
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-15")
    assert "warning" not in runner.invoke(main, ["validate", str(path)]).output
    monkeypatch.setenv("TIMELINE_TODAY", "2026-06-16")
    assert f"{path}:9:11: warning: " in runner.invoke(main, ["validate", str(path)]).output


def test_the_bundled_events_validate_today_without_warnings(runner):
    from .conftest import EVENTS

    result = runner.invoke(main, ["validate", "--no-cache", str(EVENTS)])
    assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_an_unclosed_quote_is_placed_where_it_starts_not_where_the_parser_gave_up(runner, tmp_path):
    event = GOOD[GOOD.index("  - id: sputnik-1"):]
    many = GOOD + "".join(event.replace("sputnik-1", f"sputnik-{n}") for n in range(2, 40))
    lines = many.splitlines(keepends=True)
    n = [i for i, line in enumerate(lines) if line.startswith("    title: ")][6]  # the 7th event's title
    lines[n] = lines[n].replace("title: ", 'title: "', 1)
    path = tmp_path / "broken.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    result = validate(runner, path)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{path}:{n + 1}:12: unclosed quoted string starting here (the parser gave up at line {len(lines) + 1})")


def test_a_broken_block_names_its_start_then_where_the_parser_gave_up(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(broken("    type: satellite", "   type: satellite"))
    result = validate(runner, path)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"{path}:7:3: the list starting here is broken (the parser gave up at line 11: did not find expected '-' indicator)",
        f"{path}:11:4: YAML syntax error: did not find expected '-' indicator",
    ]

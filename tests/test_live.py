"""LiveData: the data a running app serves, read again when a file changes, never half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from timeline import live, reader, store
from timeline.live import LiveData

from .conftest import ROOT
from .fixtures import FAULTS, FIXTURE, restore, retitled
from .helpers import every_server, load, until


def test_a_snapshot_keeps_every_event_as_a_row_and_as_models_only_what_the_race_reads():
    dataset = store.load([store.bundled_path()]).dataset
    snapshot = live.snapshot(dataset, "v1")
    assert sorted(snapshot.df["id"]) == sorted(e.id for e in dataset.events)
    race_events = [e.id for e in dataset.events if e.milestone]
    assert 0 < len(race_events) < len(dataset.events)
    assert [e.id for e in snapshot.dataset.events] == race_events
    assert snapshot.dataset.countries == dataset.countries and snapshot.dataset.milestones == dataset.milestones
    assert snapshot.has("sputnik-1") and not snapshot.has("nope")
    assert snapshot.event("sputnik-1")["first"] is True


def test_live_data_reloads_on_change_keeps_the_last_good_data_and_recovers(fixture_events):
    live = LiveData([fixture_events])
    first = live.current()
    assert first.ok and not first.errors and len(first.df) == 5
    assert live.current() is first  # unchanged files are not read again
    fixture_events.write_text(FIXTURE.replace("date: 1970-04-24", "date: 1970-04-31"), encoding="utf-8")
    broken = live.current()
    assert broken.dataset is first.dataset and broken.version != first.version
    assert [str(p) for p in broken.errors] == [
        f"{fixture_events}:29:11: events[2].date: impossible date '1970-04-31': Apr 1970 has days 01 to 30"
    ]
    fixture_events.write_text(FIXTURE.replace("title: Zarya", "title: Zarya module"), encoding="utf-8")
    fixed = live.current()
    assert fixed.ok and not fixed.errors and "Zarya module" in set(fixed.df["title"])


def test_live_data_without_a_good_read_has_errors_and_no_dataset(tmp_path):
    snapshot = LiveData([tmp_path / "missing.yaml"]).current()
    assert not snapshot.ok and snapshot.df is None
    assert [str(p) for p in snapshot.errors] == [f"{tmp_path / 'missing.yaml'}:1:1: no such file"]


def test_a_file_that_turns_bad_keeps_the_last_good_data_until_it_is_good_again(fixture_events):
    data = LiveData([fixture_events])
    good = data.current()
    fixture_events.write_text("countries: [oops\n", encoding="utf-8")
    bad = data.current()
    assert bad.ok and bad.df is good.df and bad.dataset is good.dataset  # still serving the good data
    assert len(bad.errors) == 1 and str(bad.errors[0]).startswith(f"{fixture_events}:")
    assert str(bad.errors[0]).endswith(":1:12: unclosed '[' starting here (the parser gave up at line 2: "
                                       "did not find expected ',' or ']')")  # fmt: skip
    fixture_events.unlink()
    gone = data.current()
    assert gone.df is good.df and [str(p) for p in gone.errors] == [f"{fixture_events}:1:1: no such file"]
    fixture_events.write_text(FIXTURE, encoding="utf-8")
    back = data.current()
    assert back.ok and not back.errors and back.df is not good.df and list(back.df["id"]) == list(good.df["id"])


def test_several_files_are_served_as_one_dataset(fixture_events, tmp_path):
    more = tmp_path / "more.yaml"
    more.write_text(
        "countries: {}\ntypes: {}\nevents:\n"
        "  - {id: mir, title: Mir, date: 1986-02-20, countries: [SU], type: space-station,\n"
        "     description: Station., sources: [{url: 'https://example.org/mir', title: M}]}\n",
        encoding="utf-8",
    )
    snapshot = LiveData([fixture_events, more]).current()
    assert snapshot.ok and snapshot.has("mir") and snapshot.has("sputnik-1")
    assert snapshot.event("mir")["countries"] == ("SU",)  # the first file's registries serve the second


@pytest.mark.parametrize("fault", FAULTS)
def test_live_data_keeps_the_last_good_data_through_a_fault_and_recovers(tmp_path, fault):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    data = LiveData([path])
    good = data.current()
    breaks, says = FAULTS[fault]
    breaks(path)
    broken = data.current()
    assert broken.dataset is good.dataset and broken.df is good.df  # the same data, still served
    assert broken.errors and all(str(p).startswith(f"{path}:") for p in broken.errors)
    assert says in str(broken.errors[0])
    assert broken.version != good.version  # the page's poll notices and shows the banner
    restore(path, retitled("Zarya module"))
    fixed = data.current()
    assert fixed.ok and not fixed.errors and "Zarya module" in set(fixed.df["title"])


def test_a_file_written_moments_ago_is_read_once_it_settles(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    data = LiveData([path], settle_s=60)
    good = data.current()  # nothing on show yet: read at once
    partial = FIXTURE[: FIXTURE.index("  - id: zarya")]  # an editor between two writes: valid, 3 events
    path.write_text(partial, encoding="utf-8")
    assert data.current() is good  # changed within the settling time: not read yet
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 61 * 10**9))
    assert len(data.current().df) == 3  # left alone that long, it is what the file holds


def test_a_read_during_which_the_file_changed_is_thrown_away(tmp_path, monkeypatch):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    data = LiveData([path])
    good = data.current()
    real_load = store.load

    def load_then_write(paths, **options):  # a writer truncates the file just after it was read
        loaded = real_load(paths, **options)
        path.write_text("countries:\n", encoding="utf-8")
        return loaded

    path.write_text(retitled("Zarya module"), encoding="utf-8")
    monkeypatch.setattr(live.store, "load", load_then_write)
    assert data.current() is good  # what was read no longer matches the file: not adopted
    monkeypatch.setattr(live.store, "load", real_load)
    assert "missing required field 'types'" in str(data.current().errors[0])  # the file as it now is


def test_without_good_data_a_failed_read_is_shown_and_read_again(tmp_path):
    path = tmp_path / "events.yaml"
    os.mkfifo(path)
    data = LiveData([path], settle_s=60)
    assert not data.current().ok and "not a regular file" in str(data.current().errors[0])
    restore(path, FIXTURE)
    assert data.current().ok  # nothing good was on show, so no settling wait


# --- files read apart: in a child process (``reader.Apart``) ------------------------------------


def children(pid: int | str = "self") -> set[int]:
    """The processes ``pid`` started and has not yet waited for (a reading child left behind)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except OSError:  # a thread that ended meanwhile (a request's)
            pass
    return found


def test_read_apart_a_good_edit_is_served_a_bad_one_keeps_the_data_with_its_errors_and_no_child_is_left(
    fixture_events,
):
    before = children()
    data = LiveData([fixture_events], apart_bytes=0)  # every read in a child process
    first = data.current()
    assert first.ok and not first.errors and len(first.df) == 5 and data.current() is first
    here = LiveData([fixture_events]).current()
    assert first.df.equals(here.df) and first.dataset == here.dataset and first.version == here.version
    for bad in (FIXTURE.replace("date: 1970-04-24", "date: 1970-04-31"), "countries: [oops\n"):
        fixture_events.write_text(bad, encoding="utf-8")
        broken = data.current()
        assert broken.df is first.df and broken.dataset is first.dataset  # still serving the good data
        assert broken.errors == LiveData([fixture_events]).current().errors  # as a read here says
        assert broken.errors and broken.version == store.load([fixture_events]).version
    fixture_events.write_text(retitled("Zarya module"), encoding="utf-8")
    fixed = data.current()
    assert fixed.ok and not fixed.errors and "Zarya module" in set(fixed.df["title"])
    assert fixed.version == store.load([fixture_events]).version and len(fixed.df) == 5
    assert children() <= before


def test_while_a_big_file_is_read_apart_other_readers_go_on_with_the_data_on_show(fixture_events):
    data = LiveData([fixture_events], apart_bytes=0)  # every read in a child process: ~1 s to start
    first = data.current()
    fixture_events.write_text(retitled("Zarya module"), encoding="utf-8")
    reading = threading.Thread(target=data.current)  # this reader reads the edit, in a child
    reading.start()
    until(lambda: data._reading_apart.locked(), timeout=10, message="the read apart to start")
    started = time.monotonic()
    meanwhile = data.current()  # another reader: not held up by the read
    waited = time.monotonic() - started
    assert reading.is_alive() and meanwhile is first and waited < 0.5, waited
    reading.join(60)
    assert "Zarya module" in set(data.current().df["title"])


def test_a_bad_read_apart_size_in_the_environment_is_a_clear_usage_error(runner, fixture_events, monkeypatch):
    from timeline.cli import main

    monkeypatch.setenv(live.APART_ENV, "4MB")
    result = runner.invoke(main, ["serve", str(fixture_events), "--port", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip() == ("Error: TIMELINE_READ_APART_BYTES='4MB': expected a whole number of bytes "
                                     "(0: read every file apart)")  # fmt: skip
    monkeypatch.setenv(live.APART_ENV, " 0 ")
    assert LiveData([fixture_events]).apart_bytes == 0


@pytest.mark.parametrize("fault", ["deleted", "invalid bytes"])
def test_read_apart_a_fault_keeps_the_last_good_data_and_says_what_a_read_here_says(tmp_path, fault):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    data = LiveData([path], apart_bytes=0)
    good = data.current()
    breaks, says = FAULTS[fault]
    breaks(path)
    broken = data.current()
    assert broken.dataset is good.dataset and broken.df is good.df
    assert broken.errors == LiveData([path]).current().errors and says in str(broken.errors[0])
    restore(path, retitled("Zarya module"))
    assert "Zarya module" in set(data.current().df["title"])


def test_a_file_changed_while_it_was_read_apart_is_not_adopted_and_is_read_again(tmp_path, monkeypatch):
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    before = children()
    data = LiveData([path], apart_bytes=0)
    good = data.current()
    real_verdict = reader.Apart.verdict

    def verdict_then_write(child):  # a writer saves again just after the child read the file
        said = real_verdict(child)
        path.write_text(retitled("Zarya again"), encoding="utf-8")
        return said

    path.write_text(retitled("Zarya module"), encoding="utf-8")
    monkeypatch.setattr(reader.Apart, "verdict", verdict_then_write)
    assert data.current() is good  # what was read no longer matches the file: the data on show stays
    assert children() <= before  # the child, cut off while it sent its data, is gone
    monkeypatch.setattr(reader.Apart, "verdict", real_verdict)
    assert "Zarya again" in set(data.current().df["title"])


@pytest.mark.parametrize("breaks", ["cannot start", "ends at once", "breaks off its data"])
def test_when_the_child_cannot_read_the_files_are_read_here_with_a_warning(tmp_path, monkeypatch, caplog,
                                                                          breaks):  # fmt: skip
    path = tmp_path / "events.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    before = children()
    data = LiveData([path], apart_bytes=0)
    good = data.current()
    if breaks == "cannot start":
        monkeypatch.setattr(reader.sys, "executable", str(tmp_path / "no-python"))
    elif breaks == "ends at once":
        monkeypatch.setattr(reader, "_CHILD", "import sys; sys.exit(3)")
    else:  # after a good verdict, when the data on show was let go

        def broken_off(child):
            raise reader.Failed("the reading process broke off before sending its data (EOFError)")

        monkeypatch.setattr(reader.Apart, "data", broken_off)
    path.write_text(retitled("Zarya module"), encoding="utf-8")
    with caplog.at_level("WARNING", logger="timeline.live"):
        fixed = data.current()
    assert fixed.ok and "Zarya module" in set(fixed.df["title"]) and fixed.df is not good.df
    [warning] = [r.getMessage() for r in caplog.records if r.name == "timeline.live"]
    assert warning.endswith("; reading the files in this process"), warning
    if breaks == "ends at once":
        assert warning.startswith("the reading process ended with exit code 3 before sending its verdict")
    path.write_text(FIXTURE.replace("date: 1970-04-24", "date: 1970-04-31"), encoding="utf-8")
    assert data.current().df is fixed.df and data.current().errors  # a bad edit, read here too, keeps it
    assert children() <= before


def test_a_reading_child_ends_when_the_server_ends_without_closing_it(fixture_events):
    code = ("import os, sys; from timeline import reader; child = reader.Apart([sys.argv[1]]); "
            "print(child.pid, flush=True); os._exit(0)")  # fmt: skip
    started = subprocess.run([sys.executable, "-c", code, str(fixture_events)],
                             capture_output=True, text=True, cwd=ROOT, check=True)  # fmt: skip
    orphan = int(started.stdout)
    until(lambda: not Path(f"/proc/{orphan}").exists() or "(Z)" in Path(f"/proc/{orphan}/stat").read_text(),
          timeout=20, message=f"the reading child {orphan} to exit")  # fmt: skip


@pytest.mark.parametrize("workers", [1, 2])
def test_a_server_reading_apart_serves_edits_keeps_data_through_a_bad_one_and_leaves_no_process(
    fixture_events, monkeypatch, workers
):
    monkeypatch.setenv(live.APART_ENV, "0")  # the server reads every file in a child process
    path = fixture_events
    with load.serving([path], workers) as running:
        servers = set(running.children()) if workers > 1 else {running.proc.pid}

        def everywhere(status: str, events: int) -> dict:
            answer = every_server(running, store.load([path]).version, status, workers, timeout=40)
            assert answer["events"] == events
            return answer

        path.write_text(FIXTURE[: FIXTURE.index("  - id: zarya")], encoding="utf-8")  # a good edit: 3 events
        everywhere("ok", 3)
        path.write_text(FIXTURE.replace("date: 1970-04-24", "date: 1970-04-31"), encoding="utf-8")
        stale = everywhere("stale", 3)  # the last good data, 3 events, with the error
        said = "events[2].date: impossible date '1970-04-31': Apr 1970 has days 01 to 30"
        assert stale["errors"] == [f"{path}:29:11: {said}"]
        path.write_text(FIXTURE, encoding="utf-8")
        everywhere("ok", 5)
        assert children(running.proc.pid) == (servers if workers > 1 else set())  # gunicorn's workers only
        assert all(children(pid) == set() for pid in servers)  # no reading process left
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(timeout=15) == 0
        log = running.log()
    assert "Traceback" not in log and "in this process" not in log, log

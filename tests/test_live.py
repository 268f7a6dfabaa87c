"""LiveData: the data a running app serves, read again when a file changes, never half-written."""

from __future__ import annotations

import os

import pytest

from timeline import live, store
from timeline.live import LiveData

from .fixtures import FAULTS, FIXTURE, restore, retitled


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

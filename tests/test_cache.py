"""The verdict cache behind `timeline validate`: same bytes, same answer; new bytes, new check."""

from __future__ import annotations

import pytest

from timeline import cache, store
from timeline.cli import main

from .fixtures import GOOD


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(folder))
    return folder


def test_a_valid_verdict_is_remembered_and_reused(cache_dir, tmp_path, monkeypatch):
    path = tmp_path / "events.yaml"
    path.write_text(GOOD)
    first = store.check([path])
    assert first.ok and first.counts == {"events": 1, "countries": 2, "types": 1}
    assert len(list(cache_dir.glob("*.json"))) == 1

    def no_parsing(paths, **options):
        raise AssertionError("a cached verdict must not parse the file again")

    monkeypatch.setattr(store, "load", no_parsing)
    again = store.check([path])
    assert again.ok and again.counts == first.counts and again.version == first.version


def test_changed_bytes_are_checked_again(cache_dir, tmp_path, runner):
    path = tmp_path / "events.yaml"
    path.write_text(GOOD)
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0
    path.write_text(GOOD.replace("1957-10-04", "1957-13-45"))
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "impossible date '1957-13-45'" in result.output


def test_invalid_verdicts_are_never_cached(cache_dir, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("countries: [")
    assert not store.check([path]).ok
    assert not cache_dir.exists() or not list(cache_dir.glob("*.json"))


def test_the_key_covers_file_names_contents_and_timelines_own_code(monkeypatch):
    base = cache.key("validate", b"a.yaml", b"x")
    assert cache.key("validate", b"b.yaml", b"x") != base
    assert cache.key("validate", b"a.yaml", b"y") != base
    assert cache.key("validate", b"a.yaml" + b"x") != base  # parts are length-prefixed
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: b"another version")
    assert cache.key("validate", b"a.yaml", b"x") != base


def test_no_cache_flag_and_off_switch(cache_dir, tmp_path, runner, monkeypatch):
    path = tmp_path / "events.yaml"
    path.write_text(GOOD)
    assert runner.invoke(main, ["validate", "--no-cache", str(path)]).exit_code == 0
    assert not cache_dir.exists()
    monkeypatch.setenv("TIMELINE_CACHE_DIR", "off")
    assert cache.directory() is None
    assert store.check([path]).ok


def test_an_unwritable_cache_folder_is_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(blocker / "cache"))
    path = tmp_path / "events.yaml"
    path.write_text(GOOD)
    assert store.check([path]).ok

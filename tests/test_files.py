"""Atomic writes: the one way timeline replaces a file (events files, exports, cache entries)."""

from __future__ import annotations

import os
import stat

import pytest

from timeline import files


def test_write_atomic_replaces_whole_files_only(tmp_path):
    path = tmp_path / "out.csv"
    files.write_atomic(path, b"first")
    assert path.read_bytes() == b"first"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600
    with pytest.raises(TypeError):
        files.write_atomic(path, 12345)  # neither bytes nor text: fails half-way through writing
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left behind


def test_text_is_written_as_utf8_and_the_old_mode_is_kept(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("old")
    path.chmod(0o640)
    files.write_atomic(path, "Chang'e · 嫦娥")
    assert path.read_bytes() == "Chang'e · 嫦娥".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_refusing_check_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("old")
    seen = []

    def refuse(tmp):
        seen.append(tmp.read_bytes())
        raise ValueError("no")

    with pytest.raises(ValueError):
        files.write_atomic(path, "new", check=refuse)
    assert seen == [b"new"]  # the check reads the very bytes that would be renamed into place
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["events.yaml"]


def test_private_files_stay_private(tmp_path):
    path = tmp_path / "entry.json"
    files.write_atomic(path, "{}", keep_permissions=False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

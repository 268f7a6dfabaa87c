"""A small on-disk cache of results keyed by content, so unchanged files are not checked twice.

Keys hash the inputs' bytes *and* this package's own source, so a new version of timeline (or an
edited checkout) never reuses an old answer. Entries are small JSON files written atomically; the
folder keeps the most recent ``KEEP`` of them. Any trouble with the folder (read-only home, full
disk) just means no cache: correctness never depends on it.

Where: ``$TIMELINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/timeline``, else ``~/.cache/timeline``.
``TIMELINE_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import files

KEEP = 128


def directory() -> Path | None:
    configured = os.environ.get("TIMELINE_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline"


@functools.cache
def _code_fingerprint() -> bytes:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.digest()


def key(kind: str, *parts: bytes) -> str:
    """A key for ``kind`` of result over ``parts`` (file names and contents, say)."""
    digest = hashlib.sha256(kind.encode() + b"\0" + _code_fingerprint())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def get(name: str) -> Any | None:
    folder = directory()
    if folder is None:
        return None
    try:
        return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def put(name: str, value: Any) -> None:
    folder = directory()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files.write_atomic(folder / f"{name}.json", json.dumps(value), keep_permissions=False)
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass

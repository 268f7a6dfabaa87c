"""Writing a file so that it is either the old one or the whole new one, never half of either.

``write_atomic`` is how timeline writes every file it owns (an events file after an add or an
import, an export, a cache entry): a temporary file in the same folder, fsync, an atomic rename,
then fsync of the folder. A failure at any point leaves the old file as it was and no temporary
file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable


def write_atomic(
    path: str | os.PathLike,
    data: bytes | str,
    *,
    check: Callable[[Path], None] | None = None,
    keep_permissions: bool = True,
) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one step.

    ``check`` is called with the complete temporary file before the rename (it may raise to
    refuse the write). With ``keep_permissions`` the new file gets the old one's mode and owner
    (a new file: what ``open()`` would give it); without, it stays private to the user.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
            if keep_permissions:
                copy_permissions(path, f.fileno())
        if check is not None:
            check(tmp)
        os.replace(tmp, path)
        fsync_folder(path.parent)
    finally:
        tmp.unlink(missing_ok=True)  # after a rename there is nothing left to remove


def copy_permissions(path: Path, fd: int) -> None:
    """Give the open file ``fd`` the mode (and, if allowed, the owner) of ``path``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:  # a new file: what open() would give it
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    with contextlib.suppress(PermissionError):
        if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            os.fchown(fd, st.st_uid, st.st_gid)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the file system can)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems cannot sync a folder
        pass
    finally:
        os.close(fd)

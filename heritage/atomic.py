"""Writing a file so that it appears whole or not at all: a record never replaces another, and an
output replaces only a regular file."""

from __future__ import annotations

import os
from pathlib import Path

from heritage import layout, leftovers
from heritage.errors import RecordExists


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open folders; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_file(path: Path, data: bytes, *, record: str | None = None) -> None:
    """Write `data` to a temporary file, fsync it, then link it to `path`.

    The link fails if `path` exists, so of two writers racing for one name exactly one wins and
    the other gets RecordExists; a reader never sees a half-written file; a crash leaves at most a
    hidden temporary file that readers skip.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    leftovers.clean(path.parent)
    temp = path.parent / leftovers.temp_name(path.name)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            raise RecordExists("a record with this id already exists", file=path, record=record) from None
    finally:
        temp.unlink(missing_ok=True)
    _fsync_folder(path.parent)


def replace_file(path: Path, data: bytes) -> None:
    """Write a derived output (a map, a dossier, a manifest): readers see the old file or the new
    one, never half of one. A full disk or Ctrl-C leaves the old file as it was and no temporary
    file; SIGKILL leaves one named for its process, which the next write into the folder removes.
    Only a regular file is replaced (`layout.check_output`): anything else is refused before a
    byte is written."""
    layout.check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    leftovers.clean(path.parent)
    temp = path.parent / leftovers.temp_name(path.name)
    try:
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            # On disk before the rename: after a power cut the name holds the old file or the new.
            os.fsync(handle.fileno())
        put_in_place(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_folder(path.parent)


def put_in_place(temp: Path, path: Path) -> None:
    """Move a finished output file to `path`, looked at again right before: a new name is linked
    (which fails if anything has appeared there since), and only a regular file is renamed over.
    A link, pipe or device put there while the output was being made is refused, not replaced."""
    while True:
        if layout.check_output(path):
            os.replace(temp, path)
            return
        try:
            os.link(temp, path)
        except FileExistsError:
            continue  # something appeared there meanwhile: look at it again
        except OSError:  # no hard links here (a FAT memory stick): rename, just looked at
            os.replace(temp, path)
            return
        temp.unlink()
        return

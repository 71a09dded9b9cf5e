"""What an interrupted command leaves behind, and who may clean it up.

Every temporary file or folder heritage makes is named `.tmp-<pid>-<random>-<final name>`, next
to what it becomes: hidden, recognisable as ours, and naming the process that made it. A process
that was killed (SIGKILL, a power cut) cannot remove its own; the next command that writes into
that folder removes those whose process is gone, and `validate` reports the ones in the catalogue.
A name whose process is still running is never touched: it is another command at work.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from heritage.layout import TEMP_PREFIX

_OURS = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-[0-9a-f]+-")
# Folders this process has already cleaned: a folder is looked at once per run, not per file.
_cleaned: set[str] = set()


def temp_name(final_name: str) -> str:
    """The hidden name a file or folder is written under before it is renamed to `final_name`."""
    return f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}-{final_name}"


def owner(name: str) -> int | None:
    """The process that made a temporary name of ours; None if the name is not one."""
    match = _OURS.match(name)
    return int(match[1]) if match else None


def alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # someone else's process: alive, as far as we know
        return True
    return True


def is_leftover(name: str) -> bool:
    """A temporary name of ours whose process is gone: nothing will ever finish or remove it."""
    pid = owner(name)
    return pid is not None and not alive(pid)


def clean(folder: Path) -> list[Path]:
    """Remove the leftovers of dead processes in `folder` (once per run per folder); what went."""
    key = os.path.abspath(folder)
    if key in _cleaned:
        return []
    _cleaned.add(key)
    removed = []
    try:
        with os.scandir(folder) as listing:
            names = [entry.name for entry in listing if entry.name.startswith(TEMP_PREFIX)]
    except OSError:
        return []
    for name in names:
        if is_leftover(name):
            path = folder / name
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                continue  # not ours to fight over: validate still reports it
            removed.append(path)
    return removed


def found(folder: Path) -> list[Path]:
    """The leftovers in `folder`, without removing them (for `validate`)."""
    try:
        with os.scandir(folder) as listing:
            return sorted(Path(entry.path) for entry in listing if is_leftover(entry.name))
    except OSError:
        return []

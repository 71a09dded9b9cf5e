"""Many new record files landing as one: an import is whole or absent, even under SIGKILL.

Records are one file each, so an import of 20,000 reports is 20,000 files, and no file system
makes those appear at once. An import therefore goes through a journal folder,
`.heritage/imports/<name>/`, on the catalogue's own file system:

1. stage   every record is written under `files/`, named by its number (`files/0`, `files/1`...);
           the importing process holds a lock on the folder's `owner` file all the while;
2. commit  under the catalogue's write lock, held alone: no target may exist yet; `targets` is
           written (line n: the path in the catalogue of file n); everything is synced to disk,
           then `COMMITTED` is written (by a rename: it is there whole or not);
3. move    each staged file is linked to its place (a link never replaces a file); the journal
           is deleted.

The staged files are kept in one flat folder rather than in a copy of the catalogue's folders:
an import of reports touches a folder per site, and making and then deleting 30,000 folders in
the journal took longer than writing the 60,000 reports (0.7 ms a folder removed, on ext4).

A journal whose owner lock is free was left by a process that died. `recover` (called whenever a
catalogue is opened) finishes it if it holds `COMMITTED` (links already made are skipped, so doing
it twice is harmless) and deletes it otherwise (nothing of it reached the catalogue). `targets` is
on disk before `COMMITTED` is, by the same sync as the files, so a committed journal always says
where each file goes. (A journal of an earlier version, with no `targets`, kept each file at its
path under `files/`: it is finished that way.)

The write lock (`.heritage/write.lock`) is held shared by everything that appends one record and
by the index while it reads the folders, and alone only by step 3: no reader sees half an import,
and no append takes a name the import is about to place. A second lock, `import.lock`, lets one
import at a time decide what is new, so two runs of one file cannot both add it.

Tests kill an import at a chosen point with `HERITAGE_KILL_AT=<phase>:<n>` (phase `stage` or
`move` at the n-th file, or `commit:0` right after the marker): the process sends itself SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from heritage import layout
from heritage.errors import RecordExists
from heritage.leftovers import is_leftover, temp_name

COMMITTED = "COMMITTED"
OWNER = "owner"
FILES = "files"
TARGETS = "targets"
IMPORT_LOCK = "import.lock"


def tool_folder(root: Path) -> Path:
    """`.heritage/`, made if need be with the `.gitignore` that keeps it out of git."""
    folder = root / layout.TOOL_FOLDER
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# heritage's index and work in progress: safe to delete when no command runs\n*\n")
    return folder


@contextmanager
def _locked(root: Path, mode: int) -> Iterator[None]:
    try:
        tool_folder(root)
        fd = os.open(root / layout.WRITE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a catalogue nobody can write to: there is no writer to keep out
        yield
        return
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # closing drops the lock; so does dying


def shared(root: Path) -> AbstractContextManager[None]:
    """Held by appends and by the index while it reads: many at once, never during a move."""
    return _locked(root, fcntl.LOCK_SH)


def _alone(root: Path) -> AbstractContextManager[None]:
    return _locked(root, fcntl.LOCK_EX)


def alone(root: Path) -> AbstractContextManager[None]:
    """The write lock held alone, for rewriting catalogue.json (see `heritage.settings`): no
    append or import is under way while the vocabulary and region they are checked against change."""
    return _alone(root)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _kill_at(phase: str, count: int) -> None:
    """The test hook described in the module's docstring."""
    if os.environ.get("HERITAGE_KILL_AT") == f"{phase}:{count}":
        os.kill(os.getpid(), signal.SIGKILL)


class Journal:
    """`with Journal(root) as journal:` stage files, then `commit()`; leaving the block without
    a commit (an error, Ctrl-C) deletes what was staged."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder: Path | None = None
        self.targets: list[Path | str] = []
        self._fds: list[int] = []
        # Each staged file's path in the catalogue, relative to it, in the order staged.
        self._relative: list[str] = []
        self._staged: set[str] = set()
        # What every record path starts with: "root/", or nothing when the catalogue is the
        # current folder (Path(".") / "sites/x" is "sites/x", with no "./" before it).
        root_text = os.fspath(root)
        self._root_text = "" if root_text == os.curdir else os.path.join(root_text, "")
        self._files_text = ""  # set with the folder

    def __enter__(self) -> Journal:
        base = tool_folder(self.root) / layout.JOURNALS.rsplit("/", 1)[-1]
        base.mkdir(exist_ok=True)
        serial = os.open(base / IMPORT_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        self._fds.append(serial)
        fcntl.flock(serial, fcntl.LOCK_EX)
        recover(self.root)  # a journal left by a dead import is settled before this one decides what is new
        self.folder = base / temp_name("import")
        (self.folder / FILES).mkdir(parents=True)
        self._files_text = os.path.join(self.folder, FILES, "")  # a staged file's path is this and its number
        owner = os.open(self.folder / OWNER, os.O_RDWR | os.O_CREAT, 0o644)
        self._fds.append(owner)
        fcntl.flock(owner, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        # Committed and not wholly moved in (Ctrl-C or a full disk during the links): the journal
        # stays, and the next command finishes it. Otherwise nothing of it reached the catalogue.
        if self.folder is not None and self.folder.exists() and not (self.folder / COMMITTED).exists():
            shutil.rmtree(self.folder, ignore_errors=True)
        for fd in reversed(self._fds):
            os.close(fd)

    def stage(self, target: Path | str, data: bytes) -> None:
        """Write `data` into the journal, to be put at `target` (a text path saves an import a
        Path a record) by `commit`."""
        assert self.folder is not None, "use Journal in a with block"
        text = os.fspath(target)
        if not self._root_text and text.startswith("./"):  # "./sites/x", from a text path on "."
            text = text[2:]
        relative = text[len(self._root_text) :]
        if (
            not text.startswith(self._root_text)
            or "\n" in relative
            or os.path.isabs(relative)
            or ".." in relative.split(os.sep)
        ):
            raise ValueError(f"{text!r} is not a record path inside the catalogue {self.root}")
        if relative in self._staged:
            raise FileExistsError(f"{relative} is staged twice in one import")
        staged = self._files_text + str(len(self._relative))
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        self._staged.add(relative)
        self._relative.append(relative)
        self.targets.append(target)
        _kill_at("stage", len(self.targets))

    def commit(self) -> None:
        """Put every staged file in place, or raise RecordExists and put none."""
        assert self.folder is not None, "use Journal in a with block"
        with _alone(self.root):
            for target, relative in zip(self.targets, self._relative, strict=True):
                if os.path.lexists(target):
                    raise RecordExists(
                        "another writer added this record while the import ran; nothing was imported", file=relative
                    )
            with open(self.folder / TARGETS, "xb") as handle:
                handle.write("".join(f"{relative}\n" for relative in self._relative).encode("utf-8"))
            os.sync()  # the staged files and `targets` reach the disk before the marker that says they are complete
            marker = self.folder / f".{COMMITTED}"
            with open(marker, "xb") as handle:
                os.fsync(handle.fileno())
            os.rename(marker, self.folder / COMMITTED)
            _sync_folder(self.folder)
            _kill_at("commit", 0)
            _finish(self.root, self.folder)


def _staged(folder: Path) -> Iterator[tuple[str, str]]:
    """(staged file, its path relative to the catalogue) for every file of a committed journal."""
    files = os.path.join(folder, FILES)
    try:
        with open(os.path.join(folder, TARGETS), "rb") as handle:
            relatives = handle.read().decode("utf-8").splitlines()
    except FileNotFoundError:  # a journal of an earlier version: each file at its own path
        for parent, _, names in os.walk(files):
            relative = os.path.relpath(parent, files)
            for name in names:
                yield os.path.join(parent, name), name if relative == "." else os.path.join(relative, name)
        return
    prefix = os.path.join(files, "")
    for number, relative in enumerate(relatives):
        yield prefix + str(number), relative


def _finish(root: Path, folder: Path) -> list[str]:
    """Link every staged file into place (skipping those already there), then drop the journal.
    Returns the files that could not be placed because a different file holds their name (only
    something that ignored the write lock can have put it there)."""
    conflicts = []
    made: set[str] = set()
    for count, (staged, relative) in enumerate(_staged(folder), start=1):
        target = os.path.join(root, relative)
        parent = os.path.dirname(target)
        if parent not in made:  # once a folder, not once a file
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        try:
            os.link(staged, target)
        except FileExistsError:
            if not os.path.samefile(staged, target) and Path(staged).read_bytes() != Path(target).read_bytes():
                conflicts.append(Path(relative).as_posix())
        _kill_at("move", count)
    os.sync()  # the links are on disk before the journal that could redo them is gone
    shutil.rmtree(folder)
    return conflicts


def _dead(folder: Path) -> bool:
    """Whether the process that made this journal is gone: its lock on `owner` is free."""
    try:
        fd = os.open(folder / OWNER, os.O_RDWR)
    except FileNotFoundError:  # just made, or killed before it made its lock file: its name says whose
        return is_leftover(folder.name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def recover(root: Path) -> list[str]:
    """Settle the journals of imports that died: finish the committed ones, delete the others.
    Returns one line for each, saying what was done. Cheap when there is none (one listing)."""
    base = root / layout.JOURNALS
    try:
        names = sorted(entry.name for entry in os.scandir(base) if entry.is_dir(follow_symlinks=False))
    except OSError:
        return []
    done = []
    for name in names:
        folder = base / name
        if not _dead(folder):
            continue
        with _alone(root):
            if not folder.exists():  # another command settled it while we waited
                continue
            if (folder / COMMITTED).exists():
                conflicts = _finish(root, folder)
                note = f"finished an import that was interrupted after it was committed ({name})"
                if conflicts:
                    note += f"; {len(conflicts)} file(s) not placed, a different file has the name: {conflicts[0]}"
            else:
                shutil.rmtree(folder)
                note = f"took back an import that was interrupted before it was committed ({name})"
            done.append(note)
    return done

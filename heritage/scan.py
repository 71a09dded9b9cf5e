"""Comparing the catalogue's folders and files with what its index holds (see heritage.index).

A scan is planned in the process that writes to the index and carried out in pieces (`ScanPart`),
on every core when there is much to do: each piece lists its folders, compares them with the
index's rows, and reads again the files that changed (`heritage.examine`). Only the planning
process writes what the pieces found.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple

from heritage import kinds, layout
from heritage.errors import InvalidInput
from heritage.examine import Examined, examine, kind_of
from heritage.store import Catalogue

# A folder or file changed this recently may change again within the same clock tick unseen.
RACY_NS = 2_000_000_000
CHUNK = 2000  # files of a flat folder per piece of work handed to a worker
TASK_TIMEOUT = 300.0  # seconds for one piece of work (a few thousand files take a few seconds at most)


# What a file's `stat` is compared on: size, times and inode. A file replaced by another of the same
# size and modification time (a copy that keeps times, an old version moved back) has another
# inode or change time, as git's index also checks.
_COMPARED = "size, mtime_ns, ctime_ns, ino"


def compared_stat(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What the index compares of a file's `stat` (see `_COMPARED`), in the same order."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


class FolderRecord(NamedTuple):
    """What the index records for a folder: its times, and when all of its files are stored as
    they are and none is too recent to trust, its names and a digest of their `stat` (type, size,
    times and inode). A folder whose times are unchanged holds the same names: they are not
    listed again, only looked up. A folder whose names and digest are unchanged holds no changed
    file; only the folders whose digest differs need their files compared one by one.

    A kind's own folder (`sites/`, `reports/`...) keeps its names and no digest: its names are
    taken as recorded while its times are, and its files (or folders) are each looked at anyway."""

    mtime_ns: int
    digest: int | None = None
    names: str | None = None  # sorted, joined with '/' (which no file name holds)
    # The folder's change time: setting its modification time back (`touch -r`, `cp -p`, `rsync
    # -t`, `tar`) after adding a file moves it, so the names are looked up only if both are as recorded.
    ctime_ns: int | None = None


FOLDER_COLUMNS = ", ".join(FolderRecord._fields)  # a `FolderRecord`'s columns in the index's table of folders
# A row of the index's `files` table, in the order `IndexRows.add` makes it.
FILE_COLUMNS = ("path", "folder", "kind", "size", "mtime_ns", "facts", "problems", "unreadable", "ctime_ns", "ino")


class ChangedFile(NamedTuple):
    """A record file as a folder listing shows it."""

    path: str  # relative, with '/'
    size: int
    mtime_ns: int
    known: bool  # the index has a row for it (changed rather than new)
    ctime_ns: int
    ino: int


@dataclass
class ScanPart:
    """A piece of a scan: whole folders of a nested kind, or a slice of a flat folder's names."""

    folders: list[str] = field(default_factory=list)
    known: list[FolderRecord | None] = field(default_factory=list)  # what the index holds for each folder
    flat: str | None = None
    names: list[str] = field(default_factory=list)
    lower: str = ""  # the slice covers the index's rows from this path...
    upper: str = ""  # ...up to this one (the next slice's first, or the folder's end)
    # Nested folders given as a range, from `lower` up to `upper`, with `known` empty: the worker
    # reads what the index holds for the range, and finds the folders it holds that are gone.
    ranged: bool = False
    # The index held nothing when the scan began (a first build): there is nothing to look up,
    # and the rows stored meanwhile, without their indexes yet, would be searched one by one.
    empty: bool = False


@dataclass
class IndexRows:
    """The files a task read again, as the rows the index keeps of them: what a worker hands to
    the process that writes the index, which only inserts them. Plain tuples of plain values cross
    between processes at a fraction of the cost of an object a file."""

    # Rows of the index's `files` table (in `FILE_COLUMNS` order), and of each kind's own table:
    # the path, then the kind's columns (`heritage.kinds`).
    files: list[tuple[Any, ...]] = field(default_factory=list)  # rows of `files`
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)  # table -> rows, each path first
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (path, allegation, site) of each site concerned
    known: list[str] = field(default_factory=list)  # paths the index had a row for: their old rows go first
    owners: set[str] = field(default_factory=set)  # sites whose reports in force may have changed

    def add(self, examined: Examined, now: int) -> None:
        path, facts, unreadable = examined.path, examined.facts, examined.unreadable is not None
        kind = kind_of(path)
        # A file changed within the same clock tick as it was read could change again unseen:
        # recorded without its time, it is read again next time. So is a record that cannot be
        # read, and one whose warnings depend on the clock (a date in the future today, not tomorrow).
        racy = max(examined.mtime_ns, examined.ctime_ns) > now - RACY_NS  # see `trusted`
        unsettled = unreadable or examined.provisional
        self.files.append(
            (
                path,
                path.rsplit("/", 1)[0],
                kind,
                examined.size,
                -1 if racy or unsettled else examined.mtime_ns,
                facts.packed() if facts is not None else None,
                examined.problems_text(),
                int(unreadable),
                examined.ctime_ns,
                examined.ino,
            )
        )
        if examined.known:
            self.known.append(path)
        row = examined.row
        table = kinds.TABLES.get(kind)
        if table is not None and row is not None:
            self.rows.setdefault(table, []).append((path, *row))
        if examined.links and facts is not None:
            self.links += [(path, facts.id, site) for site in examined.links]
        if kind in kinds.IN_FORCE:
            self.owners.add(path.split("/")[1])
            if row is not None:  # the site the record names, if misfiled under another
                self.owners.add(row[0])


@dataclass
class PartResult:
    """What a task found: the files it read again, and what is gone or does not belong."""

    stored: IndexRows = field(default_factory=IndexRows)  # the files read again
    removed: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    folders: dict[str, FolderRecord] = field(default_factory=dict)  # folder -> what to record for it
    gone: list[str] = field(default_factory=list)  # folders the index holds that are no longer there
    seen: int = 0


@dataclass
class ScanSummary:
    """What bringing the index up to date found."""

    read: int = 0  # files read again
    removed: int = 0
    seen: int = 0  # files compared
    strays: list[str] = field(default_factory=list)


def storable(name: str) -> bool:
    """A file name the index can hold: one that is UTF-8 on disk (records' names always are)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(path: str) -> str:
    """A path for a message, with bytes that are not UTF-8 shown as replacement characters."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def mtime_of(path: Path | str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def time_of(known: FolderRecord | None) -> int | None:
    return known.mtime_ns if known else None


def trusted(mtime: int | None, now: int, ctime: int | None = None) -> int:
    """The time to record for a folder: -1 (read it again next time) if it is too recent to trust.
    So is a folder whose change time is that recent: within the same clock tick, a file could be
    added and the modification time put back (`tar`, `rsync -t`) without moving either time."""
    limit = now - RACY_NS
    if mtime is None or mtime > limit or (ctime is not None and ctime > limit):
        return -1
    return mtime


class ScanPlan:
    """The folders a scan will read, cut into tasks of a thousand to a few thousand files."""

    GROUP = 100  # nested folders per task (about ten files each)
    # Nested folders per task when every folder is compared: most need no file read, and fewer,
    # larger tasks cost the process handing them out less.
    SPAN = 400

    def __init__(self, now: int, recorded: dict[str, FolderRecord] | None = None) -> None:
        self.now = now
        self.recorded = recorded or {}  # what the index holds for the kinds' own folders
        self.flats: list[tuple[str, list[str]]] = []
        self.nested: dict[str, FolderRecord | None] = {}  # folder -> what the index holds for it
        self.gone: list[str] = []
        self.strays: list[str] = []
        self.whole: dict[str, FolderRecord] = {}  # folders recorded once all tasks are done
        self.ranges: list[tuple[str, list[str]]] = []  # nested kinds whose every folder is compared

    def flat(self, root: Path, name: str) -> None:
        self.flats.append((name, self._names(root, name)))

    def _names(self, root: Path, folder: str) -> list[str]:
        """A kind's folder's names in order, to be recorded with its times once every task is
        done; a name the index cannot hold is a stray. A folder whose times are the ones recorded
        holds the names recorded (see `FolderRecord`): they are not listed and sorted again."""
        try:
            own = os.stat(root / folder)
            mtime, ctime = own.st_mtime_ns, own.st_ctime_ns
        except OSError:
            mtime, ctime = None, None
        recorded = self.recorded.get(folder)
        if recorded is not None and recorded.names is not None and mtime is not None:
            if (mtime, ctime) == (recorded.mtime_ns, recorded.ctime_ns):
                self.whole[folder] = recorded
                return recorded.names.split("/") if recorded.names else []
        try:
            names = sorted(os.listdir(root / folder))
        except (FileNotFoundError, NotADirectoryError):
            names = []
        joined = "/".join(names)
        plain = storable(joined)
        if not plain:  # rare: look at each (and list the folder again next time, to find them again)
            self.strays += [_shown(f"{folder}/{n}") for n in names if not storable(n)]
            names = [n for n in names if storable(n)]
        recorded_time = trusted(mtime, self.now, ctime)
        kept = joined if plain and recorded_time != -1 else None
        self.whole[folder] = FolderRecord(recorded_time, None, kept, ctime)
        return names

    def parent(self, root: Path, parent: str, mtime: int | None, known: dict[str, FolderRecord]) -> None:
        """The folders inside a nested kind's folder that are new or whose time differs from the
        one recorded."""
        self.whole[parent] = FolderRecord(trusted(mtime, self.now))
        present = set()
        entries = layout._entries(root / parent)
        plain = storable("/".join(e.name for e in entries))  # rare otherwise: then look at each
        for entry in entries:
            if not plain and not storable(entry.name):
                self.strays.append(_shown(f"{parent}/{entry.name}"))
            elif entry.is_dir():
                folder = f"{parent}/{entry.name}"
                present.add(folder)
                recorded = known.get(folder)
                if entry.stat().st_mtime_ns != time_of(recorded):
                    self.nested[folder] = recorded
            elif entry.name not in layout.NOT_RECORDS:
                self.strays.append(f"{parent}/{entry.name}")
        self.gone += sorted(known.keys() - present - {parent})

    def every(self, root: Path, parent: str) -> None:
        """All the folders inside a nested kind's folder, by name alone: whether each is a folder,
        and what the index holds for it, is for the workers to find out."""
        names = self._names(root, parent)
        self.ranges.append((parent, [n for n in names if n not in layout.NOT_RECORDS]))

    def tasks(self, empty: bool = False, size: int | None = None) -> list[ScanPart]:
        """`empty`: the index holds nothing (see `ScanPart.empty`). `size`: files of a flat folder,
        or nested folders, per task, instead of `CHUNK`, `GROUP` and `SPAN` (small tasks make many
        of them: for tests of scans in several parts)."""
        chunk, group, span = (size, size, size) if size is not None else (CHUNK, self.GROUP, self.SPAN)
        tasks = []
        for name, names in self.flats:
            for lower, upper, part in _slices(name, names, chunk):
                tasks.append(ScanPart(flat=name, names=part, lower=lower, upper=upper, empty=empty))
        folders = list(self.nested)
        for n in range(0, len(folders), group):
            part = folders[n : n + group]
            tasks.append(ScanPart(folders=part, known=[self.nested[f] for f in part], empty=empty))
        for parent, names in self.ranges:
            for lower, upper, part in _slices(parent, names, span):
                folders = [f"{parent}/{name}" for name in part]
                tasks.append(ScanPart(folders=folders, lower=lower, upper=upper, ranged=True, empty=empty))
        return tasks


def _slices(folder: str, names: list[str], size: int) -> Iterator[tuple[str, str, list[str]]]:
    """A folder's sorted names cut into slices of `size`, each with the range of index paths it
    covers: from its first name up to the next slice's first, the first from the folder's start
    and the last to its end ('0' follows '/'). A path the index holds that is no longer listed
    falls in exactly one range. An empty folder is one empty slice, covering it all."""
    for n in range(0, max(len(names), 1), size):
        lower = f"{folder}/{names[n]}" if n else f"{folder}/"
        upper = f"{folder}/{names[n + size]}" if n + size < len(names) else f"{folder}0"
        yield lower, upper, names[n : n + size]


def carry_out(
    catalogue: Catalogue,
    db: sqlite3.Connection,
    tasks: list[ScanPart],
    reader: str | None = None,
    workers: int | None = None,
) -> Iterator[PartResult]:
    """Run the tasks, on every core when there is much to do and the index is a file (`reader`:
    its address for the workers' own read-only connections); only this process writes to it.
    `workers`: how many processes at most (default: one per core, up to 4); 1 runs every task in
    this process."""
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if len(tasks) < 4 or workers < 2 or reader is None or "fork" not in multiprocessing.get_all_start_methods():
        for task in tasks:
            yield _task(catalogue, db, task)
        return
    _WORKER.update(catalogue=catalogue, reader=reader)
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)
    try:
        results = pool.imap(_work, tasks)
        for _ in tasks:
            try:
                yield results.next(timeout=TASK_TIMEOUT)
            except multiprocessing.TimeoutError:  # a worker died (killed, out of memory): say so, do not hang
                raise RuntimeError(
                    f"a worker reading the catalogue gave no answer in {TASK_TIMEOUT:.0f} s; run the command again"
                ) from None
    finally:
        pool.terminate()  # on Ctrl-C too: nothing outlives the call
        pool.join()
        _WORKER.clear()


_WORKER: dict[str, Any] = {}


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER["db"] = None


def _work(task: ScanPart) -> PartResult:
    catalogue: Catalogue = _WORKER["catalogue"]
    if _WORKER.get("db") is None:
        _WORKER["db"] = sqlite3.connect(_WORKER["reader"], uri=True, timeout=60)
    return _task(catalogue, _WORKER["db"], task)


def _task(catalogue: Catalogue, db: sqlite3.Connection, task: ScanPart) -> PartResult:
    """List, compare and read again what changed. The hot loop of a warm `validate` (a million
    files): plain strings and one query per task, no pathlib."""
    root = str(catalogue.root)
    outcome = PartResult()
    now = catalogue.clock()
    listed: list[tuple[str, str, os.stat_result]] = []  # (folder, name, stat)
    stored: dict[str, tuple[int, ...]] = {}  # path -> (size, times, inode) in the index, for the files compared
    if task.flat is not None:
        folder = task.flat
        # The slice's rows, from `lower` up to the next slice's first name, from the index that
        # holds all they need (the table's rows also hold each file's facts and problems).
        query = f"SELECT path, {_COMPARED} FROM files WHERE folder = ? AND path >= ? AND path < ?"
        if not task.empty:
            stored = {row[0]: row[1:] for row in db.execute(query, (folder, task.lower, task.upper))}
        try:
            fd = os.open(f"{root}/{folder}", os.O_RDONLY | os.O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):
            fd = None  # gone since the listing: its rows count as removed
        except OSError as error:
            raise InvalidInput(f"cannot be read ({error.strerror})", file=folder) from None
        if fd is not None:
            try:
                for name in task.names:
                    try:
                        stat = os.stat(name, dir_fd=fd)
                    except OSError:
                        continue  # gone since the listing
                    # The commonest case by far, settled here: a file the index holds as it is (only
                    # record files have rows). Anything else is looked at below.
                    path = f"{folder}/{name}"
                    if stored.get(path) == compared_stat(stat):
                        if S_ISREG(stat.st_mode):
                            del stored[path]
                            outcome.seen += 1
                            continue
                    listed.append((folder, name, stat))
            finally:
                os.close(fd)
    if task.flat is None:
        slow: list[str] = []  # folders whose files are compared one by one
        if not task.ranged:
            held = dict(zip(task.folders, task.known, strict=True))
        elif task.empty:
            held = {}
        else:  # what the index holds from the range's lower bound up to its upper one
            query = f"SELECT path, {FOLDER_COLUMNS} FROM folders WHERE path >= ? AND path < ?"
            held = {path: FolderRecord(t, d, n, c) for path, t, d, n, c in db.execute(query, (task.lower, task.upper))}
            outcome.gone = sorted(held.keys() - set(task.folders))
            slow += outcome.gone
        # A range's folders are all in one folder (its kind's), opened once to look names up in.
        parent_fd = _opened(f"{root}/{task.folders[0].rpartition('/')[0]}") if task.ranged and task.folders else None
        try:
            for folder in task.folders:
                known = held.get(folder)
                base = f"{root}/{folder}"
                try:
                    found_here = _listing(base, known, now, parent_fd)
                except FileNotFoundError:
                    slow.append(folder)  # gone since the listing: its rows count as removed, and so does its own
                    if known is not None:
                        outcome.gone.append(folder)
                    continue
                except NotADirectoryError:  # a file where a site's folder would be
                    outcome.strays.append(folder)
                    if known is not None:  # it was a folder: what the index holds for it goes
                        slow.append(folder)
                        outcome.gone.append(folder)
                    continue
                except OSError as error:
                    raise InvalidInput(f"cannot be read ({error.strerror})", file=folder) from None
                names, digest = found_here.names, found_here.digest
                if found_here.as_recorded:  # the commonest case by far: nothing to do
                    outcome.seen += len(names)
                    continue
                joined = "/".join(names) if digest is not None else None
                now_known = FolderRecord(
                    trusted(found_here.mtime_ns, now, found_here.ctime_ns), digest, joined, found_here.ctime_ns
                )
                if known is not None and digest is not None and (digest, joined) == (known.digest, known.names):
                    outcome.seen += len(names)
                    if now_known != known:  # its times changed, not what it holds
                        outcome.folders[folder] = now_known
                    continue
                slow.append(folder)
                outcome.folders[folder] = now_known
                listed += [(folder, name, stat) for name, stat in zip(names, found_here.stats, strict=True)]
        finally:
            if parent_fd is not None:
                os.close(parent_fd)
        if slow and not task.empty:
            marks = ",".join("?" * len(slow))
            query = f"SELECT path, {_COMPARED} FROM files WHERE folder IN ({marks})"
            stored = {row[0]: row[1:] for row in db.execute(query, slow)}
    found: list[ChangedFile] = []
    for folder, name, stat in listed:
        path = f"{folder}/{name}"
        if not storable(name):
            outcome.strays.append(_shown(path))
            continue
        if name.endswith(layout.RECORD_SUFFIX) or name.endswith(layout.SITE_SUFFIX):
            if _record(folder, name, stat):
                outcome.seen += 1
                before = stored.pop(path, None)
                size, mtime_ns, ctime_ns, ino = now_seen = compared_stat(stat)
                if before != now_seen:
                    found.append(ChangedFile(path, size, mtime_ns, before is not None, ctime_ns, ino))
                continue
        elif name in layout.NOT_RECORDS:
            continue
        elif folder.startswith(layout.EVIDENCE) and name[0] != ".":
            continue  # the evidence bytes themselves: `verify` checks those
        outcome.strays.append(path)
    outcome.removed = list(stored)
    found.sort()  # rows go into the index's B-trees in order: much cheaper than at random
    examined = [examine(catalogue, f.path, f.size, f.mtime_ns, f.known) for f in found]
    for one, f in zip(examined, found, strict=True):
        one.ctime_ns, one.ino = f.ctime_ns, f.ino
    # A folder with a stray, an unreadable record or one from the future keeps no digest: it is
    # looked at again each time.
    doubtful = {path.rsplit("/", 1)[0] for path in outcome.strays}
    doubtful |= {e.path.rsplit("/", 1)[0] for e in examined if e.unreadable is not None or e.provisional}
    for folder in doubtful & outcome.folders.keys():
        outcome.folders[folder] = outcome.folders[folder]._replace(digest=None, names=None)
    for one in examined:
        outcome.stored.add(one, now)
    return outcome


def _opened(folder: str) -> int | None:
    """An open folder, or None if it cannot be opened (each folder in it then says why)."""
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None


def _record(folder: str, name: str, stat: os.stat_result) -> bool:
    """A record file (rather than a stray): a regular file with the kind's suffix."""
    suffix = kinds.BY_FOLDER[folder.split("/", 1)[0]].suffix
    return name[0] != "." and name.endswith(suffix) and S_ISREG(stat.st_mode)


class Listing(NamedTuple):
    """A folder as `_listing` found it."""

    mtime_ns: int
    ctime_ns: int
    names: list[str]  # in order
    stats: list[os.stat_result]  # each name's
    digest: int | None  # see `_digest`; None also if a name could not be looked up
    as_recorded: bool  # the names recorded were looked up and gave the digest recorded


def _listing(base: str, known: FolderRecord | None, now: int, parent_fd: int | None) -> Listing:
    """A folder's times, taken before it is listed (a file added meanwhile shows next time), its
    names in order, each with its `stat`, and their digest.

    A folder whose modification and change times are the ones recorded holds the names recorded,
    as git's untracked cache also assumes: they are looked up, not listed. They are kept only if
    they give the digest recorded; otherwise (a change within the clock tick recorded, an index
    that is wrong) the folder is listed after all. Names are looked up from the open folder that
    holds it (`parent_fd`), with no folder opened: fewer system calls, and two processes walking
    whole paths from the root at once contend for the folders they share."""
    if known is not None and known.names is not None and known.digest is not None and parent_fd is not None:
        name = base.rpartition("/")[2]
        try:
            own = os.stat(name, dir_fd=parent_fd)
            if own.st_mtime_ns == known.mtime_ns and own.st_ctime_ns == known.ctime_ns:
                names = known.names.split("/") if known.names else []
                stats = [os.stat(f"{name}/{entry}", dir_fd=parent_fd) for entry in names]
                digest = _digest(stats, now)
                if digest is not None and digest == known.digest:
                    return Listing(own.st_mtime_ns, own.st_ctime_ns, names, stats, digest, True)
        except OSError:
            pass  # listed below, which tells what is the matter
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        own = os.fstat(fd)
        names = sorted(os.listdir(fd))
        try:
            stats = [os.stat(name, dir_fd=fd) for name in names]
        except OSError:  # one went away since the listing, is a broken link, cannot be reached...
            kept, stats = [], []
            for name in names:
                try:
                    stats.append(os.stat(name, dir_fd=fd))
                except OSError:
                    continue
                kept.append(name)
            # ...and may be back next time, with the folder's times as they are: no digest, so
            # that the folder is listed again rather than its shorter list of names trusted.
            return Listing(own.st_mtime_ns, own.st_ctime_ns, kept, stats, None, False)
        return Listing(own.st_mtime_ns, own.st_ctime_ns, names, stats, _digest(stats, now), False)
    finally:
        os.close(fd)


def _digest(stats: list[os.stat_result], now: int) -> int | None:
    """A digest of the files' `stat`, in their names' order, or None if one is too recent to
    trust. Python's hash of a tuple of integers is the same in every process (only strings' hashes
    are salted) and changes whenever any one of them does; should another Python hash otherwise,
    every folder is compared file by file once and recorded again."""
    limit = now - RACY_NS
    parts = []
    for stat in stats:
        if stat.st_mtime_ns > limit or stat.st_ctime_ns > limit:  # see `trusted`
            return None
        parts.append((stat.st_mode, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
    return hash(tuple(parts))

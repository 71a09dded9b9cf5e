"""A disposable index of the catalogue, so that commands stay quick at a million records.

The files are the catalogue; the index is a summary of them kept in SQLite at
`<catalogue>/.heritage/index.sqlite`. It is never the source of truth: it is rebuilt from the files
whenever they change, it can be deleted at any time, and a catalogue that cannot be written to
(a read-only copy) gets an index in memory for the run instead.

What it holds: one row per record file (its size, times and inode, the facts that checks
across records need, and the problems the file has by itself), plus the columns that `changes`,
`map` and `show` read (a site's names and point, a report's dates, condition and sources, which
reports are still in force, and each site's history of reports in force as the map carries it).

How it notices changes. Every append links a new file into its folder, and so do git, copies
and most editors when they save; each changes the folder's modification time. Quick commands
therefore compare the folders' times and re-read only the folders that changed. `validate` goes
further and compares every file's size, times and inode, so it also sees a file edited in place
or replaced by an older copy; quick commands see such an edit only after the next `validate`
(outputs shared beyond the team open the index with `thorough`). To keep that cheap,
each folder's names are kept with a digest of their files' sizes, times and inodes: a folder
listed with the same names and digest needs no row of the index read. Times within a couple of
seconds of the scan are not trusted (a change in the same clock tick would look like no change):
those folders and files are read again next time, as git does with its index. "Now" is the
catalogue's clock (`Catalogue.clock`).
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from heritage import __version__, journal, kinds, layout
from heritage.errors import InvalidInput, Problem
from heritage.examine import Facts, kind_of
from heritage.history import Change, Link, competing_ids, in_force
from heritage.kinds import FLAT, NESTED
from heritage.mapformat import ENTRY_SHAPE, VOCABULARY, date_marks, history_entry
from heritage.models.vocab import Certainty, Condition
from heritage.scan import (
    FILE_COLUMNS,
    FOLDER_COLUMNS,
    FolderRecord,
    IndexRows,
    ScanPlan,
    ScanSummary,
    carry_out,
    mtime_of,
)
from heritage.store import Catalogue

FOLDER = layout.TOOL_FOLDER
FILE = "index.sqlite"
SCHEMA = 28  # 25: problems worded in plain English, outside-region a warning; 26: certainty; 27: field visits;
# 28: verifications, and what reviews rely on
BUSY_WAIT = 600.0  # seconds a command waits for another that is updating the index
COMMIT_EVERY = 2.0  # seconds of work kept in one transaction while the index is brought up to date

Progress = Callable[[int, int], None]  # (files done, files to do)

# The index's own tables; each kind's table (`heritage.kinds`) is added to them by `_kind_tables`.
_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE folders (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, digest INTEGER, names TEXT, ctime_ns INTEGER);
CREATE TABLE files (
    path TEXT PRIMARY KEY, folder TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
    facts TEXT, problems TEXT, unreadable INTEGER NOT NULL DEFAULT 0, ctime_ns INTEGER, ino INTEGER);
CREATE TABLE history (
    site TEXT PRIMARY KEY, entries TEXT, cited TEXT, first_day INTEGER, conditions TEXT, reports INTEGER);
CREATE TABLE citations (id INTEGER PRIMARY KEY, sources TEXT UNIQUE);
CREATE TABLE allegation_sites (path TEXT, allegation TEXT, site TEXT);
CREATE TABLE hashes (path TEXT PRIMARY KEY, stamp TEXT, sha256 TEXT) WITHOUT ROWID;
"""
# The indexes besides the tables' keys. A first build makes them once its rows are in: sorting a
# million rows once is far cheaper than keeping six B-trees in order row by row.
_INDEXES = {  # name -> what it indexes
    "files_folder": "files (folder, path, size, mtime_ns, ctime_ns, ino)",
    "files_unreadable": "files (unreadable) WHERE unreadable = 1",
    "files_kind": "files (kind, unreadable)",
    "files_problems": "files (kind, folder, path) WHERE problems IS NOT NULL",
    "sites_id": "sites (id)",
    "reports_site": "reports (site)",
    "reports_id": "reports (id)",
    "reports_content_key": "reports (content_key)",
    "sites_content_key": "sites (content_key)",
    "sources_content_key": "sources (content_key)",
    "allegations_content_key": "allegations (content_key)",
    "reports_sensitivity": "reports (sensitivity)",
    "reports_in_force": (
        "reports (in_force, site, ord, end_day, start_day, condition, certainty, method, sources, id, observed)"
    ),
    "retractions_site": "retractions (site)",
    "allegations_responds_to": "allegations (responds_to)",
    "allegation_sites_site": "allegation_sites (site)",
    "allegation_sites_path": "allegation_sites (path)",
}
# Columns the index adds to a kind's table, after the kind's own: which reports are in force.
# The content key (`codec.content_key`) is filled in only when an import asks (`content_keys`): a
# reader never pays for hashing every record, and a row read again starts without one.
_DERIVED = {
    kinds.REPORTS.table: "in_force INTEGER NOT NULL DEFAULT 1, content_key TEXT",
    kinds.SITES.table: "content_key TEXT",
    kinds.SOURCES.table: "content_key TEXT",  # imports of sources and allegations look them up too
    kinds.ALLEGATIONS.table: "content_key TEXT",
}


def _kind_tables() -> list[str]:
    """The CREATE TABLE of each kind the index keeps rows of: the file's path, then its columns."""
    statements = []
    for kind in kinds.KINDS:
        if kind.table is not None:
            columns = [f"{c.name} {c.sql}" for c in kind.columns]
            columns += [_DERIVED[kind.table]] if kind.table in _DERIVED else []
            statements.append(f"CREATE TABLE {kind.table} (path TEXT PRIMARY KEY, {', '.join(columns)})")
    return statements


# A row of `files` as the workers hand it over (see `heritage.scan.FILE_COLUMNS`).
_INSERT_FILE = f"INSERT OR REPLACE INTO files ({', '.join(FILE_COLUMNS)}) VALUES ({', '.join('?' * len(FILE_COLUMNS))})"
# A row of a kind's table as the workers hand it over: its path, then the kind's columns.
_INSERT = {
    kind.table: (
        f"INSERT OR REPLACE INTO {kind.table} (path, {', '.join(c.name for c in kind.columns)}) "
        f"VALUES ({', '.join('?' * (len(kind.columns) + 1))})"
    )
    for kind in kinds.KINDS
    if kind.table is not None
}


def index_path(root: Path) -> Path:
    return root / FOLDER / FILE


def _connect(catalogue: Catalogue, memory: bool = False, busy_wait: float = BUSY_WAIT) -> sqlite3.Connection:
    """The catalogue's index, or one in memory if asked or if the catalogue's folder cannot be
    written (a read-only copy). `busy_wait`: seconds to wait for another command writing to it."""
    folder = catalogue.root / FOLDER
    try:
        if memory:
            raise OSError("an index in memory was asked for")
        journal.tool_folder(catalogue.root)
        # A second command waits while another builds the index (minutes, the first time).
        db = sqlite3.connect(folder / FILE, timeout=busy_wait, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
    except (OSError, sqlite3.Error):
        db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("PRAGMA synchronous=NORMAL")
    # Bringing the index up to date writes rows into several B-trees at once, and a first build
    # sorts a million rows into each index: a roomy page cache (256 MB at most, taken only as
    # used) keeps that from turning into random reads and writes.
    db.execute("PRAGMA cache_size=-262144")
    return db


def cannot_write(error: sqlite3.Error) -> bool:
    """Whether SQLite failed for want of somewhere to write (a full disk, a read-only or failing
    one) rather than because the index is damaged: the files can still be read."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return "disk is full" in str(error) or "readonly" in str(error)
    return code & 0xFF in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)


def _stamp(catalogue: Catalogue) -> str:
    """What every row depends on besides its own file: the schema, the tool, catalogue.json (its
    vocabulary decides which records are valid; its region and parties, which are wrong) and the
    order of the map's vocabulary (the histories kept refer to terms by position)."""
    stat = os.stat(layout.catalogue_file(catalogue.root))
    vocabulary = zlib.crc32((VOCABULARY + ";" + ENTRY_SHAPE).encode("utf-8"))
    # The tables' own shape too: two branches that each add a column under the same SCHEMA number
    # must not take each other's index for theirs. So too the facts kept of each record: a row
    # packed with fewer of them would not unpack.
    tables = [_TABLES, *_kind_tables(), *_INDEXES.values(), " ".join(Facts._fields)]
    shape = zlib.crc32("\n".join(tables).encode("utf-8"))
    return f"{SCHEMA} {__version__} {stat.st_size} {stat.st_mtime_ns} {vocabulary:08x} {shape:08x}"


class Index:
    """Open with `Index.open(catalogue)`: the index is made ready (brought up to date with the
    folders that changed) before anything is read from it."""

    def __init__(self, catalogue: Catalogue, db: sqlite3.Connection) -> None:
        self.catalogue = catalogue
        self.db = db
        self._citations: dict[str, int] = {}  # numbers read or given in this run (see `_citation`)
        # How scans are carried out (see `open`).
        self.part_size: int | None = None
        self.workers: int | None = None
        self.commit_every = COMMIT_EVERY

    @classmethod
    def open(
        cls,
        catalogue: Catalogue,
        progress: Progress | None = None,
        *,
        refresh: bool = True,
        memory: bool = False,
        kinds: Iterable[str] | None = None,
        thorough: bool = False,
        part_size: int | None = None,
        workers: int | None = None,
        commit_every: float = COMMIT_EVERY,
        busy_wait: float = BUSY_WAIT,
    ) -> Index:
        """`thorough`: compare every file as `validate` does, not only the folders (for outputs
        shared beyond the team: a file edited in place, say made confidential, is seen).

        How this index's scans are carried out, for tests of scans in several parts and of
        interruptions (the defaults suit every catalogue): `part_size`, files of a flat folder or
        nested folders per part of the work (default: a thousand to a few thousand files per part);
        `workers`, processes the parts are shared among (default: one per core, up to 4; 1: all in
        this process); `commit_every`, seconds of work kept in one transaction (0: a commit after
        every part; a first build is committed once, whole); `busy_wait`, seconds to wait for
        another command that is writing to the index before saying it is busy."""

        def made(db: sqlite3.Connection) -> Index:
            index = cls(catalogue, db)
            index.part_size, index.workers, index.commit_every = part_size, workers, commit_every
            return index

        index = made(_connect(catalogue, memory, busy_wait))
        try:
            index._prepare()
        except sqlite3.DatabaseError as error:
            if getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                index.close()
                raise InvalidInput(
                    "the index is busy: another heritage command is bringing it up to date; run this one again "
                    "when it is done",
                    file=index_path(catalogue.root),
                ) from None
            index.close()
            if not cannot_write(error):  # not an index any more (a damaged or foreign file): start again
                for suffix in ("", "-wal", "-shm"):
                    index_path(catalogue.root).with_name(FILE + suffix).unlink(missing_ok=True)
            index = made(_connect(catalogue, memory or cannot_write(error), busy_wait))
            index._prepare()
        if refresh and thorough:
            index.full_scan(progress)
            index.raise_unreadable(FLAT + NESTED)
        elif refresh:
            index.refresh(progress, kinds)
        return index

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        stamp = _stamp(self.catalogue)
        with self._write():
            tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "meta" in tables:
                row = self.db.execute("SELECT value FROM meta WHERE key='stamp'").fetchone()
                if row and row[0] == stamp:
                    return
                for name in tables:
                    self.db.execute(f"DROP TABLE IF EXISTS {name}")
            for statement in [*_TABLES.split(";"), *_kind_tables()]:
                if statement.strip():
                    self.db.execute(statement)
            for name in _INDEXES:
                self.db.execute(_create_index(name))
            self.db.execute("INSERT INTO meta VALUES ('stamp', ?)", (stamp,))
            # Counted on from the clock, so that an index built again never repeats a generation
            # that a process still holding an older result could take for its own.
            self.db.execute("INSERT INTO meta VALUES ('generation', ?)", (str(time.time_ns()),))

    def _write(self) -> _Transaction:
        return _Transaction(self.db, self.commit_every)

    # -- bringing the index up to date -------------------------------------------------------

    def refresh(self, progress: Progress | None = None, kinds: Iterable[str] | None = None) -> ScanSummary:
        """Re-read the folders whose modification time changed (of these kinds only, if given: a
        command that reads only allegations from the index need not look at a million reports).
        Raises InvalidInput, naming the file, if a record cannot be read: no command works from a
        catalogue it cannot read."""
        wanted = set(kinds) if kinds is not None else set(FLAT + NESTED)
        scan = self._run(lambda: self._changed_folders(wanted), progress)
        self.raise_unreadable(wanted)
        return scan

    def full_scan(self, progress: Progress | None = None) -> ScanSummary:
        """Compare every file's size, times and inode with the index, and re-read what differs (what
        `validate` does: it also sees files edited in place)."""
        return self._run(self._all_folders, progress)

    def _reader_uri(self) -> str | None:
        """The index's address for other connections that only read it (None if it is in memory)."""
        return None if self.in_memory else index_path(self.catalogue.root).resolve().as_uri() + "?mode=ro"

    @property
    def in_memory(self) -> bool:
        return bool(self.db.execute("PRAGMA database_list").fetchone()[2] == "")

    def raise_unreadable(self, kinds: Iterable[str]) -> None:
        marks = ",".join("?" * len(list(kinds)))
        query = f"SELECT problems FROM files WHERE unreadable = 1 AND kind IN ({marks}) ORDER BY path LIMIT 1"
        row = self.db.execute(query, list(kinds)).fetchone()
        if row:
            problem = Problem(*json.loads(row[0])[0])
            raise InvalidInput(problem.message, file=problem.file, record=problem.record, field=problem.field)

    def _known(self, kind: str, folders: list[str] | None = None) -> dict[str, FolderRecord]:
        """What the index holds for a kind's folders (all of them, or these), by path: the kind's
        own folder ('reports') and those inside it ('reports/site-1')."""
        query = f"SELECT path, {FOLDER_COLUMNS} FROM folders WHERE "
        if folders is None:  # by the primary key: from 'kind' up to 'kind0' ('0' follows '/')
            rows = self.db.execute(query + "path >= ? AND path < ?", (kind, kind + "0"))
            return {row[0]: FolderRecord(*row[1:]) for row in rows}
        known = {}
        for n in range(0, len(folders), 500):
            part = folders[n : n + 500]
            rows = self.db.execute(query + f"path IN ({','.join('?' * len(part))})", part)
            known.update({row[0]: FolderRecord(*row[1:]) for row in rows})
        return known

    def _changed_folders(self, wanted: set[str]) -> ScanPlan:
        root = self.catalogue.root
        # A folder holding a record that could not be read is looked at again each time: the record
        # may be fixed in place, or become valid (a date that was in the future).
        self.db.execute(
            "UPDATE folders SET mtime_ns = -1, digest = NULL, names = NULL "
            "WHERE path IN (SELECT folder FROM files WHERE unreadable = 1)"
        )
        plan = ScanPlan(self.catalogue.clock())
        times = "SELECT mtime_ns FROM folders WHERE path = ?"
        for name in (f for f in FLAT if f in wanted):
            mtime = mtime_of(root / name)
            if mtime is None or mtime != _first(self.db.execute(times, (name,)).fetchone()):
                plan.flat(root, name)
        for parent in (n for n in NESTED if n in wanted):
            mtime = mtime_of(root / parent)
            if mtime is None or mtime != _first(self.db.execute(times, (parent,)).fetchone()):
                plan.parent(root, parent, mtime, self._known(parent))
                continue
            try:
                fd = os.open(root / parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            except OSError:  # gone or replaced since its time was taken
                plan.parent(root, parent, None, self._known(parent))
                continue
            # Every site's folder is looked at: only their times, each by its name in the open parent.
            query = "SELECT path, mtime_ns FROM folders WHERE path > ? AND path < ?"
            rows = self.db.execute(query, (parent + "/", parent + "0"))
            changed = []
            start = len(parent) + 1
            try:
                for folder, recorded in rows.fetchall():
                    try:
                        now = os.stat(folder[start:], dir_fd=fd, follow_symlinks=False).st_mtime_ns
                    except OSError:
                        plan.gone.append(folder)
                        continue
                    if now != recorded:
                        changed.append(folder)
            finally:
                os.close(fd)
            known = self._known(parent, changed)
            plan.nested.update((folder, known.get(folder)) for folder in changed)
        return plan

    def _all_folders(self) -> ScanPlan:
        """Every folder, each compared in a worker with what the index holds for it (the workers
        read those rows themselves, by ranges of the kinds' names: this process only takes those)."""
        root = self.catalogue.root
        folders = FLAT + NESTED
        marks = ",".join("?" * len(folders))
        rows = self.db.execute(f"SELECT path, {FOLDER_COLUMNS} FROM folders WHERE path IN ({marks})", folders)
        plan = ScanPlan(self.catalogue.clock(), {row[0]: FolderRecord(*row[1:]) for row in rows})
        for name in FLAT:
            plan.flat(root, name)
        for parent in NESTED:
            plan.every(root, parent)
        return plan

    def _run(self, planner: Callable[[], ScanPlan], progress: Progress | None) -> ScanSummary:
        """`_scan`, falling back on an index in memory if this one cannot be written (a full disk):
        slower, since every file is read again, but a reader never stops for want of a cache."""
        with _collecting():
            try:
                return self._scan(planner, progress)
            except sqlite3.OperationalError as error:
                if self.in_memory or not cannot_write(error):
                    raise
            self._go_on_in_memory()
            return self._scan(planner, progress)

    def _go_on_in_memory(self) -> None:
        """Leave an index that cannot be written for an empty one in memory, to be scanned."""
        self.db.close()
        self.db = _connect(self.catalogue, memory=True)
        self._citations = {}
        self._prepare()

    def _scan(self, planner: Callable[[], ScanPlan], progress: Progress | None) -> ScanSummary:
        """Make a plan and carry it out: forget what is gone, read what changed, record the
        folders' times. The plan is made inside the write transaction, so two commands bringing
        the index up to date take turns rather than both reading the same files. Work is committed
        every few seconds: an interruption keeps what was done, and a folder is marked as read only
        once all of its files are. A first build is committed once, whole."""
        # Citation numbers given in work that is not committed in the end are forgotten with it.
        # The write lock, shared: an import's files are never read while they are being moved in.
        with journal.shared(self.catalogue.root), self._forgetting_citations_on_error(), self._write() as transaction:
            # The first build (an index with nothing in it) goes in one transaction, its indexes
            # made and its reports in force worked out once at the end: another command never sees
            # it half done, and Ctrl-C leaves the index empty, as it was.
            first = self.db.execute("SELECT 1 FROM folders UNION ALL SELECT 1 FROM files LIMIT 1").fetchone() is None
            if first:
                for name in _INDEXES:
                    self.db.execute(f"DROP INDEX {name}")
            plan = planner()
            scan = ScanSummary(strays=plan.strays)
            tasks = plan.tasks(empty=first, size=self.part_size)
            for folder in plan.gone:
                paths = [r[0] for r in self.db.execute("SELECT path FROM files WHERE folder = ?", (folder,))]
                self._update_in_force(self._forget(paths))
                self.db.execute("DELETE FROM folders WHERE path = ?", (folder,))
                scan.removed += len(paths)
            if scan.removed:
                self._new_generation()
            done = 0
            for outcome in carry_out(self.catalogue, self.db, tasks, self._reader_uri(), self.workers):
                # The sites whose reports changed have their reports in force worked out once, after both.
                changed = self._forget(outcome.removed) | self._store_all(outcome.stored)
                if not first:
                    self._update_in_force(changed)
                self.db.executemany(
                    "INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?, ?)",
                    [(folder, *known) for folder, known in outcome.folders.items()],
                )
                self.db.executemany("DELETE FROM folders WHERE path = ?", [(folder,) for folder in outcome.gone])
                if outcome.stored.files or outcome.removed:
                    self._new_generation()  # in the transaction that changes the rows, whenever it is committed
                scan.read += len(outcome.stored.files)
                scan.removed += len(outcome.removed)
                scan.seen += outcome.seen
                scan.strays += outcome.strays
                done += 1
                if progress:
                    progress(done, len(tasks) + int(first))
                if not first:
                    transaction.checkpoint()
            if first:
                self._finish_first_build()
                if progress:
                    progress(done + 1, len(tasks) + 1)
            # Flat folders and the parents of nested ones count as read once every part is.
            self.db.executemany(
                "INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?, ?)",
                [(folder, *known) for folder, known in plan.whole.items() if plan.recorded.get(folder) != known],
            )
        return scan

    def _new_generation(self) -> None:
        """Mark the files' rows as changed, for what is kept until they change (see `generation`).
        Done in each transaction that changes them: a scan interrupted after a commit leaves the
        index changed, and what was kept must not be taken for current."""
        self.db.execute(
            "INSERT INTO meta VALUES ('generation', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    @contextmanager
    def _forgetting_citations_on_error(self) -> Iterator[None]:
        """Numbers given in work that is rolled back are not kept."""
        try:
            yield
        except BaseException:
            self._citations.clear()
            raise

    @property
    def generation(self) -> str:
        """Changes whenever the index takes in a changed, new or removed file."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return str(row[0]) if row else "0"

    def _forget(self, paths: list[str], keep_files: bool = False) -> set[str]:
        """Delete these files' rows; return the sites whose reports in force may have changed."""
        if not paths:
            return set()
        owned = [p for p in paths if kind_of(p) in kinds.IN_FORCE]
        owners = {p.split("/")[1] for p in owned}
        # A record may name another site than its folder's (misfiled): that site's history changes too.
        for table in (kinds.TABLES[folder] for folder in kinds.IN_FORCE):
            for n in range(0, len(owned), 500):
                part = owned[n : n + 500]
                query = f"SELECT DISTINCT site FROM {table} WHERE path IN ({','.join('?' * len(part))})"
                owners |= {site for (site,) in self.db.execute(query, part)}
        rows = [(p,) for p in paths]
        for table in (*kinds.TABLES.values(), "allegation_sites", *(() if keep_files else ("files",))):
            self.db.executemany(f"DELETE FROM {table} WHERE path = ?", rows)
        return owners

    def _store_all(self, batch: IndexRows) -> set[str]:
        """Store what the files say; return the sites whose reports in force may have changed."""
        owners = self._forget(batch.known, keep_files=True) | batch.owners  # and their links to sites
        self.db.executemany(_INSERT_FILE, batch.files)
        for table, values in batch.rows.items():
            self.db.executemany(_INSERT[table], values)
        self.db.executemany("INSERT INTO allegation_sites VALUES (?,?,?)", batch.links)
        return owners

    def _update_in_force(self, sites: set[str]) -> None:
        """Mark which reports of these sites are in force (see heritage.history.in_force), and
        write each site's history as the map carries it (see heritage.mapformat)."""
        for site in sites:
            rows = [_Report(*row) for row in self.db.execute(f"SELECT {_REPORT} FROM reports WHERE site = ?", (site,))]
            withdrawn = [r[0] for r in self.db.execute("SELECT retracts FROM retractions WHERE site = ?", (site,))]
            turned, history = self._in_force(site, rows, withdrawn)
            self.db.executemany("UPDATE reports SET in_force = ? WHERE path = ?", turned)
            if history is None:
                self.db.execute("DELETE FROM history WHERE site = ?", (site,))
            else:
                self.db.execute("INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?, ?, ?)", history)

    def _finish_first_build(self) -> None:
        """Every site's reports in force and history, from one pass over the reports in site
        order (far quicker than a query a site), then the indexes."""
        self.db.execute(_create_index("reports_site"))
        withdrawn: dict[str, list[str]] = defaultdict(list)
        for site, retracts in self.db.execute("SELECT site, retracts FROM retractions"):
            withdrawn[site].append(retracts)
        turned, histories = [], []
        rows = self.db.execute(f"SELECT site, {_REPORT} FROM reports ORDER BY site")
        for site, group in groupby(rows, key=itemgetter(0)):
            changes, history = self._in_force(site, [_Report(*row[1:]) for row in group], withdrawn[site])
            turned += changes
            if history is not None:  # it always is: the site has reports
                histories.append(history)
        self.db.executemany("UPDATE reports SET in_force = ? WHERE path = ?", turned)
        self.db.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?)", histories)
        for name in (n for n in _INDEXES if n != "reports_site"):
            self.db.execute(_create_index(name))

    def _in_force(
        self, site: str, rows: list[_Report], withdrawn: list[str]
    ) -> tuple[list[tuple[int, str]], tuple[Any, ...] | None]:
        """For one site's reports: the (in_force, path) of those whose mark changes, and the site's
        row in `history` (None if it has no report)."""
        current = sorted(in_force(rows, withdrawn), key=lambda r: r.ord)
        kept = {r.id for r in current}
        # Only the rows whose mark changes: `in_force` leads the covering index, so each write moves an entry.
        turned = [(int(r.id in kept), r.path) for r in rows if r.in_force != (r.id in kept)]
        if not rows:
            return turned, None
        numbers = [self._citation(r.sources) for r in current]
        entries = ",".join(
            history_entry(
                r.end_day,
                r.start_day,
                r.condition,
                r.method,
                number,
                r.certainty,
                date_marks(r.observed),
                r.visit or "",
            )
            for r, number in zip(current, numbers, strict=True)
        )
        cited = " ".join(dict.fromkeys(map(str, numbers)))
        first = min((r.start_day if r.start_day is not None else r.end_day for r in current), default=None)
        conditions = " ".join(f"{r.end_day}:{r.condition}" for r in current)
        return turned, (site, entries, cited, first, conditions, len(rows))

    def _citation(self, sources: str) -> int:
        """The number of a set of cited sources (ids joined by ' '), given once and kept: a site's
        history refers to what it cites by this number."""
        number = self._citations.get(sources)
        if number is None:
            row = self.db.execute("SELECT id FROM citations WHERE sources = ?", (sources,)).fetchone()
            if row is None:
                row = (self.db.execute("INSERT INTO citations (sources) VALUES (?)", (sources,)).lastrowid,)
            number = self._citations[sources] = int(row[0])
        return number

    # -- the files' SHA-256, for manifests (see heritage.integrity) ----------------------------

    def kept_hashes(self) -> tuple[dict[str, str], dict[str, str]]:
        """Each file's stamp (size, times, inode) when it was hashed, and its SHA-256, by path."""
        return (
            dict(self.db.execute("SELECT path, stamp FROM hashes")),
            dict(self.db.execute("SELECT path, sha256 FROM hashes")),
        )

    def kept_paths(self) -> list[str]:
        return [path for (path,) in self.db.execute("SELECT path FROM hashes")]

    def keep_hashes(self, hashed: list[tuple[str, str, str]], gone: list[str]) -> None:
        try:
            with self._write():
                self.db.executemany("DELETE FROM hashes WHERE path = ?", [(path,) for path in gone])
                self.db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?)", hashed)
        except sqlite3.OperationalError as error:
            if not cannot_write(error):
                raise  # else not kept: they are hashed again next time

    # -- reading -----------------------------------------------------------------------------

    def located_sites(self) -> list[tuple[str, float, float, str]]:
        """Every site with a point: id, longitude, latitude, sensitivity, in the files' order."""
        return self.rows("SELECT id, lon, lat, sensitivity FROM sites WHERE lon IS NOT NULL ORDER BY path")

    def content_keys(self, table: str, key_of: Callable[[str], str]) -> None:
        """Give every row of a kind's table that has no content key yet (new since the last
        import) its key, `key_of(path)`. Kept if the index can be written; used for this run if not."""
        missing = [path for (path,) in self.db.execute(f"SELECT path FROM {table} WHERE content_key IS NULL")]
        if not missing:
            return
        keys = [(key_of(path), path) for path in missing]
        try:
            with self._write():
                self.db.executemany(f"UPDATE {table} SET content_key = ? WHERE path = ?", keys)
        except sqlite3.OperationalError as error:
            if not cannot_write(error):
                raise
            self._go_on_in_memory()  # a full disk: this run goes on in memory; the next one hashes again
            self._scan(self._all_folders, None)
            with self._write():
                self.db.executemany(f"UPDATE {table} SET content_key = ? WHERE path = ?", keys)

    def lookup(self, table: str, column: str, values: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Records of a kind's table ('sites', 'reports') by `column` ('id' or 'content_key'):
        value -> (id, content key), for those of `values` that are there (what an import asks)."""
        found: dict[str, tuple[str, str]] = {}
        wanted = list(values)
        for n in range(0, len(wanted), 500):
            part = wanted[n : n + 500]
            query = f"SELECT {column}, id, content_key FROM {table} WHERE {column} IN ({','.join('?' * len(part))})"
            found.update((row[0], (row[1], row[2])) for row in self.db.execute(query, part))
        return found

    def rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        return self.db.execute(sql, parameters).fetchall()

    def conditions_on(self, day: date) -> dict[str, Latest]:
        """Each site's condition as of `day`: its latest report in force observed by then, as
        `heritage.history.condition_as_of` picks it (`ord` sorts as `report_order` does)."""
        return {
            site: Latest(i, observed, _CONDITION[condition], _CERTAINTY[certainty])
            for site, i, observed, condition, certainty in self.latest(day)
        }

    def competing_corrections(self) -> dict[str, list[str]]:
        """Each site's competing corrections, `heritage.history.competing_ids` applied to the
        site's corrections that are not retracted (only they can compete)."""
        links: dict[str, list[Link]] = defaultdict(list)
        for site, report_id, supersedes in self.rows(_CORRECTIONS):
            links[site].append(Link(report_id, supersedes))
        return {site: ids for site, found in links.items() if (ids := competing_ids(found))}

    def changes(self, start: date, end: date, sites: Iterable[str], first_reports: bool = False) -> list[Change]:
        """`heritage.history.changes_between`, answered from the index: each site's latest
        report in force by either day (see `latest`), compared."""
        if end < start:
            raise ValueError(f"the later date {end} is before the earlier one {start}")
        with self.snapshot():
            later, earlier = self.latest(end), self.latest(start)
        return compared(later, earlier, sites, first_reports)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """The reads within on one state of the index (a read transaction), unless one is open."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("ROLLBACK")  # it only read

    def latest(self, day: date) -> list[LatestRow]:
        """The latest report in force observed by `day` of each site that has one: (site,
        report, observed, condition, certainty)."""
        return self.rows(f"SELECT site, id, observed, condition, certainty FROM ({_LATEST})", (day.toordinal(),))


def compared(
    later: Sequence[LatestRow], earlier: Sequence[LatestRow], sites: Iterable[str], first_reports: bool = False
) -> list[Change]:
    """The sites among `sites` whose latest report by the later day gives another condition than
    the one by the earlier day (`Index.latest` of each). A site with a report by the earlier day
    has one by the later day too; one without is left out unless `first_reports`, and then
    counts as unknown before. Certainty is shown, not compared: `damaged (possible)` becoming
    `damaged (confirmed)` is no change of condition."""
    before = {row[0]: row for row in earlier}
    wanted = set(sites)
    found = []
    for site, a_id, a_observed, a_condition, a_certainty in later:
        if site not in wanted:
            continue
        was = before.get(site)
        if was is None and not first_reports:
            continue
        if (was[3] if was is not None else "unknown") == a_condition:
            continue
        then = Latest(was[1], was[2], _CONDITION[was[3]], _CERTAINTY[was[4]]) if was is not None else None
        found.append(Change(site, then, Latest(a_id, a_observed, _CONDITION[a_condition], _CERTAINTY[a_certainty])))
    found.sort(key=lambda change: change.site)
    return found


# Each site's latest report in force observed by a day (SQLite returns the other columns of the
# row that holds the max()).
_CONDITION = {condition.value: condition for condition in Condition}  # quicker than Condition(value)
_CERTAINTY: dict[str | None, Certainty | None] = {None: None, **{c.value: c for c in Certainty}}
_CORRECTIONS = (
    "SELECT site, id, supersedes FROM reports r WHERE supersedes IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM retractions x WHERE x.site = r.site AND x.retracts = r.id)"
)
_LATEST = (
    "SELECT site, id, observed, condition, certainty, max(ord) FROM reports "
    "WHERE in_force = 1 AND end_day <= ? GROUP BY site"
)


LatestRow = tuple[str, str, str, str, str | None]  # site, report, observed, condition, certainty


@dataclass(frozen=True)
class Latest:
    """The report that gives a site's condition on a day."""

    id: str
    observed: str
    condition: Condition
    certainty: Certainty | None = None


class _Report(NamedTuple):
    """A report's row as reports in force are worked out from it (columns of `reports`, by name)."""

    id: str
    supersedes: str | None
    ord: str
    end_day: int
    start_day: int | None
    condition: str
    certainty: str | None
    method: str
    sources: str
    path: str
    in_force: int
    observed: str
    visit: str | None  # `heritage.mapformat.visit_members`, kept as the entry will end


_REPORT = ", ".join(_Report._fields)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error or Ctrl-C. `checkpoint` commits the
    work so far and goes on in a new transaction once enough has piled up."""

    def __init__(self, db: sqlite3.Connection, commit_every: float = COMMIT_EVERY) -> None:
        self.db = db
        self.commit_every = commit_every
        self.started = 0.0

    def __enter__(self) -> _Transaction:
        self.db.execute("BEGIN IMMEDIATE")
        self.started = time.monotonic()
        return self

    def checkpoint(self) -> None:
        if time.monotonic() - self.started >= self.commit_every:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN IMMEDIATE")
            self.started = time.monotonic()

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # not if Ctrl-C came between a checkpoint's COMMIT and BEGIN
            self.db.execute("ROLLBACK")


@contextmanager
def _collecting() -> Iterator[None]:
    """The cyclic collector on while a scan runs, even inside a command that paused it (an
    import, a map: see heritage.collector): the scan's workers are forked from this process and
    would inherit a paused collector for all the files they read."""
    paused = not gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if paused:
            gc.disable()


def _create_index(name: str) -> str:
    return f"CREATE INDEX {name} ON {_INDEXES[name]}"


def _first(row: tuple[Any, ...] | None) -> Any:
    return row[0] if row else None

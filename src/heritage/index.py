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
therefore compare the folders' times (about 100,000 report folders take a quarter of a second)
and re-read only the folders that changed. `validate` goes further and compares every file's
size, times and inode, so it also sees a file edited in place or replaced by an older copy;
quick commands see such an edit only after the next `validate` (outputs shared beyond the team
compare every file too: see `verified`). To keep that cheap, each folder's listing (names,
sizes, times, inodes) is kept as a digest: a folder whose digest is unchanged needs no row of the
index read. Times within a couple of seconds of the scan are not trusted (a change in the same
clock tick would look like no change): those folders and files are read again next time, as git
does with its index.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple, TypeVar

from heritage import __version__, layout
from heritage.errors import InvalidInput, Problem
from heritage.examine import Examined, examine, kind_of
from heritage.history import Change, in_force
from heritage.mapformat import VOCABULARY, history_entry
from heritage.models.vocab import Condition
from heritage.store import Catalogue

FOLDER = ".heritage"
FILE = "index.sqlite"
SCHEMA = 15
# A folder or file changed this recently may change again within the same clock tick unseen.
RACY_NS = 2_000_000_000
CHUNK = 500  # files per piece of work handed to a worker
TASK_TIMEOUT = 300.0  # seconds for one piece of work (a thousand files take well under one)
BUSY_WAIT = 600.0  # seconds a command waits for another that is updating the index
COMMIT_EVERY = 2.0  # seconds of work kept in one transaction while the index is brought up to date

FLAT = (layout.SITES, layout.SOURCES, layout.ALLEGATIONS)
NESTED = (layout.REPORTS, layout.RETRACTIONS, layout.REVIEWS, layout.EVIDENCE)

Progress = Callable[[int, int], None]  # (files done, files to do)

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE folders (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, digest TEXT);
CREATE TABLE files (
    path TEXT PRIMARY KEY, folder TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
    facts TEXT, problems TEXT, unreadable INTEGER NOT NULL DEFAULT 0, ctime_ns INTEGER, ino INTEGER);
CREATE INDEX files_folder ON files (folder, path, size, mtime_ns, ctime_ns, ino);
CREATE INDEX files_unreadable ON files (unreadable) WHERE unreadable = 1;
CREATE INDEX files_kind ON files (kind, unreadable);
CREATE INDEX files_problems ON files (kind, folder, path) WHERE problems IS NOT NULL;
CREATE TABLE sites (
    path TEXT PRIMARY KEY, id TEXT, type TEXT, tradition TEXT, lon REAL, lat REAL, precision TEXT,
    uncertainty_m REAL, name TEXT, names TEXT, period TEXT, areas TEXT, sensitivity TEXT,
    west REAL, south REAL, east REAL, north REAL);
CREATE INDEX sites_id ON sites (id);
CREATE TABLE reports (
    path TEXT PRIMARY KEY, site TEXT, id TEXT, start_day INTEGER, end_day INTEGER, observed TEXT,
    recorded_at TEXT, ord TEXT, condition TEXT, method TEXT, sources TEXT, supersedes TEXT,
    sensitivity TEXT, live INTEGER NOT NULL DEFAULT 1);
CREATE INDEX reports_site ON reports (site);
CREATE INDEX reports_sensitivity ON reports (sensitivity);
CREATE INDEX reports_in_force ON reports (
    live, site, ord, end_day, start_day, condition, method, sources, id, observed);
CREATE TABLE history (
    site TEXT PRIMARY KEY, entries TEXT, cited TEXT, first_day INTEGER, conditions TEXT, reports INTEGER);
CREATE TABLE citations (id INTEGER PRIMARY KEY, sources TEXT UNIQUE);
CREATE TABLE retractions (path TEXT PRIMARY KEY, site TEXT, id TEXT, retracts TEXT);
CREATE INDEX retractions_site ON retractions (site);
CREATE TABLE allegations (path TEXT PRIMARY KEY, id TEXT, responds_to TEXT, made_day INTEGER);
CREATE INDEX allegations_responds_to ON allegations (responds_to);
CREATE TABLE allegation_sites (path TEXT, allegation TEXT, site TEXT);
CREATE INDEX allegation_sites_site ON allegation_sites (site);
CREATE INDEX allegation_sites_path ON allegation_sites (path);
CREATE TABLE hashes (path TEXT PRIMARY KEY, stamp TEXT, sha256 TEXT) WITHOUT ROWID;
"""
_KIND_TABLES = {
    layout.SITES: "sites",
    layout.REPORTS: "reports",
    layout.RETRACTIONS: "retractions",
    layout.ALLEGATIONS: "allegations",
}
_INSERT = {
    "sites": "INSERT OR REPLACE INTO sites VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "reports": "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
    "retractions": "INSERT OR REPLACE INTO retractions VALUES (?,?,?,?)",
    "allegations": "INSERT OR REPLACE INTO allegations VALUES (?,?,?,?)",
}


# What a file's `stat` is compared on: size, times and inode. A file replaced by another of the same
# size and modification time (a copy that keeps times, an old version moved back) has another
# inode or change time, as git's index also checks.
_COMPARED = "size, mtime_ns, ctime_ns, ino"


class Known(NamedTuple):
    """What the index records for a folder: its time, and a digest of its listing (every entry's
    name, type, size, times and inode) when all of its files are stored as they are and none is
    too recent to trust. A folder whose listing has the same digest holds no changed file; only
    the folders whose digest differs need their files compared one by one."""

    mtime_ns: int
    digest: str | None = None


class Found(NamedTuple):
    """A record file as a folder listing shows it."""

    path: str  # relative, with '/'
    size: int
    mtime_ns: int
    known: bool  # the index has a row for it (changed rather than new)
    ctime_ns: int
    ino: int


@dataclass
class Task:
    """A piece of a scan: whole folders of a nested kind, or a slice of a flat folder's names."""

    folders: list[str] = field(default_factory=list)
    known: list[Known | None] = field(default_factory=list)  # what the index holds for each folder
    flat: str | None = None
    names: list[str] = field(default_factory=list)
    lower: str = ""  # the slice covers the index's rows from this path...
    upper: str | None = None  # ...up to this one (the next slice's first), or the folder's end
    # Nested folders given as a range (lower and upper set, `known` empty): the worker reads what
    # the index holds for the range, and finds the folders it holds that are gone.


@dataclass
class Outcome:
    """What a task found: the files it read again, and what is gone or does not belong."""

    examined: list[Examined] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    folders: dict[str, Known] = field(default_factory=dict)  # folder -> what to record for it
    gone: list[str] = field(default_factory=list)  # folders the index holds that are no longer there
    seen: int = 0


@dataclass
class Scan:
    """What bringing the index up to date found."""

    read: int = 0  # files read again
    removed: int = 0
    seen: int = 0  # files compared
    strays: list[str] = field(default_factory=list)


def index_path(root: Path) -> Path:
    return root / FOLDER / FILE


def _connect(catalogue: Catalogue, memory: bool = False) -> sqlite3.Connection:
    """The catalogue's index, or one in memory if asked or if the catalogue's folder cannot be
    written (a read-only copy)."""
    folder = catalogue.root / FOLDER
    try:
        if memory:
            raise OSError("an index in memory was asked for")
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# heritage's index: rebuilt from the files, safe to delete\n*\n", encoding="utf-8")
        # A second command waits while another builds the index (minutes, the first time).
        db = sqlite3.connect(folder / FILE, timeout=BUSY_WAIT, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
    except (OSError, sqlite3.Error):
        db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("PRAGMA synchronous=NORMAL")
    # Building the index writes a million rows into several B-trees at once: a roomy page cache
    # (256 MB at most, taken only as used) keeps that from turning into random reads and writes.
    db.execute("PRAGMA cache_size=-262144")
    return db


def _stamp(catalogue: Catalogue) -> str:
    """What every row depends on besides its own file: the schema, the tool, catalogue.json (its
    vocabulary decides which records are valid; its region and parties, which are wrong) and the
    order of the map's vocabulary (the histories kept refer to terms by position)."""
    stat = os.stat(layout.catalogue_file(catalogue.root))
    vocabulary = zlib.crc32(VOCABULARY.encode("utf-8"))
    return f"{SCHEMA} {__version__} {stat.st_size} {stat.st_mtime_ns} {vocabulary:08x}"


class Index:
    """Open with `Index.open(catalogue)`: the index is made ready (brought up to date with the
    folders that changed) before anything is read from it."""

    def __init__(self, catalogue: Catalogue, db: sqlite3.Connection) -> None:
        self.catalogue = catalogue
        self.db = db
        self._citations: dict[str, int] = {}  # numbers read or given in this run (see `_citation`)

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
    ) -> Index:
        """`thorough`: compare every file as `validate` does, not only the folders (for outputs
        shared beyond the team: a file edited in place, say made confidential, is seen)."""
        index = cls(catalogue, _connect(catalogue, memory))
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
            # Not an index any more (a damaged or foreign file): start again.
            index.close()
            for suffix in ("", "-wal", "-shm"):
                index_path(catalogue.root).with_name(FILE + suffix).unlink(missing_ok=True)
            index = cls(catalogue, _connect(catalogue, memory))
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
            for statement in _TABLES.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute("INSERT INTO meta VALUES ('stamp', ?)", (stamp,))

    def _write(self) -> _Transaction:
        return _Transaction(self.db)

    # -- bringing the index up to date -------------------------------------------------------

    def refresh(self, progress: Progress | None = None, kinds: Iterable[str] | None = None) -> Scan:
        """Re-read the folders whose modification time changed (of these kinds only, if given: a
        command that reads only allegations from the index need not look at a million reports).
        Raises InvalidInput, naming the file, if a record cannot be read: no command works from a
        catalogue it cannot read."""
        wanted = set(kinds) if kinds is not None else set(FLAT + NESTED)
        scan = self._run(lambda: self._changed_folders(wanted), progress)
        self.raise_unreadable(wanted)
        return scan

    def full_scan(self, progress: Progress | None = None, started: Callable[[], None] | None = None) -> Scan:
        """Compare every file's size, times and inode with the index, and re-read what differs (what
        `validate` does: it also sees files edited in place). `started` is called once the
        comparison is under way in its worker processes (see `verified`)."""
        return self._run(self._all_folders, progress, started)

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

    def _known(self, kind: str, folders: list[str] | None = None) -> dict[str, Known]:
        """What the index holds for a kind's folders (all of them, or these), by path: the kind's
        own folder ('reports') and those inside it ('reports/site-1')."""
        query = "SELECT path, mtime_ns, digest FROM folders WHERE "
        if folders is None:  # by the primary key: from 'kind' up to 'kind0' ('0' follows '/')
            rows = self.db.execute(query + "path >= ? AND path < ?", (kind, kind + "0"))
            return {path: Known(mtime, digest) for path, mtime, digest in rows}
        known = {}
        for n in range(0, len(folders), 500):
            part = folders[n : n + 500]
            rows = self.db.execute(query + f"path IN ({','.join('?' * len(part))})", part)
            known.update({path: Known(mtime, digest) for path, mtime, digest in rows})
        return known

    def _changed_folders(self, wanted: set[str]) -> _Plan:
        root = self.catalogue.root
        # A folder holding a record that could not be read is looked at again each time: the record
        # may be fixed in place, or become valid (a date that was in the future).
        self.db.execute(
            "UPDATE folders SET mtime_ns = -1, digest = NULL "
            "WHERE path IN (SELECT folder FROM files WHERE unreadable = 1)"
        )
        plan = _Plan(time.time_ns())
        times = "SELECT mtime_ns FROM folders WHERE path = ?"
        for name in (f for f in FLAT if f in wanted):
            mtime = _mtime(root / name)
            if mtime is None or mtime != _first(self.db.execute(times, (name,)).fetchone()):
                plan.flat(root, name, mtime)
        for parent in (n for n in NESTED if n in wanted):
            mtime = _mtime(root / parent)
            if mtime is None or mtime != _first(self.db.execute(times, (parent,)).fetchone()):
                plan.parent(root, parent, mtime, self._known(parent))
                continue
            try:
                fd = os.open(root / parent, os.O_RDONLY | os.O_DIRECTORY)
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
                        now = os.stat(folder[start:], dir_fd=fd).st_mtime_ns
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

    def _all_folders(self) -> _Plan:
        """Every folder, each compared in a worker with what the index holds for it (the workers
        read those rows themselves, by ranges of the listing: this process only lists)."""
        root = self.catalogue.root
        plan = _Plan(time.time_ns())
        for name in FLAT:
            plan.flat(root, name, _mtime(root / name))
        for parent in NESTED:
            plan.every(root, parent, _mtime(root / parent))
        return plan

    def _run(
        self, planner: Callable[[], _Plan], progress: Progress | None, started: Callable[[], None] | None = None
    ) -> Scan:
        """Make a plan and carry it out: forget what is gone, read what changed, record the
        folders' times. The plan is made inside the write transaction, so two commands bringing
        the index up to date take turns rather than both reading the same files. Work is committed
        every few seconds: an interruption keeps what was done, and a folder is marked as read only
        once all of its files are."""
        # Citation numbers given in work that is not committed in the end are forgotten with it.
        with self._forgetting_citations_on_error(), self._write() as transaction:
            plan = planner()
            scan = Scan(strays=plan.strays)
            tasks = plan.tasks()
            for folder in plan.gone:
                paths = [r[0] for r in self.db.execute("SELECT path FROM files WHERE folder = ?", (folder,))]
                self._update_in_force(self._forget(paths))
                self.db.execute("DELETE FROM folders WHERE path = ?", (folder,))
                scan.removed += len(paths)
            done = 0
            for outcome in _carry_out(self, tasks, started):
                # The sites whose reports changed have their reports in force worked out once, after both.
                changed = self._forget(outcome.removed) | self._store_all(outcome.examined, plan.now)
                self._update_in_force(changed)
                self.db.executemany(
                    "INSERT OR REPLACE INTO folders VALUES (?, ?, ?)",
                    [(folder, *known) for folder, known in outcome.folders.items()],
                )
                self.db.executemany("DELETE FROM folders WHERE path = ?", [(folder,) for folder in outcome.gone])
                scan.read += len(outcome.examined)
                scan.removed += len(outcome.removed)
                scan.seen += outcome.seen
                scan.strays += outcome.strays
                done += 1
                if progress:
                    progress(done, len(tasks))
                transaction.checkpoint()
            # Flat folders and the parents of nested ones count as read once every part is.
            self.db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?, NULL)", plan.whole.items())
            if scan.read or scan.removed:
                self.db.execute(
                    "INSERT INTO meta VALUES ('generation', '1') "
                    "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
        return scan

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
        owned = [p for p in paths if kind_of(p) in (layout.REPORTS, layout.RETRACTIONS)]
        owners = {p.split("/")[1] for p in owned}
        # A record may name another site than its folder's (misfiled): that site's history changes too.
        for table in ("reports", "retractions"):
            for n in range(0, len(owned), 500):
                part = owned[n : n + 500]
                query = f"SELECT DISTINCT site FROM {table} WHERE path IN ({','.join('?' * len(part))})"
                owners |= {site for (site,) in self.db.execute(query, part)}
        rows = [(p,) for p in paths]
        for table in ("sites", "reports", "retractions", "allegations", "allegation_sites") + (
            () if keep_files else ("files",)
        ):
            self.db.executemany(f"DELETE FROM {table} WHERE path = ?", rows)
        return owners

    def _store_all(self, batch: list[Examined], now: int) -> set[str]:
        """Store what the files say; return the sites whose reports in force may have changed."""
        owners = self._forget([e.path for e in batch if e.known], keep_files=True)
        files, rows, links = [], defaultdict(list), []
        for examined in batch:
            path = examined.path
            kind = kind_of(path)
            # A file changed within the same clock tick as it was read could change again unseen:
            # recorded without its time, it is read again next time.
            # A record that cannot be read is read again each time: its date may be in the future
            # today and not tomorrow.
            racy = examined.mtime_ns > now - RACY_NS
            mtime = -1 if racy or examined.unreadable else examined.mtime_ns
            files.append(
                (
                    path,
                    path.rsplit("/", 1)[0],
                    kind,
                    examined.size,
                    mtime,
                    examined.facts_json,
                    examined.problems_json,
                    int(examined.unreadable is not None),
                    examined.ctime_ns,
                    examined.ino,
                )
            )
            table = _KIND_TABLES.get(kind)
            if table and examined.row is not None:
                rows[table].append((path, *examined.row))
            if examined.links and examined.facts:
                links += [(path, examined.facts["id"], site) for site in examined.links]
            if kind in (layout.REPORTS, layout.RETRACTIONS):
                owners.add(path.split("/")[1])
                if examined.row is not None:  # the site the record names, if misfiled under another
                    owners.add(examined.row[0])
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?)", files)
        for table, values in rows.items():
            self.db.executemany(_INSERT[table], values)
        self.db.executemany("DELETE FROM allegation_sites WHERE path = ?", {(link[0],) for link in links})
        self.db.executemany("INSERT INTO allegation_sites VALUES (?,?,?)", links)
        return owners

    def _update_in_force(self, sites: set[str]) -> None:
        """Mark which reports of these sites are in force (see heritage.history.in_force), and
        write each site's history as the map carries it (see heritage.mapformat)."""
        for site in sites:
            rows = [
                _Report(*row)
                for row in self.db.execute(
                    "SELECT id, supersedes, ord, end_day, start_day, condition, method, sources, path, live "
                    "FROM reports WHERE site = ?",
                    (site,),
                )
            ]
            withdrawn = [r[0] for r in self.db.execute("SELECT retracts FROM retractions WHERE site = ?", (site,))]
            live = sorted(in_force(rows, withdrawn), key=lambda r: r.ord)
            kept = {r.id for r in live}
            # Only the rows whose mark changes: `live` leads the covering index, so each write moves an entry.
            turned = [(int(r.id in kept), r.path) for r in rows if r.live != (r.id in kept)]
            self.db.executemany("UPDATE reports SET live = ? WHERE path = ?", turned)
            if not rows:
                self.db.execute("DELETE FROM history WHERE site = ?", (site,))
                continue
            numbers = [self._citation(r.sources) for r in live]
            entries = ",".join(
                history_entry(r.end_day, r.start_day, r.condition, r.method, number)
                for r, number in zip(live, numbers, strict=True)
            )
            cited = " ".join(dict.fromkeys(map(str, numbers)))
            first = min((r.start_day if r.start_day is not None else r.end_day for r in live), default=None)
            conditions = " ".join(f"{r.end_day}:{r.condition}" for r in live)
            self.db.execute(
                "INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?, ?, ?)",
                (site, entries, cited, first, conditions, len(rows)),
            )

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
        with self._write():
            self.db.executemany("DELETE FROM hashes WHERE path = ?", [(path,) for path in gone])
            self.db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?, ?)", hashed)

    # -- reading -----------------------------------------------------------------------------

    def located_sites(self) -> list[tuple[str, float, float, str]]:
        """Every site with a point: id, longitude, latitude, sensitivity, in the files' order."""
        return self.rows("SELECT id, lon, lat, sensitivity FROM sites WHERE lon IS NOT NULL ORDER BY path")

    def rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        return self.db.execute(sql, parameters).fetchall()

    def conditions_on(self, day: date) -> dict[str, Latest]:
        """Each site's condition as of `day`: its latest report in force observed by then, as
        `heritage.history.condition_as_of` picks it (`ord` sorts as `report_order` does)."""
        rows = self.db.execute(_LATEST, (day.toordinal(),))
        return {site: Latest(i, observed, _CONDITION[condition]) for site, i, observed, condition, _ in rows}

    def changes(self, start: date, end: date, sites: Iterable[str], first_reports: bool = False) -> list[Change]:
        """`heritage.history.changes_between`, answered from the index in one query that returns
        only the sites whose condition differs (a site's report by `start` is one by `end` too, so
        every site with a condition at `start` has one at `end`)."""
        if end < start:
            raise ValueError(f"the later date {end} is before the earlier one {start}")
        query = f"""
            WITH after AS ({_LATEST}), before AS ({_LATEST})
            SELECT after.site, before.id, before.observed, before.condition,
                   after.id, after.observed, after.condition
            FROM after LEFT JOIN before ON before.site = after.site
            WHERE coalesce(before.condition, 'unknown') != after.condition
            {"" if first_reports else "AND before.site IS NOT NULL"}
            """
        wanted = set(sites)
        found = []
        for site, b_id, b_observed, b_condition, a_id, a_observed, a_condition in self.db.execute(
            query, (end.toordinal(), start.toordinal())
        ):
            if site in wanted:
                earlier = Latest(b_id, b_observed, _CONDITION[b_condition]) if b_id is not None else None
                found.append(Change(site, earlier, Latest(a_id, a_observed, _CONDITION[a_condition])))
        found.sort(key=lambda change: change.site)
        return found


# Each site's latest report in force observed by a day (SQLite returns the other columns of the
# row that holds the max()).
_CONDITION = {condition.value: condition for condition in Condition}  # quicker than Condition(value)
_LATEST = "SELECT site, id, observed, condition, max(ord) FROM reports WHERE live = 1 AND end_day <= ? GROUP BY site"


T = TypeVar("T")


def verified(catalogue: Catalogue, work: Callable[[Index], T], progress: Progress | None = None) -> T:
    """`work(index)`, on an index that agrees with every file, as `validate` checks it.

    The index first takes in the folders that changed (appends, as quick commands do). Then every
    file is compared with it in worker processes, while `work` runs on the index as it stands, in
    a thread of this process and one read transaction, so that neither waits for the other. If
    the index changed meanwhile (the comparison took in a file edited in place, or another
    command wrote to it), the result is thrown away and `work` runs again on the index as it is
    now. Either way the result is what the files say: this is what any output shared beyond the
    team is built with (a file made confidential in place is seen)."""
    with Index.open(catalogue, progress) as index:  # up to date with the folders that changed
        if index.in_memory:  # a read-only catalogue: another connection would see another index
            index.full_scan(progress)
            index.raise_unreadable(FLAT + NESTED)
            return work(index)
        done: dict[str, Any] = {}

        def read() -> None:
            try:
                # Its own connection, and no preparing: that would wait for the comparison's writes.
                with Index(catalogue, _connect(catalogue)) as reader:
                    reader.db.execute("BEGIN")  # one snapshot for all of the work
                    try:
                        done["generation"] = reader.generation
                        done["result"] = work(reader)
                    finally:
                        reader.db.execute("ROLLBACK")  # it only read
            except BaseException as error:  # handed to the calling thread below
                done["error"] = error

        # A daemon: Ctrl-C during the comparison does not wait for the reading to end.
        thread = threading.Thread(target=read, name="heritage-read", daemon=True)
        index.full_scan(progress, started=thread.start)
        if thread.ident is not None:
            thread.join()
        index.raise_unreadable(FLAT + NESTED)
        if done.get("generation") != index.generation:
            return work(index)  # the index changed under the reading: read again
        if "error" in done:
            raise done["error"]
        return done["result"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Latest:
    """The report that gives a site's condition on a day."""

    id: str
    observed: str
    condition: Condition


class _Report(NamedTuple):
    id: str
    supersedes: str | None
    ord: str
    end_day: int
    start_day: int | None
    condition: str
    method: str
    sources: str
    path: str
    live: int


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error or Ctrl-C. `checkpoint` commits the
    work so far and goes on in a new transaction once enough has piled up."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.started = 0.0

    def __enter__(self) -> _Transaction:
        self.db.execute("BEGIN IMMEDIATE")
        self.started = time.monotonic()
        return self

    def checkpoint(self) -> None:
        if time.monotonic() - self.started >= COMMIT_EVERY:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN IMMEDIATE")
            self.started = time.monotonic()

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # not if Ctrl-C came between a checkpoint's COMMIT and BEGIN
            self.db.execute("ROLLBACK")


_NOT_RECORDS = (".gitkeep", "README.md")  # files a folder of the catalogue may hold that are not records


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


def _mtime(path: Path | str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _first(row: tuple[Any, ...] | None) -> Any:
    return row[0] if row else None


def _time(known: Known | None) -> int | None:
    return known.mtime_ns if known else None


def _trusted(mtime: int | None, now: int) -> int:
    """The time to record for a folder: -1 (read it again next time) if it is too recent to trust."""
    if mtime is None or mtime > now - RACY_NS:
        return -1
    return mtime


class _Plan:
    """The folders a scan will read, cut into tasks of about a thousand files."""

    GROUP = 100  # nested folders per task (about ten files each)

    def __init__(self, now: int) -> None:
        self.now = now
        self.flats: list[tuple[str, list[str]]] = []
        self.nested: dict[str, Known | None] = {}  # folder -> what the index holds for it
        self.gone: list[str] = []
        self.strays: list[str] = []
        self.whole: dict[str, int] = {}  # folders whose time is recorded once all tasks are done
        self.ranges: list[tuple[str, list[str]]] = []  # nested kinds whose every folder is compared

    def flat(self, root: Path, name: str, mtime: int | None) -> None:
        self.whole[name] = _trusted(mtime, self.now)
        try:
            names = sorted(os.listdir(root / name))
        except (FileNotFoundError, NotADirectoryError):
            names = []
        if not storable("/".join(names)):  # rare: look at each
            self.strays += [_shown(f"{name}/{n}") for n in names if not storable(n)]
            names = [n for n in names if storable(n)]
        self.flats.append((name, names))

    def parent(self, root: Path, parent: str, mtime: int | None, known: dict[str, Known]) -> None:
        """The folders inside a nested kind's folder that are new or whose time differs from the
        one recorded."""
        self.whole[parent] = _trusted(mtime, self.now)
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
                if entry.stat().st_mtime_ns != _time(recorded):
                    self.nested[folder] = recorded
            elif entry.name not in _NOT_RECORDS:
                self.strays.append(f"{parent}/{entry.name}")
        self.gone += sorted(known.keys() - present - {parent})

    def every(self, root: Path, parent: str, mtime: int | None) -> None:
        """All the folders inside a nested kind's folder, by name alone: whether each is a folder,
        and what the index holds for it, is for the workers to find out."""
        self.whole[parent] = _trusted(mtime, self.now)
        try:
            names = sorted(os.listdir(root / parent))
        except (FileNotFoundError, NotADirectoryError):
            names = []
        if not storable("/".join(names)):  # rare: look at each
            self.strays += [_shown(f"{parent}/{n}") for n in names if not storable(n)]
            names = [n for n in names if storable(n)]
        self.ranges.append((parent, [n for n in names if n not in _NOT_RECORDS]))

    def tasks(self) -> list[Task]:
        tasks = []
        for name, names in self.flats:
            for n in range(0, max(len(names), 1), CHUNK):
                lower = f"{name}/{names[n]}" if n else f"{name}/"
                upper = f"{name}/{names[n + CHUNK]}" if n + CHUNK < len(names) else None
                tasks.append(Task(flat=name, names=names[n : n + CHUNK], lower=lower, upper=upper))
        folders = list(self.nested)
        for n in range(0, len(folders), self.GROUP):
            part = folders[n : n + self.GROUP]
            tasks.append(Task(folders=part, known=[self.nested[f] for f in part]))
        for parent, names in self.ranges:
            # Each task covers the index's folders from its first name up to the next task's
            # first, the first from the kind's start and the last to its end: a folder the index
            # holds that is no longer listed falls in exactly one range.
            for n in range(0, max(len(names), 1), self.GROUP):
                lower = f"{parent}/{names[n]}" if n else f"{parent}/"
                upper = f"{parent}/{names[n + self.GROUP]}" if n + self.GROUP < len(names) else f"{parent}0"
                part = [f"{parent}/{name}" for name in names[n : n + self.GROUP]]
                tasks.append(Task(folders=part, lower=lower, upper=upper))
        return tasks


def _carry_out(index: Index, tasks: list[Task], started: Callable[[], None] | None = None) -> Iterator[Outcome]:
    """Run the tasks, on every core when there is much to do. Workers read the index on their own
    connection; only this process writes to it. `started` is called once the workers exist (a
    thread started before the fork would be copied into them half-way through its work)."""
    workers = min(os.cpu_count() or 1, 4)
    if len(tasks) < 4 or workers < 2 or index.in_memory or "fork" not in multiprocessing.get_all_start_methods():
        if started:
            started()
        for task in tasks:
            yield _task(index.catalogue, index.db, task)
        return
    _WORKER["catalogue"] = index.catalogue
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)
    if started:
        started()
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


def _work(task: Task) -> Outcome:
    catalogue: Catalogue = _WORKER["catalogue"]
    if _WORKER.get("db") is None:
        uri = index_path(catalogue.root).resolve().as_uri() + "?mode=ro"
        _WORKER["db"] = sqlite3.connect(uri, uri=True, timeout=60)
    return _task(catalogue, _WORKER["db"], task)


def _task(catalogue: Catalogue, db: sqlite3.Connection, task: Task) -> Outcome:
    """List, compare and read again what changed. The hot loop of a warm `validate` (a million
    files): plain strings and one query per task, no pathlib."""
    root = str(catalogue.root)
    outcome = Outcome()
    now = time.time_ns()
    listed: list[tuple[str, str, os.stat_result]] = []  # (folder, name, stat)
    stored: dict[str, tuple[int, ...]] = {}  # path -> (size, times, inode) in the index, for the files compared
    if task.flat is not None:
        folder = task.flat
        # The slice's rows by the primary key: from `lower` up to the next slice's first name.
        upper = task.upper or f"{folder}0"  # '0' follows '/': the end of this folder's paths
        query = f"SELECT path, {_COMPARED} FROM files WHERE path >= ? AND path < ?"  # by the primary key
        stored = {row[0]: row[1:] for row in db.execute(query, (task.lower, upper))}
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
                        listed.append((folder, name, os.stat(name, dir_fd=fd)))
                    except OSError:
                        continue  # gone since the listing
            finally:
                os.close(fd)
    if task.flat is None:
        slow: list[str] = []  # folders whose files are compared one by one
        if task.known:
            held = dict(zip(task.folders, task.known, strict=True))
        else:  # a range: what the index holds from its lower bound up to its upper one
            query = "SELECT path, mtime_ns, digest FROM folders WHERE path >= ? AND path < ?"  # by the primary key
            held = {path: Known(mtime, digest) for path, mtime, digest in db.execute(query, (task.lower, task.upper))}
            outcome.gone = sorted(held.keys() - set(task.folders))
            slow += outcome.gone
        for folder in task.folders:
            known = held.get(folder)
            base = f"{root}/{folder}"
            try:
                mtime, entries = _listing(base)
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
            now_known = Known(_trusted(mtime, now), _digest(entries, now))
            if known is not None and now_known.digest is not None and now_known.digest == known.digest:
                outcome.seen += len(entries)
                if now_known != known:
                    outcome.folders[folder] = now_known
                continue
            slow.append(folder)
            outcome.folders[folder] = now_known
            listed += [(folder, name, stat) for name, stat in entries]
        if slow:
            marks = ",".join("?" * len(slow))
            query = f"SELECT path, {_COMPARED} FROM files WHERE folder IN ({marks})"
            stored = {row[0]: row[1:] for row in db.execute(query, slow)}
    found: list[Found] = []
    for folder, name, stat in listed:
        path = f"{folder}/{name}"
        if not storable(name):
            outcome.strays.append(_shown(path))
            continue
        if name.endswith(layout.RECORD_SUFFIX) or name.endswith(layout.SITE_SUFFIX):
            if _record(folder, name, stat):
                outcome.seen += 1
                before = stored.pop(path, None)
                now_seen = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
                if before != now_seen:
                    found.append(Found(path, *now_seen[:2], before is not None, *now_seen[2:]))
                continue
        elif name in _NOT_RECORDS:
            continue
        elif folder.startswith(layout.EVIDENCE) and name[0] != ".":
            continue  # the evidence bytes themselves: `verify` checks those
        outcome.strays.append(path)
    outcome.removed = list(stored)
    found.sort()  # rows go into the index's B-trees in order: much cheaper than at random
    outcome.examined = [examine(catalogue, f.path, f.size, f.mtime_ns, f.known) for f in found]
    for examined, f in zip(outcome.examined, found, strict=True):
        examined.ctime_ns, examined.ino = f.ctime_ns, f.ino
    # A folder with a stray or an unreadable record keeps no digest: it is looked at again each time.
    doubtful = {path.rsplit("/", 1)[0] for path in outcome.strays}
    doubtful |= {e.path.rsplit("/", 1)[0] for e in outcome.examined if e.unreadable is not None}
    for folder in doubtful & outcome.folders.keys():
        outcome.folders[folder] = outcome.folders[folder]._replace(digest=None)
    for examined in outcome.examined:
        examined.pack()
    return outcome


def _record(folder: str, name: str, stat: os.stat_result) -> bool:
    """A record file (rather than a stray): a regular file with the kind's suffix."""
    suffix = layout.SITE_SUFFIX if folder == layout.SITES else layout.RECORD_SUFFIX
    return name[0] != "." and name.endswith(suffix) and S_ISREG(stat.st_mode)


def _listing(base: str) -> tuple[int, list[tuple[str, os.stat_result]]]:
    """A folder's modification time, taken before it is listed (a file added meanwhile shows next
    time), and each entry with its `stat`. Each name is looked up in the open folder: two
    processes walking whole paths at once contend for the folders they share (measured)."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        mtime = os.fstat(fd).st_mtime_ns
        names = os.listdir(fd)
        try:
            return mtime, [(name, os.stat(name, dir_fd=fd)) for name in names]
        except OSError:  # one went away since the listing (or is a broken link): leave it out
            entries = []
            for name in names:
                try:
                    entries.append((name, os.stat(name, dir_fd=fd)))
                except OSError:
                    continue
            return mtime, entries
    finally:
        os.close(fd)


def _digest(entries: list[tuple[str, os.stat_result]], now: int) -> str | None:
    """A digest of a folder's listing, or None if an entry is too recent to trust."""
    parts = []
    for name, stat in sorted(entries):
        if stat.st_mtime_ns > now - RACY_NS:
            return None
        parts.append(f"{name}/{stat.st_mode}/{stat.st_size}/{stat.st_mtime_ns}/{stat.st_ctime_ns}/{stat.st_ino}")
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()

"""Where every file of a catalogue lives. The one place that knows the layout.

    catalogue.json                       name, region, parties, extra vocabulary
    areas.geojson                        optional: outlines of the catalogue's areas, for maps
    sites/<site-id>.geojson              one GeoJSON Feature per site
    sources/<source-id>.json             one file per source
    reports/<site-id>/<report-id>.json   condition reports, grouped by the site they observe
    retractions/<site-id>/<id>.json      withdrawals of reports (the report itself stays)
    allegations/<allegation-id>.json     one file per allegation
    reviews/<allegation-id>/<id>.json    reviews of an allegation: its status moves only through them
    evidence/<aa>/<sha256>               evidence files, named by the SHA-256 of their bytes
    custody/<sha256>/<event-id>.json     custody events of an evidence file, after its intake
    checkpoints/                         signed checkpoints over the records (`heritage.checkpoints`)
    verifications/<id>.json              how a source, file, report or allegation was checked

Only regular files and real folders inside the catalogue count. A symbolic link (to a file or a
folder, inside the catalogue or out), a named pipe, a socket or a device is never opened by any
reader: the listings here skip it, `stray_files` and `stray_evidence` name it, and `validate` and
`verify` report it (`special`). So is a name that is not UTF-8 (`plain_name`): one rule for every
reader. Files are opened with `open_regular`, which refuses anything but a regular file even if it
was swapped in after the folder was listed.

One record, one file, never rewritten: an append adds a file and touches nothing else, so two
copies of a catalogue that each append merge in git without conflicts, and reading one site's
history lists one small folder however large the catalogue grows. Paths inside the catalogue are
relative, so a catalogue folder can be copied anywhere.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple

from heritage import kinds
from heritage.errors import InvalidInput, SpecialFile
from heritage.kinds import Shape

CATALOGUE_FILE = "catalogue.json"
AREAS_FILE = "areas.geojson"  # optional outlines of the catalogue's areas, drawn on maps
# The kinds' folders and suffixes, as the registry names them (`heritage.kinds`).
FOLDERS = kinds.FOLDERS
RECORD_SUFFIX = kinds.RECORD_SUFFIX
SITE_SUFFIX = kinds.SITE_SUFFIX
SITES = kinds.SITES.folder
SOURCES = kinds.SOURCES.folder
REPORTS = kinds.REPORTS.folder
ALLEGATIONS = kinds.ALLEGATIONS.folder
RETRACTIONS = kinds.RETRACTIONS.folder
REVIEWS = kinds.REVIEWS.folder
EVIDENCE = kinds.EVIDENCE.folder
CUSTODY = kinds.CUSTODY.folder
VERIFICATIONS = kinds.VERIFICATIONS.folder
MAPS = "maps"  # where `heritage map` and `heritage dossier` write by default; not records
# Signed checkpoints (`heritage.checkpoints`): beside the records, never covered by a root hash
# (a checkpoint cannot sign a root that its own file would change), never rewritten.
CHECKPOINTS = "checkpoints"
ALLOWED_SIGNERS = "allowed_signers"  # checkpoints/allowed_signers: who may sign, as git and ssh-keygen read it
CHECKPOINT_SUFFIX = ".checkpoint"
SIGNATURE_SUFFIX = ".checkpoint.sig"
LIST_SUFFIX = ".files"  # the files a checkpoint added to those its previous ones covered, as sha256sum lists them
# What `heritage init` makes: every kind's folder, the checkpoints' and the one outputs go to.
INIT_FOLDERS = (*FOLDERS, CHECKPOINTS, MAPS)
NOT_RECORDS = (".gitkeep", "README.md")  # files a record folder may hold that are not records


def not_a_record(folder: Path | str, name: str) -> bool:
    """One of the `NOT_RECORDS` files, and a regular file: a pipe named README.md is a stray."""
    return name in NOT_RECORDS and regular_file(f"{folder}/{name}")


# Written by appends before the final link; left behind only by a process killed mid-write.
TEMP_PREFIX = ".tmp-"
# heritage's own state beside the records: the index (`heritage.index`, a cache it deletes and
# rebuilds at will), imports on their way in, the writers' lock. Never outputs.
TOOL_FOLDER = ".heritage"
JOURNALS = f"{TOOL_FOLDER}/imports"
WRITE_LOCK = f"{TOOL_FOLDER}/write.lock"


def catalogue_file(root: Path) -> Path:
    return root / CATALOGUE_FILE


def site_file(root: Path, site_id: str) -> Path:
    return root.joinpath(SITES, f"{site_id}{SITE_SUFFIX}")  # one join: an import makes 100,000


def source_file(root: Path, source_id: str) -> Path:
    return root / SOURCES / f"{source_id}{RECORD_SUFFIX}"


def site_reports_folder(root: Path, site_id: str) -> Path:
    return root / REPORTS / site_id


def report_file(root: Path, site_id: str, report_id: str) -> Path:
    return root.joinpath(REPORTS, site_id, f"{report_id}{RECORD_SUFFIX}")  # one join: an import makes millions


def retraction_file(root: Path, site_id: str, retraction_id: str) -> Path:
    return root / RETRACTIONS / site_id / f"{retraction_id}{RECORD_SUFFIX}"


def retraction_files(root: Path, site_id: str | None = None) -> Iterator[Path]:
    return _owned_files(root, RETRACTIONS, site_id)


def review_file(root: Path, allegation_id: str, review_id: str) -> Path:
    return root / REVIEWS / allegation_id / f"{review_id}{RECORD_SUFFIX}"


def review_files(root: Path, allegation_id: str | None = None) -> Iterator[Path]:
    return _owned_files(root, REVIEWS, allegation_id)


def evidence_file(root: Path, sha256: str) -> Path:
    """Evidence is stored by the SHA-256 of its exact bytes (what sha256sum prints)."""
    return root / EVIDENCE / sha256[:2] / sha256


def evidence_record_file(root: Path, sha256: str) -> Path:
    return evidence_file(root, sha256).with_name(f"{sha256}{RECORD_SUFFIX}")


def _evidence_entries(root: Path, records: bool) -> Iterator[Path]:
    for shard in _entries(root / EVIDENCE):
        if shard.folder and shard.plain:
            for entry in _entries(Path(shard.path)):
                if _counts(entry) and entry.name.endswith(RECORD_SUFFIX) == records:
                    yield Path(entry.path)


def evidence_files(root: Path) -> Iterator[Path]:
    """The evidence bytes themselves."""
    return _evidence_entries(root, records=False)


def evidence_records(root: Path) -> Iterator[Path]:
    """The records that describe them."""
    return _evidence_entries(root, records=True)


def custody_file(root: Path, sha256: str, event_id: str) -> Path:
    """A custody event, in the folder named after the SHA-256 of the evidence file it is about."""
    return root / CUSTODY / sha256 / f"{event_id}{RECORD_SUFFIX}"


def custody_files(root: Path, sha256: str | None = None) -> Iterator[Path]:
    return _owned_files(root, CUSTODY, sha256)


def allegation_file(root: Path, allegation_id: str) -> Path:
    return root / ALLEGATIONS / f"{allegation_id}{RECORD_SUFFIX}"


def verification_file(root: Path, verification_id: str) -> Path:
    return root / VERIFICATIONS / f"{verification_id}{RECORD_SUFFIX}"


class Entry(NamedTuple):
    """One name in a folder, as the listing itself tells it (no stat() per file, which matters at a
    million): whether it is a regular file or a real folder (a link to either is neither)."""

    name: str
    path: str
    regular: bool
    folder: bool

    @property
    def plain(self) -> bool:
        return plain_name(self.name)


def plain_name(name: str) -> bool:
    """A name that is UTF-8 on disk. Python hands any other as surrogate escapes, which no record's
    name holds and the index cannot store: such a file is a stray for every reader alike."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _entries(folder: Path) -> list[Entry]:
    """A folder's entries in name order; none if it does not exist or is not a real folder (a
    link to one is not followed: `stray_files` names it instead)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return []
    try:
        with os.scandir(fd) as listing:
            found = [
                Entry(e.name, f"{folder}/{e.name}", e.is_file(follow_symlinks=False), e.is_dir(follow_symlinks=False))
                for e in listing
            ]
    finally:
        os.close(fd)
    found.sort()
    return found


def _counts(entry: Entry, suffix: str = "") -> bool:
    """Whether a listed file is read at all: a regular file with a plain name, not hidden."""
    return entry.regular and entry.plain and not entry.name.startswith(".") and entry.name.endswith(suffix)


def _files(folder: Path, suffix: str) -> Iterator[Path]:
    for entry in _entries(folder):
        if _counts(entry, suffix):
            yield Path(entry.path)


def site_files(root: Path) -> Iterator[Path]:
    return _files(root / SITES, SITE_SUFFIX)


def record_ids(root: Path, folder: str, suffix: str) -> set[str]:
    """The ids of a flat record folder's files (`sites`, `sources`), counted as `site_files`
    counts them, with no Path made for each: an import asks this once, not once a row."""
    return {entry.name[: -len(suffix)] for entry in _entries(root / folder) if _counts(entry, suffix)}


def record_ids_starting(root: Path, folder: str, suffix: str, prefix: str) -> list[str]:
    """The ids of a flat record folder's files that start with `prefix`, counted as `record_ids`
    counts them, sorted: for completing an id as it is typed, which must stay quick at 100,000
    files (a name is looked at further only once it matches; `record_ids` takes ten times as long
    there). Nothing if the folder is not there or is not a real folder."""
    try:
        fd = os.open(root / folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return []
    try:
        with os.scandir(fd) as listing:
            found = [
                entry.name[: -len(suffix)]
                for entry in listing
                if entry.name.startswith(prefix)
                and entry.name.endswith(suffix)
                and not entry.name.startswith(".")
                and entry.is_file(follow_symlinks=False)
                and plain_name(entry.name)
            ]
    finally:
        os.close(fd)
    return sorted(found)


def source_files(root: Path) -> Iterator[Path]:
    return _files(root / SOURCES, RECORD_SUFFIX)


def allegation_files(root: Path) -> Iterator[Path]:
    return _files(root / ALLEGATIONS, RECORD_SUFFIX)


def verification_files(root: Path) -> Iterator[Path]:
    return _files(root / VERIFICATIONS, RECORD_SUFFIX)


def _owned_files(root: Path, folder: str, owner: str | None) -> Iterator[Path]:
    """<folder>/<owner-id>/<record-id>.json: one owner's records, or every owner's."""
    if owner is not None:
        if special(root / folder) is None:  # the owner's own folder is checked as it is opened
            yield from _files(root / folder / owner, RECORD_SUFFIX)
        return
    for owner_folder in _entries(root / folder):
        if owner_folder.folder and owner_folder.plain:
            yield from _files(Path(owner_folder.path), RECORD_SUFFIX)


def report_files(root: Path, site_id: str | None = None) -> Iterator[Path]:
    return _owned_files(root, REPORTS, site_id)


def files_of(root: Path, kind: kinds.Kind, owner: str | None = None) -> Iterator[Path]:
    """A kind's record files, in name order (of one owner's folder only, if given)."""
    if kind.shape is Shape.FLAT:
        return _files(root / kind.folder, kind.suffix)
    if kind.shape is Shape.PER_OWNER:
        return _owned_files(root, kind.folder, owner)
    return evidence_records(root)


def record_files(root: Path) -> Iterator[Path]:
    """Every record file, kind after kind in the registry's order."""
    for kind in kinds.KINDS:
        yield from files_of(root, kind)


def stray_files(root: Path) -> Iterator[Path]:
    """Files in the record folders that no reader will look at (misnamed, misplaced, or not a
    regular file or folder: see `special`), and a kind's folder that is not a real folder."""
    for kind in kinds.KINDS:
        if kind.shape is Shape.BY_HASH:
            continue  # see `stray_evidence`
        if special(root / kind.folder) is not None:
            yield root / kind.folder
            continue
        for entry in _entries(root / kind.folder):
            if entry.name in NOT_RECORDS and entry.regular:
                continue
            if kind.shape is Shape.FLAT:
                if not _counts(entry, kind.suffix):
                    yield Path(entry.path)
            elif not (entry.folder and entry.plain):  # <folder>/<owner-id>/<record-id>.json
                yield Path(entry.path)
            else:
                for inner in _entries(Path(entry.path)):
                    if not _counts(inner, kind.suffix):
                        yield Path(inner.path)


def stray_evidence(root: Path) -> Iterator[Path]:
    """Anything in evidence/ that is not <aa>/<sha256> or <aa>/<sha256>.json, each a regular file."""
    if special(root / EVIDENCE) is not None:
        yield root / EVIDENCE
        return
    for shard in _entries(root / EVIDENCE):
        if shard.name == ".gitkeep" and shard.regular:
            continue
        if not shard.folder or not re.fullmatch(r"[0-9a-f]{2}", shard.name):
            yield Path(shard.path)
            continue
        for entry in _entries(Path(shard.path)):
            if not entry.regular or not re.fullmatch(rf"{shard.name}[0-9a-f]{{62}}(\.json)?", entry.name):
                yield Path(entry.path)


def checkpointed_files(root: Path) -> Iterator[Path]:
    """What a checkpoint covers: every record file of every kind and every evidence file, the
    files that are added and never changed. Not catalogue.json or areas.geojson, which settings
    rewrite, nor stray files (`verify` reports those on their own)."""
    yield from record_files(root)
    yield from evidence_files(root)


def allowed_signers_file(root: Path) -> Path:
    return root / CHECKPOINTS / ALLOWED_SIGNERS


def checkpoint_files(root: Path) -> Iterator[Path]:
    """The checkpoints themselves (not their signatures or lists), in name order, which is time order."""
    return _files(root / CHECKPOINTS, CHECKPOINT_SUFFIX)


def checkpoint_entries(root: Path) -> list[Entry]:
    """Everything in checkpoints/, for `verify` to account for each name."""
    return _entries(root / CHECKPOINTS)


def special_info_files(root: Path) -> Iterator[Path]:
    """`catalogue.json` and `areas.geojson`, if either is there but not a regular file."""
    for name in (CATALOGUE_FILE, AREAS_FILE):
        if special(root / name) not in (None, "a folder"):
            yield root / name


_WHAT = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}


def _what(mode: int) -> str:
    return _WHAT.get(stat.S_IFMT(mode), "not a regular file")


def special(path: Path | str) -> str | None:
    """What a path is, if it is there and is neither a regular file nor a real folder: 'a symbolic
    link', 'a named pipe', 'a socket' or 'a device'. None for a regular file, a real folder, or
    nothing at all. The link itself is looked at, never what it points to."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return _what(mode)


def regular_file(path: Path | str) -> bool:
    """Whether `path` is a regular file itself (a link to one is not)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def open_regular_fd(path: Path | str, shown: str | Path | None = None) -> int:
    """Open a catalogue file for reading, only if it is a regular file. A link is not followed
    (O_NOFOLLOW) and a named pipe does not block (O_NONBLOCK): a file swapped for either after its
    folder was listed is refused, never read and never waited on. Raises SpecialFile naming it
    (as `shown`, if given), or OSError if it cannot be opened at all."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        what = special(path)
        if what is not None:
            raise SpecialFile(what, file=shown if shown is not None else path) from None
        raise error
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise SpecialFile(_what(mode), file=shown if shown is not None else path)
    os.set_blocking(fd, True)
    return fd


def open_regular(path: Path | str, shown: str | Path | None = None) -> IO[bytes]:
    """`open_regular_fd` as a binary file object."""
    return os.fdopen(open_regular_fd(path, shown), "rb")


STDIO = "-"  # what a command line names standard input or output by, as most Unix tools do


def open_input(path: Path | str) -> IO[bytes]:
    """Open a file named on the command line (a CSV to import, evidence to add, an area) for
    reading. A link to a file is followed, as a person would expect; but only a regular file is
    read: a named pipe or a device (/dev/zero) would be waited on or read for ever. Raises
    InvalidInput naming it, or OSError if it cannot be opened.

    `-` is standard input, read whole before anything is done with it (as a file is, whole): the
    one input a person means to stream in. A file named `-` is reached by its full path (click and
    pathlib make `./-` into `-`)."""
    if os.fspath(path) == STDIO:
        return io.BytesIO(sys.stdin.buffer.read())
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InvalidInput(f"is {_what(mode)}, not a regular file: only a file's own bytes are read", file=path)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_regular(path: Path | str, shown: str | Path | None = None) -> bytes:
    with open_regular(path, shown) as handle:
        return handle.read()


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def output_path(catalogue_root: Path, path: Path | str, *, overwrite: bool = True, folder: bool = False) -> Path:
    """The one check of every path a command writes an output to (`-o`, `--chart`, manifests),
    before any work is done. `folder`: the output is a folder that files are written into.

    Refused: a path that would land on the catalogue's own files (a map written over a report, a
    chart into a record folder, a manifest over catalogue.json) or in its index (`.heritage/`,
    which heritage deletes and rebuilds at will); a name that is not UTF-8 text (GDAL, zip
    readers and the pages that link to it cannot name it); anything at the path but a regular
    file (a real folder, for a folder output: see `check_output`); a file's name ending in `/`,
    which names a folder; and, when asked, any existing file."""
    text = os.fspath(path)
    path = Path(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            "is not a UTF-8 file name; choose a name of plain text", file=os.fsencode(path).decode("utf-8", "replace")
        ) from None
    if not folder and text.endswith(("/", os.sep)):
        raise InvalidInput("ends in '/', which names a folder: give the file's own name, such as index.html", file=text)
    target = path.resolve()
    root = catalogue_root.resolve()
    protected = {root / CATALOGUE_FILE, root / AREAS_FILE}
    inside = [root / name for name in (*FOLDERS, CHECKPOINTS, TOOL_FOLDER)]
    if target in protected or any(target == f or f in target.parents for f in inside):
        raise InvalidInput("is part of the catalogue itself; write outputs elsewhere", file=path)
    check_output(path, folder=folder)
    if not overwrite and os.path.lexists(path):
        raise InvalidInput("already exists; choose another name (or pass --force)", file=path)
    return path


def check_output(path: Path | str, *, folder: bool = False) -> bool:
    """Whether something is at an output's path, which an output may replace (or write into) only
    if it is a regular file (a real folder, if `folder`). A link, named pipe, socket or device is
    refused and left alone: `heritage map -o /dev/null`, run as root, must not put a file in the
    device's place. Checked before the work and again at the moment of writing (`atomic`)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode):
        return True
    what = "a regular file" if stat.S_ISREG(mode) else _what(mode)
    wanted = "a folder that is new or a real folder" if folder else "a file that is new or a regular file"
    raise InvalidInput(f"is {what}: an output goes only to {wanted}; nothing was written", file=path)

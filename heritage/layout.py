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

One record, one file, never rewritten: an append adds a file and touches nothing else, so two
copies of a catalogue that each append merge in git without conflicts, and reading one site's
history lists one small folder however large the catalogue grows. Paths inside the catalogue are
relative, so a catalogue folder can be copied anywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path

from heritage import kinds
from heritage.errors import InvalidInput
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
MAPS = "maps"  # where `heritage map` and `heritage dossier` write by default; not records
# What `heritage init` makes: every kind's folder, and the one outputs go to.
INIT_FOLDERS = (*FOLDERS, MAPS)
NOT_RECORDS = (".gitkeep", "README.md")  # files a record folder may hold that are not records
# Written by appends before the final link; left behind only by a process killed mid-write.
TEMP_PREFIX = ".tmp-"
# heritage's own state beside the records: the index, imports on their way in, the writers' lock.
TOOL_FOLDER = ".heritage"
JOURNALS = f"{TOOL_FOLDER}/imports"
WRITE_LOCK = f"{TOOL_FOLDER}/write.lock"


def catalogue_file(root: Path) -> Path:
    return root / CATALOGUE_FILE


def site_file(root: Path, site_id: str) -> Path:
    return root / SITES / f"{site_id}{SITE_SUFFIX}"


def source_file(root: Path, source_id: str) -> Path:
    return root / SOURCES / f"{source_id}{RECORD_SUFFIX}"


def site_reports_folder(root: Path, site_id: str) -> Path:
    return root / REPORTS / site_id


def report_file(root: Path, site_id: str, report_id: str) -> Path:
    return site_reports_folder(root, site_id) / f"{report_id}{RECORD_SUFFIX}"


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
        if shard.is_dir():
            for entry in _entries(Path(shard.path)):
                if entry.is_file() and not entry.name.startswith(".") and entry.name.endswith(RECORD_SUFFIX) == records:
                    yield Path(entry.path)


def evidence_files(root: Path) -> Iterator[Path]:
    """The evidence bytes themselves."""
    return _evidence_entries(root, records=False)


def evidence_records(root: Path) -> Iterator[Path]:
    """The records that describe them."""
    return _evidence_entries(root, records=True)


def allegation_file(root: Path, allegation_id: str) -> Path:
    return root / ALLEGATIONS / f"{allegation_id}{RECORD_SUFFIX}"


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """A folder's entries in name order; none if it does not exist. DirEntry knows each entry's
    kind from the directory listing itself: no stat() per file, which matters at a million."""
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=attrgetter("name"))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _files(folder: Path, suffix: str) -> Iterator[Path]:
    for entry in _entries(folder):
        if entry.name.endswith(suffix) and not entry.name.startswith(".") and entry.is_file():
            yield Path(entry.path)


def site_files(root: Path) -> Iterator[Path]:
    return _files(root / SITES, SITE_SUFFIX)


def source_files(root: Path) -> Iterator[Path]:
    return _files(root / SOURCES, RECORD_SUFFIX)


def allegation_files(root: Path) -> Iterator[Path]:
    return _files(root / ALLEGATIONS, RECORD_SUFFIX)


def _owned_files(root: Path, folder: str, owner: str | None) -> Iterator[Path]:
    """<folder>/<owner-id>/<record-id>.json: one owner's records, or every owner's."""
    if owner is not None:
        yield from _files(root / folder / owner, RECORD_SUFFIX)
        return
    for owner_folder in _entries(root / folder):
        if owner_folder.is_dir():
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
    """Files in the record folders that no reader will look at (misnamed or misplaced)."""
    for kind in kinds.KINDS:
        if kind.shape is Shape.FLAT:
            for entry in _entries(root / kind.folder):
                if entry.name in NOT_RECORDS:
                    continue
                if entry.is_dir() or not entry.name.endswith(kind.suffix) or entry.name.startswith("."):
                    yield Path(entry.path)
        elif kind.shape is Shape.PER_OWNER:  # <folder>/<owner-id>/<record-id>.json
            for entry in _entries(root / kind.folder):
                if entry.name in NOT_RECORDS:
                    continue
                if not entry.is_dir():
                    yield Path(entry.path)
                    continue
                for inner in _entries(Path(entry.path)):
                    if inner.is_dir() or not inner.name.endswith(kind.suffix) or inner.name.startswith("."):
                        yield Path(inner.path)


def stray_evidence(root: Path) -> Iterator[Path]:
    """Anything in evidence/ that is not <aa>/<sha256> or <aa>/<sha256>.json."""
    for shard in _entries(root / EVIDENCE):
        if shard.name == ".gitkeep":
            continue
        if not shard.is_dir() or not re.fullmatch(r"[0-9a-f]{2}", shard.name):
            yield Path(shard.path)
            continue
        for entry in _entries(Path(shard.path)):
            if entry.is_dir() or not re.fullmatch(rf"{shard.name}[0-9a-f]{{62}}(\.json)?", entry.name):
                yield Path(entry.path)


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def output_path(catalogue_root: Path, path: Path, *, overwrite: bool = True) -> Path:
    """Refuse an output that would land on the catalogue's own files (a map written over a report,
    a manifest over catalogue.json), or, when asked, on any existing file."""
    target = path.resolve()
    root = catalogue_root.resolve()
    protected = {root / CATALOGUE_FILE, root / AREAS_FILE}
    inside = [root / folder for folder in FOLDERS]
    if target in protected or any(target == f or f in target.parents for f in inside):
        raise InvalidInput("is part of the catalogue itself; write outputs elsewhere", file=path)
    if not overwrite and target.exists():
        raise InvalidInput("already exists; choose another name (or pass --force)", file=path)
    return path

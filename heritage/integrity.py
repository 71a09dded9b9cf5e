"""Records nobody can silently alter: seals, evidence hashes, manifests.

Every record is sealed when it is written: `sha256` holds the SHA-256 of its RFC 8785
serialization without that field (`codec.content_hash`; older catalogues, until `heritage
migrate`, of heritage's own serialization: see `heritage.seals`). Evidence files are stored under the
SHA-256 of their exact bytes. `verify_catalogue` recomputes both and reports every record or file
that is modified, missing or unexpected. A seal proves a record was not changed by someone who
did not also recompute it; a manifest (every file's hash, and one root hash over them, kept
outside the catalogue or handed to a third party) proves nothing was changed at all since it was
made: `compare_manifest` reports what was added, modified or removed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

from heritage import layout
from heritage.codec import loads, stored_hash
from heritage.collector import paused_gc
from heritage.errors import InvalidInput, Problem, SpecialFile, special_message
from heritage.hashing import manifest, root_hash, stream_digest
from heritage.seals import SealCheck
from heritage.store import Catalogue, read_whole, unique_keys

MANIFEST_FORMAT = 1


@dataclass
class VerifyReport:
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0
    # Each record and evidence file's SHA-256, by its path in the catalogue: what checkpoints are checked against.
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _referenced_evidence(document: dict[str, Any]) -> Iterator[str]:
    cited = document.get("evidence", [])
    if isinstance(cited, str):  # a custody event: the one file whose chain it extends
        cited = [cited]
    for item in cited:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict) and isinstance(item.get("sha256"), str):
            yield item["sha256"]


def _misplaced(path: Path, document: dict[str, Any]) -> str | None:
    """Why a sealed record is not where its content says it belongs (renamed or moved), if it is not."""
    record_id = document.get("id")
    if isinstance(document.get("file_sha256"), str):  # an evidence record: <aa>/<sha256>.json
        expected = f"{document['file_sha256']}{layout.RECORD_SUFFIX}"
        if path.name != expected or path.parent.name != document["file_sha256"][:2]:
            return f"an evidence record for {document['file_sha256']} stored as {path.parent.name}/{path.name}"
        return None
    stem = path.name.removesuffix(layout.SITE_SUFFIX).removesuffix(layout.RECORD_SUFFIX)
    if stem != record_id:
        return f"the file is named {stem!r} but holds record {record_id!r}: renamed"
    owner = (
        document.get("site")
        if path.parent.parent.name in (layout.REPORTS, layout.RETRACTIONS)
        else document.get("allegation")
        if path.parent.parent.name == layout.REVIEWS
        else document.get("evidence")
        if path.parent.parent.name == layout.CUSTODY
        else None
    )
    if owner is not None and path.parent.name != owner:
        return f"a record of {owner!r} filed under {path.parent.name!r}: moved"
    return None


def verify_catalogue(catalogue: Catalogue) -> VerifyReport:
    root = catalogue.root
    report = VerifyReport()

    def problem(code: str, message: str, path: Path, record: str | None = None) -> None:
        report.problems.append(Problem(code, message, catalogue.display(path), record))

    referenced: dict[str, Path] = {}
    described: set[str] = set()
    seals = SealCheck(catalogue)
    for path in layout.record_files(root):
        report.checked += 1
        try:
            # A key given twice is refused as every other reader refuses it: otherwise a doctored
            # copy of a key placed before the sealed one would pass here and fail `validate`.
            data = read_whole(path)
            report.digests[catalogue.display(path)] = hashlib.sha256(data).hexdigest()
            document = loads(data, object_pairs_hook=unique_keys)
        except SpecialFile as exc:  # swapped in since the listing
            problem("special-file", special_message(exc.what), path)
            continue
        except (OSError, ValueError) as exc:
            problem("unreadable", f"cannot be read as JSON ({exc})", path)
            continue
        if not isinstance(document, dict):
            problem("unreadable", "does not hold one JSON object", path)
            continue
        record_id = document.get("id") if isinstance(document.get("id"), str) else None
        placement = _misplaced(path, document)
        if placement:
            problem("moved", placement, path, record_id)
        sealed = stored_hash(document)
        if sealed is None:
            problem(
                "unsealed",
                "has no sha256 seal: it was not written by heritage, or its seal was removed",
                path,
                record_id,
            )
        elif (mismatch := seals.problem(document)) is not None:
            problem(*mismatch, path, record_id)
        for sha in _referenced_evidence(document):
            referenced.setdefault(sha, path)
        if isinstance(document.get("file_sha256"), str):  # an evidence record describes its bytes
            described.add(document["file_sha256"])
            referenced.setdefault(document["file_sha256"], path)
    stored: set[str] = set()
    for path in layout.evidence_files(root):
        report.checked += 1
        stored.add(path.name)
        try:
            actual = stored_sha256(path)
            report.digests[catalogue.display(path)] = actual
        except SpecialFile as exc:  # swapped in since the listing
            problem("special-file", special_message(exc.what), path)
            continue
        except OSError as exc:
            problem("unreadable", f"cannot be read ({exc.strerror})", path)
            continue
        if actual != path.name:
            problem("modified", f"the file's SHA-256 is {actual}, not the {path.name} it is stored under", path)
        elif path.parent.name != path.name[:2]:
            problem("unexpected", "evidence file filed under the wrong folder", path)
        elif path.name not in described:
            problem("unexpected", "no evidence record describes this file", path)
    for sha, citing in sorted(referenced.items()):
        if sha not in stored:
            problem("missing", f"cites evidence file {sha}, which is not in evidence/", citing)
    for path in [*layout.special_info_files(root), *layout.stray_files(root), *layout.stray_evidence(root)]:
        what = layout.special(path)
        if what is not None:  # a link, a pipe, a device: not opened, named
            problem("special-file", special_message(what), path)
            continue
        code = "leftover-temp" if path.name.startswith(layout.TEMP_PREFIX) else "unexpected"
        severity = "warning" if code == "leftover-temp" else "error"
        message = (
            "temporary file left by an interrupted append; safe to delete"
            if severity == "warning"
            else "not a record file where records live"
        )
        report.problems.append(Problem(code, message, catalogue.display(path), None, None, severity))
    report.problems += seals.notes()
    return report


def stored_sha256(path: Path | str) -> str:
    """A catalogue file's SHA-256, only if it is a regular file (see `layout.open_regular`)."""
    with layout.open_regular(path) as handle:
        return stream_digest(handle)[0]


def hashed_files(catalogue: Catalogue, *, kept: bool = False, skipped: list[str] | None = None) -> dict[str, str]:
    """Every file a manifest covers (see `_listed`), by its path in the catalogue, with its
    SHA-256, each file hashed now. The hashes are kept in the index with each file's size,
    modification and change time, and inode. What is not a regular file is never opened: its
    path goes into `skipped`, if given (`verify` names it as a problem of its own).

    With `kept`, a hash kept for a file that is as it was then is used rather than made again
    (the comparison git's index makes): a million files are listed and compared in seconds,
    where hashing them takes minutes. For a dossier's root hash only: `manifest` and `verify
    --against`, the tools that prove nothing changed, hash every file, since whoever can write
    to the catalogue can also write to its index."""
    from heritage.index import Index
    from heritage.scan import RACY_NS

    skipped = skipped if skipped is not None else []

    # Nothing is read into the index here (no worker is forked): the collector can rest throughout.
    with Index.open(catalogue, refresh=False) as index, paused_gc():
        stamps, shas = index.kept_hashes() if kept else ({}, {})
        trusted_until = catalogue.clock() - RACY_NS  # a later change may be followed by another unseen
        files: dict[str, str] = {}
        hashed: list[tuple[str, str, str]] = []
        for relative, stat in _listed(str(catalogue.root), skipped):
            stamp = _stamp(stat)
            if stamps.get(relative) == stamp and max(stat.st_mtime_ns, stat.st_ctime_ns) <= trusted_until:
                files[relative] = shas[relative]
                continue
            path = catalogue.root / relative
            try:
                files[relative] = stored_sha256(path)
                after = os.lstat(path)
            except FileNotFoundError:
                continue  # gone since the listing (a temporary file, say)
            except SpecialFile:
                skipped.append(relative)  # swapped in since the listing
                continue
            except OSError as error:
                raise InvalidInput(f"cannot be read ({error.strerror})", file=relative) from None
            # Kept only for a file that did not change while it was hashed, nor in the last two
            # seconds, and whose name is UTF-8 (a stray's may not be: the index cannot hold it).
            if _stamp(after) == stamp and max(stat.st_mtime_ns, stat.st_ctime_ns) <= trusted_until:
                if layout.plain_name(relative):
                    hashed.append((relative, stamp, files[relative]))
        gone = [path for path in (shas if kept else index.kept_paths()) if path not in files]
        if hashed or gone:
            index.keep_hashes(hashed, gone)
    return files


def _stamp(stat: os.stat_result) -> str:
    """What a kept hash is checked against: size, modification and change time, inode."""
    return f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_ino}"


def _listed(root: str, skipped: list[str]) -> Iterator[tuple[str, os.stat_result]]:
    """Every file a manifest covers, with its `stat`: the catalogue's description and outlines,
    and every regular file in the record and evidence folders, whatever its name (a stray file is
    a change too). Paths relative to the catalogue, with '/', in no particular order: a million of
    them. Anything else that is not a real folder (a link, a pipe, a device) goes into `skipped`."""
    for name in (layout.CATALOGUE_FILE, layout.AREAS_FILE):
        with suppress(FileNotFoundError):
            stat = os.lstat(f"{root}/{name}")
            if S_ISREG(stat.st_mode):
                yield name, stat
            else:
                skipped.append(name)
    folders = list(layout.FOLDERS)
    while folders:
        folder = folders.pop()
        try:
            fd = os.open(f"{root}/{folder}", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except FileNotFoundError:
            continue
        except OSError as error:
            if layout.special(f"{root}/{folder}") is not None:
                skipped.append(folder)
                continue
            raise InvalidInput(f"cannot be read ({error.strerror})", file=folder) from None
        try:
            for name in os.listdir(fd):
                if name == ".gitkeep":
                    continue
                try:  # looked up in the open folder: no path walked, no link followed
                    stat = os.stat(name, dir_fd=fd, follow_symlinks=False)
                except FileNotFoundError:
                    continue  # gone since the listing
                except OSError as error:
                    raise InvalidInput(f"cannot be read ({error.strerror})", file=f"{folder}/{name}") from None
                if S_ISDIR(stat.st_mode):
                    folders.append(f"{folder}/{name}")
                elif S_ISREG(stat.st_mode):
                    yield f"{folder}/{name}", stat
                else:
                    skipped.append(f"{folder}/{name}")
        finally:
            os.close(fd)


def root_hash_of(catalogue: Catalogue) -> str:
    """The root hash for a dossier, from the hashes kept where the files are as they were (see
    `hashed_files`)."""
    return root_hash(hashed_files(catalogue, kept=True))


def build_manifest(catalogue: Catalogue) -> dict[str, Any]:
    """Every file's SHA-256, each hashed now, and the root hash over them. Refused while the
    catalogue holds a link, a pipe or a device (`verify` lists them all): a manifest vouches for
    every file, and those are never opened."""
    skipped: list[str] = []
    files = hashed_files(catalogue, skipped=skipped)
    if skipped:
        first = sorted(skipped)[0]
        what = layout.special(catalogue.root / first) or "not a regular file"
        raise SpecialFile(what, file=first)
    return manifest(
        files,
        format=MANIFEST_FORMAT,
        catalogue=catalogue.info.name,
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with layout.open_input(path) as handle:  # `-`: standard input
            data = loads(handle.read().decode("utf-8"), surrogates=True)
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"is not a heritage manifest ({exc})", file=path) from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("files"), dict):
        raise InvalidInput("is not a heritage manifest (format 1 with a 'files' object)", file=path)
    if root_hash(data["files"]) != data.get("root"):
        raise InvalidInput(
            "the manifest's own root hash does not match its list of files: it was altered", file=path, field="root"
        )
    return data


@dataclass
class ManifestDiff:
    added: list[str]
    modified: list[str]
    removed: list[str]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.modified or self.removed)


def compare_manifest(catalogue: Catalogue, manifest: dict[str, Any]) -> ManifestDiff:
    then: dict[str, str] = manifest["files"]
    now = hashed_files(catalogue)
    return ManifestDiff(
        added=sorted(set(now) - set(then)),
        modified=sorted(p for p in set(now) & set(then) if now[p] != then[p]),
        removed=sorted(set(then) - set(now)),
    )

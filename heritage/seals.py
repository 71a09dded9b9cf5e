"""Checking a record's seal under its scheme, and resealing a catalogue under RFC 8785 once.

A catalogue says in `catalogue.json` how its records are sealed (`seal`): `jcs`, the SHA-256 of
the record's RFC 8785 form, for every catalogue `heritage init` makes; absent, `heritage-json-1`,
the SHA-256 of heritage's own file form, for catalogues made before. `heritage migrate`
(`reseal_catalogue`) moves a catalogue from the one to the other: it is the one rewrite of stored
records heritage ever makes. Each record keeps its old seal in `resealed`, so that anyone can
check that the record without `resealed` and its new seal is exactly the record that the old seal
sealed: the migration changed nothing else.

A record that holds `resealed` is sealed by `jcs` whatever `catalogue.json` says: a migration cut
short leaves such records in a catalogue not yet marked `jcs`, and running `heritage migrate`
again finishes it (records already resealed are skipped). `catalogue.json` is marked last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from heritage import journal, layout, settings
from heritage.atomic import replace_file
from heritage.codec import JCS, LEGACY, content_hash, dumps, hash_target, loads, stored_hash
from heritage.errors import Problem
from heritage.jcs import CanonicalizationError
from heritage.models.base import Resealing
from heritage.store import Catalogue, read_whole, unique_keys

RESEALED = "resealed"
MIGRATE_HINT = "run heritage migrate to reseal them under RFC 8785 (JCS)"


def record_scheme(document: dict[str, Any], catalogue_scheme: str) -> str:
    """The scheme of a record's seal: `jcs` for a record resealed by `heritage migrate`, else the catalogue's."""
    return JCS if RESEALED in hash_target(document) else catalogue_scheme


def previous_seal(document: dict[str, Any]) -> str:
    """The `heritage-json-1` seal of a resealed record as it was before: without `resealed` and its seal."""
    target = hash_target(document)
    before = {key: value for key, value in target.items() if key != RESEALED}
    if target is not document:  # a site: its seal holder is its properties
        return content_hash({**document, "properties": before}, LEGACY)
    return content_hash(before, LEGACY)


def seal_problem(document: dict[str, Any], catalogue_scheme: str) -> tuple[str, str] | None:
    """Why a sealed record's seal does not hold, as (code, message); None when it holds. For a
    resealed record, its previous seal must hold too, for the record as it was before."""
    scheme = record_scheme(document, catalogue_scheme)
    try:
        if content_hash(document, scheme) != stored_hash(document):
            return "modified", "its content no longer matches its sha256 seal: changed after it was written"
    except CanonicalizationError as error:
        return "unsealable", f"its seal cannot be computed: {error}"
    resealed = hash_target(document).get(RESEALED)
    if resealed is not None:
        previous = resealed.get("previous") if isinstance(resealed, dict) else None
        if not isinstance(previous, str) or previous_seal(document) != previous:
            return (
                "modified",
                "its previous seal (resealed.previous) does not hold for the record without resealed "
                "and sha256: it was changed when it was resealed",
            )
    return None


class SealCheck:
    """Checks records' seals for `heritage verify`, and says once, not once a record, that a
    catalogue's seals are still of the old scheme."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.scheme = catalogue.info.seal_scheme
        self.resealed = 0
        self.checked = 0

    def problem(self, document: dict[str, Any]) -> tuple[str, str] | None:
        self.checked += 1
        self.resealed += RESEALED in hash_target(document)
        return seal_problem(document, self.scheme)

    def notes(self) -> list[Problem]:
        if self.scheme == JCS or not self.checked:
            return []
        if self.resealed:
            message = (
                f"a migration of the seals was cut short ({self.resealed} of {self.checked} records resealed): "
                "run heritage migrate to finish it"
            )
        else:
            message = f"the records' seals are of the old {LEGACY} scheme: {MIGRATE_HINT}"
        return [Problem("old-seals", message, layout.CATALOGUE_FILE, severity="warning")]


def scheme_note(catalogue: Catalogue) -> list[Problem]:
    """For `validate`: one warning while the catalogue is not marked `jcs`."""
    if catalogue.info.seal_scheme == JCS:
        return []
    message = f"the records' seals are of the old {LEGACY} scheme (or a migration was cut short): {MIGRATE_HINT}"
    return [Problem("old-seals", message, layout.CATALOGUE_FILE, severity="warning")]


@dataclass
class Resealed:
    """What `reseal_catalogue` did, or would do with `dry_run`."""

    resealed: list[str] = field(default_factory=list)  # the files rewritten, as the catalogue shows them
    kept: int = 0  # records already sealed by jcs
    refused: list[Problem] = field(default_factory=list)  # records whose seal does not hold: nothing written
    marked: bool = False  # catalogue.json marked `seal: jcs` (or would be)

    @property
    def ok(self) -> bool:
        return not self.refused


def reseal_catalogue(catalogue: Catalogue, *, by: str, at: datetime, dry_run: bool = False) -> Resealed:
    """Reseal every record not yet sealed by `jcs`, keeping its old seal in `resealed`, then mark
    catalogue.json `seal: jcs`. Nothing at all is written if any record's current seal does not
    hold (or it cannot be read, or it has none): a migration must not give a tampered record a
    fresh seal. Each file is replaced whole (written beside it, then renamed), under the write lock
    held alone; an interrupted run leaves records each either old or resealed, and the next run
    reseals the rest. Every file is read twice, to check it and then to reseal it, rather than a
    million records held in memory between the two."""
    root = catalogue.root
    result = Resealed()
    stamp = Resealing(previous="0" * 64, scheme=LEGACY, at=at, by=by).model_dump(mode="json")  # checked once
    with journal.alone(root):
        scheme = settings.read_info(root).seal_scheme
        planned: list[Path] = []
        for path in layout.record_files(root):
            shown = catalogue.display(path)
            try:
                document = loads(read_whole(path), object_pairs_hook=unique_keys)
            except (OSError, ValueError) as error:
                result.refused.append(Problem("unreadable", f"cannot be read as JSON ({error})", shown))
                continue
            if not isinstance(document, dict):
                result.refused.append(Problem("unreadable", "does not hold one JSON object", shown))
                continue
            record = document.get("id") if isinstance(document.get("id"), str) else None
            sealed = stored_hash(document)
            if sealed is None:
                result.refused.append(Problem("unsealed", "has no sha256 seal: not resealed", shown, record))
                continue
            if record_scheme(document, scheme) == JCS:
                trouble = seal_problem(document, scheme)
                if trouble is None:
                    result.kept += 1
                    continue
                if RESEALED in hash_target(document):
                    result.refused.append(Problem(trouble[0], trouble[1], shown, record))
                    continue
            if content_hash(document, LEGACY) != sealed:
                message = "its content no longer matches its sha256 seal: changed after it was written; not resealed"
                result.refused.append(Problem("modified", message, shown, record))
                continue
            try:
                _resealed(document, stamp)
            except CanonicalizationError as error:
                result.refused.append(Problem("unsealable", f"its seal cannot be computed: {error}", shown, record))
                continue
            planned.append(path)
        result.marked = scheme != JCS and not result.refused
        if result.refused or dry_run:
            result.resealed = [catalogue.display(path) for path in planned]
            return result  # nothing written
        for path in planned:  # as checked above: nobody else writes while the lock is held
            document = loads(read_whole(path), object_pairs_hook=unique_keys)
            replace_file(path, dumps(_resealed(document, stamp)))
            result.resealed.append(catalogue.display(path))
        if result.marked:
            settings.declare_seal_scheme(root, JCS)  # last: until then, the records say which are done
    return result


def _resealed(document: dict[str, Any], stamp: dict[str, Any]) -> dict[str, Any]:
    """The document with its old seal kept in `resealed` and sealed by `jcs`."""
    target = hash_target(document)
    target[RESEALED] = {**stamp, "previous": target["sha256"]}
    target["sha256"] = content_hash(document, JCS)
    return document

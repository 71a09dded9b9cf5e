"""One record file, read and checked on its own: what `validate` and the index both need of it.

`examine` turns a file into the problems it has by itself (it does not parse, its id does not
match its name, its party is not declared...), the facts that checks across records need (its id,
the records it refers to), and the row the index keeps of it. It runs in worker processes, so it
returns plain values only: no models cross a process boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from heritage import kinds
from heritage.errors import InvalidInput, Problem
from heritage.kinds import compact_json
from heritage.models import (
    Allegation,
    ConditionReport,
    CustodyEvent,
    Evidence,
    Retraction,
    Review,
    Site,
    Source,
    Verification,
)
from heritage.models.base import Record
from heritage.sanity import inside_somehow, region_problem
from heritage.settings import grown_region, region_command
from heritage.store import Catalogue

# The code of a date from the future: a warning, since the record is read all the same.
FUTURE = "from-the-future"

# A warning recorded on a report when it came in (the position far from the site...), shown by
# `validate` under its own code with this prefix: noted in the field, not found by `validate`.
RECORDED = "field-"

# Record folders and the model of the records they hold, in the order `validate` reads them.
MODELS: dict[str, type[Record]] = {kind.folder: kind.model for kind in kinds.KINDS}


def kind_of(relative: str) -> str:
    """The folder of a record file's kind, from its path relative to the catalogue."""
    return relative.split("/", 1)[0]


def stem(relative: str) -> str:
    name = relative.rsplit("/", 1)[-1]
    return name.removesuffix(kinds.SITE_SUFFIX).removesuffix(kinds.RECORD_SUFFIX)


def owner_folder(relative: str) -> str:
    """For <folder>/<owner>/<id>.json: the owner's name (the site or allegation it is filed under)."""
    parts = relative.split("/")
    return parts[1] if len(parts) == 3 else ""


# What the checks across records need of a record is kept as one text, its parts split by
# control characters: ids, hashes and field names never hold one (ids are [a-z0-9_-]).
# Splitting them is far cheaper than parsing a JSON object per record, at a million records.
PART, ITEM, PAIR = "\x1f", "\x1e", "\x1d"


class Facts(NamedTuple):
    """What the checks across records need of one record. Lists are kept joined (see `items`)."""

    id: str
    site: str = ""  # reports and retractions: the site they are about
    # The one record it points to, if any: the report that a report supersedes or that a
    # retraction withdraws, a review's allegation, the allegation an allegation responds to,
    # an evidence record's file (its SHA-256), what a verification checks.
    target: str = ""
    sources: str = ""  # the sources it cites, each as field PAIR source
    evidence: str = ""  # the evidence files it cites, by SHA-256
    sites: str = ""  # allegations: the sites concerned
    follows: str = ""  # reviews and verifications: the one it supersedes
    aspect: str = ""  # reviews: the aspect reviewed (each aspect's reviews form their own chain)
    # Custody events: when it happened and when it was recorded; evidence records: when the file
    # was added (its intake, the chain's first link). UTC, in one fixed form that sorts as time does.
    at: str = ""
    recorded: str = ""
    relies: str = ""  # reviews: the ids they rely on
    status: str = ""  # reviews: the status they move to; verifications: their result
    subject_kind: str = ""  # verifications: the kind of record checked

    def packed(self) -> str:
        return PART.join(self)

    @classmethod
    def unpacked(cls, text: str) -> Facts:
        return cls._make(text.split(PART))


def utc_key(value: datetime) -> str:
    """A time as the facts keep it: UTC, every part written, so that text order is time order."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def items(joined: str) -> list[str]:
    return joined.split(ITEM) if joined else []


def _citing(pairs: Iterable[tuple[str, str]]) -> str:
    return ITEM.join([f"{field}{PAIR}{source}" for field, source in pairs])


@dataclass
class Examined:
    """What one file says by itself. `facts` is None if the file is not a valid record."""

    path: str  # relative to the catalogue, with '/'
    size: int
    mtime_ns: int
    problems: list[Problem]
    facts: Facts | None = None
    row: tuple[Any, ...] | None = None  # for the kind's own table in the index
    links: list[str] | None = None  # sites an allegation concerns
    known: bool = False  # the index had a row for this path before
    ctime_ns: int = -1  # as the file was found (with its inode): what the index compares besides size and time
    ino: int = -1

    @property
    def kind(self) -> str:
        return kind_of(self.path)

    def problems_text(self) -> str | None:
        """Its problems as the index keeps them (JSON), or None if it has none."""
        return compact_json([list(astuple(p)) for p in self.problems]) if self.problems else None

    @property
    def provisional(self) -> bool:
        """Its problems depend on the reader's clock (a date from the future): read it again each time."""
        return any(p.code == FUTURE for p in self.problems)

    @property
    def unreadable(self) -> Problem | None:
        """The problem that stops the record being read at all, if there is one."""
        if not self.problems:  # nearly always: asked of every file stored
            return None
        return next((p for p in self.problems if p.code == "invalid-record"), None)


class _Notes:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, code: str, message: str, record: str | None, field: str | None, severity: str = "error") -> None:
        self.problems.append(Problem(code, message, self.path, record, field, severity))

    def party(self, record: str, party: str | None, field: str, parties: set[str]) -> None:
        if party is not None and party not in parties:
            self.add("unknown-party", f"unknown party {party!r} (not declared in catalogue.json)", record, field)

    def filed_under(self, record: str, owner: str, field: str, what: str, code: str) -> None:
        """A record lives in the folder named after the site or allegation it belongs to."""
        folder = owner_folder(self.path)
        if folder != owner:
            self.add(code, f"{what} {owner!r} is filed under {folder!r}", record, field)


def examine(catalogue: Catalogue, relative: str, size: int = -1, mtime_ns: int = -1, known: bool = False) -> Examined:
    """Read and check one record file. `size` and `mtime_ns` are as the file was found, before it
    was read: a file that changes after that looks changed the next time it is compared. `known`:
    the index already has a row for this path (so the old one must go)."""
    notes = _Notes(relative)
    examined = Examined(relative, size, mtime_ns, notes.problems, known=known)
    kind = kinds.BY_FOLDER[kind_of(relative)]
    ahead: list[tuple[str, str]] = []
    try:
        record = catalogue.read(kind.model, f"{catalogue.root}/{relative}", strict=True, ahead=ahead)
    except InvalidInput as exc:
        p = exc.problem
        notes.add("invalid-record", p.message, p.record, p.field)
        return examined
    for field, message in ahead:
        notes.add(FUTURE, f"{message}: the clock that wrote it may run ahead", record.id, field, "warning")
    if kind.named_by_id and stem(relative) != record.id:
        message = f"file name says {stem(relative)!r} but the record's id is {record.id!r}"
        notes.add("id-mismatch", message, record.id, "id")
    if kind.table is not None:  # the row the index keeps of it (see heritage.kinds)
        examined.row = kind.row(record)
    info = catalogue.info
    if isinstance(record, ConditionReport):  # nine files in ten: first, and done at once
        notes.filed_under(record.id, record.site, "site", "report of site", "misfiled-report")
        for number, warning in enumerate(record.warnings):
            notes.add(RECORDED + warning.code, warning.message, record.id, f"warnings[{number}]", "warning")
        sources = _citing([("sources", c.source) for c in record.sources])
        evidence, target = ITEM.join(record.evidence), record.supersedes or ""
        examined.facts = Facts(record.id, site=record.site, target=target, sources=sources, evidence=evidence)
        return examined
    facts, region = Facts(record.id), info.region
    if isinstance(record, Site):
        if record.geometry is None:
            notes.add("no-location", "site has no location; it cannot be mapped", record.id, "geometry", "warning")
        elif region is not None and (problem := region_problem(record.geometry, region)):
            if inside_somehow(record.geometry, region):  # swapped, or a sign flipped: a typing slip
                notes.add("swapped-coordinates", problem, record.id, "geometry")
            else:  # a region is a guard against typos, not a rule: a site may lie past it
                fix = region_command(grown_region(region, [record.geometry.representative]))
                message = f"{problem}; to take it in: {fix} (or --fit for every site)"
                notes.add("outside-region", message, record.id, "geometry", "warning")
        disputed = ((f"disputes[{n}].sources", s) for n, d in enumerate(record.disputes) for s in d.sources)
        facts = facts._replace(sources=_citing(disputed))
    elif isinstance(record, Source):
        notes.party(record.id, record.party, "party", info.party_ids())
    elif isinstance(record, Allegation):
        parties = info.party_ids()
        notes.party(record.id, record.claimant.party, "claimant.party", parties)
        if record.alleged_perpetrator:
            notes.party(record.id, record.alleged_perpetrator.party, "alleged_perpetrator.party", parties)
        if record.area is not None and region is not None and (problem := region_problem(record.area, region)):
            notes.add("outside-region", problem.replace("coordinates", "area centre", 1), record.id, "area")
        facts = facts._replace(
            target=record.responds_to or "",
            sources=_citing([("source.source", record.source.source)]),
            evidence=ITEM.join(record.evidence),
            sites=ITEM.join(record.sites),
        )
        examined.links = list(record.sites)
    elif isinstance(record, Retraction):
        notes.filed_under(record.id, record.site, "site", "retraction for site", "misfiled-record")
        facts = facts._replace(site=record.site, target=record.retracts)
    elif isinstance(record, Review):
        facts = facts._replace(
            target=record.allegation,
            follows=record.supersedes or "",
            aspect=record.aspect.value,
            relies=ITEM.join(record.relies_on),
            status=record.status.value,
        )
    elif isinstance(record, Evidence):
        facts = facts._replace(
            target=record.file_sha256, sources=_citing([("source", record.source)]), at=utc_key(record.recorded_at)
        )
    elif isinstance(record, CustodyEvent):
        notes.filed_under(record.id, record.evidence, "evidence", "custody event of file", "misfiled-record")
        if record.hash_matches is False:
            message = (
                f"the SHA-256 recomputed at the time ({record.hash_checked}) is not the file's: "
                "the copy handed on was not the file"
            )
            notes.add("custody-hash-mismatch", message, record.id, "hash_checked", "warning")
        facts = facts._replace(target=record.evidence, at=utc_key(record.at), recorded=utc_key(record.recorded_at))
    elif isinstance(record, Verification):
        facts = facts._replace(
            target=record.subject,
            subject_kind=record.subject_kind.value,
            sources=_citing([("sources", c.source) for c in record.sources]),
            evidence=ITEM.join(record.evidence),
            follows=record.supersedes or "",
            status=record.result.value,
        )
    examined.facts = facts
    return examined

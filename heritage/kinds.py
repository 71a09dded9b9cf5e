"""The registry of record kinds: the one place that says, for each kind of record, where its files
live, what model reads them, and what the index keeps of them.

    kind         folder        file                           model            index table
    site         sites/        <site-id>.geojson              Site             sites
    source       sources/      <source-id>.json               Source           sources
    report       reports/      <site-id>/<report-id>.json     ConditionReport  reports
    allegation   allegations/  <allegation-id>.json           Allegation       allegations
    retraction   retractions/  <site-id>/<id>.json            Retraction       retractions
    review       reviews/      <allegation-id>/<id>.json      Review           -
    evidence     evidence/     <aa>/<sha256>.json             Evidence         -
    custody      custody/      <sha256>/<event-id>.json       CustodyEvent     -
    verification verifications/ <verification-id>.json        Verification     -

The layout (`heritage.layout`), the scan and the index (`heritage.scan`, `heritage.index`),
`validate`, `verify` and manifests take their folders, suffixes and columns from here. A new kind
is one more entry; a new column the index keeps is one more `Column` (see docs/architecture.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from heritage.history import Observation, report_order
from heritage.mapformat import visit_members
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

RECORD_SUFFIX = ".json"
SITE_SUFFIX = ".geojson"  # a site file is a GeoJSON Feature: QGIS opens it as it is


class Shape(Enum):
    """How a kind's files are laid out inside its folder."""

    FLAT = "flat"  # <folder>/<id><suffix>
    PER_OWNER = "per_owner"  # <folder>/<owner-id>/<id>.json: grouped by the site or allegation they belong to
    BY_HASH = "by_hash"  # <folder>/<aa>/<sha256>.json: named by the SHA-256 of the file they describe


@dataclass(frozen=True)
class Column:
    """A column the index keeps of a record: its name, its SQL type, and how it is read off the record."""

    name: str
    sql: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Kind:
    name: str  # singular, for messages: "report"
    folder: str
    suffix: str
    shape: Shape
    model: type[Record]
    table: str | None = None  # the index's table of this kind's records, if it keeps one
    columns: tuple[Column, ...] = ()  # after the file's path, which leads every row
    named_by_id: bool = True  # the file's name is the record's id (checked by `validate`)

    def row(self, record: Record) -> tuple[Any, ...]:
        """The record's row in the index's table, without its path."""
        return tuple(column.value(record) for column in self.columns)


def day(value: Any) -> int | None:
    """A date as the index keeps it: its proleptic ordinal (days since 1 January of year 1)."""
    return None if value is None else int(value.toordinal())


def order_key(report: Observation) -> str:
    """`heritage.history.report_order` as one string that sorts the same way, so that SQL can pick
    the latest report of a site with max(): its days as 7-digit ordinals, then the UTC time stamp
    and the id. No such time stamp is a prefix of another, so comparing the joined string compares
    the parts in turn."""
    end, start, recorded_at, report_id = report_order(report)
    return f"{end.toordinal():07d} {start.toordinal():07d} {recorded_at} {report_id}"


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _point(site: Site, n: int) -> float | None:
    return site.geometry.representative[n] if site.geometry else None


def _bound(site: Site, n: int) -> float | None:
    return site.geometry.bounds[n] if site.geometry else None


SITES = Kind(
    "site",
    "sites",
    SITE_SUFFIX,
    Shape.FLAT,
    Site,
    table="sites",
    columns=(
        Column("id", "TEXT", lambda s: s.id),
        Column("type", "TEXT", lambda s: s.type),
        Column("tradition", "TEXT", lambda s: s.tradition),
        Column("lon", "REAL", lambda s: _point(s, 0)),
        Column("lat", "REAL", lambda s: _point(s, 1)),
        Column("precision", "TEXT", lambda s: s.location.precision.value),
        Column("uncertainty_m", "REAL", lambda s: s.location.uncertainty_m),
        Column("name", "TEXT", lambda s: s.display_name()),
        Column(
            "names", "TEXT", lambda s: compact_json([n.model_dump(mode="json", exclude_defaults=True) for n in s.names])
        ),
        Column("period", "TEXT", lambda s: s.period.label if s.period else ""),
        Column("areas", "TEXT", lambda s: compact_json(s.areas)),
        Column("sensitivity", "TEXT", lambda s: s.sensitivity.value),
        Column("west", "REAL", lambda s: _bound(s, 0)),
        Column("south", "REAL", lambda s: _bound(s, 1)),
        Column("east", "REAL", lambda s: _bound(s, 2)),
        Column("north", "REAL", lambda s: _bound(s, 3)),
    ),
)
SOURCES = Kind(
    "source",
    "sources",
    RECORD_SUFFIX,
    Shape.FLAT,
    Source,
    table="sources",
    columns=(
        Column("id", "TEXT", lambda s: s.id),
        Column("title", "TEXT", lambda s: s.title),
        Column("publisher", "TEXT", lambda s: s.publisher),
        Column("reliability", "TEXT", lambda s: s.reliability.value),
        Column("url", "TEXT", lambda s: s.url),
        Column("party", "TEXT", lambda s: s.party),
        Column("sensitivity", "TEXT", lambda s: s.sensitivity.value),
    ),
)
REPORTS = Kind(
    "report",
    "reports",
    RECORD_SUFFIX,
    Shape.PER_OWNER,
    ConditionReport,
    table="reports",
    columns=(
        Column("site", "TEXT", lambda r: r.site),
        Column("id", "TEXT", lambda r: r.id),
        Column("start_day", "INTEGER", lambda r: day(r.observed.start)),
        Column("end_day", "INTEGER", lambda r: day(r.observed.end)),
        Column("observed", "TEXT", lambda r: r.observed.text),
        Column("recorded_at", "TEXT", lambda r: r.recorded_at.isoformat()),
        Column("ord", "TEXT", order_key),  # sorts as `heritage.history.report_order`
        Column("condition", "TEXT", lambda r: r.condition.value),
        Column("certainty", "TEXT", lambda r: r.certainty.value if r.certainty else None),
        Column("method", "TEXT", lambda r: r.method.value),
        Column("sources", "TEXT", lambda r: " ".join([c.source for c in r.sources])),
        Column("supersedes", "TEXT", lambda r: r.supersedes),
        Column("sensitivity", "TEXT", lambda r: r.sensitivity.value),
        Column("visit", "TEXT", lambda r: visit_members(r.access, r.visited_at, len(r.warnings)) or None),
    ),
)
ALLEGATIONS = Kind(
    "allegation",
    "allegations",
    RECORD_SUFFIX,
    Shape.FLAT,
    Allegation,
    table="allegations",
    columns=(
        Column("id", "TEXT", lambda a: a.id),
        Column("responds_to", "TEXT", lambda a: a.responds_to),
        Column("made_day", "INTEGER", lambda a: day(a.made_on.start)),
        Column("claimant", "TEXT", lambda a: a.claimant.name),
        Column("claimant_kind", "TEXT", lambda a: a.claimant.kind.value),  # a person is named to the team only
        Column("party", "TEXT", lambda a: a.claimant.party),
        Column("made", "TEXT", lambda a: str(a.made_on)),
        Column("acts", "TEXT", lambda a: " ".join(act.value for act in a.acts)),
        Column("sensitivity", "TEXT", lambda a: a.sensitivity.value),
        Column("source", "TEXT", lambda a: a.source.source),
    ),
)
RETRACTIONS = Kind(
    "retraction",
    "retractions",
    RECORD_SUFFIX,
    Shape.PER_OWNER,
    Retraction,
    table="retractions",
    columns=(
        Column("site", "TEXT", lambda r: r.site),
        Column("id", "TEXT", lambda r: r.id),
        Column("retracts", "TEXT", lambda r: r.retracts),
    ),
)
REVIEWS = Kind("review", "reviews", RECORD_SUFFIX, Shape.PER_OWNER, Review, named_by_id=False)
EVIDENCE = Kind("evidence record", "evidence", RECORD_SUFFIX, Shape.BY_HASH, Evidence, named_by_id=False)
# Filed under the SHA-256 of the evidence file whose chain they extend (the owner of the folder).
CUSTODY = Kind("custody event", "custody", RECORD_SUFFIX, Shape.PER_OWNER, CustodyEvent)

# Flat, not filed under their subject: a subject may be a source, a report, an allegation or a
# file, and a review names a verification by its id alone.
VERIFICATIONS = Kind("verification", "verifications", RECORD_SUFFIX, Shape.FLAT, Verification)

# Every kind, in the order `validate` reads and reports them.
KINDS: tuple[Kind, ...] = (SITES, SOURCES, REPORTS, ALLEGATIONS, RETRACTIONS, REVIEWS, EVIDENCE, CUSTODY, VERIFICATIONS)
BY_FOLDER: dict[str, Kind] = {kind.folder: kind for kind in KINDS}
FOLDERS: tuple[str, ...] = tuple(kind.folder for kind in KINDS)
FLAT: tuple[str, ...] = tuple(kind.folder for kind in KINDS if kind.shape is Shape.FLAT)
NESTED: tuple[str, ...] = tuple(kind.folder for kind in KINDS if kind.shape is not Shape.FLAT)
# The kinds that decide which of a site's reports are in force (a correction, a retraction).
IN_FORCE: tuple[str, ...] = (REPORTS.folder, RETRACTIONS.folder)
TABLES: dict[str, str] = {kind.folder: kind.table for kind in KINDS if kind.table is not None}

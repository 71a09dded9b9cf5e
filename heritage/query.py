"""Questions asked of a whole catalogue: which sites match, and everything about one site."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from heritage import layout
from heritage.allegations import ReviewedAllegation, allegations_about
from heritage.history import Entry, competing_corrections, competing_ids, condition_as_of, site_history
from heritage.models import Allegation, Certainty, Condition, ConditionReport, Evidence, Site, Source
from heritage.models.base import utc_today
from heritage.store import Catalogue

if TYPE_CHECKING:
    from heritage.index import Index, Latest

BBox = tuple[float, float, float, float]


@dataclass
class SiteSummary:
    site: Site
    current: ConditionReport | None
    report_count: int
    allegations: list[Allegation]
    competing: list[str] = field(default_factory=list)  # `heritage.history.competing_ids`

    @property
    def condition(self) -> Condition:
        return self.current.condition if self.current else Condition.unknown

    @property
    def certainty(self) -> Certainty | None:
        return self.current.certainty if self.current else None

    @property
    def type(self) -> str:
        return self.site.type

    @property
    def tradition(self) -> str | None:
        return self.site.tradition

    @property
    def areas(self) -> list[str]:
        return self.site.areas

    @property
    def bounds(self) -> BBox | None:
        return self.site.geometry.bounds if self.site.geometry else None

    @property
    def allegation_count(self) -> int:
        return len(self.allegations)

    def as_json(self) -> dict[str, Any]:
        site = self.site
        lon, lat = site.geometry.representative if site.geometry else (None, None)
        return {
            "id": site.id,
            "name": site.display_name(),
            "names": [n.model_dump(mode="json", exclude_defaults=True) for n in site.names],
            "type": site.type,
            "tradition": site.tradition,
            "lon": lon,
            "lat": lat,
            "location_precision": site.location.precision.value,
            "areas": site.areas,
            "condition": self.condition.value,
            "condition_certainty": self.certainty.value if self.certainty else None,
            "condition_observed": str(self.current.observed) if self.current else None,
            "condition_report": self.current.id if self.current else None,
            "competing_corrections": self.competing,
            "reports": self.report_count,
            "allegations": len(self.allegations),
            "sensitivity": site.sensitivity.value,
        }


@dataclass
class SiteFilter:
    types: set[str] = field(default_factory=set)
    traditions: set[str] = field(default_factory=set)
    conditions: set[Condition] = field(default_factory=set)
    area: str | None = None  # matched, case-insensitively, within any administrative area name
    bbox: BBox | None = None
    has_allegation: bool | None = None

    def matches(self, summary: SiteSummary | IndexedSummary) -> bool:
        if self.types and summary.type not in self.types:
            return False
        if self.traditions and summary.tradition not in self.traditions:
            return False
        if self.conditions and summary.condition not in self.conditions:
            return False
        if self.area and not any(self.area.casefold() in a.casefold() for a in summary.areas):
            return False
        if self.bbox is not None:
            if summary.bounds is None:
                return False
            west, south, east, north = self.bbox
            x0, y0, x1, y1 = summary.bounds
            if x1 < west or x0 > east or y1 < south or y0 > north:
                return False
        if self.has_allegation is not None and bool(summary.allegation_count) != self.has_allegation:
            return False
        return True


def allegations_by_site(catalogue: Catalogue) -> dict[str, list[Allegation]]:
    by_site: dict[str, list[Allegation]] = defaultdict(list)
    for allegation in catalogue.allegations():
        for site_id in allegation.sites:
            by_site[site_id].append(allegation)
    return by_site


def summarise(catalogue: Catalogue, as_of: date | None = None) -> list[SiteSummary]:
    reports: dict[str, list[ConditionReport]] = defaultdict(list)
    for report in catalogue.reports():
        reports[report.site].append(report)
    alleged = allegations_by_site(catalogue)
    retracted = {r.retracts for r in catalogue.retractions()}
    return [
        SiteSummary(
            site,
            condition_as_of(reports[site.id], as_of, retracted),
            len(reports[site.id]),
            alleged[site.id],
            competing_ids(reports[site.id], retracted),
        )
        for site in catalogue.sites()
    ]


def list_sites(catalogue: Catalogue, where: SiteFilter, as_of: date | None = None) -> list[SiteSummary]:
    return [s for s in summarise(catalogue, as_of) if where.matches(s)]


@dataclass
class IndexedSummary:
    """A site's line in `heritage list`, from the index: what `SiteSummary` gives, without
    reading the site's files."""

    id: str
    name: str
    names: list[dict[str, Any]]
    type: str
    tradition: str | None
    lon: float | None
    lat: float | None
    bounds: BBox | None
    precision: str
    areas: list[str]
    sensitivity: str
    current: Latest | None
    report_count: int
    allegation_count: int
    competing: list[str] = field(default_factory=list)

    @property
    def condition(self) -> Condition:
        return self.current.condition if self.current else Condition.unknown

    @property
    def certainty(self) -> Certainty | None:
        return self.current.certainty if self.current else None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "names": self.names,
            "type": self.type,
            "tradition": self.tradition,
            "lon": self.lon,
            "lat": self.lat,
            "location_precision": self.precision,
            "areas": self.areas,
            "condition": self.condition.value,
            "condition_certainty": self.certainty.value if self.certainty else None,
            "condition_observed": self.current.observed if self.current else None,
            "condition_report": self.current.id if self.current else None,
            "competing_corrections": self.competing,
            "reports": self.report_count,
            "allegations": self.allegation_count,
            "sensitivity": self.sensitivity,
        }


def list_indexed(index: Index, where: SiteFilter, as_of: date | None = None) -> list[IndexedSummary]:
    """`list_sites`, answered from the index: the same lines, in the same order."""
    current = index.conditions_on(as_of or utc_today())
    reports = dict(index.rows("SELECT site, reports FROM history"))  # counted as the index took them in
    alleged = dict(index.rows("SELECT site, count(*) FROM allegation_sites GROUP BY site"))
    competing = index.competing_corrections()
    found = []
    for row in index.rows(
        "SELECT id, name, names, type, tradition, lon, lat, west, south, east, north, precision, areas, sensitivity "
        "FROM sites ORDER BY path"
    ):
        site_id, name, names, kind, tradition, lon, lat, west, south, east, north, precision, areas, sensitivity = row
        summary = IndexedSummary(
            site_id,
            name,
            json.loads(names),
            kind,
            tradition,
            lon,
            lat,
            None if west is None else (west, south, east, north),
            precision,
            json.loads(areas),
            sensitivity,
            current.get(site_id),
            reports.get(site_id, 0),
            alleged.get(site_id, 0),
            competing.get(site_id, []),
        )
        if where.matches(summary):
            found.append(summary)
    return found


@dataclass
class SiteDetail:
    site: Site
    history: list[Entry]  # every report in timeline order, with what became of it
    current: ConditionReport | None
    allegations: list[ReviewedAllegation]
    sources: dict[str, Source]
    competing: dict[str, list[str]] = field(default_factory=dict)  # `heritage.history.competing_corrections`
    evidence: dict[str, Evidence] = field(default_factory=dict)  # the reports' evidence files, by SHA-256

    @property
    def reports(self) -> list[ConditionReport]:
        return [entry.report for entry in self.history]

    def as_json(self) -> dict[str, Any]:
        return {
            "site": self.site.model_dump(mode="json", exclude_none=True),
            "condition": self.current.condition.value if self.current else Condition.unknown.value,
            "condition_certainty": _certainty(self.current),
            "condition_report": self.current.id if self.current else None,
            "competing_corrections": self.competing,
            "reports": [entry_json(entry) for entry in self.history],
            "allegations": [reviewed.as_json() for reviewed in self.allegations],
            "sources": {k: v.model_dump(mode="json", exclude_none=True) for k, v in sorted(self.sources.items())},
        }

    def disputes(self) -> list[str]:
        """What `show` and `history` say of each report with competing corrections."""
        conditions = {e.report.id: e.report.condition.value for e in self.history}
        lines = []
        for corrected, ids in self.competing.items():
            each = ", ".join(f"{i} ({conditions.get(i, '?')})" for i in ids)
            lines.append(f"{corrected} has {len(ids)} competing corrections: {each}; retract all but one to settle it")
        return lines

    def history_json(self) -> dict[str, Any]:
        """What `heritage history --json` prints: the site's timeline and its condition now."""
        return {
            "site": self.site.id,
            "name": self.site.display_name(),
            "condition": self.current.condition.value if self.current else Condition.unknown.value,
            "condition_certainty": _certainty(self.current),
            "competing_corrections": self.competing,
            "timeline": [entry_json(entry) for entry in self.history],
        }


def _certainty(report: ConditionReport | None) -> str | None:
    return report.certainty.value if report and report.certainty else None


def entry_json(entry: Entry) -> dict[str, Any]:
    data = entry.report.model_dump(mode="json", exclude_none=True)
    data["status"] = entry.status
    data["superseded"] = entry.superseded_by is not None
    if entry.superseded_by:
        data["superseded_by"] = entry.superseded_by
    if entry.competing_with:
        data["competing_with"] = entry.competing_with
    if entry.retraction:
        data["retraction"] = entry.retraction.model_dump(mode="json", exclude_none=True)
    return data


def site_detail(catalogue: Catalogue, site_id: str, index: Index) -> SiteDetail:
    """Everything about one site. Reads its own report folder, the allegations the index says are
    about it, and what they cite."""
    site = catalogue.site(site_id)
    reports = list(catalogue.reports(site_id))
    retractions = list(catalogue.retractions(site_id))
    allegations = allegations_about(catalogue, index, site_id)
    cited = {c.source for r in reports for c in r.sources}
    cited |= {reviewed.allegation.source.source for reviewed in allegations}
    cited |= {s for d in site.disputes for s in d.sources}
    sources = {s: catalogue.source(s) for s in sorted(cited) if catalogue.has_source(s)}
    retracted = {r.retracts for r in retractions}
    current = condition_as_of(reports, None, retracted)
    competing = competing_corrections(reports, retracted)
    hashes = sorted({sha for r in reports for sha in r.evidence})
    evidence = {sha: catalogue.read(Evidence, layout.evidence_record_file(catalogue.root, sha)) for sha in hashes}
    return SiteDetail(site, site_history(reports, retractions), current, allegations, sources, competing, evidence)

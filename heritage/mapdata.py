"""What the offline map needs to know, as one compact JSON document.

Columns, not objects: one array per property with one entry per site, repeated strings (sources,
claimants, vocabulary) in tables referred to by index, each set of sources cited together once (a
history entry gives its number in `cites`), coordinates as integers of 1e-5 degree (about a
metre), dates as day numbers. Everything the page shows at any date is here: the
browser derives the condition as of a date from the history, as `heritage.history` does.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from heritage import __version__
from heritage.allegations import current_status, review_order, reviews_by_allegation
from heritage.audience import claimant_name, hidden, may_see, may_see_claim, may_see_report, place_for, report_reach
from heritage.collector import paused_gc
from heritage.history import changes_between, competing_ids, history_in_force, latest_by
from heritage.index import Index
from heritage.mapformat import EPOCH_ORDINAL, date_marks, history_entry, visit_members
from heritage.models import (
    Allegation,
    AllegationStatus,
    Certainty,
    Condition,
    ConditionReport,
    Review,
    ReviewAspect,
    Site,
    Source,
)
from heritage.models.base import utc_today
from heritage.models.types import When
from heritage.models.vocab import Access, AllegedAct, ClaimantKind, LocationPrecision, Method, Reliability, Sensitivity
from heritage.offline import jinja_inert
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS, STATUS_COLOURS
from heritage.store import Catalogue

EPOCH = date(1970, 1, 1)
SCALE = 100_000  # coordinates are stored as integers of 1e-5 degree

# Compress the embedded data past this size; smaller maps stay plain JSON that any browser reads.
COMPRESS_ABOVE = 2_000_000


_EPOCH_ORDINAL = EPOCH_ORDINAL
# Vocabulary positions, looked up once: the page refers to every term by its index.
PRECISION_INDEX = {p: n for n, p in enumerate(LocationPrecision)}
STATUS_INDEX = {s: n for n, s in enumerate(AllegationStatus)}
ACT_INDEX = {a: n for n, a in enumerate(AllegedAct)}


def day_number(day: date | None) -> int | None:
    return None if day is None else day.toordinal() - _EPOCH_ORDINAL


class _Table:
    """Strings kept once and referred to by index."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.rows: list[Any] = []

    def __call__(self, key: Any, row: Any = None) -> int:
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append(key if row is None else row)
        return self.index[key]


@dataclass(slots=True)
class MapAllegation:
    """What the map shows of an allegation: from a stored one, or from the index's row of one."""

    id: str
    sites: list[str]
    claimant: str
    claimant_kind: ClaimantKind
    party: str | None  # the claimant's
    made_start: date | None
    made: str  # when it was made, as written
    acts: list[AllegedAct]
    sensitivity: Sensitivity
    source: str  # the id of the source it was made in

    @classmethod
    def of(cls, allegation: Allegation) -> MapAllegation:
        return cls(
            allegation.id,
            list(allegation.sites),
            allegation.claimant.name,
            allegation.claimant.kind,
            allegation.claimant.party,
            allegation.made_on.start,
            str(allegation.made_on),
            list(allegation.acts),
            allegation.sensitivity,
            allegation.source.source,
        )


@dataclass(slots=True)
class MapSource:
    """What the map shows of a source: from a stored one, or from the index's row of one."""

    id: str
    title: str
    publisher: str | None
    reliability: Reliability
    url: str | None
    party: str | None
    sensitivity: Sensitivity

    @classmethod
    def of(cls, source: Source) -> MapSource:
        return cls(
            source.id, source.title, source.publisher, source.reliability, source.url, source.party, source.sensitivity
        )


@dataclass(slots=True)
class MapSite:
    """What the map shows of a site: from a stored site, or from the index's row of one."""

    id: str
    lon: float | None
    lat: float | None
    type: str
    tradition: str | None
    precision: LocationPrecision
    uncertainty_m: float | None
    names: list[tuple[str, str]]  # (language, text)
    period: str
    sensitivity: Sensitivity

    @classmethod
    def of(cls, site: Site) -> MapSite:
        lon, lat = site.geometry.representative if site.geometry else (None, None)
        return cls(
            site.id,
            lon,
            lat,
            site.type,
            site.tradition,
            site.location.precision,
            site.location.uncertainty_m,
            [(n.lang, n.text) for n in site.names],
            site.period.label if site.period else "",
            site.sensitivity,
        )

    def for_audience(self, audience: str) -> MapSite | None:
        """The site as `heritage.audience.site_for` lets this audience see it, as far as the map
        shows it (by the same rule, `heritage.audience.place_for`)."""
        point = None if self.lon is None or self.lat is None else (self.lon, self.lat)
        place = place_for(point, self.precision, self.uncertainty_m, self.sensitivity, audience)
        if place is None:
            return None
        if place.pinned:
            return self
        lon, lat = place.point or (None, None)
        return replace(self, lon=lon, lat=lat, precision=place.precision, uncertainty_m=place.uncertainty_m)


@dataclass(slots=True)
class ReportRow:
    """What the map and `changes` need of a condition report."""

    id: str
    site: str
    observed: When
    condition: Condition
    method: Method
    sources: tuple[str, ...]  # the cited sources' ids
    supersedes: str | None
    recorded_at: datetime
    sensitivity: Sensitivity
    certainty: Certainty | None = None
    visit: str = ""  # what a field visit adds to its entry (`heritage.mapformat.visit_members`)

    @classmethod
    def of(cls, report: ConditionReport) -> ReportRow:
        return cls(
            report.id,
            report.site,
            report.observed,
            report.condition,
            report.method,
            tuple(c.source for c in report.sources),
            report.supersedes,
            report.recorded_at,
            report.sensitivity,
            report.certainty,
            visit_members(report.access, report.visited_at, len(report.warnings)),
        )


# A report in force as the map carries it: (end, start or None as date ordinals, condition, method,
# cited source ids, certainty or None, date marks, field visit members).
InForce = tuple[int, int | None, str, str, tuple[str, ...], str | None, int, str]


class SiteHistory(NamedTuple):
    """A site's row of the index's `history` table (see heritage.mapformat)."""

    entries: str  # its reports in force, oldest first, as JSON text without the enclosing [ ]
    cited: str  # the citation numbers those entries use, joined by ' '
    first: int | None  # the earliest day in them (start, or end if no start), as an ordinal
    conditions: str  # 'end ordinal:condition' of each, joined by ' '
    reports: int  # all of the site's reports, in force or not


@dataclass
class IndexedHistory:
    """Each site's reports in force, oldest first, straight from the index: what the map shows when
    no report is hidden from its audience (so that which reports are in force is as the index
    worked it out). A million reports then need no object each: the index keeps each site's
    history as the JSON text the payload carries, each entry citing its sources by a number that
    the payload's `cites` resolves for the audience."""

    sites: dict[str, SiteHistory]  # the sites with any report
    citations: dict[int, tuple[str, ...]]  # citation number -> the source ids cited
    sensitivities: frozenset[str]  # of the reports: rows in force stand only if none is hidden
    competing: dict[str, list[str]] = field(default_factory=dict)  # `Index.competing_corrections`

    def changed(self, start: date, end: date) -> set[str]:
        """`heritage.history.changes_between` on the rows in force (kept in report order), by the
        same rule, `heritage.history.latest_by`."""
        found = set()
        since, until = start.toordinal(), end.toordinal()
        for site, history in self.sites.items():
            rows = [(int(day), condition) for day, condition in (row.split(":") for row in history.conditions.split())]
            before, after = latest_by(rows, since, _first), latest_by(rows, until, _first)
            if before is not None and after is not None and before[1] != after[1]:
                found.add(site)
        return found


def _first(row: tuple[int, str]) -> int:
    return row[0]


@dataclass
class MapInput:
    """The records a map is drawn from; built by `load_map_input` or by tests directly."""

    name: str
    sites: Sequence[Site | MapSite]
    reports: Mapping[str, Sequence[ConditionReport | ReportRow]]
    allegations: Sequence[Allegation | MapAllegation]
    sources: Mapping[str, Source | MapSource]
    parties: dict[str, str] = field(default_factory=dict)
    site_types: dict[str, str] = field(default_factory=dict)
    traditions: dict[str, str] = field(default_factory=dict)
    region: tuple[float, float, float, float] | None = None
    retracted: set[str] = field(default_factory=set)
    reviews: dict[str, list[Review]] = field(default_factory=dict)
    indexed: IndexedHistory | None = None  # if set, `reports` is empty and this stands for it

    def allegation_rows(self) -> tuple[list[MapAllegation], dict[str, MapSource]]:
        """Allegations and sources as the map reads them, whichever form they were given in."""
        allegations = [a if isinstance(a, MapAllegation) else MapAllegation.of(a) for a in self.allegations]
        sources = {k: s if isinstance(s, MapSource) else MapSource.of(s) for k, s in self.sources.items()}
        return allegations, sources

    def rows(self) -> tuple[list[MapSite], dict[str, list[ReportRow]]]:
        """Sites and reports as the map reads them, whichever form they were given in."""
        sites = [s if isinstance(s, MapSite) else MapSite.of(s) for s in self.sites]
        reports = {
            site: [r if isinstance(r, ReportRow) else ReportRow.of(r) for r in rows]
            for site, rows in self.reports.items()
        }
        return sites, reports


def load_map_input(catalogue: Catalogue, index: Index | None = None, audience: str = "internal") -> MapInput:
    """The map's records: sites and reports from the index, the rest from their files. Reports come
    as rows in force unless some are hidden from `audience` (then each report is loaded, so that a
    hidden correction does not decide which report is in force)."""
    own = index is None
    # Beyond the team, every file is compared: a file made confidential in place must be seen.
    index = index or Index.open(catalogue, thorough=audience != "internal")
    with paused_gc():
        return _map_input(catalogue, index, audience, own)


def _map_input(catalogue: Catalogue, index: Index, audience: str, own: bool) -> MapInput:
    try:
        allegations, sources = indexed_allegations(index)
        present = _report_levels(index, sources)
        if present & {s.value for s in hidden(audience)}:
            sites, reports, retracted = indexed_rows(index)
            indexed = None
        else:
            sites, reports, retracted = indexed_sites(index), {}, set()
            indexed = indexed_history(index, frozenset(present))
    finally:
        if own:
            index.close()
    vocabulary = catalogue.info.vocabulary()
    return MapInput(
        name=catalogue.info.name,
        sites=sites,
        reports=reports,
        allegations=allegations,
        sources=sources,
        parties={p.id: p.name for p in catalogue.info.parties},
        site_types=vocabulary.site_types,
        traditions=vocabulary.traditions,
        region=catalogue.info.region,
        retracted=retracted,
        reviews=reviews_by_allegation(catalogue),
        indexed=indexed,
    )


def _report_levels(index: Index, sources: Mapping[str, MapSource]) -> set[str]:
    """How hidden the reports are, the levels present: from the reports themselves (by their
    index) and the sources they cite (`heritage.audience.report_reach`), not from anything worked
    out of them. The reports' citations are read only if some source is not public (a second on a
    million reports); a report citing no source in the catalogue, an error `validate` reports,
    then counts as its own level."""
    levels = {i: s.sensitivity for i, s in sources.items()}
    if all(level is Sensitivity.public for level in levels.values()):
        query = "SELECT 1 FROM reports WHERE sensitivity = ? LIMIT 1"
        return {level.value for level in Sensitivity if index.rows(query, (level.value,))}
    return {
        report_reach(Sensitivity(level), [levels.get(i) for i in ids.split(" ")]).value
        for level, ids in index.db.execute("SELECT DISTINCT sensitivity, sources FROM reports")
    }


def indexed_allegations(index: Index) -> tuple[list[MapAllegation], dict[str, MapSource]]:
    """Allegations and sources as the map reads them, from the index: in the files' order, as
    `Catalogue.allegations()` and `Catalogue.sources()` give them."""
    sensitivity = {s.value: s for s in Sensitivity}
    act = {a.value: a for a in AllegedAct}
    sites: dict[str, list[str]] = defaultdict(list)
    for path, site in index.db.execute("SELECT path, site FROM allegation_sites ORDER BY rowid"):
        sites[path].append(site)
    allegations = [
        MapAllegation(
            i,
            sites.get(path, []),
            claimant,
            ClaimantKind(kind),
            party,
            None if day is None else date.fromordinal(day),
            made,
            [act[a] for a in acts.split()],
            sensitivity[level],
            source,
        )
        for path, i, day, claimant, kind, party, made, acts, level, source in index.db.execute(
            "SELECT path, id, made_day, claimant, claimant_kind, party, made, acts, sensitivity, source "
            "FROM allegations ORDER BY path"
        )
    ]
    reliability = {r.value: r for r in Reliability}
    sources = {
        i: MapSource(i, title, publisher, reliability[grade], url, party, sensitivity[level])
        for i, title, publisher, grade, url, party, level in index.db.execute(
            "SELECT id, title, publisher, reliability, url, party, sensitivity FROM sources ORDER BY path"
        )
    }
    return allegations, sources


def indexed_history(index: Index, sensitivities: frozenset[str]) -> IndexedHistory:
    query = "SELECT site, entries, cited, first_day, conditions, reports FROM history"
    sites = {row[0]: SiteHistory(*row[1:]) for row in index.db.execute(query)}
    citations = {n: tuple(ids.split(" ")) for n, ids in index.db.execute("SELECT id, sources FROM citations")}
    return IndexedHistory(sites, citations, sensitivities, index.competing_corrections())


def indexed_sites(index: Index) -> list[MapSite]:
    precision = {p.value: p for p in LocationPrecision}
    sensitivity = {s.value: s for s in Sensitivity}
    rows = index.rows(
        "SELECT id, type, tradition, lon, lat, precision, uncertainty_m, names, period, sensitivity FROM sites "
        "ORDER BY path"
    )
    # Every site's names in one JSON document: one parse instead of one per site.
    names = json.loads("[" + ",".join(row[7] for row in rows) + "]")
    return [
        MapSite(
            i,
            lon,
            lat,
            kind,
            tradition,
            precision[prec],
            unc,
            [(n["lang"], n["text"]) for n in site_names],
            period,
            sensitivity[sens],
        )
        for (i, kind, tradition, lon, lat, prec, unc, _, period, sens), site_names in zip(rows, names, strict=True)
    ]


def indexed_rows(index: Index) -> tuple[list[MapSite], dict[str, list[ReportRow]], set[str]]:
    """Sites, reports and the ids of retracted reports, from the index. Repeated values (days,
    vocabulary, timestamps, lists of sources) become objects once each: a million reports share
    a few thousand of them."""
    sites = indexed_sites(index)
    sensitivity = {s.value: s for s in Sensitivity}
    condition = {c.value: c for c in Condition}
    certainty: dict[str | None, Certainty | None] = {None: None, **{c.value: c for c in Certainty}}
    method = {m.value: m for m in Method}
    days: dict[int | None, date | None] = {None: None}
    stamps: dict[str, datetime] = {}
    cited: dict[str, tuple[str, ...]] = {}
    reports: dict[str, list[ReportRow]] = defaultdict(list)
    for (
        site,
        rid,
        start,
        end,
        observed,
        recorded,
        cond,
        meth,
        sources,
        supersedes,
        sens,
        sure,
        visit,
    ) in index.db.execute(
        "SELECT site, id, start_day, end_day, observed, recorded_at, condition, method, sources, supersedes, "
        "sensitivity, certainty, visit FROM reports ORDER BY path"
    ):
        if start not in days:
            days[start] = date.fromordinal(start)
        if end not in days:
            days[end] = date.fromordinal(end)
        if recorded not in stamps:
            stamps[recorded] = datetime.fromisoformat(recorded)
        if sources not in cited:
            cited[sources] = tuple(sources.split(" "))
        reports[site].append(
            ReportRow(
                rid,
                site,
                When(observed, days[start], days[end]),
                condition[cond],
                method[meth],
                cited[sources],
                supersedes,
                stamps[recorded],
                sensitivity[sens],
                certainty[sure],
                visit or "",
            )
        )
    retracted = {r for (r,) in index.db.execute("SELECT retracts FROM retractions")}
    return sites, reports, retracted


def _in_force(reports: Iterable[ReportRow], retracted: set[str]) -> list[InForce]:
    """A site's reports in force, oldest first, as the map carries them."""
    return [
        (
            r.observed.end.toordinal() if r.observed.end else 0,
            r.observed.start.toordinal() if r.observed.start else None,
            r.condition,
            r.method,
            r.sources,
            r.certainty,
            date_marks(r.observed.text),
            r.visit,
        )
        for r in history_in_force(reports, retracted)
    ]


def _refs(
    cited_ids: tuple[str, ...], sources: _Table, source_rows: Mapping[str, MapSource], parties: _Table
) -> list[int]:
    """The sources table's rows for a citation, adding the sources not yet in it (and leaving out
    those not in the catalogue or hidden from the audience)."""
    refs = []
    for cited in cited_ids:
        ref = sources.index.get(cited)
        if ref is None:
            source = source_rows.get(cited)
            if source is None:
                continue
            party = parties(source.party) if source.party else -1
            row = [source.title, source.publisher or "", source.reliability.value, source.url or "", party]
            ref = sources(source.id, row)
        refs.append(ref)
    return refs


def _history(
    reports: Iterable[InForce], cites: dict[int, list[int]], numbers: dict[tuple[str, ...], int], refs: _Refs
) -> str:
    """A site's history as JSON text (see heritage.mapformat): one entry for each report in force;
    each citation is a number in `cites`, which holds its source refs."""
    entries = []
    for end, start, condition, method, cited_ids, certainty, marks, visit in reports:
        number = numbers.get(cited_ids)
        if number is None:  # the same sources are cited again and again: look them up once
            number = numbers[cited_ids] = len(numbers)
            cites[number] = refs(cited_ids)
        entries.append(history_entry(end, start, condition, method, number, certainty, marks, visit))
    return "[" + ",".join(entries) + "]"


_Refs = Callable[[tuple[str, ...]], list[int]]


def build_payload(
    data: MapInput,
    as_of: date | None = None,
    dossiers: frozenset[str] = frozenset(),
    changes: tuple[date, date] | None = None,
    audience: str = "internal",
) -> dict[str, Any]:
    """The map's data. With `changes` (D1, D2): only the sites whose condition differs between
    the two dates, shown as of D2, with the slider running from D1 to D2."""
    if data.indexed is not None and data.indexed.sensitivities & {s.value for s in hidden(audience)}:
        raise ValueError(f"these map data hold reports hidden from {audience!r}: load them for that audience")
    data = for_audience(data, audience)
    sites, reports = data.rows()
    alleged, source_rows = data.allegation_rows()
    if changes is not None:
        if data.indexed is not None:
            changed = data.indexed.changed(changes[0], changes[1])
        else:
            changed = {c.site for c in changes_between(reports, changes[0], changes[1], data.retracted)}
        sites = [s for s in sites if s.id in changed]
        as_of = changes[1]
    as_of = as_of or utc_today()
    sources, claimants, parties = _Table(), _Table(), _Table()
    languages, types, traditions = _Table(), _Table(), _Table()
    for party_id in data.parties:
        parties(party_id)
    by_site: dict[str, list[MapAllegation]] = defaultdict(list)
    for allegation in alleged:
        for site_id in allegation.sites:
            by_site[site_id].append(allegation)

    names = ("id", "x", "y", "type", "trad", "prec", "unc", "names", "period", "nrep", "hist", "alg", "dossier")
    columns: dict[str, list[Any]] = {k: [] for k in names}
    first_day = day_number(as_of) or 0
    cites: dict[int, list[int]] = {}  # citation number -> source refs
    disputed: dict[str, int] = {}  # a site's row -> how many competing corrections it holds
    numbers: dict[tuple[str, ...], int] = {}  # cited source ids -> citation number (read from files)

    def refs(cited_ids: tuple[str, ...]) -> list[int]:
        return _refs(cited_ids, sources, source_rows, parties)

    for site in sites:
        columns["id"].append(site.id)
        columns["x"].append(round(site.lon * SCALE) if site.lon is not None else None)
        columns["y"].append(round(site.lat * SCALE) if site.lat is not None else None)
        columns["type"].append(types(site.type))
        columns["trad"].append(traditions(site.tradition) if site.tradition else -1)
        columns["prec"].append(PRECISION_INDEX[site.precision])
        columns["unc"].append(round(site.uncertainty_m or 0))
        columns["names"].append([item for lang, text in site.names for item in (languages(lang), text)])
        columns["period"].append(site.period)
        # Each site's history goes in as JSON text (see `encode_payload`).
        if data.indexed is not None:
            citations = data.indexed.citations
            kept = data.indexed.sites.get(site.id)
            columns["nrep"].append(kept.reports if kept else 0)
            text = f"[{kept.entries if kept else ''}]"
            if kept and kept.first is not None:
                first_day = min(first_day, kept.first - _EPOCH_ORDINAL)
                for number in map(int, kept.cited.split()):
                    if number not in cites:
                        if number not in citations:  # never written so: the index is damaged
                            raise RuntimeError(f"the index cites {number}, which it does not hold: delete .heritage")
                        cites[number] = refs(citations[number])
        else:
            site_reports = reports.get(site.id, [])
            columns["nrep"].append(len(site_reports))
            rows = _in_force(site_reports, data.retracted)
            text = _history(rows, cites, numbers, refs)
            for end, start, *_ in rows:
                first_day = min(first_day, (end if start is None else start) - _EPOCH_ORDINAL)
        columns["hist"].append(text)
        if data.indexed is not None:
            rivals = data.indexed.competing.get(site.id, [])
        else:
            rivals = competing_ids(reports.get(site.id, []), data.retracted)
        if rivals:  # rare: kept apart from the columns, so that it costs nothing per site
            disputed[str(len(columns["hist"]) - 1)] = len(rivals)
        allegations = []
        for allegation in sorted(by_site.get(site.id, []), key=lambda a: (a.made_start or date.min, a.id)):
            party = parties(allegation.party) if allegation.party else -1
            allegations.append(
                [
                    claimants(allegation.claimant),
                    party,
                    STATUS_INDEX[current_status(data.reviews.get(allegation.id, []), ReviewAspect.damage)],
                    day_number(allegation.made_start),
                    allegation.made,
                    [ACT_INDEX[a] for a in allegation.acts],
                    STATUS_INDEX[current_status(data.reviews.get(allegation.id, []), ReviewAspect.attribution)],
                    # The review trail, so that the slider shows each status as it stood on its date:
                    # [day recorded, status, 0 for damage or 1 for attribution], oldest first.
                    [
                        [
                            day_number(r.recorded_at.astimezone(UTC).date()),
                            STATUS_INDEX[r.status],
                            int(r.aspect is ReviewAspect.attribution),
                        ]
                        for r in review_order(data.reviews.get(allegation.id, []))
                    ],
                ]
            )
        columns["alg"].append(allegations)
        columns["dossier"].append(1 if site.id in dossiers else 0)

    return {
        "meta": {
            "name": data.name,
            "asOf": as_of.isoformat(),
            "asOfDay": day_number(as_of),
            "firstDay": day_number(changes[0]) if changes else first_day,
            "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "tool": f"heritage {__version__}",
            "region": data.region,
            "changes": [day_number(changes[0]), day_number(changes[1])] if changes else None,
            "audience": audience,
        },
        "vocab": {
            "condition": [[c.value, CONDITION_LABELS[c], CONDITION_COLOURS[c]] for c in Condition],
            "certainty": [c.value for c in Certainty],
            "status": [[s.value, s.value.replace("_", " "), STATUS_COLOURS[s]] for s in AllegationStatus],
            "method": [m.value.replace("_", " ") for m in Method],
            "access": [a.value for a in Access],
            "precision": [p.value for p in LocationPrecision],
            "act": [a.value.replace("_", " ") for a in AllegedAct],
            "type": [[t, data.site_types.get(t, t)] for t in types.rows],
            "tradition": [[t, data.traditions.get(t, t)] for t in traditions.rows],
            "lang": languages.rows,
            "party": [[p, data.parties.get(p, p)] for p in parties.rows],
        },
        "sources": sources.rows,
        "cites": cites,
        "claimants": claimants.rows,
        "sites": columns,
        "disputed": disputed,
    }


# Where the histories go. Found with its key: inside a JSON string every '"' is escaped, so no
# catalogue text can look like `"hist":"…"`.
_HISTORIES = "histories go here"


def encode_payload(payload: dict[str, Any]) -> tuple[str, str]:
    """The payload as text to sit inside <script type="application/json">, and its encoding.

    Every '<' is written as \\u003c, so no catalogue text can close the script element, and Jinja's
    pairs are escaped (see `jinja_inert`). Large payloads are gzipped and base64-encoded instead;
    the page inflates them with DecompressionStream.
    The sites' histories are JSON text already (numbers only): they go in as they are.
    """
    histories = payload["sites"]["hist"]
    payload = {**payload, "sites": {**payload["sites"], "hist": _HISTORIES}}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    mark = f'"hist":{json.dumps(_HISTORIES)}'
    assert text.count(mark) == 1
    text = text.replace(mark, '"hist":[' + ",".join(histories) + "]")
    if len(text) <= COMPRESS_ABOVE:
        return jinja_inert(text).replace("<", "\\u003c"), "json"
    # Base64 holds neither '<' nor '{': the packed text needs no escaping. Level 1 packs nearly as
    # small as the higher levels in a fraction of their time (docs/benchmarks.md).
    packed = gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)
    return base64.b64encode(packed).decode("ascii"), "gzip-base64"


def _citing(report: ReportRow, visible: Mapping[str, MapSource]) -> ReportRow:
    """The report citing only the sources an audience may see (itself if it cites no other)."""
    if all(s in visible for s in report.sources):
        return report
    return replace(report, sources=tuple(s for s in report.sources if s in visible))


def for_audience(data: MapInput, audience: str) -> MapInput:
    """What an audience may see of the map's records (see heritage.audience)."""
    if audience == "internal":
        return data
    site_rows, report_rows = data.rows()
    allegations, source_rows = data.allegation_rows()
    sources = {k: s for k, s in source_rows.items() if may_see(s.sensitivity, audience)}
    sites = [shown for site in site_rows if (shown := site.for_audience(audience)) is not None]
    kept = {s.id for s in sites}
    reports = {
        site_id: [_citing(r, sources) for r in rows if may_see_report(r.sensitivity, r.sources, audience, sources)]
        for site_id, rows in report_rows.items()
        if site_id in kept
    }
    allegations = [
        replace(
            a, sites=[s for s in a.sites if s in kept], claimant=claimant_name(a.claimant, a.claimant_kind, audience)
        )
        for a in allegations
        if may_see_claim(a.sensitivity, a.source, audience, sources)
    ]
    return replace(data, sites=sites, reports=reports, allegations=allegations, sources=sources)

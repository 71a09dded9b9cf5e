"""What the offline map needs to know, as one compact JSON document.

Columns, not objects: one array per property with one entry per site, repeated strings (sources,
claimants, vocabulary) in tables referred to by index, coordinates as integers of 1e-5 degree
(about a metre), dates as day numbers. Everything the page shows at any date is here: the
browser derives the condition as of a date from the history, as `heritage.history` does.
"""

from __future__ import annotations

import base64
import gc
import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from heritage import __version__
from heritage.audience import hidden, site_for
from heritage.claims import current_status, reviews_by_allegation
from heritage.history import changes_between, in_force, report_order
from heritage.models import Allegation, AllegationStatus, Condition, ConditionReport, Review, ReviewAspect, Site, Source
from heritage.models.vocab import AllegedAct, LocationPrecision, Method
from heritage.offline import jinja_inert
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS, STATUS_COLOURS
from heritage.store import Catalogue

EPOCH = date(1970, 1, 1)
SCALE = 100_000  # coordinates are stored as integers of 1e-5 degree

# Compress the embedded data past this size; smaller maps stay plain JSON that any browser reads.
COMPRESS_ABOVE = 2_000_000


_EPOCH_ORDINAL = EPOCH.toordinal()
# Vocabulary positions, looked up once: the page refers to every term by its index.
CONDITION_INDEX = {c: n for n, c in enumerate(Condition)}
METHOD_INDEX = {m: n for n, m in enumerate(Method)}
PRECISION_INDEX = {p: n for n, p in enumerate(LocationPrecision)}
STATUS_INDEX = {s: n for n, s in enumerate(AllegationStatus)}
ACT_INDEX = {a: n for n, a in enumerate(AllegedAct)}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building a big map makes millions of small lists and no reference cycles: the cyclic garbage
    collector would walk every loaded record again and again (measured: 2.5x slower at 100,000)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


@dataclass
class MapInput:
    """The records a map is drawn from; built by `load_map_input` or by tests directly."""

    name: str
    sites: list[Site]
    reports: dict[str, list[ConditionReport]]
    allegations: list[Allegation]
    sources: dict[str, Source]
    parties: dict[str, str] = field(default_factory=dict)
    site_types: dict[str, str] = field(default_factory=dict)
    traditions: dict[str, str] = field(default_factory=dict)
    region: tuple[float, float, float, float] | None = None
    retracted: set[str] = field(default_factory=set)
    reviews: dict[str, list[Review]] = field(default_factory=dict)


def load_map_input(catalogue: Catalogue) -> MapInput:
    reports: dict[str, list[ConditionReport]] = defaultdict(list)
    for report in catalogue.reports():
        reports[report.site].append(report)
    vocabulary = catalogue.info.vocabulary()
    return MapInput(
        name=catalogue.info.name,
        sites=list(catalogue.sites()),
        reports=reports,
        allegations=list(catalogue.allegations()),
        sources={s.id: s for s in catalogue.sources()},
        parties={p.id: p.name for p in catalogue.info.parties},
        site_types=vocabulary.site_types,
        traditions=vocabulary.traditions,
        region=catalogue.info.region,
        retracted={r.retracts for r in catalogue.retractions()},
        reviews=reviews_by_allegation(catalogue),
    )


def _history(
    reports: Iterable[ConditionReport],
    sources: _Table,
    source_rows: dict[str, Source],
    parties: _Table,
    retracted: set[str],
) -> list[list[Any]]:
    """Reports in force, oldest first: [end day, start day or null, condition, method, [source refs]]."""
    rows = []
    for report in sorted(in_force(reports, retracted), key=report_order):
        refs = []
        for citation in report.sources:
            ref = sources.index.get(citation.source)
            if ref is None:
                source = source_rows.get(citation.source)
                if source is None:
                    continue
                party = parties(source.party) if source.party else -1
                row = [source.title, source.publisher or "", source.reliability.value, source.url or "", party]
                ref = sources(source.id, row)
            refs.append(ref)
        observed = report.observed
        rows.append(
            [
                day_number(observed.end),
                day_number(observed.start),
                CONDITION_INDEX[report.condition],
                METHOD_INDEX[report.method],
                refs,
            ]
        )
    return rows


def build_payload(
    data: MapInput,
    as_of: date | None = None,
    dossiers: frozenset[str] = frozenset(),
    changes: tuple[date, date] | None = None,
    audience: str = "internal",
) -> dict[str, Any]:
    """The map's data. With `changes` (D1, D2): only the sites whose condition differs between
    the two dates, shown as of D2, with the slider running from D1 to D2."""
    data = for_audience(data, audience)
    if changes is not None:
        changed = {c.site for c in changes_between(data.reports, changes[0], changes[1], data.retracted)}
        data = replace(data, sites=[s for s in data.sites if s.id in changed])
        as_of = changes[1]
    as_of = as_of or datetime.now(UTC).date()
    sources, claimants, parties = _Table(), _Table(), _Table()
    languages, types, traditions = _Table(), _Table(), _Table()
    for party_id in data.parties:
        parties(party_id)
    by_site: dict[str, list[Allegation]] = defaultdict(list)
    for allegation in data.allegations:
        for site_id in allegation.sites:
            by_site[site_id].append(allegation)

    names = ("id", "x", "y", "type", "trad", "prec", "unc", "names", "period", "nrep", "hist", "alg", "dossier")
    columns: dict[str, list[Any]] = {k: [] for k in names}
    first_day = day_number(as_of) or 0
    for site in data.sites:
        point = site.geometry.representative if site.geometry else None
        columns["id"].append(site.id)
        columns["x"].append(round(point[0] * SCALE) if point else None)
        columns["y"].append(round(point[1] * SCALE) if point else None)
        columns["type"].append(types(site.type))
        columns["trad"].append(traditions(site.tradition) if site.tradition else -1)
        columns["prec"].append(PRECISION_INDEX[site.location.precision])
        columns["unc"].append(round(site.location.uncertainty_m or 0))
        columns["names"].append([item for n in site.names for item in (languages(n.lang), n.text)])
        columns["period"].append(site.period.label if site.period else "")
        site_reports = data.reports.get(site.id, [])
        columns["nrep"].append(len(site_reports))
        history = _history(site_reports, sources, data.sources, parties, data.retracted)
        for entry in history:
            first_day = min(first_day, entry[1] if entry[1] is not None else entry[0])
        columns["hist"].append(history)
        claims = []
        for allegation in sorted(by_site.get(site.id, []), key=lambda a: (a.made_on.start or date.min, a.id)):
            claimant = allegation.claimant
            party = parties(claimant.party) if claimant.party else -1
            claims.append(
                [
                    claimants(claimant.name),
                    party,
                    STATUS_INDEX[current_status(data.reviews.get(allegation.id, []), ReviewAspect.damage)],
                    day_number(allegation.made_on.start),
                    str(allegation.made_on),
                    [ACT_INDEX[a] for a in allegation.acts],
                    STATUS_INDEX[current_status(data.reviews.get(allegation.id, []), ReviewAspect.attribution)],
                    # The review trail, so that the slider shows each status as it stood on its date:
                    # [day recorded, status, 0 for damage or 1 for attribution], oldest first.
                    [
                        [
                            day_number(r.recorded_at.date()),
                            STATUS_INDEX[r.status],
                            int(r.aspect is ReviewAspect.attribution),
                        ]
                        for r in sorted(data.reviews.get(allegation.id, []), key=lambda r: (r.recorded_at, r.id))
                    ],
                ]
            )
        columns["alg"].append(claims)
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
            "status": [[s.value, s.value.replace("_", " "), STATUS_COLOURS[s]] for s in AllegationStatus],
            "method": [m.value.replace("_", " ") for m in Method],
            "precision": [p.value for p in LocationPrecision],
            "act": [a.value.replace("_", " ") for a in AllegedAct],
            "type": [[t, data.site_types.get(t, t)] for t in types.rows],
            "tradition": [[t, data.traditions.get(t, t)] for t in traditions.rows],
            "lang": languages.rows,
            "party": [[p, data.parties.get(p, p)] for p in parties.rows],
        },
        "sources": sources.rows,
        "claimants": claimants.rows,
        "sites": columns,
    }


def encode_payload(payload: dict[str, Any]) -> tuple[str, str]:
    """The payload as text to sit inside <script type="application/json">, and its encoding.

    Every '<' is written as \\u003c, so no catalogue text can close the script element. Large
    payloads are gzipped and base64-encoded; the page inflates them with DecompressionStream.
    """
    text = jinja_inert(json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    text = text.replace("<", "\\u003c")
    if len(text) <= COMPRESS_ABOVE:
        return text, "json"
    packed = gzip.compress(text.encode("utf-8"), compresslevel=3, mtime=0)  # level 6: 3x the time for 8 % less
    return base64.b64encode(packed).decode("ascii"), "gzip-base64"


def for_audience(data: MapInput, audience: str) -> MapInput:
    """What an audience may see of the map's records (see heritage.audience)."""
    if audience == "internal":
        return data
    invisible = hidden(audience)
    sources = {k: s for k, s in data.sources.items() if s.sensitivity not in invisible}
    sites = [shown for site in data.sites if (shown := site_for(site, audience)) is not None]
    kept = {s.id for s in sites}
    reports = {}
    for site_id, site_reports in data.reports.items():
        if site_id in kept:
            visible = [r for r in site_reports if r.sensitivity not in invisible]
            reports[site_id] = [
                r.model_copy(update={"sources": [c for c in r.sources if c.source in sources]}) for r in visible
            ]
    allegations = [
        a.model_copy(update={"sites": [s for s in a.sites if s in kept]})
        for a in data.allegations
        if a.sensitivity not in invisible and a.source.source in sources
    ]
    return replace(data, sites=sites, reports=reports, allegations=allegations, sources=sources)

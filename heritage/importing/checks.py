"""What each kind needs besides its model: a new id, its file's place, and the references a row
makes (sites, sources, evidence, earlier records) checked against the catalogue and the file.

Each reference is looked up once per distinct id, never by reading the catalogue: sites and
sources in one listing of their folder (a stat a row was 2 to 3 s of an import of 100,000 rows
under the profiler), evidence and allegations by a file stat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from heritage import kinds, layout
from heritage.ids import new_id, site_id_for, source_id_for
from heritage.importing import problems as P
from heritage.kinds import Kind
from heritage.models import Allegation, ConditionReport, Site, Source
from heritage.models.base import Record
from heritage.models.types import ID_PATTERN
from heritage.sanity import inside_somehow, region_problem
from heritage.store import Catalogue


@dataclass
class Seen:
    """What the rows checked so far hold, and the catalogue's answers so far."""

    ids: set[str] = field(default_factory=set)
    site_of: dict[str, str] = field(default_factory=dict)  # report id -> its site
    corrected: set[str] = field(default_factory=set)
    known: dict[tuple[str, str], bool] = field(default_factory=dict)  # (what, id) -> in the catalogue
    anywhere: bool = False  # --grow-region: the file's places are right, wherever they lie
    listed: dict[str, set[str]] = field(default_factory=dict)  # "site"/"source" -> the ids on disk


# The folders listed whole, and their files' suffix: what `Catalogue.has_site`/`has_source` stat.
_LISTED = {"site": (layout.SITES, layout.SITE_SUFFIX), "source": (layout.SOURCES, layout.RECORD_SUFFIX)}
_WELL_FORMED = re.compile(ID_PATTERN).fullmatch


def _has(catalogue: Catalogue, seen: Seen, what: str, record_id: str) -> bool:
    if what in _LISTED:
        if what not in seen.listed:
            seen.listed[what] = layout.record_ids(catalogue.root, *_LISTED[what])
        return isinstance(record_id, str) and _WELL_FORMED(record_id) is not None and record_id in seen.listed[what]
    key = (what, record_id)
    if key not in seen.known:
        look: Callable[[str], bool] = {"evidence": catalogue.has_evidence, "allegation": catalogue.has_allegation}[what]
        seen.known[key] = look(record_id)
    return seen.known[key]


@dataclass(frozen=True)
class KindRules:
    kind: Kind
    label: str  # "site(s)"
    id_for: Callable[[Catalogue, dict[str, Any], Seen], str]
    place: Callable[[str, Any], str]  # the record's file, as text: the journal takes text paths
    check: Callable[[Catalogue, Any, Seen], tuple[list[P.RowProblem], list[P.RowProblem]]]  # errors, warnings


def _site_region(catalogue: Catalogue, site: Site, seen: Seen) -> tuple[list[P.RowProblem], list[P.RowProblem]]:
    """A site past the region is a warning; one whose coordinates look swapped or of the wrong
    sign is refused unless --grow-region says they are right, as `site add` refuses it: `validate`
    holds it an error, and a typing slip in a column is far likelier than a site abroad."""
    region = catalogue.info.region
    if site.geometry is None or region is None:
        return [], []
    message = region_problem(site.geometry, region)
    if not message:
        return [], []
    if not inside_somehow(site.geometry, region):
        # Plainly elsewhere: one warning line for all such rows (their lines name them), not
        # one line per site with its coordinates.
        west, south, east, north = region
        return [], [P.outside_region(f"outside the catalogue's region [{west}, {south}, {east}, {north}]")]
    if seen.anywhere:
        return [], [P.outside_region(message)]
    return [P.slipped_coordinates(message)], []


def _area_region(catalogue: Catalogue, allegation: Allegation, seen: Seen) -> list[P.RowProblem]:
    """An allegation's area past the region is refused unless --grow-region takes it in, as
    `allegation add` refuses it and `validate` holds it an error."""
    region = catalogue.info.region
    if allegation.area is None or region is None or seen.anywhere:
        return []
    message = region_problem(allegation.area, region)
    return [P.area_outside_region(message.replace("coordinates", "area centre", 1))] if message else []


EVIDENCE_FIX = "add it first with `heritage evidence add`"


def _evidence(catalogue: Catalogue, seen: Seen, hashes: list[str]) -> list[P.RowProblem]:
    return [
        P.RowProblem("evidence", "unknown evidence file", sha, EVIDENCE_FIX)
        for sha in hashes
        if not _has(catalogue, seen, "evidence", sha)
    ]


def check_site(catalogue: Catalogue, site: Site, seen: Seen) -> tuple[list[P.RowProblem], list[P.RowProblem]]:
    return _site_region(catalogue, site, seen)


def check_source(catalogue: Catalogue, source: Source, seen: Seen) -> tuple[list[P.RowProblem], list[P.RowProblem]]:
    return [], []


def check_report(
    catalogue: Catalogue, report: ConditionReport, seen: Seen
) -> tuple[list[P.RowProblem], list[P.RowProblem]]:
    errors = _evidence(catalogue, seen, report.evidence)  # its site and sources: see `references`
    if report.supersedes:
        in_file = seen.site_of.get(report.supersedes) == report.site
        if not in_file and not catalogue.has_report(report.site, report.supersedes):
            message = f"is not a report of site {report.site!r}"
            errors.append(P.RowProblem("supersedes", message, report.supersedes))
        elif report.supersedes in seen.corrected or catalogue.superseded_by(report.site, report.supersedes):
            message = "is already superseded; correct the correction instead"
            errors.append(P.RowProblem("supersedes", message, report.supersedes))
        else:
            seen.corrected.add(report.supersedes)
    if not errors:
        seen.site_of[report.id] = report.site
    return errors, []


def check_allegation(
    catalogue: Catalogue, allegation: Allegation, seen: Seen
) -> tuple[list[P.RowProblem], list[P.RowProblem]]:
    errors = _evidence(catalogue, seen, allegation.evidence)  # its sites and source: see `references`
    answered = allegation.responds_to
    if answered and answered not in seen.ids and not _has(catalogue, seen, "allegation", answered):
        fix = "it must be in the catalogue or on an earlier row of this file"
        errors.append(P.RowProblem("responds_to", "unknown allegation", answered, fix))
    return errors + _area_region(catalogue, allegation, seen), []


def references(catalogue: Catalogue, kind: str, document: dict[str, Any], seen: Seen) -> list[P.RowProblem]:
    """The sites and sources a row's document cites that the catalogue does not hold: checked
    before the model, so that they are named with their fix even when the row has other faults."""
    sites: list[tuple[str, Any]] = []
    sources: list[tuple[str, Any]] = []
    if kind == "reports":
        sites = [("site", document.get("site"))]
        sources = [("sources", c.get("source")) for c in document.get("sources", []) if isinstance(c, dict)]
    elif kind == "allegations":
        sites = [("sites", s) for s in document.get("sites", [])]
        cited = document.get("source")
        sources = [("source", cited.get("source"))] if isinstance(cited, dict) else []
    problems = [P.unknown_site(f, s) for f, s in sites if isinstance(s, str) and not _has(catalogue, seen, "site", s)]
    problems += [
        P.unknown_source(f, s) for f, s in sources if isinstance(s, str) and not _has(catalogue, seen, "source", s)
    ]
    return problems + _evidence_by_id(catalogue, document)


def _evidence_by_id(catalogue: Catalogue, document: dict[str, Any]) -> list[P.RowProblem]:
    """Evidence named by the 'ev-' id `evidence add` printed, as well as by SHA-256: the ids are
    replaced by the SHA-256 the record keeps."""
    given = document.get("evidence")
    if not isinstance(given, list):
        return []
    problems, kept = [], []
    for item in given:
        if isinstance(item, str) and item.strip().lower().startswith("ev-"):
            sha = catalogue.evidence_sha(item)
            if sha is None:
                problems.append(P.RowProblem("evidence", "unknown evidence file", item, EVIDENCE_FIX))
                continue
            item = sha
        kept.append(item)
    document["evidence"] = kept
    return problems


def _site_id(catalogue: Catalogue, document: dict[str, Any], seen: Seen) -> str:
    return site_id_for(document.get("names"), lambda c: c in seen.ids or _has(catalogue, seen, "site", c))


def _source_id(catalogue: Catalogue, document: dict[str, Any], seen: Seen) -> str:
    return source_id_for(
        str(document.get("title") or ""), lambda c: c in seen.ids or _has(catalogue, seen, "source", c)
    )


RULES: dict[str, KindRules] = {
    "sites": KindRules(
        kinds.SITES,
        "site(s)",
        _site_id,
        lambda root, s: f"{root}/{layout.SITES}/{s.id}{layout.SITE_SUFFIX}",
        check_site,
    ),
    "reports": KindRules(
        kinds.REPORTS,
        "report(s)",
        lambda c, d, s: new_id("r"),
        lambda root, r: f"{root}/{layout.REPORTS}/{r.site}/{r.id}{layout.RECORD_SUFFIX}",
        check_report,
    ),
    "sources": KindRules(
        kinds.SOURCES,
        "source(s)",
        _source_id,
        lambda root, s: f"{root}/{layout.SOURCES}/{s.id}{layout.RECORD_SUFFIX}",
        check_source,
    ),
    "allegations": KindRules(
        kinds.ALLEGATIONS,
        "allegation(s)",
        lambda c, d, s: new_id("a"),
        lambda root, a: f"{root}/{layout.ALLEGATIONS}/{a.id}{layout.RECORD_SUFFIX}",
        check_allegation,
    ),
}

__all__ = ["RULES", "KindRules", "Record", "Seen", "references"]

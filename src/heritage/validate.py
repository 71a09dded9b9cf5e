"""Checking a whole catalogue: every problem, not just the first (after frictionless).

Each problem carries a code, the file, the record id and the field, so that a person can go
straight to it. Errors make the catalogue invalid; warnings are things a careful analyst should
look at (a site without a location, a file that no reader will see).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from heritage import layout
from heritage.errors import InvalidInput, Problem
from heritage.models import Allegation, ConditionReport, Evidence, Retraction, Review, Site, Source
from heritage.models.base import Record
from heritage.sanity import region_problem
from heritage.store import Catalogue

M = TypeVar("M", bound=Record)


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Checker:
    def __init__(self, catalogue: Catalogue, today: date | None) -> None:
        self.catalogue = catalogue
        self.report = ValidationReport()
        if today is not None:
            catalogue.context = {**catalogue.context, "today": today}
        self.parties = catalogue.info.party_ids()
        self.tick: Callable[[], None] = lambda: None

    def add(
        self,
        code: str,
        message: str,
        path: Path | None,
        record: str | None = None,
        field: str | None = None,
        severity: str = "error",
    ) -> None:
        file = self.catalogue.display(path) if path else None
        self.report.problems.append(Problem(code, message, file, record, field, severity))

    def load(self, model: type[M], paths: Iterator[Path], kind: str) -> list[tuple[Path, M]]:
        loaded = []
        for path in paths:
            try:
                record = self.catalogue.read(model, path, strict=True)
            except InvalidInput as exc:
                p = exc.problem
                self.report.problems.append(Problem("invalid-record", p.message, p.file, p.record, p.field))
                continue
            loaded.append((path, record))
            self.tick()
            self.report.counts[kind] += 1
        return loaded

    def unique(self, records: list[tuple[Path, M]], stem: Callable[[Path], str]) -> dict[str, M]:
        by_id: dict[str, M] = {}
        for path, record in records:
            record_id = record.id
            if stem(path) != record_id:
                self.add(
                    "id-mismatch",
                    f"file name says {stem(path)!r} but the record's id is {record_id!r}",
                    path,
                    record_id,
                    "id",
                )
            if record_id in by_id:
                self.add("duplicate-id", f"id {record_id!r} is used by more than one record", path, record_id, "id")
            by_id.setdefault(record_id, record)
        return by_id

    def party(self, path: Path, record: str, party: str | None, field: str) -> None:
        if party is not None and party not in self.parties:
            self.add("unknown-party", f"unknown party {party!r} (not declared in catalogue.json)", path, record, field)

    def filed_under(self, path: Path, record: str, owner: str, field: str, what: str, code: str) -> None:
        """A record lives in the folder named after the site or allegation it belongs to."""
        if path.parent.name != owner:
            self.add(code, f"{what} {owner!r} is filed under {path.parent.name!r}", path, record, field)

    def sources_exist(self, path: Path, record: str, ids: list[str], field: str, sources: dict[str, Source]) -> None:
        for source_id in ids:
            if source_id not in sources:
                self.add("unknown-source", f"cites unknown source {source_id!r}", path, record, field)


def _stem(path: Path) -> str:
    return path.name.removesuffix(layout.SITE_SUFFIX).removesuffix(layout.RECORD_SUFFIX)


def validate_catalogue(
    catalogue: Catalogue, today: date | None = None, progress: Callable[[], None] | None = None
) -> ValidationReport:
    """Every problem of the catalogue. `progress` is called once per file read."""
    check = _Checker(catalogue, today)
    check.tick = progress or (lambda: None)
    root = catalogue.root
    for path in layout.stray_files(root):
        if path.name.startswith(layout.TEMP_PREFIX):
            check.add(
                "leftover-temp",
                "temporary file left by an interrupted append; safe to delete",
                path,
                severity="warning",
            )
        else:
            check.add(
                "stray-file", "not a record file where records live; no reader will see it", path, severity="warning"
            )

    site_rows = check.load(Site, layout.site_files(root), "sites")
    source_rows = check.load(Source, layout.source_files(root), "sources")
    report_rows = check.load(ConditionReport, layout.report_files(root), "reports")
    allegation_rows = check.load(Allegation, layout.allegation_files(root), "allegations")
    retraction_rows = check.load(Retraction, layout.retraction_files(root), "retractions")
    review_rows = check.load(Review, layout.review_files(root), "reviews")
    evidence_rows = check.load(Evidence, layout.evidence_records(root), "evidence")
    evidence = {record.file_sha256 for _, record in evidence_rows}

    sites = check.unique(site_rows, _stem)
    sources = check.unique(source_rows, _stem)
    check.unique(report_rows, _stem)
    allegations = check.unique(allegation_rows, _stem)

    region = catalogue.info.region
    for path, site in site_rows:
        if site.geometry is None:
            check.add("no-location", "site has no location; it cannot be mapped", path, site.id, "geometry", "warning")
        elif region is not None and (problem := region_problem(site.geometry, region)):
            code = "swapped-coordinates" if "swapped" in problem else "outside-region"
            check.add(code, problem, path, site.id, "geometry")
        for number, dispute in enumerate(site.disputes):
            check.sources_exist(path, site.id, dispute.sources, f"disputes[{number}].sources", sources)

    for path, source in source_rows:
        check.party(path, source.id, source.party, "party")

    reports_by_site: dict[str, dict[str, ConditionReport]] = defaultdict(dict)
    for _, report in report_rows:
        reports_by_site[report.site][report.id] = report
    superseded: Counter[str] = Counter()
    withdrawn = {retraction.retracts for _, retraction in retraction_rows}
    for path, report in report_rows:
        check.filed_under(path, report.id, report.site, "site", "report of site", "misfiled-report")
        if report.site not in sites:
            check.add("unknown-site", f"observes unknown site {report.site!r}", path, report.id, "site")
        check.sources_exist(path, report.id, [c.source for c in report.sources], "sources", sources)
        if report.supersedes is not None:
            if report.id not in withdrawn:  # a retracted correction no longer competes
                superseded[report.supersedes] += 1
            if report.supersedes not in reports_by_site[report.site]:
                check.add(
                    "unknown-superseded",
                    f"supersedes {report.supersedes!r}, which is not a report of site {report.site!r}",
                    path,
                    report.id,
                    "supersedes",
                )
            elif superseded[report.supersedes] == 2:
                check.add(
                    "superseded-twice",
                    f"{report.supersedes!r} is superseded by more than one report: two corrections in force",
                    path,
                    report.id,
                    "supersedes",
                )

    for path, record in evidence_rows:
        check.sources_exist(path, record.id, [record.source], "source", sources)
    cited: list[tuple[Path, str, list[str]]] = [(p, r.id, r.evidence) for p, r in report_rows]
    cited += [(p, a.id, a.evidence) for p, a in allegation_rows]
    for path, record_id, hashes in cited:
        for number, sha in enumerate(hashes):
            if sha not in evidence:
                check.add(
                    "unknown-evidence",
                    f"cites evidence file {sha}, which is not in the catalogue",
                    path,
                    record_id,
                    f"evidence[{number}]",
                )
    for path, review in review_rows:
        if review.allegation not in allegations:
            check.add(
                "unknown-allegation", f"reviews unknown allegation {review.allegation!r}", path, review.id, "allegation"
            )
        else:
            check.filed_under(path, review.id, review.allegation, "allegation", "review of", "misfiled-record")

    check.unique(retraction_rows, _stem)
    retracted: Counter[str] = Counter()
    for path, retraction in retraction_rows:
        check.filed_under(path, retraction.id, retraction.site, "site", "retraction for site", "misfiled-record")
        retracted[retraction.retracts] += 1
        if retraction.retracts not in reports_by_site[retraction.site]:
            check.add(
                "unknown-retracted",
                f"retracts {retraction.retracts!r}, which is not a report of site {retraction.site!r}",
                path,
                retraction.id,
                "retracts",
            )
        elif retracted[retraction.retracts] == 2:
            check.add(
                "retracted-twice",
                f"{retraction.retracts!r} is retracted more than once",
                path,
                retraction.id,
                "retracts",
            )

    for path, allegation in allegation_rows:
        for number, site_id in enumerate(allegation.sites):
            if site_id not in sites:
                check.add("unknown-site", f"concerns unknown site {site_id!r}", path, allegation.id, f"sites[{number}]")
        check.sources_exist(path, allegation.id, [allegation.source.source], "source.source", sources)
        check.party(path, allegation.id, allegation.claimant.party, "claimant.party")
        if allegation.alleged_perpetrator:
            check.party(path, allegation.id, allegation.alleged_perpetrator.party, "alleged_perpetrator.party")
        if allegation.area is not None and region is not None and (problem := region_problem(allegation.area, region)):
            check.add("outside-region", problem.replace("coordinates", "area centre", 1), path, allegation.id, "area")
        if allegation.responds_to and allegation.responds_to not in allegations:
            check.add(
                "unknown-allegation",
                f"responds to unknown allegation {allegation.responds_to!r}",
                path,
                allegation.id,
                "responds_to",
            )
    return check.report

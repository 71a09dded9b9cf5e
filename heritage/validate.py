"""Checking a whole catalogue: every problem, not just the first (after frictionless).

Each problem carries a code, the file, the record id and the field, so that a person can go
straight to it. Errors make the catalogue invalid; warnings are things a careful analyst should
look at (a site without a location, a file that no reader will see).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from datetime import date
from typing import Any

from heritage import chains, layout, leftovers
from heritage.areas import read_outline
from heritage.collector import paused_gc
from heritage.errors import InvalidInput, Problem, special_message
from heritage.examine import MODELS, PAIR, RECORDED, Facts, items, owner_folder
from heritage.history import Link, correction_loops
from heritage.index import Index, cannot_write
from heritage.models.verification import SUPPORTS
from heritage.seals import scheme_note
from heritage.store import Catalogue


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
    def recorded(self) -> list[Problem]:
        """The warnings recorded on reports when they came in (a position far from the site...)."""
        return [p for p in self.problems if p.code.startswith(RECORDED)]

    @property
    def ok(self) -> bool:
        return not self.errors


Records = list[tuple[str, Facts]]  # (file, facts) of one kind, in the order the files are read


class _Cross:
    """Checks across records, made on the facts the index keeps of each file."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        code: str,
        message: str,
        path: str,
        record: str | None = None,
        field: str | None = None,
        severity: str = "error",
    ) -> None:
        self.problems.append(Problem(code, message, path, record, field, severity))

    def unique(self, records: Records) -> set[str]:
        ids: set[str] = set()
        for path, facts in records:
            if facts.id in ids:
                self.add("duplicate-id", f"id {facts.id!r} is used by more than one record", path, facts.id, "id")
            ids.add(facts.id)
        return ids

    def sources_exist(self, path: str, facts: Facts, sources: set[str]) -> None:
        for cited in items(facts.sources):  # field PAIR source, split in place: no list of pairs built first
            field_name, _, source_id = cited.partition(PAIR)
            if source_id not in sources:
                self.add("unknown-source", f"cites unknown source {source_id!r}", path, facts.id, field_name)


# A review that finds for the claim should rest on at least one check that supports it.
FINDINGS_FOR_THE_CLAIM = ("corroborated", "verified")
SUPPORTING = {result.value for result in SUPPORTS}  # the results that back a finding


@dataclass
class _Checked:
    """The verifications of a catalogue as the checks on reviews need them."""

    ids: set[str]
    supporting: set[str]  # in force (not superseded) and confirmed or consistent
    subjects: set[tuple[str, str]]  # (subject kind, subject) of those

    def back(self, relied: list[str], evidence_ids: dict[str, str], reports: dict[str, Facts]) -> bool:
        """Whether any record relied on is a supporting verification, or was checked by one; a
        report counts as checked if the files or sources it cites were."""
        for ref in relied:
            if ref in self.supporting or ("evidence", evidence_ids.get(ref, "")) in self.subjects:
                return True
            if any((kind, ref) in self.subjects for kind in ("source", "report", "allegation")):
                return True
            if (report := reports.get(ref)) is not None:
                cited = [("evidence", sha) for sha in items(report.evidence)]
                cited += [("source", c.partition(PAIR)[2]) for c in items(report.sources)]
                if any(pair in self.subjects for pair in cited):
                    return True
        return False


def _verification_checks(check: _Cross, rows: Records, subjects: dict[str, set[str]], sources: set[str]) -> _Checked:
    """Each verification checks a record of the catalogue, and corrects (once) a verification of
    the same record."""
    ids = check.unique(rows)
    by_id = {facts.id: facts for _, facts in rows}
    corrected: Counter[str] = Counter()
    for path, facts in rows:
        if facts.target not in subjects.get(facts.subject_kind, set()):
            message = f"checks unknown {facts.subject_kind} {facts.target!r}"
            check.add("unknown-subject", message, path, facts.id, "subject")
        check.sources_exist(path, facts, sources)
        if facts.follows:
            old = by_id.get(facts.follows)
            if old is None or (old.subject_kind, old.target) != (facts.subject_kind, facts.target):
                message = f"supersedes {facts.follows!r}, which is not a verification of the same record"
                check.add("unknown-superseded", message, path, facts.id, "supersedes")
            else:
                corrected[facts.follows] += 1
                if corrected[facts.follows] == 2:
                    message = f"{facts.follows!r} is superseded by more than one verification"
                    check.add("superseded-twice", message, path, facts.id, "supersedes")
    in_force = [facts for _, facts in rows if facts.id not in corrected and facts.status in SUPPORTING]
    return _Checked(ids, {f.id for f in in_force}, {(f.subject_kind, f.target) for f in in_force})


def cross_checks(records: dict[str, Records]) -> list[Problem]:
    """Every problem that only shows across records: ids used twice, references to records that
    do not exist, two corrections or two retractions of one report."""
    check = _Cross()
    site_rows, report_rows = records[layout.SITES], records[layout.REPORTS]
    sites = check.unique(site_rows)
    sources = check.unique(records[layout.SOURCES])
    check.unique(report_rows)
    allegations = check.unique(records[layout.ALLEGATIONS])
    evidence = {facts.target for _, facts in records[layout.EVIDENCE]}

    for path, facts in site_rows:
        check.sources_exist(path, facts, sources)

    reports_by_site: dict[str, set[str]] = defaultdict(set)
    for _, facts in report_rows:
        reports_by_site[facts.site].add(facts.id)
    withdrawn = {facts.target for _, facts in records[layout.RETRACTIONS]}
    superseded: Counter[str] = Counter()
    for path, facts in report_rows:
        report_id, site, target = facts.id, facts.site, facts.target
        if site not in sites:
            check.add("unknown-site", f"observes unknown site {site!r}", path, report_id, "site")
        check.sources_exist(path, facts, sources)
        if target:
            if report_id not in withdrawn:  # a retracted correction no longer competes
                superseded[target] += 1
            if target not in reports_by_site[site]:
                message = f"supersedes {target!r}, which is not a report of site {site!r}"
                check.add("unknown-superseded", message, path, report_id, "supersedes")
            elif superseded[target] == 2:
                message = (
                    f"{target!r} is superseded by more than one report: competing corrections, shown as such "
                    "by every command until all but one are retracted"
                )
                check.add("superseded-twice", message, path, report_id, "supersedes")

    links_by_site: dict[str, list[Link]] = defaultdict(list)  # only corrections can be on a loop
    report_paths = {}
    for path, facts in report_rows:
        if facts.target:
            links_by_site[facts.site].append(Link(facts.id, facts.target))
            report_paths[facts.id] = path
    for _site, site_links in sorted(links_by_site.items()):
        for loop in correction_loops(site_links, withdrawn):
            message = (
                f"reports {', '.join(loop)} supersede one another in a loop: shown as competing, all in force, "
                "until all but one are retracted"
            )
            check.add("supersession-loop", message, report_paths[loop[0]], loop[0], "supersedes")

    for path, facts in records[layout.EVIDENCE]:
        check.sources_exist(path, facts, sources)
    for path, facts in report_rows + records[layout.ALLEGATIONS] + records.get(layout.VERIFICATIONS, []):
        for number, sha in enumerate(items(facts.evidence)):
            if sha not in evidence:
                message = f"cites evidence file {sha}, which is not in the catalogue"
                check.add("unknown-evidence", message, path, facts.id, f"evidence[{number}]")
    reviews = {facts.id: facts.target for _, facts in records[layout.REVIEWS]}
    chained: dict[tuple[str, str], dict[str, str | None]] = defaultdict(dict)  # (allegation, aspect) -> links
    review_paths = {}
    for path, facts in records[layout.REVIEWS]:
        allegation = facts.target
        chained[allegation, facts.aspect][facts.id] = facts.follows or None
        review_paths[facts.id] = path
        if facts.follows and reviews.get(facts.follows) != allegation:
            message = f"supersedes {facts.follows!r}, which is not a review of allegation {allegation!r}"
            check.add("unknown-superseded", message, path, facts.id, "supersedes")
        if allegation not in allegations:
            check.add("unknown-allegation", f"reviews unknown allegation {allegation!r}", path, facts.id, "allegation")
        elif (folder := owner_folder(path)) != allegation:
            message = f"review of {allegation!r} is filed under {folder!r}"
            check.add("misfiled-record", message, path, facts.id, "allegation")

    for (allegation, aspect), links in sorted(chained.items()):
        for loop in chains.loops(links):
            message = f"reviews {', '.join(loop)} supersede one another in a loop; none of them is the latest"
            check.add("supersession-loop", message, review_paths[loop[0]], loop[0], "supersedes")
        if latest := chains.apart(links):
            message = (
                f"the {aspect} reviews of {allegation!r} were written apart (two machines) and no link orders "
                f"them: {', '.join(latest)} each stand as the latest; the status shown rests on clocks alone "
                "until a new review supersedes the one it follows"
            )
            check.add("competing-reviews", message, review_paths[latest[-1]], latest[-1], "supersedes", "warning")

    _custody_checks(check, records)
    report_ids = {facts.id for _, facts in report_rows}
    evidence_ids = {facts.id: facts.target for _, facts in records[layout.EVIDENCE]}  # ev- id -> SHA-256
    subjects = {"source": sources, "evidence": evidence, "report": report_ids, "allegation": allegations}
    checked = _verification_checks(check, records.get(layout.VERIFICATIONS, []), subjects, sources)
    known = sources | allegations | report_ids | evidence_ids.keys() | checked.ids
    cites = {facts.id: facts for _, facts in report_rows}
    for path, facts in records[layout.REVIEWS]:
        relied = items(facts.relies)
        for number, ref in enumerate(relied):
            if ref not in known:
                message = f"relies on {ref!r}, which is no report, source, allegation, evidence or verification"
                check.add("unknown-reference", message, path, facts.id, f"relies_on[{number}]")
        if facts.status in FINDINGS_FOR_THE_CLAIM and not checked.back(relied, evidence_ids, cites):
            message = (
                f"a finding of {facts.status!r} that relies on nothing verified: no verification in force "
                "that confirms or is consistent with what it relies on (heritage verification add)"
            )
            check.add("unchecked-finding", message, path, facts.id, "relies_on", "warning")

    retraction_rows = records[layout.RETRACTIONS]
    check.unique(retraction_rows)
    retracted: Counter[str] = Counter()
    for path, facts in retraction_rows:
        target, site = facts.target, facts.site
        retracted[target] += 1
        if target not in reports_by_site[site]:
            message = f"retracts {target!r}, which is not a report of site {site!r}"
            check.add("unknown-retracted", message, path, facts.id, "retracts")
        elif retracted[target] == 2:
            check.add("retracted-twice", f"{target!r} is retracted more than once", path, facts.id, "retracts")

    for path, facts in records[layout.ALLEGATIONS]:
        for number, site_id in enumerate(items(facts.sites)):
            if site_id not in sites:
                check.add("unknown-site", f"concerns unknown site {site_id!r}", path, facts.id, f"sites[{number}]")
        check.sources_exist(path, facts, sources)
        if facts.target and facts.target not in allegations:
            message = f"responds to unknown allegation {facts.target!r}"
            check.add("unknown-allegation", message, path, facts.id, "responds_to")
    return check.problems


def _custody_checks(check: _Cross, records: dict[str, Records]) -> None:
    """Each custody event extends the chain of a file the catalogue holds, and each chain runs in
    time: taken in the order its events were recorded, none happened before the intake or before
    an event recorded ahead of it. One that did is a warning: an event written down late, or a
    wrong date; either way the chain as read must be looked at."""
    intake = {facts.target: facts.at for _, facts in records[layout.EVIDENCE]}
    events = records.get(layout.CUSTODY, [])
    check.unique(events)
    chains: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for path, facts in events:
        if facts.target not in intake:
            message = f"is about evidence file {facts.target}, which is not in the catalogue"
            check.add("unknown-evidence", message, path, facts.id, "evidence")
            continue
        chains[facts.target].append((facts.recorded, facts.id, facts.at, path))
    for sha, chain in sorted(chains.items()):
        latest, after = intake[sha], "the file's intake"
        for _, event_id, at, path in sorted(chain):
            if at < latest:
                message = (
                    f"happened at {at[:19]} UTC, before {after} ({latest[:19]} UTC) that was recorded ahead of it: "
                    "an event written down late, or a wrong date"
                )
                check.add("custody-order", message, path, event_id, "at", "warning")
            else:
                latest, after = at, f"event {event_id!r}"


def _interrupted(catalogue: Catalogue) -> list[Problem]:
    """What killed commands left outside the record folders (those are checked as strays): imports
    that opening the catalogue settled, and half-written outputs in the catalogue and in maps/."""
    found = [Problem("interrupted-import", note, layout.JOURNALS, severity="warning") for note in catalogue.recovered]
    for folder in (catalogue.root, catalogue.root / layout.MAPS):
        for path in leftovers.found(folder):
            message = "left by a command that was killed while writing it; safe to delete (the next run here does)"
            found.append(Problem("leftover-temp", message, catalogue.display(path), severity="warning"))
    return found


def _translation_problems(catalogue: Catalogue) -> list[Problem]:
    """Keys of `translations` that no label has: a typo there would leave the English on every
    phone without a word, so it is said here, with the key it was most likely meant to be."""
    from difflib import get_close_matches

    from heritage.xlsform import translation_keys

    known = translation_keys()
    problems = []
    for lang, words in catalogue.info.translations.items():
        for key in sorted(set(words) - set(known)):
            near = get_close_matches(key, known, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            message = f"no label has the key {key!r}: the form shows its English{hint}"
            where = f"translations.{lang}"
            problems.append(Problem("unknown-translation", message, layout.CATALOGUE_FILE, None, where, "warning"))
    return problems


def _outline_problems(catalogue: Catalogue) -> list[Problem]:
    """`areas.geojson` read as the map reads it: an outline the map refuses is an error here."""
    try:
        read_outline(catalogue.root)
    except InvalidInput as error:
        return [Problem("invalid-areas", error.problem.message, layout.AREAS_FILE)]
    return []


def validate_catalogue(
    catalogue: Catalogue, today: date | None = None, progress: Callable[[int, int], None] | None = None
) -> ValidationReport:
    """Every problem of the catalogue. Files whose size and time are as the index last saw them
    are not read again; checks across records are made again whenever any file changed.
    `progress` is called with (pieces done, pieces to do) while files are read.

    `today` pins the date that future dates are judged against (for tests): the check then runs
    on an index in memory, leaving the catalogue's own index alone."""
    if today is not None:
        catalogue, settled = Catalogue(catalogue.root, catalogue.info), catalogue.recovered
        catalogue.recovered = settled
        catalogue.context = {**catalogue.context, "today": today}
    index = Index.open(catalogue, refresh=False, memory=today is not None)
    try:
        scan = index.full_scan(progress)
        report = ValidationReport()
        specials = [catalogue.display(p) for p in layout.special_info_files(catalogue.root)]
        for path in sorted([*specials, *scan.strays]):
            what = layout.special(catalogue.root / path)
            if what is not None:  # a link, a pipe, a device: never opened by any reader, and an error
                report.problems.append(Problem("special-file", special_message(what), path))
                continue
            if path.rsplit("/", 1)[-1].startswith(layout.TEMP_PREFIX):
                message = "temporary file left by an interrupted append; safe to delete"
                report.problems.append(Problem("leftover-temp", message, path, severity="warning"))
            else:
                message = "not a record file where records live; no reader will see it"
                report.problems.append(Problem("stray-file", message, path, severity="warning"))
        report.problems += _interrupted(catalogue)
        report.problems += _outline_problems(catalogue)
        report.problems += _translation_problems(catalogue)
        report.problems += scheme_note(catalogue)
        for kind in MODELS:
            for (problems,) in index.rows(
                "SELECT problems FROM files WHERE kind = ? AND problems IS NOT NULL ORDER BY folder, path", (kind,)
            ):
                report.problems += [Problem(*p) for p in json.loads(problems)]
        report.counts.update(_kept(index, "counts", lambda: dict(index.rows(_COUNTS))))
        report.problems += [Problem(*p) for p in _kept(index, "cross", lambda: _cross_problems(index))]
        return report
    finally:
        index.close()


_COUNTS = "SELECT kind, count(*) FROM files WHERE unreadable = 0 GROUP BY kind"


def _kept(index: Index, key: str, make: Callable[[], Any]) -> Any:
    """`make()`, a value that depends only on the files: kept in the index with the generation of
    the files it was made on, and made again once any file changed (whichever command brought
    the change in)."""
    generation = index.generation
    stored = index.rows("SELECT value FROM meta WHERE key = ?", (key,))
    if stored:
        kept = json.loads(stored[0][0])
        if kept["generation"] == generation:
            return kept["value"]
    value = make()
    encoded = json.dumps({"generation": generation, "value": value})
    try:
        index.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, encoded))
    except sqlite3.OperationalError as error:
        if not cannot_write(error):
            raise  # else not kept (a full disk): made again next time
    return json.loads(encoded)["value"]  # as it will be read next time


def _cross_problems(index: Index) -> list[list[Any]]:
    """The checks across records, each problem as a list of its fields."""
    records: dict[str, Records] = {}
    unpacked = Facts.unpacked
    with paused_gc():
        for kind in MODELS:
            # Sorted here rather than with ORDER BY: SQLite would sort them in a temporary B-tree,
            # while they come nearly in order and Python's sort is quick on such input.
            rows = index.rows("SELECT folder, path, facts FROM files WHERE kind = ? AND facts IS NOT NULL", (kind,))
            rows.sort()
            records[kind] = [(path, unpacked(facts)) for _, path, facts in rows]
        problems = cross_checks(records)
    return [list(astuple(p)) for p in problems]

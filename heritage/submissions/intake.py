"""Field submissions into the catalogue: each one a condition report citing a field-visit source,
with its photos as evidence and, for a site not on the form's list, a new site; all of a batch
or none of it.

Every submission is checked before anything is written; then the new files go in as one
journal commit (`heritage.journal`), so that even a killed process leaves the whole batch or
nothing. Ids come from the submission's instanceID (report `fv-<uuid>`, source
`src-fv-<uuid>`), so a second run finds what the first one added and adds nothing; an edited
submission (its `replaces`) supersedes the report of the one it replaces.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heritage import layout
from heritage.codec import to_document
from heritage.errors import ImportFailed, InvalidInput, Problem
from heritage.fieldform import FORM_ID, NOT_LISTED, QUESTIONS
from heritage.importing import problems as P
from heritage.importing.problems import RowProblem
from heritage.index import Index
from heritage.journal import Journal
from heritage.models import ConditionReport, RecordedWarning
from heritage.models.base import Record
from heritage.models.vocab import Reliability, Sensitivity
from heritage.recording import utc_now
from heritage.store import Catalogue
from heritage.submissions import Submission
from heritage.submissions.answers import read_visit
from heritage.submissions.records import Batch, report_id

SAMPLES = 3  # records a dry run shows
OUR_QUESTIONS = {q.name for q in QUESTIONS if q.required and not q.relevant and not q.repeat}


@dataclass
class IntakeOptions:
    recorded_by: str
    max_distance_m: float = 500.0  # farther than this from the site's location: warning far-from-site
    dry_run: bool = False
    without_photos: bool = False  # import even where a photo's file is missing (warning photo-missing)
    sensitivity: Sensitivity | None = None  # default: public, but restricted for a new site
    reliability: Reliability = Reliability.F


@dataclass
class IntakeResult:
    reports: list[str] = field(default_factory=list)  # the new reports' ids (would be, in a dry run)
    already: list[str] = field(default_factory=list)  # reports of submissions the catalogue holds already
    repeated: int = 0  # submissions given twice in the batch (the same instanceID)
    sites: list[str] = field(default_factory=list)  # new sites (not on the form's list)
    sources: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # SHA-256 of the photos stored anew
    photos: int = 0  # photos the new reports cite, stored anew or already there
    warnings: list[tuple[str, str, RecordedWarning]] = field(default_factory=list)  # (where, report, warning)
    notices: list[str] = field(default_factory=list)  # about the batch rather than one report (a site past the region)
    samples: list[dict[str, Any]] = field(default_factory=list)  # the first new records, as they would be stored
    dry_run: bool = False


class SubmissionsRefused(ImportFailed):
    """Submissions failed: nothing was written. Carries the problems grouped, as table imports do."""

    def __init__(self, groups: list[P.ProblemGroup], *, failed: int, total: int) -> None:
        self.groups = groups
        self.problems = [
            Problem("invalid-submission", g.message, None, label, g.field) for g in groups for label in g.labels
        ]
        InvalidInput.__init__(self, f"{failed} of {total} submission(s) failed; nothing was written")


def import_submissions(catalogue: Catalogue, submissions: list[Submission], options: IntakeOptions) -> IntakeResult:
    """Check every submission, then write the new records as one commit (or, in a dry run, say
    what would be written). Raises SubmissionsRefused, naming each problem, if any fails."""
    result = IntakeResult(dry_run=options.dry_run)
    if options.dry_run:
        _decide(catalogue, submissions, options, result)
        return result
    # The journal's lock makes imports take turns: what one adds, the next sees as already there.
    with Journal(catalogue.root) as journal:
        for target, data in _decide(catalogue, submissions, options, result):
            journal.stage(target, data if isinstance(data, bytes) else _photo_bytes(data, target.name))
        if journal.targets:
            journal.commit()
    return result


def _photo_bytes(path: Path, sha256: str) -> bytes:
    """A photo's bytes, read again to be staged: the same bytes that were checked, or none."""
    with layout.open_input(path) as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InvalidInput("changed while it was being imported; nothing was written: import again", file=path)
    return data


def import_from(catalogue: Catalogue, path: Path, options: IntakeOptions, media: Path | None = None) -> IntakeResult:
    """Read the submissions at `path` (a phone's instances folder, an ODK Central or KoboToolbox
    export; see `heritage.submissions.readers`) and import them."""
    from heritage.submissions.readers import read_submissions

    with tempfile.TemporaryDirectory(prefix="heritage-submissions-") as scratch:
        submissions = read_submissions(path, Path(scratch), media)
        return import_submissions(catalogue, submissions, options)


def _known_reports(catalogue: Catalogue, ids: set[str]) -> dict[str, str]:
    """Report id -> its site, for those of `ids` the catalogue holds: one query of the index."""
    found: dict[str, str] = {}
    wanted = sorted(ids)
    with Index.open(catalogue, kinds=("reports",)) as index:
        for n in range(0, len(wanted), 500):
            part = wanted[n : n + 500]
            marks = ",".join("?" * len(part))
            found.update(index.rows(f"SELECT id, site FROM reports WHERE id IN ({marks})", tuple(part)))
    return found


def _in_order(pending: list[Submission]) -> list[Submission]:
    """Edits after the submission they replace, when both are in the batch; otherwise as given."""
    by_instance = {s.instance_id: s for s in pending}

    def depth(submission: Submission) -> int:
        seen, count = {submission.instance_id}, 0
        while submission.replaces in by_instance and submission.replaces not in seen:
            submission = by_instance[submission.replaces]
            seen.add(submission.instance_id)
            count += 1
        return count

    return sorted(pending, key=depth)


def _decide(
    catalogue: Catalogue, submissions: list[Submission], options: IntakeOptions, result: IntakeResult
) -> list[tuple[Path, bytes | Path]]:
    """Every submission checked and sorted out; the new files, in the order they are staged.
    Raises SubmissionsRefused if any submission fails."""
    unique: dict[str, Submission] = {}
    clashes: list[tuple[str, RowProblem]] = []
    for submission in _of_this_form(submissions, result):
        first = unique.get(submission.instance_id)
        if first is None:
            unique[submission.instance_id] = submission
        elif _same(first, submission):
            result.repeated += 1
        else:  # two copies that disagree: which one the team meant cannot be told here
            message = (
                f"has the instanceID of {first.where}, but other answers ({', '.join(_differences(first, submission))})"
            )
            fix = "keep one copy, the one the team finalised last, and leave the other out of the folder"
            clashes.append((submission.where, RowProblem("meta/instanceID", message, submission.instance_id, fix)))
    ids = {report_id(s.instance_id) for s in unique.values()} | {
        report_id(s.replaces) for s in unique.values() if s.replaces
    }
    known = _known_reports(catalogue, ids)
    pending = []
    for submission in unique.values():
        if report_id(submission.instance_id) in known:
            result.already.append(report_id(submission.instance_id))
            result.notices += _changed_since(catalogue, submission, known[report_id(submission.instance_id)])
        else:
            pending.append(submission)
    batch = Batch(catalogue, options, known, utc_now())
    failed = 0
    for submission in _in_order(pending):
        failed += 0 if batch.add(submission) else 1
    if batch.problems or clashes:
        failed += len(clashes)
        raise SubmissionsRefused(P.group(clashes + batch.problems), failed=failed, total=len(unique) + len(clashes))
    result.reports = [r.id for r in batch.reports]
    result.sites = [s.id for s in batch.sites]
    result.sources = [s.id for s in batch.sources]
    result.evidence = [e.file_sha256 for e in batch.evidence]
    result.photos = sum(len(r.evidence) for r in batch.reports)
    result.warnings = [(batch.where[r.id], r.id, w) for r in batch.reports for w in r.warnings]
    result.notices += batch.notices
    result.samples = [_sample(record) for record in batch.records[:SAMPLES]]
    return batch.files


def _of_this_form(submissions: list[Submission], result: IntakeResult) -> list[Submission]:
    """The submissions of heritage's form. A phone keeps every form's instances in one folder, so
    another form's are passed over, each with a word, rather than refused or read as ours. Its id
    alone does not tell (KoboToolbox gives a form it deploys an id of its own): another form is one
    of another id that lacks our form's questions, which an instance holds even when unanswered."""
    ours = []
    for submission in submissions:
        if submission.form_id not in ("", FORM_ID) and not OUR_QUESTIONS <= set(submission.answers):
            result.notices.append(
                f"{submission.where}: skipped: an instance of the form {submission.form_id!r}, not of {FORM_ID!r}"
            )
        else:
            ours.append(submission)
    return ours


def _content(submission: Submission) -> tuple[object, ...]:
    return submission.answers, [(p.name, p.caption) for p in submission.photos], submission.replaces


def _same(one: Submission, other: Submission) -> bool:
    return _content(one) == _content(other)


def _differences(one: Submission, other: Submission) -> list[str]:
    names = sorted(set(one.answers) | set(other.answers))
    found = [name for name in names if one.answers.get(name, "").strip() != other.answers.get(name, "").strip()]
    if [(p.name, p.caption) for p in one.photos] != [(p.name, p.caption) for p in other.photos]:
        found.append("photos")
    if one.replaces != other.replaces:
        found.append("meta/deprecatedID")
    return found or ["the same answers, in another order"]


def _changed_since(catalogue: Catalogue, submission: Submission, site: str) -> list[str]:
    """A word if the report made of this instance earlier says otherwise than the answers now given."""
    stored = catalogue.read(
        ConditionReport, layout.report_file(catalogue.root, site, report_id(submission.instance_id))
    )
    visit, problems = read_visit(submission.answers)
    now = {
        "site": site if visit.site == NOT_LISTED else visit.site,
        "visit_date": visit.day,
        "observer": visit.observer,
        "condition": visit.condition,
        "certainty": visit.certainty,
        "access": visit.access,
        "damage_extent": visit.damage_extent,
        "damage_effects": sorted(visit.damage_effects),
        "damage_causes": sorted(visit.damage_causes),
        "notes": visit.notes,
    }
    before = {
        "site": stored.site,
        "visit_date": stored.observed.start,
        "observer": stored.observed_by,
        "condition": stored.condition,
        "certainty": stored.certainty,
        "access": stored.access,
        "damage_extent": stored.damage_extent,
        "damage_effects": sorted(stored.damage_effects),
        "damage_causes": sorted(stored.damage_causes),
        "notes": stored.notes,
    }
    unread = {problem.field for problem in problems}  # an answer that cannot be read is not compared
    changed = [name for name in now if name not in unread and now[name] != before[name]]
    if not changed:
        return []
    return [
        f"{submission.where}: its instanceID was imported before as report {stored.id}, whose answers differ "
        f"({', '.join(changed)}): it is not imported again; if these answers are the right ones, record them "
        f"with heritage report correct {stored.id}"
    ]


def _sample(record: Record) -> dict[str, Any]:
    """A record as it would be stored, without its seal and time stamp (set when it is written)."""
    document = to_document(record)
    for part in (document, document.get("properties", {})):
        part.pop("sha256", None)
        part.pop("recorded_at", None)
    return document


__all__ = ["IntakeOptions", "IntakeResult", "SubmissionsRefused", "import_from", "import_submissions"]

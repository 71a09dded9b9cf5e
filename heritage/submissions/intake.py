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

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heritage.codec import to_document
from heritage.errors import ImportFailed, InvalidInput, Problem
from heritage.importing import problems as P
from heritage.index import Index
from heritage.journal import Journal
from heritage.models import RecordedWarning
from heritage.models.base import Record
from heritage.models.vocab import Reliability, Sensitivity
from heritage.recording import utc_now
from heritage.store import Catalogue
from heritage.submissions import Submission
from heritage.submissions.records import Batch, report_id

SAMPLES = 3  # records a dry run shows


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
            journal.stage(target, data)
        if journal.targets:
            journal.commit()
    return result


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
) -> list[tuple[Path, bytes]]:
    """Every submission checked and sorted out; the new files, in the order they are staged.
    Raises SubmissionsRefused if any submission fails."""
    unique: dict[str, Submission] = {}
    for submission in submissions:
        if submission.instance_id in unique:
            result.repeated += 1
        else:
            unique[submission.instance_id] = submission
    ids = {report_id(s.instance_id) for s in unique.values()} | {
        report_id(s.replaces) for s in unique.values() if s.replaces
    }
    known = _known_reports(catalogue, ids)
    pending = []
    for submission in unique.values():
        if report_id(submission.instance_id) in known:
            result.already.append(report_id(submission.instance_id))
        else:
            pending.append(submission)
    batch = Batch(catalogue, options, known, utc_now())
    failed = 0
    for submission in _in_order(pending):
        failed += 0 if batch.add(submission) else 1
    if batch.problems:
        raise SubmissionsRefused(P.group(batch.problems), failed=failed, total=len(unique))
    result.reports = [r.id for r in batch.reports]
    result.sites = [s.id for s in batch.sites]
    result.sources = [s.id for s in batch.sources]
    result.evidence = [e.file_sha256 for e in batch.evidence]
    result.photos = sum(len(r.evidence) for r in batch.reports)
    result.warnings = [(batch.where[r.id], r.id, w) for r in batch.reports for w in r.warnings]
    result.notices = batch.notices
    result.samples = [_sample(record) for record in batch.records[:SAMPLES]]
    return batch.files


def _sample(record: Record) -> dict[str, Any]:
    """A record as it would be stored, without its seal and time stamp (set when it is written)."""
    document = to_document(record)
    for part in (document, document.get("properties", {})):
        part.pop("sha256", None)
        part.pop("recorded_at", None)
    return document


__all__ = ["IntakeOptions", "IntakeResult", "SubmissionsRefused", "import_from", "import_submissions"]

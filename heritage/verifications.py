"""Verifications with what they check: which are in force, the checks of a record, and the checks
a review rests on (the ones it names, and those of the records it relies on).

A verification is in force until another corrects it (`supersedes`). A review "rests on" a check
when it names the verification in `relies_on`, or names a record that a verification checked; a
report it names brings the checks of the files and sources the report cites. `heritage validate`
warns (`unchecked-finding`) when a review to corroborated or verified rests on no check in force
whose result supports it (confirmed or consistent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from heritage.errors import InvalidInput, RecordNotFound
from heritage.models import ConditionReport, Review, SubjectKind, Verification
from heritage.store import Catalogue


def in_force(verifications: Iterable[Verification]) -> list[Verification]:
    """The verifications no other corrects, by date checked then id."""
    verifications = list(verifications)
    corrected = {v.supersedes for v in verifications if v.supersedes}
    return sorted((v for v in verifications if v.id not in corrected), key=lambda v: (v.checked_on, v.id))


@dataclass
class Checks:
    """A catalogue's verifications, found by id and by what they check."""

    by_id: dict[str, Verification] = field(default_factory=dict)
    of: dict[str, list[Verification]] = field(default_factory=dict)  # subject (id, or a file's SHA-256) -> in force

    @classmethod
    def load(cls, catalogue: Catalogue) -> Checks:
        return cls.of_records(catalogue.verifications())

    @classmethod
    def of_records(cls, verifications: Iterable[Verification]) -> Checks:
        everything = list(verifications)
        of: dict[str, list[Verification]] = defaultdict(list)
        for verification in in_force(everything):
            of[verification.subject].append(verification)
        return cls({v.id: v for v in everything}, dict(of))

    def of_kind(self, kind: SubjectKind, subject: str) -> list[Verification]:
        """The checks in force of one record (an id two kinds share is told apart by `kind`)."""
        return [v for v in self.of.get(subject, []) if v.subject_kind is kind]

    def behind(self, review: Review, catalogue: Catalogue) -> list[Verification]:
        """The checks a review rests on, each once, by date checked: the verifications it names and
        those in force of the records it names (an ev- id by its file; a report with the files and
        sources it cites)."""
        found: dict[str, Verification] = {}
        for ref in review.relies_on:
            if ref in self.by_id:
                found[ref] = self.by_id[ref]
                continue
            subjects = [ref]
            if ref.startswith("ev-") and (sha := catalogue.evidence_sha(ref)) is not None:
                subjects.append(sha)
            elif not ref.startswith("ev-") and (report := _report(catalogue, ref)) is not None:
                subjects += [*report.evidence, *(c.source for c in report.sources)]
            for subject in subjects:
                found |= {v.id: v for v in self.of.get(subject, [])}
        return sorted(found.values(), key=lambda v: (v.checked_on, v.id))


def checks_behind(catalogue: Catalogue, reviews: Iterable[Review], audience: str) -> dict[str, list[Verification]]:
    """For each review (by id), the checks it rests on (`Checks.behind`) as this audience may see
    them: what `allegation show` prints under each review."""
    from heritage.listing import EVERYTHING, Visible

    checks = Checks.load(catalogue)
    visible = None if audience == EVERYTHING else Visible.load(catalogue, audience)
    out: dict[str, list[Verification]] = {}
    for review in reviews:
        found = checks.behind(review, catalogue)
        if visible is not None:
            found = [shown for v in found if (shown := visible.verification(catalogue, v)) is not None]
        out[review.id] = found
    return out


def _report(catalogue: Catalogue, report_id: str) -> ConditionReport | None:
    if catalogue.has_source(report_id) or catalogue.has_allegation(report_id):
        return None
    try:
        return catalogue.find_report(report_id)
    except (RecordNotFound, InvalidInput):  # no such report (an allegation's id, a typo), or unreadable
        return None


def summary(verification: Verification) -> str:
    """One line, as `allegation show` and the dossier word a check: step, result, method, day, who."""
    step = verification.step.value.replace("_", " ")
    return (
        f"{step}: {verification.result.value} ({verification.method}; {verification.checked_on}, "
        f"{verification.checked_by})"
    )

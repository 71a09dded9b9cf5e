"""Correcting the record without rewriting it: a report that supersedes another, a retraction that
withdraws one, a review that moves an allegation's status. Each is a new record; the old stay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from heritage.allegations import latest_review
from heritage.errors import RecordNotFound
from heritage.ids import new_id
from heritage.models import ConditionReport, Retraction, Review, ReviewAspect, When
from heritage.recording import build, stamp
from heritage.store import Catalogue

# Set by heritage on every record: a correction takes new ones rather than the old report's (and is
# no migration: it is made here, now, even when the report it corrects came from elsewhere).
_NOT_COPIED = {"id", "sha256", "recorded_at", "recorded_by", "migrated", "resealed"}
# How the corrected report came in (the phone submission, the warnings noted then) belongs to it:
# the correction is the analyst's record. Copied, one submission would stand behind two reports
# and each warning would be listed twice.
_AS_IT_CAME = {"submission", "warnings"}


@dataclass
class Corrections:
    """What a correction changes; what is None is copied from the report corrected."""

    observed: str | None = None
    condition: str | None = None
    certainty: str | None = None
    method: str | None = None
    credibility: int | None = None
    damage_extent: str | None = None
    damage_effects: list[str] | None = None  # each list replaces the report's whole list when given
    damage_causes: list[str] | None = None
    observed_by: str | None = None
    evidence: list[str] | None = None  # SHA-256s
    sources: list[dict[str, Any]] | None = None  # replaces every citation when given


def correction_of(report: ConditionReport, reason: str, changes: Corrections) -> dict[str, Any]:
    """A new report's document: a copy of `report` with `changes`, the reason at the head of its
    notes, and `supersedes` pointing back. Not stamped, not validated."""
    document = report.model_dump(mode="json", exclude_none=True, exclude=_NOT_COPIED | _AS_IT_CAME)
    if report.observed.open_end and report.observed.end is not None:
        # "Since D" ended, at the latest, when the report was recorded: the correction, recorded
        # later, says so in full rather than let the window run on to its own day.
        document["observed"] = f"{report.observed.text[: -len('/..')]}/{report.observed.end.isoformat()}"
    document.update({k: v for k, v in vars(changes).items() if v is not None})
    if changes.observed is not None and report.visited_at is not None:
        if not When.parse(changes.observed).holds(report.visited_at.date()):
            document.pop("visited_at")  # the day was wrong, so the time on it was too
    note = f"Correction of {report.id}: {reason}"
    document["notes"] = note + (f"\n{report.notes}" if report.notes else "")
    document.update(id=new_id("r"), supersedes=report.id)
    return document


def correct_report(
    catalogue: Catalogue, report_id: str, reason: str, changes: Corrections, user: str
) -> ConditionReport:
    """Append the report that supersedes `report_id` with these changes; return it."""
    document = correction_of(catalogue.find_report(report_id), reason, changes)
    record = build(ConditionReport, stamp(document, user), catalogue.context, generated_id=True)
    catalogue.add_report(record)
    return record


def retraction_of(report: ConditionReport, reason: str) -> dict[str, Any]:
    """A retraction's document withdrawing `report`. Not stamped, not validated."""
    return {"id": new_id("x"), "site": report.site, "retracts": report.id, "reason": reason}


def retract_report(catalogue: Catalogue, report_id: str, reason: str, user: str) -> Retraction:
    """Append a retraction of `report_id`; the report stays readable, marked as retracted."""
    document = stamp(retraction_of(catalogue.find_report(report_id), reason), user)
    record = build(Retraction, document, catalogue.context, generated_id=True)
    catalogue.add_retraction(record)
    return record


def review_allegation(
    catalogue: Catalogue,
    allegation_id: str,
    *,
    status: str,
    aspect: str,
    rationale: str,
    reviewer: str,
    user: str,
    standard: str | None = None,
    relies_on: tuple[str, ...] | list[str] = (),
) -> Review:
    """Append a review of `allegation_id`: the only way its status moves. Return it. It names the
    latest review of the same aspect as the one it supersedes, so that it stays the latest
    whatever the clock of the machine that wrote that one said."""
    if not catalogue.has_allegation(allegation_id):
        raise RecordNotFound("no such allegation", record=allegation_id)
    known = aspect in {a.value for a in ReviewAspect}  # an unknown one is refused by the model below
    previous = latest_review(catalogue.reviews(allegation_id), ReviewAspect(aspect)) if known else None
    document = stamp(
        {
            "id": new_id("v"),
            "allegation": allegation_id,
            "aspect": aspect,
            "status": status,
            "standard": standard,
            "rationale": rationale,
            "relies_on": list(relies_on),
            "reviewer": reviewer,
            "supersedes": previous.id if previous else None,
        },
        user,
    )
    document = {k: v for k, v in document.items() if v is not None}
    review = build(Review, document, catalogue.context, generated_id=True)
    catalogue.add_review(review)
    return review

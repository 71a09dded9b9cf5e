"""Reviewing an allegation: a recorded, reasoned event. Status moves only through these.

Damage and attribution are reviewed apart: that a church was destroyed can be verified while who
destroyed it is not. A finding names its standard of proof and what it relies on.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from heritage.models.base import Record
from heritage.models.types import Line, RecordId, Text
from heritage.models.vocab import AllegationStatus


class ReviewAspect(StrEnum):
    damage = "damage"  # did the alleged act or damage happen
    attribution = "attribution"  # who did it


# Findings must say what they rest on; "not corroborated" may rest on finding nothing.
NEEDS_EVIDENCE = {
    AllegationStatus.corroborated,
    AllegationStatus.verified,
    AllegationStatus.refuted,
    AllegationStatus.disputed,
}
FINDINGS = NEEDS_EVIDENCE | {AllegationStatus.not_corroborated}


class Review(Record):
    allegation: RecordId
    aspect: ReviewAspect = ReviewAspect.damage
    status: AllegationStatus
    standard: Line | None = None  # "reasonable grounds to believe", "balance of probabilities"...
    rationale: Text
    relies_on: list[RecordId] = Field(default_factory=list)  # reports, sources, evidence ids
    reviewer: Line
    # The review of the same allegation and aspect that this one follows: which finding is the
    # latest is read from these links, not from clocks (see heritage.allegations.review_order).
    supersedes: RecordId | None = None

    @model_validator(mode="after")
    def _reasoned(self) -> Review:
        if self.supersedes == self.id:
            raise ValueError("a review cannot supersede itself")
        if self.status is AllegationStatus.reported:
            raise ValueError("a review cannot move a claim back to 'reported'")
        if self.status in NEEDS_EVIDENCE and not self.relies_on:
            raise ValueError(f"a review to {self.status.value!r} must say what it relies on (relies_on)")
        if self.status in FINDINGS and not self.standard:
            raise ValueError(f"a review to {self.status.value!r} must name the standard of proof applied")
        return self

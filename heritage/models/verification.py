"""How a statement was checked: one verification step, recorded.

A verification says who checked what, when, by which method, with what result and on which
evidence. Its steps follow the verification of digital open-source material as the Berkeley
Protocol lays it out (source analysis, technical analysis, content analysis), with the two parts
of content analysis that locate a scene in place and in time recorded as steps of their own.
A review may rely on verifications (`Review.relies_on`); `heritage validate` says when a finding
for the claim rests on nothing that was checked (see docs/format.md, "Verification").
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from heritage.models.base import Record, from_future, today_of
from heritage.models.geometry import Point
from heritage.models.source import Citation, Sha256
from heritage.models.types import Line, RecordId, Text, When
from heritage.models.vocab import Sensitivity


class VerificationStep(StrEnum):
    """What was checked. The Berkeley Protocol's source analysis, technical analysis and content
    analysis, with geolocation and chronolocation (parts of content analysis) apart."""

    source_identification = "source_identification"  # who made or first published it, and are they who they say
    technical_verification = "technical_verification"  # the file itself: metadata, edits, earlier copies
    content_verification = "content_verification"  # what it shows: objects, damage, weather, language, uniforms
    geolocation = "geolocation"  # where it was taken
    chronolocation = "chronolocation"  # when it was taken


class VerificationResult(StrEnum):
    """What the check found, from supporting the statement to contradicting it. `confirmed` and
    `consistent` support it (`SUPPORTS`); `inconclusive` neither; `inconsistent` and `refuted` go
    against it."""

    confirmed = "confirmed"  # the check establishes it (landmarks match beyond doubt)
    consistent = "consistent"  # everything found fits, but the check alone does not establish it
    inconclusive = "inconclusive"  # could not be decided (too little in the image, no archive)
    inconsistent = "inconsistent"  # something does not fit, without showing it false
    refuted = "refuted"  # shown false (another place, published years before)


SUPPORTS = frozenset({VerificationResult.confirmed, VerificationResult.consistent})


class SubjectKind(StrEnum):
    """The kind of record a verification checks."""

    source = "source"
    evidence = "evidence"  # an evidence file, by the SHA-256 of its bytes
    report = "report"
    allegation = "allegation"


_SHA256 = re.compile(r"[0-9a-f]{64}")


class Verification(Record):
    subject_kind: SubjectKind
    subject: RecordId  # the id checked; for an evidence file, its SHA-256
    step: VerificationStep
    method: Line  # reverse image search, EXIF examination, shadow analysis, satellite imagery comparison...
    result: VerificationResult
    checked_on: date
    checked_by: Line  # who did the check (not who records it)
    evidence: list[Sha256] = Field(default_factory=list)  # files relied on (the reference image...)
    sources: list[Citation] = Field(default_factory=list)  # sources relied on (an archive, a map)
    notes: Text | None = None
    location: Point | None = None  # geolocation: the point found
    date_found: When | None = None  # chronolocation: the date or window found
    sensitivity: Sensitivity = Sensitivity.public
    supersedes: RecordId | None = None  # the verification this one corrects

    @field_validator("checked_on")
    @classmethod
    def _checked_in_past(cls, value: date, info: ValidationInfo) -> date:
        if value > today_of(info):
            from_future(info, "checked_on", f"checked_on {value} is in the future")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Verification:
        if self.supersedes == self.id:
            raise ValueError("a verification cannot supersede itself")
        if self.subject_kind is SubjectKind.evidence and not _SHA256.fullmatch(self.subject):
            raise ValueError("an evidence file is named by its SHA-256 (subject)")
        if self.step is VerificationStep.technical_verification and self.subject_kind is not SubjectKind.evidence:
            raise ValueError("technical verification checks a file: its subject is an evidence file")
        if self.location is not None and self.step is not VerificationStep.geolocation:
            raise ValueError("location is the point a geolocation found; this step is not geolocation")
        if self.date_found is not None and self.step is not VerificationStep.chronolocation:
            raise ValueError("date_found is the date a chronolocation found; this step is not chronolocation")
        return self

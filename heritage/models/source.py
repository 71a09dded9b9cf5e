"""A citable document or media item, graded for reliability, with its evidence files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from heritage.models.base import Model, Record, from_future, not_in_future, today_of
from heritage.models.types import LanguageTag, Line, Link, RecordId, ShortText, Text, When
from heritage.models.vocab import Reliability, Sensitivity, SourceKind

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class EvidenceFile(Model):
    sha256: Sha256  # of the exact bytes, as sha256sum prints it
    size: int = Field(ge=0)
    media_type: Text
    name: Line | None = None  # the file's original name
    captured_at: AwareDatetime | None = None
    captured_by: Line | None = None

    @field_validator("captured_at")
    @classmethod
    def _captured_in_past(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return value if value is None else not_in_future(value, "captured_at", info)


class SatelliteImage(Model):
    provider: Line
    acquired_on: date
    sensor: Line | None = None
    scene_id: Line | None = None

    @field_validator("acquired_on")
    @classmethod
    def _acquired_in_past(cls, value: date, info: ValidationInfo) -> date:
        if value > today_of(info):
            from_future(info, "acquired_on", f"acquired_on {value} is in the future")
        return value


class Citation(Model):
    """A pointer into a source: which one, and where in it (page, paragraph, timestamp)."""

    source: RecordId
    locator: ShortText | None = None


class Source(Record):
    kind: SourceKind
    title: Line
    author: Line | None = None
    publisher: Line | None = None
    published: When | None = None
    url: Link | None = None
    archived_url: Link | None = None
    accessed: date | None = None
    language: LanguageTag | None = None
    party: RecordId | None = None  # the party it speaks for, if any
    reliability: Reliability = Reliability.F
    sensitivity: Sensitivity = Sensitivity.public
    notes: Text | None = None
    satellite: SatelliteImage | None = None
    evidence: list[EvidenceFile] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Source:
        today = today_of(info)
        if self.published and ((self.published.start or date.min) > today or (self.published.end or date.min) > today):
            from_future(info, "published", f"published {self.published} is in the future")
        if self.accessed and self.accessed > today:
            from_future(info, "accessed", f"accessed {self.accessed} is in the future")
        if self.satellite and self.kind is not SourceKind.satellite_image:
            raise ValueError("satellite details belong to a source of kind 'satellite_image'")
        return self

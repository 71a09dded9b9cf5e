"""A claim made by a party. It is recorded as a claim: never as a finding."""

from __future__ import annotations

from datetime import date

from pydantic import Field, ValidationInfo, field_validator, model_validator

from heritage.models.base import Model, Record, from_future, today_of
from heritage.models.geometry import Polygon
from heritage.models.source import Citation, Sha256
from heritage.models.types import Line, RecordId, ShortText, Text, When
from heritage.models.vocab import AllegedAct, ClaimantKind, Sensitivity


class Claimant(Model):
    name: Line
    kind: ClaimantKind
    party: RecordId | None = None


class Perpetrator(Model):
    name: Line | None = None
    party: RecordId | None = None

    @model_validator(mode="after")
    def _someone(self) -> Perpetrator:
        if self.name is None and self.party is None:
            raise ValueError("an alleged perpetrator needs a name or a party")
        return self


class Allegation(Record):
    claimant: Claimant
    made_on: When
    source: Citation
    sites: list[RecordId] = Field(default_factory=list)
    area: Polygon | None = None
    acts: list[AllegedAct] = Field(min_length=1)
    alleged_perpetrator: Perpetrator | None = None
    alleged_period: When | None = None
    summary: Text  # the claim in our own words
    quote: ShortText | None = None  # at most a short exact phrase
    legal_references: list[Line] = Field(default_factory=list)
    evidence: list[Sha256] = Field(default_factory=list)  # evidence files cited directly
    responds_to: RecordId | None = None  # a denial or counter-claim answers another allegation
    sensitivity: Sensitivity = Sensitivity.public

    @field_validator("made_on")
    @classmethod
    def _made_in_past(cls, value: When, info: ValidationInfo) -> When:
        today = today_of(info)
        if (value.start or date.min) > today or (value.end or date.min) > today:
            from_future(info, "made_on", f"made_on {value} is in the future")
        return value

    @field_validator("alleged_period")
    @classmethod
    def _period_begun(cls, value: When | None, info: ValidationInfo) -> When | None:
        # The period may run on (an announced plan); it cannot start after today.
        if value is not None and (value.start or date.min) > today_of(info):
            from_future(info, "alleged_period", f"alleged_period {value} starts in the future")
        return value

    @model_validator(mode="after")
    def _concerns_something(self) -> Allegation:
        if not self.sites and self.area is None:
            raise ValueError("an allegation concerns at least one site or an area")
        if self.responds_to == self.id:
            raise ValueError("an allegation cannot respond to itself")
        return self

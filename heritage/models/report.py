"""An observation of a site's state on a date, or in a window between two dates."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator, model_validator

from heritage.models.base import Model, Record, from_future, today_of
from heritage.models.geometry import Position, check_position
from heritage.models.source import Citation, Sha256
from heritage.models.types import Credibility, Line, RecordId, Text, When
from heritage.models.vocab import Certainty, Condition, DamageCause, DamageEffect, DamageExtent, Method, Sensitivity


class ObserverPosition(Model):
    """Where the observer stood: on a field visit, the phone's GPS fix and its accuracy."""

    coordinates: Position  # [longitude, latitude], WGS84, as GeoJSON orders them
    accuracy_m: float | None = Field(default=None, gt=0)

    _in_range = field_validator("coordinates")(check_position)


class ConditionReport(Record):
    site: RecordId
    observed: When
    observed_by: Line | None = None
    position: ObserverPosition | None = None
    method: Method
    condition: Condition
    certainty: Certainty | None = None  # None: the report does not say how sure it is
    damage_extent: DamageExtent | None = None
    damage_effects: list[DamageEffect] = Field(default_factory=list)
    damage_causes: list[DamageCause] = Field(default_factory=list)
    credibility: Credibility = 6
    sources: list[Citation] = Field(min_length=1)
    evidence: list[Sha256] = Field(default_factory=list)
    notes: Text | None = None
    sensitivity: Sensitivity = Sensitivity.public
    supersedes: RecordId | None = None

    @field_validator("observed")
    @classmethod
    def _observed_in_past(cls, value: When, info: ValidationInfo) -> When:
        if value.end is None:
            # Open at its end (`2021-05-03/..`, "seen damaged since"): nothing can have been
            # observed after the report was written, so its last possible day is the day it was
            # recorded, as written. History orders and counts it by that day; the text stays.
            recorded = info.data.get("recorded_at")  # a field of Record, so validated before this one
            if recorded is None:
                return value  # recorded_at is itself refused, and said so
            if value.start is not None and value.start > recorded.date():
                raise ValueError(f"observed {value} begins after the report was recorded ({recorded.date()})")
            return value.until(recorded.date())
        if value.end is not None and value.end > today_of(info):
            from_future(info, "observed", f"observed {value} is in the future")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ConditionReport:
        if self.supersedes == self.id:
            raise ValueError("a report cannot supersede itself")
        damaged = self.damage_extent not in (None, DamageExtent.none, DamageExtent.unknown)
        if self.condition is Condition.intact and damaged:
            raise ValueError(f"condition 'intact' contradicts damage_extent {self.damage_extent}")
        return self

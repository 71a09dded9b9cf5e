"""An observation of a site's state on a date, or in a window between two dates."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field, ValidationInfo, field_validator, model_validator

from heritage.models.base import Model, Record, from_future, not_in_future, today_of
from heritage.models.geometry import Position, check_position
from heritage.models.source import Citation, Sha256
from heritage.models.types import Credibility, Line, RecordId, Text, When
from heritage.models.vocab import (
    Access,
    Certainty,
    Condition,
    DamageCause,
    DamageEffect,
    DamageExtent,
    Method,
    Sensitivity,
)


class ObserverPosition(Model):
    """Where the observer stood: on a field visit, the phone's GPS fix and its accuracy."""

    coordinates: Position  # [longitude, latitude], WGS84, as GeoJSON orders them
    accuracy_m: float | None = Field(default=None, gt=0)

    _in_range = field_validator("coordinates")(check_position)


Via = Literal["odk_collect", "odk_central", "kobotoolbox"]
"""How a field submission reached the catalogue: off a phone (ODK Collect or KoboCollect), or from
a server's export."""


class FieldSubmission(Model):
    """The phone form a report came from (ODK Collect, KoboCollect): its `instance_id` is the
    submission's own id, unique across devices, so importing the same submission twice adds nothing."""

    instance_id: Line  # meta/instanceID, e.g. uuid:0b3a...
    form_id: Line
    form_version: Line | None = None
    replaces: Line | None = None  # meta/deprecatedID: the instance this edited submission replaces
    via: Via
    submitted_at: AwareDatetime | None = None  # when the server received it (none straight off a phone)
    submitted_by: Line | None = None  # the server account or app user that sent it
    device: Line | None = None  # the phone's id (deviceid)

    @field_validator("submitted_at")
    @classmethod
    def _submitted_in_past(cls, value: AwareDatetime | None, info: ValidationInfo) -> AwareDatetime | None:
        return value if value is None else not_in_future(value, "submission.submitted_at", info)


# The codes of the warnings the submission import records (`heritage.submissions.checks` words
# them for the team, `heritage.audience.withheld_warning` for everyone else).
FAR_FROM_SITE = "far-from-site"
PHOTO_OTHER_DAY = "photo-other-day"
PHOTO_MISSING = "photo-missing"
NEW_SITE = "new-site"


class RecordedWarning(Model):
    """Something odd noticed when the report came in and kept with it, for a person to look at:
    the position far from the site, a photo taken on another day than the visit."""

    code: RecordId  # far-from-site, photo-other-day
    message: Text


class ConditionReport(Record):
    site: RecordId
    observed: When
    observed_by: Line | None = None
    position: ObserverPosition | None = None
    visited_at: AwareDatetime | None = None  # on a field visit: the time on site, when the form gives it
    access: Access | None = None  # on a field visit: how much of the site could be reached and seen
    access_reason: Text | None = None  # why access was partial, none or refused
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
    submission: FieldSubmission | None = None
    warnings: list[RecordedWarning] = Field(default_factory=list)

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

    @field_validator("visited_at")
    @classmethod
    def _visited_in_past(cls, value: AwareDatetime | None, info: ValidationInfo) -> AwareDatetime | None:
        return value if value is None else not_in_future(value, "visited_at", info)

    @model_validator(mode="after")
    def _consistent(self) -> ConditionReport:
        if self.supersedes == self.id:
            raise ValueError("a report cannot supersede itself")
        damaged = self.damage_extent not in (None, DamageExtent.none, DamageExtent.unknown)
        if self.condition is Condition.intact and damaged:
            raise ValueError(f"condition 'intact' contradicts damage_extent {self.damage_extent}")
        if self.visited_at is not None and not self.observed.holds(self.visited_at.date()):
            raise ValueError(f"visited_at {self.visited_at.isoformat()} is not on the day observed ({self.observed})")
        if self.access_reason is not None and self.access is None:
            raise ValueError("access_reason explains access: give access (full, partial, none or refused) too")
        return self

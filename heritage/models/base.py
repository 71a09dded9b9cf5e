"""The base every model shares: unknown fields refused, and the validation context."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator

from heritage.models.types import Line, RecordId
from heritage.models.vocab import DEFAULT_VOCABULARY, Vocabulary


class Model(BaseModel):
    # Catalogue files are written by hand too: a misspelt field must fail, not vanish.
    # defer_build: a command builds the validators of the models it uses, not of all of them.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, defer_build=True)


class Record(Model):
    """A stored record: it has an id, and says who put it into the catalogue and when."""

    id: RecordId
    recorded_at: AwareDatetime
    recorded_by: Line
    # SHA-256 of the record's canonical serialization without this field, set when it is written;
    # `heritage verify` recomputes it (see heritage.integrity).
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None

    @field_validator("recorded_at")
    @classmethod
    def _not_in_future(cls, value: datetime) -> datetime:
        return not_in_future(value, "recorded_at")


# Clocks disagree; a record stamped a little ahead of this machine is not a forgery.
CLOCK_SKEW = timedelta(hours=1)


def not_in_future(value: datetime, name: str) -> datetime:
    if value > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError(f"{name} {value.isoformat()} is in the future")
    return value


def vocabulary_of(info: ValidationInfo) -> Vocabulary:
    context: dict[str, Any] = info.context or {}
    vocabulary: Vocabulary = context.get("vocabulary", DEFAULT_VOCABULARY)
    return vocabulary


def today_of(info: ValidationInfo) -> date:
    """'Today' for future-date checks; tests and imports may pin it through the context."""
    context: dict[str, Any] = info.context or {}
    return context.get("today") or datetime.now(UTC).date()

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


class Migration(Model):
    """Who put a record kept elsewhere into this catalogue, and when, keeping its own recorded_at
    and recorded_by (`--as-recorded`): those say what the record claims, this what heritage saw."""

    at: AwareDatetime
    by: Line


class Record(Model):
    """A stored record: it has an id, and says who put it into the catalogue and when."""

    id: RecordId
    recorded_at: AwareDatetime
    recorded_by: Line
    migrated: Migration | None = None  # set when recorded_at / recorded_by came with the record
    # SHA-256 of the record's canonical serialization without this field, set when it is written;
    # `heritage verify` recomputes it (see heritage.integrity).
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None

    @field_validator("recorded_at")
    @classmethod
    def _not_in_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        return not_in_future(value, "recorded_at", info)


# Clocks disagree; a record stamped a little ahead of this machine is not a forgery.
CLOCK_SKEW = timedelta(hours=1)
# Where a stored record's dates from the future are noted, in the validation context (see `from_future`).
AHEAD = "ahead"


def from_future(info: ValidationInfo, field: str, message: str) -> None:
    """A date or time later than this machine's clock allows. Refused when a record is written; a
    stored record is only noted (in the context's AHEAD list, for `validate`), never refused: it
    may come from a colleague whose clock runs ahead, and one such record must not stop every
    command from reading the catalogue, nor may a record's validity change with the reader's clock."""
    context: dict[str, Any] = info.context or {}
    noted = context.get(AHEAD)
    if noted is None:
        raise ValueError(message)
    noted.append((field, message))


def not_in_future(value: datetime, name: str, info: ValidationInfo) -> datetime:
    if value > datetime.now(UTC) + CLOCK_SKEW:
        from_future(info, name, f"{name} {value.isoformat()} is in the future")
    return value


def vocabulary_of(info: ValidationInfo) -> Vocabulary:
    context: dict[str, Any] = info.context or {}
    vocabulary: Vocabulary = context.get("vocabulary", DEFAULT_VOCABULARY)
    return vocabulary


def today_of(info: ValidationInfo) -> date:
    """'Today' for future-date checks; tests and imports may pin it through the context."""
    context: dict[str, Any] = info.context or {}
    return context.get("today") or datetime.now(UTC).date()

"""The base every model shares: unknown fields refused, and the validation context."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

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

    @field_validator("at")
    @classmethod
    def _not_in_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        return not_in_future(value, "migrated.at", info)


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Resealing(Model):
    """The seal a record had before `heritage migrate` sealed it under the `jcs` scheme: kept, so
    that anyone can check the old seal still holds for the record without this and its new seal,
    and so that the one sanctioned rewrite of a record is itself on the record."""

    previous: Sha256
    scheme: Literal["heritage-json-1"]  # the scheme of `previous` (see docs/format.md, "Record seals")
    at: AwareDatetime
    by: Line

    @field_validator("at")
    @classmethod
    def _not_in_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        return not_in_future(value, "resealed.at", info)


class Record(Model):
    """A stored record: it has an id, and says who put it into the catalogue and when."""

    id: RecordId
    recorded_at: AwareDatetime
    recorded_by: Line
    migrated: Migration | None = None  # set when recorded_at / recorded_by came with the record
    resealed: Resealing | None = None  # set by `heritage migrate`, never given
    # The seal: SHA-256 of the record's serialization without this field, under the catalogue's
    # seal scheme, set when it is written; `heritage verify` recomputes it (see heritage.seals).
    sha256: Sha256 | None = None

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


def in_utc_range(value: datetime) -> bool:
    """Whether the instant exists in UTC (0001-01-01T00:00+05:00 does not): every reader orders
    by the UTC instant, and one that has none would stop them all."""
    try:
        value.astimezone(UTC)
    except OverflowError:
        return False
    return True


def plausible_instant(value: datetime) -> bool:
    """An instant a new record may carry: in UTC's range and not ahead of this machine's clock by
    more than the skew allowed (what `not_in_future` accepts when a record is written)."""
    return in_utc_range(value) and value <= datetime.now(UTC) + CLOCK_SKEW


def not_in_future(value: datetime, name: str, info: ValidationInfo) -> datetime:
    if not in_utc_range(value):
        raise ValueError(f"{name} {value.isoformat()} is out of range once converted to UTC")
    if not plausible_instant(value):
        from_future(info, name, f"{name} {value.isoformat()} is in the future")
    return value


def vocabulary_of(info: ValidationInfo) -> Vocabulary:
    context: dict[str, Any] = info.context or {}
    vocabulary: Vocabulary = context.get("vocabulary", DEFAULT_VOCABULARY)
    return vocabulary


# The earliest time zone on Earth (Kiribati, UTC+14): a day is in the future only once it has
# begun nowhere yet.
EARLIEST_ZONE = timedelta(hours=14)


def latest_today() -> date:
    """Today's date where it is latest: a field team east of Greenwich may write a date that is
    already today for them while it is still yesterday in UTC."""
    return (datetime.now(UTC) + EARLIEST_ZONE).date()


def utc_today() -> date:
    """The day outputs give the condition "now" as of, and print: today in UTC. A date that is
    already today east of Greenwich (`latest_today`) is accepted, and counts from its UTC day on,
    so that no output is dated tomorrow."""
    return datetime.now(UTC).date()


def today_of(info: ValidationInfo) -> date:
    """'Today' for future-date checks; tests and imports may pin it through the context."""
    context: dict[str, Any] = info.context or {}
    return context.get("today") or latest_today()

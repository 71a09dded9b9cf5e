"""The base every model shares: unknown fields refused, and the validation context."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationInfo

from heritage.models.types import RecordId, Text
from heritage.models.vocab import DEFAULT_VOCABULARY, Vocabulary


class Model(BaseModel):
    # Catalogue files are written by hand too: a misspelt field must fail, not vanish.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Record(Model):
    """A stored record: it has an id, and says who put it into the catalogue and when."""

    id: RecordId
    recorded_at: AwareDatetime
    recorded_by: Text


def vocabulary_of(info: ValidationInfo) -> Vocabulary:
    context: dict[str, Any] = info.context or {}
    vocabulary: Vocabulary = context.get("vocabulary", DEFAULT_VOCABULARY)
    return vocabulary


def today_of(info: ValidationInfo) -> date:
    """'Today' for future-date checks; tests and imports may pin it through the context."""
    context: dict[str, Any] = info.context or {}
    return context.get("today") or datetime.now(UTC).date()

"""Chain of custody: each time an evidence file changes hands, is copied or is checked, one event.

The chain of a file starts with its intake (the evidence record: who added it, when, from whom and
how it came), which is not stored twice; every later event is a record of its own, appended and
never rewritten, filed in the folder named after the file's SHA-256.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, ValidationInfo, field_validator, model_validator

from heritage.models.base import Record, not_in_future
from heritage.models.source import Sha256
from heritage.models.types import Line, Text
from heritage.models.vocab import Sensitivity


class CustodyAction(StrEnum):
    """What happened to the file (or to a copy of it)."""

    intake = "intake"  # the file added to the catalogue: read off its evidence record, never stored as an event
    received = "received"  # a holder came to hold it (a copy sent again, a file handed in late)
    transferred = "transferred"  # handed from one holder to another, who holds it now
    copied = "copied"  # a copy made for a holder; the one it was copied from keeps its own
    exported = "exported"  # copied out of the catalogue for a recipient (a court, a partner, a package)
    stored = "stored"  # put on a medium or in a place (an archive, a sealed bag, a safe), same holder
    checked = "checked"  # its SHA-256 recomputed from a copy, with no change of hands
    returned = "returned"  # given back to the holder it came from
    destroyed = "destroyed"  # a copy wiped or destroyed (the catalogue's own copy is never deleted)


# Actions that put the file in someone's hands: they must say whose.
NEEDS_HOLDER = {
    CustodyAction.received,
    CustodyAction.transferred,
    CustodyAction.copied,
    CustodyAction.exported,
    CustodyAction.returned,
}


class CustodyEvent(Record):
    evidence: Sha256  # the evidence file's SHA-256; also the folder the event is filed in
    action: CustodyAction
    at: AwareDatetime  # when it happened (recorded_at says when it was written down)
    by: Line  # who did it: handed it over, made the copy, ran the check
    from_holder: Line | None = None  # who held it before (a person, an office, an organisation)
    to_holder: Line | None = None  # who holds it (or the copy) after
    where: Line | None = None  # the place or medium: "Stepanakert office", "USB stick S/N 4C53...", "email"
    # The SHA-256 recomputed from the copy at hand at that moment: it matches when it equals `evidence`.
    hash_checked: Sha256 | None = None
    notes: Text | None = None
    sensitivity: Sensitivity = Sensitivity.public

    @field_validator("at")
    @classmethod
    def _at_not_in_future(cls, value: datetime, info: ValidationInfo) -> datetime:
        return not_in_future(value, "at", info)

    @model_validator(mode="after")
    def _holder_named(self) -> CustodyEvent:
        if self.action is CustodyAction.intake:
            raise ValueError("the intake is the evidence record itself; an event records what happened after it")
        if self.action in NEEDS_HOLDER and self.to_holder is None:
            raise ValueError(f"a {self.action.value!r} event must say who holds the file after it (to_holder)")
        return self

    @property
    def hash_matches(self) -> bool | None:
        """Whether the hash recomputed at the time was the file's; None if none was recomputed."""
        return None if self.hash_checked is None else self.hash_checked == self.evidence

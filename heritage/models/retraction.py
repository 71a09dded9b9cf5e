"""Withdrawing a report: a record of its own, so that the withdrawn one stays readable."""

from __future__ import annotations

from pydantic import model_validator

from heritage.models.base import Record
from heritage.models.types import RecordId, Text


class Retraction(Record):
    site: RecordId  # the site of the withdrawn report
    retracts: RecordId  # the report withdrawn
    reason: Text

    @model_validator(mode="after")
    def _not_itself(self) -> Retraction:
        if self.retracts == self.id:
            raise ValueError("a retraction cannot retract itself")
        return self

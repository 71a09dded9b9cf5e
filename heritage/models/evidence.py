"""An evidence file's record: what the bytes are, where they came from, who captured them when.

The bytes live beside it, named by their SHA-256 (what sha256sum prints); the record is sealed
like every other. Reports, allegations and reviews cite evidence by that hash.

The record is also the intake, the first link of the file's chain of custody
(`heritage.models.custody`): who added it and when (`recorded_by`, `recorded_at`), under what name
(`name`), from whom and how it came (`received_from`, `received_via`, `received_url`), and the
device that made it as the file itself says (`camera`, `software`, `device_serial`).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, ValidationInfo, field_validator

from heritage.models.base import Record, not_in_future
from heritage.models.geometry import Point
from heritage.models.source import Sha256
from heritage.models.types import Line, Link, RecordId, Text
from heritage.models.vocab import Sensitivity


class Evidence(Record):
    file_sha256: Sha256
    size: int = Field(ge=0)
    media_type: Line
    name: Line | None = None  # the file's name when it was added
    source: RecordId  # the source this file belongs to (the photo's publication, the image's provider)
    captured_at: datetime | None = None
    captured_by: Line | None = None
    location: Point | None = None  # where it was captured, from the file's own metadata (EXIF GPS)
    camera_time: Line | None = None  # the camera's clock as written in the file, when it gives no time zone
    camera: Line | None = None  # EXIF make and model
    software: Line | None = None  # EXIF Software: the firmware or phone system that wrote it, or an editor
    device_serial: Line | None = None  # EXIF body serial number: names one device, so its owner
    received_from: Line | None = None  # the person or organisation the file came from
    received_via: Line | None = None  # how it came: "email", "Signal", "USB handover", "download"...
    received_url: Link | None = None  # the address it was downloaded from
    notes: Text | None = None
    sensitivity: Sensitivity = Sensitivity.public

    @field_validator("captured_at")
    @classmethod
    def _aware_and_past(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("captured_at needs a time zone (e.g. 2022-07-06T10:15:00+04:00)")
        return not_in_future(value, "captured_at", info)

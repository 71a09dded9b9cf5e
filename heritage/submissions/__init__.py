"""Field submissions back in: what phones running ODK Collect or KoboCollect send, read from a
phone's own folder, from ODK Central's export or from KoboToolbox's, and turned into condition
reports that cite a field visit, with their photos as evidence.

`readers` knows the three shapes and gives every submission in one form (`Submission`), its
answers written as the phone writes them in an XForm instance; `intake` makes records of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from heritage.models.report import Via


@dataclass
class Photo:
    """One entry of the form's photos repeat."""

    name: str  # the file name the answer gives (what the phone saved)
    path: Path | None  # where its bytes are now; None when the export did not carry the file
    caption: str = ""


@dataclass
class Submission:
    """One filled form, whatever it came in.

    `answers` maps each question's name (`heritage.fieldform.QUESTIONS`) to its answer as the
    XForm instance writes it: select_multiple values separated by spaces, a geopoint as
    "lat lon altitude accuracy", a date as YYYY-MM-DD, a time as HH:MM:SS.sss+hh:mm. A question
    left unanswered is absent or "". The readers turn the exports' own shapes back into these (a
    geopoint split over four CSV columns, Kobo's one column per choice), so that one set of rules
    reads them all.
    """

    where: str  # how a person finds it again: "instances/x_2024-05-01_10-15-00/x_….xml", "export.csv line 4"
    via: Via
    instance_id: str  # meta/instanceID, "uuid:…"
    form_id: str = ""
    form_version: str = ""
    replaces: str = ""  # meta/deprecatedID of an edited submission
    submitted_at: datetime | None = None  # when the server received it
    submitted_by: str = ""
    device: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    photos: list[Photo] = field(default_factory=list)

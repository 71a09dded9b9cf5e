"""What a field visit adds to a condition report, in words: one wording for `show`, `history` and
dossiers, so that a time, a position or a submission reads the same wherever a person meets it.

Each function takes the report as its reader may see it (`heritage.audience.report_for` has
already left out what that reader may not see) and words only what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from heritage.models import ConditionReport, Evidence
from heritage.models.labels import label
from heritage.models.report import FieldSubmission, ObserverPosition, RecordedWarning, Via

VIA: dict[Via, str] = {
    "odk_collect": "ODK Collect, copied off the phone",
    "odk_central": "ODK Central",
    "kobotoolbox": "KoboToolbox",
}


def visit_time(moment: datetime) -> str:
    """'2021-05-03 10:12 (UTC+04:00)': the time on site as the phone's clock gave it, with its
    offset, rather than turned into another zone: it is the local time the team saw."""
    offset = moment.utcoffset()
    if not offset:
        zone = "UTC"
    else:
        minutes = int(offset.total_seconds() // 60)
        sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
        zone = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{moment:%Y-%m-%d %H:%M} ({zone})"


def _keys(value: str, vocabulary: str) -> str:
    return value


def access_text(report: ConditionReport, words: Callable[[str, str], str] = _keys) -> str | None:
    """'partial: the west wing is mined', or None if the report does not say."""
    if report.access is None:
        return None
    # A key takes its reason after a colon; a label, which has a colon of its own, as a sentence.
    joint = ": " if words is _keys else ". "
    return words(report.access.value, "access") + (joint + report.access_reason if report.access_reason else "")


def position_text(position: ObserverPosition | None) -> str | None:
    """'39.812345, 46.751234 ± 8 m': latitude first, as `show` gives a site's location."""
    if position is None:
        return None
    lon, lat = position.coordinates[0], position.coordinates[1]
    accuracy = f" ± {position.accuracy_m:g} m" if position.accuracy_m else ""
    return f"{lat:.6f}, {lon:.6f}{accuracy}"


def submission_text(submission: FieldSubmission | None) -> str | None:
    """How the report arrived, in one line: the route, the instance, the form, when it was
    received, and by whom and from which phone where the reader may know them."""
    if submission is None:
        return None
    form = submission.form_id + (f" version {submission.form_version}" if submission.form_version else "")
    parts = [VIA[submission.via], f"instance {submission.instance_id}", f"form {form}"]
    if submission.replaces:
        parts.append(f"an edit of {submission.replaces}")
    if submission.submitted_at is not None:
        parts.append(f"received {submission.submitted_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if submission.submitted_by:
        parts.append(f"sent by {submission.submitted_by}")
    if submission.device:
        parts.append(f"device {submission.device}")
    return ", ".join(parts)


def evidence_text(sha256: str, record: Evidence | None) -> str:
    """'ev-2425b77ad35eaf049318 IMG_2041.jpg, taken 2026-05-01 10:16 (UTC+04:00): West front': the
    id that `evidence add` prints, the file's name, when it was taken and its notes (a photo's caption)."""
    if record is None:
        return sha256
    text = record.id + (f" {record.name}" if record.name else "")
    if record.captured_at is not None:
        text += f", taken {visit_time(record.captured_at)}"
    return text + (f": {record.notes}" if record.notes else "")


def warning_text(warning: RecordedWarning) -> str:
    return f"{warning.code}: {warning.message}"


def field_facts(report: ConditionReport, labelled: bool = False) -> list[tuple[str, str]]:
    """(label, text) of each fact the report holds beyond its condition, method and sources, in
    the order they are shown: the damage as the form asks it, then what the visit brought. Coded
    values as their keys (what the command line takes), or `labelled` in words (for readers of a
    dossier, who never type them)."""
    words = (lambda value, vocabulary: label(value, vocabulary)) if labelled else _keys
    extent = report.damage_extent
    join = "; ".join if labelled else ", ".join  # labels hold commas of their own
    facts = [
        ("damage extent", words(extent.value, "damage_extent") if extent else None),
        ("damage effects", join(words(effect.value, "damage_effect") for effect in report.damage_effects)),
        ("damage causes", join(words(cause.value, "damage_cause") for cause in report.damage_causes)),
        ("visited", visit_time(report.visited_at) if report.visited_at else None),
        ("access", access_text(report, words)),
        ("position", position_text(report.position)),
        ("submission", submission_text(report.submission)),
    ]
    return [(label, text) for label, text in facts if text]

"""ODK Central's export, "CSV (with media)": a zip of one CSV for the form and one per repeat, with
the attachments under `media/`.

    heritage_condition.csv          SubmissionDate, the questions..., KEY, SubmitterID, SubmitterName,
                                    AttachmentsPresent, AttachmentsExpected, Status, ReviewState,
                                    DeviceID, Edits, FormVersion
    heritage_condition-photos.csv   photo, caption, PARENT_KEY, KEY ("uuid:…/photos[1]")
    media/1777630500123.jpg

Columns are the questions' paths with groups joined by `-` (`meta-instanceID`; only the name when
the export was asked to leave out group names), a geopoint split into `-Latitude`, `-Longitude`,
`-Altitude` and `-Accuracy`, and a select_multiple as its answer followed, when asked, by one 0/1
column a choice (`damage_effects/collapse`). Every other value is the instance's text as sent.

Two decisions. A submission a reviewer marked rejected in Central is refused, naming it: importing
it would make a statement the project has already turned down, and dropping it silently would
leave the count wrong with no word; Central's export can be limited by review state (its API
takes a `$filter` on it), or the reviewer's decision changed, so the fix is one download away.
A photo Central counts as expected but did not have (the phone has not sent it yet) comes with no
path: the intake says which one is missing and decides.
"""

from __future__ import annotations

import re
from pathlib import Path

from heritage.errors import InvalidInput
from heritage.fieldform import PHOTOS
from heritage.submissions import Photo, Submission
from heritage.submissions.tabular import Row, Sheet, geopoint, plain_name, read_csv, regular_file, server_time

ROOT_META = frozenset(
    (
        "SubmissionDate",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    )
)
INSTANCE_ID = ("meta-instanceID", "instanceID")
GEOPOINT_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")
UNSAFE = re.compile(r'[/?<>\\:*|"\x00-\x1f\x80-\x9f]')  # what Central strips from an attachment's name


def is_root(columns: list[str]) -> bool:
    return columns[:1] == ["SubmissionDate"] and "KEY" in columns


def root_table(folder: Path, shown: str) -> tuple[Sheet, str] | None:
    """The form's own CSV of an unpacked export, and the form id its name gives; None if none."""
    for file in sorted(folder.glob("*.csv")):
        sheet = read_csv(file, f"{shown}: {file.name}")
        if is_root(sheet.columns):
            return sheet, file.stem
    return None


def read_export(folder: Path, shown: str) -> list[Submission] | None:
    """The submissions of an unpacked "CSV (with media)" zip; None if it is not Central's."""
    found = root_table(folder, shown)
    if found is None:
        return None
    root, form_id = found
    photos_file = folder / f"{form_id}-{PHOTOS}.csv"
    photo_rows = read_csv(photos_file, f"{shown}: {photos_file.name}").rows if photos_file.is_file() else []
    by_parent: dict[str, list[Row]] = {}
    for row in photo_rows:
        by_parent.setdefault(row.cells.get("PARENT_KEY", ""), []).append(row)
    return read_rows(root, form_id, by_parent, folder / "media")


def read_rows(root: Sheet, form_id: str, photos: dict[str, list[Row]], media: Path | None) -> list[Submission]:
    if not any(column in root.columns for column in INSTANCE_ID):
        raise InvalidInput(
            "has no meta-instanceID column: it is not an export of a form made with XLSForm", file=root.shown
        )
    submissions, rejected = [], []
    for row in root.rows:
        submission = _submission(root, row, form_id, photos.get(row.cells["KEY"], []), media)
        if row.cells.get("ReviewState") == "rejected":
            rejected.append(f"{row.label} ({submission.instance_id})")
        submissions.append(submission)
    if rejected:
        raise InvalidInput(
            f"{len(rejected)} submission(s) were marked rejected in Central: {', '.join(rejected)}; "
            "leave them out of the export (filter by review state) or change their review state in Central, "
            "and download the export again",
            file=root.shown,
        )
    return submissions


def _submission(root: Sheet, row: Row, form_id: str, photo_rows: list[Row], media: Path | None) -> Submission:
    cells = row.cells
    if cells.get("Status"):
        # Central's word for a submission it could not decrypt: "not decrypted", "missing encrypted form data".
        raise InvalidInput(
            f"Central could not read it ({cells['Status']}): the form is encrypted; download the export again "
            "giving the form's passphrase",
            file=root.shown,
            record=row.label,
        )
    key = cells["KEY"]
    instance_id = next((cells[c] for c in INSTANCE_ID if cells.get(c)), key)
    edits = cells.get("Edits", "")
    return Submission(
        where=f"{root.shown} {row.label}",
        via="odk_central",
        instance_id=instance_id,
        form_id=form_id,
        form_version=cells.get("FormVersion", ""),
        # Central keys a submission by its first version and exports only the latest: an edited one
        # replaces what was first sent (the versions between never left Central).
        replaces=key if edits not in ("", "0") and key != instance_id else "",
        submitted_at=server_time(cells.get("SubmissionDate", ""), root.shown, row.label, "SubmissionDate"),
        submitted_by=cells.get("SubmitterName", "") or cells.get("SubmitterID", ""),
        device=cells.get("DeviceID", ""),
        answers=answers(root.columns, cells),
        photos=[_photo(r.cells, media) for r in photo_rows if r.cells.get("photo") or r.cells.get("caption")],
    )


def answers(columns: list[str], cells: dict[str, str]) -> dict[str, str]:
    """Every answer under its question's name: geopoints joined again, choice columns left out."""
    present = set(columns)
    out: dict[str, str] = {}
    for column in columns:
        if column in ROOT_META or column in INSTANCE_ID or column.startswith("meta-"):
            continue
        base, _, part = column.rpartition("-")
        if part in GEOPOINT_PARTS and all(f"{base}-{p}" in present for p in GEOPOINT_PARTS):
            if part == "Latitude":
                out[base] = geopoint(*(cells[f"{base}-{p}"] for p in GEOPOINT_PARTS))
            continue
        if "/" in column and column.rsplit("/", 1)[0] in present:
            continue  # one 0/1 column of a select_multiple's choice: the answer itself says it
        out[column] = cells[column]
    return out


def _photo(cells: dict[str, str], media: Path | None) -> Photo:
    name = cells.get("photo", "")
    path = None
    if media is not None and name:
        for candidate in (name, UNSAFE.sub("", name)):
            if plain_name(candidate) and regular_file(media / candidate):
                path = media / candidate
                break
    return Photo(name=name, path=path, caption=cells.get("caption", ""))

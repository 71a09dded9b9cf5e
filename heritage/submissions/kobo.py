"""KoboToolbox's exports (Data > Downloads), made with "XML values and headers".

CSV: one table, `;` between cells by default (`,` when asked), every cell quoted. Columns are the
questions' paths with groups joined by `/` (or the separator chosen), a geopoint as its own text
followed by `_<name>_latitude`, `_longitude`, `_altitude` and `_precision`, a select_multiple as its
space-separated answer followed by one 0/1 column a choice (`damage_effects/cracking`), then Kobo's
own: `_id`, `_uuid` (the instanceID without "uuid:"), `_submission_time` (UTC, no zone),
`_validation_status`, `_notes`, `_status`, `_submitted_by`, `_tags`, `_index`, and `__version__`
where the form has it. The CSV holds the form's main table only: repeat groups are left out, so the
photos of our form are not in it, and a CSV of our form is refused with a pointer to XLSX.

XLSX: the main table as the first sheet, one sheet per repeat (named after it) whose rows point to
their submission by `_parent_index` (the main sheet's `_index`) and `_submission__uuid`.

Attachments come apart, as the "media attachments" zip: `<user>/attachments/<form uuid>/<_uuid>/
<file>`. The server keeps a file under a cleaned name (spaces become `_`, other characters outside
letters, digits, `-`, `_` and `.` are dropped; a name already taken gets `_` and seven characters
before its extension) while the answer keeps the phone's name: a photo is looked for under each.

An export made with labels instead of XML values carries the form's labels as headers and choice
labels as answers, which no rule can map back: it is refused, naming the export option to pick.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from heritage.errors import InvalidInput
from heritage.fieldform import PHOTOS, QUESTIONS
from heritage.submissions import Photo, Submission
from heritage.submissions.tabular import Row, Sheet, geopoint, plain_name, server_time, unpack

REJECTED = "validation_status_not_approved"
GEO_PARTS = ("latitude", "longitude", "altitude", "precision")
OURS = frozenset(("site", "condition", "observer"))  # columns that say the export is of our form
LABELS = frozenset(q.label for q in QUESTIONS)  # exact: "Notes" is a label, "notes" a name
SELECT_MULTIPLE = tuple(q.name for q in QUESTIONS if q.kind == "select_multiple" and not q.repeat)
XML_NAME = re.compile(r"[^\W\d][\w.\-]*")
LABELS_HINT = (
    'download it again choosing "XML values and headers" as the value and header format '
    "(Data > Downloads in KoboToolbox)"
)


def is_kobo(columns: list[str]) -> bool:
    return "_uuid" in columns or "_submission_time" in columns


def is_ours(columns: list[str]) -> bool:
    return OURS <= set(columns)


def check_names(sheet: Sheet) -> None:
    """Refuse an export made with labels: a header that no question name can be."""
    for column in sheet.columns:
        if column.startswith("_"):
            continue  # Kobo's own columns keep their names in every export
        if column in LABELS or not all(XML_NAME.fullmatch(part) for part in column.split("/")):
            raise InvalidInput(
                f"is an export made with labels ({column!r} is a label, not a question name): {LABELS_HINT}",
                file=sheet.shown,
            )


def read_csv_export(sheet: Sheet, media: MediaIndex | None) -> list[Submission]:
    check_names(sheet)
    if is_ours(sheet.columns):
        raise InvalidInput(
            "is KoboToolbox's CSV export, which leaves out repeat groups, so the photos are not in it: "
            'download "XLS" instead, with "XML values and headers" (Data > Downloads), and give that file',
            file=sheet.shown,
        )
    return read_table(sheet, None, media)


def read_workbook(sheets: list[Sheet], shown: str, media: MediaIndex | None) -> list[Submission]:
    if not sheets or not is_kobo(sheets[0].columns):
        raise InvalidInput(
            "is a workbook, but its first sheet has no _uuid column: it is not a KoboToolbox export", file=shown
        )
    for sheet in sheets:
        check_names(sheet)
    photos = next((s for s in sheets[1:] if s.title == PHOTOS), None)
    return read_table(sheets[0], photos, media)


def read_table(main: Sheet, photos: Sheet | None, media: MediaIndex | None) -> list[Submission]:
    if "_uuid" not in main.columns and "meta/instanceID" not in main.columns:
        raise InvalidInput(
            "has no _uuid or meta/instanceID column, so its submissions cannot be told apart: export them "
            "again with every column (Kobo's own included)",
            file=main.shown,
        )
    entries = _entries(photos)
    submissions, rejected = [], []
    for row in main.rows:
        submission = _submission(main, row, entries, media)
        if row.cells.get("_validation_status") == REJECTED:
            rejected.append(f"{row.label} ({submission.instance_id})")
        submissions.append(submission)
    if rejected:
        raise InvalidInput(
            f'{len(rejected)} submission(s) are marked "Not approved" in KoboToolbox: {", ".join(rejected)}; '
            "change their validation status there if they should come in, or delete them, and download again",
            file=main.shown,
        )
    return submissions


def _entries(photos: Sheet | None) -> dict[str, list[Row]]:
    """The photos sheet's rows by the submission they belong to: its uuid, else its index."""
    found: dict[str, list[Row]] = {}
    for row in photos.rows if photos else []:
        key = row.cells.get("_submission__uuid") or f"#{row.cells.get('_parent_index', '')}"
        found.setdefault(key, []).append(row)
    return found


def _submission(main: Sheet, row: Row, entries: dict[str, list[Row]], media: MediaIndex | None) -> Submission:
    cells = row.cells
    uuid = cells.get("_uuid", "")
    instance_id = cells.get("meta/instanceID") or (uuid if uuid.startswith("uuid:") else f"uuid:{uuid}" if uuid else "")
    if not instance_id:
        raise InvalidInput("has no instance id", file=main.shown, record=row.label, field="_uuid")
    bare = instance_id.removeprefix("uuid:")
    mine = entries.get(uuid) or entries.get(bare) or entries.get(f"#{cells.get('_index', '')}", [])
    return Submission(
        where=f"{main.shown} {row.label}",
        via="kobotoolbox",
        instance_id=instance_id,
        form_version=cells.get("__version__", ""),
        replaces=cells.get("meta/deprecatedID", ""),
        submitted_at=server_time(cells.get("_submission_time", ""), main.shown, row.label, "_submission_time"),
        submitted_by=cells.get("_submitted_by", ""),
        answers=answers(main.columns, cells),
        photos=[_photo(e.cells, bare, media) for e in mine if e.cells.get("photo") or e.cells.get("caption")],
    )


def answers(columns: list[str], cells: dict[str, str]) -> dict[str, str]:
    present = set(columns)
    out: dict[str, str] = {}
    for column in columns:
        if column.startswith(("_", "meta/", "formhub/")):
            split = re.fullmatch(r"_(.+)_latitude", column)
            if split and split[1] not in present:  # an export of the split columns alone
                out[split[1]] = geopoint(*(cells.get(f"_{split[1]}_{p}", "") for p in GEO_PARTS))
            continue
        base = re.split(r"[/.](?=[^/.]*$)", column)[0]
        if base != column and (base in present or base in SELECT_MULTIPLE):
            continue  # a choice's 0/1 column: the select_multiple's own column says it
        if column.endswith("_URL") and column[:-4] in present:
            continue  # the server's link to an attachment, not an answer
        out[column] = cells[column]
    for name in SELECT_MULTIPLE:
        if name not in present:  # exported with "separate columns" only: put the answer back together
            chosen = [c.split("/", 1)[1] for c in columns if c.startswith(f"{name}/") and cells[c] == "1"]
            if any(c.startswith(f"{name}/") for c in columns):
                out[name] = " ".join(chosen)
    return out


class MediaIndex:
    """The attachments download (a folder, or the zip unpacked), looked up by submission and name."""

    def __init__(self, root: Path) -> None:
        self.by_folder: dict[str, dict[str, Path]] = {}
        self.by_name: dict[str, list[Path]] = {}
        for folder, _dirs, files in os.walk(root):  # os.walk does not follow links to folders
            for name in files:
                path = Path(folder, name)
                if path.is_symlink() or not path.is_file():
                    continue
                self.by_folder.setdefault(Path(folder).name, {})[name] = path
                self.by_name.setdefault(name, []).append(path)

    def find(self, uuid: str, name: str) -> Path | None:
        if not plain_name(name):
            return None
        names = [name, stored_name(name)]
        mine = self.by_folder.get(uuid, {})
        for candidate in names:
            if candidate in mine:
                return mine[candidate]
        stem, dot, ext = stored_name(name).rpartition(".")
        taken = re.compile(rf"{re.escape(stem)}_[A-Za-z0-9]{{7}}{re.escape(dot + ext)}" if dot else "(?!)")
        renamed = [path for file, path in mine.items() if taken.fullmatch(file)]
        if len(renamed) == 1:
            return renamed[0]
        # Only a name found once in the whole download is safe to take from another folder.
        anywhere = [path for candidate in dict.fromkeys(names) for path in self.by_name.get(candidate, [])]
        return anywhere[0] if len(anywhere) == 1 else None


def stored_name(name: str) -> str:
    """The name the server keeps a file under (Django's rule for upload names)."""
    return re.sub(r"[^-\w.]", "", name.strip().replace(" ", "_"))


def media_index(media: Path, scratch: Path) -> MediaIndex:
    if media.is_dir():
        return MediaIndex(media)
    if not media.is_file():
        raise InvalidInput("is neither a folder nor a zip of attachments", file=media)
    return MediaIndex(unpack(media, scratch / "media", str(media)))


def _photo(cells: dict[str, str], uuid: str, media: MediaIndex | None) -> Photo:
    name = cells.get("photo", "")
    path = media.find(uuid, name) if media is not None and name else None
    return Photo(name=name, path=path, caption=cells.get("caption", ""))

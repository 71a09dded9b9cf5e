"""Every submission at a path, whichever of the three shapes it came in, told apart by what the
files hold rather than by their names:

- a folder of ODK Collect instances copied off a phone (`collect`), or one instance, or a zip of them;
- ODK Central's "CSV (with media)" zip (`central`), or its plain CSV when the form has no repeat;
- KoboToolbox's XLSX or CSV export (`kobo`), with its attachments download given apart as `media`.

Zips are unpacked into the caller's scratch folder, never beside the input, and only after every
member name has been checked (see `tabular.unpack`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from heritage.errors import InvalidInput
from heritage.submissions import Submission, central, collect, kobo
from heritage.submissions.tabular import Sheet, read_bytes, read_csv, read_xlsx, unpack

EXPECTED = (
    "expected one of: a folder of ODK Collect instances (the phone's `instances` folder, or one folder "
    "in it, or one instance .xml), ODK Central's CSV-with-media .zip, or KoboToolbox's XLSX or CSV export"
)


def read_submissions(path: Path, scratch: Path, media: Path | None = None) -> list[Submission]:
    """Every submission at `path`, in a stable order. `scratch` is an empty folder the caller owns
    and deletes: zips are unpacked there and Photo.path may point into it. `media` is a folder of
    attachments for exports that keep them apart (KoboToolbox's)."""
    # The path given is followed if it is a link, as a person expects; links inside it are not.
    path = Path(path).resolve() if Path(path).is_symlink() else Path(path)
    media = Path(media).resolve() if media is not None and Path(media).is_symlink() else media
    if not path.exists():
        raise InvalidInput("not found", file=path)
    if path.is_dir():
        found = collect.read_instances(path, path.parent)
        if not found:
            raise InvalidInput(f"holds no instance XML: {EXPECTED}", file=path)
        return found
    if path.name.lower().endswith(".enc"):
        return [collect.read_instance(path, path.name)]  # refused, saying how to decrypt it
    head = read_bytes(path, str(path), head=512)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a zip, or an empty one
        return _from_zip(path, scratch, media)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return [collect.read_instance(path, path.name)]
    return _from_csv(read_csv(path, path.name), media, scratch)


def _from_zip(path: Path, scratch: Path, media: Path | None) -> list[Submission]:
    try:
        with zipfile.ZipFile(path) as bundle:
            names = bundle.namelist()
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"is not a readable zip archive ({exc})", file=path) from None
    if not names:
        raise InvalidInput(
            f"is an empty zip: the download did not finish, or nothing was exported; {EXPECTED}", file=path
        )
    if "xl/workbook.xml" in names:
        index = kobo.media_index(media, scratch) if media is not None else None
        return kobo.read_workbook(read_xlsx(path, path.name), path.name, index)
    folder = unpack(path, scratch / "export", path.name)
    from_central = central.read_export(folder, path.name)
    if from_central is not None:
        return from_central
    from_phone = collect.read_instances(folder, folder, f"{path.name}: ")
    if from_phone:
        return from_phone
    raise InvalidInput(
        "is a zip, but not ODK Central's export (no CSV whose header starts with SubmissionDate and "
        f"has KEY) nor a folder of Collect instances: {EXPECTED}",
        file=path,
    )


def _from_csv(sheet: Sheet, media: Path | None, scratch: Path) -> list[Submission]:
    if central.is_root(sheet.columns):
        if kobo.is_ours(sheet.columns):
            raise InvalidInput(
                "is ODK Central's plain CSV, which leaves out the photos repeat: download "
                '"All data and media files" (CSV with media, a .zip) and give that',
                file=sheet.shown,
            )
        return central.read_rows(sheet, Path(sheet.shown).stem, {}, None)
    if kobo.is_kobo(sheet.columns):
        index = kobo.media_index(media, scratch) if media is not None else None
        return kobo.read_csv_export(sheet, index)
    raise InvalidInput(
        "is a table with neither KoboToolbox's columns (_uuid, _submission_time) nor ODK Central's "
        f"(SubmissionDate ... KEY): {EXPECTED}",
        file=sheet.shown,
    )

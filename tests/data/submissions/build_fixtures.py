"""Build the fixtures of our own form (heritage/fieldform.py) in the exact shapes ODK Collect, ODK
Central and KoboToolbox write: the same three submissions in each. Run from the repository root:

    python tests/data/submissions/build_fixtures.py

and commit what it writes under tests/data/submissions/ours/. The shapes follow the tools' own
code (central-backend lib/data/briefcase.js and lib/data/attachments.js; formpack
reporting/export.py and schema/fields.py; kpi's ExportTask and kobocat's attachment paths); see
README.md beside this file.

The submissions: one at a listed site with two photos and a select_multiple of two values; one
edited on the phone (meta/deprecatedID), with partial access; one at a site not on the list.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook
from PIL import Image

HERE = Path(__file__).parent / "ours"
FORM = "heritage_condition"
VERSION = "2026050101"
KOBO_FORM_UUID = "4c1f0e3d2b7a45f6a1d2e3f4a5b6c7d8"
EFFECTS = ["collapse", "broken_or_missing_parts", "surface_loss", "graffiti"]  # a few of the vocabulary's
CAUSES = ["explosion_heavy_weaponry", "vandalism"]

SUBMISSIONS = [
    {
        "folder": f"{FORM}_2026-05-01_10-15-00",
        "instanceID": "uuid:6f1c2a3e-0b4d-4e5f-8a9b-1c2d3e4f5a6b",
        "deprecatedID": "",
        "submitted": "2026-05-03T08:12:44.120Z",
        "answers": {
            "start": "2026-05-01T10:09:31.204+04:00",
            "end": "2026-05-01T10:21:07.880+04:00",
            "deviceid": "collect:Xq3dK2mPz8TbW1cA",
            "site": "amaras",
            "new_site_name": "",
            "new_site_position": "",
            "visit_date": "2026-05-01",
            "visit_time": "10:15:00.000+04:00",
            "access": "full",
            "access_reason": "",
            "condition": "severe_damage",
            "certainty": "confirmed",
            "damage_extent": "31-60%",
            "damage_effects": "collapse surface_loss",
            "damage_causes": "explosion_heavy_weaponry",
            "observer": "Team A (Ամարաս)",
            "position": "39.6395 47.095 620.5 4.8",
            "notes": 'South wall open; "=HYPERLINK(1)" was chalked on the gate.\nSecond line.',
        },
        "photos": [
            ("1777630512345.jpg", "South wall, from the path", "2026:05:01 10:16:02"),
            ("1777630534567.jpg", "Gate, chalk marks", "2026:05:01 10:18:40"),
        ],
    },
    {
        "folder": f"{FORM}_2026-05-01_14-02-10",
        "instanceID": "uuid:b29d7c61-3f0e-4a2b-9c8d-7e6f5a4b3c2d",
        "deprecatedID": "uuid:a18e6b50-2e9d-4f1a-8b7c-6d5e4f3a2b1c",
        "submitted": "2026-05-03T08:12:45.900Z",
        "answers": {
            "start": "2026-05-01T13:58:02.015+04:00",
            "end": "2026-05-01T14:06:44.410+04:00",
            "deviceid": "collect:Xq3dK2mPz8TbW1cA",
            "site": "ghazanchetsots-cathedral",
            "new_site_name": "",
            "new_site_position": "",
            "visit_date": "2026-05-01",
            "visit_time": "14:02:00.000+04:00",
            "access": "partial",
            "access_reason": "The north door was locked; the keeper was away.",
            "condition": "damaged",
            "certainty": "probable",
            "damage_extent": "unknown",
            "damage_effects": "graffiti",
            "damage_causes": "",
            "observer": "Team A",
            "position": "",
            "notes": "",
        },
        "photos": [],
    },
    {
        "folder": f"{FORM}_2026-05-02_09-30-00",
        "instanceID": "uuid:0c4e8a12-5d6f-4b7a-9e8d-1f2a3b4c5d6e",
        "deprecatedID": "",
        "submitted": "2026-05-03T08:13:01.004Z",
        "answers": {
            "start": "2026-05-02T09:27:40.500+04:00",
            "end": "2026-05-02T09:35:12.090+04:00",
            "deviceid": "collect:Lw7pN4sRt2VbY9dE",
            "site": "_not_listed",
            "new_site_name": "Chapel by the spring",
            "new_site_position": "39.7012 46.8855 702 9.5",
            "visit_date": "2026-05-02",
            "visit_time": "09:30:00.000+04:00",
            "access": "full",
            "access_reason": "",
            "condition": "intact",
            "certainty": "confirmed",
            "damage_extent": "",
            "damage_effects": "",
            "damage_causes": "",
            "observer": "Team B",
            "position": "39.7011 46.8856 701 3.9",
            "notes": "Not on any list we carry.",
        },
        "photos": [("site photo 1.jpg", "West front", "2026:05:02 09:31:15")],
    },
]


def jpeg(taken: str, colour: tuple[int, int, int]) -> bytes:
    """A tiny real JPEG whose EXIF says when it was taken."""
    exif = Image.Exif()
    exif[0x0110] = "Fixture camera"  # Model
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "JPEG", exif=exif, quality=80)
    return out.getvalue()


def photo_bytes() -> dict[str, bytes]:
    colours = [(200, 40, 40), (40, 160, 60), (40, 60, 200)]
    found = {}
    for n, (name, _caption, taken) in enumerate(p for s in SUBMISSIONS for p in s["photos"]):
        found[name] = jpeg(taken, colours[n % len(colours)])
    return found


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def collect(target: Path, photos: dict[str, bytes]) -> None:
    """As ODK Collect writes an instance: one line, the form's namespaces on the root."""
    for sub in SUBMISSIONS:
        folder = target / "instances" / sub["folder"]
        folder.mkdir(parents=True)
        answers = sub["answers"]
        body = []
        for name, value in answers.items():
            if name == "notes":
                for photo, caption, _taken in sub["photos"]:
                    body.append(
                        f"<photos><photo>{xml_escape(photo)}</photo><caption>{xml_escape(caption)}</caption></photos>"
                    )
            body.append(f"<{name}>{xml_escape(value)}</{name}>" if value else f"<{name} />")
        meta = f"<instanceID>{sub['instanceID']}</instanceID>"
        if sub["deprecatedID"]:
            meta += f"<deprecatedID>{sub['deprecatedID']}</deprecatedID>"
        text = (
            f'<?xml version=\'1.0\' ?><{FORM} id="{FORM}" version="{VERSION}" '
            'xmlns:ev="http://www.w3.org/2001/xml-events" xmlns:orx="http://openrosa.org/xforms" '
            'xmlns:odk="http://www.opendatakit.org/xforms" xmlns:h="http://www.w3.org/1999/xhtml" '
            'xmlns:jr="http://openrosa.org/javarosa" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            + "".join(body)
            + f"<meta>{meta}</meta></{FORM}>"
        )
        (folder / f"{sub['folder']}.xml").write_text(text, encoding="utf-8")
        for photo, _caption, _taken in sub["photos"]:
            (folder / photo).write_bytes(photos[photo])


def split_geopoint(value: str) -> list[str]:
    parts = value.split()
    return parts + [""] * (4 - len(parts))


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)  # Central's csv-stringify: \n, quotes when needed
    return buffer.getvalue()


def central(target: Path, photos: dict[str, bytes]) -> None:
    header = ["SubmissionDate"]
    for name in SUBMISSIONS[0]["answers"]:
        if name in ("new_site_position", "position"):
            header += [f"{name}-{p}" for p in ("Latitude", "Longitude", "Altitude", "Accuracy")]
        else:
            header.append(name)
    header += ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent"]
    header += ["AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    rows, photo_rows = [header], [["photo", "caption", "PARENT_KEY", "KEY"]]
    for sub in SUBMISSIONS:
        edited = bool(sub["deprecatedID"])
        key = sub["deprecatedID"] or sub["instanceID"]  # Central keys a submission by its first version
        row = [sub["submitted"]]
        for name, value in sub["answers"].items():
            row += split_geopoint(value) if name in ("new_site_position", "position") else [value]
        count = str(len(sub["photos"]))
        row += [sub["instanceID"], key, "7", "Team phone 1", count, count, "", "edited" if edited else ""]
        # Central's DeviceID is the id the phone sent with the submission: its deviceid answer.
        row += [sub["answers"]["deviceid"], "1" if edited else "0", VERSION]
        rows.append(row)
        for n, (photo, caption, _taken) in enumerate(sub["photos"], 1):
            photo_rows.append([photo, caption, key, f"{key}/photos[{n}]"])
    with zipfile.ZipFile(target / f"{FORM}.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{FORM}.csv", csv_text(rows))
        bundle.writestr(f"{FORM}-photos.csv", csv_text(photo_rows))
        for name, data in photos.items():
            bundle.writestr(f"media/{name}", data)


KOBO_COPY = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "_tags"]


def kobo_main() -> tuple[list[str], list[list[str]]]:
    header: list[str] = []
    for name in SUBMISSIONS[0]["answers"]:
        header.append(name)
        if name in ("new_site_position", "position"):
            header += [f"_{name}_{p}" for p in ("latitude", "longitude", "altitude", "precision")]
        elif name in ("damage_effects", "damage_causes"):
            header += [f"{name}/{choice}" for choice in (EFFECTS if name == "damage_effects" else CAUSES)]
    header += ["__version__", *KOBO_COPY, "_index"]
    rows = []
    for index, sub in enumerate(SUBMISSIONS, 1):
        row = []
        for name, value in sub["answers"].items():
            row.append(value)
            if name in ("new_site_position", "position"):
                row += split_geopoint(value)
            elif name in ("damage_effects", "damage_causes"):
                chosen = value.split()
                choices = EFFECTS if name == "damage_effects" else CAUSES
                row += [("1" if c in chosen else "0") if value else "" for c in choices]
        uuid = sub["instanceID"].removeprefix("uuid:")
        submitted = sub["submitted"][:19]  # kpi: UTC, whole seconds, no zone
        row += [
            "vQk2dL9mRt7sXy3ZbN4cWp",
            str(100 + index),
            uuid,
            submitted,
            "",
            "",
            "submitted_via_web",
            "fieldteam",
            "",
        ]
        row.append(str(index))
        rows.append(row)
    return header, rows


def kobo(target: Path, photos: dict[str, bytes]) -> None:
    header, rows = kobo_main()
    lines = ['"' + '";"'.join(cell.replace('"', '""') for cell in line) + '"' for line in [header, *rows]]
    (target / f"{FORM}.csv").write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))

    book = Workbook()
    main = book.active
    main.title = "Heritage condition"
    main.append(header)
    for row in rows:
        main.append(
            [int(cell) if column in ("_id", "_index") else cell for column, cell in zip(header, row, strict=True)]
        )
    sheet = book.create_sheet(PHOTOS_SHEET)
    sheet.append(
        ["photo", "caption", "_index", "_parent_table_name", "_parent_index"] + [f"_submission_{c}" for c in KOBO_COPY]
    )
    n = 0
    for index, (sub, row) in enumerate(zip(SUBMISSIONS, rows, strict=True), 1):
        copied = [int(row[-len(KOBO_COPY) - 1]), *row[-len(KOBO_COPY) : -1]]
        for photo, caption, _taken in sub["photos"]:
            n += 1
            sheet.append([photo, caption, n, "Heritage condition", index] + [cell or None for cell in copied])
    book.save(target / f"{FORM}.xlsx")

    # The attachments download: <user>/attachments/<form uuid>/<_uuid>/<file>, names as the server
    # keeps them: a space becomes "_", and a name already taken gets seven characters more.
    stored = {"site photo 1.jpg": "site_photo_1.jpg", "1777630534567.jpg": "1777630534567_Qm3xT8a.jpg"}
    with zipfile.ZipFile(target / "media.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        for sub in SUBMISSIONS:
            uuid = sub["instanceID"].removeprefix("uuid:")
            for photo, _caption, _taken in sub["photos"]:
                name = stored.get(photo, photo)
                bundle.writestr(f"fieldteam/attachments/{KOBO_FORM_UUID}/{uuid}/{name}", photos[photo])


PHOTOS_SHEET = "photos"

# A small form of our own (not the heritage form), exported as KoboToolbox exports by default:
# labels as headers, a select_multiple also one column per choice, an HXL row under the header,
# every cell quoted, ";" between them, CRLF. The reader must refuse it, naming the option to change.
LABELLED = [
    ("start", "", "start"),
    ("end", "", "end"),
    ("Which parts of the building stand?", "#parts", "parts"),
    ("Which parts of the building stand?/Nave", "", "parts/nave"),
    ("Which parts of the building stand?/Dome", "", "parts/dome"),
    ("Which parts of the building stand?/Belfry", "", "parts/belfry"),
    ("How many doors are still in place?", "#doors", "doors"),
    ("Is the roof whole, as far as you can tell?", "#roof", "roof"),
    ("Were you let inside?", "", "inside"),
]  # (label header, HXL tag, the question's name: what an export with XML headers would say)
LABELLED_ROWS = [
    ["2025-04-14T08:05:12.000+04:00", "2025-04-14T08:09:47.000+04:00", "Nave Dome Belfry", "1", "1", "1", "2",
     "Yes, and freshly patched", "No", "731", "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b", "2025-04-14T04:10:03",
     "", "", "submitted_via_web", "", "", "1"],
    ["2025-04-15T11:30:00.000+04:00", "2025-04-15T11:31:20.000+04:00", "Dome", "0", "1", "0", "0", "No",
     "Yes", "732", "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", "2025-04-15T07:31:44", "", "", "submitted_via_web",
     "", "", "2"],
]  # fmt: skip


def kobo_labels_export(target: Path) -> None:
    copied = [*KOBO_COPY, "_index"]
    header = [label for label, _tag, _name in LABELLED] + copied
    hxl = [tag for _label, tag, _name in LABELLED] + [""] * len(copied)
    lines = ['"' + '";"'.join(line) + '"' for line in [header, hxl, *LABELLED_ROWS]]
    (target / "labels-export.csv").write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))


def main() -> None:
    if HERE.exists():
        shutil.rmtree(HERE)
    photos = photo_bytes()
    for name, build in (("collect", collect), ("central", central), ("kobo", kobo)):
        (HERE / name).mkdir(parents=True)
        build(HERE / name, photos)
    kobo_labels_export(HERE / "kobo")


if __name__ == "__main__":
    main()

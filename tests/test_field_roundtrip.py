"""The field loop end to end, as its users live it: the phone form for a small catalogue, turned
into an XForm by pyxform, filled the way ODK Collect writes an instance (from the XForm's own
instance, so a question renamed on one side breaks this test), copied off the phone, imported,
imported again, and checked by `show`, `validate` and `verify`."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from pyxform.xls2xform import convert

from conftest import Invoke, site_doc
from fieldvisits import collect_instance, primary_instance
from heritage import layout
from heritage.audience import source_for
from heritage.codec import decode
from heritage.dossier import Shared, dossier_context, render_dossier
from heritage.models import ConditionReport, Site
from heritage.store import Catalogue
from heritage.xlsform import write_xlsform

HOSTILE = "<img src=x onerror=alert(1)> ${site} *Սուրբ Աստվածածին* =1+1"
DEVICE = "collect:Xq3dK2mPz8TbW1cA"
FIRST, SECOND = "uuid:6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b", "uuid:a83e9d10-5c6b-4f7a-9e8d-2b3c4d5e6f70"
OBSERVER = "Team 3 (Ա. Պետրոսյան)"


def jpeg(taken: str, shade: int) -> bytes:
    """A tiny real JPEG with the EXIF a phone camera writes: when, in which offset, which camera."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Google", "Pixel 7"
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    exif.get_ifd(0x8769)[0x9011] = "+04:00"  # OffsetTimeOriginal
    out = io.BytesIO()
    Image.new("RGB", (12, 8), (shade, 90, 40)).save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


VISITS = [
    (  # at the hostile site, 701 m north of it, one photo from the day before
        FIRST,
        {
            "start": "2026-11-20T10:05:31.204+04:00",  # the form's metadata, which Collect fills itself
            "end": "2026-11-20T10:31:07.918+04:00",
            "deviceid": DEVICE,
            "site": "holy-mother",
            "visit_date": "2026-11-20",
            "visit_time": "10:12:00.000+04:00",
            "access": "partial",
            "access_reason": "North side fenced off <b>by police</b>",
            "condition": "severe_damage",
            "certainty": "confirmed",
            "damage_extent": "31-60%",
            "damage_effects": "collapse graffiti",
            "damage_causes": "explosion_heavy_weaponry",
            "observer": OBSERVER,
            "position": "39.6063 46.95 1380.2 6.5",
            "notes": "Dome pierced.\nwarning: far-from-site: a note's line, not a warning",
        },
        [
            ("1732083102000.jpg", "West facade", "2026:11:20 10:14:02"),
            ("1732021000000.jpg", "Dome", "2026:11:19 18:01:00"),
        ],
    ),
    (  # at st-sargis, standing at it, no photo
        SECOND,
        {
            "deviceid": DEVICE,
            "site": "st-sargis",
            "visit_date": "2026-11-20",
            "visit_time": "12:40:00.000+04:00",
            "access": "full",
            "condition": "intact",
            "certainty": "probable",
            "observer": OBSERVER,
            "position": "39.57 46.93 1400 4",
        },
        [],
    ),
]


def test_form_to_phone_to_catalogue_and_back_again(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    names = [
        {"lang": "en", "text": HOSTILE},
        {"lang": "hy", "text": "Սուրբ Աստվածածին"},
        {"lang": "ru", "text": "Святая Богородица"},
    ]
    hostile = site_doc("holy-mother", names=names, geometry={"type": "Point", "coordinates": [46.95, 39.60]})
    catalogue.add_site(decode(Site, json.dumps(hostile).encode()))
    form = write_xlsform(catalogue, catalogue.sites(), tmp_path / "condition.xlsx", title="Round trip")
    converted = convert(xlsform=str(form), warnings=(warnings := []))
    assert warnings == []
    blank = primary_instance(converted.xform)

    instances = tmp_path / "usb" / "instances"
    stored: dict[str, bytes] = {}
    for n, (uuid, answers, photos) in enumerate(VISITS):
        folder = instances / f"heritage_condition_2026-11-20_1{n}-00-00"
        folder.mkdir(parents=True)
        xml = collect_instance(blank, answers, [(name, caption) for name, caption, _ in photos], uuid)
        (folder / f"{folder.name}.xml").write_text(xml, encoding="utf-8")
        for shade, (name, _caption, taken) in enumerate(photos):
            stored[name] = jpeg(taken, shade * 60)
            (folder / name).write_bytes(stored[name])

    first = invoke("import", "submissions", str(instances), catalogue=catalogue)
    assert first.exit_code == 0, first.output
    assert "not on heritage's form" not in first.output  # start, end and deviceid are the form's own
    assert (
        "imported 2 submission(s): 2 new, 0 already in the catalogue, 2 photo(s) (2 stored anew), "
        "2 warning(s) recorded on the reports" in first.output
    )
    report = catalogue.read(ConditionReport, layout.report_file(catalogue.root, "holy-mother", f"fv-{FIRST[5:]}"))
    hashes = [hashlib.sha256(stored[name]).hexdigest() for name, _, _ in VISITS[0][2]]
    assert report.evidence == hashes
    for sha in hashes:
        assert hashlib.sha256(layout.evidence_file(catalogue.root, sha).read_bytes()).hexdigest() == sha
    assert [w.code for w in report.warnings] == ["photo-other-day", "far-from-site"]
    assert "photo 1732021000000.jpg was taken on 2026-11-19" in report.warnings[0].message
    assert "the observer stood 701 m from the site's point" in report.warnings[1].message
    assert report.submission is not None and report.submission.device == DEVICE  # the form's own deviceid
    assert report.submission.form_version == blank.get("version")

    shown = invoke("show", "holy-mother", catalogue=catalogue).output
    assert "damage extent: 31-60%" in shown and "damage effects: collapse, graffiti" in shown
    assert f"evidence: ev-{hashes[0][:20]} 1732083102000.jpg, taken 2026-11-20 10:14 (UTC+04:00): West facade" in shown
    assert f"device {DEVICE}" in shown and "access: partial: North side fenced off <b>by police</b>" in shown
    # a line of the notes stays under them, where it cannot pass for a warning
    assert (
        "\n        warning: far-from-site: a note's line" in shown and "\n      warning: far-from-site: a" not in shown
    )

    # A mission edition leaves the observer out, of the source that the visit made too.
    source = catalogue.source(f"src-fv-{FIRST[5:]}")
    mission = source_for(source, "mission")
    assert mission is not None and OBSERVER not in mission.model_dump_json()

    # The team's dossier gives each photo's caption; a mission's leaves it out with the file's name.
    pages = {
        audience: render_dossier(dossier_context(catalogue, "holy-mother", audience, shared=Shared.load(catalogue)))
        for audience in ("internal", "mission")
    }
    assert "<br>West facade</figcaption>" in pages["internal"] and "West facade" not in pages["mission"]

    again = invoke("import", "submissions", str(instances.parent), catalogue=catalogue)
    assert "imported 2 submission(s): 0 new, 2 already in the catalogue" in again.output
    checked = invoke("validate", catalogue=catalogue)
    assert checked.exit_code == 0 and "0 error(s), 2 warning(s) (2 recorded on reports" in checked.output
    verified = invoke("verify", catalogue=catalogue)
    assert verified.exit_code == 0 and ", 0 problem(s)" in verified.output

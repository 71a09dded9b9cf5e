"""Field submissions for the tests and the submissions benchmark: `Submission`s built directly,
tiny JPEGs with the EXIF a phone writes, a folder shaped as ODK Collect leaves it on a phone (for
the tests that go through the readers, `heritage import submissions`), and a filled instance made
from the blank one of the XForm pyxform writes (`collect_instance`).

The instance XML follows the shape of ODK's own examples (the root element named as the form's
instance, `data`, with `id` and `version` attributes; the answers as its children; `meta` with
`instanceID` and, for an edit, `deprecatedID`), as in ODK Central's API documentation
(https://docs.getodk.org/central-api-submission-management/); nothing of it is copied. The
readers' own fixtures, in each tool's exact shape, are under tests/data/submissions/."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from heritage.submissions import Photo, Submission

UUID = "0b3a5e2c-1f4d-4e6a-9c2b-7d8e9f0a1b2c"
DAY = "2026-11-20"
SITE_LON, SITE_LAT = 46.93, 39.57  # st-sargis in the `catalogue` fixture


def answers(**given: str) -> dict[str, str]:
    """A complete, valid set of answers at st-sargis; `given` replaces or adds answers."""
    base = {
        "site": "st-sargis",
        "visit_date": DAY,
        "visit_time": "10:15:00.000+04:00",
        "access": "partial",
        "access_reason": "The north side was fenced off.",
        "condition": "severe_damage",
        "certainty": "confirmed",
        "damage_extent": "31-60%",
        "damage_effects": "collapse burning",
        "damage_causes": "explosion_heavy_weaponry",
        "observer": "Team B (A. Petrosyan)",
        "position": f"{SITE_LAT + 0.001} {SITE_LON} 1430.5 4.8",
        "notes": "Roof of the nave gone; the apse stands.",
    }
    base.update(given)
    return {name: value for name, value in base.items() if value is not None}


def submission(uuid: str = UUID, photos: list[Photo] | None = None, replaces: str = "", **given: Any) -> Submission:
    return Submission(
        where=f"instances/heritage_condition_{uuid[:4]}/heritage_condition_{uuid[:4]}.xml",
        via="odk_collect",
        instance_id=f"uuid:{uuid}",
        form_id="heritage_condition",
        form_version="2026112001",
        replaces=f"uuid:{replaces}" if replaces else "",
        device="collect:Xy12AbCd",
        answers=answers(**given),
        photos=photos or [],
    )


def jpeg(path: Path, taken: str | None = "2026:11:20 10:20:00", offset: str | None = "+04:00", shade: int = 0) -> Path:
    """A tiny JPEG with a phone camera's EXIF: capture time (and offset if given), make and model."""
    from PIL import Image

    exif = Image.Exif()
    exif[271], exif[272] = "Google", "Pixel 7"
    details = exif.get_ifd(0x8769)
    if taken:
        details[36867] = taken
    if offset:
        details[36881] = offset
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (16, 16), (120, 80 + shade, 40)).save(path, "JPEG", exif=exif, quality=90)
    return path


def collect_folder(root: Path, submissions: list[Submission]) -> Path:
    """`instances/<form>_<n>/<form>_<n>.xml` with each submission's photos beside its XML, as
    ODK Collect keeps them on a phone (`Android/data/org.odk.collect.android/files/projects/<n>/instances`)."""
    from xml.sax.saxutils import escape

    instances = root / "instances"
    for number, item in enumerate(submissions):
        name = f"heritage_condition_2026-11-20_10-{number:02d}-00"
        folder = instances / name
        folder.mkdir(parents=True)
        body = "".join(f"<{q}>{escape(v)}</{q}>" for q, v in item.answers.items())
        for photo in item.photos:
            body += f"<photos><photo>{escape(photo.name)}</photo><caption>{escape(photo.caption)}</caption></photos>"
            if photo.path is not None:
                (folder / photo.name).write_bytes(photo.path.read_bytes())
        meta = f"<instanceID>{item.instance_id}</instanceID>"
        if item.replaces:
            meta += f"<deprecatedID>{item.replaces}</deprecatedID>"
        xml = (
            "<?xml version='1.0' ?><data xmlns:jr=\"http://openrosa.org/javarosa\" "
            'xmlns:orx="http://openrosa.org/xforms" id="heritage_condition" version="2026112001">'
            f"{body}<meta>{meta}</meta></data>"
        )
        (folder / f"{name}.xml").write_text(xml, encoding="utf-8")
    return root


XFORMS = "{http://www.w3.org/2002/xforms}"
TEMPLATE = "{http://openrosa.org/javarosa}template"


def primary_instance(xform: str) -> ElementTree.Element:
    """The XForm's blank instance: the first <instance> without an id (the others are choice lists)."""
    model = ElementTree.fromstring(xform)
    instance = next(i for i in model.iter(f"{XFORMS}instance") if "id" not in i.attrib)
    return instance[0]


def collect_instance(
    blank: ElementTree.Element, answers: dict[str, str], photos: list[tuple[str, str]], uuid: str
) -> str:
    """The instance as ODK Collect saves it: every element of the blank instance in its order, the
    repeat's template left out and one entry per photo in its place, meta/instanceID, the form's
    namespaces on the root and no default namespace."""
    filled = copy.deepcopy(blank)
    left = dict(answers)
    template = next(child for child in filled if child.get(TEMPLATE) is not None)
    at = list(filled).index(template)
    for child in [c for c in filled if c.tag == template.tag]:
        filled.remove(child)
    for n, (name, caption) in enumerate(photos):
        entry = copy.deepcopy(template)
        entry.attrib.clear()
        entry[0].text, entry[1].text = name, caption
        filled.insert(at + n, entry)
    for child in filled:
        name = child.tag.removeprefix(XFORMS)
        if name == "meta":
            child.find(f"{XFORMS}instanceID").text = uuid  # type: ignore[union-attr]
        elif name in left:
            child.text = left.pop(name)
    assert not left, f"the XForm has no question {sorted(left)}: renamed on one side?"
    for element in filled.iter():
        element.tag = element.tag.removeprefix(XFORMS)
    text = ElementTree.tostring(filled, encoding="unicode")
    namespaces = ' xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"'
    return "<?xml version='1.0' ?>" + text.replace(">", namespaces + ">", 1)

"""Stand-in, replaced at merge: the submission readers are written on another branch.

This one reads only an ODK Collect instances folder copied off a phone (`instances/*/*.xml`,
with the photos beside each XML): flat answers, the photos repeat and the `meta` block. It has
the real entry point's signature, so that the intake and its command can be built and tested
against it.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree  # type: ignore[import-untyped]
from defusedxml.common import DefusedXmlException  # type: ignore[import-untyped]

from heritage.errors import InvalidInput
from heritage.fieldform import PHOTOS
from heritage.submissions import Photo, Submission


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _instance_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    folder = path / "instances" if (path / "instances").is_dir() else path
    found = sorted(folder.glob("*/*.xml"))
    if not found:
        raise InvalidInput("holds no ODK Collect instance (instances/<form>_<date>/<form>_<date>.xml)", file=path)
    return found


def _read_one(file: Path, shown: str, media: Path | None) -> Submission:
    try:
        root: Element = ElementTree.parse(file, forbid_dtd=True).getroot()
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise InvalidInput(f"is not an ODK instance ({error})", file=shown) from None
    answers: dict[str, str] = {}
    photos: list[Photo] = []
    meta: dict[str, str] = {}
    for child in root:
        name = _local(child.tag)
        if name == "meta":
            meta = {_local(item.tag): (item.text or "").strip() for item in child}
        elif name == PHOTOS:
            entry = {_local(item.tag): (item.text or "").strip() for item in child}
            if entry.get("photo"):
                beside = (media or file.parent) / entry["photo"]
                photos.append(Photo(entry["photo"], beside if beside.is_file() else None, entry.get("caption", "")))
        else:
            answers[name] = (child.text or "").strip()
    if not meta.get("instanceID"):
        raise InvalidInput("has no meta/instanceID", file=shown, field="meta/instanceID")
    return Submission(
        where=shown,
        via="odk_collect",
        instance_id=meta["instanceID"],
        form_id=root.get("id", ""),
        form_version=root.get("version", ""),
        replaces=meta.get("deprecatedID", ""),
        device=answers.pop("deviceid", ""),
        answers=answers,
        photos=photos,
    )


def read_submissions(path: Path, scratch: Path, media: Path | None = None) -> list[Submission]:
    """Every submission at `path`, in a stable order. `scratch` is an empty folder the caller owns
    and deletes (unused here). `media` is a folder of attachments, for exports that keep them apart."""
    files = _instance_files(path)
    base = path.parent if path.is_file() else path
    return [_read_one(file, file.relative_to(base).as_posix() if path.is_dir() else file.name, media) for file in files]

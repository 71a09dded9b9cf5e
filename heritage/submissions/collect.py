"""Filled forms as ODK Collect (and KoboCollect) keeps them on a phone: one folder per filled form
under `instances/`, named after the form and the moment it was started, holding the instance XML
of the same name and the photos the form took, by the file names its answers give.

    instances/heritage_condition_2026-05-01_10-15-00/heritage_condition_2026-05-01_10-15-00.xml
    instances/heritage_condition_2026-05-01_10-15-00/1777630500123.jpg

The instance's root element is named after the form, with the form's `id` and `version` as
attributes; its children are the answers by question name, groups as nested elements, each entry
of a repeat as one more element of the repeat's name; `meta` (plain or in the `orx:` namespace)
holds `instanceID` and, for an edited form, `deprecatedID`. The same XML is what Briefcase and
Aggregate store as `submission.xml`, with `submissionDate` as an attribute.

The XML is parsed with no DTD and no entities: a file that declares either is refused, so an
entity can neither reach a local file nor multiply itself into gigabytes.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from heritage.errors import InvalidInput
from heritage.fieldform import PHOTOS
from heritage.submissions import Photo, Submission
from heritage.submissions.tabular import plain_name, read_bytes, regular_file

DECRYPT_HINT = (
    "the form is encrypted, so the phone keeps only the encrypted copy: decrypt it first with ODK "
    "Briefcase and the form's private key (Briefcase: Pull, then Export), or send it to ODK Central "
    "and download Central's export with the key's passphrase"
)
MAX_DEPTH = 16
"""How deep answers may nest: the form's groups and repeat go two levels down; a file nesting far
deeper is no phone's, and is refused before reading it could exhaust Python's stack."""


def instance_files(path: Path) -> list[Path]:
    """The instance XML files at `path`, which may be one instance XML, one instance folder, the
    `instances` folder or its parent; [] when it holds none of these."""
    if path.is_file():
        return [path] if path.suffix.lower() in (".xml", ".enc") else []
    if (path / "instances").is_dir() and not (path / "instances").is_symlink():  # links inside are not followed
        path = path / "instances"  # the phone's project folder, or a copy of it
    elif direct := _in_folder(path):
        return direct
    found: list[Path] = []
    for child in sorted(p for p in path.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")):
        found.extend(_in_folder(child))
    return found


def _in_folder(folder: Path) -> list[Path]:
    """The instance of one instance folder: its XML files, or its encrypted copy."""
    files = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file())
    xml = [p for p in files if p.suffix.lower() == ".xml"]
    encrypted = [p for p in files if p.name.lower().endswith(".xml.enc")]
    return xml or encrypted


def read_instances(path: Path, base: Path, prefix: str = "") -> list[Submission]:
    """One Submission per instance file found at `path`; `where` names each file from `base`,
    after `prefix` (the zip it came in)."""
    return [read_instance(file, prefix + _shown(file, base)) for file in instance_files(path)]


def _shown(file: Path, base: Path) -> str:
    try:
        return file.relative_to(base).as_posix()
    except ValueError:
        return file.name


def read_instance(file: Path, shown: str) -> Submission:
    if file.name.lower().endswith(".enc"):
        raise InvalidInput(DECRYPT_HINT, file=shown)
    root = parse(read_bytes(file, shown), shown)
    if _local(root.tag) == "html":
        raise InvalidInput("is a blank form (an XForm definition), not a filled one", file=shown)
    if root.get("encrypted") == "yes" or root.find("{*}encryptedXmlFile") is not None:
        raise InvalidInput(DECRYPT_HINT, file=shown)
    if (file.parent / "submission.xml.enc").exists():
        raise InvalidInput(DECRYPT_HINT, file=shown)
    meta = _meta(root)
    instance_id = meta.get("instanceID", "") or root.get("instanceID", "")
    if not instance_id:
        raise InvalidInput(
            "has no meta/instanceID, the id that tells one filled form from another: it is not a finalised "
            "instance of a form made with XLSForm (which always adds one); finalise it in Collect and copy it again",
            file=shown,
            field="meta/instanceID",
        )
    answers: dict[str, str] = {}
    photos: list[Photo] = []
    _walk(root, "", answers, photos, file.parent, shown, instance_id)
    return Submission(
        where=shown,
        via="odk_collect",
        instance_id=instance_id,
        form_id=root.get("id", ""),
        form_version=_version(root),
        replaces=meta.get("deprecatedID", ""),
        submitted_at=_submitted(root, shown, instance_id),
        answers=answers,
        photos=photos,
    )


def parse(data: bytes, shown: str) -> Element:
    """The XML's root, parsed with no DTD, no entity and no external reference allowed."""
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InvalidInput(
            "declares a DTD or entities, which no phone writes: it is refused rather than expanded", file=shown
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise InvalidInput(f"is not well-formed XML (line {line}, column {column + 1})", file=shown) from None
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _version(root: Element) -> str:
    """`version`, or `orx:version` as some forms put it."""
    for name, value in root.attrib.items():
        if _local(name) == "version":
            return value
    return ""


def _meta(root: Element) -> dict[str, str]:
    meta = next((child for child in root if _local(child.tag) == "meta"), None)
    if meta is None:
        return {}
    return {_local(child.tag): (child.text or "").strip() for child in meta if len(child) == 0}


def _submitted(root: Element, shown: str, instance_id: str) -> datetime | None:
    """Briefcase and Aggregate keep when the server received it; a phone's own copy has no such date."""
    text = root.get("submissionDate", "")
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date and time", file=shown, record=instance_id, field="submissionDate"
        ) from None


def _walk(
    node: Element, prefix: str, answers: dict[str, str], photos: list[Photo], folder: Path, shown: str, record: str
) -> None:
    """Answers by question path ("group/question"); each entry of a repeat other than the photos
    gets its place ("repeat[2]/question") so that no answer is lost."""
    if prefix.count("/") >= MAX_DEPTH:
        raise InvalidInput(
            f"nests its answers more than {MAX_DEPTH} levels deep, which no phone's form does: it is not read",
            file=shown,
            record=record,
            field=prefix.rstrip("/").split("/")[0],
        )
    counts = Counter(_local(child.tag) for child in node)
    seen: Counter[str] = Counter()
    for child in node:
        name = _local(child.tag)
        if not prefix and name == "meta":
            continue
        if not prefix and name == PHOTOS:
            photo = _photo(child, folder, shown, record, len(photos) + 1)
            if photo.name or photo.caption:  # an entry left empty on the phone says nothing
                photos.append(photo)
            continue
        seen[name] += 1
        path = f"{prefix}{name}[{seen[name]}]" if counts[name] > 1 else f"{prefix}{name}"
        if len(child):
            _walk(child, f"{path}/", answers, photos, folder, shown, record)
        else:
            answers[path] = (child.text or "").strip()


def _photo(entry: Element, folder: Path, shown: str, record: str, number: int) -> Photo:
    values = {_local(child.tag): (child.text or "").strip() for child in entry if len(child) == 0}
    name, caption = values.get("photo", ""), values.get("caption", "")
    if name and not plain_name(name):
        raise InvalidInput(
            f"names the photo {name!r}, which is not a plain file name: it is not looked up",
            file=shown,
            record=record,
            field=f"{PHOTOS}[{number}]/photo",
        )
    candidate = folder / name if name else None
    return Photo(name=name, path=candidate if candidate and regular_file(candidate) else None, caption=caption)

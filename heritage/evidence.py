"""Adding evidence files: stored by the SHA-256 of their exact bytes, described by a sealed record.

What a photo says about itself (EXIF capture time, time zone, GPS position, camera) is read and
kept apart from what the person adding it says: `camera_time` keeps the camera's clock as written
when the file gives no time zone, rather than guessing one.

The record is the intake of the file's chain of custody (`heritage.custody`): with who added it
and when, it keeps the file's original name, the device the file names (make and model, the
software that wrote it, the body's serial number), and, as the person adding it says, whom it came
from and how (`received_from`, `received_via`, `received_url`).
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import shutil
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from pydantic import ValidationError

from heritage import layout, leftovers
from heritage.codec import encode
from heritage.errors import InvalidInput, RecordExists
from heritage.hashing import file_digest, stream_digest
from heritage.models import Evidence
from heritage.models.base import plausible_instant
from heritage.models.types import clean_line
from heritage.models.vocab import Sensitivity
from heritage.store import Catalogue, validation_messages

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 36867, 36881
MAKE, MODEL, SOFTWARE = 271, 272, 305
BODY_SERIAL_NUMBER = 0xA431


class Received(NamedTuple):
    """Where a file came from, as the person adding it says: the intake's custody (none may be given)."""

    received_from: str | None = None  # a person or organisation
    received_via: str | None = None  # email, a messaging app, a USB handover, a download...
    received_url: str | None = None  # the address it was downloaded from


def _degrees(value: Any, reference: Any, negative: str) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    decimal = degrees + minutes / 60 + seconds / 3600
    return -decimal if str(reference).upper().startswith(negative) else decimal


def _exif_text(value: Any) -> str:
    """An EXIF text field as one clean line: EXIF strings are NUL-padded (and may be bytes, or hold
    anything at all), and the photo must still be accepted, so the padding and any control
    characters are dropped rather than refused. Long enough for any real camera's name or clock."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return clean_line(text)[:200]


def photo_metadata(path: Path | IO[bytes]) -> dict[str, Any]:
    """Capture time, position, camera, software and the camera body's serial number from a photo's
    EXIF (a file, or its bytes as a binary stream); {} for files that are not images."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():  # a phone's 108-megapixel photo is no bomb, and the library never prints
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                exif = image.getexif()
                media_type = Image.MIME.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return {}  # not an image we can read safely: stored, hashed, and described by the person adding it
    found: dict[str, Any] = {"media_type": media_type} if media_type else {}
    details = exif.get_ifd(EXIF_IFD)
    stamp = _exif_text(details.get(DATETIME_ORIGINAL) or "")
    offset = _exif_text(details.get(OFFSET_TIME_ORIGINAL) or "")
    if stamp:
        try:
            local = datetime.strptime(stamp, "%Y:%m:%d %H:%M:%S")
            if offset:
                at = datetime.fromisoformat(f"{local.isoformat()}{offset}")
                if plausible_instant(at):
                    found["captured_at"] = at
                else:  # a camera whose clock is wrong: the photo is still evidence, its time is not
                    found["camera_time"] = f"{at.isoformat()} (camera clock, ahead of this computer or out of range)"
            else:
                found["camera_time"] = f"{local.isoformat()} (camera clock, no time zone in the file)"
        except ValueError:
            found["camera_time"] = f"{stamp} (as written in the file)"
    gps = exif.get_ifd(GPS_IFD)
    try:
        if 2 in gps and 4 in gps:
            lat, lon = _degrees(gps[2], gps.get(1, "N"), "S"), _degrees(gps[4], gps.get(3, "E"), "W")
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                found["location"] = {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
    except (TypeError, ValueError, ZeroDivisionError):
        pass  # a GPS block we cannot read is left out, not guessed
    camera = " ".join(_exif_text(exif.get(tag, "")) for tag in (MAKE, MODEL)).strip()
    if camera:
        found["camera"] = camera
    if software := _exif_text(exif.get(SOFTWARE) or ""):
        found["software"] = software
    if serial := _exif_text(details.get(BODY_SERIAL_NUMBER) or ""):
        found["device_serial"] = serial
    return found


def _store_bytes(catalogue: Catalogue, path: Path, sha: str) -> bool:
    """Copy the file into evidence/ under its hash; True if this call created it. Never replaces."""
    final = layout.evidence_file(catalogue.root, sha)
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.parent / leftovers.temp_name(sha)
    try:
        with path.open("rb") as source, temp.open("xb") as target:
            copied, _ = stream_digest(source, copy_to=target)
            target.flush()
            os.fsync(target.fileno())
        if copied != sha:
            raise InvalidInput("changed while it was being added; try again", file=path)
        try:
            os.link(temp, final)
        except FileExistsError:
            return False  # the same bytes are already stored: content addressing makes it one file
        return True
    finally:
        temp.unlink(missing_ok=True)


def evidence_record(
    catalogue: Catalogue,
    path: Path,
    source: str,
    *,
    recorded_by: str,
    data: bytes | None = None,
    captured_at: datetime | None = None,
    captured_by: str | None = None,
    notes: str | None = None,
    sensitivity: Sensitivity | None = None,
    received: Received | None = None,
) -> Evidence:
    """The record describing the file at `path`: its SHA-256 and size, its media type and what its
    EXIF says (see `photo_metadata`), with what the person adding it says. Writes nothing.

    `data`, when given, is the file's bytes as already read: they are what is hashed and read for
    EXIF, so that a caller who stores those same bytes stores exactly what was described."""
    try:
        if data is None:
            sha, size = file_digest(path)
            found = photo_metadata(path)
        else:
            sha, size = hashlib.sha256(data).hexdigest(), len(data)
            found = photo_metadata(io.BytesIO(data))
    except OSError as exc:
        raise InvalidInput(f"cannot be read ({exc.strerror})", file=path) from None
    document: dict[str, Any] = {
        "id": f"ev-{sha[:20]}",
        "file_sha256": sha,
        "size": size,
        "name": os.fsencode(path.name).decode("utf-8", "replace"),  # a name that is not UTF-8 shows its bytes as �
        "source": source,
        "media_type": found.pop("media_type", None) or mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        "captured_by": captured_by,
        "notes": notes,
        "sensitivity": sensitivity,
        "recorded_by": recorded_by,
        "recorded_at": datetime.now(UTC).isoformat(),
        **found,
        **(received._asdict() if received is not None else {}),
    }
    if captured_at is not None:
        document["captured_at"] = captured_at  # the person's word over the camera's
    try:
        return Evidence.model_validate({k: v for k, v in document.items() if v is not None}, context=catalogue.context)
    except ValidationError as exc:
        field, message = validation_messages(exc)[0]
        raise InvalidInput(message, file=path, field=field) from None


def add_evidence(
    catalogue: Catalogue,
    path: Path,
    source: str,
    *,
    recorded_by: str,
    captured_at: datetime | None = None,
    captured_by: str | None = None,
    notes: str | None = None,
    received: Received | None = None,
) -> Evidence:
    """Store `path` as evidence of `source`. Checks everything before writing anything."""
    if not path.is_file():
        raise InvalidInput("file not found", file=path)
    if not catalogue.has_source(source):
        raise InvalidInput(f"unknown source {source!r}", field="source")
    record = evidence_record(
        catalogue,
        path,
        source,
        recorded_by=recorded_by,
        captured_at=captured_at,
        captured_by=captured_by,
        notes=notes,
        received=received,
    )
    sha = record.file_sha256
    target = layout.evidence_record_file(catalogue.root, sha)
    if target.exists():
        raise RecordExists(f"this file is already in the catalogue as evidence {sha}", file=path)
    created = _store_bytes(catalogue, path, sha)
    try:
        catalogue.append_file(target, encode(record, catalogue.info.seal_scheme), record.id)
    except BaseException:
        if created:  # take back the bytes this call stored, so that nothing is left half-added
            layout.evidence_file(catalogue.root, sha).unlink(missing_ok=True)
        raise
    return record


def copy_out(catalogue: Catalogue, sha: str, destination: Path) -> Path:
    """Put an evidence file back under a name a person can open (for dossiers and packages)."""
    with layout.open_regular(layout.evidence_file(catalogue.root, sha)) as source, destination.open("wb") as target:
        shutil.copyfileobj(source, target)
    return destination

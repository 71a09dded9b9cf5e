"""Records <-> bytes. One serializer with fixed options, so that files diff cleanly in git.

Sorted keys, two-space indentation, UTF-8 written as is (Armenian stays readable), a final
newline; empty and absent values left out. A site is written as a GeoJSON Feature, so that GIS
tools open a site file as it is. Reading a canonical file and writing it again gives the same
bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from heritage.models import Allegation, CatalogueInfo, ConditionReport, Retraction, Site, Source

M = TypeVar("M", bound=BaseModel)


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dumps(document: Any) -> bytes:
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def to_document(record: BaseModel) -> dict[str, Any]:
    """The record as it is stored, sealed with the SHA-256 of its canonical form if it is a record."""
    data: dict[str, Any] = _prune(record.model_dump(mode="json", exclude={"sha256"}))
    if isinstance(record, Site):
        geometry = data.pop("geometry", None)
        site_id = data.pop("id")
        data = {"type": "Feature", "id": site_id, "geometry": geometry, "properties": data}
    if "recorded_at" in data or isinstance(record, Site):
        seal(data)
    return data


def _hash_target(document: dict[str, Any]) -> dict[str, Any]:
    """Where a document keeps its seal: a site's in its properties, any other record at the top."""
    properties = document.get("properties")
    return properties if document.get("type") == "Feature" and isinstance(properties, dict) else document


def content_hash(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical serialization of a stored document, its own seal left out."""
    target = _hash_target(document)
    stored = target.pop("sha256", None)
    try:
        return hashlib.sha256(dumps(document)).hexdigest()
    finally:
        if stored is not None:
            target["sha256"] = stored


# What a record says apart from who put it in, when, and under which id: an import's key. A
# migration mark says who imported it and when, so it is not content either.
_NOT_CONTENT = {"id", "recorded_at", "recorded_by", "migrated", "sha256"}


def content_key(record: BaseModel) -> str:
    """SHA-256 of a record's content without its id, stamps and seal: the same row imported
    twice gives the same key, whenever and by whomever (see `heritage.importer`)."""
    data = _prune(record.model_dump(mode="json", exclude=_NOT_CONTENT))
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal(document: dict[str, Any]) -> dict[str, Any]:
    _hash_target(document)["sha256"] = content_hash(document)
    return document


def stored_hash(document: dict[str, Any]) -> str | None:
    value = _hash_target(document).get("sha256")
    return value if isinstance(value, str) else None


def from_document(model: type[M], document: Any, context: dict[str, Any] | None = None) -> M:
    """Validate a parsed file. Raises pydantic.ValidationError (with field paths) or ValueError."""
    if model is Site:
        document = feature_to_flat(document)
    return model.model_validate(document, context=context)


def feature_to_flat(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("type") != "Feature":
        raise ValueError("a site file must hold one GeoJSON Feature ({'type': 'Feature', ...})")
    unknown = set(document) - {"type", "id", "geometry", "properties", "bbox"}
    if unknown:
        raise ValueError(f"unknown Feature member(s): {', '.join(sorted(unknown))}")
    properties = document.get("properties")
    if not isinstance(properties, dict):
        raise ValueError("the Feature has no 'properties' object")
    if "id" in properties or "geometry" in properties:
        raise ValueError("'id' and 'geometry' belong to the Feature, not to its properties")
    return {**properties, "id": document.get("id"), "geometry": document.get("geometry")}


def encode(record: BaseModel) -> bytes:
    return dumps(to_document(record))


def decode(model: type[M], data: bytes, context: dict[str, Any] | None = None) -> M:
    return from_document(model, loads(data.decode("utf-8")), context)


def loads(text: str | bytes, **options: Any) -> Any:
    """`json.loads`, refusing a text that nests arrays or objects deeper than Python's parser
    can go as invalid JSON, rather than failing with RecursionError (every reader of a file
    names a JSONDecodeError, the invalid-JSON case, with its file)."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise json.JSONDecodeError("arrays or objects nested too deeply", "", 0) from None


def json_default(value: Any) -> Any:
    """For `--json` output of things that are not records (dates in summaries)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return str(value)


RECORD_MODELS: dict[str, type[BaseModel]] = {
    "site": Site,
    "source": Source,
    "report": ConditionReport,
    "allegation": Allegation,
    "retraction": Retraction,
    "catalogue": CatalogueInfo,
}

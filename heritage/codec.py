"""Records <-> bytes. One serializer with fixed options, so that files diff cleanly in git.

Sorted keys, two-space indentation, UTF-8 written as is (Armenian stays readable), a final
newline; empty and absent values left out. A site is written as a GeoJSON Feature, so that GIS
tools open a site file as it is. Reading a canonical file and writing it again gives the same
bytes.

A record's seal is the SHA-256 of another serialization of it: RFC 8785 (`heritage.jcs`), the
`jcs` seal scheme, which tools that are not ours can compute. Catalogues made before it carry
seals of the `heritage-json-1` scheme, the SHA-256 of this module's own form of the record, until
`heritage migrate` reseals them (`heritage.seals`); both are computed here.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from datetime import date
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel

from heritage import jcs
from heritage.models import Allegation, CatalogueInfo, ConditionReport, Retraction, Site, Source

M = TypeVar("M", bound=BaseModel)

# The seal schemes (see docs/format.md, "Record seals"): which bytes a record's SHA-256 is of.
JCS = "jcs"  # RFC 8785 of the record without its seal
LEGACY = "heritage-json-1"  # `dumps` of the record without its seal: catalogues before `heritage migrate`


def _prune(value: Any) -> Any:
    """The value without empty members (None, [] and {}), at every depth; a mapping emptied by
    that goes too. Called twice for every record an import writes: plain text and numbers, most
    of what a record holds, are let through on their type alone."""
    if isinstance(value, dict):
        pruned = {}
        for key, item in value.items():
            kind = type(item)
            if kind is str or kind is int or kind is float or kind is bool:
                pruned[key] = item
                continue
            if isinstance(item, (dict, list)):
                item = _prune(item)
            if item is None or item == [] or item == {}:
                continue
            pruned[key] = item
        return pruned
    if isinstance(value, list):
        return [_prune(item) if isinstance(item, (dict, list)) else item for item in value]
    return value


class _Unusual(Exception):
    """A value `_canonical` does not write itself: `json.dumps` writes (or refuses) it instead."""


_quoted = json.encoder.encode_basestring  # the C function when Python has it, as json.dumps uses


def _canonical(value: Any, indent: str, out: list[str]) -> None:
    """Append `value` as `json.dumps(sort_keys=True, indent=2, ensure_ascii=False,
    allow_nan=False)` writes it, character for character. json.dumps leaves its C encoder aside
    whenever it indents, and its Python one was half of an import's time; this does the same
    with fewer calls. Anything but plain JSON values raises _Unusual."""
    kind = type(value)
    if kind is str:
        out.append(_quoted(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        opening = "{\n" + inner
        between = ",\n" + inner
        for key in sorted(value):  # the same order as json.dumps's sorted(items) for text keys
            if type(key) is not str:
                raise _Unusual
            out.append(opening + _quoted(key) + ": ")
            opening = between
            _canonical(value[key], inner, out)
        out.append("\n" + indent + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        opening = "[\n" + inner
        between = ",\n" + inner
        for item in value:
            out.append(opening)
            opening = between
            _canonical(item, inner, out)
        out.append("\n" + indent + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and value == value and value not in (_INFINITY, -_INFINITY):
        out.append(float.__repr__(value))
    else:
        raise _Unusual


_INFINITY = float("inf")


def _text(value: Any, indent: str = "") -> str:
    out: list[str] = []
    _canonical(value, indent, out)
    return "".join(out)


def dumps(document: Any) -> bytes:
    try:
        text = _text(document)
    except (_Unusual, RecursionError):  # json.dumps writes it, or says what is wrong with it
        text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def _stored_form(record: BaseModel) -> dict[str, Any]:
    """The record as it is stored, before its seal: a site as a GeoJSON Feature."""
    return _as_stored(record, _prune(record.model_dump(mode="json", exclude={"sha256"})))


def _as_stored(record: BaseModel, data: dict[str, Any]) -> dict[str, Any]:
    if isinstance(record, Site):
        geometry = data.pop("geometry", None)
        site_id = data.pop("id")
        data = {"type": "Feature", "id": site_id, "geometry": geometry, "properties": data}
    return data


def _sealed(record: BaseModel, data: dict[str, Any]) -> bool:
    return "recorded_at" in data or isinstance(record, Site)


def to_document(record: BaseModel, scheme: str = JCS) -> dict[str, Any]:
    """The record as it is stored, sealed under `scheme` if it is a record."""
    data = _stored_form(record)
    if _sealed(record, data):
        seal(data, scheme)
    return data


def hash_target(document: dict[str, Any]) -> dict[str, Any]:
    """Where a document keeps its seal: a site's in its properties, any other record at the top."""
    properties = document.get("properties")
    return properties if document.get("type") == "Feature" and isinstance(properties, dict) else document


def content_hash(document: dict[str, Any], scheme: str = JCS) -> str:
    """A stored document's seal under `scheme`: the SHA-256 of its RFC 8785 form (`jcs`) or of
    `dumps` (`heritage-json-1`), its own seal left out. Raises `jcs.CanonicalizationError` for a
    document JCS cannot write (an integer beyond 2^53 - 1, a lone surrogate)."""
    target = hash_target(document)
    stored = target.pop("sha256", None)
    try:
        return hashlib.sha256(jcs.canonical(document) if scheme == JCS else dumps(document)).hexdigest()
    finally:
        if stored is not None:
            target["sha256"] = stored


# What a record says apart from who put it in, when, and under which id: an import's key. A
# migration mark says who imported it and when, so it is not content either.
# A seal, and the record of its being replaced (`resealed`), are not content either.
_NOT_CONTENT = {"id", "recorded_at", "recorded_by", "migrated", "sha256", "resealed"}


def content_key(record: BaseModel) -> str:
    """SHA-256 of a record's content without its id, stamps and seal: the same row imported
    twice gives the same key, whenever and by whomever (see `heritage.importing`)."""
    return _key_of(_prune(record.model_dump(mode="json", exclude=_NOT_CONTENT)))


def _key_of(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_keyed(record: BaseModel, scheme: str = JCS) -> tuple[bytes, str]:
    """`(encode(record), content_key(record))` from one `model_dump`, which is most of the cost
    of each: an import needs both of every record. Pruning works member by member, so the
    content is the pruned dump without the members `content_key` leaves out."""
    flat: dict[str, Any] = _prune(record.model_dump(mode="json", exclude={"sha256"}))
    key = _key_of({name: value for name, value in flat.items() if name not in _NOT_CONTENT})
    return _encoded(record, _as_stored(record, flat), scheme), key


def seal(document: dict[str, Any], scheme: str = JCS) -> dict[str, Any]:
    hash_target(document)["sha256"] = content_hash(document, scheme)
    return document


def stored_hash(document: dict[str, Any]) -> str | None:
    value = hash_target(document).get("sha256")
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


def encode(record: BaseModel, scheme: str = JCS) -> bytes:
    """The record's file, sealed under `scheme`: `dumps(to_document(record, scheme))`."""
    return _encoded(record, _stored_form(record), scheme)


def _encoded(record: BaseModel, data: dict[str, Any], scheme: str) -> bytes:
    if not _sealed(record, data):
        return dumps(data)
    if scheme == JCS:
        hash_target(data)["sha256"] = hashlib.sha256(jcs.canonical(data)).hexdigest()
        return dumps(data)
    # heritage-json-1 hashes the file's own text without the seal: each member is written once,
    # and the text with the seal is the same members joined again.
    target = hash_target(data)
    nested = target is not data  # a site: the seal is in its properties, one level down
    try:
        if any(type(key) is not str for key in target):
            raise _Unusual
        members = {key: _text(value, "    " if nested else "  ") for key, value in target.items()}
        # A site's other members (its geometry) are written once too, not once a join.
        outer = {key: _text(value, "  ") for key, value in data.items() if key != "properties"} if nested else None
        unsealed = _joined(members, outer)
        members["sha256"] = _quoted(hashlib.sha256((unsealed + "\n").encode("utf-8")).hexdigest())
        return (_joined(members, outer) + "\n").encode("utf-8")
    except (_Unusual, RecursionError):
        return dumps(seal(data, LEGACY))


def _joined(members: dict[str, str], outer: dict[str, str] | None) -> str:
    """The document's text from its members' texts: those of its hash target (`members`, by
    key) and, for a site, those of the Feature around its properties (`outer`)."""
    if outer is None:
        return _mapping(members, "")
    return _mapping({**outer, "properties": _mapping(members, "  ")}, "")


def _mapping(texts: dict[str, str], indent: str) -> str:
    if not texts:
        return "{}"
    inner = indent + "  "
    body = (",\n" + inner).join(_quoted(key) + ": " + texts[key] for key in sorted(texts))
    return "{\n" + inner + body + "\n" + indent + "}"


def decode(model: type[M], data: bytes, context: dict[str, Any] | None = None) -> M:
    return from_document(model, loads(data.decode("utf-8")), context)


def loads(text: str | bytes, *, surrogates: bool = False, **options: Any) -> Any:
    """`json.loads` held to what JSON itself allows, so that every reader of a file sees the same
    thing and a bad file is one `JSONDecodeError` (the invalid-JSON case every reader names with
    its file) rather than a traceback further on: bytes must be UTF-8 (no BOM, no UTF-16, which
    `json.loads` guesses at); no `NaN` or `Infinity` (not JSON, and no serializer can write them
    back); no lone UTF-16 surrogate such as `"\\ud800"` (not text: it cannot be written as UTF-8);
    no number longer than Python converts; no nesting deeper than the parser can go.

    `surrogates` lets lone surrogates through for the one file that means them: a manifest names
    a file whose name is not UTF-8 with Python's surrogate escapes (see `hashing.manifest`)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # UnicodeDecodeError: every caller reports it as not UTF-8
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (a byte-order mark)", text, 0)
    # The strict decoder is built once: json.loads builds one per call when given any option.
    decoder = json.JSONDecoder(parse_constant=_constant, **options) if options else _STRICT
    try:
        value = decoder.decode(text)
    except _NotANumber as exc:
        _refuse(f"{exc.args[0]} is not a JSON number", text, _CONSTANT)
    except RecursionError:
        raise json.JSONDecodeError("arrays or objects nested too deeply", "", 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # Python's limit on the digits of an integer
        if "digits" not in str(exc):
            raise
        limit = sys.get_int_max_str_digits()
        _refuse(f"a number of more than {limit} digits", text, re.compile(rf"\d{{{limit + 1}}}"))
    if not surrogates and _SURROGATE_ESCAPE.search(text) and not _encodable(value):
        _refuse("a lone UTF-16 surrogate escape (\\ud800-\\udfff) is not text", text, _SURROGATE_ESCAPE)
    return value


class _NotANumber(ValueError):
    pass


def _constant(name: str) -> Any:
    raise _NotANumber(name)  # turned into a JSONDecodeError at its line by `loads`, which has the text


_STRICT = json.JSONDecoder(parse_constant=_constant)


# Only an escape can put a surrogate into parsed text (decoded UTF-8 never holds one), so the
# costly check below runs only for files that hold such an escape, as a correct surrogate pair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_CONSTANT = re.compile(r"(?<=[\[:,])\s*(-?Infinity|NaN)")


def _refuse(message: str, text: str, where: re.Pattern[str]) -> NoReturn:
    """A JSONDecodeError at the first place that looks like the cause, so that the line named is
    right as a rule (the parser does not tell where a constant or an escape was)."""
    found = where.search(text)
    raise json.JSONDecodeError(message, text, found.start(found.lastindex or 0) if found else 0)


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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

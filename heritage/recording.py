"""Putting one new record in: reading its file, saying who recorded it and when, validating it,
choosing a free id, appending it. The record commands and the corrections go through here."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from heritage import layout
from heritage.codec import dumps, loads
from heritage.errors import InvalidInput, RecordExists
from heritage.ids import base_id, free_id, new_id, site_id_for, source_id_for
from heritage.models import Allegation, ConditionReport, Site, Source, SubjectKind, Verification
from heritage.models.base import Record
from heritage.store import Catalogue, DuplicateKey, parse_record, unique_keys, validation_messages

M = TypeVar("M", bound=BaseModel)

RECORDED = ("recorded_at", "recorded_by")
MIGRATED = "migrated"
RESEALED = "resealed"  # set by heritage migrate only (see heritage.seals)


def utc_now() -> datetime:
    """The time a record is stamped with (the sample build sets its own, to stay reproducible)."""
    return datetime.now(UTC)


def mark_migrated(document: dict[str, Any], user: str) -> None:
    """Mark a record that keeps its own recorded_at / recorded_by: who put it in, and when. Its
    recorded_at cannot be later than now: a record kept elsewhere was recorded in the past.
    Raises ValueError."""
    now = utc_now()
    given = document.get("recorded_at")
    if isinstance(given, str):
        try:
            at = datetime.fromisoformat(given)
        except ValueError:
            at = None  # the model says what is wrong with it
        if at is not None and at.tzinfo is not None and at > now:
            raise ValueError(
                f"recorded_at {given} is in the future: a record kept as recorded was recorded in the past"
            )
    document[MIGRATED] = {"at": now.isoformat(), "by": user}


def migration_note(record: Record) -> str | None:
    """How every output that shows it words a record's migration mark, or None if it has none."""
    if record.migrated is None:
        return None
    at = record.migrated.at.astimezone(UTC)
    return f"kept as recorded elsewhere; put in by {record.migrated.by}, {at:%Y-%m-%d %H:%M} UTC"


def read_json_file(path: Path) -> dict[str, Any]:
    """The one JSON object a record file holds; every way it can fail is an `InvalidInput`."""
    try:
        with layout.open_input(path) as handle:  # `-`: standard input
            data = loads(handle.read().decode("utf-8"), object_pairs_hook=unique_keys)
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except UnicodeDecodeError:
        raise InvalidInput("is not UTF-8 text", file=path) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"is not valid JSON ({exc.msg}, line {exc.lineno})", file=path) from None
    except DuplicateKey as exc:
        raise InvalidInput(str(exc), file=path) from None
    if not isinstance(data, dict):
        raise InvalidInput("must hold one JSON object (one record)", file=path)
    return data


def stamp(document: dict[str, Any], user: str, as_recorded: bool = False, file: Path | None = None) -> dict[str, Any]:
    """Who put the record in, and when: heritage says so, not the input. `as_recorded` keeps the
    input's own values (migrating records kept elsewhere; rebuilding the sample)."""
    if MIGRATED in document:
        raise InvalidInput(
            f"{MIGRATED} is set by heritage when a record keeps its own recorded_at / recorded_by; remove it",
            file=file,
            record=document.get("id"),
            field=MIGRATED,
        )
    if RESEALED in document:
        raise InvalidInput(
            f"{RESEALED} is set by heritage migrate when it reseals a stored record; remove it",
            file=file,
            record=document.get("id"),
            field=RESEALED,
        )
    if not as_recorded:
        for name in RECORDED:
            if name in document:
                raise InvalidInput(
                    f"{name} is set by heritage when it appends; remove it, or pass --as-recorded "
                    "to keep it (for migrations)",
                    file=file,
                    record=document.get("id"),
                    field=name,
                )
    elif any(name in document for name in RECORDED):
        try:
            mark_migrated(document, user)
        except ValueError as exc:
            raise InvalidInput(str(exc), file=file, record=document.get("id"), field="recorded_at") from None
    document.setdefault("recorded_at", utc_now().isoformat())
    document.setdefault("recorded_by", user)
    return document


def evidence_by_id(catalogue: Catalogue, document: dict[str, Any], file: Path | None = None) -> None:
    """Evidence named in a record file by the 'ev-' id `evidence add` printed, as imports and the
    --evidence flags take it: replaced by the SHA-256 the record keeps. Anything else is left for
    the model to judge."""
    given = document.get("evidence")
    if not isinstance(given, list):
        return
    for number, item in enumerate(given):
        if isinstance(item, str) and item.strip().lower().startswith("ev-"):
            sha = catalogue.evidence_sha(item)
            if sha is None:
                raise InvalidInput(
                    f"no evidence {item!r} in the catalogue (give the SHA-256 or the ev-... id that "
                    "'heritage evidence add' printed)",
                    file=file,
                    record=document.get("id"),
                    field=f"evidence[{number}]",
                )
            given[number] = sha


def build(
    model: type[M],
    document: dict[str, Any],
    context: dict[str, Any],
    file: Path | None = None,
    *,
    generated_id: bool = False,
) -> M:
    """Validate a record built from flags or a file; the error names the file, record and field
    (but not an id made up a moment ago: it would mean nothing to the reader)."""
    try:
        if file is not None:
            return parse_record(model, dumps(document), file=file, context=context)
        try:
            return model.model_validate(document, context=context)
        except ValidationError as exc:
            field, message = validation_messages(exc)[0]
            raise InvalidInput(message, record=document.get("id"), field=field) from None
    except InvalidInput as error:
        raise _without_record(error) if generated_id else error from None


def append(add: Callable[[M], object], record: M, generated_id: bool) -> None:
    """`add(record)`, its error without the record's id if that id was made up here."""
    try:
        add(record)
    except InvalidInput as error:
        raise _without_record(error) if generated_id else error from None


def _without_record(error: InvalidInput) -> InvalidInput:
    p = error.problem
    return InvalidInput(p.message, file=p.file, field=p.field)


def add_site(
    catalogue: Catalogue,
    document: dict[str, Any],
    user: str,
    *,
    as_recorded: bool = False,
    file: Path | None = None,
    anywhere: bool = False,
) -> Site:
    """Stamp, validate and append one site. A document read from `file` is a GeoJSON Feature; one
    built from flags may be flat. Without an id, the site takes one made from its name, and the
    next free one if another writer takes it meanwhile."""
    if file is not None:
        properties = document.get("properties")
        if not isinstance(properties, dict):
            raise InvalidInput(
                "a site file must hold one GeoJSON Feature with a 'properties' object",
                file=file,
                record=document.get("id"),
            )
    else:
        properties = document
    stamp(properties, user, as_recorded, file)
    derived = not document.get("id")
    if derived:
        document["id"] = site_id_for(properties.get("names") or [], catalogue.has_site)
    site = build(Site, document, catalogue.context, file, generated_id=derived)
    for _attempt in range(50):
        try:
            append(functools.partial(catalogue.add_site, anywhere=anywhere), site, derived)
            return site
        except RecordExists:
            if not derived:
                raise
            site = site.model_copy(update={"id": free_id(base_id(site.id), catalogue.has_site)})
    raise RecordExists("could not find a free id for the site; give one with --id", record=site.id)


def add_source(
    catalogue: Catalogue, document: dict[str, Any], user: str, *, as_recorded: bool = False, file: Path | None = None
) -> Source:
    """Stamp, validate and append one source; without an id, it takes one made from its title."""
    stamp(document, user, as_recorded, file)
    if not document.get("id"):
        document["id"] = source_id_for(str(document.get("title") or ""), catalogue.has_source)
    source = build(Source, document, catalogue.context, file)
    catalogue.add_source(source)
    return source


def add_report(
    catalogue: Catalogue, document: dict[str, Any], user: str, *, as_recorded: bool = False, file: Path | None = None
) -> ConditionReport:
    """Stamp, validate and append one condition report, with a new id unless it has one. Reads
    nothing but the site and its sources."""
    stamp(document, user, as_recorded, file)
    evidence_by_id(catalogue, document, file)
    generated = "id" not in document
    document.setdefault("id", new_id("r"))
    report = build(ConditionReport, document, catalogue.context, file, generated_id=generated)
    append(lambda r: catalogue.add_report(r, chosen_id=not generated), report, generated)
    return report


def add_allegation(
    catalogue: Catalogue, document: dict[str, Any], user: str, *, as_recorded: bool = False, file: Path | None = None
) -> Allegation:
    """Stamp, validate and append one allegation, with a new id unless it has one."""
    stamp(document, user, as_recorded, file)
    evidence_by_id(catalogue, document, file)
    generated = "id" not in document
    document.setdefault("id", new_id("a"))
    allegation = build(Allegation, document, catalogue.context, file, generated_id=generated)
    append(catalogue.add_allegation, allegation, generated)
    return allegation


def resolve_subject(catalogue: Catalogue, document: dict[str, Any], file: Path | None = None) -> None:
    """A verification's subject as a person names it: an evidence file by its SHA-256 or ev- id
    (kept as the SHA-256), anything else by its id. Without `subject_kind`, the kind is the one
    record of the catalogue with that id; an id that two kinds share must say which."""
    subject, kind = document.get("subject"), document.get("subject_kind")
    if not isinstance(subject, str) or kind not in (None, *(k.value for k in SubjectKind)):
        return  # the model says what is wrong
    typed = subject.strip().lower()
    if kind in (None, SubjectKind.evidence.value) and (len(typed) == 64 or typed.startswith("ev-")):
        sha = catalogue.evidence_sha(typed)
        if sha is not None:
            document["subject"], document["subject_kind"] = sha, SubjectKind.evidence.value
            return
    if kind is not None:
        return
    found = [k.value for k in SubjectKind if k is not SubjectKind.evidence and catalogue.has_subject(k, subject)]
    if len(found) != 1:
        message = (
            f"{subject!r} is no source, evidence file, report or allegation of this catalogue"
            if not found
            else f"{subject!r} is the id of a {' and of a '.join(found)}: say which with subject_kind (--subject-kind)"
        )
        raise InvalidInput(message, file=file, record=document.get("id"), field="subject")
    document["subject_kind"] = found[0]


def add_verification(
    catalogue: Catalogue, document: dict[str, Any], user: str, *, as_recorded: bool = False, file: Path | None = None
) -> Verification:
    """Stamp, validate and append one verification, with a new id unless it has one. Its subject
    may be named as `resolve_subject` takes it, its evidence by ev- id."""
    stamp(document, user, as_recorded, file)
    evidence_by_id(catalogue, document, file)
    resolve_subject(catalogue, document, file)
    generated = "id" not in document
    document.setdefault("id", new_id("vf"))
    verification = build(Verification, document, catalogue.context, file, generated_id=generated)
    if not generated and catalogue.has_verification(verification.id):
        raise RecordExists("a verification with this id already exists", record=verification.id)
    append(catalogue.add_verification, verification, generated)
    return verification

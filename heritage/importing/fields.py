"""The fields a row of each kind can fill, read off the models, and the vocabulary of each.

Column names are the records' JSON field names, with dots for nested ones (`claimant.kind`,
`satellite.acquired_on`). Fields are found by walking the pydantic models, so a field (or an
enum field) a model gains later is importable, and mappable, with no change here.
"""

from __future__ import annotations

import functools
import types
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from heritage.models import Allegation, Citation, ConditionReport, Point, Polygon, Site, Source
from heritage.models.base import Record
from heritage.models.vocab import Vocabulary

# Set by heritage, never read from a row (recorded_at / recorded_by only with --as-recorded).
NEVER_IMPORTED = ("sha256", "migrated", "resealed")
# Fields a CSV row cannot express: lists of objects that need a record file of their own.
NOT_IN_ROWS = {"evidence_files", "designations", "disputes", "names", "external_ids", "location", "geometry", "period"}
# Older files name three report fields by short names; still read, no longer documented.
ALIASES = {"extent": "damage_extent", "effects": "damage_effects", "causes": "damage_causes"}
# Open-ended families: name:hy, name:az-Latn ...; external_id:wikidata ...
FAMILIES = ("name:", "external_id:")
KIND_NAMES = ("sites", "reports", "sources", "allegations")
MODELS: dict[str, type[Record]] = {
    "sites": Site,
    "reports": ConditionReport,
    "sources": Source,
    "allegations": Allegation,
}
# Site rows are flat (a site file is a GeoJSON Feature): these are their own column names.
SITE_COLUMNS = {
    "lat",
    "lon",
    "latlon",
    "wkt",
    "geometry",
    "precision",
    "uncertainty_m",
    "location_source",
    "period",
    "period_start",
    "period_end",
}


@dataclass(frozen=True)
class FieldSpec:
    path: str  # the column name: "claimant.kind"
    annotation: Any  # the innermost type: str, int, an enum, Citation, Polygon...
    is_list: bool
    required: bool


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(innermost type, whether it is a list) through Optional, Annotated and list."""
    is_list = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:  # a union of geometries: one field of its own
                return annotation, is_list
            annotation = options[0]
        elif origin is list:
            is_list, annotation = True, get_args(annotation)[0]
        else:
            return annotation, is_list


def is_geometry(annotation: Any) -> bool:
    return bool(shapes(annotation))


def shapes(annotation: Any) -> tuple[str, ...]:
    """The GeoJSON types a geometry field keeps ("Point", "Polygon"); () for any other field."""
    kinds = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else (annotation,)
    return tuple(kind.__name__ for kind in kinds if kind in (Point, Polygon))


def _walk(model: type[BaseModel], prefix: str = "", required: bool = True) -> list[FieldSpec]:
    specs = []
    for name, info in model.model_fields.items():
        if name in NEVER_IMPORTED:
            continue
        inner, is_list = _unwrap(info.annotation)
        path = prefix + name
        needed = required and info.is_required()
        nested = isinstance(inner, type) and issubclass(inner, BaseModel)
        if nested and inner is not Citation and not is_geometry(inner):
            if not is_list:  # a list of objects (evidence files) has no place in one row
                specs.extend(_walk(inner, path + ".", needed))
            continue
        specs.append(FieldSpec(path, inner, is_list, needed))
    return specs


@functools.cache
def field_specs(kind: str) -> dict[str, FieldSpec]:
    """Every field a row of this kind may fill, by column name (callers must not change it)."""
    specs = {spec.path: spec for spec in _walk(MODELS[kind])}
    if kind == "sites":
        site = {path: spec for path, spec in specs.items() if path.split(".")[0] not in NOT_IN_ROWS}
        location = {s.path.removeprefix("location."): s for s in specs.values() if s.path.startswith("location.")}
        site["precision"] = location["precision"]
        site["uncertainty_m"] = location["uncertainty_m"]
        for column in SITE_COLUMNS - set(site):
            site[column] = FieldSpec(column, str, False, False)
        site["areas"] = FieldSpec("areas", str, True, False)
        return site
    return specs


def canonical(kind: str, name: str) -> str:
    """A field's name as the models have it, from an older alias."""
    return ALIASES.get(name, name) if kind == "reports" else name


def known_field(kind: str, name: str) -> bool:
    return canonical(kind, name) in field_specs(kind) or (kind == "sites" and name.startswith(FAMILIES))


def vocabularies(kind: str, vocabulary: Vocabulary, parties: list[str]) -> dict[str, list[str]]:
    """Our values of every vocabulary field of the kind: the enums the models declare, the
    catalogue's open vocabularies (site types, traditions) and its declared parties."""
    found: dict[str, list[str]] = {}
    for path, spec in field_specs(kind).items():
        if isinstance(spec.annotation, type) and issubclass(spec.annotation, StrEnum):
            found[path] = [member.value for member in spec.annotation]
        elif path.split(".")[-1] == "party":
            found[path] = list(parties)
    if kind == "reports":  # a number, but a scale with words (Admiralty): "Probably true" maps to 2
        found["credibility"] = [str(grade) for grade in range(1, 7)]
    if kind == "sites":
        found["type"] = sorted(vocabulary.site_types)
        found["tradition"] = sorted(vocabulary.traditions)
    return found


# The open vocabularies, and the `heritage vocab` name that extends each.
OPEN = {"type": "site_type", "tradition": "tradition"}

"""The published JSON Schemas (draft 2020-12) of the catalogue's files, made from the models.

    schemas/catalogue.schema.json    catalogue.json
    schemas/site.schema.json         sites/<id>.geojson, a GeoJSON Feature
    schemas/<kind>.schema.json       every other record kind of `heritage.kinds.KINDS` (custody events too)

`scripts/write_schemas.py` writes them; `tests/test_schemas.py` makes them again and fails if the
committed files differ, so they cannot drift from the models.

They are made in pydantic's "validation" mode: they describe what heritage accepts when it reads
a file, which is what a person or another tool writing one needs to know. ("serialization" mode
describes what `model_dump` gives before heritage leaves out empty members, and cannot be made at
all: a date's serializer says nothing of its type.) Every file heritage writes passes. A file that
passes may still be refused: rules written in Python (cross-field rules, real calendar dates,
EDTF forms, vocabularies declared in catalogue.json, dates in the future, control characters in
text) are checked by `heritage validate` alone. The schemas are stricter in one way: they take
JSON types as they are, where pydantic also reads a number written as text.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from heritage import codec, kinds
from heritage.models import CatalogueInfo

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The project has no published address yet: a URN names each schema without promising where it
# can be downloaded. Schemas refer to one another by nothing but their own "#/$defs/...".
ID_PREFIX = "urn:heritage:format-1:"
FOLDER = "schemas"

# The file stem and the words of each kind's schema (the models' own docstrings are for readers
# of the code).
_ABOUT: dict[str, tuple[str, str, str]] = {
    "catalogue": ("catalogue", "Catalogue", "catalogue.json: the catalogue's name, region, parties and vocabularies."),
    "sites": ("site", "Site", "sites/<id>.geojson: one heritage site, a GeoJSON Feature whose id is the site's."),
    "sources": ("source", "Source", "sources/<id>.json: a document or media item that records cite, graded."),
    "reports": ("report", "Condition report", "reports/<site>/<id>.json: the condition of one site as observed."),
    "allegations": ("allegation", "Allegation", "allegations/<id>.json: a claim about sites, by a named claimant."),
    "retractions": ("retraction", "Retraction", "retractions/<site>/<id>.json: a condition report withdrawn."),
    "reviews": ("review", "Review", "reviews/<allegation>/<id>.json: an assessment of an allegation."),
    "evidence": ("evidence", "Evidence record", "evidence/<aa>/<sha256>.json: what an evidence file is."),
    "custody": ("custody", "Custody event", "custody/<sha256>/<id>.json: an evidence file changing hands."),
    "verifications": (
        "verification",
        "Verification",
        "verifications/<id>.json: one verification step: who checked what, when, how, with what result.",
    ),
}
_MORE = " Generated from heritage's models; the rules in words are in docs/format.md."


def schema_name(folder: str) -> str:
    """The file name of the schema for the files in `folder` ("sites"), or of catalogue.json ("catalogue")."""
    return f"{_ABOUT[folder][0]}.schema.json"


def _model_schema(model: type[BaseModel]) -> dict[str, Any]:
    return copy.deepcopy(model.model_json_schema(mode="validation"))


def _headed(folder: str, body: dict[str, Any]) -> dict[str, Any]:
    stem, title, description = _ABOUT[folder]
    body.pop("title", None)
    body.pop("description", None)
    return {"$schema": DRAFT, "$id": ID_PREFIX + stem, "title": title, "description": description + _MORE, **body}


def _as_feature(flat: dict[str, Any]) -> dict[str, Any]:
    """A site's schema as its file is: `codec` writes `id` and `geometry` as members of the Feature
    and every other field in `properties`, and reads back a Feature with at most a `bbox` more."""
    fields = dict(flat["properties"])
    feature_id = fields.pop("id")
    geometry = fields.pop("geometry")
    geometry.pop("default", None)
    required = [name for name in flat.get("required", []) if name not in ("id", "geometry")]
    properties = {"type": "object", "properties": fields, "required": required, "additionalProperties": False}
    body: dict[str, Any] = {
        "type": "object",
        "properties": {
            "type": {"const": "Feature"},
            "id": feature_id,
            "geometry": geometry,
            "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4},
            "properties": properties,
        },
        "required": ["type", "id", "properties"],
        "additionalProperties": False,
    }
    if "$defs" in flat:
        body["$defs"] = flat["$defs"]
    return body


def record_schemas() -> dict[str, dict[str, Any]]:
    """Every schema by its file name, catalogue.json's first and then each kind's."""
    schemas = {schema_name("catalogue"): _headed("catalogue", _model_schema(CatalogueInfo))}
    for kind in kinds.KINDS:
        body = _model_schema(kind.model)
        if kind is kinds.SITES:
            body = _as_feature(body)
        schemas[schema_name(kind.folder)] = _headed(kind.folder, body)
    return schemas


def schema_files() -> dict[str, bytes]:
    """The schema files as `scripts/write_schemas.py` writes them, in the catalogue's own form."""
    return {name: codec.dumps(schema) for name, schema in record_schemas().items()}

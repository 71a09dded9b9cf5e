"""The published JSON Schemas: made from the models, as committed, and true of every sample file."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from conftest import REPO, allegation_doc, report_doc, site_doc, source_doc
from heritage import codec, kinds
from heritage.models import Evidence, Retraction, Review
from heritage.models.base import Record
from heritage.schemas import DRAFT, FOLDER, ID_PREFIX, record_schemas, schema_files, schema_name

SCHEMAS = REPO / FOLDER


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def problems(name: str, document: Any) -> list[str]:
    """Every error's message, and those of the branches of an anyOf or oneOf that failed."""
    found = []
    for error in validator(name).iter_errors(document):
        found += [error.message] + [inner.message for inner in error.context or ()]
    return found


def sample_files(kind: kinds.Kind) -> list[Path]:
    pattern = f"*{kind.suffix}" if kind.shape is kinds.Shape.FLAT else f"*/*{kind.suffix}"
    return sorted(p for p in (REPO / kind.folder).glob(pattern) if not p.name.startswith("."))


def test_the_committed_schemas_are_what_the_models_give() -> None:
    made = schema_files()
    committed = {p.name: p.read_bytes() for p in SCHEMAS.glob("*.schema.json")}
    assert sorted(committed) == sorted(made), "run: python scripts/write_schemas.py"
    stale = [name for name in made if committed[name] != made[name]]
    assert stale == [], f"schemas differ from the models: {stale}; run: python scripts/write_schemas.py"


def test_the_script_writes_the_same_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "write_schemas.py"), "--out", str(tmp_path)], check=True)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == schema_files()


def test_every_kind_has_a_schema_with_its_id_title_and_description() -> None:
    schemas = record_schemas()
    assert set(schemas) == {schema_name("catalogue")} | {schema_name(kind.folder) for kind in kinds.KINDS}
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == DRAFT
        assert schema["$id"] == ID_PREFIX + name.removesuffix(".schema.json")
        assert schema["title"] and schema["description"]


# The kinds the sample holds; it has no reviews, retractions or evidence, made below instead.
IN_SAMPLE = (kinds.SITES, kinds.SOURCES, kinds.REPORTS, kinds.ALLEGATIONS)


def test_the_sample_holds_no_other_kind() -> None:
    assert [kind.folder for kind in kinds.KINDS if sample_files(kind)] == [kind.folder for kind in IN_SAMPLE]


@pytest.mark.parametrize("kind", IN_SAMPLE, ids=lambda kind: kind.folder)
def test_every_sample_record_passes_its_schema(kind: kinds.Kind) -> None:
    files = sample_files(kind)
    assert files
    check = validator(schema_name(kind.folder))
    for path in files:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(json.loads(path.read_bytes()))]
        assert errors == [], path


STAMPS: dict[str, Any] = {"recorded_at": "2026-01-02T03:04:05Z", "recorded_by": "tester"}
MADE = [
    Evidence(
        id="ev-" + "ab" * 10,
        file_sha256="ab" * 32,
        size=12,
        media_type="image/jpeg",
        source="src-chw",
        captured_at="2022-07-06T10:15:00+04:00",
        location={"type": "Point", "coordinates": [46.9, 39.5]},
        **STAMPS,
    ),
    Review(
        id="v-1",
        allegation="a-1",
        status="corroborated",
        standard="reasonable grounds to believe",
        rationale="Two satellite images agree.",
        relies_on=["r-2"],
        reviewer="Analyst",
        **STAMPS,
    ),
    Retraction(id="x-1", site="st-sargis", retracts="r-1", reason="The wrong church.", **STAMPS),
]


@pytest.mark.parametrize("record", MADE, ids=lambda record: type(record).__name__)
def test_a_record_of_a_kind_the_sample_lacks_passes_as_heritage_writes_it(record: Record) -> None:
    kind = next(kind for kind in kinds.KINDS if kind.model is type(record))
    assert problems(schema_name(kind.folder), json.loads(codec.encode(record))) == []


def test_catalogue_json_passes() -> None:
    assert problems("catalogue.schema.json", json.loads((REPO / "catalogue.json").read_bytes())) == []


def test_the_site_schema_is_a_geojson_feature() -> None:
    site = json.loads(next(iter(sample_files(kinds.SITES))).read_bytes())
    assert site["type"] == "Feature" and "id" not in site["properties"]
    moved = copy.deepcopy(site)
    moved["properties"]["id"] = moved.pop("id")
    assert problems("site.schema.json", moved)
    flat = {**site["properties"], "id": site["id"], "geometry": site["geometry"]}
    assert problems("site.schema.json", flat)
    assert problems("site.schema.json", {**site, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}})
    assert problems("site.schema.json", {**site, "bbox": [46.9, 39.5, 47.0, 39.6]}) == []
    assert problems("site.schema.json", {**site, "geometry": None, "properties": site["properties"]}) == []


def _refused_by_heritage(name: str, document: dict[str, Any]) -> None:
    model = {
        "site.schema.json": kinds.SITES.model,
        "source.schema.json": kinds.SOURCES.model,
        "report.schema.json": kinds.REPORTS.model,
        "allegation.schema.json": kinds.ALLEGATIONS.model,
    }[name]
    with pytest.raises((ValidationError, ValueError)):
        codec.from_document(model, document)


BROKEN = [
    ("report.schema.json", report_doc(condition="smashed"), "'smashed' is not one of"),
    ("source.schema.json", source_doc(reliability="Z"), "'Z' is not one of"),
    ("allegation.schema.json", allegation_doc(acts=["looting", "razing"]), "'razing' is not one of"),
    ("source.schema.json", {k: v for k, v in source_doc().items() if k != "title"}, "'title' is a required"),
    ("report.schema.json", {k: v for k, v in report_doc().items() if k != "site"}, "'site' is a required"),
    ("site.schema.json", site_doc(nmes=[{"lang": "en", "text": "x"}]), "Additional properties"),
    ("site.schema.json", {**site_doc(), "crs": {"type": "name"}}, "Additional properties"),
    ("report.schema.json", report_doc(sources=[{"source": "src-chw", "page": 2}]), "Additional properties"),
    ("source.schema.json", source_doc(url="ftp://example.org/x"), "does not match"),
    ("site.schema.json", site_doc(names=[{"lang": "Armenian", "text": "x"}]), "does not match"),
    ("report.schema.json", report_doc(id="R 1"), "does not match"),
]


@pytest.mark.parametrize(("name", "document", "message"), BROKEN)
def test_a_broken_record_is_refused_by_its_schema_and_by_heritage(name: str, document: Any, message: str) -> None:
    found = problems(name, document)
    assert any(message in text for text in found), found
    _refused_by_heritage(name, document)


def test_the_unbroken_documents_pass() -> None:
    """The documents broken above pass as they are: each refusal is the one change's."""
    for name, document in [
        ("site.schema.json", site_doc()),
        ("source.schema.json", source_doc()),
        ("report.schema.json", report_doc()),
        ("allegation.schema.json", allegation_doc()),
    ]:
        assert problems(name, document) == [], name

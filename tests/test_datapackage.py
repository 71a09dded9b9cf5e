"""A mission package's datapackage.json: true of the tables it carries, and a valid Data Package."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import frictionless
import pyogrio
import pytest

from conftest import REPO
from heritage.datapackage import DATAPACKAGE
from heritage.mission import DATA_FILES, Selection, export_mission, select_sites
from heritage.package_check import MANIFEST, verify_package
from heritage.store import Catalogue


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    catalogue = Catalogue.open(REPO)
    sites = select_sites(catalogue, Selection(bbox=(46.70, 39.70, 46.80, 39.80)), date.today())
    folder = tmp_path_factory.mktemp("datapackage") / "shusha"
    export_mission(catalogue, "Shusha <b>visit</b>", sites, folder, pdf=False)
    return folder / "data"  # the bag's payload: the package's content, where datapackage.json is


def descriptor(package: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((package / DATAPACKAGE).read_text(encoding="utf-8"))
    return document


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_the_descriptor_holds_what_the_profile_requires(package: Path) -> None:
    """The Data Package profile's required keys and patterns, checked here as well as by frictionless."""
    document = descriptor(package)
    assert re.fullmatch(r"[-a-z0-9._/]+", document["name"]) and document["title"] == "Shusha <b>visit</b>"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", document["created"])
    assert "licenses" not in document  # catalogue.json records no licence: none is claimed
    names = [resource["name"] for resource in document["resources"]]
    # Every file of the package's data folder, each once.
    assert sorted(names) == sorted(name.replace(".", "-") for name in DATA_FILES.values())
    (gpkg,) = [r for r in document["resources"] if r["format"] == "gpkg"]
    assert "sites, site_outlines, condition_reports, allegations, allegation_sites" in gpkg["description"]
    for resource in document["resources"]:
        assert re.fullmatch(r"[-a-z0-9._/]+", resource["name"])
        assert {"path", "format", "mediatype"} <= set(resource)
        assert ("encoding" in resource) is (resource["format"] != "gpkg")  # the one binary file


def test_every_resource_is_a_file_of_the_package_as_described(package: Path) -> None:
    for resource in descriptor(package)["resources"]:
        data = (package / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_every_field_names_a_real_column_with_its_type(package: Path) -> None:
    resources = {resource["name"]: resource for resource in descriptor(package)["resources"]}
    header, *rows = csv_rows(package / "gis" / "sites.csv")
    fields = resources["sites-csv"]["schema"]["fields"]
    assert [field["name"] for field in fields] == header  # every column, in the file's order
    kinds = {field["name"]: field["type"] for field in fields}
    assert {kinds[name] for name in ("reports", "allegations")} == {"integer"}
    assert {kinds[name] for name in ("uncertainty_m", "lon", "lat")} == {"number"}
    for number, name in enumerate(header):
        cells = [row[number] for row in rows if row[number]]
        if kinds[name] == "integer":
            assert all(re.fullmatch(r"-?\d+", cell) for cell in cells), name
        elif kinds[name] == "number":
            assert all(float(cell) == float(cell) for cell in cells), name
    geojson = json.loads((package / "gis" / "sites.geojson").read_text(encoding="utf-8"))
    properties = set().union(*(feature["properties"] for feature in geojson["features"]))
    geofields = [field["name"] for field in resources["sites-geojson"]["schema"]["fields"]]
    assert set(geofields) == properties | {"geometry"}
    # The CSV is the importable table (names by language, WKT), the GeoPackage the summary layer:
    # the columns they share are typed as the layer types them.
    layer = pyogrio.read_info(package / "gis" / "sites.gpkg", layer="sites")
    shared = set(layer["fields"]) & set(header)
    assert {"id", "uncertainty_m", "reports", "allegations"} <= shared
    layer_kinds = dict(zip(layer["fields"], layer["dtypes"], strict=True))
    for name in shared:
        number = str(layer_kinds[name]).startswith(("int", "float"))
        assert (kinds[name] in ("integer", "number")) is number, name


def test_frictionless_finds_the_package_valid(package: Path) -> None:
    report = frictionless.validate(str(package / DATAPACKAGE))
    assert report.valid, report.flatten(["title", "message"])
    # The EAMENA sheet is checked as a table too: frictionless infers its columns.
    assert [task.type for task in report.tasks] == ["table", "json", "file", "file", "table", "file"]


def test_frictionless_catches_a_descriptor_that_lies(package: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    document = descriptor(copy)
    document["resources"][0]["schema"]["fields"][1]["name"] = "title"
    (copy / DATAPACKAGE).write_text(json.dumps(document), encoding="utf-8")
    report = frictionless.validate(str(copy / DATAPACKAGE))
    assert not report.valid and "incorrect-label" in {error[0] for error in report.flatten(["type"])}


def test_the_manifest_lists_the_descriptor_and_verify_package_passes(package: Path) -> None:
    manifest = json.loads((package.parent / MANIFEST).read_text(encoding="utf-8"))
    assert f"data/{DATAPACKAGE}" in manifest["files"]
    check = verify_package(package.parent)
    assert check.ok and check.root == manifest["root"]

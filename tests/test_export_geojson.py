"""`heritage export geojson`: RFC 7946, checked by geojson-pydantic's models and by what they let
through (no `crs`, 7 decimals at most, the right-hand rule, null geometry)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from geojson_pydantic import FeatureCollection
from shapely.geometry import LinearRing

from heritage.codec import from_document
from heritage.history import condition_as_of
from heritage.models import ConditionReport, Site, Source
from heritage.store import Catalogue
from tests.conftest import Invoke, copy_sample, report_doc, site_doc, source_doc

# A polygon stored the wrong way round: its outer ring clockwise, its hole counter-clockwise, and
# more decimals than RFC 7946 wants.
CLOCKWISE = [[46.70, 39.80], [46.71, 39.80], [46.71, 39.79], [46.70, 39.79], [46.70, 39.80]]
HOLE = [[46.7021234567, 39.7921234567], [46.7031, 39.7921234567], [46.7031, 39.7931], [46.7021234567, 39.7921234567]]


def add(catalogue: Catalogue, model: type[Any], document: dict[str, Any]) -> None:
    record = from_document(model, document, catalogue.context)
    {Site: catalogue.add_site, Source: catalogue.add_source, ConditionReport: catalogue.add_report}[model](record)


def sample_copy(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "sample")


def export(invoke: Invoke, root: Path | Catalogue, out: Path, *args: str) -> dict[str, Any]:
    result = invoke("export", "geojson", *args, "-o", str(out), catalogue=root)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return document


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {feature["id"]: feature for feature in document["features"]}


def test_the_sample_is_valid_rfc_7946(invoke: Invoke, tmp_path: Path) -> None:
    root = sample_copy(tmp_path)
    out = tmp_path / "sites.geojson"
    document = export(invoke, root, out, "--audience", "internal")
    FeatureCollection.model_validate(document)  # raises on anything the models refuse
    catalogue = Catalogue.open(root)
    sites = list(catalogue.sites())
    assert [f["id"] for f in document["features"]] == [s.id for s in sites]
    assert "crs" not in document and all("crs" not in f for f in document["features"])
    text = out.read_text(encoding="utf-8")
    assert "\\u" not in text and "Գանձասար" in text  # UTF-8 as is, not escaped
    # Every feature's condition is the one `heritage history` gives today.
    reports: dict[str, list[ConditionReport]] = {}
    for report in catalogue.reports():
        reports.setdefault(report.site, []).append(report)
    retracted = {r.retracts for r in catalogue.retractions()}
    for site in sites:
        current = condition_as_of(reports.get(site.id, []), None, retracted)
        properties = by_id(document)[site.id]["properties"]
        assert properties["condition"] == (current.condition.value if current else "unknown"), site.id
        assert properties["observed_end"] == (current.observed.end.isoformat() if current else None), site.id
        assert properties["names"] == [{"text": n.text, "lang": n.lang} for n in site.names]
        assert properties["external_ids"] == site.external_ids
        assert properties["uncertainty_m"] != 0
    box = document["bbox"]
    for feature in document["features"]:
        if feature["geometry"] is not None:
            lon, lat = feature["geometry"]["coordinates"][:2]
            assert box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def test_a_site_without_a_location_has_a_null_geometry(invoke: Invoke, tmp_path: Path) -> None:
    document = export(invoke, sample_copy(tmp_path), tmp_path / "sites.geojson")
    hadrut = by_id(document)["holy-resurrection-hadrut"]
    FeatureCollection.model_validate({"type": "FeatureCollection", "features": [hadrut]})
    assert hadrut["geometry"] is None
    assert hadrut["properties"]["precision"] == "unknown" and hadrut["properties"]["uncertainty_m"] is None


def test_a_polygon_follows_the_right_hand_rule_with_seven_decimals(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    shape = {"type": "Polygon", "coordinates": [CLOCKWISE, HOLE]}
    assert not LinearRing(CLOCKWISE).is_ccw and LinearRing(HOLE).is_ccw  # stored against the rule
    add(catalogue, Site, site_doc("walls", geometry=shape, external_ids={"wikidata": "Q1", "osm": "way/2"}))
    add(catalogue, Site, site_doc("fine", geometry={"type": "Point", "coordinates": [46.123456789, 39.98765432]}))
    out = tmp_path / "sites.geojson"
    document = export(invoke, catalogue, out)
    FeatureCollection.model_validate(document)
    walls = by_id(document)["walls"]
    outer, hole = walls["geometry"]["coordinates"]
    assert walls["geometry"]["type"] == "Polygon"
    assert LinearRing(outer).is_ccw and not LinearRing(hole).is_ccw
    assert sorted(map(tuple, outer)) == sorted(map(tuple, CLOCKWISE))  # the same ring, reversed
    assert walls["properties"]["external_ids"] == {"osm": "way/2", "wikidata": "Q1"}
    assert by_id(document)["fine"]["geometry"]["coordinates"] == [46.1234568, 39.9876543]
    numbers = re.findall(r"-?\d+\.(\d+)", json.dumps([f["geometry"] for f in document["features"]]))
    assert numbers and max(len(decimals) for decimals in numbers) == 7


def test_a_site_says_its_condition_reports_and_allegations(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    document = export(invoke, catalogue, tmp_path / "a.geojson", "--dossier-links", "../dossiers/")
    properties = by_id(document)["st-sargis"]["properties"]
    assert properties["dossier"] == "../dossiers/st-sargis.html"
    expected = {
        "condition": "destroyed",
        "certainty": None,
        "observed_start": "2022-03-05",
        "observed_end": "2022-07-06",
        "reports": 2,
        "allegations": 1,
        "allegation_status": {"reported": 1},
        "claimant_parties": ["Side A"],
        "precision": "exact",
        "uncertainty_m": None,
        "type": "church",
    }
    assert {key: properties[key] for key in expected} == expected
    assert "dossier" not in by_id(export(invoke, catalogue, tmp_path / "b.geojson"))["st-sargis"]["properties"]


def test_it_streams_to_standard_output(catalogue: Catalogue, invoke: Invoke) -> None:
    result = invoke("export", "geojson", "-o", "-", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    FeatureCollection.model_validate(json.loads(result.output))


@pytest.mark.parametrize("audience", ["public", "mission"])
def test_a_restricted_site_and_report_stay_out_of_a_public_export(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path, audience: str
) -> None:
    exact = {"type": "Point", "coordinates": [46.987654, 39.654321]}
    add(catalogue, Site, site_doc("guarded", geometry=exact, sensitivity="restricted", areas=["HIDDENAREA"]))
    add(catalogue, Source, source_doc("src-hidden", title="HIDDENTITLE", sensitivity="restricted"))
    add(catalogue, ConditionReport, report_doc("r-hidden", observed="2023-01-01", condition="altered",
                                               sources=[{"source": "src-hidden"}]))  # fmt: skip
    text = json.dumps(export(invoke, catalogue, tmp_path / "out.geojson", "--audience", audience))
    hidden = audience == "public"
    assert ("46.987654" in text) is not hidden and ("HIDDENAREA" in text) is not hidden
    sargis = by_id(json.loads(text))["st-sargis"]["properties"]
    assert (sargis["condition"], sargis["reports"]) == (("destroyed", 2) if hidden else ("altered", 3))

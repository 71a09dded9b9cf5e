"""Choosing sites by place and audience, what changed between two dates, and where outputs may go."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import site_doc, write
from heritage.allegations import AllegationFilter, find_allegation, select_allegations
from heritage.changes import change_rows, changed_sites, feature_collection, find_changes
from heritage.codec import decode
from heritage.errors import InvalidInput, RecordNotFound
from heritage.index import Index
from heritage.layout import output_path
from heritage.models import Site
from heritage.selection import in_area, in_box, read_area, sites_for_audience
from heritage.store import Catalogue

SQUARE = {"type": "Polygon", "coordinates": [[[46.9, 39.5], [47.0, 39.5], [47.0, 39.6], [46.9, 39.6], [46.9, 39.5]]]}


def add_site(catalogue: Catalogue, site_id: str, lon: float, lat: float, **properties: object) -> None:
    catalogue.add_site(
        decode(
            Site,
            json.dumps(site_doc(site_id, geometry={"type": "Point", "coordinates": [lon, lat]}, **properties)).encode(),
        )
    )


def test_an_area_is_a_geometry_a_feature_or_a_collection(tmp_path: Path) -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    for document in (SQUARE, feature, {"type": "FeatureCollection", "features": [feature]}):
        polygons = read_area(write(tmp_path / "area.geojson", document))
        assert in_area(polygons, 46.93, 39.57) and in_area(polygons, 46.9, 39.55)  # the edge counts
        assert not in_area(polygons, 46.8, 39.57)
    with pytest.raises(InvalidInput, match="is not a GeoJSON polygon"):
        read_area(write(tmp_path / "bad.geojson", {"type": "FeatureCollection"}))
    with pytest.raises(InvalidInput, match="file not found"):
        read_area(tmp_path / "missing.geojson")


def test_a_box_includes_its_edges() -> None:
    box = (46.9, 39.5, 47.0, 39.6)
    assert in_box(box, 46.9, 39.6) and in_box(box, 46.95, 39.55) and not in_box(box, 47.01, 39.55)


def test_an_audience_gets_only_the_sites_it_may_see(catalogue: Catalogue) -> None:
    add_site(catalogue, "secret-chapel", 46.95, 39.55, sensitivity="confidential")
    assert sites_for_audience(catalogue, "mission") == ["st-sargis"]
    assert sorted(sites_for_audience(catalogue, "internal")) == ["secret-chapel", "st-sargis"]
    assert sites_for_audience(catalogue, "public", ("st-sargis",)) == ["st-sargis"]
    with pytest.raises(RecordNotFound, match="no such site for the mission audience"):
        sites_for_audience(catalogue, "mission", ["st-sargis", "secret-chapel"])


def test_changes_between_two_days_by_type_box_and_area(catalogue: Catalogue, tmp_path: Path) -> None:
    add_site(catalogue, "far-mosque", 45.5, 40.5, type="mosque")
    with Index.open(catalogue) as index:
        earlier, later = date(2022, 1, 1), date(2023, 1, 1)
        found, sites = find_changes(index, earlier, later)
        assert [c.site for c in found] == ["st-sargis"] and set(sites) == {"st-sargis", "far-mosque"}
        rows = change_rows(found, sites)
        assert rows == changed_sites(index, earlier, later)
        assert rows[0]["before"] == "intact" and rows[0]["after"] == "destroyed"
        assert (rows[0]["before_report"], rows[0]["after_report"]) == ("r-1", "r-2")
        assert changed_sites(index, earlier, later, types=("mosque",)) == []
        assert changed_sites(index, earlier, later, bbox=(45.0, 40.0, 46.0, 41.0)) == []
        assert changed_sites(index, earlier, later, area=read_area(write(tmp_path / "a.geojson", SQUARE))) == rows
    collection = feature_collection(rows)
    assert collection["features"][0]["id"] == "st-sargis"
    assert collection["features"][0]["geometry"] == {"type": "Point", "coordinates": [46.93, 39.57]}


def test_claims_by_box_and_by_id(catalogue: Catalogue) -> None:
    assert [
        c.allegation.id for c in select_allegations(catalogue, AllegationFilter(bbox=(46.9, 39.5, 47.0, 39.6)))
    ] == ["a-1"]
    assert select_allegations(catalogue, AllegationFilter(bbox=(45.0, 40.0, 46.0, 41.0))) == []
    assert select_allegations(catalogue, AllegationFilter(claimant_parties={"side-b"})) == []
    assert find_allegation(catalogue, "a-1").allegation.sites == ["st-sargis"]
    with pytest.raises(RecordNotFound, match="no such allegation"):
        find_allegation(catalogue, "a-none")


def test_outputs_never_land_on_the_catalogues_files(catalogue: Catalogue, tmp_path: Path) -> None:
    root = catalogue.root
    assert output_path(root, root / "maps" / "index.html") == root / "maps" / "index.html"
    for inside in (root / "catalogue.json", root / "reports" / "st-sargis" / "r-1.json", root / "sites"):
        with pytest.raises(InvalidInput, match="part of the catalogue itself"):
            output_path(root, inside)
    existing = write(tmp_path / "manifest.json", {})
    assert output_path(root, existing) == existing
    with pytest.raises(InvalidInput, match="already exists"):
        output_path(root, existing, overwrite=False)

"""The basemap: the committed files come from scripts/build_basemap.py, and basemap() keeps to its
budget, its area and its zooms.

The rebuild reads the small Natural Earth excerpt in tests/data/naturalearth/ (see the README
there) with the script's own readers and level makers, and finds what it makes in the committed
files, within the simplification tolerance.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import shapely

from heritage.context import MAX_ZOOM, encode_layers, naturalearth
from heritage.context.naturalearth import BUDGET, DATA, UNIT, basemap, grow

ROOT = Path(__file__).parent.parent
EXCERPT = Path(__file__).parent / "data" / "naturalearth"
SAMPLE = (46.0, 39.2, 47.5, 40.4)  # the sample catalogue's extent, about


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_basemap", ROOT / "scripts" / "build_basemap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_basemap"] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


script = _script()


@pytest.fixture(scope="module")
def excerpt() -> Any:
    def read(name: str) -> list[Any]:
        return script.read_geometries(str(EXCERPT / f"{name}.geojson"))

    lines = {
        "coast": read("ne_10m_coastline"),
        "border": read("ne_10m_admin_0_boundary_lines_land"),
        "admin1": read("ne_10m_admin_1_states_provinces_lines"),
    }
    rivers = script.read_records(str(EXCERPT / "ne_10m_rivers_lake_centerlines.geojson"))
    places = script.read_records(str(EXCERPT / "ne_10m_populated_places_simple.geojson"))
    return script.Inputs(
        lines=lines, lakes=read("ne_10m_lakes"), sea=read("ne_10m_ocean"), rivers=rivers, places=places
    )


def _document(data: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(gzip.decompress(data))
    return document


def _shape(style: str, record: list[Any]) -> Any:
    return naturalearth._geometry(style, record)


def _even_odd(shape: Any) -> Any:
    """An area's rings (stored each as a polygon) as one valid shape, taken even-odd as the page
    fills them."""
    return functools.reduce(
        shapely.symmetric_difference,
        [shapely.Polygon(r) for p in shapely.get_parts(shape) for r in shapely.get_rings(p)],
    )


def test_rebuild_is_deterministic(excerpt: Any) -> None:
    first, second = script.build(excerpt), script.build(excerpt)
    assert first == second
    assert all(data[4:8] == b"\0\0\0\0" for data in first.values())  # no time stamp in the gzip header
    world, detail = (_document(first[f"{name}.json.gz"])["layers"] for name in ("world", "detail"))
    # Every layer has something to check below, in both levels but admin1 and sea (detail only).
    assert sorted(style for style, records in detail.items() if records) == sorted(detail)
    assert sorted(style for style, records in world.items() if records) == ["border", "lake", "river", "town"]
    assert sorted(record[4] for record in world["town"]) == ["Baku", "Tbilisi", "Yerevan"]


@pytest.mark.parametrize(
    ("name", "tolerance"), [("detail", script.DETAIL_TOLERANCE), ("world", script.WORLD_TOLERANCE)]
)
def test_committed_files_hold_the_rebuilt_excerpt(excerpt: Any, name: str, tolerance: float) -> None:
    # Both were simplified from the same lines, but the full data joins lines before simplifying, so
    # the two may keep different vertices: each within `tolerance` of the source, so 2x apart at most.
    rebuilt = _document(script.build(excerpt)[f"{name}.json.gz"])["layers"]
    committed = naturalearth.level(name)
    limit = 2 * tolerance + 2 * UNIT
    checked = 0
    for style, records in rebuilt.items():
        for record in records:
            if style == "town":
                assert record in committed["town"].records, record
                continue
            shape = _shape(style, record)
            w, s, e, n = shape.bounds
            west, south, east, north = w - limit, s - limit, e + limit, n + limit
            b = committed[style].boxes
            hits = (b[:, 0] <= east) & (b[:, 2] >= west) & (b[:, 1] <= north) & (b[:, 3] >= south)
            near = [_shape(style, committed[style].records[i]) for i in np.flatnonzero(hits)]
            assert near, (name, style, shape.bounds)
            if style == "sea":
                # The excerpt is a box cut from the ocean, so its pieces have edges the committed
                # tiles need not have: compare what they cover instead, up to the tolerance along
                # the coast.
                area = _even_odd(_shape(style, record))
                ours = shapely.union_all([_even_odd(g) for g in near])
                ours = shapely.clip_by_rect(ours, *area.bounds)
                slack = limit * area.boundary.length
                assert area.difference(ours).area <= slack and ours.difference(area).area <= slack, area.bounds
                checked += 1
                continue
            nearby = shapely.union_all([shapely.boundary(g) if style == "lake" else g for g in near])
            outline = shapely.boundary(shape) if style == "lake" else shape
            points = shapely.points(shapely.get_coordinates(shapely.segmentize(outline, tolerance)))
            assert float(shapely.distance(points, nearby).max()) <= limit, (name, style, shape.bounds)
            checked += 1
    assert checked >= 10


def test_committed_files_match_sources_md() -> None:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in sorted(DATA.glob("*.json.gz")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert re.search(rf"`{re.escape(path.name)}`.*`{digest}`", text), path.name


@pytest.mark.parametrize(
    "extent", [SAMPLE, (44.0, 40.0, 47.0, 42.0), (-180.0, -90.0, 180.0, 90.0), (22.0, 44.0, 40.3, 52.4)]
)
def test_basemap_keeps_to_the_budget(extent: tuple[float, float, float, float]) -> None:
    assert len(encode_layers(basemap(extent)).encode("utf-8")) <= BUDGET


def test_the_world_alone_is_small_and_drawn_at_every_zoom() -> None:
    layers = basemap(None)
    assert len(encode_layers(layers).encode("utf-8")) < 400_000
    assert [layer.id for layer in layers] == ["sea", "lakes", "rivers", "admin1", "borders", "coast", "towns"]
    assert not layers[0].features  # the sea is detail: the world level has none
    assert all(f.maxzoom == MAX_ZOOM for layer in layers for f in layer.features)
    assert all(f.minzoom <= 5 for layer in layers for f in layer.features)


def test_detail_only_near_the_extent_and_the_world_level_beyond() -> None:
    layers = {layer.id: layer for layer in basemap(SAMPLE)}
    box = shapely.box(*grow(SAMPLE, 0.5, 1.0))
    inside = box.buffer(-1e-6)
    lines = [f for layer in layers.values() if layer.id != "towns" for f in layer.features]
    deep = [f for f in lines if f.minzoom >= 6]
    assert any(f.minzoom >= 6 for f in layers["admin1"].features)
    # What is drawn from zoom 6 on is the detail within its box, or the world level beyond it.
    detail = [f for f in deep if shapely.intersects(f.geometry, inside)]
    assert len(detail) > 50 and all(box.buffer(1e-9).contains(f.geometry) for f in detail)
    assert any(not shapely.intersects(f.geometry, inside) for f in deep)
    # Inside the box the world level gives way to the detail at zoom 6; outside it carries on.
    across = [f for f in lines if f.minzoom < 6]
    assert all(f.maxzoom == 5 for f in across if shapely.intersects(f.geometry, inside))
    assert any(f.maxzoom == MAX_ZOOM for f in across)


@pytest.mark.parametrize(
    ("extent", "inland"),
    [((34.2, 31.2, 34.6, 31.6), False), (SAMPLE, True)],  # Gaza on the Mediterranean; the Caucasus
)
def test_the_sea_is_drawn_on_the_coast_only(extent: tuple[float, float, float, float], inland: bool) -> None:
    layers = basemap(extent)
    sea = next(layer for layer in layers if layer.id == "sea")
    assert layers[0] is sea and sea.kind == "area" and sea.style == "sea"  # beneath everything else
    if inland:
        assert not sea.features
        return
    assert sea.features and all(f.minzoom >= 6 for f in sea.features)
    water = shapely.union_all([_even_odd(f.geometry) for f in sea.features])
    assert water.contains(shapely.Point(34.3, 31.5))  # off Gaza's shore
    assert not water.contains(shapely.Point(34.45, 31.45)) and not water.contains(shapely.Point(35.2, 31.8))


def test_sea_tiles_keep_open_water_whole() -> None:
    # A sea of 10 x 6 degrees with an island and a coast cutting its corner: blocks of open water
    # stay rectangles, the rest is cut on the 2-degree grid, and nothing is lost or doubled.
    sea = shapely.Polygon(
        [(10, 40), (20, 40), (20, 46), (12, 46), (10, 44)], [[(15.1, 41.1), (15.9, 41.1), (15.5, 41.9)]]
    )
    tiles = script.sea_tiles([sea])
    assert abs(sum(t.area for t in tiles) - sea.simplify(script.DETAIL_TOLERANCE).area) < 1e-9
    assert all(shapely.get_num_coordinates(t) == 5 or script._span(t) <= 2 for t in tiles)
    assert any(t.bounds[3] - t.bounds[1] > 2 for t in tiles)  # a block of open water as one rectangle
    assert len(tiles) < 15


def test_zoom_ranges_are_sane() -> None:
    for layer in basemap(SAMPLE):
        for f in layer.features:
            assert 0 <= f.minzoom <= f.maxzoom <= MAX_ZOOM, (layer.id, f)
    towns = {f.label: f for f in next(layer for layer in basemap(SAMPLE) if layer.id == "towns").features}
    assert {"Baku", "Yerevan", "Tbilisi"} <= set(towns) and towns["Baku"].minzoom <= 5


def test_a_small_budget_thins_the_detail() -> None:
    world_bytes = len(encode_layers(basemap(None)).encode("utf-8"))
    full = len(encode_layers(basemap(SAMPLE)).encode("utf-8"))
    budget = world_bytes + (full - world_bytes) // 2
    thinned = basemap(SAMPLE, budget=budget)
    assert world_bytes < len(encode_layers(thinned).encode("utf-8")) <= budget
    assert any(f.minzoom >= 6 for layer in thinned for f in layer.features)


@pytest.mark.parametrize(
    ("place", "local"),
    [
        ({"NAME": "Gaza", "ADM0_A3": "PSX", "NAME_AR": "غزة", "NAME_HE": "עזה"}, "غزة"),
        ({"NAME": "Hebron", "ADM0_A3": "PSX", "NAME_AR": "الخليل"}, "الخليل"),
        ({"NAME": "Haifa", "ADM0_A3": "ISR", "NAME_AR": "حيفا", "NAME_HE": "חיפה"}, "חיפה"),
        ({"NAME": "Kharkiv", "ADM0_A3": "UKR", "NAME_RU": "Харьков", "NAME_UK": "Харків"}, "Харків"),
        ({"NAME": "Kherson", "ADM0_A3": "UKR", "NAME_RU": "Херсон"}, ""),  # no Ukrainian name: no guess
        ({"NAME": "Stepanakert", "ADM0_A3": "AZE", "NAME_RU": "Степанакерт"}, ""),  # NE has no az field
        ({"NAME": "Yerevan", "ADM0_A3": "ARM", "NAME_RU": "Ереван"}, ""),  # nor hy
        ({"NAME": "Ankara", "ADM0_A3": "TUR", "NAME_TR": "Ankara"}, ""),  # the same as the label
        ({"name": "Baku"}, ""),  # the 1:110m file: a name and no more
    ],
)
def test_local_name_follows_the_country(place: dict[str, str], local: str) -> None:
    assert script.local_name({key.upper(): value for key, value in place.items()}) == local


def test_town_zoom_from_natural_earth() -> None:
    assert script.town_zoom({"MIN_ZOOM": 5.1, "SCALERANK": 3}) == 6  # the full 1:10m file's own zoom
    assert script.town_zoom({"SCALERANK": 3}) == 4
    assert script.town_zoom({"SCALERANK": 10}) == 9
    assert script.town_zoom({"SCALERANK": 7, "ADM0CAP": 1}) == 3  # a capital
    assert script.town_zoom({"MIN_ZOOM": float("nan"), "SCALERANK": 1}) == 3
    assert script.town_zoom({}) == 6

"""Vector layers beneath the sites: the basemap's wiring, `--layer FILE` readers, and the page."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from conftest import REPO, Invoke, site_doc
from heritage.browser import PageLog, load, wait_until
from heritage.codec import decode
from heritage.context import BORDER_NOTE, Feature, VectorLayer, naturalearth
from heritage.context.userlayers import OPENSTREETMAP, LayerFileError, read_layer_file, thin_to_fit
from heritage.models import CatalogueInfo, Site
from heritage.store import Catalogue
from heritage.webmap.build import context_layers, draw_map, layers_size
from heritage.webmap.elements import VectorLayers

OSM = REPO / "tests" / "data" / "osm" / "vaduz.osm.pbf"
HOSTILE = ["</script><script>window.__pwned=1</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}"]
SITE = (46.93, 39.57)  # the catalogue fixture's one site


def fake_basemap(extent: Any = None, budget: int = 0) -> list[VectorLayer]:
    """A small basemap around the fixture's site, in Natural Earth's place."""
    x, y = SITE
    return [
        VectorLayer("lakes", "Lakes", "area", "lake", "basemap", [Feature(Point(x + 0.01, y).buffer(0.004))]),
        VectorLayer(
            "coast",
            "Coastlines",
            "line",
            "coast",
            "basemap",
            [Feature(LineString([(x - 0.1, y - 0.01), (x + 0.1, y + 0.01)]))],
        ),
        VectorLayer(
            "borders",
            "Borders",
            "line",
            "border",
            "basemap",
            [Feature(LineString([(x - 0.003, y - 0.1), (x - 0.003, y + 0.1)]))],
        ),
        VectorLayer(
            "towns",
            "Towns",
            "point",
            "town",
            "basemap",
            [
                Feature(Point(x + 0.002, y + 0.002), label="Gaza", local="غزة"),
                Feature(Point(x + 3, y + 3), label="Far"),
            ],
        ),
    ]


def hostile_geojson(folder: Path) -> Path:
    x, y = SITE
    features = [
        {
            "type": "Feature",
            "properties": {"name": text},
            "geometry": {"type": "Point", "coordinates": [x - 0.004, y - 0.003 * (k + 1)]},
        }
        for k, text in enumerate(HOSTILE)
    ]
    features.append(
        {
            "type": "Feature",
            "properties": {"name": HOSTILE[0]},
            "geometry": {"type": "LineString", "coordinates": [[x - 0.01, y + 0.003], [x + 0.01, y + 0.004]]},
        }
    )
    path = folder / "hostile.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


# -- reading a user's files --------------------------------------------------------------------------


def test_geojson_layers_split_by_kind_and_keep_labels_as_text(tmp_path: Path) -> None:
    found = read_layer_file(hostile_geojson(tmp_path))
    assert [(layer.id, layer.kind, len(layer.features)) for layer in found.layers] == [
        ("user-1", "line", 1),
        ("user-2", "point", 3),
    ]
    assert [f.label for f in found.layers[1].features] == HOSTILE
    assert found.layers[1].title == "hostile.geojson (points)" and found.attribution is None


def write_gis(path: Path, layer: str, geometries: list[Any], crs: str, names: list[str], driver: str) -> None:
    import numpy
    from pyogrio.raw import write  # the raw writer: no geopandas needed

    wkb = numpy.array([shapely.to_wkb(g) for g in geometries], dtype=object)
    write(
        path,
        wkb,
        [numpy.array(names, dtype=object)],
        ["name"],
        layer=layer,
        driver=driver,
        crs=crs,
        geometry_type="Unknown",
        append=path.exists(),
    )


def test_every_layer_of_a_geopackage_is_read(tmp_path: Path) -> None:
    path = tmp_path / "mission.gpkg"
    write_gis(path, "roads", [LineString([(46.9, 39.5), (47.0, 39.6)])], "EPSG:4326", ["M1"], "GPKG")
    write_gis(path, "camps", [Polygon([(46.9, 39.5), (46.95, 39.5), (46.95, 39.55)])], "EPSG:4326", ["Camp"], "GPKG")
    found = read_layer_file(path, first_id=3)
    assert [(layer.id, layer.title, layer.kind, layer.style) for layer in found.layers] == [
        ("user-3", "mission.gpkg · roads", "line", "user-line"),
        ("user-4", "mission.gpkg · camps", "area", "user-area"),
    ]


def test_a_shapefile_in_another_crs_is_reprojected(tmp_path: Path) -> None:
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(*SITE)
    path = tmp_path / "wells.shp"
    write_gis(path, "wells", [Point(x, y)], "EPSG:3857", ["Well"], "ESRI Shapefile")
    point = read_layer_file(path).layers[0].features[0]
    assert (
        point.label == "Well"
        and point.geometry.x == pytest.approx(SITE[0])
        and point.geometry.y == pytest.approx(SITE[1])
    )
    path.with_suffix(".prj").unlink()
    with pytest.raises(LayerFileError, match=r"wells\.shp: layer 'wells' has no coordinate reference system"):
        read_layer_file(path)


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"not a geopackage")
    with pytest.raises(LayerFileError, match=r"broken\.gpkg: not a GIS file"):
        read_layer_file(broken)
    bad_osm = tmp_path / "bad.osm.pbf"
    bad_osm.write_bytes(b"\x00\x00\x00\x0dnot protobuf")
    with pytest.raises(LayerFileError, match=r"bad\.osm\.pbf: not an OpenStreetMap file"):
        read_layer_file(bad_osm)


def test_an_openstreetmap_extract_gives_roads_settlements_and_places_of_worship() -> None:
    found = read_layer_file(OSM)
    assert [layer.title for layer in found.layers] == [
        "vaduz.osm.pbf · roads",
        "vaduz.osm.pbf · settlements",
        "vaduz.osm.pbf · places of worship",
    ]
    roads, places, worship = found.layers
    assert len(roads.features) == 694 and found.attribution == OPENSTREETMAP
    # Main roads from lower zooms than the minor ones.
    assert min(f.minzoom for f in roads.features) == 8 and max(f.minzoom for f in roads.features) == 13
    vaduz = next(f for f in places.features if f.label == "Vaduz")
    assert vaduz.rank == 1 and vaduz.minzoom == 8 and 9.5 < vaduz.geometry.x < 9.54
    assert "Kathedrale St. Florin" in {f.label for f in worship.features}


def test_a_layer_too_large_is_thinned_or_refused(tmp_path: Path) -> None:
    wiggle = LineString([(i * 1e-3, (i % 2) * 1e-5) for i in range(20_000)])
    line = VectorLayer("user-1", "big", "line", "user-line", "user", [Feature(wiggle)])
    thin_to_fit(line, tmp_path / "big.gpkg", limit=20_000)
    assert len(line.features[0].geometry.coords) < 100
    points = VectorLayer(
        "user-2", "many", "point", "user-point", "user", [Feature(Point(i * 1e-3, 0)) for i in range(5000)]
    )
    with pytest.raises(LayerFileError, match=r"many\.gpkg: layer 'many' would add 0\.\d MB to the map"):
        thin_to_fit(points, tmp_path / "many.gpkg", limit=20_000)


# -- the basemap's wiring ----------------------------------------------------------------------------


def test_the_basemap_covers_the_located_sites_and_starts_off_with_tiles(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    monkeypatch.setattr(naturalearth, "basemap", lambda extent: asked.append(extent) or fake_basemap())
    payload = {"sites": {"x": [4_600_000, None, 4_700_000], "y": [3_900_000, None, 3_950_000]}}
    layers = context_layers(payload, True, False, [])
    assert asked == [(46.0, 39.0, 47.0, 39.5)] and all(layer.on for layer in layers)
    assert not any(layer.on for layer in context_layers(payload, True, True, []))
    assert context_layers(payload, False, False, []) == [] and len(asked) == 2


def test_the_layers_document_cannot_end_its_script_and_packs_when_large() -> None:
    small = VectorLayers('{"layers":[],"label":"\\u003c/script> {\\u007b x }}"}')
    assert small.encoding == "json" and "</script" not in small.document and "{{" not in small.document
    big = VectorLayers(json.dumps({"layers": [], "pad": "x" * 200_000}))
    assert big.encoding == "gzip-base64" and re.fullmatch(r"[A-Za-z0-9+/=]+", big.document)


def test_no_basemap_leaves_it_out(
    monkeypatch: pytest.MonkeyPatch, invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    monkeypatch.setattr(naturalearth, "basemap", lambda extent: fake_basemap())
    with_basemap, without = tmp_path / "with.html", tmp_path / "without.html"
    result = invoke("map", "-o", str(with_basemap), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert re.search(r"wrote .* \(0\.\d MB, map layers \d+ KB of it\): 1 site on the map", result.output)
    assert invoke("map", "--no-basemap", "-o", str(without), catalogue=catalogue).exit_code == 0
    assert 'id="heritage-layers"' in with_basemap.read_text() and 'id="heritage-layers"' not in without.read_text()
    assert without.stat().st_size < with_basemap.stat().st_size - 1000


def test_a_bad_layer_file_is_refused_and_nothing_written(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    bad = tmp_path / "roads.geojson"
    bad.write_text("{not json", encoding="utf-8")
    output = tmp_path / "map.html"
    result = invoke("map", "--layer", str(bad), "-o", str(output), catalogue=catalogue)
    assert result.exit_code != 0 and "roads.geojson" in result.output and not output.exists()


# -- in Chromium -----------------------------------------------------------------------------------------


def open_layers(tab: Any, path: Path) -> dict[str, int]:
    load(tab, path)
    wait_until(tab, "window.heritageMap && window.heritageMap.layers !== undefined")
    return dict(tab.evaluate("window.heritageMap.layers"))


@pytest.fixture
def layered_map(monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, tmp_path: Path) -> Path:
    monkeypatch.setattr(naturalearth, "basemap", lambda extent: fake_basemap())
    found = read_layer_file(hostile_geojson(tmp_path))
    found.layers[1].title = HOSTILE[1] + HOSTILE[0]  # a GeoPackage's layer names are the file's text too
    output = tmp_path / "map.html"
    body, result = draw_map(catalogue, output, layers=found.layers)
    output.write_bytes(body)
    assert result.layer_bytes == layers_size(body.decode()) > 0
    return output


def test_layers_are_drawn_beneath_the_sites_and_switch_off(page: tuple[Any, PageLog], layered_map: Path) -> None:
    tab, log = page
    drawn = open_layers(tab, layered_map)
    # The far town is out of view; everything else near the site is drawn.
    assert drawn == {"lakes": 1, "coast": 1, "borders": 1, "towns": 1, "user-1": 1, "user-2": 3}
    assert tab.evaluate("window.heritageMap.basemap") == 4
    order = tab.evaluate("""() => {
        const z = c => Number(getComputedStyle(c.parentNode).zIndex);
        const q = s => document.querySelector(s);
        return [z(q('canvas.heritage-context-canvas')), z(q('canvas.heritage-canvas'))]; }""")
    assert order[0] < order[1]
    inked = tab.evaluate("""() => { const c = document.querySelector('canvas.heritage-context-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 100) n++; return n; }""")
    assert inked > 200
    labels = tab.locator("#heritage-layers-panel label").all_inner_texts()
    assert [line.split("\n")[0].strip() for line in labels][:4] == ["Lakes", "Coastlines", "Borders", "Towns"]
    tab.locator("input[data-layer=coast]").uncheck()
    wait_until(tab, "window.heritageMap.layers.coast === 0")
    assert tab.evaluate("window.heritageMap.layers.borders") == 1
    assert "Natural Earth (public domain)" in tab.locator(".leaflet-control-attribution").inner_text()
    assert tab.locator("#heritage-border-note").inner_text() == BORDER_NOTE
    assert log.foreign_requests(layered_map.resolve().as_uri()) == []
    assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []


def test_the_sea_is_one_fill_without_seams(
    monkeypatch: pytest.MonkeyPatch, page: tuple[Any, PageLog], catalogue: Catalogue, tmp_path: Path
) -> None:
    # Four tiles of sea meeting a little off the site (off the pixel grid, where a seam would
    # show), all far past the view: the canvas is the sea's colour throughout, with no line where
    # they meet and no outline. A seam would be a whole row or column of paler pixels; a pixel or
    # two at the canvas's edge may round differently.
    x, y = SITE[0] + 0.0000123, SITE[1] + 0.0000071
    tiles = [Feature(box(w, s, w + 1, s + 1)) for w in (x - 1, x) for s in (y - 1, y)]
    sea = VectorLayer("sea", "Sea", "area", "sea", "basemap", tiles)
    monkeypatch.setattr(naturalearth, "basemap", lambda extent: [sea])
    output = tmp_path / "sea.html"
    output.write_bytes(draw_map(catalogue, output)[0])
    tab, log = page
    assert open_layers(tab, output) == {"sea": 4}
    colours = tab.evaluate("""() => { const c = document.querySelector('canvas.heritage-context-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = {};
        for (let i = 0; i < d.length; i += 4) { const k = d.slice(i, i + 4).join(); seen[k] = (seen[k] || 0) + 1; }
        return seen; }""")
    sea_pixels = colours.pop("214,228,238,255")  # #d6e4ee, opaque
    assert sea_pixels > 100_000 and sum(colours.values()) < 20, colours
    swatch = tab.locator("label[data-layer=sea] .heritage-layer-swatch")
    assert swatch.evaluate("s => getComputedStyle(s).backgroundColor") == "rgb(214, 228, 238)"
    assert log.console_errors == [] and log.page_errors == []


def test_hostile_labels_stay_text(page: tuple[Any, PageLog], layered_map: Path) -> None:
    tab, log = page
    open_layers(tab, layered_map)
    assert tab.evaluate("window.__pwned") is None and log.dialogs == []
    assert tab.locator("#heritage-layers-panel img, #heritage-layers-panel script").count() == 0
    assert tab.locator("label[data-layer=user-2]").inner_text().startswith(HOSTILE[1] + HOSTILE[0])
    assert tab.evaluate("window.heritageMap.layerLabels") == 4  # Gaza and the hostile points, as canvas text


def test_an_osm_extract_on_the_map(page: tuple[Any, PageLog], tmp_path: Path, invoke: Invoke) -> None:
    vaduz = Catalogue.create(tmp_path / "cat", CatalogueInfo(name="Vaduz", region=(9.4, 47.0, 9.7, 47.3)))
    florin = site_doc("st-florin", geometry={"type": "Point", "coordinates": [9.522, 47.1385]})
    vaduz.add_site(decode(Site, json.dumps(florin).encode()))
    output = tmp_path / "vaduz.html"
    result = invoke("map", "--no-basemap", "--layer", str(OSM), "-o", str(output), catalogue=vaduz)
    assert result.exit_code == 0, result.output
    tab, log = page
    drawn = open_layers(tab, output)
    assert drawn["user-1"] > 50 and drawn["user-3"] >= 1  # roads and places of worship at zoom 14
    assert "OpenStreetMap contributors" in tab.locator(".leaflet-control-attribution").inner_text()
    assert tab.locator("#heritage-border-note").count() == 0  # no basemap, no note about its borders
    assert log.console_errors == [] and log.page_errors == []
    assert log.foreign_requests(output.resolve().as_uri()) == []


def test_a_large_document_is_packed_and_still_drawn(
    page: tuple[Any, PageLog], catalogue: Catalogue, tmp_path: Path
) -> None:
    x, y = SITE
    wiggles = [
        Feature(LineString([(x - 0.05 + i * 1e-4, y + k * 1e-4 + (i % 3) * 1e-4) for i in range(1000)]))
        for k in range(40)
    ]
    big = VectorLayer("user-1", "tracks", "line", "user-line", "user", wiggles)
    output = tmp_path / "big.html"
    body, result = draw_map(catalogue, output, basemap=False, layers=[big])
    output.write_bytes(body)
    assert 'id="heritage-layers" data-encoding="gzip-base64"' in body.decode() and result.layer_bytes < 100_000
    tab, log = page
    assert open_layers(tab, output) == {"user-1": 40}
    assert log.console_errors == [] and log.page_errors == []


def test_labels_that_would_collide_keep_the_most_important(
    page: tuple[Any, PageLog], catalogue: Catalogue, tmp_path: Path
) -> None:
    x, y = SITE
    towns = [Feature(Point(x, y + 1e-5), label="Village", rank=2), Feature(Point(x, y), label="City", rank=0)]
    layer = VectorLayer("towns", "Towns", "point", "town", "basemap", towns)
    output = tmp_path / "towns.html"
    output.write_bytes(draw_map(catalogue, output, basemap=False, layers=[layer])[0])
    tab, _log = page
    assert open_layers(tab, output) == {"towns": 2}
    assert tab.evaluate("window.heritageMap.layerLabels") == 1
    # The one label drawn is the city's: its pixels lie where "City" is written, right of its dot.
    point = tab.evaluate(f"heritageApp.map.latLngToContainerPoint([{y}, {x}])")
    width = tab.evaluate("""() => { const c = document.createElement('canvas').getContext('2d');
        c.font = '600 12px sans-serif'; return [c.measureText('City').width, c.measureText('Village').width]; }""")
    inked = tab.evaluate(
        """([x0, x1, y]) => { const c = document.querySelector('canvas.heritage-context-canvas');
        const r = window.devicePixelRatio || 1;
        const d = c.getContext('2d').getImageData(x0 * r, (y - 10) * r, (x1 - x0) * r, 12 * r).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 200) n++; return n; }""",
        [point["x"] + 5 + width[0] + 8, point["x"] + 5 + width[1] * 1.2, point["y"]],
    )
    assert inked == 0  # nothing written past "City", where "Village" would have reached


def test_with_tiles_the_basemap_is_listed_but_off(
    monkeypatch: pytest.MonkeyPatch, page: tuple[Any, PageLog], catalogue: Catalogue, tmp_path: Path
) -> None:
    from test_map import tiny_png

    monkeypatch.setattr(naturalearth, "basemap", lambda extent: fake_basemap())
    (tmp_path / "tiles" / "0" / "0").mkdir(parents=True)
    (tmp_path / "tiles" / "0" / "0" / "0.png").write_bytes(tiny_png())
    output = tmp_path / "tiled.html"
    output.write_bytes(draw_map(catalogue, output, tiles=tmp_path / "tiles")[0])
    tab, log = page
    assert open_layers(tab, output) == {"lakes": 0, "coast": 0, "borders": 0, "towns": 0}
    assert tab.locator("#heritage-layers-panel input:checked").count() == 0
    assert tab.locator("#heritage-layers-panel label").count() == 4
    assert "Natural Earth" not in tab.locator(".leaflet-control-attribution").inner_text()
    tab.locator("input[data-layer=coast]").check()
    wait_until(tab, "window.heritageMap.layers.coast === 1")
    assert "Natural Earth" in tab.locator(".leaflet-control-attribution").inner_text()
    assert log.console_errors == [] and log.page_errors == []


def test_context_imports_neither_the_page_nor_the_command_line_and_osmium_only_for_pbf() -> None:
    """heritage.context sits beneath webmap, dossier and cli: none of them is imported by it. And
    pyosmium, a compiled library, loads only when an .osm.pbf is read, not for every map."""
    for path in sorted((REPO / "heritage" / "context").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for module in modules:
                assert not module.startswith(("heritage.webmap", "heritage.cli", "heritage.dossier")), (path, module)
    code = (
        "import sys\n"
        "from heritage.context import naturalearth, svgmap, userlayers\n"
        "from heritage.webmap.build import render_map\n"
        "naturalearth.basemap((46.0, 39.0, 47.0, 40.0))\n"
        "assert 'osmium' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_zoomed_in_far_from_the_sites_the_basemap_is_still_drawn(
    page: tuple[Any, PageLog], catalogue: Catalogue, tmp_path: Path
) -> None:
    output = tmp_path / "map.html"
    output.write_bytes(draw_map(catalogue, output)[0])
    tab, log = page
    open_layers(tab, output)
    # The Black Sea's east coast and the border of Turkey and Georgia, 600 km west of the one site:
    # outside the detail's box, at zooms on both sides of the switch from the world level.
    for zoom in (5, 6, 8):
        before = tab.evaluate("heritageMap.redraws")
        tab.evaluate(f"heritageApp.map.setView([41.5, 41.0], {zoom}, {{animate: false}})")
        wait_until(tab, f"heritageMap.redraws > {before} && heritageMap.layers.coast > 0")
        drawn = tab.evaluate("window.heritageMap.layers")
        assert drawn["coast"] > 0 and drawn["borders"] > 0, (zoom, drawn)
    assert log.console_errors == [] and log.page_errors == []

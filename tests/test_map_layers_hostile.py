"""`heritage map --layer FILE` with files that are broken or lie: each is refused with a message
naming the file (and the layer), nothing is written, and no traceback reaches the user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point

from conftest import REPO, Invoke
from heritage.context.userlayers import LayerFileError, read_layer_file
from heritage.store import Catalogue
from test_map_layers import write_gis


def geojson(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def point_collection(x: str, y: str, name: str = "Well") -> str:
    """A GeoJSON text with one point, its coordinates written as given (NaN is no JSON, but GDAL reads it)."""
    properties = json.dumps({"name": name}, ensure_ascii=False)
    geometry = f'{{"type":"Point","coordinates":[{x},{y}]}}'
    feature = f'{{"type":"Feature","properties":{properties},"geometry":{geometry}}}'
    return f'{{"type":"FeatureCollection","features":[{feature}]}}'


def test_coordinates_that_are_not_numbers_are_refused(tmp_path: Path) -> None:
    path = geojson(tmp_path / "wells.geojson", point_collection("NaN", "39.5"))
    with pytest.raises(LayerFileError, match=r"wells\.geojson: layer 'wells', feature 1: \(nan, 39\.5\) is not"):
        read_layer_file(path)


def test_a_geojson_in_metres_that_does_not_say_so_is_refused(tmp_path: Path) -> None:
    # UTM 38N metres in a file with no "crs" member: RFC 7946 says degrees, so it is not a map.
    path = geojson(tmp_path / "camps.geojson", point_collection("500000", "4400000"))
    with pytest.raises(LayerFileError, match=r"camps\.geojson: layer 'camps', feature 1: .*coordinate reference"):
        read_layer_file(path)


def test_a_projected_geopackage_is_reprojected(tmp_path: Path) -> None:
    path = tmp_path / "camps.gpkg"
    write_gis(path, "camps", [Point(500000, 4400000)], "EPSG:32638", ["Camp"], "GPKG")
    point = read_layer_file(path).layers[0].features[0].geometry
    assert point.x == pytest.approx(45.0) and point.y == pytest.approx(39.7499, abs=1e-3)


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    text = point_collection("46.9", "39.5", "caf\u00e9").encode("latin-1")
    path = geojson(tmp_path / "cafes.geojson", text)
    with pytest.raises(LayerFileError, match=r"cafes\.geojson: layer 'cafes' has text that is not UTF-8"):
        read_layer_file(path)


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"FeatureCollection","features":[]}',
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":null}]}',
    ],
    ids=["no-features", "no-geometry"],
)
def test_a_file_with_nothing_to_draw_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(LayerFileError, match=r"empty\.geojson: nothing to draw"):
        read_layer_file(geojson(tmp_path / "empty.geojson", text))


def test_an_attribute_only_geopackage_is_refused(tmp_path: Path) -> None:
    import numpy
    from pyogrio.raw import write

    path = tmp_path / "table.gpkg"
    write(path, None, [numpy.array([1, 2])], ["count"], layer="counts", driver="GPKG")
    with pytest.raises(LayerFileError, match=r"table\.gpkg: nothing to draw"):
        read_layer_file(path)


def test_a_prj_that_names_no_crs_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "wells.shp"
    write_gis(path, "wells", [Point(46.9, 39.5)], "EPSG:4326", ["Well"], "ESRI Shapefile")
    path.with_suffix(".prj").write_text("GARBAGE", encoding="utf-8")
    with pytest.raises(LayerFileError, match=r"wells\.shp: layer 'wells': its \.prj file names no coordinate"):
        read_layer_file(path)


def test_an_osm_file_with_a_bad_coordinate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "town.osm"
    path.write_text(
        '<?xml version="1.0"?><osm version="0.6"><node id="1" lat="NaN" lon="46">'
        '<tag k="place" v="town"/></node></osm>',
        encoding="utf-8",
    )
    with pytest.raises(LayerFileError, match=r"town\.osm: not an OpenStreetMap file that can be read"):
        read_layer_file(path)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("nan.geojson", point_collection("NaN", "39.5")),
        ("latin1.geojson", point_collection("46.9", "39.5", "caf\u00e9").encode("latin-1")),
        ("empty.geojson", '{"type":"FeatureCollection","features":[]}'),
        ("x.osm", '<osm version="0.6"><node id="1" lat="NaN" lon="46"><tag k="place" v="town"/></node></osm>'),
    ],
)
def test_the_command_names_the_file_and_writes_nothing(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, name: str, text: str | bytes
) -> None:
    bad = geojson(tmp_path / name, text)
    output = tmp_path / "map.html"
    result = invoke("map", "--layer", str(bad), "-o", str(output), catalogue=catalogue)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert name in result.output and "Traceback" not in result.output and not output.exists()


def test_an_osm_tag_longer_than_osm_allows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.osm"
    town = f'<node id="1" lat="39" lon="46"><tag k="place" v="town"/><tag k="name" v="{"x" * 2000}"/></node>'
    path.write_text(f'<osm version="0.6">{town}</osm>', encoding="utf-8")
    with pytest.raises(LayerFileError, match=r"long\.osm: not an OpenStreetMap file that can be read \(OSM tag value"):
        read_layer_file(path)


def test_a_shapefile_without_its_shx_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "wells.shp"
    write_gis(path, "wells", [Point(46.9, 39.5)], "EPSG:4326", ["Well"], "ESRI Shapefile")
    path.with_suffix(".shx").unlink()
    with pytest.raises(LayerFileError, match=r"wells\.shp: its index file wells\.shx is missing") as caught:
        read_layer_file(path)
    assert "SHAPE_RESTORE_SHX" not in str(caught.value)  # GDAL's advice names a setting users cannot reach


@pytest.mark.parametrize("name", ["VADUZ.OSM.PBF", "vaduz.pbf"])
def test_an_extract_is_read_as_openstreetmap_whatever_its_suffix(tmp_path: Path, name: str) -> None:
    # Upper case as a FAT USB stick may show it; a bare .pbf, which GDAL would read without the
    # credit OpenStreetMap's licence asks for.
    path = tmp_path / name
    path.write_bytes((REPO / "tests" / "data" / "osm" / "vaduz.osm.pbf").read_bytes())
    found = read_layer_file(path)
    assert [layer.title for layer in found.layers] == [
        f"{name} · roads",
        f"{name} · settlements",
        f"{name} · places of worship",
    ]
    assert found.attribution is not None and "OpenStreetMap" in found.attribution[0]


def test_labels_lose_controls_and_direction_overrides_and_stay_short(tmp_path: Path) -> None:
    """A right-to-left override makes "Well" read as "lleW" and can dress one name as another; a
    label is shown as written, without them, on the page and in the SVG maps alike."""
    name = "Well\u202e12\u2066x\u2069\x07 " + "y" * 500
    path = geojson(tmp_path / "wells.geojson", point_collection("46.9", "39.5", name))
    label = read_layer_file(path).layers[0].features[0].label
    assert label.startswith("Well 12 x y") and len(label) == 200
    assert not any(c in label for c in "\u202e\u2066\u2069\x07")

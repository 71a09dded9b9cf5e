"""What the map draws beneath the sites: the Natural Earth basemap and a user's own layers.

Both reach the page, the dossier locator maps and the package's front page as `VectorLayer`s.
A layer is geometry (shapely, longitude/latitude) with, for points, a label and its local-script
form; every feature says the zooms at which it is drawn, so one layer can hold a coarse line for
the whole world and the detailed line of the catalogue's own area.

In the page, `encode_layers` writes them as one compact JSON document (inside
`<script type="application/json" id="heritage-layers">`, see webmap.elements):

    {"layers": [LAYER, ...], "attribution": [[TEXT, URL], ...], "note": TEXT}

    LAYER = {"id": "coast", "title": "Coastlines", "group": "basemap" | "user",
             "kind": "line" | "area" | "point", "style": STYLE, "on": true, "unit": 1e-4,
             "features": [FEATURE, ...]}

    line or area FEATURE:  [minzoom, maxzoom, PART, PART, ...]
        PART = [x0, y0, dx1, dy1, dx2, dy2, ...]: integers in `unit` degrees (longitude, latitude),
        the first pair absolute and each next pair the difference from the one before. An area's
        parts are its rings, outer and holes alike, filled together with the even-odd rule.
    point FEATURE:         [minzoom, maxzoom, x, y, label, local, rank]
        label and local are text ("" when absent): the name and, where the data has it, the name
        in the local script; rank orders labels (0 first) when they collide.

STYLE is one of STYLES: the page and the SVG locator maps draw each the same way. A feature is
drawn at zoom z when minzoom <= z <= maxzoom. Catalogue text never travels here; labels from
Natural Earth or a user's file reach the page only as canvas text or textContent, never as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from shapely.geometry.base import BaseGeometry

Kind = Literal["line", "area", "point"]
Group = Literal["basemap", "user"]

# How each kind of feature looks, on the map and in the locator maps (one table: webmap/static
# and dossier read the same names). A user's layers take user-line, user-area and user-point.
STYLES = ("sea", "coast", "border", "admin1", "lake", "river", "town", "user-line", "user-area", "user-point")

MAX_ZOOM = 19  # Leaflet's deepest zoom in our maps

# Said beside the basemap wherever it is drawn (UN practice: a map's borders take no side).
BORDER_NOTE = (
    "Borders and names are drawn as Natural Earth draws them; they imply no position on the status "
    "of any territory or the delimitation of any boundary."
)
NATURAL_EARTH = ("Natural Earth (public domain)", "https://www.naturalearthdata.com/")


@dataclass(frozen=True, slots=True)
class Feature:
    geometry: BaseGeometry  # longitude/latitude (EPSG:4326)
    minzoom: int = 0
    maxzoom: int = MAX_ZOOM
    label: str = ""
    local: str = ""  # the label in the local script, where it differs
    rank: int = 0  # for points: lower is more important (drawn first, kept when labels collide)


@dataclass(slots=True)
class VectorLayer:
    id: str
    title: str
    kind: Kind
    style: str  # one of STYLES
    group: Group
    features: list[Feature] = field(default_factory=list)
    on: bool = True  # shown when the page opens
    unit: float = 1e-4  # degrees per coordinate unit in the page (1e-4: about 11 m)


def _part(coords: Iterable[Sequence[float]], unit: float) -> list[int]:
    out: list[int] = []
    last_x = last_y = 0
    for x, y, *_ in coords:
        qx, qy = round(x / unit), round(y / unit)
        if out and qx == last_x and qy == last_y:
            continue  # repeated after rounding: nothing to draw
        out += [qx - last_x, qy - last_y] if out else [qx, qy]
        last_x, last_y = qx, qy
    return out


def _parts(geometry: BaseGeometry, kind: Kind, unit: float) -> list[list[int]]:
    if geometry.is_empty:
        return []
    if hasattr(geometry, "geoms"):
        return [part for piece in geometry.geoms for part in _parts(piece, kind, unit)]
    if geometry.geom_type == "Polygon":
        rings = [geometry.exterior, *geometry.interiors]
        return [part for ring in rings if len(part := _part(ring.coords, unit)) >= 6]
    if geometry.geom_type in ("LineString", "LinearRing"):
        part = _part(geometry.coords, unit)
        return [part] if len(part) >= 4 else []
    return []


def encode_feature(feature: Feature, kind: Kind, unit: float) -> list[Any] | None:
    g = feature.geometry
    if kind == "point":
        point = g if g.geom_type == "Point" else g.representative_point()
        return [
            feature.minzoom,
            feature.maxzoom,
            round(point.x / unit),
            round(point.y / unit),
            feature.label,
            feature.local,
            feature.rank,
        ]
    parts = _parts(g, kind, unit)
    return [feature.minzoom, feature.maxzoom, *parts] if parts else None


def encode_layers(layers: Sequence[VectorLayer], attribution: Sequence[tuple[str, str]] = (), note: str = "") -> str:
    """The layers as the page reads them (the module's docstring), as JSON text with every '<'
    escaped so that nothing in a label can end the script element that holds it."""
    document = {
        "layers": [
            {
                "id": layer.id,
                "title": layer.title,
                "group": layer.group,
                "kind": layer.kind,
                "style": layer.style,
                "on": layer.on,
                "unit": layer.unit,
                "features": [
                    encoded
                    for feature in layer.features
                    if (encoded := encode_feature(feature, layer.kind, layer.unit)) is not None
                ],
            }
            for layer in layers
        ],
        "attribution": [list(pair) for pair in attribution],
        "note": note,
    }
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")

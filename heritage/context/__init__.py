"""What the map draws beneath the sites: the Natural Earth basemap and a user's own layers.

Both reach the page, the dossier locator maps and the package's front page as `VectorLayer`s.
A layer is geometry (shapely, longitude/latitude) with, for points, a label and its local-script
form; every feature says the zooms at which it is drawn, so one layer can hold a coarse line for
the whole world and the detailed line of the catalogue's own area.

In the page, `encode_layers` writes them as one compact JSON document (inside
`<script type="application/json" id="heritage-layers">`, see webmap.elements):

    {"layers": [LAYER, ...], "attribution": [[TEXT, URL], ...], "note": TEXT}

    LAYER = {"id": "coast", "title": "Coastlines", "group": "basemap" | "user",
             "kind": "line" | "area" | "point", "style": STYLE, "paint": PAINT, "on": true,
             "unit": 1e-4, "features": [FEATURE, ...]}

    PAINT = {"stroke": "#4f6679", "width": 1.2, "dash": [4, 3], "fill": "#cfe0ec",
             "fillOpacity": 0.16}: what `paint` gives the layer (each key only where it applies)

    line or area FEATURE:  [minzoom, maxzoom, PART, PART, ...]
        PART = [x0, y0, dx1, dy1, dx2, dy2, ...]: integers in `unit` degrees (longitude, latitude),
        the first pair absolute and each next pair the difference from the one before. An area's
        parts are its rings, outer and holes alike, filled together with the even-odd rule.
    point FEATURE:         [minzoom, maxzoom, x, y, label, local, rank]
        label and local are text ("" when absent): the name and, where the data has it, the name
        in the local script; rank orders labels (0 first) when they collide.

STYLE is one of STYLES, and PAINT how it is drawn: the page reads it from the document and the SVG
maps (svgmap) from `paint`, so that a coastline looks the same everywhere. A feature is
drawn at zoom z when minzoom <= z <= maxzoom. Catalogue text never travels here; labels from
Natural Earth or a user's file reach the page only as canvas text or textContent, never as HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from shapely.geometry.base import BaseGeometry

Kind = Literal["line", "area", "point"]
Group = Literal["basemap", "user"]

# How each style is drawn, in the page and in the SVG maps alike (they read it through `paint`):
# colours, and widths and dashes in screen pixels. A user's layers take user-line, user-area and
# user-point, each layer in the next of USER_COLOURS, muted so that none reads as a condition.
STYLES: dict[str, dict[str, Any]] = {
    # Fill alone: the sea comes in tiles, and an outline would draw their seams (the coast is its edge).
    "sea": {"fill": "#d6e4ee"},
    "coast": {"stroke": "#4f6679", "width": 1.2},
    "border": {"stroke": "#3b3a44", "width": 1.4},
    "admin1": {"stroke": "#76757c", "width": 0.8, "dash": [4, 3]},
    "river": {"stroke": "#6b9dc8", "width": 1.0},
    "lake": {"stroke": "#8fb1cc", "width": 0.7, "fill": "#cfe0ec"},
    "town": {"fill": "#353a42"},
    "user-line": {"width": 1.3},
    "user-area": {"width": 0.9, "fillOpacity": 0.16},
    "user-point": {},
}
USER_COLOURS = ("#8a6a3a", "#5b7d57", "#7b5d87", "#4d7885", "#8a5c58", "#6a6a3c")

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

    def __post_init__(self) -> None:
        # Labels come from files we do not control (a user's layer, an OSM extract): made plain
        # once, here, for the page and the SVG maps alike.
        for name in ("label", "local"):
            if text := getattr(self, name):
                object.__setattr__(self, name, plain_label(text))


# What a label may not carry: control characters, and the bidirectional embeddings, overrides
# and isolates that make a name display as another (on a map of contested places a name shows
# as written). Marks of direction (U+200E, U+200F) stay: they only place neutral characters.
_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
MAX_LABEL = 200  # characters: a label, not a description


def plain_label(text: str) -> str:
    """`text` as a map label: unshowable characters taken out, runs of spaces made one, at most
    MAX_LABEL characters."""
    return " ".join(_UNSHOWN.sub(" ", text).split())[:MAX_LABEL]


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


def paint(layers: Sequence[VectorLayer]) -> list[dict[str, Any]]:
    """How each of `layers` is drawn (STYLES): a user's layer in its own colour, given in turn from
    USER_COLOURS, the same in the page and in the SVG maps."""
    painted = []
    users = 0
    for layer in layers:
        default = "user-area" if layer.kind == "area" else "user-point" if layer.kind == "point" else "user-line"
        style = dict(STYLES.get(layer.style, STYLES[default]))
        if layer.group == "user":
            colour = USER_COLOURS[users % len(USER_COLOURS)]
            users += 1
            style["stroke" if layer.kind != "point" else "fill"] = colour
            if layer.kind == "area":
                style["fill"] = colour
        painted.append(style)
    return painted


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
                "paint": painted,
                "on": layer.on,
                "unit": layer.unit,
                "features": [
                    encoded
                    for feature in layer.features
                    if (encoded := encode_feature(feature, layer.kind, layer.unit)) is not None
                ],
            }
            for layer, painted in zip(layers, paint(layers), strict=True)
        ],
        "attribution": [list(pair) for pair in attribution],
        "note": note,
    }
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")

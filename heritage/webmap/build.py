"""Building the offline map: one HTML file that works from a USB stick with no network."""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import folium
from branca.element import Figure

from heritage import layout
from heritage.atomic import replace_file
from heritage.audience import edition_at
from heritage.codec import loads
from heritage.collector import paused_gc
from heritage.errors import InvalidInput
from heritage.mapdata import MapInput, build_payload, encode_payload, load_map_input
from heritage.offline import DROPPED, ContentSecurityPolicy, make_offline
from heritage.store import Catalogue
from heritage.webmap.elements import FilterPanel, LocalTiles, Outline, Payload, SiteLayer, TimeSlider, TitleBar
from heritage.webmap.tiles import read_tiles

ONLINE_LAYERS = [
    (
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    ),
    (
        "Satellite (Esri World Imagery)",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri, Maxar, Earthstar Geographics",
    ),
]
ONLINE_HOSTS = ("https://tile.openstreetmap.org", "https://server.arcgisonline.com")
DOSSIER_FOLDER = "dossiers"


@dataclass
class MapResult:
    path: Path
    sites: int
    located: int
    bytes: int
    encoding: str

    @property
    def unlocated(self) -> int:
        return self.sites - self.located


OUTLINE_TYPES = {"Polygon": 3, "MultiPolygon": 4, "LineString": 2, "MultiLineString": 3}


def _clean_coordinates(value: Any, depth: int) -> Any:
    """Nested lists of finite numbers, `depth` deep, as GeoJSON has them: nothing else survives."""
    if depth == 1:
        if (
            not isinstance(value, list)
            or len(value) not in (2, 3)
            or not all(isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) for n in value)
        ):
            raise ValueError("a position must be 2 or 3 finite numbers")
        return [float(n) for n in value]
    if not isinstance(value, list) or not value:
        raise ValueError("coordinates must be non-empty lists")
    return [_clean_coordinates(item, depth - 1) for item in value]


def _outline(root: Path) -> list[dict[str, Any]] | None:
    """The catalogue's optional `areas.geojson`, reduced to its geometries (its text is not shown)."""
    path = root / layout.AREAS_FILE
    if not layout.regular_file(path):  # a link or a pipe is never opened: `validate` names it
        return None
    try:
        data = loads(layout.read_regular(path))  # the strict reader: nesting too deep is invalid JSON, not a crash
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        geometries = []
        for feature in features:
            geometry = feature.get("geometry") if feature.get("type") == "Feature" else feature
            if geometry is None:
                continue
            kind = geometry.get("type")
            if kind not in OUTLINE_TYPES:
                raise ValueError(f"geometry type {kind!r} is not an outline ({', '.join(OUTLINE_TYPES)})")
            geometries.append(
                {"type": kind, "coordinates": _clean_coordinates(geometry.get("coordinates"), OUTLINE_TYPES[kind])}
            )
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise InvalidInput(f"is not a GeoJSON outline of areas ({exc})", file=path) from None
    return geometries


def linked_dossiers(folder: Path, audience: str) -> frozenset[str]:
    """The sites whose dossier in `folder` (beside the map) was written for the map's own audience:
    a public map never links to an internal dossier left in the same place. Only regular files
    are read, and only their first bytes, where a dossier says its edition."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no dossiers beside the map (or none that can be listed)
        return frozenset()
    names = (entry.name for entry in entries if entry.name.endswith(".html"))
    return frozenset(name.removesuffix(".html") for name in names if edition_at(folder / name) == audience)


def render_map(
    payload: dict[str, Any],
    *,
    online_tiles: bool = False,
    tiles: Path | None = None,
    outline: list[dict[str, Any]] | None = None,
) -> tuple[str, str]:
    """The page, as text, and how its data is encoded. Everything it needs is inside it."""
    text, encoding = encode_payload(payload)
    figure = Figure(title=html.escape(f"{payload['meta']['name']} — heritage map"))
    region = payload["meta"]["region"]
    center = [(region[1] + region[3]) / 2, (region[0] + region[2]) / 2] if region else [20.0, 0.0]
    the_map = folium.Map(
        location=center,
        zoom_start=7 if region else 2,
        tiles=None,
        min_zoom=2,
        max_zoom=19,
        control_scale=True,
        prefer_canvas=True,
    )
    figure.add_child(the_map)
    if tiles is not None:
        pyramid = read_tiles(tiles)
        the_map.add_child(LocalTiles(pyramid.tiles, pyramid.media_type, pyramid.max_zoom, pyramid.attribution))
    if online_tiles:
        for number, (name, url, attribution) in enumerate(ONLINE_LAYERS):
            folium.TileLayer(url, attr=attribution, name=name, max_zoom=19, show=number == 0).add_to(the_map)
        folium.LayerControl(position="bottomleft", collapsed=False).add_to(the_map)
    if outline:
        the_map.add_child(Outline(outline))
    figure.html.add_child(Payload(text, encoding), name="heritage_data")
    the_map.add_child(SiteLayer({"tiles": bool(tiles or online_tiles)}))
    for part in (TitleBar(), FilterPanel(), TimeSlider()):
        the_map.add_child(part)
    make_offline(the_map, drop=DROPPED | {"jquery"})
    figure.header.add_child(ContentSecurityPolicy(ONLINE_HOSTS if online_tiles else ()), name="csp", index=0)
    return str(figure.render()), encoding


def draw_map(
    catalogue: Catalogue,
    output: Path,
    *,
    as_of: date | None = None,
    online_tiles: bool = False,
    tiles: Path | None = None,
    data: MapInput | None = None,
    changes: tuple[date, date] | None = None,
    audience: str = "mission",
) -> tuple[bytes, MapResult]:
    """The map of `catalogue` that `build_map` writes to `output`, and what it holds, unwritten."""
    output = Path(output)
    dossiers = linked_dossiers(output.parent / DOSSIER_FOLDER, audience)
    with paused_gc():
        data = data or load_map_input(catalogue, audience=audience)
        payload = build_payload(data, as_of, dossiers, changes, audience)
        page, encoding = render_map(payload, online_tiles=online_tiles, tiles=tiles, outline=_outline(catalogue.root))
    located = sum(1 for x in payload["sites"]["x"] if x is not None)
    body = page.encode("utf-8")
    return body, MapResult(output, len(payload["sites"]["id"]), located, len(body), encoding)


def build_map(catalogue: Catalogue, output: Path, **options: Any) -> MapResult:
    """Write the map of `catalogue` to `output` (options as `draw_map`); link the dossiers found
    beside it."""
    body, result = draw_map(catalogue, output, **options)
    replace_file(Path(output), body)
    return result

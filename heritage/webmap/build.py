"""Building the offline map: one HTML file that works from a USB stick with no network."""

from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import folium
from branca.element import Figure

from heritage.areas import read_outline
from heritage.atomic import replace_file
from heritage.audience import edition_at
from heritage.collector import paused_gc
from heritage.context import BORDER_NOTE, NATURAL_EARTH, VectorLayer, encode_layers, naturalearth
from heritage.errors import InvalidInput
from heritage.mapdata import SCALE, MapInput, build_payload, encode_payload, load_map_input
from heritage.offline import DROPPED, ContentSecurityPolicy, make_offline
from heritage.store import Catalogue
from heritage.webmap.elements import (
    LAYERS_OPENING,
    FilterPanel,
    LocalTiles,
    MapView,
    Outline,
    Payload,
    SearchList,
    SiteLayer,
    TimeSlider,
    TitleBar,
    VectorLayerDrawing,
    VectorLayers,
)
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
Box = tuple[float, float, float, float]  # west, south, east, north, in degrees
# At zoom 1 the world is 512 px wide: a laptop's window can hold all of it beside the panel, so a
# catalogue on both sides of 180 (drawn on one copy of the world) opens with every site in view.
MIN_ZOOM = 1


@dataclass
class MapResult:
    path: Path
    sites: int
    located: int
    bytes: int
    encoding: str
    layer_bytes: int = 0  # what the vector layers (basemap and the user's) add to the page

    @property
    def unlocated(self) -> int:
        return self.sites - self.located


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


def check_view(view: Box) -> Box:
    """A view box as the page takes it: four finite numbers of degrees, south below north, west and
    east different (west greater than east for a box across 180). InvalidInput says what is wrong."""
    if len(view) != 4:
        raise InvalidInput(f"a view is four numbers west, south, east, north, not {len(view)}")
    for name, number, limit in zip(("west", "south", "east", "north"), view, (180, 90, 180, 90), strict=True):
        if not isinstance(number, int | float) or not math.isfinite(number) or not -limit <= number <= limit:
            raise InvalidInput(f"the view's {name} {number!r} is not a number of degrees in [-{limit}, {limit}]")
    west, south, east, north = (float(n) for n in view)
    if south >= north:
        raise InvalidInput(f"the view's south {south:g} is not below its north {north:g}")
    if west == east:
        raise InvalidInput(f"the view's west and east are both {west:g}: it has no width")
    return west, south, east, north


def render_map(
    payload: dict[str, Any],
    *,
    online_tiles: bool = False,
    tiles: Path | None = None,
    outline: list[dict[str, Any]] | None = None,
    basemap: bool = True,
    layers: Sequence[VectorLayer] = (),
    credits: Sequence[tuple[str, str]] = (),
    view: Box | None = None,
) -> tuple[str, str]:
    """The page, as text, and how its data is encoded. Everything it needs is inside it.
    `basemap`: Natural Earth beneath the sites (switched off at first when there are tiles);
    `layers`: the user's own; `credits`: what their data asks for. The map opens on `view` (west,
    south, east, north; west > east crosses 180) if given, else on the sites."""
    text, encoding = encode_payload(payload)
    figure = Figure(title=html.escape(f"{payload['meta']['name']} — heritage map"))
    region = payload["meta"]["region"]
    center = [(region[1] + region[3]) / 2, (region[0] + region[2]) / 2] if region else [20.0, 0.0]
    the_map = folium.Map(
        location=center,
        zoom_start=7 if region else 2,
        tiles=None,
        min_zoom=MIN_ZOOM,
        max_zoom=19,
        control_scale=True,
        prefer_canvas=True,
    )
    # folium hands min_zoom and max_zoom to its tile layers only; with none, Leaflet's own limits
    # stay open (getMaxZoom() is Infinity) and the zoom buttons never stop.
    the_map.options.update(min_zoom=MIN_ZOOM, max_zoom=19)
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
    has_tiles = bool(tiles or online_tiles)
    context = context_layers(payload, basemap, has_tiles, layers)
    options: dict[str, Any] = {"tiles": has_tiles, "basemap": any(c.group == "basemap" for c in context)}
    if (sites := opening_box(payload)) is not None:
        options["sites"] = list(sites)  # the opening view when `view` is not given
    if view is not None:
        options["view"] = list(check_view(view))
    the_map.add_child(SiteLayer(options))
    for part in (TitleBar(), FilterPanel(), SearchList(), TimeSlider(), MapView()):
        the_map.add_child(part)
    if context:
        basemap_credit = [NATURAL_EARTH] if any(c.group == "basemap" for c in context) else []
        document = VectorLayers(encode_layers(context, [*basemap_credit, *credits], BORDER_NOTE))
        figure.html.add_child(document, name="heritage_layers")
        the_map.add_child(VectorLayerDrawing())
    make_offline(the_map, drop=DROPPED | {"jquery"})
    figure.header.add_child(ContentSecurityPolicy(ONLINE_HOSTS if online_tiles else ()), name="csp", index=0)
    return str(figure.render()), encoding


def layers_size(page: str) -> int:
    """How many bytes the vector layers' document takes in `page` (0 if it has none)."""
    start = page.find(LAYERS_OPENING)
    if start < 0:
        return 0
    start = page.index(">", start) + 1
    return len(page[start : page.index("</script>", start)].encode("utf-8"))


def located_extent(payload: dict[str, Any]) -> naturalearth.Extent | None:
    """The located sites' bounding box (west, south, east, north), or None if none is located."""
    sites = payload["sites"]
    xs = [x for x in sites["x"] if x is not None]
    ys = [y for y in sites["y"] if y is not None]
    if not xs:
        return None
    return min(xs) / SCALE, min(ys) / SCALE, max(xs) / SCALE, max(ys) / SCALE


def opening_box(payload: dict[str, Any]) -> naturalearth.Extent | None:
    """The box the map opens on: the located sites' bounding box, or, for sites on both sides of
    the 180th meridian, the narrower box across it (its east then past 180, as Leaflet takes it)."""
    box = located_extent(payload)
    if box is None:
        return None
    west, south, east, north = box
    wrapped = [x / SCALE + (360 if x < 0 else 0) for x in payload["sites"]["x"] if x is not None]
    if max(wrapped) - min(wrapped) < east - west:
        return min(wrapped), south, max(wrapped), north
    return box


def context_layers(
    payload: dict[str, Any], basemap: bool, tiles: bool, layers: Sequence[VectorLayer]
) -> list[VectorLayer]:
    """The basemap for the sites' extent (unless left out), then the user's layers, in drawing order.
    With tiles the basemap is listed but starts switched off: the tiles show the same things."""
    found = naturalearth.basemap(located_extent(payload)) if basemap else []
    for layer in found:
        layer.on = layer.on and not tiles
    return [*found, *layers]


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
    basemap: bool = True,
    layers: Sequence[VectorLayer] = (),
    credits: Sequence[tuple[str, str]] = (),
    view: Box | None = None,
) -> tuple[bytes, MapResult]:
    """The map of `catalogue` that `build_map` writes to `output`, and what it holds, unwritten."""
    output = Path(output)
    dossiers = linked_dossiers(output.parent / DOSSIER_FOLDER, audience)
    with paused_gc():
        data = data or load_map_input(catalogue, audience=audience)
        payload = build_payload(data, as_of, dossiers, changes, audience)
        page, encoding = render_map(
            payload,
            online_tiles=online_tiles,
            tiles=tiles,
            outline=read_outline(catalogue.root),
            basemap=basemap,
            layers=layers,
            credits=credits,
            view=view,
        )
    located = sum(1 for x in payload["sites"]["x"] if x is not None)
    body = page.encode("utf-8")
    result = MapResult(output, len(payload["sites"]["id"]), located, len(body), encoding, layers_size(page))
    return body, result


def build_map(catalogue: Catalogue, output: Path, **options: Any) -> MapResult:
    """Write the map of `catalogue` to `output` (options as `draw_map`); link the dossiers found
    beside it."""
    body, result = draw_map(catalogue, output, **options)
    replace_file(Path(output), body)
    return result

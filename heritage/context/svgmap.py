"""Small static maps as SVG, drawn by our own code: the dossiers' locator maps and the mission
package's overview map.

A map is a Web Mercator frame of a given size in pixels; beneath its sites it draws the vector
layers (`heritage.context.VectorLayer`) as a web map would at the same scale: each layer styled by
its `style`, only the features whose zooms take in the frame's zoom, clipped to the frame, thinned
to half a pixel and written to a tenth of a pixel, so that what a map weighs follows its size in
pixels and not the data beneath it. Towns are labelled, with their local-script names, most
important first, never over another label. All text is escaped XML: a label from a file reaches a
page as text, never as markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import shapely
from shapely.geometry.base import BaseGeometry

from heritage.context import BORDER_NOTE, MAX_ZOOM, NATURAL_EARTH, VectorLayer, paint

Extent = tuple[float, float, float, float]  # west, south, east, north in degrees

MAX_LAT = 85.05112878  # Web Mercator's edge
TOWN_FONT = 8.5  # px
MAX_LABELS = 40  # beyond this a small map is text, not a map
BASEMAP_BUDGET = 100_000  # bytes of basemap geometry in one map: two locators and 2,000 sites each fit 300 KB
# Which layers keep their detail first when a map's basemap would be too heavy.
BUDGET_ORDER = {"coast": 0, "border": 1, "lake": 2, "river": 3, "user-line": 4, "user-area": 5, "admin1": 6, "sea": 7}

PRINT_WIDTH = 0.75  # a small map on paper draws the page's lines (heritage.context.STYLES) thinner
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Dot:
    """A site on the map: where, its colour, and for the overview a link and a title."""

    lon: float
    lat: float
    colour: str
    href: str = ""
    title: str = ""


def _text(value: str) -> str:
    """Escaped for XML text, without the control characters XML cannot hold."""
    return escape(_CONTROL.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_CONTROL.sub("", value))


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator on a world one unit wide: x from 0 (180° W) to 1, y from 0 (north) down."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return lon / 360 + 0.5, 0.5 - y / (2 * math.pi)


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp((0.5 - y) * 2 * math.pi)) - math.pi / 2)


@dataclass(frozen=True)
class Frame:
    """A Mercator window `width` x `height` pixels: the extent asked for, widened on one axis so
    that the map keeps its shape."""

    left: float  # Mercator units
    top: float
    scale: float  # pixels per Mercator unit
    width: int
    height: int

    @classmethod
    def around(cls, extent: Extent, width: int, height: int) -> Frame:
        west, south, east, north = extent
        x0, y1 = mercator(west, south)
        x1, y0 = mercator(east, north)
        span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
        scale = min(width / span_x, height / span_y)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return cls(cx - width / scale / 2, cy - height / scale / 2, scale, width, height)

    @classmethod
    def at_zoom(cls, lon: float, lat: float, zoom: float, width: int, height: int) -> Frame:
        scale = 256 * 2**zoom
        cx, cy = mercator(lon, lat)
        return cls(cx - width / scale / 2, cy - height / scale / 2, scale, width, height)

    @property
    def zoom(self) -> float:
        """The web map zoom at which a tile pixel is one of ours."""
        return math.log2(self.scale / 256)

    @property
    def extent(self) -> Extent:
        west = (self.left - 0.5) * 360
        east = (self.left + self.width / self.scale - 0.5) * 360
        north = _latitude(self.top)
        south = _latitude(self.top + self.height / self.scale)
        return max(west, -180.0), max(south, -MAX_LAT), min(east, 180.0), min(north, MAX_LAT)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = mercator(lon, lat)
        return (x - self.left) * self.scale, (y - self.top) * self.scale

    def inside(self, lon: float, lat: float) -> bool:
        x, y = self.xy(lon, lat)
        return 0 <= x <= self.width and 0 <= y <= self.height

    def metres_per_pixel(self) -> float:
        lat = _latitude(self.top + self.height / self.scale / 2)
        return 40_075_016.7 * math.cos(math.radians(lat)) / self.scale


def _path_data(frame: Frame, coords: Iterable[Sequence[float]], closed: bool, least: int) -> str:
    """One part as path data in tenths of a pixel: absolute start, then relative steps (short);
    '' for a ring less than `least` tenths across (a speck: an islet or a pond at this scale)."""
    out: list[str] = []
    last: tuple[int, int] | None = None
    xs, ys = [], []
    for lon, lat, *_ in coords:
        x, y = frame.xy(lon, lat)
        point = (round(x * 10), round(y * 10))
        if last is None:
            out.append(f"M{_tenths(point[0])} {_tenths(point[1])}")
        elif point != last:
            out.append(f"l{_tenths(point[0] - last[0])} {_tenths(point[1] - last[1])}")
        last = point
        xs.append(point[0])
        ys.append(point[1])
    if len(out) < 2:
        return ""
    ring = closed or (xs[0], ys[0]) == (xs[-1], ys[-1])  # an open piece may join the next: kept
    if ring and max(max(xs) - min(xs), max(ys) - min(ys)) < least:
        return ""
    return "".join(out) + ("z" if closed else "")


def _tenths(value: int) -> str:
    whole, tenth = divmod(abs(value), 10)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def _parts(geometry: BaseGeometry) -> Iterable[tuple[Sequence[Sequence[float]], bool]]:
    if geometry.is_empty:
        return
    if hasattr(geometry, "geoms"):
        for piece in geometry.geoms:
            yield from _parts(piece)
    elif geometry.geom_type == "Polygon":
        for ring in (geometry.exterior, *geometry.interiors):
            yield ring.coords, True
    elif geometry.geom_type in ("LineString", "LinearRing"):
        yield geometry.coords, False


def _paint_attributes(style: Mapping[str, Any]) -> str:
    """A layer's paint (heritage.context.paint) as SVG attributes, its lines at PRINT_WIDTH."""
    out = [f'fill="{style.get("fill", "none")}"']
    if "fillOpacity" in style:
        out.append(f'fill-opacity="{style["fillOpacity"]:g}"')
    stroke = f'stroke="{style["stroke"]}" stroke-width="{style["width"] * PRINT_WIDTH:g}"' if "stroke" in style else ""
    out.append(stroke or 'stroke="none"')  # a fill alone (the sea's tiles) must show no seams
    if "dash" in style:
        out.append(f'stroke-dasharray="{" ".join(f"{d * PRINT_WIDTH:g}" for d in style["dash"])}"')
    return " ".join(out)


def _shape_paths(frame: Frame, layer: VectorLayer, style: Mapping[str, Any], zoom: int, pixels: float = 0.5) -> str:
    """The layer's lines or areas in view as one path element, or '': thinned to `pixels`, and
    without the parts smaller than four times that."""
    west, south, east, north = frame.extent
    pad = 4 / frame.scale * 360  # a few pixels beyond the edge, so no stroke ends inside the frame
    window = (west - pad, south - pad, east + pad, north + pad)
    tolerance = pixels / frame.scale * 360  # in degrees of longitude
    least = round(pixels * 40)
    data = []
    for feature in layer.features:
        if not feature.minzoom <= zoom <= feature.maxzoom:
            continue
        geometry = feature.geometry
        w, s, e, n = geometry.bounds
        if e < window[0] or w > window[2] or n < window[1] or s > window[3]:
            continue
        # clip_by_rect, not intersection: an area's rings come as separate polygons (filled
        # even-odd), which GEOS's overlay may refuse as invalid; a clip to a box does not mind.
        clipped = shapely.clip_by_rect(geometry, *window).simplify(tolerance, preserve_topology=False)
        data += [d for coords, closed in _parts(clipped) if (d := _path_data(frame, coords, closed, least))]
    if not data:
        return ""
    rule = 'fill-rule="evenodd"' if layer.kind == "area" else 'stroke-linejoin="round"'
    return f'<path {rule} {_paint_attributes(style)} d="{"".join(data)}"/>'


# Where a label may go, in order: right of its dot, left of it, then right and a line above or
# below (a town beside the site a locator is about keeps its name clear of the site's ring).
SPOTS = ((1, 0.0), (-1, 0.0), (1, -2.2), (1, 1.6), (-1, -2.2), (-1, 1.6))


def _label_box(x: float, y: float, label: str, local: str, spot: tuple[int, float]) -> tuple[float, ...]:
    side, lines = spot
    width = max(len(label), len(local)) * TOWN_FONT * 0.56 + 5
    top = y - TOWN_FONT * 0.8 + lines * TOWN_FONT
    bottom = top + (2 if local else 1) * TOWN_FONT * 1.15
    return (x + 3, top, x + 3 + width, bottom) if side > 0 else (x - 3 - width, top, x - 3, bottom)


def _place(
    frame: Frame, x: float, y: float, label: str, local: str, taken: list[tuple[float, ...]]
) -> tuple[int, float] | None:
    """The first of `SPOTS` where the label fits, inside the frame and over no other label."""
    for spot in SPOTS:
        box_ = _label_box(x, y, label, local, spot)
        within = box_[0] >= 0 and box_[1] >= 0 and box_[2] <= frame.width and box_[3] <= frame.height
        if within and not any(_overlaps(box_, other) for other in taken):
            taken.append(box_)
            return spot
    return None


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _points(frame: Frame, layer: VectorLayer, colour: str, zoom: int, taken: list[tuple[float, ...]]) -> str:
    """The layer's points that the frame's zoom labels, most important first, each with its label
    where no other label is already: a dot without a name does not help anyone find their way."""
    dots: list[str] = []
    labels: list[str] = []
    for feature in sorted(layer.features, key=lambda f: f.rank):
        if len(labels) >= MAX_LABELS or not feature.minzoom <= zoom <= feature.maxzoom:
            continue
        point = feature.geometry if feature.geometry.geom_type == "Point" else feature.geometry.representative_point()
        x, y = frame.xy(point.x, point.y)
        label = feature.label  # made plain when the Feature was made (heritage.context.plain_label)
        local = "" if feature.local == label else feature.local
        spot = _place(frame, x, y, label, local, taken) if label else None
        if spot is None:
            continue
        side, lines = spot
        dots.append(f"M{x:.1f} {y:.1f}h0")
        tx = f"{x + 4 * side:.1f}"
        text = _text(label) + (f'<tspan x="{tx}" dy="1.15em">{_text(local)}</tspan>' if local else "")
        anchor = "" if side > 0 else ' text-anchor="end"'
        labels.append(f'<text x="{tx}" y="{y + 3 + lines * TOWN_FONT:.1f}"{anchor}>{text}</text>')
    if not dots:
        return ""
    texts = "".join(labels)
    return (
        f'<path stroke="{colour}" stroke-width="3.2" stroke-linecap="round" d="{"".join(dots)}"/>'
        f'<g font-size="{TOWN_FONT}">{_halo(texts)}<g fill="#212529">{texts}</g></g>'
    )


def _halo(texts: str) -> str:
    """The same text beneath, stroked white, so that it reads over lines: drawn apart because
    WeasyPrint does not know `paint-order`."""
    return f'<g fill="#fff" stroke="#fff" stroke-width="2.4" stroke-linejoin="round">{texts}</g>'


def basemap_svg(frame: Frame, layers: Sequence[VectorLayer], keep_clear: Sequence[tuple[float, ...]] = ()) -> str:
    """Areas, then lines, then labelled points, so that no fill hides a line and every label is
    on top; no label over the boxes of `keep_clear` (the site a locator is about). Features say
    their zooms in whole steps, as tiles do: a frame between two takes the nearer, so that the
    coarse line ending at one zoom and the detailed one starting at the next never both miss it."""
    zoom = max(0, min(MAX_ZOOM, round(frame.zoom)))
    styles = dict(zip(map(id, layers), paint(layers), strict=True))
    shapes = _within_budget(frame, [layer for layer in layers if layer.on and layer.kind != "point"], styles, zoom)
    areas = [shapes[id(layer)] for layer in layers if id(layer) in shapes and layer.kind == "area"]
    lines = [shapes[id(layer)] for layer in layers if id(layer) in shapes and layer.kind == "line"]
    taken: list[tuple[float, ...]] = list(keep_clear)
    points = [
        _points(frame, layer, styles[id(layer)]["fill"], zoom, taken)
        for layer in layers
        if layer.on and layer.kind == "point"
    ]
    return "".join(areas + lines + points)


def _within_budget(
    frame: Frame, layers: Sequence[VectorLayer], styles: Mapping[int, Mapping[str, Any]], zoom: int
) -> dict[int, str]:
    """Each layer's path (by the layer's id()), the most telling layers first, each thinned
    further (up to 4 px) while it would take the map's basemap beyond `BASEMAP_BUDGET` bytes, and
    left out if even that is too much: a locator must stay small whatever data it is given (the
    world's provinces at 10m would weigh megabytes)."""
    drawn: dict[int, str] = {}
    spent = 0
    for layer in sorted(layers, key=lambda layer: BUDGET_ORDER.get(layer.style, len(BUDGET_ORDER))):
        for pixels in (0.5, 1.0, 2.0, 4.0):
            path = _shape_paths(frame, layer, styles[id(layer)], zoom, pixels)
            if spent + len(path) <= BASEMAP_BUDGET:
                drawn[id(layer)] = path
                spent += len(path)
                break
            if len(path) > 8 * (BASEMAP_BUDGET - spent):
                break  # thinning will not bring it within reach: spare the work
    return drawn


def nearest_inside(
    frame: Frame, points: Iterable[tuple[str, float, float]], centre: tuple[float, float], limit: int
) -> list[tuple[str, float, float]]:
    """The points (id, longitude, latitude) inside the frame, at most `limit` of them, the nearest
    to `centre` first: what a map holds must not grow with the catalogue."""
    cx, cy = frame.xy(*centre)
    inside = []
    for point in points:
        x, y = frame.xy(point[1], point[2])
        if 0 <= x <= frame.width and 0 <= y <= frame.height:
            inside.append(((x - cx) ** 2 + (y - cy) ** 2, point))
    inside.sort(key=lambda pair: pair[0])
    return [point for _, point in inside[:limit]]


def sites_svg(frame: Frame, dots: Sequence[Dot], radius: float = 2.2) -> str:
    """Unlinked dots as one path per colour (a dot is a zero-length stroke with round caps: a
    dozen bytes a site); linked ones as circles each in its link, titled with the site's name."""
    by_colour: dict[str, list[str]] = {}
    linked = []
    for dot in dots:
        x, y = frame.xy(dot.lon, dot.lat)
        if dot.href:
            title = f"<title>{_text(dot.title)}</title>" if dot.title else ""
            linked.append(
                f'<a href={_attr(dot.href)}><circle class="site" cx="{x:.1f}" cy="{y:.1f}" r="{radius + 1.3:.1f}" '
                f'fill={_attr(dot.colour)} stroke="#fff" stroke-width="0.8">{title}</circle></a>'
            )
        else:
            by_colour.setdefault(dot.colour, []).append(f"M{x:.1f} {y:.1f}h0")
    paths = [
        f'<path data-sites="{len(marks)}" stroke={_attr(colour)} stroke-width="{2 * radius:.1f}" '
        f'stroke-linecap="round" d="{"".join(marks)}"/>'
        for colour, marks in by_colour.items()
    ]
    return "".join(paths) + "".join(linked)


def _nice(length: float) -> float:
    """The largest 1, 2 or 5 times a power of ten not beyond `length`."""
    power = 10.0 ** math.floor(math.log10(length))
    return max(step * power for step in (1, 2, 5) if step * power <= length)


def scale_bar_svg(frame: Frame) -> str:
    metres = _nice(frame.metres_per_pixel() * frame.width / 4)
    pixels = metres / frame.metres_per_pixel()
    words = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    x, y = 8, frame.height - 8
    text = f'<text x="{x + pixels + 4:.1f}" y="{y}">{words}</text>'
    return (
        f'<g font-size="8"><path fill="none" stroke="#212529" stroke-width="1.2" '
        f'd="M{x} {y - 4}v4h{pixels:.1f}v-4"/>{_halo(text)}<g fill="#212529">{text}</g></g>'
    )


def map_svg(
    frame: Frame,
    layers: Sequence[VectorLayer],
    dots: Sequence[Dot],
    highlight: tuple[float, float] | None = None,
    label: str = "",
) -> str:
    """The whole map: ground, basemap, sites, the site itself (a red ring), a scale bar, and a
    frame line. `label` names the map for screen readers."""
    name = f' aria-label={_attr(label)} role="img"' if label else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="{frame.width}" height="{frame.height}" font-family="Noto Sans, DejaVu Sans, sans-serif"{name}>',
        f'<rect width="{frame.width}" height="{frame.height}" fill="#f8f6f1"/>',
    ]
    clear = [(0.0, frame.height - 22.0, frame.width / 4 + 50.0, float(frame.height))]  # the scale bar
    if highlight is not None:
        x, y = frame.xy(*highlight)
        clear.append((x - 9, y - 9, x + 9, y + 9))
    parts += [basemap_svg(frame, layers, clear), sites_svg(frame, dots)]
    if highlight is not None:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#e03131" stroke="#fff" stroke-width="1.5"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8.5" fill="none" stroke="#e03131" stroke-width="1.2"/>'
        )
    parts.append(scale_bar_svg(frame))
    parts.append("</svg>")
    return "".join(parts)


def credit(layers: Sequence[VectorLayer]) -> str:
    """What is said under a map that draws `layers`: where the basemap comes from and that its
    borders take no side; '' when there is no basemap."""
    if not any(layer.group == "basemap" and layer.features for layer in layers):
        return ""
    return f"Basemap: {NATURAL_EARTH[0]}. {BORDER_NOTE}"

"""A small basemap built in the tests (Natural Earth's data is not needed to test how it is drawn):
one feature of every style, towns with hostile labels, and what reading the SVG back takes."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from shapely.geometry import LineString, Point, Polygon

from heritage.context import Feature, VectorLayer

HOSTILE_TOWN = '</text><script>alert("town")</script>'
HOSTILE_LOCAL = "Ş & <b onload=alert(1)>ք</b>"
SVG = "{http://www.w3.org/2000/svg}"


def hostile_layers(extent: object = None, budget: int = 0) -> list[VectorLayer]:
    """What `heritage.context.naturalearth.basemap` returns in these tests, whatever it is asked."""
    coast = LineString([(44.0, 38.0), (45.5, 39.2), (46.1, 39.0), (47.0, 40.2), (49.0, 41.5)])
    border = LineString([(45.0, 41.5), (46.3, 40.4), (46.9, 39.6), (47.6, 38.2)])
    admin1 = LineString([(45.2, 38.6), (47.8, 40.9)])
    lake = Polygon(
        [(45.0, 40.0), (45.5, 40.0), (45.5, 40.4), (45.0, 40.4)], [[(45.2, 40.1), (45.3, 40.1), (45.3, 40.2)]]
    )
    river = LineString([(45.1, 39.0), (46.0, 39.4), (46.6, 39.5), (47.5, 39.9)])
    towns = [
        Feature(Point(46.76, 39.82), minzoom=5, label="Stepanakert", local="Ստեփանակերտ", rank=0),
        Feature(Point(46.97, 39.59), minzoom=5, label=HOSTILE_TOWN, local=HOSTILE_LOCAL, rank=1),
        # A crowd at one spot: no room for every label.
        *(Feature(Point(46.5, 40.5), minzoom=5, label=f"Crowd {rank}", rank=rank) for rank in range(2, 12)),
        Feature(Point(46.0, 39.3), minzoom=12, label="Village only close up", rank=3),
    ]
    return [
        VectorLayer("lakes", "Lakes", "area", "lake", "basemap", [Feature(lake)]),
        VectorLayer("coast", "Coastlines", "line", "coast", "basemap", [Feature(coast)]),
        VectorLayer("borders", "Borders", "line", "border", "basemap", [Feature(border)]),
        VectorLayer("admin1", "Provinces", "line", "admin1", "basemap", [Feature(admin1)]),
        VectorLayer("rivers", "Rivers", "line", "river", "basemap", [Feature(river)]),
        VectorLayer("towns", "Towns", "point", "town", "basemap", towns),
    ]


def svgs(page: str) -> list[str]:
    """Every SVG document in an HTML page."""
    return re.findall(r"<svg .*?</svg>", page, flags=re.S)


def parse(svg: str) -> ElementTree.Element:
    """The SVG as XML: it must be well formed, whatever its labels held."""
    return ElementTree.fromstring(svg)


def site_dots(svg: str) -> list[tuple[float, float]]:
    """The sites an SVG map draws as dots (one path per colour, a dot per 'M x yh0')."""
    found = []
    for path in parse(svg).iter(f"{SVG}path"):
        if "data-sites" in path.attrib:
            dots = [(float(x), float(y)) for x, y in re.findall(r"M(-?[\d.]+) (-?[\d.]+)h0", path.attrib["d"])]
            assert len(dots) == int(path.attrib["data-sites"])
            found += dots
    return found


def labels(svg: str) -> list[str]:
    """The town labels of a map as a reader sees them (each once: a label is drawn twice, its
    white halo beneath)."""
    texts = ["".join(t.itertext()) for t in parse(svg).iter(f"{SVG}text")]
    return list(dict.fromkeys(texts))

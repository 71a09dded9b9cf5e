"""The static SVG maps (heritage.context.svgmap): the basemap drawn as a web map would draw it at
the frame's scale, clipped and rounded so that a map's size follows its pixels, hostile labels
inert, and only the sites inside the frame."""

from __future__ import annotations

import json
import random

from shapely.geometry import LineString, box

from basemap_layers import HOSTILE_LOCAL, HOSTILE_TOWN, SVG, hostile_layers, labels, parse, site_dots
from heritage.context import STYLES, Feature, VectorLayer, encode_layers
from heritage.context.svgmap import Dot, Frame, credit, map_svg, nearest_inside
from heritage.palette import CONDITION_COLOURS

REGION = (45.0, 38.5, 48.0, 41.0)
COAST, BORDER, ADMIN1, RIVER = (STYLES[name]["stroke"] for name in ("coast", "border", "admin1", "river"))
LAKE = STYLES["lake"]["fill"]


def test_the_basemap_is_drawn_in_its_styles_beneath_the_sites() -> None:
    frame = Frame.around(REGION, 330, 230)
    svg = map_svg(frame, hostile_layers(), [Dot(46.5, 39.5, "#e03131")], highlight=(46.75, 39.76))
    root = parse(svg)
    paths = [p.attrib for p in root.iter(f"{SVG}path")]
    shapes = [p for p in paths if p.get("fill-rule") or p.get("stroke-linejoin") == "round"]
    strokes = {p.get("stroke") for p in paths}
    assert {COAST, BORDER, ADMIN1, RIVER} <= strokes  # coast, border, provinces, river
    assert any(p.get("stroke-dasharray") for p in paths if p.get("stroke") == ADMIN1)  # provinces dashed
    assert not any(p.get("stroke-dasharray") for p in paths if p.get("stroke") == BORDER)  # borders solid
    assert any(p.get("fill") == LAKE and p.get("fill-rule") == "evenodd" for p in paths)  # the lake
    # Sites after the basemap, so that no line covers one.
    order = [p.get("stroke") or p.get("fill") for p in paths]
    assert order.index("#e03131") > order.index(RIVER)
    # Every coordinate to a tenth of a pixel.
    numbers = [n for p in shapes for n in p["d"].replace("M", " ").replace("l", " ").replace("z", " ").split()]
    assert len(numbers) > 20 and all(len(n.partition(".")[2]) <= 1 for n in numbers)


def test_the_sea_is_one_fill_beneath_the_rest_without_outline() -> None:
    frame = Frame.around(REGION, 330, 230)
    tiles = [Feature(box(44.0, 38.0, 46.0, 40.0)), Feature(box(46.0, 38.0, 48.0, 40.0))]  # meeting at 46E
    sea = VectorLayer("sea", "Sea", "area", "sea", "basemap", tiles)
    paths = [p.attrib for p in parse(map_svg(frame, [sea, *hostile_layers()], [])).iter(f"{SVG}path")]
    filled = [p for p in paths if p.get("fill") == STYLES["sea"]["fill"]]
    assert len(filled) == 1 and filled[0].get("stroke") == "none"  # both tiles in one path, no seam
    assert paths.index(filled[0]) < min(i for i, p in enumerate(paths) if p.get("fill") == STYLES["lake"]["fill"])


def test_town_labels_are_escaped_text_in_both_scripts_and_never_overlap() -> None:
    svg = map_svg(Frame.around(REGION, 330, 230), hostile_layers(), [])
    assert "<script" not in svg and "<b " not in svg
    shown = labels(svg)
    assert "StepanakertՍտեփանակերտ" in shown  # the local-script name beneath the name
    assert HOSTILE_TOWN + HOSTILE_LOCAL in shown  # as text, exactly as the data has it
    crowd = [t for t in shown if t.startswith("Crowd ")]
    assert "Crowd 2" in crowd and "Crowd 11" not in crowd and len(crowd) < 10  # kept by rank, room or not
    spots = [(t.get("x"), t.get("y"), t.get("text-anchor")) for t in parse(svg).iter(f"{SVG}text")]
    assert len(set(spots)) == len(shown)  # each label in a place of its own (its halo beneath it)
    assert not any("Village" in t for t in shown)  # labelled only from zoom 12
    close = map_svg(Frame.at_zoom(46.0, 39.3, 12, 330, 230), hostile_layers(), [])
    assert "Village only close up" in labels(close)


def test_only_the_sites_inside_the_frame_the_nearest_first() -> None:
    frame = Frame.around((46.0, 39.0, 47.0, 40.0), 330, 230)
    points = [("in", 46.5, 39.5), ("far", 40.0, 39.5), ("north", 46.5, 45.0), ("edge", 46.9, 39.1)]
    assert [p[0] for p in nearest_inside(frame, points, (46.5, 39.5), 10)] == ["in", "edge"]
    assert [p[0] for p in nearest_inside(frame, points, (46.5, 39.5), 1)] == ["in"]
    svg = map_svg(
        frame, [], [Dot(lon, lat, "#2f9e44") for _, lon, lat in nearest_inside(frame, points, (46.5, 39.5), 9)]
    )
    assert len(site_dots(svg)) == 2
    assert all(0 <= x <= 330 and 0 <= y <= 230 for x, y in site_dots(svg))


def test_linked_sites_open_their_dossier_and_their_titles_are_text() -> None:
    frame = Frame.around(REGION, 900, 440)
    dot = Dot(46.5, 39.5, "#e03131", href='dossiers/a"b.html', title='<script>alert("x")</script> & co')
    root = parse(map_svg(frame, [], [dot]))
    link = next(root.iter(f"{SVG}a"))
    assert link.attrib["href"] == 'dossiers/a"b.html'
    assert next(link.iter(f"{SVG}title")).text == '<script>alert("x")</script> & co'


def test_a_map_weighs_what_its_pixels_hold_not_what_the_data_holds() -> None:
    rng = random.Random(7)
    # A coastline of 200,000 points wandering over the frame, and 20,000 sites.
    walk = [(45.0 + 3 * i / 200_000, 39.7 + 0.3 * rng.random()) for i in range(200_000)]
    layers = [VectorLayer("coast", "Coast", "line", "coast", "basemap", [Feature(LineString(walk))])]
    points = [(f"s{i}", rng.uniform(*REGION[0::2]), rng.uniform(*REGION[1::2])) for i in range(20_000)]
    frame = Frame.around(REGION, 330, 230)
    dots = [Dot(lon, lat, "#909aa3") for _, lon, lat in nearest_inside(frame, points, (46.5, 39.7), 2000)]
    svg = map_svg(frame, layers, dots, highlight=(46.5, 39.7))
    assert len(site_dots(svg)) == 2000
    assert len(svg.encode()) < 120_000


def test_the_credit_is_said_only_under_a_basemap() -> None:
    assert "Natural Earth" in credit(hostile_layers()) and "imply no position" in credit(hostile_layers())
    assert credit([]) == ""
    user = [VectorLayer("roads", "Roads", "line", "user-line", "user", [Feature(LineString([(0, 0), (1, 1)]))])]
    assert credit(user) == ""


def test_the_scale_bar_says_a_round_distance() -> None:
    svg = map_svg(Frame.around(REGION, 330, 230), [], [])
    assert labels(svg) == ["50 km"]
    close = map_svg(Frame.at_zoom(46.0, 39.3, 16, 330, 230), [], [])
    assert labels(close)[0].endswith(" m")


def test_a_frame_between_two_zooms_draws_one_of_the_coarse_and_the_detailed_lines() -> None:
    line = LineString([(45.5, 39.0), (47.5, 40.5)])
    coarse, detailed = Feature(line, maxzoom=6), Feature(line, minzoom=7)
    layers = [VectorLayer("coast", "Coast", "line", "coast", "basemap", [coarse, detailed])]
    for width in (300, 330, 360, 420, 500):  # zooms from about 6.8 to 7.5
        svg = map_svg(Frame.around(REGION, width, 230), layers, [])
        assert parse(svg).find(f"{SVG}path").attrib["d"].count("M") == 1


def test_too_heavy_a_basemap_is_thinned_then_left_out_the_least_telling_layer_first() -> None:
    rng = random.Random(5)
    coast = Feature(LineString([(45.2, 38.6), (46.0, 40.0), (47.8, 40.9)]))
    pieces = []
    for _ in range(30_000):  # provinces in countless short pieces: megabytes at this scale
        x, y = rng.uniform(45, 48), rng.uniform(38.5, 41)
        pieces.append(Feature(LineString([(x, y), (x + 0.05, y + 0.03)])))
    layers = [
        VectorLayer("admin1", "Provinces", "line", "admin1", "basemap", pieces),
        VectorLayer("coast", "Coast", "line", "coast", "basemap", [coast]),
    ]
    svg = map_svg(Frame.around(REGION, 330, 230), layers, [])
    strokes = [p.get("stroke") for p in parse(svg).iter(f"{SVG}path")]
    assert COAST in strokes and ADMIN1 not in strokes  # the coast kept, the provinces left out
    assert len(svg.encode()) < 102_000


def test_the_svg_maps_paint_each_layer_as_the_page_does() -> None:
    """One table of looks: the colours the page reads from the layers' document are the ones the
    SVG maps draw, and a user's layer takes a muted colour that no condition uses."""
    mine = [
        VectorLayer("user-1", "Roads", "line", "user-line", "user", [Feature(LineString([(45.5, 39), (47.5, 40)]))]),
        VectorLayer("user-2", "Tracks", "line", "user-line", "user", [Feature(LineString([(45.5, 40), (47.5, 39)]))]),
    ]
    layers = hostile_layers() + mine
    document = json.loads(encode_layers(layers))
    paints = {layer["id"]: layer["paint"] for layer in document["layers"]}
    svg = parse(map_svg(Frame.around(REGION, 330, 230), layers, []))
    strokes = {p.get("stroke") for p in svg.iter(f"{SVG}path")}
    lines = {paint["stroke"] for paint in paints.values() if "stroke" in paint}
    assert lines <= strokes
    assert paints["lakes"]["fill"] == LAKE and paints["admin1"]["dash"] == STYLES["admin1"]["dash"]
    assert paints["user-1"]["stroke"] != paints["user-2"]["stroke"]
    assert not {paints["user-1"]["stroke"], paints["user-2"]["stroke"]} & set(CONDITION_COLOURS.values())

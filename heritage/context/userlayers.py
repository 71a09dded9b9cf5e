"""A user's own layers for the map (`heritage map --layer FILE`), read into `VectorLayer`s.

GeoPackage (every layer in it), GeoJSON and Shapefile are read with pyogrio and reprojected to
longitude/latitude when their CRS says otherwise; an OpenStreetMap extract (`.osm.pbf`) is read
with pyosmium into three layers: roads, settlements and places of worship. A layer too large for a
page is thinned, or refused when thinning cannot bring it under `MAX_LAYER_BYTES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from heritage.context import MAX_ZOOM, Feature, Kind, VectorLayer, encode_layers

MAX_LAYER_BYTES = 5_000_000  # what one user layer may add to a page, encoded
OPENSTREETMAP = ("© OpenStreetMap contributors (ODbL)", "https://www.openstreetmap.org/copyright")
LABEL_FIELDS = ("name", "label", "title")  # the first a file has labels its points

_KIND_OF = {"Point": "point", "LineString": "line", "LinearRing": "line", "Polygon": "area"}


class LayerFileError(Exception):
    """A layer file that cannot be read; the message names the file (and the layer)."""


@dataclass
class LayerFile:
    """What one `--layer FILE` adds: its layers, and the credit its data asks for."""

    path: Path
    layers: list[VectorLayer] = field(default_factory=list)
    attribution: tuple[str, str] | None = None


def read_layer_file(path: Path, first_id: int = 1) -> LayerFile:
    """The layers of `path`, their ids `user-N` numbered from `first_id`."""
    path = Path(path)
    if not path.is_file():
        raise LayerFileError(f"{path}: not a file")
    # Any .pbf is OpenStreetMap's: GDAL would read it too, but as raw tables and without the credit
    # its licence asks for.
    if path.name.lower().endswith((".pbf", ".osm")):
        found, credit = read_osm(path), OPENSTREETMAP
    else:
        found, credit = read_gis(path), None
    if not found:
        raise LayerFileError(f"{path}: nothing to draw (no feature has a point, line or area)")
    for number, layer in enumerate(found, start=first_id):
        layer.id = f"user-{number}"
        thin_to_fit(layer, path)
    return LayerFile(path, found, credit)


# -- GIS files (pyogrio) -------------------------------------------------------------------------


def read_gis(path: Path) -> list[VectorLayer]:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    if path.suffix.lower() == ".shp" and not any(path.with_suffix(s).exists() for s in (".shx", ".SHX")):
        raise LayerFileError(
            f"{path}: its index file {path.with_suffix('.shx').name} is missing (copy it beside the .shp)"
        )
    try:
        names = [str(row[0]) for row in pyogrio.list_layers(path)]
    except (DataSourceError, DataLayerError, OSError) as error:
        raise LayerFileError(f"{path}: not a GIS file that can be read ({_said(error)})") from error
    layers: list[VectorLayer] = []
    for name in names:
        title = path.name if len(names) == 1 else f"{path.name} · {name}"
        try:
            meta, _fids, wkb, values = pyogrio.raw.read(path, layer=name, force_2d=True)
        except (DataSourceError, DataLayerError, OSError) as error:
            raise LayerFileError(f"{path}: layer {name!r} cannot be read ({_said(error)})") from error
        except UnicodeDecodeError as error:
            raise LayerFileError(
                f"{path}: layer {name!r} has text that is not UTF-8 ({error.object[:40]!r}); save it as "
                "UTF-8 (for a Shapefile, a .cpg file beside it can name its encoding)"
            ) from error
        if wkb is None or not len(wkb):
            continue  # an attribute table: nothing to draw
        geometries = _to_lonlat(shapely.from_wkb(wkb, on_invalid="ignore"), meta.get("crs"), path, name)
        _check_degrees(geometries, path, name)
        labels = _labels(list(meta["fields"]), values, len(geometries))
        layers += _by_kind(title, geometries, labels)
    return layers


def _said(error: Exception) -> str:
    """GDAL's message without its advice on driver prefixes, which means nothing to our users."""
    return str(error).split("; It might help")[0].rstrip(".")


def _to_lonlat(geometries: Any, crs: str | None, path: Path, layer: str) -> Any:
    if not crs:
        # GeoJSON says nothing when it is WGS84 (RFC 7946); anything else must say what it is.
        if path.suffix.lower() in (".geojson", ".json"):
            return geometries
        if path.with_suffix(".prj").exists():
            raise LayerFileError(
                f"{path}: layer {layer!r}: its .prj file names no coordinate reference system GDAL knows"
            )
        raise LayerFileError(f"{path}: layer {layer!r} has no coordinate reference system (a missing .prj?)")
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError as error:
        raise LayerFileError(f"{path}: layer {layer!r} has an unknown coordinate reference system {crs!r}") from error
    if source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geometries
    transformer = Transformer.from_crs(source, 4326, always_xy=True)
    return shapely.transform(geometries, lambda xy: _stacked(transformer.transform(xy[:, 0], xy[:, 1])))


def _check_degrees(geometries: Any, path: Path, layer: str) -> None:
    """Every coordinate a finite longitude and latitude: a GeoJSON in metres that does not say so,
    or a point its projection cannot reach, would be drawn nowhere (or stop the page's encoder)."""
    import numpy

    coords, index = shapely.get_coordinates(geometries, return_index=True)
    bad = ~numpy.isfinite(coords).all(axis=1)
    bad |= numpy.abs(numpy.nan_to_num(coords[:, 0])) > 180
    bad |= numpy.abs(numpy.nan_to_num(coords[:, 1])) > 90
    if bad.any():
        first = int(bad.argmax())
        x, y = coords[first]
        raise LayerFileError(
            f"{path}: layer {layer!r}, feature {int(index[first]) + 1}: ({x:g}, {y:g}) is not a longitude "
            "and latitude in degrees (is its coordinate reference system missing or wrong?)"
        )


def _stacked(pair: tuple[Any, Any]) -> Any:
    import numpy

    return numpy.column_stack(pair)


def _labels(fields: list[str], values: list[Any], count: int) -> list[str]:
    lowered = [name.lower() for name in fields]
    for wanted in LABEL_FIELDS:
        if wanted in lowered:
            column = values[lowered.index(wanted)]
            return ["" if value is None else str(value).strip() for value in column]
    return [""] * count


def _by_kind(title: str, geometries: Any, labels: list[str]) -> list[VectorLayer]:
    """One layer per kind of geometry the file holds (a GeoJSON may mix points and lines)."""
    kinds: dict[Kind, list[Feature]] = {"area": [], "line": [], "point": []}
    for geometry, label in zip(geometries, labels, strict=True):
        for piece in _pieces(geometry):
            kinds[_KIND_OF[piece.geom_type]].append(Feature(piece, label=label))  # type: ignore[index]
    present = [kind for kind in kinds if kinds[kind]]
    return [
        VectorLayer(
            id="",
            title=title if len(present) == 1 else f"{title} ({kind}s)",
            kind=kind,
            style=f"user-{kind}",
            group="user",
            features=kinds[kind],
        )
        for kind in present
    ]


def _pieces(geometry: BaseGeometry | None) -> Iterator[BaseGeometry]:
    if geometry is None or geometry.is_empty:
        return
    if hasattr(geometry, "geoms"):
        for piece in geometry.geoms:
            yield from _pieces(piece)
    elif geometry.geom_type in _KIND_OF:
        yield geometry


# -- OpenStreetMap extracts (pyosmium) ---------------------------------------------------------------

# The zoom from which each kind of road is drawn: the main network from afar, the rest close up.
ROAD_ZOOM = {"motorway": 5, "trunk": 6, "primary": 8, "secondary": 10, "tertiary": 11}
MINOR_ROAD_ZOOM = 13
# Settlements: rank (which label wins a collision) and the zoom from which each is drawn.
PLACES = {"city": (0, 5), "town": (1, 8), "village": (2, 11), "hamlet": (3, 13)}
WORSHIP_ZOOM = 12


def read_osm(path: Path) -> list[VectorLayer]:
    from osmium import InvalidLocationError

    found: dict[str, list[Feature]] = {"roads": [], "settlements": [], "places of worship": []}
    try:
        for obj in _osm_objects(path):
            if obj.is_node():
                _osm_node(obj, found)
            elif obj.is_way():
                _osm_way(obj, found)
    # pyosmium's words for a file it cannot read (ValueError: a tag longer than OSM allows, in XML).
    except (RuntimeError, ValueError, InvalidLocationError) as error:
        raise LayerFileError(f"{path}: not an OpenStreetMap file that can be read ({error})") from error
    kinds: dict[str, Kind] = {"roads": "line", "settlements": "point", "places of worship": "point"}
    return [
        VectorLayer(
            id="",
            title=f"{path.name} · {title}",
            kind=kinds[title],
            style=f"user-{kinds[title]}",
            group="user",
            features=features,
        )
        for title, features in found.items()
        if features
    ]


def _osm_objects(path: Path) -> Iterator[Any]:
    import osmium

    wanted = osmium.filter.KeyFilter("highway", "place", "amenity")
    # Locations of every node are kept (before the filter) so that ways have their geometry.
    # The format said, not left to pyosmium: it knows a file by its suffix in lower case only, and
    # a FAT-formatted USB stick may hold VADUZ.OSM.PBF.
    source = osmium.io.File(str(path), "pbf" if path.name.lower().endswith(".pbf") else "osm")
    yield from osmium.FileProcessor(source).with_locations().with_filter(wanted)


def _osm_node(node: Any, found: dict[str, list[Feature]]) -> None:
    if not node.location.valid():
        return
    tags, point = node.tags, Point(node.location.lon, node.location.lat)
    if tags.get("place") in PLACES:
        rank, zoom = PLACES[tags["place"]]
        found["settlements"].append(Feature(point, zoom, MAX_ZOOM, *_osm_names(tags), rank=rank))
    elif tags.get("amenity") == "place_of_worship":
        found["places of worship"].append(Feature(point, WORSHIP_ZOOM, MAX_ZOOM, *_osm_names(tags), rank=4))


def _osm_way(way: Any, found: dict[str, list[Feature]]) -> None:
    line = _way_line(way)
    if line is None:
        return
    tags = way.tags
    highway = tags.get("highway")
    if highway is not None:
        zoom = ROAD_ZOOM.get(highway.removesuffix("_link"), MINOR_ROAD_ZOOM)
        found["roads"].append(Feature(line, zoom))
    elif tags.get("amenity") == "place_of_worship":  # a building drawn as a way: its centre
        found["places of worship"].append(Feature(line.centroid, WORSHIP_ZOOM, MAX_ZOOM, *_osm_names(tags), rank=4))


def _way_line(way: Any) -> LineString | None:
    points = [(node.lon, node.lat) for node in way.nodes if node.location.valid()]
    return LineString(points) if len(points) >= 2 else None


def _osm_names(tags: Any) -> tuple[str, str]:
    """The label (English where OSM has it, as the map's words are) and the name on the ground
    (`name`, in the local script) when it differs."""
    local = tags.get("name", "")
    label = tags.get("name:en", "") or local
    return label, local if local != label else ""


# -- size ------------------------------------------------------------------------------------------------


def layer_bytes(layer: VectorLayer) -> int:
    return len(encode_layers([layer]).encode("utf-8"))


def thin_to_fit(layer: VectorLayer, path: Path, limit: int = MAX_LAYER_BYTES) -> None:
    """Simplify a line or area layer until it fits in `limit` bytes; refuse what cannot fit."""
    size = layer_bytes(layer)
    tolerance = layer.unit
    while size > limit and layer.kind != "point" and tolerance < 0.01:
        tolerance *= 2
        layer.features = [
            Feature(f.geometry.simplify(tolerance), f.minzoom, f.maxzoom, f.label, f.local, f.rank)
            for f in layer.features
        ]
        size = layer_bytes(layer)
    if size > limit:
        raise LayerFileError(
            f"{path}: layer {layer.title!r} would add {size / 1e6:.1f} MB to the map (at most "
            f"{limit / 1e6:.0f} MB): clip it to the mission's area first (ogr2ogr -clipsrc W S E N)"
        )

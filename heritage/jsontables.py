"""JSON and GeoJSON files as tables of text cells (see `heritage.tables`, which calls this).

Accepted shapes:

- a list of objects, one row each ("item 1", "item 2"...);
- an object with exactly one member that is a list of objects (`{"sites": [...]}`, whatever
  else it holds beside, such as a date or a licence, is not rows and is left out);
- GeoJSON: a FeatureCollection, or a list of Features ("feature 1"...). The feature's `id`
  becomes the column `id` (unless a property has that name) and its geometry the column
  `geometry`, as WKT, so that a GeoJSON file and a CSV with a WKT column read alike.

Objects flatten to dotted columns (`{"claimant": {"name": "X"}}` -> `claimant.name`); lists of
values join with "; "; a list of objects gives one column per member, its values joined with
"; " in order (an object without that member leaves an empty place, so that the n-th values of
`sources.id` and `sources.url` still belong together). Numbers keep the spelling the file gives
them (39.8123 stays "39.8123", never 39.812299999...); true/false are "true"/"false"; null is "".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from heritage.codec import loads
from heritage.errors import InvalidInput
from heritage.store import unique_keys
from heritage.tables import TableRow

SEPARATOR = "; "


class _Number(str):
    """A JSON number as the file spells it: text for the cells, a float for a geometry."""


def read_json_table(path: Path, text: str) -> tuple[str, list[str], list[TableRow]]:
    """(format, columns, rows) of a JSON or GeoJSON text."""
    try:
        # Numbers are kept as their text: the strict reader still refuses NaN, Infinity, lone
        # surrogates and, through the hook, a key given twice in one object.
        document = loads(
            text.removeprefix("\ufeff"), parse_float=_Number, parse_int=_Number, object_pairs_hook=unique_keys
        )
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", file=path) from None
    except ValueError as exc:  # a key given twice (store.DuplicateKey)
        raise InvalidInput(f"is not valid JSON: {exc}", file=path) from None
    items, geojson = _items(path, document)
    word = "feature" if geojson else "item"
    flat: list[tuple[str, dict[str, str]]] = []
    for number, item in enumerate(items, start=1):
        label = f"{word} {number}"
        try:
            cells = _feature(item) if geojson else _object(item)
        except ValueError as exc:
            raise InvalidInput(f"{label}: {exc}", file=path) from None
        flat.append((label, cells))
    columns: dict[str, None] = {}  # an ordered set: first-seen order
    for _, cells in flat:
        columns.update(dict.fromkeys(cells))
    names = [name for name in columns if not _null_parent(name, columns, flat)]
    rows = [TableRow(label, {name: cells.get(name, "") for name in names}) for label, cells in flat]
    return ("geojson" if geojson else "json"), names, rows


def _null_parent(name: str, columns: dict[str, None], flat: list[tuple[str, dict[str, str]]]) -> bool:
    """A column that is only ever null where other items give an object: `"coordinates": null`
    beside `"coordinates": {"lat": ...}` is the lack of coordinates.lat and .lon, not a column."""
    prefix = name + "."
    if not any(column.startswith(prefix) for column in columns):
        return False
    return not any(cells.get(name) for _, cells in flat)


def _is_feature(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "Feature"


def _items(path: Path, document: Any) -> tuple[list[Any], bool]:
    """The rows of the document, and whether they are GeoJSON features."""
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise InvalidInput("is a FeatureCollection without a list of 'features'", file=path)
        _check_crs(path, document.get("crs"))
        return features, True
    if isinstance(document, dict) and document.get("type") == "Feature":
        raise InvalidInput("is a single GeoJSON Feature: give a FeatureCollection (or a list of features)", file=path)
    if isinstance(document, dict):
        lists = [key for key, value in document.items() if isinstance(value, list) and value and _objects(value)]
        if len(lists) != 1:
            found = f"{len(lists)} ({', '.join(repr(k) for k in lists)})" if lists else "none"
            raise InvalidInput(
                "is a JSON object: heritage reads a list of objects, or an object with exactly one member "
                f"that is such a list (found {found})",
                file=path,
            )
        document = document[lists[0]]
    if not isinstance(document, list):
        raise InvalidInput("holds a single JSON value, not a list of objects", file=path)
    return document, bool(document) and _is_feature(document[0])


# Names of WGS84 longitude/latitude in the `crs` member older GeoJSON (2008) and QGIS write.
_WGS84 = ("crs84", "epsg::4326", "epsg:4326", "wgs84", "wgs 84")


def _check_crs(path: Path, crs: Any) -> None:
    """Refuse a file that says its coordinates are in another system (metres of a projection):
    read as degrees, small ones would land in the wrong place without a word."""
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str) and any(wgs84 in name.casefold() for wgs84 in _WGS84):
        return
    said = repr(name) if isinstance(name, str) else "a system heritage cannot name"
    raise InvalidInput(
        f"declares its coordinates in {said} ('crs'), not in longitude and latitude (WGS84): reproject it first, "
        "e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson",
        file=path,
    )


def _objects(values: list[Any]) -> bool:
    return all(isinstance(v, dict) for v in values)


def _object(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        raise ValueError(f"is {_kind(item)}, not an object: every item of the list must be an object")
    if _is_feature(item):
        raise ValueError("is a GeoJSON Feature in a list whose first item is not: give only features, or none")
    cells: dict[str, str] = {}
    _flatten(item, "", cells)
    return cells


def _feature(item: Any) -> dict[str, str]:
    if not _is_feature(item):
        raise ValueError(f"is {_kind(item)}, not a GeoJSON Feature")
    properties = item.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValueError("its 'properties' is not an object")
    if "geometry" in properties:
        raise ValueError("has a property named 'geometry', the name heritage gives the feature's own geometry")
    cells: dict[str, str] = {}
    if item.get("id") is not None and "id" not in properties:
        cells["id"] = _scalar(item["id"])
    _flatten(properties, "", cells)
    cells["geometry"] = _wkt(item.get("geometry"))
    return cells


# What each GeoJSON geometry's coordinates look like, for the message when they do not.
_SHAPES = {
    "Point": "[lon, lat]",
    "MultiPoint": "[[lon, lat], ...]",
    "LineString": "[[lon, lat], [lon, lat], ...]",
    "MultiLineString": "[[[lon, lat], [lon, lat], ...], ...]",
    "Polygon": "[[[lon, lat], [lon, lat], [lon, lat], [lon, lat]], ...] (rings closed, of four points or more)",
    "MultiPolygon": "[[[[lon, lat], ...]], ...]",
    "GeometryCollection": "",
}


def _wkt(geometry: Any) -> str:
    if geometry is None:
        return ""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in _SHAPES:
        found = f"has the type {kind!r}" if isinstance(kind, str) else "is not an object with a 'type'"
        raise ValueError(f"its geometry {found}: GeoJSON has {', '.join(_SHAPES)}")
    import shapely  # only GeoJSON files need it
    from shapely.geometry import shape

    try:
        return str(shapely.to_wkt(shape(_floats(geometry)), rounding_precision=-1))
    except Exception:  # shapely's and numpy's words ("gufunc core with signature...") are no help
        wanted = f": its coordinates are {_SHAPES[kind]}, numbers, longitude first" if _SHAPES[kind] else ""
        raise ValueError(f"its geometry is not a valid GeoJSON {kind}{wanted}") from None


def _floats(value: Any) -> Any:
    """The document with its numbers as numbers again (whole ones stay whole: `[1, 2]`)."""
    if isinstance(value, _Number):
        return int(value) if value.lstrip("-").isdigit() else float(value)
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    return value


def _put(cells: dict[str, str], column: str, text: str) -> None:
    if column in cells:
        # {"a.b": 1, "a": {"b": 2}} would make one column of two values: neither may win.
        raise ValueError(f"gives the column {column!r} twice (a dotted name and a nested object)")
    cells[column] = text


def _flatten(value: Any, prefix: str, cells: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else key, cells)
    elif isinstance(value, list):
        if value and _objects(value):
            _put_list_of_objects(value, prefix, cells)
        elif any(isinstance(v, dict | list) for v in value):
            # A list of lists (coordinates kept as a property, say) has no text form of its own.
            _put(cells, prefix, json.dumps(_floats(value), ensure_ascii=False))
        else:
            _put(cells, prefix, SEPARATOR.join(t for t in (_scalar(v) for v in value) if t))
    else:
        _put(cells, prefix, _scalar(value))


def _put_list_of_objects(items: list[dict[str, Any]], prefix: str, cells: dict[str, str]) -> None:
    flat = []
    for item in items:
        inner: dict[str, str] = {}
        _flatten(item, prefix, inner)
        flat.append(inner)
    columns: dict[str, None] = {}
    for inner in flat:
        columns.update(dict.fromkeys(inner))
    for column in columns:
        texts = [inner.get(column, "") for inner in flat]
        _put(cells, column, SEPARATOR.join(texts) if any(texts) else "")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, _Number):
        return str.__str__(value)
    return str(value).strip()


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number" if isinstance(value, _Number) else "a value")

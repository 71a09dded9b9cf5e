"""Reading coordinates people type (stand-in: decimal degrees, WKT points, one-ring polygons).

A stand-in with the interface the import pipeline calls; the full parser (DMS, hemisphere
letters, polygons) replaces this file when its branch lands. Do not add to the interface here.
"""

from __future__ import annotations

import re
from typing import Any, Literal

BLANKS = {"", "not found", "n/a", "na", "-", "?", "none", "unknown", "нет"}
_WKT_POINT = re.compile(r"^\s*POINT\s*(?:Z\s*)?\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)\s*$", re.IGNORECASE)


def is_blank(text: str) -> bool:
    """Whether a cell says there is no value ("not found", "n/a", "-"...)."""
    return text.strip().casefold() in BLANKS


def parse_coordinate(text: str, axis: Literal["lat", "lon"]) -> float | None:
    if is_blank(text):
        return None
    name = "latitude" if axis == "lat" else "longitude"
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None


def parse_point(text: str) -> tuple[float, float] | None:
    """(lon, lat) from "lat, lon" or a WKT POINT."""
    if is_blank(text):
        return None
    match = _WKT_POINT.match(text)
    if match:
        lon, lat = parse_coordinate(match[1], "lon"), parse_coordinate(match[2], "lat")
    else:
        parts = [p for p in re.split(r"[,\s;]+", text) if p]
        if len(parts) != 2:
            raise ValueError(f"{text!r} is not 'lat, lon'")
        lat, lon = parse_coordinate(parts[0], "lat"), parse_coordinate(parts[1], "lon")
    if lat is None or lon is None:
        raise ValueError(f"{text!r} is not 'lat, lon'")
    return lon, lat


_WKT_POLYGON = re.compile(r"^\s*POLYGON\s*\(\s*\((.*)\)\s*\)\s*$", re.IGNORECASE)


def parse_geometry(text: str) -> dict[str, Any] | None:
    """A GeoJSON geometry from a WKT POINT, a one-ring WKT POLYGON or a point text."""
    if is_blank(text):
        return None
    if polygon := _WKT_POLYGON.match(text):
        try:
            ring = [[float(n) for n in pair.split()[:2]] for pair in polygon[1].split(",")]
        except ValueError:
            raise ValueError(f"{text!r} is not a WKT POLYGON((lon lat, ...))") from None
        return {"type": "Polygon", "coordinates": [ring]}
    if text.strip().upper().startswith("POINT") and not _WKT_POINT.match(text):
        raise ValueError(f"{text!r} is not a WKT POINT(lon lat)")
    point = parse_point(text)
    return None if point is None else {"type": "Point", "coordinates": [point[0], point[1]]}

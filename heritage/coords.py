"""Coordinates as people write them in spreadsheets and lists, read into WGS84 degrees.

One value (a latitude or longitude column): decimal degrees with a point or a decimal comma
(`39.8123`, `39,8123`, `-46.7`), with or without a hemisphere letter before or after it (`39.81N`,
`46.75 E`, `S 12.5`); degrees-minutes-seconds (`39°48′44″N`, `39°48'44"N`, `39 48 44 N`,
`39d48m44s`) and degrees with decimal minutes (`39°48.73'N`). S and W make it negative.

One point in one cell: a plain pair is **latitude first** (`39.81, 46.75`, as a map application
copies it); WKT is **longitude first** (`POINT (46.75 39.81)`, as the standard says). A pair of
values with hemisphere letters may come in either order, since the letters say which is which.

"Not found"-style cells (see BLANKS) are no coordinate at all: None, never an error, so that a
site without a known place is kept as the model allows. Everything else that cannot be read is
a ValueError whose message quotes the value in full and says what would be read.
"""

from __future__ import annotations

import re
from typing import Any, Literal

Axis = Literal["lat", "lon"]

# What people put in a coordinate cell when they have none, compared casefolded and stripped
# (a final full stop ignored), one language a line. Add new ones here: nothing else lists them.
_BLANK_WORDS = """
    - | -- | — | – | ? | ?? | n/a | na | n.a | none | null | nan | unknown | not known | not found | no data | tbd
    нет | нет данных | не найдено | неизвестно
    немає | немає даних | невідомо | не знайдено
"""
BLANKS = frozenset({""} | {word.strip() for line in _BLANK_WORDS.splitlines() for word in line.split("|")} - {""})

POINT_HELP = "give 'lat, lon', degrees-minutes-seconds such as 51°29′N 31°17′E, or WKT POINT(lon lat)"
_NAMES = {"lat": "latitude", "lon": "longitude"}
_LIMIT = {"lat": 90.0, "lon": 180.0}
_AXIS_OF = {"N": "lat", "S": "lat", "E": "lon", "W": "lon"}
_WORD = {"N": "north", "S": "south", "E": "east", "W": "west"}

# Marks people and word processors use for degrees, minutes and seconds, made one of each.
_MARKS = str.maketrans(
    {"º": "°", "˚": "°", "′": "'", "’": "'", "‘": "'", "´": "'", "`": "'", "″": '"', "“": '"', "”": '"', "−": "-"}
)
_HEMISPHERE_FIRST = re.compile(r"^([NSEW])\s*(.+)$", re.IGNORECASE)
_HEMISPHERE_LAST = re.compile(r"^(.+?)\s*([NSEW])$", re.IGNORECASE)
# A number and the mark after it (° or d, ' or m, " or s), if any.
_PART = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(°|deg|d|''|'|m|\"|s)?\s*", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?e[-+]?\d+", re.IGNORECASE)
_MARK_PLACE = {"°": 0, "deg": 0, "d": 0, "'": 1, "m": 1, "''": 2, '"': 2, "s": 2}


def is_blank(text: str) -> bool:
    """Whether a cell says there is no coordinate ("", "not found", "n/a", "—", "не найдено"...)."""
    folded = text.strip().casefold()
    return folded in BLANKS or folded.removesuffix(".") in BLANKS


class _Unreadable(ValueError):
    """Why one value cannot be read, as a short phrase ("" when no more can be said)."""


def parse_coordinate(text: str, axis: Axis) -> float | None:
    """One latitude or longitude, in decimal degrees; None for a "not found"-style cell."""
    if is_blank(text):
        return None
    try:
        return _coordinate(text, axis)
    except _Unreadable as exc:
        example = "39.8123 or -39.8123, or 39°48′44″N" if axis == "lat" else "46.7512 or -46.7512, or 46°45′04″E"
        reason = f"{exc}; " if str(exc) else ""
        raise ValueError(
            f"{text!r} is not a {_NAMES[axis]}: {reason}give decimal degrees or degrees-minutes-seconds, "
            f"such as {example}"
        ) from None


# "39d48m44s": the last s is seconds, not south.
_SECONDS_MARK = re.compile(r"\d\s*m\s*\d+(?:[.,]\d+)?\s*$", re.IGNORECASE)


def _coordinate(text: str, axis: Axis) -> float:
    body = text.strip().translate(_MARKS)
    hemisphere = ""
    last, first = _HEMISPHERE_LAST.match(body), _HEMISPHERE_FIRST.match(body)
    if last and not (last[2] in "sS" and _SECONDS_MARK.search(last[1])):
        hemisphere, body = last[2].upper(), last[1].strip()
    elif first:
        hemisphere, body = first[1].upper(), first[2].strip()
    sign = 1.0
    if body.startswith(("-", "+")):
        sign, body = (-1.0 if body[0] == "-" else 1.0), body[1:].strip()
    if hemisphere:
        if _AXIS_OF[hemisphere] != axis:
            other = _NAMES[_AXIS_OF[hemisphere]]
            raise _Unreadable(f"it says {hemisphere} ({_WORD[hemisphere]}), which belongs to a {other}")
        if sign < 0:
            raise _Unreadable(f"it has both a minus sign and {hemisphere}")
        if hemisphere in "SW":
            sign = -1.0
    degrees = _degrees(body)
    if degrees > _LIMIT[axis]:
        raise _Unreadable(f"a {_NAMES[axis]} lies between -{_LIMIT[axis]:g} and {_LIMIT[axis]:g}")
    return sign * degrees


def _degrees(body: str) -> float:
    """Degrees from "39.8123", "39,8123", "39°48'44\"", "39 48 44", "39d48m44s", "39°48.73'"."""
    if _SCIENTIFIC.fullmatch(body):
        return float(body)
    parts: list[float] = []
    fractional = False
    position = 0
    while position < len(body):
        found = _PART.match(body, position)
        if not found or found.end() == position:
            raise _Unreadable("")
        number, mark = found[1], (found[2] or "").lower()
        if fractional:
            raise _Unreadable("only the last of degrees, minutes and seconds may have a fraction")
        fractional = "." in number or "," in number
        place = _MARK_PLACE.get(mark, len(parts))
        if place != len(parts) or len(parts) == 3:
            raise _Unreadable("")
        parts.append(float(number.replace(",", ".")))
        position = found.end()
    if not parts:
        raise _Unreadable("")
    for value, unit in zip(parts[1:], ("minutes", "seconds"), strict=False):
        if value >= 60:
            raise _Unreadable(f"{unit} run from 0 to 59")
    return float(sum(value / 60**place for place, value in enumerate(parts)))


def parse_point(text: str) -> tuple[float, float] | None:
    """(lon, lat) from one cell: a "lat, lon" pair (latitude first), a pair with hemisphere
    letters in either order, or WKT/EWKT `POINT (lon lat)` (longitude first) with optional Z, M or
    ZM. None for a "not found"-style cell and for `POINT EMPTY`."""
    if is_blank(text):
        return None
    body = text.strip().translate(_MARKS)
    if _WKT_START.match(body):
        return _wkt_point(text, body)
    lat_text, lon_text = _pair(text, body)
    values = []
    for part, axis in ((lat_text, "lat"), (lon_text, "lon")):
        try:
            values.append(_coordinate(part, axis))  # type: ignore[arg-type]
        except _Unreadable as exc:
            swapped = (
                " (it looks like lon, lat: a plain pair is read as lat, lon)"
                if _looks_swapped(lat_text, lon_text)
                else ""
            )
            reason = f" ({exc})" if str(exc) else ""
            raise ValueError(
                f"{text!r} is not a point{swapped}: its {_NAMES[axis]} {part!r} cannot be read{reason}; {POINT_HELP}"
            ) from None
    return values[1], values[0]


def _looks_swapped(lat_text: str, lon_text: str) -> bool:
    try:
        return abs(float(lat_text.replace(",", "."))) > 90 >= abs(float(lon_text.replace(",", ".")))
    except ValueError:
        return False


# A hemisphere letter standing alone; an e between digits ("1.5e-07", as programs write small
# numbers) is an exponent, not east.
_LETTER = re.compile(r"(?<![A-Za-z])(?:[NSW]|(?<![\d.])E|E(?![-+]?\d))(?![A-Za-z])", re.IGNORECASE)


def _pair(text: str, body: str) -> tuple[str, str]:
    """(latitude text, longitude text) of a plain pair."""
    letters = [
        found
        for found in _LETTER.finditer(body)
        if not (found[0] in "sS" and _SECONDS_MARK.search(body[: found.start()]))  # 44s: seconds
    ]
    if len(letters) == 2:
        first, second = letters
        if body.endswith(second[0]):  # 51°29′N 31°17′E: each letter closes its value
            parts = body[: first.end()], body[first.end() :]
        elif body.startswith(first[0]):  # N 51°29′ E 31°17′: each letter opens its value
            parts = body[: second.start()], body[second.start() :]
        else:
            raise ValueError(
                f"{text!r} is not a point: put each hemisphere letter on the same side of its value; {POINT_HELP}"
            )
        a, b = (p.strip().strip(",;").strip() for p in parts)
        axes = (_AXIS_OF[first[0].upper()], _AXIS_OF[second[0].upper()])
        if axes[0] == axes[1]:
            raise ValueError(f"{text!r} is not a point: both values are {_NAMES[axes[0]]}s; {POINT_HELP}")
        return (a, b) if axes[0] == "lat" else (b, a)
    if letters:
        raise ValueError(f"{text!r} is not a point: give a hemisphere letter to both values or neither; {POINT_HELP}")
    plain = _split_plain(body)
    if plain is None:
        raise ValueError(f"{text!r} is not a point: {POINT_HELP}")
    return plain


def _split_plain(body: str) -> tuple[str, str] | None:
    """Two values without letters. Unambiguous separators only: a semicolon; else one comma
    (decimal points); else white space between two numbers, each with at most one decimal comma
    ("39,81 46,75"). "39,81,46,75" could be split two ways and is refused."""
    if ";" in body:
        parts = body.split(";")
    elif body.count(",") == 1:
        parts = body.split(",")
    else:
        parts = body.split()
        if any(p.count(",") > 1 or p.endswith(",") or p.startswith(",") for p in parts):
            return None
    parts = [p.strip() for p in parts]
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


_WKT_START = re.compile(r"^\s*(SRID\s*=\s*\d+\s*;\s*)?POINT\b", re.IGNORECASE)
_WKT_POINT = re.compile(
    r"^\s*(?:SRID\s*=\s*(?P<srid>\d+)\s*;\s*)?POINT\s*(?P<dims>ZM|Z|M)?\s*(?:(?P<empty>EMPTY)|\((?P<numbers>[^()]*)\))\s*$",
    re.IGNORECASE,
)
_COUNT = {"": (2, 3), "Z": (3,), "M": (3,), "ZM": (4,)}


def _wkt_point(text: str, body: str) -> tuple[float, float] | None:
    found = _WKT_POINT.match(body)
    wanted = "WKT is written POINT (lon lat), POINT Z (lon lat z) or SRID=4326;POINT (lon lat)"
    if not found:
        raise ValueError(f"{text!r} is not a WKT point: {wanted}")
    if found["srid"] and found["srid"] != "4326":
        raise ValueError(
            f"{text!r} is in SRID {found['srid']}, not in longitude and latitude (4326): reproject it first"
        )
    if found["empty"]:
        return None
    dims = (found["dims"] or "").upper()
    numbers = found["numbers"].split()
    if len(numbers) not in _COUNT[dims]:
        raise ValueError(f"{text!r} is not a WKT point: it has {len(numbers)} numbers; {wanted}")
    try:
        lon, lat = float(numbers[0]), float(numbers[1])
    except ValueError:
        raise ValueError(f"{text!r} is not a WKT point: its numbers are not decimal numbers; {wanted}") from None
    if not (abs(lat) <= 90 and abs(lon) <= 180):  # also refuses nan, which float() reads
        swapped = " (it looks like lat lon: WKT is lon lat)" if abs(lon) <= 90 < abs(lat) <= 180 else ""
        raise ValueError(f"{text!r} is outside longitude -180..180 and latitude -90..90{swapped}")
    return lon, lat


_OTHER_WKT = re.compile(
    r"^\s*(?:SRID\s*=\s*\d+\s*;\s*)?(MULTIPOINT|(?:MULTI)?LINESTRING|GEOMETRYCOLLECTION|CIRCULARSTRING|"
    r"COMPOUNDCURVE|CURVEPOLYGON|MULTICURVE|MULTISURFACE|POLYHEDRALSURFACE|TRIANGLE|TIN)\b",
    re.IGNORECASE,
)


def parse_geometry(text: str) -> dict[str, Any] | None:
    """A GeoJSON geometry from WKT (Point, Polygon, MultiPolygon; Z and M dropped, as the model is
    two-dimensional) or from anything `parse_point` reads. None for a "not found"-style cell."""
    if is_blank(text):
        return None
    body = text.strip()
    shape = re.match(r"^\s*(?:SRID\s*=\s*(\d+)\s*;\s*)?(MULTIPOLYGON|POLYGON)\b", body, re.IGNORECASE)
    if not shape:
        other = _OTHER_WKT.match(body)
        if other:  # else read as a "lat, lon" pair, whose complaint would be about a latitude
            raise ValueError(
                f"{_short(text)} is a WKT {other[1].upper()}: a location is a POINT, a POLYGON or a MULTIPOLYGON"
            )
        point = parse_point(text)
        return None if point is None else {"type": "Point", "coordinates": [point[0], point[1]]}
    if shape[1] and shape[1] != "4326":
        raise ValueError(
            f"{_short(text)} is in SRID {shape[1]}, not in longitude and latitude (4326): reproject it first"
        )
    import shapely  # only polygons need it

    try:
        geometry = shapely.force_2d(shapely.from_wkt(body[shape.start(2) :]))
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"{_short(text)} is not a readable WKT {shape[2].upper()}: {exc}") from None
    if geometry.is_empty:
        return None
    if geometry.area == 0:  # a ring of fewer than four points (shapely pads it), or points on a line
        raise ValueError(f"{_short(text)} has no area: its points lie on one line, or too few to close a ring")
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError(f"{_short(text)} reaches outside longitude -180..180 and latitude -90..90")
    result: dict[str, Any] = _lists(shapely.geometry.mapping(geometry))
    return result


def _short(text: str) -> str:
    # A polygon can run to megabytes; its start says which cell it is.
    return repr(text) if len(text) <= 200 else repr(text[:200]) + "..."


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value

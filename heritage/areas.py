"""The catalogue's optional `areas.geojson`: outlines of its areas, drawn under the sites on maps.

One reader for the map that draws them and for `validate` that checks them, so that a file the
map refuses is one that `validate` reports, naming it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from heritage import layout
from heritage.codec import loads
from heritage.errors import InvalidInput

# The geometry types an outline may have, and how deep their coordinates nest.
OUTLINE_TYPES = {"Polygon": 3, "MultiPolygon": 4, "LineString": 2, "MultiLineString": 3}


def read_outline(root: Path) -> list[dict[str, Any]] | None:
    """The catalogue's `areas.geojson`, reduced to its geometries (its text is never shown); None
    if there is none. A link or a pipe is never opened (`validate` names it as a special file).
    Raises InvalidInput naming the file if it is not a GeoJSON outline."""
    path = root / layout.AREAS_FILE
    if not layout.regular_file(path):
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

"""Plausibility checks on coordinates that the models alone cannot make."""

from __future__ import annotations

from heritage.models.geometry import Point, Polygon

BBox = tuple[float, float, float, float]


def _inside(lon: float, lat: float, bbox: BBox) -> bool:
    west, south, east, north = bbox
    return west <= lon <= east and south <= lat <= north


def region_problem(geometry: Point | Polygon, region: BBox) -> str | None:
    """Why a geometry does not belong in the catalogue's region, or None if it does."""
    lon, lat = geometry.representative
    if _inside(lon, lat, region):
        return None
    if _inside(lat, lon, region):
        return (
            f"coordinates [{lon}, {lat}] look swapped: [{lat}, {lon}] is inside the region "
            "(GeoJSON order is [longitude, latitude])"
        )
    if _inside(-lon, lat, region) or _inside(lon, -lat, region):
        return f"coordinates [{lon}, {lat}] are outside the region; a flipped sign (W/E or N/S) would put them inside"
    west, south, east, north = region
    return f"coordinates [{lon}, {lat}] are outside the catalogue's region [{west}, {south}, {east}, {north}]"


def inside_somehow(geometry: Point | Polygon, region: BBox) -> bool:
    """Whether the point, or the point swapped or with a sign flipped, lies in the region: the
    slips of typing that `region_problem` names."""
    lon, lat = geometry.representative
    return any(_inside(x, y, region) for x, y in ((lon, lat), (lat, lon), (-lon, lat), (lon, -lat)))

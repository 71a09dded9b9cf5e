"""Choosing sites by place and by audience: a GeoJSON area read once, a box, the sites an
audience may see. Shared by `changes`, `mission export` and `dossier`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from heritage import layout
from heritage.audience import site_for
from heritage.codec import loads
from heritage.errors import InvalidInput, RecordNotFound
from heritage.store import Catalogue

BBox = tuple[float, float, float, float]
AREA_TYPES = ("Polygon", "MultiPolygon")


def read_area(path: Path) -> list[Any]:
    """The shapely polygons of a GeoJSON file: a geometry, a Feature or a FeatureCollection.

    An area must enclose something: a file with no polygon (an empty FeatureCollection, points,
    lines) is refused rather than read as "no area", which would select every site; a polygon
    that crosses itself is refused too, since which sites it holds is then a guess."""
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    try:
        with layout.open_input(path) as handle:
            data = loads(handle.read())
        if not isinstance(data, dict):
            raise ValueError("it holds no GeoJSON object")
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        polygons = []
        for n, feature in enumerate(features, 1):
            is_feature = isinstance(feature, dict) and feature.get("type") == "Feature"
            geometry = feature.get("geometry") if is_feature else feature
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            if kind not in AREA_TYPES:
                raise ValueError(f"shape {n} is {kind or 'not a geometry'}, not a Polygon or MultiPolygon")
            polygon = shape(geometry)
            if polygon.is_empty or not polygon.is_valid:
                why = "it is empty" if polygon.is_empty else explain_validity(polygon)
                raise ValueError(f"polygon {n} is not a valid polygon ({why})")
            polygons.append(polygon)
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except IsADirectoryError:
        raise InvalidInput("is a folder, not a GeoJSON file", file=path) from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise InvalidInput(f"is not a GeoJSON polygon or FeatureCollection ({exc})", file=path) from None
    if not polygons:
        raise InvalidInput("holds no polygon: an area must enclose something", file=path)
    return polygons


def in_box(box: BBox, lon: float, lat: float) -> bool:
    """The point lies in the box W,S,E,N, edges included."""
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north


def in_area(polygons: list[Any], lon: float, lat: float) -> bool:
    """The point lies in (or on the edge of) one of the polygons of `read_area`."""
    from shapely.geometry import Point

    return any(polygon.covers(Point(lon, lat)) for polygon in polygons)


def sites_for_audience(catalogue: Catalogue, audience: str, site_ids: Iterable[str] | None = None) -> list[str]:
    """Every site this audience may see, in catalogue order; or the ones named, each checked (an
    unknown one, or one the audience may not see, is an error) before anything is written."""
    if site_ids is None:
        return [s.id for s in catalogue.sites() if site_for(s, audience) is not None]
    ids = list(site_ids)
    for site_id in ids:
        if site_for(catalogue.site(site_id), audience) is None:
            raise RecordNotFound(f"no such site for the {audience} audience", record=site_id)
    return ids

"""Choosing sites by place and by audience: a GeoJSON area read once, a box, the sites an
audience may see. Shared by `changes`, `mission export` and `dossier`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from heritage.audience import site_for
from heritage.codec import loads
from heritage.errors import InvalidInput, RecordNotFound
from heritage.store import Catalogue

BBox = tuple[float, float, float, float]


def read_area(path: Path) -> list[Any]:
    """The shapely polygons of a GeoJSON file: a geometry, a Feature or a FeatureCollection."""
    from shapely.geometry import shape

    try:
        data = loads(path.read_text(encoding="utf-8"))
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        return [shape(f["geometry"] if f.get("type") == "Feature" else f) for f in features]
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"is not a GeoJSON polygon or FeatureCollection ({exc})", file=path) from None


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

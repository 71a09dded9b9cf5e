"""Choosing sites by place and by audience: a GeoJSON area read once, a box, the sites an
audience may see and their reports and allegations as it sees them (`Seen`). Shared by `changes`,
`mission export`, `dossier` and the Python API (`heritage.api`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from heritage import layout
from heritage.allegations import ReviewedAllegation, load_allegations
from heritage.audience import allegation_for, may_see, report_for, site_for
from heritage.codec import loads
from heritage.errors import InvalidInput, RecordNotFound
from heritage.history import condition_as_of
from heritage.models import Condition, ConditionReport
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


@dataclass
class Seen:
    """The reports and allegations of every site as an audience may see them (`heritage.audience`):
    what a package both chooses its sites by and shows."""

    sources: set[str]  # the ids of the sources it may see
    reports: defaultdict[str, list[ConditionReport]]
    allegations: defaultdict[str, list[ReviewedAllegation]]  # by the sites they are about
    retracted: set[str]
    claims: list[ReviewedAllegation]  # every one it may see, those about an area alone too

    @classmethod
    def load(cls, catalogue: Catalogue, audience: str) -> Seen:
        sources = {s.id for s in catalogue.sources() if may_see(s.sensitivity, audience)}
        reports: defaultdict[str, list[ConditionReport]] = defaultdict(list)
        for report in catalogue.reports():
            if (shown := report_for(report, audience, sources)) is not None:
                reports[report.site].append(shown)
        claims = [
            replace(reviewed, allegation=allegation)
            for reviewed in load_allegations(catalogue)
            if (allegation := allegation_for(reviewed.allegation, audience, sources)) is not None
        ]
        allegations: defaultdict[str, list[ReviewedAllegation]] = defaultdict(list)
        for claim in claims:
            for site_id in claim.allegation.sites:
                allegations[site_id].append(claim)
        return cls(sources, reports, allegations, {r.retracts for r in catalogue.retractions()}, claims)

    def current(self, site_id: str, today: date) -> ConditionReport | None:
        return condition_as_of(self.reports[site_id], today, self.retracted)

    def condition(self, site_id: str, today: date) -> Condition:
        current = self.current(site_id, today)
        return current.condition if current else Condition.unknown

"""What changed between two dates, site by site, as `heritage changes` prints it: rows for a
table or CSV, and the same rows as GeoJSON Features."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from heritage.history import Change, Finding
from heritage.index import Index
from heritage.selection import BBox, in_area, in_box


class SiteRow(NamedTuple):
    id: str
    name: str
    type: str
    lon: float | None
    lat: float | None


def find_changes(
    index: Index,
    start: date,
    end: date,
    *,
    types: tuple[str, ...] = (),
    bbox: BBox | None = None,
    area: list[Any] | None = None,
    first_reports: bool = False,
) -> tuple[list[Change], dict[str, SiteRow]]:
    """The changes between `start` and `end` (`Index.changes`) among the sites of these types, in
    the box and in the area (polygons of `read_area`); and every site's row."""
    sites = {row[0]: SiteRow(*row) for row in index.rows("SELECT id, name, type, lon, lat FROM sites")}
    chosen = list(sites.values())
    if types:
        chosen = [s for s in chosen if s.type in types]
    if bbox is not None:
        chosen = [s for s in chosen if s.lon is not None and s.lat is not None and in_box(bbox, s.lon, s.lat)]
    if area is not None:
        chosen = [s for s in chosen if s.lon is not None and s.lat is not None and in_area(area, s.lon, s.lat)]
    return index.changes(start, end, (s.id for s in chosen), first_reports), sites


CHANGE_COLUMNS = (
    "site",
    "name",
    "type",
    "lon",
    "lat",
    "before",
    "before_certainty",
    "before_observed",
    "before_report",
    "after",
    "after_certainty",
    "after_observed",
    "after_report",
)
"""The members of a change row, in order: the CSV's header, also when nothing changed."""


def change_rows(changes: list[Change], sites: dict[str, SiteRow]) -> list[dict[str, Any]]:
    """A row a change: the site, and its condition before and after with the report behind each."""
    rows = []
    for change in changes:
        site = sites[change.site]
        rows.append(
            {
                "site": site.id,
                "name": site.name,
                "type": site.type,
                "lon": site.lon,
                "lat": site.lat,
                "before": change.before_condition.value,
                "before_certainty": _certainty(change.before),
                "before_observed": str(change.before.observed) if change.before else None,
                "before_report": change.before.id if change.before else None,
                "after": change.after_condition.value,
                "after_certainty": _certainty(change.after),
                "after_observed": str(change.after.observed) if change.after else None,
                "after_report": change.after.id if change.after else None,
            }
        )
    return rows


def _certainty(finding: Finding | None) -> str | None:
    return finding.certainty.value if finding is not None and finding.certainty else None


def changed_sites(index: Index, start: date, end: date, **filters: Any) -> list[dict[str, Any]]:
    """`find_changes` (with its filters) as `change_rows`."""
    return change_rows(*find_changes(index, start, end, **filters))


def feature_collection(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows of `change_rows` as a GeoJSON FeatureCollection of points (null where unlocated)."""
    features = [
        {
            "type": "Feature",
            "id": row["site"],
            "properties": row,
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if row["lon"] is not None else None,
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}

"""Catalogue -> GeoDataFrame. The one module that imports geopandas, so quick commands stay quick."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from heritage.query import summarise
from heritage.store import Catalogue

if TYPE_CHECKING:
    import geopandas as gpd

COLUMNS = [
    "id",
    "name",
    "type",
    "tradition",
    "location_precision",
    "uncertainty_m",
    "condition",
    "condition_observed",
    "reports",
    "allegations",
    "sensitivity",
    "names",
    "areas",
]


def sites_frame(catalogue: Catalogue, as_of: date | None = None) -> gpd.GeoDataFrame:
    """One row per site (located or not), with its condition as of `as_of` (today if None).

    Sites without a location keep their row with an empty geometry: dropping them silently would
    hide exactly the sites a mission most needs to find.
    """
    import geopandas as gpd
    from shapely.geometry import shape

    rows = []
    geometries = []
    for summary in summarise(catalogue, as_of):
        site = summary.site
        geometries.append(shape(site.geometry.model_dump()) if site.geometry else None)
        rows.append(
            {
                "id": site.id,
                "name": site.display_name(),
                "type": site.type,
                "tradition": site.tradition,
                "location_precision": site.location.precision.value,
                "uncertainty_m": site.location.uncertainty_m,
                "condition": summary.condition.value,
                "condition_observed": str(summary.current.observed) if summary.current else None,
                "reports": summary.report_count,
                "allegations": len(summary.allegations),
                "sensitivity": site.sensitivity.value,
                "names": " | ".join(f"{n.text} [{n.lang}]" for n in site.names),
                "areas": " | ".join(site.areas),
            }
        )
    return gpd.GeoDataFrame(rows, columns=COLUMNS, geometry=geometries, crs="EPSG:4326")

"""Catalogue -> GeoDataFrame, and GIS layers for mission packages. The one module that imports
geopandas, so quick commands stay quick."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def write_layers(rows: list[dict[str, Any]], folder: Path) -> None:
    """The package's sites for GIS tools: GeoPackage, GeoJSON, KML (its CSV: `sitecsv`)."""
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    folder.mkdir(parents=True)
    frame = gpd.GeoDataFrame(
        [{k: v for k, v in row.items() if k not in ("lon", "lat")} for row in rows],
        geometry=[Point(r["lon"], r["lat"]) if r["lon"] is not None else None for r in rows],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, folder / "sites.gpkg", layer="sites", driver="GPKG")
    pyogrio.write_dataframe(frame, folder / "sites.geojson", driver="GeoJSON")
    pyogrio.write_dataframe(frame, folder / "sites.kml", driver="KML")

"""Catalogue -> GeoDataFrame and DataFrames (for `heritage.api`), and GIS layers for mission
packages and `heritage export gpkg` (`write_table`). The one module that imports geopandas and
pandas, and only inside its functions, so quick commands stay quick."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from heritage.models import Condition, Site
from heritage.selection import Seen

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


def sites_frame(sites: Sequence[Site], seen: Seen, as_of: date) -> gpd.GeoDataFrame:
    """One row per site in `sites` (as an audience sees them, `heritage.audience.site_for`), with
    its condition as of `as_of` from the reports that audience may see (`seen`).

    Sites without a location keep their row with an empty geometry: dropping them silently would
    hide exactly the sites a mission most needs to find.
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import shape

    languages = sorted({n.lang for site in sites for n in site.names})
    rows = []
    for site in sites:
        current = seen.current(site.id, as_of)
        first: dict[str, str] = {}
        for name in site.names:
            first.setdefault(name.lang, name.text)
        rows.append(
            {
                "id": site.id,
                "name": site.display_name(),
                **{f"name_{lang}": first.get(lang) for lang in languages},
                "type": site.type,
                "tradition": site.tradition,
                "condition": (current.condition if current else Condition.unknown).value,
                "certainty": current.certainty.value if current and current.certainty else None,
                "observed_start": current.observed.start if current else None,
                "observed_end": current.observed.end if current else None,
                "reports": len(seen.reports[site.id]),
                "allegations": len(seen.allegations[site.id]),
                "precision": site.location.precision.value,
                "uncertainty_m": site.location.uncertainty_m,
            }
        )
    columns = ["id", "name", *(f"name_{lang}" for lang in languages), *SITE_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    _as_days(frame, "observed_start", "observed_end")
    frame["uncertainty_m"] = frame["uncertainty_m"].astype("float64")
    geometry = [shape(site.geometry.model_dump()) if site.geometry else None for site in sites]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


SITE_COLUMNS = [
    "type",
    "tradition",
    "condition",
    "certainty",
    "observed_start",
    "observed_end",
    "reports",
    "allegations",
    "precision",
    "uncertainty_m",
]


def reports_frame(sites: Iterable[str], seen: Seen) -> pd.DataFrame:
    """One row per report an audience may see (`seen`) of the `sites` it may see."""
    import pandas as pd

    rows = [
        {
            "id": report.id,
            "site": report.site,
            "condition": report.condition.value,
            "certainty": report.certainty.value if report.certainty else None,
            "method": report.method.value,
            "observed": str(report.observed),
            "observed_start": report.observed.start,
            "observed_end": report.observed.end,
            "sources": [c.source for c in report.sources],
            "supersedes": report.supersedes,
            "retracted": report.id in seen.retracted,
            "sensitivity": report.sensitivity.value,
            "recorded_at": report.recorded_at,
        }
        for site in sites
        for report in seen.reports[site]
    ]
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    _as_days(frame, "observed_start", "observed_end")
    frame["retracted"] = frame["retracted"].astype(bool)
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


REPORT_COLUMNS = [
    "id",
    "site",
    "condition",
    "certainty",
    "method",
    "observed",
    "observed_start",
    "observed_end",
    "sources",
    "supersedes",
    "retracted",
    "sensitivity",
    "recorded_at",
]


def allegations_frame(sites: Iterable[str], seen: Seen) -> pd.DataFrame:
    """One row per allegation an audience may see (`seen`), naming only the `sites` it may see."""
    import pandas as pd

    shown = set(sites)
    rows = []
    for reviewed in seen.claims:
        allegation = reviewed.allegation
        rows.append(
            {
                "id": allegation.id,
                "sites": [s for s in allegation.sites if s in shown],
                "claimant": allegation.claimant.name,
                "claimant_kind": allegation.claimant.kind.value,
                "party": allegation.claimant.party,
                "made": str(allegation.made_on),
                "made_start": allegation.made_on.start,
                "made_end": allegation.made_on.end,
                "acts": [act.value for act in allegation.acts],
                "damage_status": reviewed.damage_status.value,
                "attribution_status": reviewed.attribution_status.value,
                "source": allegation.source.source,
                "sensitivity": allegation.sensitivity.value,
                "recorded_at": allegation.recorded_at,
            }
        )
    frame = pd.DataFrame(rows, columns=ALLEGATION_COLUMNS)
    _as_days(frame, "made_start", "made_end")
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


ALLEGATION_COLUMNS = [
    "id",
    "sites",
    "claimant",
    "claimant_kind",
    "party",
    "made",
    "made_start",
    "made_end",
    "acts",
    "damage_status",
    "attribution_status",
    "source",
    "sensitivity",
    "recorded_at",
]


def _as_days(frame: pd.DataFrame, *columns: str) -> None:
    """Dates as datetime64 (NaT where a window is open), not objects or text."""
    import pandas as pd

    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")


# The declared types a GeoPackage column can take here, as GDAL writes them: TEXT, INTEGER, REAL,
# BOOLEAN (OGR's Boolean subtype), DATE and DATETIME (in UTC).
ColumnKind = Literal["text", "integer", "real", "boolean", "date", "datetime"]


def write_table(
    path: Path,
    layer: str,
    columns: Sequence[tuple[str, ColumnKind]],
    rows: Sequence[Sequence[Any]],
    *,
    geometries: Sequence[dict[str, Any] | None] | None = None,
    geometry_type: str | None = None,
    fid: str = "fid",
) -> None:
    """Add one layer (with `geometries`, GeoJSON dicts in WGS84, one per row) or attribute table to
    the GeoPackage at `path`, each column with its declared type and None written as NULL.

    Columns are built as numpy arrays with a null mask rather than through pandas, which would
    turn an integer column with a gap into REAL, a boolean one into TEXT, and a column of dates
    or of nothing at all into TEXT."""
    import numpy as np
    import pyogrio.raw
    import shapely
    from shapely.geometry import shape

    data, masks, offsets = [], [], {}
    for index, (name, kind) in enumerate(columns):
        values = [row[index] for row in rows]
        absent = np.array([v is None for v in values], dtype=bool)
        if kind == "text":
            data.append(np.array(values, dtype=object))
        elif kind == "integer":
            data.append(np.array([0 if v is None else v for v in values], dtype="int64"))
        elif kind == "real":
            data.append(np.array([np.nan if v is None else v for v in values], dtype="float64"))
        elif kind == "boolean":
            data.append(np.array([bool(v) for v in values], dtype=bool))
        elif kind == "date":
            data.append(np.array(values, dtype="datetime64[D]"))
        else:  # datetime: in UTC, which GDAL writes with its Z (offset code 100: GMT)
            utc = [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in values]
            data.append(np.array(utc, dtype="datetime64[ms]"))
            offsets[name] = np.full(len(values), 100, dtype="int16")
        masks.append(absent if absent.any() else None)
    wkb = None
    if geometries is not None and geometry_type == "Point":  # made at once: 100,000 sites are points
        xy = np.array([g["coordinates"][:2] if g else (np.nan, np.nan) for g in geometries], dtype="float64")
        points = shapely.points(xy.reshape(-1, 2))
        points[np.isnan(xy.reshape(-1, 2)[:, 0])] = None
        wkb = shapely.to_wkb(points)
    elif geometries is not None:
        wkb = shapely.to_wkb(np.array([shape(g) if g else None for g in geometries], dtype=object))
    pyogrio.raw.write(
        path,
        geometry=wkb,
        field_data=data,
        fields=[name for name, _ in columns],
        field_mask=masks,
        layer=layer,
        driver="GPKG",
        geometry_type=geometry_type,
        crs="EPSG:4326" if geometries is not None else None,
        layer_options={"FID": fid},
        gdal_tz_offsets=offsets,
    )

"""Sites as the rows of a CSV that `heritage import sites` reads back as the same records.

The columns are the import's field names (docs/guide.md, "Columns, fields and values"), so the
file needs no profile: `id`; one `name:LANG` column per language, a language's several names one a
line in its cell (a name is one line, so the line break cannot be part of one); `type`,
`tradition`; `lon` and `lat` as numbers, and a polygon as WKT in `geometry` (its `lon` and `lat`
then give the mean of its outline's corners, for sorting, and are not read back: `geometry` comes
first); `precision`, `uncertainty_m` (empty when the record has none, never 0), `location_source`;
`period`, `period_start`, `period_end`; `areas` joined with `; `; `description`, `sensitivity`;
one `external_id:SCHEME` column per scheme.

What an import row cannot say is left out: a name's `used_by` and note, designations, disputes,
an altitude, the record stamps. Names come back grouped by language, in the columns' order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heritage.models import Site
from heritage.models.geometry import Polygon

LOCATION = ["type", "tradition", "lon", "lat", "geometry", "precision", "uncertainty_m", "location_source"]
DETAILS = ["period", "period_start", "period_end", "areas", "description", "sensitivity"]


def site_header(sites: Sequence[Site]) -> list[str]:
    """The columns for these sites: a name column for every language any of them uses (in the
    order they first appear), an external id column for every scheme (sorted)."""
    languages = dict.fromkeys(name.lang for site in sites for name in site.names)
    schemes = sorted({scheme for site in sites for scheme in site.external_ids})
    names = [f"name:{lang}" for lang in languages]
    return ["id", *names, *LOCATION, *DETAILS, *(f"external_id:{scheme}" for scheme in schemes)]


def site_row(site: Site, header: Sequence[str]) -> list[Any]:
    """The site's cells under `header` (from `site_header`): numbers as numbers, absent as None."""
    cells: dict[str, Any] = {"id": site.id}
    for name in site.names:
        key = f"name:{name.lang}"
        cells[key] = f"{cells[key]}\n{name.text}" if key in cells else name.text
    lon, lat = site.geometry.representative if site.geometry else (None, None)
    period = site.period
    cells |= {
        "type": site.type,
        "tradition": site.tradition,
        "lon": lon,
        "lat": lat,
        "geometry": polygon_wkt(site.geometry) if isinstance(site.geometry, Polygon) else None,
        "precision": site.location.precision.value,
        "uncertainty_m": site.location.uncertainty_m,
        "location_source": site.location.source,
        "period": period.label if period else None,
        "period_start": period.start_year if period else None,
        "period_end": period.end_year if period else None,
        "areas": "; ".join(site.areas),
        "description": site.description,
        "sensitivity": site.sensitivity.value,
    }
    cells |= {f"external_id:{scheme}": value for scheme, value in site.external_ids.items()}
    return [cells.get(column) for column in header]


def site_table(sites: Sequence[Site]) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows, one a site, for `csvfile.write_csv`."""
    header = site_header(sites)
    return header, [site_row(site, header) for site in sites]


def polygon_wkt(polygon: Polygon) -> str:
    """WKT, longitude first; each number as Python writes it, which reads back as the same float."""
    rings = ", ".join("(" + ", ".join(f"{p[0]!r} {p[1]!r}" for p in ring) + ")" for ring in polygon.coordinates)
    return f"POLYGON ({rings})"

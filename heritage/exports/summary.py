"""One row per site of a scope: what an export says of each site besides its record (its condition
now, its reports and allegations). The package's front page, CSV, GeoJSON and KML read the same rows."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from heritage.models import Condition

if TYPE_CHECKING:
    from heritage.exports import Scope

# What the CSV adds to the site records (`sitecsv`): `heritage import sites` reads it back with
# --ignore-unmapped, which leaves these out.
SUMMARY = "name condition certainty observed reports allegations allegation_status claimant_parties".split()


def site_summaries(scope: Scope) -> list[dict[str, Any]]:
    """A row per site of `scope`, in its order. Absent values are None (NULL), never '' or 0."""
    alleged: dict[str, list[Any]] = {site.id: [] for site in scope.sites}
    for reviewed in scope.allegations:
        for site_id in reviewed.allegation.sites:
            alleged[site_id].append(reviewed)
    rows = []
    for site in scope.sites:
        current = scope.current(site.id)
        claims = alleged[site.id]
        statuses = Counter(c.damage_status.value for c in claims)
        parties = sorted(
            {scope.parties.get(p, p) if (p := c.allegation.claimant.party) else "no party" for c in claims}
        )
        point = site.geometry.representative if site.geometry else (None, None)
        rows.append(
            {
                "id": site.id,
                "name": site.display_name(),
                "type": site.type,
                "tradition": site.tradition,
                "condition": (current.condition if current else Condition.unknown).value,
                "certainty": current.certainty.value if current and current.certainty else None,
                "observed": str(current.observed) if current else None,
                "observed_start": current.observed.start if current else None,
                "observed_end": current.observed.end if current else None,
                "reports": len(scope.reports[site.id]),
                "allegations": len(claims),
                "allegation_status": ", ".join(f"{n} {status}" for status, n in sorted(statuses.items())) or None,
                "claimant_parties": ", ".join(parties) if claims else None,
                "precision": site.location.precision.value,
                "uncertainty_m": site.location.uncertainty_m,
                "names": " | ".join(f"{n.text} [{n.lang}]" for n in site.names),
                "lon": point[0],
                "lat": point[1],
            }
        )
    return rows

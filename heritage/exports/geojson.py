"""The sites as GeoJSON (`heritage export geojson`), as RFC 7946 has it: one FeatureCollection, a
Feature per site whose `id` is the site's id; WGS84 longitude/latitude with no `crs` member; at
most 7 decimals (about a centimetre); polygons' outer rings counter-clockwise and holes clockwise
(the right-hand rule), whichever way the catalogue stored them; a site with no location has a
`null` geometry. The collection carries a `bbox` of the sites that have one.

A Feature's properties: what the site record says (names with their languages, type, tradition,
period, areas, location precision, every external id as one `external_ids` object) and what the
export says of it (`summary.site_summaries`: its condition now, the report that gives it, how many
reports and allegations the audience may see, and the allegations' damage status as counts).
Absent values are `null`, never "" or 0. Written UTF-8 as is, a Feature per line.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heritage.models import Point, Polygon, Site

if TYPE_CHECKING:
    from heritage.exports import Scope

DECIMALS = 7
Ring = list[list[float]]


def rounded(position: list[float]) -> list[float]:
    """A position to at most 7 decimals: RFC 7946 asks for no more precision than is meaningful,
    and 1e-7 degrees is about a centimetre."""
    return [round(value, DECIMALS) for value in position]


def signed_area(ring: Ring) -> float:
    """Twice the ring's area by the shoelace formula: positive when it runs counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in pairwise(ring))


def oriented_rings(polygon: Polygon) -> list[Ring]:
    """The polygon's rings, rounded, outer ring counter-clockwise and holes clockwise."""
    rings = []
    for number, ring in enumerate(polygon.coordinates):
        ring = [rounded(p) for p in ring]
        counter_clockwise = signed_area(ring) > 0
        if counter_clockwise != (number == 0):
            ring.reverse()
        rings.append(ring)
    return rings


def geometry_of(site: Site) -> dict[str, Any] | None:
    geometry = site.geometry
    if geometry is None:
        return None
    if isinstance(geometry, Point):
        return {"type": "Point", "coordinates": rounded(geometry.coordinates)}
    return {"type": "Polygon", "coordinates": oriented_rings(geometry)}


def _bbox(geometries: list[dict[str, Any]]) -> list[float] | None:
    positions = [p for g in geometries for p in ([g["coordinates"]] if g["type"] == "Point" else g["coordinates"][0])]
    if not positions:
        return None
    lons, lats = [p[0] for p in positions], [p[1] for p in positions]
    return [min(lons), min(lats), max(lons), max(lats)]


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def site_features(scope: Scope) -> list[dict[str, Any]]:
    """A Feature per site of `scope`, in its order."""
    statuses: dict[str, Counter[str]] = {site.id: Counter() for site in scope.sites}
    parties: dict[str, set[str]] = {site.id: set() for site in scope.sites}
    for reviewed in scope.allegations:
        party = reviewed.allegation.claimant.party
        for site_id in reviewed.allegation.sites:
            statuses[site_id][reviewed.damage_status.value] += 1
            parties[site_id].add(scope.parties.get(party, party) if party else "no party")
    features = []
    for site, row in zip(scope.sites, scope.summaries, strict=True):
        period = site.period
        properties: dict[str, Any] = {
            "id": site.id,
            "name": row["name"],
            "names": [{"text": n.text, "lang": n.lang} for n in site.names],
            "type": site.type,
            "tradition": site.tradition,
            "condition": row["condition"],
            "certainty": row["certainty"],
            "observed": row["observed"],
            "observed_start": _iso(row["observed_start"]),
            "observed_end": _iso(row["observed_end"]),
            "reports": row["reports"],
            "allegations": row["allegations"],
            "allegation_status": dict(sorted(statuses[site.id].items())),
            "claimant_parties": sorted(parties[site.id]),
            "precision": site.location.precision.value,
            "uncertainty_m": site.location.uncertainty_m,
            "period": period.label if period else None,
            "period_start": period.start_year if period else None,
            "period_end": period.end_year if period else None,
            "areas": list(site.areas),
            "external_ids": dict(sorted(site.external_ids.items())),
        }
        if (link := scope.dossier_link(site.id)) is not None:
            properties["dossier"] = link
        features.append({"type": "Feature", "id": site.id, "geometry": geometry_of(site), "properties": properties})
    return features


def write(scope: Scope, path: Path) -> None:
    features = site_features(scope)
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if (box := _bbox([f["geometry"] for f in features if f["geometry"] is not None])) is not None:
        head["bbox"] = box
    opening = json.dumps(head, ensure_ascii=False)[:-1]  # left open for the features
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f'{opening}, "features": [')
        for n, feature in enumerate(features):
            out.write(("," if n else "") + "\n" + json.dumps(feature, ensure_ascii=False, allow_nan=False))
        out.write("\n]}\n")

"""Who an output is for, and what each audience may see.

internal: everything. mission: nothing confidential. public: nothing restricted either, and a
restricted site only at a point rounded to 0.1 degree (about 10 km), shown as approximate, without
the description or the source of its coordinates.
"""

from __future__ import annotations

from heritage.models import LocationPrecision, Point, Sensitivity, Site

AUDIENCES = ("public", "mission", "internal")
GENERALISED_DEGREES = 0.1
GENERALISED_UNCERTAINTY_M = 10_000.0


def hidden(audience: str) -> set[Sensitivity]:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; one of {', '.join(AUDIENCES)}")
    return {
        "internal": set(),
        "mission": {Sensitivity.confidential},
        "public": {Sensitivity.confidential, Sensitivity.restricted},
    }[audience]


def generalised(lon: float, lat: float) -> tuple[float, float]:
    """A restricted site's point as the public may see it: to the nearest 0.1 degree."""
    step = GENERALISED_DEGREES
    return round(round(lon / step) * step, 1), round(round(lat / step) * step, 1)


def point_for(lon: float, lat: float, sensitivity: Sensitivity, audience: str) -> tuple[float, float] | None:
    """Where this audience may see a site's point (as `site_for` shows it), or None if it may not
    see the site at all."""
    if sensitivity is Sensitivity.confidential and audience != "internal":
        return None
    if audience == "public" and sensitivity is Sensitivity.restricted:
        return generalised(lon, lat)
    return lon, lat


def site_for(site: Site, audience: str) -> Site | None:
    """The site as this audience may see it, or None if it may not see it at all."""
    if site.sensitivity is Sensitivity.confidential and audience != "internal":
        return None
    if audience == "public" and site.sensitivity is Sensitivity.restricted:
        geometry = None
        if site.geometry is not None:
            geometry = Point(type="Point", coordinates=list(generalised(*site.geometry.representative)))
        location = site.location.model_copy(
            update={
                "precision": LocationPrecision.approximate if geometry else LocationPrecision.unknown,
                "uncertainty_m": GENERALISED_UNCERTAINTY_M if geometry else None,
                "source": None,
            }
        )
        return strip_site(site.model_copy(update={"geometry": geometry, "location": location, "description": None}))
    return site


def strip_site(site: Site) -> Site:
    """A restricted site as the public may see it: nothing that could pin it down."""
    return site.model_copy(update={"areas": [], "external_ids": {}, "designations": [], "disputes": []})

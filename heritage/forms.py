"""A printable blank condition form per site, for field teams without a laptop."""

from __future__ import annotations

from pathlib import Path

from heritage.audience import hidden
from heritage.history import condition_as_of
from heritage.models import Condition, Site
from heritage.models.base import latest_today
from heritage.models.vocab import DamageCause, DamageEffect, DamageExtent
from heritage.palette import CONDITION_LABELS
from heritage.store import Catalogue


def write_form(catalogue: Catalogue, site: Site, folder: Path, audience: str = "mission", package: str = "") -> Path:
    from heritage.dossier import _environment

    invisible = hidden(audience)
    reports = [r for r in catalogue.reports(site.id) if r.sensitivity not in invisible]
    retracted = {r.retracts for r in catalogue.retractions(site.id)}
    current = condition_as_of(reports, latest_today(), retracted)
    page = (
        _environment()
        .get_template("form.html")
        .render(
            site=site,
            audience=audience,
            package=package or catalogue.info.name,
            point=site.geometry.representative if site.geometry else None,
            last_condition=(f"{CONDITION_LABELS[current.condition]} ({current.observed})" if current else "no report"),
            conditions=[(c.value, CONDITION_LABELS[c]) for c in Condition],
            extents=[e.value.replace("_", " ") for e in DamageExtent],
            effects=[e.value.replace("_", " ") for e in DamageEffect],
            causes=[c.value.replace("_", " ") for c in DamageCause],
        )
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{site.id}.html"
    path.write_text(page, encoding="utf-8")
    return path

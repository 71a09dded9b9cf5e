"""A printable blank condition form per site, for field teams without a laptop."""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from heritage.audience import may_see, report_for
from heritage.history import condition_as_of
from heritage.models import Certainty, Condition, Site
from heritage.models.base import utc_today
from heritage.models.vocab import DamageCause, DamageEffect, DamageExtent
from heritage.palette import CONDITION_LABELS, condition_label
from heritage.store import Catalogue


def write_form(
    catalogue: Catalogue,
    site: Site,
    folder: Path,
    audience: str = "mission",
    package: str = "",
    sources: Container[str] | None = None,
) -> Path:
    """The form for `site`, its last condition as this audience may see it (`sources`: the ids of
    the sources it may see, if already known)."""
    from heritage.dossier import _environment

    if sources is None:
        sources = {s.id for s in catalogue.sources() if may_see(s.sensitivity, audience)}
    reports = [shown for r in catalogue.reports(site.id) if (shown := report_for(r, audience, sources)) is not None]
    retracted = {r.retracts for r in catalogue.retractions(site.id)}
    current = condition_as_of(reports, utc_today(), retracted)
    last = f"{condition_label(current.condition, current.certainty)} ({current.observed})" if current else "no report"
    page = (
        _environment()
        .get_template("form.html")
        .render(
            site=site,
            audience=audience,
            package=package or catalogue.info.name,
            point=site.geometry.representative if site.geometry else None,
            last_condition=last,
            conditions=[(c.value, CONDITION_LABELS[c]) for c in Condition],
            certainties=[c.value for c in Certainty],
            extents=[e.value.replace("_", " ") for e in DamageExtent],
            effects=[e.value.replace("_", " ") for e in DamageEffect],
            causes=[c.value.replace("_", " ") for c in DamageCause],
        )
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{site.id}.html"
    path.write_text(page, encoding="utf-8")
    return path

"""Site dossiers: one self-contained HTML page per site that prints well, and the same as a PDF.

Everything a reader needs about one site: its names in every language, place and how well it is
known, condition as of today and over time, every report with who recorded it, what each party
allegations and how each was reviewed, the sources with their grades, evidence thumbnails with
their hashes, and the catalogue's root hash so the reader can check nothing was altered. All
catalogue text goes through Jinja2 with autoescaping; the page's own policy forbids any request.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from heritage import __version__, layout
from heritage.allegations import load_allegations
from heritage.atomic import replace_file
from heritage.audience import hidden, point_for, site_for
from heritage.errors import RecordNotFound
from heritage.history import competing_corrections, condition_as_of, site_history
from heritage.models import Condition, Evidence, Site
from heritage.models.base import latest_today
from heritage.models.vocab import Sensitivity
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS
from heritage.recording import migration_note
from heritage.store import Catalogue


@dataclass
class DossierResult:
    html: Path
    pdf: Path | None


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("heritage.dossier", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["migration_note"] = migration_note
    return environment


def _css() -> str:
    return resources.files("heritage.dossier").joinpath("templates", "dossier.css").read_text(encoding="utf-8")


def locator_svg(site: Site, points: list[tuple[float, float]], region: tuple[float, float, float, float] | None) -> str:
    """A small map of where the site is among the catalogue's other sites (their `points`):
    numbers only, no text."""
    if site.geometry is None:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 150"><text x="105" y="78" '
            'text-anchor="middle" font-size="11" fill="#868e96">location unknown</text></svg>'
        )
    if region is None:
        lons, lats = [p[0] for p in points] or [0.0], [p[1] for p in points] or [0.0]
        region = (min(lons) - 0.1, min(lats) - 0.1, max(lons) + 0.1, max(lats) + 0.1)
    west, south, east, north = region
    width, height = 210.0, 150.0

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - west) / ((east - west) or 1) * width, height - (lat - south) / ((north - south) or 1) * height)

    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="#adb5bd"/>' for x, y in (xy(*p) for p in points))
    x, y = xy(*site.geometry.representative)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}">'
        f'<rect width="100%" height="100%" fill="#f1f3f5"/>{dots}'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#e03131" stroke="#fff" stroke-width="1.5"/></svg>'
    )


def _chart(history: list[Any]) -> str:
    from heritage.chart import condition_svg

    return condition_svg(history)


def _thumbnail(catalogue: Catalogue, record: Evidence) -> str | None:
    if not record.media_type.startswith("image/"):
        return None
    try:
        from PIL import Image

        with Image.open(layout.evidence_file(catalogue.root, record.file_sha256)) as image:
            image.thumbnail((340, 240))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=80)
    except Exception:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass
class Shared:
    """What every dossier of one run reads: loaded once, not once per site."""

    allegations: list[Any]
    points: list[tuple[str, float, float, Sensitivity]]  # every located site: id, point, sensitivity

    @classmethod
    def load(cls, catalogue: Catalogue) -> Shared:
        """The sites' points come from the index, after every file is compared with it (as for a
        shared map: a site made confidential in place must leave the locator at once)."""
        from heritage.index import Index

        with Index.open(catalogue, thorough=True) as index:
            rows = index.located_sites()
        return cls(load_allegations(catalogue), [(i, lon, lat, Sensitivity(level)) for i, lon, lat, level in rows])

    def others(self, site_id: str, audience: str) -> list[tuple[float, float]]:
        """The points of every other site, as this audience may see them."""
        hidden(audience)  # an audience by its exact name, or an error
        return [
            point
            for i, lon, lat, level in self.points
            if i != site_id and (point := point_for(lon, lat, level, audience)) is not None
        ]


def _cited_ids(catalogue: Catalogue, site_id: str, shared: Shared) -> list[str]:
    cited = {c.source for r in catalogue.reports(site_id) for c in r.sources}
    cited |= {c.allegation.source.source for c in shared.allegations if site_id in c.allegation.sites}
    return sorted(i for i in cited if catalogue.has_source(i))


def dossier_context(
    catalogue: Catalogue,
    site_id: str,
    audience: str = "mission",
    root_hash: str = "",
    today: date | None = None,
    shared: Shared | None = None,
) -> dict[str, Any]:
    today = today or latest_today()
    shared = shared or Shared.load(catalogue)
    invisible = hidden(audience)
    site = site_for(catalogue.site(site_id), audience)
    if site is None:
        raise RecordNotFound(f"no such site for the {audience} audience", record=site_id)
    retractions = list(catalogue.retractions(site_id))
    # A record is as hidden as what it rests on: sources this audience may not see are left out of
    # every citation, and a claim made in such a source is left out altogether (as on the map).
    shown_sources = {
        s.id: s
        for s in (catalogue.source(i) for i in _cited_ids(catalogue, site_id, shared))
        if s.sensitivity not in invisible
    }
    reports = [
        r.model_copy(update={"sources": [c for c in r.sources if c.source in shown_sources]})
        for r in catalogue.reports(site_id)
        if r.sensitivity not in invisible
    ]
    if audience == "public":  # who observed, and where they stood, can identify a witness
        reports = [r.model_copy(update={"observed_by": None, "position": None}) for r in reports]
    history = site_history(reports, retractions)
    current = condition_as_of(reports, today, {r.retracts for r in retractions})
    visible_allegations = {
        c.allegation.id
        for c in shared.allegations
        if c.allegation.sensitivity not in invisible and c.allegation.source.source in shown_sources
    }
    allegations = []
    for reviewed in shared.allegations:
        if site_id not in reviewed.allegation.sites or reviewed.allegation.id not in visible_allegations:
            continue
        allegation = reviewed.allegation
        if audience == "public" and allegation.claimant.kind.value == "person":
            allegation = allegation.model_copy(
                update={"claimant": allegation.claimant.model_copy(update={"name": "a person (name withheld)"})}
            )
        known = set(shown_sources) | visible_allegations | {r.id for r in reports}
        reviews = [
            r.model_copy(update={"relies_on": [x for x in r.relies_on if x in known or x.startswith("ev-")]})
            for r in reviewed.reviews
        ]
        allegations.append(
            replace(
                reviewed,
                allegation=allegation,
                reviews=reviews,
                responses=[x for x in reviewed.responses if x in visible_allegations],
            )
        )
    sources = [shown_sources[i] for i in sorted(shown_sources)]
    site = site.model_copy(
        update={
            "disputes": [
                d.model_copy(update={"sources": [x for x in d.sources if x in shown_sources]}) for d in site.disputes
            ]
        }
    )
    hashes = {h for r in reports for h in r.evidence} | {h for c in allegations for h in c.allegation.evidence}
    evidence = []
    for sha in sorted(hashes):
        path = layout.evidence_record_file(catalogue.root, sha)
        if path.is_file():
            record = catalogue.read(Evidence, path)
            source = catalogue.source(record.source) if catalogue.has_source(record.source) else None
            # Evidence is as sensitive as the source it came from, if that is more so.
            if record.sensitivity not in invisible and (source is None or source.sensitivity not in invisible):
                if audience == "public":
                    record = record.model_copy(update={"captured_by": None, "name": None})
                evidence.append({"record": record, "thumbnail": _thumbnail(catalogue, record)})
    timeline = [
        {
            "when": str(e.report.observed),
            "kind": "observed",
            "status": e.status,
            "what": f"{e.report.condition.value.replace('_', ' ')} ({e.report.method.value.replace('_', ' ')})",
            "order": e.report.observed.end,
        }
        for e in history
    ]
    timeline += [
        {
            "when": str(c.allegation.made_on),
            "kind": "claimed",
            "status": c.damage_status.value,
            "what": f"{', '.join(a.value for a in c.allegation.acts)} by {c.allegation.claimant.name}",
            "order": c.allegation.made_on.start or date.min,
        }
        for c in allegations
    ]
    timeline.sort(key=lambda row: (row["order"] or date.min, row["kind"]))
    vocabulary = catalogue.info.vocabulary()
    condition = current.condition if current else Condition.unknown
    return {
        "site": site,
        "audience": audience,
        "catalogue_name": catalogue.info.name,
        "today": today.isoformat(),
        "type_label": vocabulary.site_types.get(site.type, site.type),
        "tradition_label": vocabulary.traditions.get(site.tradition, site.tradition) if site.tradition else None,
        "point": site.geometry.representative if site.geometry else None,
        "current": current,
        "competing": competing_corrections(reports, {r.retracts for r in retractions}),
        "condition_label": CONDITION_LABELS[condition],
        "condition_colour": CONDITION_COLOURS[condition],
        "history": history,
        "allegations": allegations,
        "timeline": timeline,
        "sources": sources,
        "evidence": evidence,
        "party_names": {p.id: p.name for p in catalogue.info.parties},
        "locator_svg": locator_svg(site, shared.others(site.id, audience), catalogue.info.region),
        "chart_svg": _chart(history),
        "root_hash": root_hash or "(not computed)",
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "tool": f"heritage {__version__}",
        "css": _css(),
    }


def render_dossier(context: dict[str, Any]) -> str:
    return _environment().get_template("dossier.html").render(**context)


def write_pdf(page: str, path: Path) -> Path:
    """The same page through WeasyPrint, with the fonts installed on this machine (no download)."""
    from weasyprint import HTML

    replace_file(path, HTML(string=page, base_url=None).write_pdf())
    return path


def build_dossier(
    catalogue: Catalogue,
    site_id: str,
    folder: Path,
    *,
    pdf: bool = False,
    audience: str = "mission",
    root_hash: str = "",
    shared: Shared | None = None,
) -> DossierResult:
    page = render_dossier(dossier_context(catalogue, site_id, audience, root_hash, shared=shared))
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{site_id}.html"
    replace_file(html_path, page.encode("utf-8"))
    return DossierResult(html_path, write_pdf(page, folder / f"{site_id}.pdf") if pdf else None)

"""Site dossiers: one self-contained HTML page per site that prints well, and the same as a PDF.

Everything a reader needs about one site: its names in every language, place and how well it is
known, condition as of today and over time, every report with who recorded it, what each party
allegations and how each was reviewed, the sources with their grades, evidence thumbnails with
their hashes and each file's chain of custody, and the catalogue's root hash so the reader can
check nothing was altered. All catalogue text goes through Jinja2 with autoescaping; the page's
own policy forbids any request.

The PDF is a PDF/A-3b (WeasyPrint's `pdf/a-3b` variant: XMP metadata that declares it, an sRGB
output intent, every font embedded) that carries the records the dossier shows as attachments:
each record as the dossier's audience may see it, written as heritage writes a catalogue's
files (`dossier_records`), never the file on disk, which may hold what this audience may not see.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from heritage import __version__, codec, layout
from heritage.allegations import ReviewedAllegation, load_allegations
from heritage.atomic import replace_file
from heritage.audience import (
    EDITION_META,
    allegation_for,
    edition_at,
    hidden,
    least,
    may_see,
    point_for,
    report_for,
    report_reach,
    retraction_for,
    review_for,
    shown_as,
    shown_ids,
    site_for,
    site_reach,
    source_for,
    strictest,
    verification_for,
)
from heritage.context import VectorLayer, naturalearth
from heritage.custody import chain_for
from heritage.dossier.locator import Conditions, Locator, condition_colour, locator_maps
from heritage.errors import InvalidInput, RecordNotFound
from heritage.history import competing_corrections, condition_as_of, site_history
from heritage.models import Allegation, Condition, CustodyEvent, Evidence, Review, Site, SubjectKind, Verification
from heritage.models.base import utc_today
from heritage.models.vocab import Sensitivity, with_certainty
from heritage.palette import CONDITION_COLOURS, condition_label
from heritage.recording import migration_note
from heritage.store import Catalogue
from heritage.verifications import Checks, summary
from heritage.visits import field_facts

# The damage and what a field visit brought (`heritage.visits.field_facts`), as a dossier labels each fact.
FACT_LABELS = {
    "damage extent": "Damage extent",
    "damage effects": "Damage seen",
    "damage causes": "Caused by",
    "visited": "Visited",
    "access": "Access",
    "position": "Observed from",
    "submission": "Came in",
}


# A dossier's records as its PDF carries them: attachment name -> (what it is, its bytes).
DossierRecords = dict[str, tuple[str, bytes]]


@dataclass
class DossierResult:
    html: Path
    pdf: Path | None
    records: DossierRecords = field(default_factory=dict)  # what the PDF carries (`dossier_records`)


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("heritage.dossier", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["migration_note"] = migration_note
    environment.globals["field_facts"] = functools.partial(field_facts, labelled=True)
    environment.globals["FACT_LABELS"] = FACT_LABELS
    environment.globals["utc"] = UTC
    environment.globals["check_summary"] = summary
    return environment


def _css() -> str:
    return resources.files("heritage.dossier").joinpath("templates", "dossier.css").read_text(encoding="utf-8")


def _chart(history: list[Any]) -> str:
    from heritage.chart import condition_svg

    return condition_svg(history)


def _thumbnail(catalogue: Catalogue, record: Evidence) -> str | None:
    if not record.media_type.startswith("image/"):
        return None
    try:
        from PIL import Image

        path = layout.evidence_file(catalogue.root, record.file_sha256)
        with layout.open_regular(path) as handle, Image.open(handle) as image:
            image.thumbnail((340, 240))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=80)
    except Exception:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass
class Shared:
    """What every dossier of one run reads: loaded once, not once per site."""

    allegations: list[ReviewedAllegation]
    points: list[tuple[str, float, float, Sensitivity]]  # every located site: id, point, sensitivity
    # Every record a dossier may name by id (allegations, and whatever a review relies on), and how
    # hidden it is with what it rests on: an id is named only to an audience that may see it.
    levels: dict[str, Sensitivity] = field(default_factory=dict)
    conditions: Conditions | None = None  # the other sites' conditions, read as the locators need them
    layers: dict[tuple[float, float, float, float], list[VectorLayer]] = field(default_factory=dict)
    checks: Checks = field(default_factory=Checks)  # the verifications, by id and by what they check

    @classmethod
    def load(cls, catalogue: Catalogue) -> Shared:
        """The sites' points come from the index, after every file is compared with it (as for a
        shared map: a site made confidential in place must leave the locator at once)."""
        from heritage.index import Index

        allegations = load_allegations(catalogue)
        checks = Checks.load(catalogue)
        with Index.open(catalogue, thorough=True) as index:
            rows = index.located_sites()
            levels = _named_levels(catalogue, index, allegations, checks)
        points = [(i, lon, lat, Sensitivity(level)) for i, lon, lat, level in rows]
        return cls(allegations, points, levels, checks=checks)

    def nearby(self, site_id: str, audience: str) -> list[tuple[str, float, float]]:
        """Every other site with its point (id, longitude, latitude), as this audience may see it."""
        hidden(audience)  # an audience by its exact name, or an error
        return [
            (i, *point)
            for i, lon, lat, level in self.points
            if i != site_id and (point := point_for(lon, lat, level, audience)) is not None
        ]

    def locator(self, catalogue: Catalogue, site: Site, audience: str, today: date) -> Locator:
        """The site's locator maps (`heritage.dossier.locator`), with what they read kept for the
        next dossier of the run: the basemap of each frame, the other sites' conditions."""
        if self.conditions is None or self.conditions.today != today:
            self.conditions = Conditions(catalogue, today)

        def layers_for(extent: tuple[float, float, float, float]) -> list[VectorLayer]:
            if extent not in self.layers:
                self.layers[extent] = naturalearth.basemap(extent)
            return self.layers[extent]

        colours = condition_colour(self.conditions, audience)
        return locator_maps(site, self.nearby(site.id, audience), catalogue.info.region, colours, layers_for)

    def known(self, audience: str) -> set[str]:
        """The ids a dossier for this audience may name."""
        return {i for i, level in self.levels.items() if may_see(level, audience)}


def _named_levels(
    catalogue: Catalogue, index: Any, allegations: list[ReviewedAllegation], checks: Checks | None = None
) -> dict[str, Sensitivity]:
    """How hidden each record is that a dossier may name by id, with what it rests on: an allegation
    with its source and its sites, a report with its site and its sources (`report_reach`), evidence
    with its source (by ev- id, and by SHA-256 where a verification names it), a verification with
    what it checks and what it relies on (`verification_for`). A record that cannot be found
    counts as confidential."""
    checks = checks or Checks()
    sites = {i: site_reach(Sensitivity(level)) for i, level in index.rows("SELECT id, sensitivity FROM sites")}
    levels = {i: Sensitivity(level) for i, level in index.rows("SELECT id, sensitivity FROM sources")}
    sources = dict(levels)
    missing = Sensitivity.confidential
    for reviewed in allegations:
        allegation = reviewed.allegation
        # Shown in the dossier of each site it concerns: as hidden as the least hidden of them.
        about = least(sites.get(s, missing) for s in allegation.sites)
        levels[allegation.id] = strictest(allegation.sensitivity, sources.get(allegation.source.source, missing), about)
    wanted = {x for c in allegations for r in c.reviews for x in r.relies_on} - levels.keys()
    wanted |= {v.subject for v in checks.by_id.values() if v.subject_kind is SubjectKind.report}
    wanted -= checks.by_id.keys()
    for evidence_id in sorted(x for x in wanted if x.startswith("ev-")):
        if (record := catalogue.evidence_by_id(evidence_id)) is not None:
            levels[evidence_id] = strictest(record.sensitivity, sources.get(record.source, missing))
    reports = sorted(wanted - levels.keys())
    for start in range(0, len(reports), 500):
        chunk = reports[start : start + 500]
        query = f"SELECT id, site, sensitivity, sources FROM reports WHERE id IN ({','.join('?' * len(chunk))})"
        for i, site, level, cited in index.rows(query, tuple(chunk)):
            reach = report_reach(Sensitivity(level), [sources.get(s) for s in cited.split(" ")])
            levels[i] = strictest(reach, sites.get(site, missing))
    files = {sha for v in checks.by_id.values() for sha in v.evidence}
    files |= {v.subject for v in checks.by_id.values() if v.subject_kind is SubjectKind.evidence}
    for sha in sorted(files):
        path = layout.evidence_record_file(catalogue.root, sha)
        if layout.regular_file(path):
            record = catalogue.read(Evidence, path)
            levels[sha] = strictest(record.sensitivity, sources.get(record.source, missing))
    for v in checks.by_id.values():
        cited = [levels.get(x, missing) for x in [*v.evidence, *(c.source for c in v.sources)]]
        levels[v.id] = strictest(v.sensitivity, levels.get(v.subject, missing), least(cited) if cited else None)
    return levels


def _cited_ids(catalogue: Catalogue, site_id: str, shared: Shared) -> list[str]:
    cited = {c.source for r in catalogue.reports(site_id) for c in r.sources}
    cited |= {c.allegation.source.source for c in shared.allegations if site_id in c.allegation.sites}
    return sorted(i for i in cited if catalogue.has_source(i))


@dataclass
class ShownAllegation:
    """An allegation as a dossier shows it: what its audience may see, and whether records it
    points to were withheld (said, never named)."""

    reviewed: ReviewedAllegation
    answers_withheld: bool  # it answers an allegation this audience may not see
    responses_withheld: bool  # some allegations that answer it are withheld
    reviews: list[tuple[Review, bool]]  # each review, and whether some of what it relies on is withheld
    behind: dict[str, list[Verification]] = field(default_factory=dict)  # review id -> the checks it rests on


def _checks_for(found: Iterable[Verification], audience: str, known: set[str]) -> list[Verification]:
    """These verifications as the audience may see them (`known`: what a dossier of it may name)."""
    return [shown for v in found if (shown := verification_for(v, audience, v.subject in known, known)) is not None]


def _shown_allegation(
    reviewed: ReviewedAllegation,
    allegation: Allegation,
    audience: str,
    known: set[str],
    catalogue: Catalogue | None = None,
    checks: Checks | None = None,
) -> ShownAllegation:
    answers, answers_withheld = shown_ids([allegation.responds_to] if allegation.responds_to else [], known)
    responses, responses_withheld = shown_ids(reviewed.responses, known)
    reviews = [(review_for(r, audience, known), shown_ids(r.relies_on, known)[1]) for r in reviewed.reviews]
    allegation = shown_as(allegation, {"responds_to": answers[0] if answers else None})
    shown = replace(reviewed, allegation=allegation, reviews=[r for r, _ in reviews], responses=responses)
    behind = {}
    if catalogue is not None and checks is not None:
        behind = {r.id: _checks_for(checks.behind(r, catalogue), audience, known) for r in reviewed.reviews}
    return ShownAllegation(shown, answers_withheld, responses_withheld, reviews, behind)


def dossier_context(
    catalogue: Catalogue,
    site_id: str,
    audience: str = "mission",
    root_hash: str = "",
    today: date | None = None,
    shared: Shared | None = None,
) -> dict[str, Any]:
    """What the dossier of one site shows to this audience: every record through
    `heritage.audience`, which decides what each audience may see of it."""
    today = today or utc_today()
    shared = shared or Shared.load(catalogue)
    site = site_for(catalogue.site(site_id), audience)
    if site is None:
        raise RecordNotFound(f"no such site for the {audience} audience", record=site_id)
    retractions = [retraction_for(r, audience) for r in catalogue.retractions(site_id)]
    # Sources this audience may not see are left out of every citation, and a claim made in such a
    # source is left out altogether (as on the map).
    shown_sources = {
        s.id: s for i in _cited_ids(catalogue, site_id, shared) if (s := source_for(catalogue.source(i), audience))
    }
    reports = [r for report in catalogue.reports(site_id) if (r := report_for(report, audience, shown_sources))]
    history = site_history(reports, retractions)
    current = condition_as_of(reports, today, {r.retracts for r in retractions})
    known = shared.known(audience)
    allegations = [
        _shown_allegation(reviewed, allegation, audience, known, catalogue, shared.checks)
        for reviewed in shared.allegations
        if site_id in reviewed.allegation.sites
        and (allegation := allegation_for(reviewed.allegation, audience, shown_sources)) is not None
    ]
    sources = [shown_sources[i] for i in sorted(shown_sources)]
    disputes = [d.model_copy(update={"sources": [x for x in d.sources if x in shown_sources]}) for d in site.disputes]
    site = shown_as(site, {"disputes": disputes})
    hashes = {h for r in reports for h in r.evidence} | {h for c in allegations for h in c.reviewed.allegation.evidence}
    evidence = []
    for sha in sorted(hashes):
        path = layout.evidence_record_file(catalogue.root, sha)
        if layout.regular_file(path):
            record = catalogue.read(Evidence, path)
            source = catalogue.source(record.source).sensitivity if catalogue.has_source(record.source) else None
            if (chain := chain_for(catalogue, record, audience, source)) is not None:
                shown = chain.evidence
                evidence.append({"record": shown, "thumbnail": _thumbnail(catalogue, shown), "chain": chain})
    # The checks of each record shown, as this audience may see them.
    subjects = {
        SubjectKind.source: set(shown_sources),
        SubjectKind.evidence: {sha for sha in hashes if sha in known},
        SubjectKind.report: {r.id for r in reports},
        SubjectKind.allegation: {c.reviewed.allegation.id for c in allegations},
    }
    checked = {
        subject: seen
        for kind, ids in subjects.items()
        for subject in sorted(ids)
        if (seen := _checks_for(shared.checks.of_kind(kind, subject), audience, known))
    }
    timeline = [
        {
            "when": str(e.report.observed),
            "kind": "observed",
            "status": e.status,
            "what": f"{with_certainty(e.report.condition, e.report.certainty).replace('_', ' ')}"
            f" ({e.report.method.value.replace('_', ' ')})",
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
        for c in (shown.reviewed for shown in allegations)
    ]
    timeline.sort(key=lambda row: (row["order"] or date.min, row["kind"]))
    vocabulary = catalogue.info.vocabulary()
    condition = current.condition if current else Condition.unknown
    return {
        # What the PDF carries (`dossier_records`), made only for a PDF: it reads the other sites.
        "records": functools.partial(
            _attached, catalogue, audience, site, reports, retractions, allegations, sources, evidence, checked
        ),
        "site": site,
        "audience": audience,
        "edition_meta": EDITION_META,
        "catalogue_name": catalogue.info.name,
        "today": today.isoformat(),
        "type_label": vocabulary.site_types.get(site.type, site.type),
        "tradition_label": vocabulary.traditions.get(site.tradition, site.tradition) if site.tradition else None,
        "point": site.geometry.representative if site.geometry else None,
        "current": current,
        "competing": competing_corrections(reports, {r.retracts for r in retractions}),
        "condition_label": condition_label(condition, current.certainty if current else None),
        "condition_colour": CONDITION_COLOURS[condition],
        "history": history,
        "allegations": allegations,
        "timeline": timeline,
        "sources": sources,
        "evidence": evidence,
        "checked": checked,
        "party_names": {p.id: p.name for p in catalogue.info.parties},
        "locator": shared.locator(catalogue, site, audience, today),
        "chart_svg": _chart(history),
        "root_hash": root_hash or "(not computed)",
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "tool": f"heritage {__version__}",
        "css": _css(),
    }


def _attached(
    catalogue: Catalogue,
    audience: str,
    site: Site,
    reports: list[Any],
    retractions: list[Any],
    allegations: list[ShownAllegation],
    sources: list[Any],
    evidence: list[dict[str, Any]],
    checked: dict[str, list[Verification]],
) -> list[Any]:
    """The records the dossier's PDF carries: those it shows, each naming only what its audience
    may see. The page leaves unshown what a record points to (an allegation's other sites, a
    report's hidden evidence); a file carries every field, so those references go here."""
    hashes = {e["record"].file_sha256 for e in evidence}
    shown_reports = {r.id for r in reports}

    def visible_site(site_id: str) -> bool:
        return catalogue.has_site(site_id) and site_for(catalogue.site(site_id), audience) is not None

    attached: list[Any] = [site]
    attached += [
        shown_as(
            r,
            {
                "evidence": [h for h in r.evidence if h in hashes],
                "supersedes": r.supersedes if r.supersedes in shown_reports else None,
            },
        )
        for r in reports
    ]
    # A retraction goes with the report it withdraws, never without it.
    attached += [r for r in retractions if r.retracts in shown_reports]
    attached += [*sources, *(e["record"] for e in evidence)]
    for shown in allegations:
        allegation = shown.reviewed.allegation
        attached.append(
            shown_as(
                allegation,
                {
                    "sites": [s for s in allegation.sites if visible_site(s)],
                    "evidence": [h for h in allegation.evidence if h in hashes],
                },
            )
        )
        reviews = {r.id for r in shown.reviewed.reviews}
        attached += [
            shown_as(r, {"supersedes": r.supersedes if r.supersedes in reviews else None})
            for r in shown.reviewed.reviews
        ]
    # How the records were checked, and each file's custody after its intake (the evidence record),
    # as the page shows them: what a court asks of them first.
    attached += [event for e in evidence for event in e["chain"].events]
    verifications = {v.id: v for found in checked.values() for v in found}
    verifications |= {v.id: v for shown in allegations for found in shown.behind.values() for v in found}
    attached += [verifications[i] for i in sorted(verifications)]
    return attached


def render_dossier(context: dict[str, Any]) -> str:
    return _environment().get_template("dossier.html").render(**context)


# Where each kind of record lives in a catalogue (`heritage.layout`), and its attachment's name.
_RECORD_PLACES: dict[str, tuple[str, str]] = {
    "Site": ("sites/{id}.geojson", "site-{id}.geojson"),
    "ConditionReport": ("reports/{site}/{id}.json", "report-{id}.json"),
    "Retraction": ("retractions/{site}/{id}.json", "retraction-{id}.json"),
    "Allegation": ("allegations/{id}.json", "allegation-{id}.json"),
    "Review": ("reviews/{allegation}/{id}.json", "review-{id}.json"),
    "Source": ("sources/{id}.json", "source-{id}.json"),
    "Evidence": ("evidence/{short}/{sha}.json", "evidence-{sha}.json"),
    "CustodyEvent": ("custody/{sha}/{id}.json", "custody-{id}.json"),
    "Verification": ("verifications/{id}.json", "verification-{id}.json"),
}


def dossier_records(context: dict[str, Any]) -> DossierRecords:
    """The records a dossier shows (`dossier_context`'s), each encoded as heritage writes a
    catalogue file, under a flat name (`site-<id>.geojson`, `report-<id>.json`...: a tool that
    saves attachments writes them into one folder), with the catalogue path it stands for."""
    records: DossierRecords = {}
    audience = context["audience"]
    for record in context["records"]():
        place, name = _RECORD_PLACES[type(record).__name__]
        values = {
            "id": getattr(record, "id", ""),
            "site": getattr(record, "site", ""),
            "allegation": getattr(record, "allegation", ""),
            # An evidence record's file; the file a custody event is about.
            "sha": getattr(record, "file_sha256", "") or (record.evidence if isinstance(record, CustodyEvent) else ""),
        }
        values["short"] = values["sha"][:2]
        about = f"{place.format(**values)} as the {audience} edition shows it"
        records[name.format(**values)] = (about, codec.encode(record))
    return records


def write_pdf(page: str, path: Path, records: DossierRecords | None = None) -> Path:
    """The same page through WeasyPrint as a PDF/A-3b, with the fonts installed on this machine
    (no download) and `records` attached (`dossier_records`)."""
    from weasyprint import HTML, Attachment

    now = datetime.now(UTC).replace(microsecond=0)
    attachments = [
        Attachment(
            file_obj=io.BytesIO(data), name=name, description=about, created=now, modified=now, relationship="Source"
        )
        for name, (about, data) in sorted((records or {}).items())
    ]
    document = HTML(string=page, base_url=None)
    replace_file(path, document.write_pdf(pdf_variant="pdf/a-3b", attachments=attachments))
    return path


def check_editions(folder: Path, site_ids: Iterable[str], audience: str) -> None:
    """Refuse to write these sites' dossiers for this audience into `folder` if one there is of
    another edition: a map beside them links to the dossiers of its own edition, and a mission
    dossier written over a public one would be published with the public map. Check every site
    before writing any."""
    for site_id in site_ids:
        path = folder / f"{site_id}.html"
        edition = edition_at(path)
        if edition is not None and edition != audience:
            raise InvalidInput(
                f"holds the {edition} edition of this dossier; write the {audience} edition elsewhere (-o FOLDER)",
                file=path,
            )


def build_dossier(
    catalogue: Catalogue,
    site_id: str,
    folder: Path,
    *,
    pdf: bool = False,
    audience: str = "mission",
    root_hash: str = "",
    shared: Shared | None = None,
    with_records: bool = False,
) -> DossierResult:
    """Write the dossier of one site into `folder` as `<id>.html` (and `.pdf`); never over a dossier
    of another edition (`check_editions`). The records its PDF carries are in the result with the
    PDF, or with `with_records` (for a PDF made later, as a mission package makes them)."""
    check_editions(folder, [site_id], audience)
    context = dossier_context(catalogue, site_id, audience, root_hash, shared=shared)
    page = render_dossier(context)
    records = dossier_records(context) if pdf or with_records else {}
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{site_id}.html"
    replace_file(html_path, page.encode("utf-8"))
    return DossierResult(html_path, write_pdf(page, folder / f"{site_id}.pdf", records) if pdf else None, records)

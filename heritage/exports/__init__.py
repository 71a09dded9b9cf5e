"""`heritage export FORMAT`: the chosen sites, as an audience may see them, in the formats partner
systems read. A mission package writes its `data/` folder through the same writers.

    Scope                  what every format is made of: sites, reports, allegations, reviews,
                           sources and evidence, each already filtered for the audience
    FORMATS                format name -> Format (its module, file suffix, what it is for)
    export(scope, name, path)   write one format to `path` (a new or regular file), whole or not at all

Each format lives in its own module here and exposes `write(scope, path)`. A writer writes only
what `Scope` holds: nothing hidden from the audience can reach it, whatever the format.
"""

from __future__ import annotations

import functools
import importlib
import shutil
import sys
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from heritage import layout, leftovers
from heritage.allegations import ReviewedAllegation
from heritage.atomic import put_in_place
from heritage.audience import evidence_for, review_for, shown_as, site_for, source_for
from heritage.csvfile import BOM
from heritage.models import Allegation, ConditionReport, Evidence, Review, Site, Source
from heritage.models.base import utc_today
from heritage.models.vocab import Vocabulary
from heritage.selection import Seen
from heritage.store import Catalogue


@dataclass
class Scope:
    """The records an export may hold, as `audience` may see them (`heritage.audience`).

    `sites` are the chosen sites as that audience sees them (a restricted site generalised for the
    public). `reports` and `allegations` are those about these sites that it may see; an
    allegation names only the chosen sites. `sources` and `evidence` are those the reports,
    allegations and reviews cite, as it may see them. `reviews` are each allegation's reviews,
    oldest first, naming only records it may see.

    `dossiers`: where each site's dossier is, as a link prefix (`../dossiers/` in a mission
    package, or a web address); the dossier of site X is `{dossiers}X.html`. None: no links.
    """

    catalogue_name: str
    audience: str
    today: date
    sites: list[Site]
    seen: Seen  # the audience's view of the whole catalogue (`current` gives a site's condition)
    reports: dict[str, list[ConditionReport]]  # site id -> its visible reports, as stored order
    allegations: list[ReviewedAllegation]  # reviews filtered with `review_for`
    sources: dict[str, Source]
    evidence: dict[str, Evidence]  # file SHA-256 -> its record
    parties: dict[str, str]  # party id -> name, from catalogue.json
    dossiers: str | None = None
    retracted: set[str] = field(default_factory=set)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)  # site types and traditions, with labels

    @classmethod
    def load(
        cls,
        catalogue: Catalogue,
        sites: Iterable[Site],
        audience: str,
        *,
        today: date | None = None,
        dossiers: str | None = None,
        seen: Seen | None = None,
    ) -> Scope:
        """The scope of `sites` (as stored: each is filtered here) for `audience`."""
        seen = seen or Seen.load(catalogue, audience)
        shown = [s for site in sites if (s := site_for(site, audience)) is not None]
        ids = {s.id for s in shown}
        reports = {s.id: list(seen.reports[s.id]) for s in shown}
        files = {h for rs in reports.values() for r in rs for h in r.evidence}
        claims = {r.allegation.id: r.allegation for r in seen.claims}
        site_shown: dict[str, bool] = {site_id: True for site_id in ids}

        def claim_shown(claim_id: str | None) -> bool:
            """Whether the audience may see this allegation: not one about hidden sites only,
            whose words may name them (as `listing.Visible.allegation` has it)."""
            claim = claims.get(claim_id) if claim_id is not None else None
            if claim is None:
                return False
            for site_id in claim.sites:
                if site_id not in site_shown:
                    site_shown[site_id] = site_for(catalogue.site(site_id), audience) is not None
                if site_shown[site_id]:
                    return True
            return not claim.sites or claim.area is not None

        allegations = []
        for reviewed in seen.claims:
            about = [s for s in reviewed.allegation.sites if s in ids]
            if not about:
                continue
            answers = reviewed.allegation.responds_to
            allegation = shown_as(
                reviewed.allegation, {"sites": about, "responds_to": answers if claim_shown(answers) else None}
            )
            allegations.append(ReviewedAllegation(allegation, list(reviewed.reviews), list(reviewed.responses)))
            files.update(allegation.evidence)
        cited = {c.source for rs in reports.values() for r in rs for c in r.sources}
        cited |= {a.allegation.source.source for a in allegations}
        cited |= {i for a in allegations for review in a.reviews for i in review.relies_on if i in seen.sources}
        all_sources = {s.id: s for s in catalogue.sources()}
        sources = {
            i: shown_source
            for i in sorted(cited)
            if i in all_sources and (shown_source := source_for(all_sources[i], audience)) is not None
        }

        def shown_file(sha: str) -> Evidence | None:
            if not catalogue.has_evidence(sha):
                return None
            record = catalogue.read(Evidence, layout.evidence_record_file(catalogue.root, sha))
            of = all_sources.get(record.source)
            return evidence_for(record, audience, of.sensitivity if of else None)

        evidence = {sha: record for sha in sorted(files) if (record := shown_file(sha)) is not None}
        # A source may list its files itself: one whose own record is hidden goes unnamed there too.
        for source_id, source in sources.items():
            listed = [f for f in source.evidence if not catalogue.has_evidence(f.sha256) or shown_file(f.sha256)]
            if listed != source.evidence:
                sources[source_id] = shown_as(source, {"evidence": listed})
        # A record cites evidence files by hash; those hidden from the audience go unnamed.
        for site_id, site_reports in reports.items():
            reports[site_id] = [_citing(r, evidence) for r in site_reports]
        for reviewed in allegations:
            reviewed.allegation = _citing(reviewed.allegation, evidence)
        # A review relies on reports, sources, allegations and evidence files by their record ids.
        known = (
            {r.id for rs in reports.values() for r in rs}
            | seen.sources
            | {a.allegation.id for a in allegations}
            | {record.id for record in evidence.values()}
        )
        for reviewed in allegations:
            reviewed.reviews = [review_for(r, audience, known) for r in reviewed.reviews]
            reviewed.responses = [a for a in reviewed.responses if claim_shown(a)]
        return cls(
            catalogue_name=catalogue.info.name,
            audience=audience,
            today=today or utc_today(),
            sites=shown,
            seen=seen,
            reports=reports,
            allegations=allegations,
            sources=sources,
            evidence=evidence,
            parties={p.id: p.name for p in catalogue.info.parties},
            vocabulary=catalogue.info.vocabulary(),
            dossiers=dossiers,
            retracted=set(seen.retracted),
        )

    @functools.cached_property
    def summaries(self) -> list[dict[str, Any]]:
        """A row per site of what the export says of it (`summary.site_summaries`): made once, read
        by every format a package writes."""
        from heritage.exports.summary import site_summaries

        return site_summaries(self)

    def current(self, site_id: str) -> ConditionReport | None:
        """The site's condition report as of `today`, from what the audience may see."""
        return self.seen.current(site_id, self.today)

    def reviews(self) -> list[Review]:
        return [review for reviewed in self.allegations for review in reviewed.reviews]

    def dossier_link(self, site_id: str) -> str | None:
        return f"{self.dossiers}{site_id}.html" if self.dossiers is not None else None


Citing = TypeVar("Citing", ConditionReport, Allegation)


def _citing(record: Citing, shown: Container[str]) -> Citing:
    """The record naming only the evidence files in `shown`."""
    kept = [sha for sha in record.evidence if sha in shown]
    return record if kept == record.evidence else shown_as(record, {"evidence": kept})


Writer = Callable[[Scope, Path], None]


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str  # the file name's ending, for help and for `-o` defaults
    module: str  # heritage.exports.<module> has write(scope, path)
    describe: str
    binary: bool = False  # not for a terminal: `-o -` needs a pipe or a redirect
    other_suffixes: tuple[str, ...] = ()  # other endings a file of this format commonly has

    def fits(self, path: Path) -> bool:
        """Whether the file's name ends as a file of this format usually does."""
        return path.name.lower().endswith((self.suffix, *self.other_suffixes))

    @property
    def write(self) -> Writer:
        writer: Writer = importlib.import_module(f"heritage.exports.{self.module}").write
        return writer


FORMATS = {
    f.name: f
    for f in [
        Format(
            "gpkg", ".gpkg", "gpkg", "GeoPackage: sites, reports, allegations, sources, reviews; styled for QGIS", True
        ),
        Format("csv", ".csv", "csvtable", "the sites as CSV that `heritage import sites` reads back (UTF-8 with BOM)"),
        Format(
            "geojson", ".geojson", "geojson", "GeoJSON (RFC 7946) of the sites with their condition", False, (".json",)
        ),
        Format(
            "kml",
            ".kml",
            "kml",
            "KML for Google Earth: placemarks styled by condition, with their history",
            False,
            (".kmz",),
        ),
        Format("eamena", ".csv", "eamena", "EAMENA / Arches Heritage Place bulk upload sheet"),
        Format(
            "jsonld", ".jsonld", "jsonld", "Linked Art (CIDOC-CRM) JSON-LD with PROV-O provenance", False, (".json",)
        ),
    ]
}


def export(scope: Scope, format_name: str, path: Path) -> None:
    """Write `format_name` of `scope` to `path`: written under a hidden name beside it and moved
    into place whole, so a failed export leaves whatever was there before."""
    writer = FORMATS[format_name].write
    path.parent.mkdir(parents=True, exist_ok=True)
    leftovers.clean(path.parent)
    temp = path.parent / leftovers.temp_name(path.name)
    try:
        writer(scope, temp)
        put_in_place(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def export_to_stream(scope: Scope, format_name: str, stream: BinaryIO, work: Path) -> None:
    """Write `format_name` of `scope` to a stream (`-o -`), made first in the folder `work`. A CSV
    goes without its byte-order mark, which a pipe's reader would take as part of the first column's
    name (`heritage.csvfile`)."""
    temp = work / f"export{FORMATS[format_name].suffix}"
    FORMATS[format_name].write(scope, temp)
    with temp.open("rb") as handle:
        if FORMATS[format_name].suffix == ".csv" and handle.read(3) != BOM.encode():
            handle.seek(0)
        shutil.copyfileobj(handle, stream)
    stream.flush()


def stdout_binary() -> BinaryIO:
    return sys.stdout.buffer

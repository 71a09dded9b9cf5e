"""The records of one kind as an audience may see them: what `source list|show`, `report
list|show`, `evidence list|show`, `allegation list|show` and `verification list|show` print.

Every record goes through `heritage.audience`, and a record the audience may not see is left out
as if it were not there: `show` of a hidden record says "no such ...", as for an unknown id, so that
the answer does not tell the public that something restricted exists under that id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from heritage import layout
from heritage.allegations import ReviewedAllegation
from heritage.audience import (
    allegation_for,
    evidence_for,
    may_see,
    report_for,
    review_for,
    shown_as,
    site_for,
    source_for,
    verification_for,
)
from heritage.errors import RecordNotFound
from heritage.models import Allegation, ConditionReport, Evidence, Sensitivity, Source, SubjectKind, Verification
from heritage.store import Catalogue

EVERYTHING = "internal"  # the audience that sees every record as stored: no filtering to do


@dataclass
class Visible:
    """What an audience may see of the catalogue, by id: enough to filter any one kind."""

    audience: str
    sources: dict[str, Sensitivity]  # every source id -> its sensitivity (hidden ones too)
    shown_sources: set[str]
    shown_sites: set[str]
    shown_files: set[str]  # the SHA-256s of the evidence files it may see

    @classmethod
    def load(cls, catalogue: Catalogue, audience: str) -> Visible:
        sources = {s.id: s.sensitivity for s in catalogue.sources()}
        shown_sources = {i for i, level in sources.items() if may_see(level, audience)}
        shown_sites = {s.id for s in catalogue.sites() if site_for(s, audience) is not None}
        visible = cls(audience, sources, shown_sources, shown_sites, set())
        visible.shown_files = {e.file_sha256 for e in _evidence_records(catalogue) if visible.evidence(e) is not None}
        return visible

    def report(self, report: ConditionReport) -> ConditionReport | None:
        if report.site not in self.shown_sites:
            return None
        shown = report_for(report, self.audience, self.shown_sources)
        if shown is None:
            return None
        return shown_as(shown, {"evidence": [h for h in shown.evidence if h in self.shown_files]})

    def evidence(self, record: Evidence) -> Evidence | None:
        return evidence_for(record, self.audience, self.sources.get(record.source))

    def allegation(self, allegation: Allegation) -> Allegation | None:
        """The allegation as the audience may see it, naming only the sites and files it may see;
        None if it is hidden, or about hidden sites only (its words may name them)."""
        shown = allegation_for(allegation, self.audience, self.shown_sources)
        if shown is None:
            return None
        sites = [s for s in shown.sites if s in self.shown_sites]
        if shown.sites and not sites and shown.area is None:
            return None
        evidence = [h for h in shown.evidence if h in self.shown_files]
        return shown_as(shown, {"sites": sites, "evidence": evidence})

    def verification(self, catalogue: Catalogue, verification: Verification) -> Verification | None:
        """The verification as the audience may see it, or None if it may not see what it checks."""
        kind, subject = verification.subject_kind, verification.subject
        if kind is SubjectKind.source:
            seen = subject in self.shown_sources
        elif kind is SubjectKind.evidence:
            seen = subject in self.shown_files
        elif kind is SubjectKind.report:
            seen = catalogue.report_id_taken(subject) and self.report(catalogue.find_report(subject)) is not None
        else:
            path = layout.allegation_file(catalogue.root, subject)
            seen = catalogue.has_allegation(subject) and self.allegation(catalogue.read(Allegation, path)) is not None
        return verification_for(verification, self.audience, seen, self.shown_sources | self.shown_files)


# -- sources -------------------------------------------------------------------------------------


def list_sources(
    catalogue: Catalogue, audience: str, parties: Iterable[str] = (), kinds: Iterable[str] = ()
) -> list[Source]:
    """The sources this audience may see, in id order; only of these parties and kinds, if given."""
    parties, kinds = set(parties), set(kinds)
    found = []
    for source in catalogue.sources():
        if parties and source.party not in parties:
            continue
        if kinds and source.kind.value not in kinds:
            continue
        if (shown := source_for(source, audience)) is not None:
            found.append(shown)
    return found


def find_source(catalogue: Catalogue, source_id: str, audience: str) -> Source:
    shown = source_for(catalogue.source(source_id), audience)
    if shown is None:
        raise RecordNotFound("no such source", record=source_id)
    return shown


# -- condition reports ---------------------------------------------------------------------------


def list_reports(catalogue: Catalogue, audience: str, site_id: str | None = None) -> list[ConditionReport]:
    """The reports this audience may see, site by site in id order, each site's as stored; only
    those of `site_id`, if given (an unknown site is an error, not an empty list)."""
    if site_id is not None:
        catalogue.site(site_id)  # RecordNotFound for an unknown site
    reports = catalogue.reports(site_id)
    if audience == EVERYTHING:
        return list(reports)
    visible = Visible.load(catalogue, audience)
    return [shown for report in reports if (shown := visible.report(report)) is not None]


def find_report(catalogue: Catalogue, report_id: str, audience: str) -> ConditionReport:
    report = catalogue.find_report(report_id)
    if audience == EVERYTHING:
        return report
    shown = Visible.load(catalogue, audience).report(report)
    if shown is None:
        raise RecordNotFound("no such report", record=report_id)
    return shown


# -- evidence files ------------------------------------------------------------------------------


def _evidence_records(catalogue: Catalogue) -> Iterator[Evidence]:
    for path in layout.evidence_records(catalogue.root):
        yield catalogue.read(Evidence, path)


def list_evidence(catalogue: Catalogue, audience: str, source_id: str | None = None) -> list[Evidence]:
    """The evidence records this audience may see, by SHA-256; only those of `source_id`, if given."""
    visible = None if audience == EVERYTHING else Visible.load(catalogue, audience)
    found = []
    for record in _evidence_records(catalogue):
        if source_id is not None and record.source != source_id:
            continue
        shown = record if visible is None else visible.evidence(record)
        if shown is not None:
            found.append(shown)
    return found


def find_evidence(catalogue: Catalogue, reference: str, audience: str) -> Evidence:
    """An evidence record named as `evidence add` printed it: its SHA-256 or its ev-... id."""
    sha = catalogue.evidence_sha(reference)
    if sha is None:
        raise RecordNotFound("no such evidence (give its SHA-256 or ev-... id)", record=reference)
    record = catalogue.read(Evidence, layout.evidence_record_file(catalogue.root, sha))
    shown = record if audience == EVERYTHING else Visible.load(catalogue, audience).evidence(record)
    if shown is None:
        raise RecordNotFound("no such evidence (give its SHA-256 or ev-... id)", record=reference)
    return shown


# -- allegations ---------------------------------------------------------------------------------


def allegations_for(catalogue: Catalogue, found: list[ReviewedAllegation], audience: str) -> list[ReviewedAllegation]:
    """Of these allegations (as `select_allegations` gives them), those this audience may see, as
    it may see them: naming only the sites, responses and records it may see; an allegation that
    answers a hidden one says it answers nothing, and one about hidden sites only is left out."""
    if audience == EVERYTHING:
        return found
    visible = Visible.load(catalogue, audience)
    every_claim = {a.id for a in catalogue.allegations() if visible.allegation(a) is not None}
    known = visible.shown_sources | visible.shown_sites | every_claim
    known |= {r.id for r in catalogue.reports() if visible.report(r) is not None}
    known |= {e.id for e in _evidence_records(catalogue) if e.file_sha256 in visible.shown_files}
    known |= {v.id for v in catalogue.verifications() if visible.verification(catalogue, v) is not None}
    out = []
    for reviewed in found:
        allegation = visible.allegation(reviewed.allegation)
        if allegation is None:
            continue
        if allegation.responds_to is not None and allegation.responds_to not in every_claim:
            allegation = shown_as(allegation, {"responds_to": None})
        out.append(
            replace(
                reviewed,
                allegation=allegation,
                reviews=[review_for(r, audience, known) for r in reviewed.reviews],
                responses=[a for a in reviewed.responses if a in every_claim],
            )
        )
    return out


def find_allegation_for(catalogue: Catalogue, reviewed: ReviewedAllegation, audience: str) -> ReviewedAllegation:
    shown = allegations_for(catalogue, [reviewed], audience)
    if not shown:
        raise RecordNotFound("no such allegation", record=reviewed.allegation.id)
    return shown[0]


# -- verifications -------------------------------------------------------------------------------


def list_verifications(catalogue: Catalogue, audience: str, subject: str | None = None) -> list[Verification]:
    """The verifications this audience may see, by date checked then id; only those of `subject`
    (an id, or an evidence file's SHA-256 or ev- id), if given."""
    if subject is not None:
        subject = catalogue.evidence_sha(subject) or subject
    found = sorted(catalogue.verifications(), key=lambda v: (v.checked_on, v.id))
    if subject is not None:
        found = [v for v in found if v.subject == subject]
    if audience == EVERYTHING:
        return found
    visible = Visible.load(catalogue, audience)
    return [shown for v in found if (shown := visible.verification(catalogue, v)) is not None]


def find_verification(catalogue: Catalogue, verification_id: str, audience: str) -> Verification:
    verification = catalogue.verification(verification_id)
    if audience == EVERYTHING:
        return verification
    shown = Visible.load(catalogue, audience).verification(catalogue, verification)
    if shown is None:
        raise RecordNotFound("no such verification", record=verification_id)
    return shown

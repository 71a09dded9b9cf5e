"""One batch of submissions made into records: for each, the site (known, or new), the field-visit
source, the photos' evidence and the report, with the warnings a person should see. Nothing is
written here: the batch lists the files, and `intake` stages and commits them.

A submission's records join the batch only when all of them are good, so that what one failing
submission would have added (a new site, a photo) is never counted by another.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from heritage import layout
from heritage.codec import encode, from_document
from heritage.errors import InvalidInput
from heritage.evidence import evidence_record
from heritage.fieldform import DEVICE, FORM_ID, NOT_LISTED
from heritage.ids import slugify
from heritage.importing.checks import Seen, check_site
from heritage.importing.problems import RowProblem
from heritage.models import ConditionReport, Evidence, RecordedWarning, Site, Source
from heritage.models.vocab import Sensitivity
from heritage.store import Catalogue, validation_messages
from heritage.submissions import Photo, Submission
from heritage.submissions import checks as W
from heritage.submissions.answers import Visit, read_visit

if TYPE_CHECKING:
    from heritage.submissions.intake import IntakeOptions

# A record's field -> the form's question that gave it, so that a problem the models find is
# named as the person filling the form knew it.
_QUESTION = {
    "observed": "visit_date",
    "published": "visit_date",
    "visited_at": "visit_time",
    "observed_by": "observer",
    "author": "observer",
    "title": "observer",
    "names": "new_site_name",
    "geometry": "new_site_position",
    "submission": "meta",
}
PHOTO_FIX = "give the folder that holds the photos with --media DIR, or import without them with --without-photos"


def instance_key(instance_id: str) -> str:
    """The part of an instanceID that record ids are made of: its uuid, or a hash of anything else."""
    text = instance_id.strip().lower().removeprefix("uuid:")
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", text):
        return text
    return "h" + hashlib.sha256(instance_id.encode("utf-8")).hexdigest()[:32]


def report_id(instance_id: str) -> str:
    return f"fv-{instance_key(instance_id)}"


def source_id(instance_id: str) -> str:
    return f"src-fv-{instance_key(instance_id)}"


def _model_problems(error: ValidationError, whole: str | None = None) -> list[RowProblem]:
    """The models' problems named by the form's questions; `whole` names a problem of the whole
    record (a source's only such check is a visit date in the future)."""
    found = []
    for path, message in validation_messages(error):
        head = path.split(".")[0].split("[")[0]
        found.append(RowProblem(_QUESTION.get(head, head) or whole, message))
    return found


@dataclass
class _Pending:
    """What one submission adds, joined to the batch only if all of it is good."""

    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RecordedWarning] = field(default_factory=list)
    files: list[tuple[Path, bytes | Path]] = field(default_factory=list)
    site: Site | None = None  # a new site
    evidence: list[Evidence] = field(default_factory=list)  # new evidence
    hashes: list[str] = field(default_factory=list)  # every photo the report cites


class Batch:
    def __init__(self, catalogue: Catalogue, options: IntakeOptions, known: dict[str, str], now: datetime) -> None:
        self.catalogue, self.options, self.known = catalogue, options, known  # known: report id -> site
        self.now = now.isoformat()
        self.sensitivity = options.sensitivity or Sensitivity.public
        self.problems: list[tuple[str, RowProblem]] = []
        # A photo's bytes are given by the file they are in (read again as they are staged), so that a
        # mission's gigabytes of photos are never all in memory at once.
        self.files: list[tuple[Path, bytes | Path]] = []
        self.reports: list[ConditionReport] = []
        self.sites: list[Site] = []
        self.sources: list[Source] = []
        self.evidence: list[Evidence] = []
        self.records: list[Site | ConditionReport] = []  # new sites and reports, in the order they came
        self.where: dict[str, str] = {}  # report id -> the submission's place
        self.notices: list[str] = []
        self._site_cache: dict[str, Site | None] = {}
        self._new_sites: dict[str, Site] = {}  # by the key of their name
        self._planned: dict[str, str] = {}  # report id -> site, of the reports of this batch
        self._stored: dict[str, Evidence] = {}  # SHA-256 -> its record, in the catalogue or the batch
        self._corrected: set[str] = set()

    def add(self, submission: Submission) -> bool:
        """Make the submission's records; False (and its problems noted) if it fails. The site and
        the photos are checked whatever else is wrong, so that one run names every problem."""
        pending = _Pending()
        visit, found = read_visit(submission.answers)
        pending.problems += found
        self.notices += [f"{submission.where}: {text}" for text in visit.left_out]
        site = self._site(submission, visit, pending)
        self._photos(submission, visit, source_id(submission.instance_id), pending)
        if site is not None and not pending.problems:
            source = self._source(submission, visit, site, pending)
            supersedes = self._supersedes(submission, site, pending)
            report = self._report(submission, visit, site, source, supersedes, pending) if source else None
            if report is not None and not pending.problems:
                self._join(submission, source, report, pending)
                return True
        self.problems += [(submission.where, problem) for problem in pending.problems]
        return False

    def _join(self, submission: Submission, source: Source | None, report: ConditionReport, pending: _Pending) -> None:
        self.files += pending.files
        if pending.site is not None:
            self.sites.append(pending.site)
            self.records.append(pending.site)
            self._new_sites[_name_key(pending.site.names[0].text)] = pending.site
        if source is not None:
            self.sources.append(source)
        for evidence in pending.evidence:
            self.evidence.append(evidence)
            self._stored[evidence.file_sha256] = evidence
        self.reports.append(report)
        self.records.append(report)
        self.where[report.id] = submission.where
        self._planned[report.id] = report.site
        if report.supersedes:
            self._corrected.add(report.supersedes)

    # -- the site ----------------------------------------------------------------------------

    def _known_site(self, site_id: str) -> Site | None:
        if site_id not in self._site_cache:
            has = self.catalogue.has_site(site_id)
            self._site_cache[site_id] = self.catalogue.site(site_id) if has else None
        return self._site_cache[site_id]

    def _site(self, submission: Submission, visit: Visit, pending: _Pending) -> Site | None:
        if visit.site != NOT_LISTED:
            site = self._known_site(visit.site)
            if site is None:
                fix = (
                    "the form offers the sites of the catalogue it was built from: import those sites first, "
                    "or check that this is that catalogue"
                )
                pending.problems.append(RowProblem("site", "unknown site", visit.site, fix))
            return site
        key = _name_key(visit.new_site_name)
        if key in self._new_sites:  # another submission of this batch named it first
            return self._new_sites[key]
        return self._new_site(submission, visit, pending)

    def _new_site(self, submission: Submission, visit: Visit, pending: _Pending) -> Site | None:
        point = visit.new_site_point
        if point is None or not visit.new_site_name:
            return None  # its problem is noted already
        site_id = slugify(visit.new_site_name) or _name_id(visit.new_site_name)
        existing = self._known_site(site_id)
        if existing is not None:
            message = f"makes the site id {site_id!r}, which the catalogue holds already ({existing.display_name()!r})"
            fix = (
                f"if it is that site, answer the site question with {site_id} (edit the submission); "
                "if it is another, give its name as it differs (add the village or the saint)"
            )
            pending.problems.append(RowProblem("new_site_name", message, visit.new_site_name, fix))
            return None
        if point.accuracy_m:  # a phone's fix is as good as its accuracy, and no better
            location: dict[str, Any] = {"precision": "approximate", "uncertainty_m": math.ceil(point.accuracy_m)}
            how = f"±{math.ceil(point.accuracy_m)} m, the phone's GPS accuracy of {point.accuracy_m:g} m rounded up"
        else:  # placed by hand, or a phone that gave no accuracy: the form asked them to stand at the site
            location, how = {"precision": "exact"}, "no accuracy given"
        location["source"] = f"GPS position on the field form, {how} (submission {submission.instance_id})"
        properties = {
            "names": [{"lang": "und", "text": visit.new_site_name}],  # the form does not ask the name's language
            "location": location,
            "type": "other",
            # No observer here: a site's description is shown to every audience that sees the site.
            "description": f"Added from a field visit on {visit.day}: not on the form's list.",
            # A site the team found has had no one's second look, and the position is exact: the
            # public sees it at a rounded point until an analyst makes it public (see audience).
            "sensitivity": self.options.sensitivity or Sensitivity.restricted,
            "recorded_at": self.now,
            "recorded_by": self.options.recorded_by,
        }
        geometry = {"type": "Point", "coordinates": [point.lon, point.lat]}
        feature = {"type": "Feature", "id": site_id, "geometry": geometry, "properties": properties}
        try:
            site = from_document(Site, feature, self.catalogue.context)
        except ValidationError as error:
            pending.problems += _model_problems(error)
            return None
        errors, warnings = check_site(self.catalogue, site, Seen())
        pending.problems += [RowProblem("new_site_position", p.message, None, p.fix) for p in errors]
        self.notices += [f"{submission.where}: new site {site.id}: {p.message}" for p in warnings]
        pending.site = site
        pending.files.append(
            (layout.site_file(self.catalogue.root, site.id), encode(site, self.catalogue.info.seal_scheme))
        )
        pending.warnings.append(W.new_site(site))
        return site

    # -- the source and the photos -----------------------------------------------------------

    def _source(self, submission: Submission, visit: Visit, site: Site, pending: _Pending) -> Source | None:
        document = {
            "id": source_id(submission.instance_id),
            "kind": "field_visit",
            # The observer is the author only: `audience.source_for` withholds a field visit's author
            # beyond the team, and a title is shown to every audience that sees the source.
            "title": f"Field visit to {site.display_name()} on {visit.day}",
            "author": visit.observer,
            "published": visit.day.isoformat(),
            "reliability": self.options.reliability,
            "sensitivity": self.sensitivity,
            "notes": f"Phone form {submission.form_id or FORM_ID}, submission {submission.instance_id}.",
            "recorded_at": self.now,
            "recorded_by": self.options.recorded_by,
        }
        try:
            source = Source.model_validate(document, context=self.catalogue.context)
        except ValidationError as error:
            pending.problems += _model_problems(error, "visit_date")
            return None
        if not self.catalogue.has_source(source.id):  # made by hand meanwhile: cited as it is
            pending.files.append(
                (layout.source_file(self.catalogue.root, source.id), encode(source, self.catalogue.info.seal_scheme))
            )
        return source

    def _photos(self, submission: Submission, visit: Visit, source: str, pending: _Pending) -> None:
        for photo in submission.photos:
            evidence = self._photo(photo, visit, source, pending)
            if evidence is None:
                continue
            if evidence.file_sha256 not in pending.hashes:
                pending.hashes.append(evidence.file_sha256)
            if warning := W.photo_other_day(evidence, photo.name, visit.day):
                pending.warnings.append(warning)

    def _photo(self, photo: Photo, visit: Visit, source: str, pending: _Pending) -> Evidence | None:
        if photo.path is None or not photo.path.is_file():
            if self.options.without_photos:
                pending.warnings.append(W.photo_missing(photo.name))
            else:
                pending.problems.append(RowProblem("photo", "file not found", photo.name, PHOTO_FIX))
            return None
        try:
            with layout.open_input(photo.path) as handle:
                data = handle.read()
            if damage := W.photo_damage(data, photo.name):
                pending.problems.append(RowProblem("photo", damage, photo.name, W.PHOTO_COPY_FIX))
                return None
            evidence = evidence_record(
                self.catalogue,
                photo.path,
                source,
                recorded_by=self.options.recorded_by,
                data=data,
                captured_by=visit.observer,
                notes=photo.caption or None,
                sensitivity=self.sensitivity,
            )
        except InvalidInput as error:
            pending.problems.append(RowProblem("photo", error.problem.message, photo.name))
            return None
        except OSError as error:
            pending.problems.append(RowProblem("photo", f"cannot be read ({error.strerror})", photo.name))
            return None
        sha = evidence.file_sha256
        stored = self._stored.get(sha) or next((e for e in pending.evidence if e.file_sha256 == sha), None)
        if stored is not None:
            return stored
        if self.catalogue.has_evidence(sha):  # added before: cited, not stored again
            self._stored[sha] = self.catalogue.read(Evidence, layout.evidence_record_file(self.catalogue.root, sha))
            return self._stored[sha]
        pending.evidence.append(evidence)
        pending.files.append((layout.evidence_file(self.catalogue.root, sha), photo.path))
        pending.files.append(
            (layout.evidence_record_file(self.catalogue.root, sha), encode(evidence, self.catalogue.info.seal_scheme))
        )
        return evidence

    # -- the report --------------------------------------------------------------------------

    def _supersedes(self, submission: Submission, site: Site, pending: _Pending) -> str | None:
        """The report an edited submission corrects: the one made of the submission it replaces,
        if that came in (ODK Central exports only the latest version of an edited submission)."""
        if not submission.replaces:
            return None
        earlier = report_id(submission.replaces)
        earlier_site = self._planned.get(earlier) or self.known.get(earlier)
        if earlier_site is None:
            return None
        if earlier not in self._planned and any(
            r.retracts == earlier for r in self.catalogue.retractions(earlier_site)
        ):
            return None  # withdrawn: there is nothing left to correct
        if earlier_site != site.id:
            message = f"edits the submission of report {earlier} (site {earlier_site}), but names site {site.id}"
            fix = (
                f"a correction stays with its site: if the site answer is right, retract the earlier report "
                f"(heritage report retract {earlier} --reason ...) and import again"
            )
            pending.problems.append(RowProblem("site", message, site.id, fix))
            return None
        done = [earlier] if earlier in self._corrected else self.catalogue.superseded_by(earlier_site, earlier)
        if done:
            message = f"edits the submission of report {earlier}, which is already superseded"
            fix = "a report has one correction in force: retract the correction it has, or leave this edit out"
            pending.problems.append(RowProblem("meta/deprecatedID", message, earlier, fix))
            return None
        return earlier

    def _report(
        self,
        submission: Submission,
        visit: Visit,
        site: Site,
        source: Source,
        supersedes: str | None,
        pending: _Pending,
    ) -> ConditionReport | None:
        if visit.position is not None and (far := W.far_from_site(site, visit.position, self.options.max_distance_m)):
            pending.warnings.append(far)
        position = visit.position
        document: dict[str, Any] = {
            "id": report_id(submission.instance_id),
            "site": site.id,
            "observed": visit.day.isoformat(),
            "observed_by": visit.observer,
            "position": position and {"coordinates": [position.lon, position.lat], "accuracy_m": position.accuracy_m},
            "visited_at": visit.visited_at,
            "access": visit.access,
            "access_reason": visit.access_reason,
            "method": "field_visit",
            "condition": visit.condition,
            "certainty": visit.certainty,
            "damage_extent": visit.damage_extent,
            "damage_effects": visit.damage_effects,
            "damage_causes": visit.damage_causes,
            "sources": [{"source": source.id}],
            "evidence": pending.hashes,
            "notes": visit.notes,
            "sensitivity": self.sensitivity,
            "supersedes": supersedes,
            "submission": _submission(submission),
            "warnings": pending.warnings,
            "recorded_at": self.now,
            "recorded_by": self.options.recorded_by,
        }
        try:
            report = ConditionReport.model_validate(
                {k: v for k, v in document.items() if v is not None}, context=self.catalogue.context
            )
        except ValidationError as error:
            pending.problems += _model_problems(error)
            return None
        pending.files.append(
            (
                layout.report_file(self.catalogue.root, site.id, report.id),
                encode(report, self.catalogue.info.seal_scheme),
            )
        )
        return report


def _submission(submission: Submission) -> dict[str, Any]:
    given = {
        "instance_id": submission.instance_id,
        # Read by this form's names: a submission that does not say its form is of this one.
        "form_id": submission.form_id or FORM_ID,
        "form_version": submission.form_version,
        "replaces": submission.replaces,
        "via": submission.via,
        "submitted_at": submission.submitted_at,
        "submitted_by": submission.submitted_by,
        # Central says which phone sent it; a phone's own copy and Kobo's export say it only in
        # the form's deviceid answer.
        "device": submission.device or submission.answers.get(DEVICE, "").strip(),
    }
    return {k: v for k, v in given.items() if v not in (None, "")}


def _name_id(name: str) -> str:
    """The id of a site named in a script with no Latin letters (Arabic, Chinese): made of its name,
    as a slug is, so that the same name brought in another batch makes the same id, not a second site."""
    return "site-" + hashlib.sha256(_name_key(name).encode("utf-8")).hexdigest()[:16]


def _name_key(name: str) -> str:
    """Two submissions naming one new site: the same id from their names, or the same name."""
    return slugify(name) or " ".join(name.casefold().split())

"""Who an output is for, and what each audience may see: the one place these rules live.

Every output meant for someone (the map and its data, dossiers, mission pages, forms, GIS layers,
CSVs, manifests and the file names in them) takes its records through the functions here.

internal: everything.
mission: nothing confidential, nor anything resting on it; and no private person named: observers
    (and the author of a field visit or a testimony) and where they stood, photographers, claimants
    of kind `person`, evidence file names and a photo's own position and camera are left out; a
    warning recorded on a report keeps its code and is said in our own words, which name no
    position and no file (`withheld_warning`); an evidence file's chain of custody keeps what was
    done when and whether its hash was checked, but not who held it, handed it on or sent it, nor
    where or how (`custody_for`).
public: nothing restricted either; a restricted site only at a point rounded to 0.1 degree (about
    10 km), as approximate, without what could pin it down; and no login name of the team
    (`recorded_by`, reviewers, who migrated or resealed a record, who sent a field submission and from which
    phone). A report's access, its reason and the time of the visit are kept.

A record is as hidden as what it rests on: a report about a hidden site, a report all of whose
sources are hidden, an allegation made in a hidden source, an evidence file of a hidden source are
hidden with it (a report with some of its sources hidden is shown citing only the others), and so
is the chain of custody of a hidden evidence file, and a verification of a hidden record or one
that relies only on hidden files and sources. Hidden
records are never named, not even by id: where one is left out, an output says that something was
withheld.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Container, Iterable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from heritage.models import (
    Allegation,
    ConditionReport,
    CustodyEvent,
    Evidence,
    LocationPrecision,
    Point,
    RecordedWarning,
    Retraction,
    Review,
    Sensitivity,
    Site,
    Source,
    Verification,
)
from heritage.models.base import Record
from heritage.models.report import FAR_FROM_SITE, NEW_SITE, PHOTO_MISSING, PHOTO_OTHER_DAY
from heritage.models.vocab import ClaimantKind, SourceKind

AUDIENCES = ("public", "mission", "internal")
GENERALISED_DEGREES = 0.1
GENERALISED_UNCERTAINTY_M = 10_000.0
WITHHELD_PERSON = "a person (name withheld)"  # a claimant of kind person, beyond the team
WITHHELD_LOGIN = "(name withheld)"  # who recorded or reviewed a record, for the public
# Written into every dossier's head, so that a map links only to dossiers of its own edition.
EDITION_META = "heritage-audience"
EDITION_HEAD = 1024  # a dossier says its edition in its first bytes, before any catalogue text
_EDITION = re.compile(rb'<meta name="' + EDITION_META.encode() + rb'" content="([a-z]+)">')
_LEVEL = {Sensitivity.public: 0, Sensitivity.restricted: 1, Sensitivity.confidential: 2}


def hidden(audience: str) -> set[Sensitivity]:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; one of {', '.join(AUDIENCES)}")
    return {
        "internal": set(),
        "mission": {Sensitivity.confidential},
        "public": {Sensitivity.confidential, Sensitivity.restricted},
    }[audience]


def may_see(sensitivity: Sensitivity, audience: str) -> bool:
    return sensitivity not in hidden(audience)


def strictest(*levels: Sensitivity | None) -> Sensitivity:
    """The most hidden of these levels: a record is as hidden as what it rests on."""
    return max((level for level in levels if level is not None), key=_LEVEL.__getitem__, default=Sensitivity.public)


def least(levels: Iterable[Sensitivity]) -> Sensitivity | None:
    """The least hidden of these levels, None if there are none: a record shown wherever any of
    the things it is about is shown."""
    return min(levels, key=_LEVEL.__getitem__, default=None)


def names_people(audience: str) -> bool:
    """Whether this audience may read the names of private persons (witnesses, observers,
    photographers, claimants of kind person) and what could find them (where an observer stood,
    a photo's own position and camera): only the team. A named witness can be hurt."""
    hidden(audience)
    return audience == "internal"


def names_team(audience: str) -> bool:
    """Whether this audience may read the team's login names (`recorded_by`, reviewers): not the
    public; a mission may need to ask who recorded what."""
    hidden(audience)
    return audience != "public"


def claimant_name(name: str, kind: ClaimantKind, audience: str) -> str:
    return WITHHELD_PERSON if kind is ClaimantKind.person and not names_people(audience) else name


def _login(name: str, audience: str) -> str:
    return name if names_team(audience) else WITHHELD_LOGIN


def _stamp(record: Record, audience: str) -> dict[str, object]:
    """Who put a record in (and who migrated it, if it came from elsewhere), as this audience may
    read it: the fields to update on any record."""
    migrated, resealed = record.migrated, record.resealed
    if migrated is not None:
        migrated = migrated.model_copy(update={"by": _login(migrated.by, audience)})
    if resealed is not None:  # who ran heritage migrate
        resealed = resealed.model_copy(update={"by": _login(resealed.by, audience)})
    return {"recorded_by": _login(record.recorded_by, audience), "migrated": migrated, "resealed": resealed}


Shown = TypeVar("Shown", bound=Record)


def shown_as(record: Shown, update: dict[str, Any]) -> Shown:
    """The record with `update` applied, as an audience sees it; without its seal if that changed
    anything. A seal is the SHA-256 of the whole record as stored: beside a record with a field
    withheld (a login, a witness's name, an exact point), it would let anyone confirm a guess at
    that field by hashing the record with the guess in it. The previous seal that `heritage migrate`
    kept (`resealed`) hashes the whole stored record too, and goes with it. A record shown whole
    keeps both."""
    if any(getattr(record, name) != value for name, value in update.items()):
        update = {**update, "sha256": None, "resealed": None}
    return record.model_copy(update=update)


def edition_of(head: bytes) -> str | None:
    """The audience an output was written for, from the start of its file (the tag that
    `EDITION_META` names, which dossiers write before anything from the catalogue), or None."""
    found = _EDITION.search(head)
    return found.group(1).decode("ascii") if found and found.group(1).decode("ascii") in AUDIENCES else None


def edition_at(path: Path) -> str | None:
    """The audience the output at `path` was written for (`edition_of` its first bytes), or None if
    there is none there, or it is not a regular file, or it says no edition. Never through a link,
    and never waiting on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return edition_of(os.read(fd, EDITION_HEAD))
    except OSError:
        return None
    finally:
        os.close(fd)


def shown_ids(ids: Iterable[str], known: Container[str]) -> tuple[list[str], bool]:
    """Of these ids of other records, the ones an output may name (those in `known`, the records its
    audience may see), and whether any was left out (then say so, without naming it)."""
    ids = list(ids)
    shown = [i for i in ids if i in known]
    return shown, len(shown) < len(ids)


# -- places --------------------------------------------------------------------------------------


def generalised(lon: float, lat: float) -> tuple[float, float]:
    """A restricted site's point as the public may see it: to the nearest 0.1 degree."""
    step = GENERALISED_DEGREES
    return round(round(lon / step) * step, 1), round(round(lat / step) * step, 1)


def point_for(lon: float, lat: float, sensitivity: Sensitivity, audience: str) -> tuple[float, float] | None:
    """Where this audience may see a site's point (as `site_for` shows it), or None if it may not
    see the site at all."""
    if not may_see_site(sensitivity, audience):
        return None
    if audience == "public" and sensitivity is Sensitivity.restricted:
        return generalised(lon, lat)
    return lon, lat


class Place(NamedTuple):
    point: tuple[float, float] | None
    precision: LocationPrecision
    uncertainty_m: float | None
    pinned: bool  # False: what could pin the site down (areas, ids, description...) must go too


def place_for(
    point: tuple[float, float] | None,
    precision: LocationPrecision,
    uncertainty_m: float | None,
    sensitivity: Sensitivity,
    audience: str,
) -> Place | None:
    """A site's place as this audience may see it, or None if it may not see the site."""
    if not may_see_site(sensitivity, audience):
        return None
    if audience == "public" and sensitivity is Sensitivity.restricted:
        if point is None:
            return Place(None, LocationPrecision.unknown, None, False)
        return Place(generalised(*point), LocationPrecision.approximate, GENERALISED_UNCERTAINTY_M, False)
    return Place(point, precision, uncertainty_m, True)


def may_see_site(sensitivity: Sensitivity, audience: str) -> bool:
    return may_see(site_reach(sensitivity), audience)


def site_reach(sensitivity: Sensitivity) -> Sensitivity:
    """How hidden a site of this sensitivity makes what is about it: a restricted site is shown to
    the public too (at a generalised place), a confidential one to the team only."""
    return Sensitivity.confidential if sensitivity is Sensitivity.confidential else Sensitivity.public


# -- records ---------------------------------------------------------------------------------------


def site_for(site: Site, audience: str) -> Site | None:
    """The site as this audience may see it, or None if it may not see it at all."""
    point = site.geometry.representative if site.geometry is not None else None
    place = place_for(point, site.location.precision, site.location.uncertainty_m, site.sensitivity, audience)
    if place is None:
        return None
    site = shown_as(site, _stamp(site, audience))
    if place.pinned:
        return site
    geometry = Point(type="Point", coordinates=list(place.point)) if place.point else None
    location = site.location.model_copy(
        update={"precision": place.precision, "uncertainty_m": place.uncertainty_m, "source": None}
    )
    return strip_site(shown_as(site, {"geometry": geometry, "location": location, "description": None}))


def strip_site(site: Site) -> Site:
    """A restricted site as the public may see it: nothing that could pin it down."""
    return shown_as(site, {"areas": [], "external_ids": {}, "designations": [], "disputes": []})


def source_for(source: Source, audience: str) -> Source | None:
    if not may_see(source.sensitivity, audience):
        return None
    update = _stamp(source, audience)
    if not names_people(audience):
        files = [f.model_copy(update={"name": None, "captured_by": None}) for f in source.evidence]
        update |= {"notes": None, "evidence": files}
        # The author of a testimony is the witness; of a field visit, the observer.
        if source.kind in (SourceKind.testimony, SourceKind.field_visit):
            update["author"] = None
    return shown_as(source, update)


def report_for(report: ConditionReport, audience: str, sources: Container[str]) -> ConditionReport | None:
    """The report as this audience may see it, citing only `sources` (the ones it may see), or None.
    Whether its site may be seen is the caller's to ask (`site_for`)."""
    if not may_see_report(report.sensitivity, [c.source for c in report.sources], audience, sources):
        return None
    update: dict[str, object] = {
        "sources": [c for c in report.sources if c.source in sources],
        **_stamp(report, audience),
    }
    if not names_people(audience):
        warnings = [w.model_copy(update={"message": withheld_warning(w)}) for w in report.warnings]
        update |= {"observed_by": None, "position": None, "warnings": warnings}
    if report.submission is not None and not names_team(audience):
        update["submission"] = report.submission.model_copy(update={"submitted_by": None, "device": None})
    return shown_as(report, update)


# A warning recorded when a report came in is written for the team, and may name where the
# observer stood or a photo's file name. Beyond the team it keeps its code and says what it means
# in our own words, with only what may be seen: a distance from the site (a circle around a public
# point, never a position) and dates (a photo's capture time is shown beside it anyway).
_STOOD = re.compile(r"\bstood (\d[\d,]*(?:\.\d+)? (?:km|m))\b")
# The two days, where the intake writes them (heritage.submissions.checks.photo_other_day).
_TAKEN = re.compile(r"taken on (?P<taken>\d{4}-\d{2}-\d{2})\b.*\bvisit was on (?P<visit>\d{4}-\d{2}-\d{2})\b")
_WARNING_WORDS = {
    FAR_FROM_SITE: "where the observer stood was far from the site's recorded location",
    PHOTO_OTHER_DAY: "a photo was taken on another day than the visit",
    PHOTO_MISSING: "a photo named in the submission was not brought in",
    NEW_SITE: "the site was not on the form's list and was added from this visit",
}


def withheld_warning(warning: RecordedWarning) -> str:
    """A recorded warning's message as those beyond the team may read it (see above)."""
    words = _WARNING_WORDS.get(warning.code)
    if words is None:
        return "noted when the report came in; the details are kept for the team"
    if warning.code == FAR_FROM_SITE:
        # The distance the observer stood from the site, which the message gives first (it also
        # names the limit, the GPS accuracy and the site's own uncertainty: none of them is it).
        found = _STOOD.search(warning.message)
        return f"the observer stood {found[1]} from the site's recorded location" if found else words
    if warning.code == PHOTO_OTHER_DAY and (days := _TAKEN.search(warning.message)):
        return f"a photo was taken on {days['taken']}, the visit was on {days['visit']}"
    return words


def may_see_report(sensitivity: Sensitivity, cited: Iterable[str], audience: str, sources: Container[str]) -> bool:
    """Whether this audience may see a report of this sensitivity citing these source ids, given the
    sources it may see: a report all of whose sources are hidden is hidden with them (what it says
    is theirs: its condition, its notes); one with some of them visible is shown citing only those."""
    return may_see(sensitivity, audience) and any(source in sources for source in cited)


def report_reach(sensitivity: Sensitivity, sources: Iterable[Sensitivity | None]) -> Sensitivity:
    """How hidden a report is, from its own sensitivity and its cited sources' (None: a source not
    in the catalogue, which counts as confidential): as `may_see_report` decides, for those who
    know only the levels (the map's index)."""
    cited = least(Sensitivity.confidential if level is None else level for level in sources)
    return strictest(sensitivity, cited if cited is not None else Sensitivity.confidential)


def allegation_for(allegation: Allegation, audience: str, sources: Container[str]) -> Allegation | None:
    """The allegation as this audience may see it, or None: a claim made in a source it may not see
    is hidden with it. `responds_to` is kept: name it only if the audience may see that one."""
    if not may_see_claim(allegation.sensitivity, allegation.source.source, audience, sources):
        return None
    claimant = allegation.claimant
    name = claimant_name(claimant.name, claimant.kind, audience)
    return shown_as(
        allegation, {"claimant": claimant.model_copy(update={"name": name}), **_stamp(allegation, audience)}
    )


def may_see_claim(sensitivity: Sensitivity, source: str, audience: str, sources: Container[str]) -> bool:
    """Whether this audience may see an allegation of this sensitivity made in `source`, given the
    sources it may see: a claim made in a hidden source is hidden with it."""
    return may_see(sensitivity, audience) and source in sources


def evidence_for(record: Evidence, audience: str, source: Sensitivity | None) -> Evidence | None:
    """The evidence record as this audience may see it (`source`: its source's sensitivity; None
    for a source not in the catalogue, which counts as confidential, as in `report_reach`), or None."""
    level = Sensitivity.confidential if source is None else source
    if not may_see(strictest(record.sensitivity, level), audience):
        return None
    update = _stamp(record, audience)
    if not names_people(audience):
        update |= dict.fromkeys(_PERSONAL_EVIDENCE)
    return shown_as(record, update)


# What an evidence record says that could find a person: its file's name, who captured it, where
# and with which device, whom it came from and how, and the notes.
_PERSONAL_EVIDENCE = (
    "name",
    "captured_by",
    "location",
    "camera",
    "software",
    "device_serial",
    "received_from",
    "received_via",
    "received_url",
    "notes",
)
# Who held a file, handed it on or copied it, where and how: custody names people.
_PERSONAL_CUSTODY = ("by", "from_holder", "to_holder", "where", "notes")


def custody_for(event: CustodyEvent, audience: str, evidence_shown: bool) -> CustodyEvent | None:
    """A custody event as this audience may see it, or None: one of an evidence file it may not see
    (`evidence_shown`, as `evidence_for` decides) is hidden with the file."""
    if not evidence_shown or not may_see(event.sensitivity, audience):
        return None
    update = _stamp(event, audience)
    if not names_people(audience):
        update |= dict.fromkeys(_PERSONAL_CUSTODY)
    return shown_as(event, update)


def review_for(review: Review, audience: str, known: Container[str]) -> Review:
    """A review of an allegation the audience may see, naming only the records in `known`."""
    relies_on, _ = shown_ids(review.relies_on, known)
    return shown_as(
        review, {"relies_on": relies_on, "reviewer": _login(review.reviewer, audience), **_stamp(review, audience)}
    )


def verification_for(
    verification: Verification, audience: str, subject_seen: bool, seen: Container[str]
) -> Verification | None:
    """The verification as this audience may see it, or None. `subject_seen`: whether the audience
    may see what it checks; `seen`: the sources (by id) and evidence files (by SHA-256) it may see.
    A check of a hidden record is hidden with it, and so is one all of whose files and sources are
    hidden (what it found is theirs); one with some of them hidden names only the others. Who
    checked is a login or a colleague's name: withheld from the public, as reviewers are; the notes
    may name a witness, and are the team's; the point a geolocation found can pin down a site
    that the public sees only generalised, so the public never gets it."""
    if not subject_seen or not may_see(verification.sensitivity, audience):
        return None
    cited = [*verification.evidence, *(c.source for c in verification.sources)]
    if cited and not any(x in seen for x in cited):
        return None
    update: dict[str, object] = {
        "evidence": [sha for sha in verification.evidence if sha in seen],
        "sources": [c for c in verification.sources if c.source in seen],
        "checked_by": _login(verification.checked_by, audience),
        **_stamp(verification, audience),
    }
    if not names_people(audience):
        update["notes"] = None
    if audience == "public":
        update["location"] = None
    return shown_as(verification, update)


def retraction_for(retraction: Retraction, audience: str) -> Retraction:
    return shown_as(retraction, _stamp(retraction, audience))

"""Plain words for every value of the vocabularies, and the list of vocabularies that `heritage
vocab` shows: kept apart from the enums in `vocab`, which are what files hold."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from heritage.models.verification import SubjectKind, VerificationResult, VerificationStep
from heritage.models.vocab import (
    DEFAULT_VOCABULARY,
    Access,
    AllegationStatus,
    AllegedAct,
    Certainty,
    ClaimantKind,
    Condition,
    DamageCause,
    DamageEffect,
    DamageExtent,
    DisputedAspect,
    LocationPrecision,
    Method,
    Reliability,
    Sensitivity,
    SourceKind,
    Vocabulary,
)

LABELS: dict[str, str] = {
    # conditions (DESIGN's table: the EAMENA and UNOSAT columns are above)
    "intact": "Intact: no visible damage",
    "minor_damage": "Minor damage",
    "moderate_damage": "Moderate damage",
    "severe_damage": "Severe damage",
    "destroyed": "Destroyed",
    "altered": "Altered: rebuilt, converted or stripped of identity markers",
    "threatened": "Threatened: no damage yet, a specific threat",
    "damaged": "Damaged, extent not known",
    # certainty of an observation
    "possible": 'Possible: indications only (UNOSAT\'s "possible damage")',
    "probable": "Probable: more likely than not, not yet confirmed",
    "confirmed": "Confirmed: seen on site, or beyond doubt in the evidence",
    # methods
    "remote_sensing": "Remote sensing (satellite or aerial imagery)",
    "field_visit": "Field visit",
    "media_review": "Review of photos, video or press",
    "testimony": "Testimony of a witness",
    "document_review": "Review of documents",
    # access on a field visit ("none" is labelled in BY_VOCABULARY: it is also a damage extent)
    "full": "Full: the whole site could be reached and seen",
    "partial": "Partial: part of the site could be reached or seen",
    "refused": "Refused: turned away by whoever holds the site",
    # location precision
    "exact": "Exact",
    "approximate": "Approximate",
    "settlement": "Settlement: the point stands for the village or town",
    # sensitivity
    "public": "Public",
    "restricted": "Restricted: left out of public exports",
    "confidential": "Confidential: internal use only",
    # damage extent (EAMENA's Disturbance Extent Type)
    "none": "None",
    "1-10%": "1-10% of the site",
    "11-30%": "11-30% of the site",
    "31-60%": "31-60% of the site",
    "61-90%": "61-90% of the site",
    "91-100%": "91-100% of the site",
    # damage effects
    "collapse": "Collapse or structural damage",
    "broken_or_missing_parts": "Cracked, broken or missing parts",
    "structural_alteration": "Structural alteration",
    "identity_markers_removed": "Identity markers removed (crosses, inscriptions, plaques)",
    "surface_loss": "Loss of surface (plaster, paint, facing)",
    "burning": "Burning",
    "erosion": "Erosion or deterioration",
    "loss_of_objects": "Loss of objects or collections",
    "covered": "Covered or buried",
    "access_restriction": "Access restricted",
    "visual_impact": "Visual impact on the setting",
    # damage causes (EAMENA's Disturbance Cause Type)
    "explosion_heavy_weaponry": "Explosion or heavy weaponry",
    "gunfire_light_weaponry": "Gunfire or light weaponry",
    "demolition": "Demolition or destruction",
    "clearance": "Clearance: bulldozing, levelling",
    "breaking_smashing": "Breaking or smashing",
    "vandalism": "Vandalism",
    "graffiti": "Graffiti",
    "fire": "Fire",
    "theft": "Theft or unauthorised removal",
    "military_use": "Military use",
    "construction": "Construction",
    "reconstruction": "Reconstruction",
    "restoration": "Restoration",
    "refurbishment": "Refurbishment",
    "lack_of_maintenance": "Lack of maintenance",
    "vegetation": "Vegetation",
    "seismic_activity": "Earthquake",
    "water_and_wind": "Water and wind",
    "excavation": "Excavation",
    # source kinds
    "un_document": "UN document",
    "government_statement": "Government statement",
    "ngo_report": "NGO report",
    "academic": "Academic publication",
    "news": "News report",
    "encyclopedia": "Encyclopedia",
    "social_media": "Social media post",
    "satellite_image": "Satellite image",
    "photo": "Photograph",
    "video": "Video",
    # reliability (Admiralty)
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
    # credibility (Admiralty)
    "1": "Confirmed by other sources",
    "2": "Probably true",
    "3": "Possibly true",
    "4": "Doubtful",
    "5": "Improbable",
    "6": "Truth cannot be judged",
    # claimant kinds
    "government": "Government",
    "state_body": "State body",
    "organisation": "Organisation",
    "religious_body": "Religious body",
    "media": "Media",
    "person": "Person",
    # alleged acts
    "destruction": "Destruction",
    "damage_by_shelling": "Damage by shelling",
    "damage": "Damage",
    "desecration": "Desecration",
    "looting": "Looting",
    "alteration": "Alteration or conversion",
    "appropriation": "Appropriation of another community's heritage",
    "attribution": "Attribution: whose heritage the site is",
    "illegal_excavation": "Illegal excavation",
    "neglect": "Neglect",
    "denial_of_access": "Denial of access",
    # allegation statuses
    "reported": "Reported",
    "under_review": "Under review",
    "corroborated": "Corroborated",
    "not_corroborated": "Not corroborated",
    "disputed": "Disputed",
    "refuted": "Refuted",
    "verified": "Verified",
    # disputed aspects
    "name": "Name",
    "builder": "Builder",
    "period": "Period",
    "location": "Location",
    "history": "History",
    # verification steps and results (confirmed and refuted: see BY_VOCABULARY)
    "source_identification": "Source identification: who made or first published it",
    "technical_verification": "Technical verification of the file: metadata, edits, earlier copies",
    "content_verification": "Content verification: what it shows fits what is said",
    "geolocation": "Geolocation: where it was taken",
    "chronolocation": "Chronolocation: when it was taken",
    "consistent": "Consistent: everything found fits, without establishing it",
    "inconclusive": "Inconclusive: could not be decided",
    "inconsistent": "Inconsistent: something does not fit",
    # what a verification checks
    "source": "Source",
    "evidence": "Evidence file",
    "report": "Condition report",
    "allegation": "Allegation",
    # shared by several
    "unknown": "Unknown",
    "other": "Other",
}
"""One label per value across the closed vocabularies: where two share a value (graffiti, unknown,
military_use) it means the same in both. A value without a label here shows its key in words."""


BY_VOCABULARY: dict[str, dict[str, str]] = {
    "access": {"none": "None: the site could not be reached or seen"},
    # a check's result reads otherwise than a certainty or a review's status
    "verification_result": {
        "confirmed": "Confirmed: the check establishes it",
        "refuted": "Refuted: the check shows it false",
    },
}
"""Labels for the few values that one vocabulary reads differently from another."""


def label(value: str, vocabulary: str | None = None) -> str:
    """The plain words for `value`, as the named vocabulary reads it where that differs."""
    own = BY_VOCABULARY.get(vocabulary or "", {}).get(value)
    return own or LABELS.get(value) or value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class VocabularyInfo:
    """One vocabulary as `heritage vocab` shows it: its values, whether a catalogue may add to it,
    and which record fields take it, as `kind.field` paths (`report.condition`)."""

    name: str
    fields: tuple[str, ...]
    values: tuple[str, ...]
    open: bool = False


SENSITIVE_KINDS = ("site", "source", "report", "allegation", "evidence", "verification")
"""The records that carry a sensitivity."""


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def vocabularies(own: Vocabulary = DEFAULT_VOCABULARY) -> dict[str, tuple[VocabularyInfo, dict[str, str]]]:
    """Every vocabulary by name with its values and labels; site types and traditions as `own`
    (a catalogue's vocabulary) has them."""
    closed: list[tuple[str, tuple[str, ...], type[StrEnum]]] = [
        ("condition", ("report.condition",), Condition),
        ("certainty", ("report.certainty",), Certainty),
        ("method", ("report.method",), Method),
        ("access", ("report.access",), Access),
        ("damage_extent", ("report.damage_extent",), DamageExtent),
        ("damage_effect", ("report.damage_effects",), DamageEffect),
        ("damage_cause", ("report.damage_causes",), DamageCause),
        ("source_kind", ("source.kind",), SourceKind),
        ("reliability", ("source.reliability",), Reliability),
        ("claimant_kind", ("allegation.claimant.kind",), ClaimantKind),
        ("alleged_act", ("allegation.acts",), AllegedAct),
        ("allegation_status", ("review.status",), AllegationStatus),
        ("sensitivity", tuple(f"{kind}.sensitivity" for kind in SENSITIVE_KINDS), Sensitivity),
        ("location_precision", ("site.location.precision",), LocationPrecision),
        ("disputed_aspect", ("site.disputes.aspect",), DisputedAspect),
        ("verification_step", ("verification.step",), VerificationStep),
        ("verification_result", ("verification.result",), VerificationResult),
        ("subject_kind", ("verification.subject_kind",), SubjectKind),
    ]
    out: dict[str, tuple[VocabularyInfo, dict[str, str]]] = {
        "site_type": (VocabularyInfo("site_type", ("site.type",), tuple(own.site_types), True), dict(own.site_types)),
        "tradition": (
            VocabularyInfo("tradition", ("site.tradition",), tuple(own.traditions), True),
            dict(own.traditions),
        ),
    }
    for name, fields, enum in closed:
        values = _values(enum)
        out[name] = (VocabularyInfo(name, fields, values), {value: label(value, name) for value in values})
    credibility = tuple(str(grade) for grade in range(1, 7))
    out["credibility"] = (
        VocabularyInfo("credibility", ("report.credibility",), credibility),
        {grade: label(grade) for grade in credibility},
    )
    return dict(sorted(out.items()))

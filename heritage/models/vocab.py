"""Controlled vocabularies. Values are the lowercase keys written to files.

Where a vocabulary has an equivalent in EAMENA or UNOSAT the mapping is kept beside it, so that
exports to those schemes need no second table. Site types and traditions are open: a catalogue
may declare more in its `catalogue.json` (see `Vocabulary`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Condition(StrEnum):
    """The condition scale, in the order people read it: intact, then damage from least to most,
    then the states that are not a degree of damage. `damaged` (damage reported, extent not known)
    sits just above `minor_damage`: damage that was reported is at least slight, and placing it any
    higher would invent a severity the source did not give."""

    intact = "intact"
    minor_damage = "minor_damage"
    damaged = "damaged"  # damage reported, extent not known
    moderate_damage = "moderate_damage"
    severe_damage = "severe_damage"
    destroyed = "destroyed"
    altered = "altered"
    threatened = "threatened"
    unknown = "unknown"


class Certainty(StrEnum):
    """How sure the observation is of the condition it gives; a report that says nothing of it
    leaves it out (not stated). It never changes which report gives the condition now."""

    possible = "possible"
    probable = "probable"
    confirmed = "confirmed"


def with_certainty(condition: Condition, certainty: Certainty | None) -> str:
    """A condition as the command line and plain exports write it: "damaged (possible)", or
    the condition alone where the report states no certainty."""
    return f"{condition.value} ({certainty.value})" if certainty else condition.value


# Ours -> theirs, for exports. Conditions with no faithful term in a scheme are left out: an
# export says "no equivalent" rather than pick a neighbour. EAMENA's Overall Damage Severity has no
# term for `damaged`: EAMENA records such damage as a disturbance whose extent is "Unknown"
# (Disturbance Extent Type), as it records `altered` as a trend and `threatened` as a threat.
EAMENA_DAMAGE_SEVERITY = {
    Condition.intact: "Intact/No Damage",
    Condition.minor_damage: "Slight Damage",
    Condition.moderate_damage: "Moderate Damage",
    Condition.severe_damage: "Severe Damage",
    Condition.destroyed: "Destroyed",
    Condition.unknown: "No Visible/Accessible/Known",
}
# UNOSAT has no class for slight damage: its "Possible Damage" says how sure the analyst is, not
# how bad the damage is, so it is read as `damaged` with certainty `possible` (see below).
UNOSAT_DAMAGE_CLASS = {
    Condition.intact: "No Visible Damage",
    Condition.moderate_damage: "Moderate Damage",
    Condition.severe_damage: "Severe Damage",
    Condition.destroyed: "Destroyed",
}

# Theirs -> ours, for imports: each term with the condition and, where the term says it, the
# certainty. The keys are the schemes' own spellings.
FROM_EAMENA: dict[str, tuple[Condition, Certainty | None]] = {
    term: (condition, None) for condition, term in EAMENA_DAMAGE_SEVERITY.items()
}
FROM_UNOSAT: dict[str, tuple[Condition, Certainty | None]] = {
    **{term: (condition, None) for condition, term in UNOSAT_DAMAGE_CLASS.items()},
    "Possible Damage": (Condition.damaged, Certainty.possible),
}


def from_scheme(scheme: str, term: str) -> tuple[Condition, Certainty | None]:
    """Our condition and certainty for a term of "eamena" (Overall Damage Severity) or "unosat"
    (damage class), matched without regard to case or surrounding spaces. KeyError names the
    term and the scheme's terms if it is none of them."""
    table = {"eamena": FROM_EAMENA, "unosat": FROM_UNOSAT}[scheme]
    folded = {key.casefold(): value for key, value in table.items()}
    found = folded.get(term.strip().casefold())
    if found is None:
        raise KeyError(f"{term!r} is not a {scheme.upper()} term; these are: {', '.join(table)}")
    return found


class LocationPrecision(StrEnum):
    exact = "exact"
    approximate = "approximate"  # give uncertainty_m
    settlement = "settlement"  # the point stands for the village or town
    unknown = "unknown"


class Sensitivity(StrEnum):
    public = "public"
    restricted = "restricted"
    confidential = "confidential"


class Method(StrEnum):
    remote_sensing = "remote_sensing"
    field_visit = "field_visit"
    media_review = "media_review"
    testimony = "testimony"
    document_review = "document_review"


class DamageExtent(StrEnum):
    """Share of the site affected; the bands are EAMENA's Disturbance Extent Type."""

    none = "none"
    pct_1_10 = "1-10%"
    pct_11_30 = "11-30%"
    pct_31_60 = "31-60%"
    pct_61_90 = "61-90%"
    pct_91_100 = "91-100%"
    unknown = "unknown"


class DamageEffect(StrEnum):
    """What the damage did (after EAMENA's Disturbance Effect Type, plus identity markers)."""

    collapse = "collapse"  # Collapse/Structural Damage
    broken_or_missing_parts = "broken_or_missing_parts"  # Cracked/Broken/Missing Parts
    structural_alteration = "structural_alteration"
    identity_markers_removed = "identity_markers_removed"  # crosses, inscriptions, plaques
    surface_loss = "surface_loss"
    burning = "burning"
    erosion = "erosion"  # Erosion/Deterioration
    loss_of_objects = "loss_of_objects"  # furnishings, collections, archaeological material
    graffiti = "graffiti"
    covered = "covered"
    access_restriction = "access_restriction"
    visual_impact = "visual_impact"
    unknown = "unknown"


class DamageCause(StrEnum):
    """What caused it (after EAMENA's Disturbance Cause Type)."""

    explosion_heavy_weaponry = "explosion_heavy_weaponry"
    gunfire_light_weaponry = "gunfire_light_weaponry"
    demolition = "demolition"  # Demolition/Destruction
    clearance = "clearance"  # bulldozing, levelling
    breaking_smashing = "breaking_smashing"
    vandalism = "vandalism"
    graffiti = "graffiti"
    fire = "fire"
    theft = "theft"  # Theft/Unauthorised Removal of Objects
    military_use = "military_use"  # Occupation/Continued Use by armed forces
    construction = "construction"
    reconstruction = "reconstruction"
    restoration = "restoration"
    refurbishment = "refurbishment"
    lack_of_maintenance = "lack_of_maintenance"
    vegetation = "vegetation"
    seismic_activity = "seismic_activity"
    water_and_wind = "water_and_wind"
    excavation = "excavation"
    unknown = "unknown"


class SourceKind(StrEnum):
    un_document = "un_document"
    government_statement = "government_statement"
    ngo_report = "ngo_report"
    academic = "academic"
    news = "news"
    encyclopedia = "encyclopedia"
    social_media = "social_media"
    satellite_image = "satellite_image"
    photo = "photo"
    video = "video"
    testimony = "testimony"
    field_visit = "field_visit"
    other = "other"


class Reliability(StrEnum):
    """Admiralty source reliability. F: cannot be judged."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class ClaimantKind(StrEnum):
    government = "government"
    state_body = "state_body"
    organisation = "organisation"
    religious_body = "religious_body"
    media = "media"
    person = "person"
    other = "other"


class AllegedAct(StrEnum):
    destruction = "destruction"
    damage_by_shelling = "damage_by_shelling"
    damage = "damage"
    vandalism = "vandalism"
    desecration = "desecration"
    looting = "looting"
    alteration = "alteration"  # incl. conversion and "restoration" that changes character
    appropriation = "appropriation"  # taking over another community's heritage for one's own use
    attribution = "attribution"  # a claim about whose heritage the site is
    restoration = "restoration"  # works a party says it carried out, or objects to
    illegal_excavation = "illegal_excavation"
    neglect = "neglect"
    military_use = "military_use"
    denial_of_access = "denial_of_access"
    other = "other"


class AllegationStatus(StrEnum):
    reported = "reported"
    under_review = "under_review"
    corroborated = "corroborated"
    not_corroborated = "not_corroborated"
    disputed = "disputed"
    refuted = "refuted"
    verified = "verified"


class DisputedAspect(StrEnum):
    name = "name"
    attribution = "attribution"  # whose heritage, which tradition or community
    builder = "builder"
    period = "period"
    location = "location"
    history = "history"


SITE_TYPES: dict[str, str] = {
    "archaeological_site": "Archaeological site",
    "bridge": "Bridge",
    "castle": "Castle",
    "cathedral": "Cathedral",
    "cave": "Cave site",
    "cemetery": "Cemetery",
    "chapel": "Chapel",
    "church": "Church",
    "fortress": "Fortress or town walls",
    "historic_building": "Historic building",
    "historic_house": "Historic house",
    "khachkar": "Khachkar (cross-stone)",
    "library_archive": "Library or archive",
    "mausoleum": "Mausoleum",
    "monastery": "Monastery",
    "monument": "Monument or memorial",
    "mosque": "Mosque",
    "museum": "Museum",
    "palace": "Palace",
    "shrine": "Shrine",
    "synagogue": "Synagogue",
    "temple": "Temple",
    "other": "Other",
}

TRADITIONS: dict[str, str] = {
    "armenian_apostolic": "Armenian Apostolic Christianity",
    "armenian_catholic": "Armenian Catholic Christianity",
    "eastern_orthodox": "Eastern Orthodox Christianity",
    "russian_orthodox": "Russian Orthodox Christianity",
    "catholic": "Catholic Christianity",
    "protestant": "Protestant Christianity",
    "christian": "Christianity (unspecified)",
    "islam": "Islam (unspecified)",
    "shia_islam": "Shia Islam",
    "sunni_islam": "Sunni Islam",
    "judaism": "Judaism",
    "zoroastrianism": "Zoroastrianism",
    "yazidism": "Yazidism",
    "multiple": "Several traditions",
    "prehistoric": "Prehistoric",
    "secular": "Secular (no religious tradition)",
    "unknown": "Unknown",
}


@dataclass(frozen=True)
class Vocabulary:
    """The open vocabularies in force for one catalogue: built-in terms plus its own."""

    site_types: dict[str, str] = field(default_factory=lambda: dict(SITE_TYPES))
    traditions: dict[str, str] = field(default_factory=lambda: dict(TRADITIONS))

    def extended(self, site_types: dict[str, str], traditions: dict[str, str]) -> Vocabulary:
        return Vocabulary({**self.site_types, **site_types}, {**self.traditions, **traditions})


DEFAULT_VOCABULARY = Vocabulary()


# -- labels: a few plain words for each value, shown by `heritage vocab` and on forms ---------------

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
    # location precision
    "exact": "Exact",
    "approximate": "Approximate (give uncertainty_m)",
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
    # shared by several
    "unknown": "Unknown",
    "other": "Other",
}
"""One label per value across the closed vocabularies: where two share a value (graffiti, unknown,
military_use) it means the same in both. A value without a label here shows its key in words."""


def label(value: str) -> str:
    return LABELS.get(value) or value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class VocabularyInfo:
    """One vocabulary as `heritage vocab` shows it: its values, whether a catalogue may add to it,
    and which record fields take it."""

    name: str
    fields: str
    values: tuple[str, ...]
    open: bool = False


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def vocabularies(own: Vocabulary = DEFAULT_VOCABULARY) -> dict[str, tuple[VocabularyInfo, dict[str, str]]]:
    """Every vocabulary by name with its values and labels; site types and traditions as `own`
    (a catalogue's vocabulary) has them."""
    closed: list[tuple[str, str, type[StrEnum]]] = [
        ("condition", "report condition", Condition),
        ("certainty", "report certainty", Certainty),
        ("method", "report method", Method),
        ("damage_extent", "report damage_extent", DamageExtent),
        ("damage_effect", "report damage_effects", DamageEffect),
        ("damage_cause", "report damage_causes", DamageCause),
        ("source_kind", "source kind", SourceKind),
        ("reliability", "source reliability", Reliability),
        ("claimant_kind", "allegation claimant.kind", ClaimantKind),
        ("alleged_act", "allegation acts", AllegedAct),
        ("allegation_status", "review status", AllegationStatus),
        ("sensitivity", "sensitivity of every record", Sensitivity),
        ("location_precision", "site location.precision", LocationPrecision),
        ("disputed_aspect", "site disputes.aspect", DisputedAspect),
    ]
    out: dict[str, tuple[VocabularyInfo, dict[str, str]]] = {
        "site_type": (VocabularyInfo("site_type", "site type", tuple(own.site_types), True), dict(own.site_types)),
        "tradition": (VocabularyInfo("tradition", "site tradition", tuple(own.traditions), True), dict(own.traditions)),
    }
    for name, fields, enum in closed:
        values = _values(enum)
        out[name] = (VocabularyInfo(name, fields, values), {value: label(value) for value in values})
    credibility = tuple(str(grade) for grade in range(1, 7))
    out["credibility"] = (
        VocabularyInfo("credibility", "report credibility", credibility),
        {grade: label(grade) for grade in credibility},
    )
    return dict(sorted(out.items()))

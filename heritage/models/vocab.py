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


class Access(StrEnum):
    """How much of a site a field team could reach and see on a visit."""

    full = "full"
    partial = "partial"
    none = "none"  # could not be reached or seen (no refusal: a road cut, a mined field)
    refused = "refused"  # turned away by whoever holds the site


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

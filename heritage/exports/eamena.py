"""The sites as an EAMENA / Arches Heritage Place bulk upload sheet (`heritage export eamena`).

The columns are those of the "Heritage Place" sheet of EAMENA's bulk upload template, in its
order: `Bulk_Upload_template_241029.xlsx` in github.com/eamena-project/eamena-arches-dev
(`dbs/database.eamena/data/bulk_data/templates/`), whose third row names the 99 fields; earlier
templates (2021, 2022, 2024) have the same ones. The template is a workbook, but EAMENA's
uploader reads the sheet's rows, and its append files are CSV, so this writes that one sheet as
CSV through the one CSV writer (`heritage.csvfile`: UTF-8 with a byte-order mark, formula-like
text neutralised). Two columns of ours follow the template's, and a partner drops them before
uploading if their uploader refuses extra columns:

    Overall Damage Severity   our condition as EAMENA's Overall Damage Severity term
                              (`vocab.EAMENA_DAMAGE_SEVERITY`). EAMENA keeps that field in its
                              Detailed Condition Assessment resource, not in the Heritage Place
                              sheet, whose Overall Condition State grades deterioration instead.
    heritage notes            what the sheet could not say faithfully, and why

A site takes one row, and as many more as its repeated groups need, as EAMENA's bulk uploads do:
each following row repeats the UNIQUEID and fills only the group's columns (another name,
another information resource, another disturbance). The condition is the site's current one
(`Scope.current`): one assessment per site, with the sources of that report.

Where one of our terms has no faithful EAMENA term the cell stays blank and the notes say so; a
neighbouring term is never chosen. Overall Condition State is filled only for `destroyed` and
`unknown`: Good, Fair, Poor and Very Bad describe active deterioration and structural stability,
which our scale does not record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heritage.audience import WITHHELD_LOGIN
from heritage.csvfile import write_csv
from heritage.models import ConditionReport, Site
from heritage.models.geometry import Point
from heritage.models.site import Designation
from heritage.models.vocab import (
    EAMENA_DAMAGE_SEVERITY,
    Certainty,
    Condition,
    DamageCause,
    DamageEffect,
    DamageExtent,
    LocationPrecision,
    Method,
)
from heritage.sitecsv import polygon_wkt

if TYPE_CHECKING:
    from heritage.exports import Scope

# The "Heritage Place" sheet's field names, as the template spells them (the trailing space in
# "Site Feature Interpretation Type " is the template's).
TEMPLATE = (
    "UNIQUEID,Assessment Investigator - Actor,Investigator Role Type,Assessment Activity Type,"
    "Assessment Activity Date,GE Assessment(Yes/No),GE Imagery Acquisition Date,Information Resource Used,"
    "Information Resource Acquisition Date,Resource Name,Name Type,Heritage Place Type,General Description Type,"
    "General Description,Heritage Place Function,Heritage Place Function Certainty,Designation,"
    "Designation From Date,Designation To Date,Geometric Place Expression,Geometry Qualifier,"
    "Site Location Certainty,Geometry Extent Certainty,Site Overall Shape Type,Grid ID,Country Type,"
    "Cadastral Reference,Resource Orientation,Address,Address Type,Administrative Subdivision,"
    "Administrative Subdivision Type,Overall Archaeological Certainty Value,Overall Site Morphology Type,"
    "Cultural Period Type,Cultural Period Certainty,Cultural Subperiod Type,Cultural Subperiod Certainty,"
    "Date Inference Making Actor,Archaeological Date From (cal),Archaeological Date to (cal),BP Date From,"
    "BP Date To,AH Date From,AH Date To,SH Date From,SH Date To,Site Feature Form Type,"
    "Site Feature Form Type Certainty,Site Feature Shape Type,Site Feature Arrangement Type,"
    "Site Feature Number Type,Site Feature Interpretation Type ,Site Feature Interpretation Number,"
    "Site Feature Interpretation Certainty,Built Component Related Resource,HP Related Resource,Material Class,"
    "Material Type,Construction Technique,Measurement Number,Measurement Unit,Dimension Type,"
    "Measurement Source Type,Related Geoarch/Palaeo,Overall Condition State,Damage Extent Type,"
    "Disturbance Cause Category Type,Disturbance Cause Type,Disturbance Cause Certainty,Disturbance Date From,"
    "Disturbance Date To,Disturbance Date Occurred Before,Disturbance Date Occurred On,"
    "Disturbance Cause Assignment Assessor Name,Effect Type,Effect Certainty,Threat Category,Threat Type,"
    "Threat Probability,Threat Inference Making Assessor Name,Intervention Activity Type,Recommendation Type,"
    "Priority Type,Related Detailed Condition Resource,Topography Type,Land Cover Type,"
    "Land Cover Assessment Date,Surficial Geology Type,Depositional Process,Bedrock Geology,Fetch Type,"
    "Wave Climate,Tidal Energy,Minimum Depth/Max Elevation(m),Maximum Depth/Min Elevation(m),Datum Type,"
    "Datum Description/EPSG code,Restricted Access Record Designation"
).split(",")
SEVERITY = "Overall Damage Severity"
NOTES = "heritage notes"
HEADER = [*TEMPLATE, SEVERITY, NOTES]

# Ours -> EAMENA's. A key that is missing has no faithful term.
CONDITION_STATE = {Condition.destroyed: "Destroyed", Condition.unknown: "Unknown"}
EXTENT = {
    DamageExtent.none: "No Visible/Known",
    DamageExtent.pct_1_10: "1-10%",
    DamageExtent.pct_11_30: "11-30%",
    DamageExtent.pct_31_60: "31-60%",
    DamageExtent.pct_61_90: "61-90%",
    DamageExtent.pct_91_100: "91-100%",
    DamageExtent.unknown: "Unknown",
}
# Disturbance Cause Type, with its Category where the cause settles it (None: left blank).
CAUSE: dict[DamageCause, tuple[str | None, str]] = {
    DamageCause.explosion_heavy_weaponry: ("Military/Armed Conflict", "Explosion/Heavy Weaponry"),
    DamageCause.gunfire_light_weaponry: ("Military/Armed Conflict", "Gunfire/Light Weaponry"),
    DamageCause.demolition: (None, "Demolition/Destruction"),
    DamageCause.clearance: (None, "Clearance (Bulldozing/Levelling)"),
    DamageCause.breaking_smashing: (None, "Breaking/Smashing"),
    DamageCause.graffiti: (None, "Graffiti"),
    DamageCause.fire: (None, "Fire"),
    DamageCause.theft: ("Looting/Illegal Activities", "Theft/Unauthorised Removal of Objects"),
    DamageCause.military_use: ("Military/Armed Conflict", "Occupation/Continued Use"),
    DamageCause.construction: ("Building and Development", "Construction"),
    DamageCause.reconstruction: (None, "Reconstruction"),
    DamageCause.restoration: (None, "Restoration"),
    DamageCause.refurbishment: (None, "Refurbishment"),
    DamageCause.lack_of_maintenance: (
        "Management and Institutional Factors",
        "Lack of Maintenance/Management/Legal Measures and Activities",
    ),
    DamageCause.vegetation: ("Natural", "Vegetation/Crops/Trees"),
    DamageCause.seismic_activity: ("Natural", "Seismic Activity"),
    DamageCause.water_and_wind: ("Natural", "Water and/or Wind Action"),
    DamageCause.excavation: (None, "Excavation (Unclassified)"),
    DamageCause.unknown: ("Unknown", "Unknown"),
}
# vandalism: EAMENA has no such Disturbance Cause Type (only a Threat Type).
EFFECT = {
    DamageEffect.collapse: "Collapse/Structural Damage",
    DamageEffect.broken_or_missing_parts: "Cracked/Broken/Missing Parts",
    DamageEffect.structural_alteration: "Structural Alteration",
    DamageEffect.surface_loss: "Surface Loss",
    DamageEffect.burning: "Burning",
    DamageEffect.erosion: "Erosion/Deterioration",
    DamageEffect.covered: "Covered",
    DamageEffect.access_restriction: "Access Restriction",
    DamageEffect.visual_impact: "Visual Impact",
    DamageEffect.unknown: "Unknown",
}
# identity_markers_removed, graffiti (a cause there) and loss_of_objects (EAMENA's term is
# archaeological material only; ours includes furnishings and collections) have none.
ACTIVITY = {
    Method.remote_sensing: "Condition Assessment (Image Interpretation)",
    Method.field_visit: "Condition Assessment",
    Method.media_review: "Desk Based Assessment",
    Method.document_review: "Desk Based Assessment",
}
THREAT_PROBABILITY = {Certainty.possible: "Possible", Certainty.probable: "Probable"}
PLACE_TYPE = {
    "archaeological_site": "Archaeological Site",
    "cave": "Archaeological Site",
    **dict.fromkeys(
        [
            "bridge",
            "castle",
            "cathedral",
            "chapel",
            "church",
            "fortress",
            "historic_building",
            "historic_house",
            "library_archive",
            "mausoleum",
            "monastery",
            "mosque",
            "museum",
            "palace",
            "synagogue",
            "temple",
        ],
        "Structural Heritage",
    ),
}
FUNCTION = {
    **dict.fromkeys(
        ["cathedral", "chapel", "church", "monastery", "mosque", "shrine", "synagogue", "temple"], "Religious"
    ),
    **dict.fromkeys(["cemetery", "mausoleum"], "Funerary/Memorial"),
    **dict.fromkeys(["castle", "fortress"], "Defensive/Fortification"),
    "bridge": "Infrastructure/Transport",
    "historic_house": "Domestic",
    "palace": "Status/Display/Monumental",
    **dict.fromkeys(["museum", "library_archive"], "Public/Institutional"),
}
DESIGNATION = {
    "unesco-world-heritage": "UNESCO World Heritage List",
    "unesco-world-heritage-tentative": "UNESCO World Heritage Tentative List",
    "unesco-world-heritage-in-danger": "UNESCO World Heritage in Danger List",
    "hague-1954-enhanced": "Enhanced Protection List of the Hague Convention",
}


def write(scope: Scope, path: Path) -> None:
    write_csv(path, HEADER, (row for site in scope.sites for row in site_rows(scope, site)))


def site_rows(scope: Scope, site: Site) -> Iterator[list[Any]]:
    """The site's rows: its first carries every single field, the others one more of a group."""
    report = scope.current(site.id)
    groups: list[list[dict[str, Any]]] = [
        [{"Resource Name": name.text} for name in site.names],
        _resources(scope, report),
        _disturbances(report),
        [_designation(d) for d in site.designations if d.scheme in DESIGNATION],
    ]
    first = {"UNIQUEID": site.id, **_place(site), **_assessment(report)}
    for index in range(max(1, *(len(g) for g in groups))):
        cells = dict(first) if index == 0 else {"UNIQUEID": site.id}
        for group in groups:
            if index < len(group):
                cells.update(group[index])
        yield [cells.get(name) for name in HEADER]


def wkt(site: Site) -> str | None:
    """The geometry as WKT, longitude first, as the template's examples write it."""
    geometry = site.geometry
    if geometry is None:
        return None
    if isinstance(geometry, Point):
        lon, lat = geometry.coordinates[0], geometry.coordinates[1]
        return f"POINT({lon} {lat})"
    return polygon_wkt(geometry)  # as the site CSV writes it


def _place(site: Site) -> dict[str, Any]:
    cells: dict[str, Any] = {
        "Heritage Place Type": PLACE_TYPE.get(site.type),
        "Heritage Place Function": FUNCTION.get(site.type),
        "Geometric Place Expression": wkt(site),
    }
    if site.description:
        cells |= {"General Description Type": "General Description", "General Description": site.description}
    if isinstance(site.geometry, Point):
        exact = site.location.precision is LocationPrecision.exact
        cells["Geometry Qualifier"] = "Center Point" if exact else "Vicinity Point"
    return cells


def _designation(designation: Designation) -> dict[str, Any]:
    since = designation.since
    return {"Designation": DESIGNATION[designation.scheme], "Designation From Date": since.start if since else None}


def _assessment(report: ConditionReport | None) -> dict[str, Any]:
    if report is None:
        return {NOTES: "no condition report"}
    notes: list[str] = []
    condition = report.condition
    severity = EAMENA_DAMAGE_SEVERITY.get(condition)
    if severity is None:
        notes.append(f"condition {condition.value}: no EAMENA Overall Damage Severity term, left blank")
    extent = EXTENT.get(report.damage_extent) if report.damage_extent else None
    if extent is None and condition is Condition.damaged:
        extent = "Unknown"  # damage reported, extent not known: as EAMENA records it
    activity = ACTIVITY.get(report.method)
    if activity is None:
        notes.append(f"method {report.method.value}: no EAMENA Assessment Activity Type, left blank")
    notes += [f"cause {c.value}: no EAMENA Disturbance Cause Type" for c in report.damage_causes if c not in CAUSE]
    notes += [f"effect {e.value}: no EAMENA Disturbance Effect Type" for e in report.damage_effects if e not in EFFECT]
    if report.certainty:
        notes.append(f"certainty {report.certainty.value}")
    cells: dict[str, Any] = {
        "Assessment Investigator - Actor": _investigator(report),
        "Assessment Activity Type": activity,
        "Assessment Activity Date": report.recorded_at.date().isoformat(),
        "Overall Condition State": CONDITION_STATE.get(condition),
        "Damage Extent Type": extent,
        SEVERITY: severity,
        NOTES: "; ".join(notes) or None,
    }
    if condition is Condition.threatened:
        # A specific threat, of a kind our scale does not record: its type stays Unknown.
        cells |= {
            "Threat Category": "Unknown",
            "Threat Type": "Unknown",
            "Threat Probability": THREAT_PROBABILITY.get(report.certainty) if report.certainty else None,
            "Threat Inference Making Assessor Name": _investigator(report),
        }
    return cells


def _investigator(report: ConditionReport) -> str | None:
    """Who assessed: the observer where the audience may see one, else who recorded the report;
    nobody where `Scope` withheld the login from the audience."""
    if report.observed_by:
        return report.observed_by
    return None if report.recorded_by == WITHHELD_LOGIN else report.recorded_by


def _resources(scope: Scope, report: ConditionReport | None) -> list[dict[str, Any]]:
    """The report's sources, each as an information resource: its title and where to find it."""
    if report is None:
        return []
    rows = []
    for citation in report.sources:
        source = scope.sources.get(citation.source)
        if source is None:
            continue
        where = source.url or source.archived_url
        acquired = source.satellite.acquired_on if source.satellite else None
        rows.append(
            {
                "Information Resource Used": f"{source.title} <{where}>" if where else source.title,
                "Information Resource Acquisition Date": acquired.isoformat() if acquired else None,
            }
        )
    return rows


def _disturbances(report: ConditionReport | None) -> list[dict[str, Any]]:
    """A row a mapped cause; the effects go with the first, joined by `|` as the template does."""
    if report is None:
        return []
    effects = "|".join(EFFECT[e] for e in report.damage_effects if e in EFFECT) or None
    observed = report.observed
    assessor = _investigator(report)
    rows: list[dict[str, Any]] = []
    for cause in report.damage_causes:
        if cause not in CAUSE:
            continue
        category, term = CAUSE[cause]
        rows.append(
            {
                "Disturbance Cause Category Type": category,
                "Disturbance Cause Type": term,
                "Disturbance Date Occurred Before": observed.end.isoformat() if observed.end else None,
                "Disturbance Cause Assignment Assessor Name": assessor,
            }
        )
    if effects:
        if not rows:
            rows.append({"Disturbance Cause Assignment Assessor Name": assessor})
        rows[0]["Effect Type"] = effects
    return rows

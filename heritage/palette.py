"""Colours and labels of the condition scale and of allegation statuses, shared by maps and charts.

Damage runs from green through yellow and orange to red and a near-black maroon; damage of unknown
extent (`damaged`) is an umber brown, of the damage family but on none of its steps, so that no one
reads a severity into it. The states that are not degrees of damage (altered, threatened, unknown)
stand apart in violet, pink and grey. The umber was chosen for distance from all the others under
normal, protan, deutan and tritan vision (CIELAB distance at least 19 in simulation, more than
the closest pair of the other colours, minor and moderate damage, at about 11):
`python scripts/palette_distances.py` prints the table.
"""

from __future__ import annotations

from heritage.models import AllegationStatus, Certainty, Condition

CONDITION_COLOURS = {
    Condition.intact: "#2f9e44",
    Condition.minor_damage: "#f2c12e",
    Condition.damaged: "#6d4c41",
    Condition.moderate_damage: "#f08c00",
    Condition.severe_damage: "#e03131",
    Condition.destroyed: "#5c0f0f",
    Condition.altered: "#7048e8",
    Condition.threatened: "#e64980",
    Condition.unknown: "#909aa3",
}
CONDITION_LABELS = {
    Condition.intact: "Intact",
    Condition.minor_damage: "Minor damage",
    Condition.damaged: "Damaged (extent not known)",
    Condition.moderate_damage: "Moderate damage",
    Condition.severe_damage: "Severe damage",
    Condition.destroyed: "Destroyed",
    Condition.altered: "Altered (rebuilt, converted, markers removed)",
    Condition.threatened: "Threatened",
    Condition.unknown: "Unknown / no report",
}


def condition_label(condition: Condition, certainty: Certainty | None = None) -> str:
    """The condition as a person reads it, with the report's certainty where it states one:
    "Damaged (extent not known), possible"."""
    label = CONDITION_LABELS[condition]
    return f"{label}, {certainty.value}" if certainty else label


STATUS_COLOURS = {
    AllegationStatus.reported: "#1971c2",
    AllegationStatus.under_review: "#0c8599",
    AllegationStatus.corroborated: "#d9480f",
    AllegationStatus.not_corroborated: "#868e96",
    AllegationStatus.disputed: "#f59f00",
    AllegationStatus.refuted: "#343a40",
    AllegationStatus.verified: "#a61e4d",
}

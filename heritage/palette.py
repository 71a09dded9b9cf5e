"""Colours and labels of the condition scale and of allegation statuses, shared by maps and charts.

Damage runs from green through yellow and orange to red and a near-black maroon; the states that
are not degrees of damage (altered, threatened, unknown) stand apart in violet, pink and grey.
"""

from __future__ import annotations

from heritage.models import AllegationStatus, Condition

CONDITION_COLOURS = {
    Condition.intact: "#2f9e44",
    Condition.minor_damage: "#f2c12e",
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
    Condition.moderate_damage: "Moderate damage",
    Condition.severe_damage: "Severe damage",
    Condition.destroyed: "Destroyed",
    Condition.altered: "Altered (rebuilt, converted, markers removed)",
    Condition.threatened: "Threatened",
    Condition.unknown: "Unknown / no report",
}
STATUS_COLOURS = {
    AllegationStatus.reported: "#1971c2",
    AllegationStatus.under_review: "#0c8599",
    AllegationStatus.corroborated: "#d9480f",
    AllegationStatus.not_corroborated: "#868e96",
    AllegationStatus.disputed: "#f59f00",
    AllegationStatus.refuted: "#343a40",
    AllegationStatus.verified: "#a61e4d",
}

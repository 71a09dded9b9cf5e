"""Corrections, retractions and reviews, without the command line: new records, the old untouched."""

from __future__ import annotations

import pytest

from conftest import snapshot
from heritage.allegations import find_allegation
from heritage.corrections import (
    Corrections,
    correct_report,
    correction_of,
    retract_report,
    retraction_of,
    review_allegation,
)
from heritage.errors import RecordNotFound
from heritage.history import site_history
from heritage.store import Catalogue


def test_a_correction_copies_the_report_with_its_changes(catalogue: Catalogue) -> None:
    old = catalogue.find_report("r-2")
    document = correction_of(old, "Walls still standing", Corrections(condition="severe_damage"))
    assert document["supersedes"] == "r-2" and document["id"].startswith("r-") and document["id"] != "r-2"
    assert document["condition"] == "severe_damage" and document["observed"] == "2022-03-05/2022-07-06"
    assert document["notes"] == "Correction of r-2: Walls still standing"
    assert not {"recorded_at", "recorded_by", "sha256"} & set(document)
    sources = [{"source": "src-chw", "locator": "fig. 3"}]
    assert correction_of(old, "x", Corrections(sources=sources))["sources"] == sources


def test_correct_then_retract_appends_and_leaves_the_old_record(catalogue: Catalogue) -> None:
    before = snapshot(catalogue.root)
    correction = correct_report(catalogue, "r-2", "Walls still standing", Corrections(condition="severe_damage"), "me")
    assert correction.supersedes == "r-2" and correction.recorded_by == "me"
    after = snapshot(catalogue.root)
    assert {k: after[k] for k in before} == before and len(after) == len(before) + 1
    retraction = retract_report(catalogue, correction.id, "Wrong site in the image", "me")
    assert retraction.retracts == correction.id and retraction.site == "st-sargis"
    entries = {e.report.id: e for e in site_history(catalogue.reports("st-sargis"), catalogue.retractions())}
    assert entries[correction.id].status == "retracted" and entries["r-2"].status == "in force"
    assert retraction_of(catalogue.find_report("r-1"), "why")["retracts"] == "r-1"
    with pytest.raises(RecordNotFound):
        retract_report(catalogue, "r-none", "why", "me")


def test_a_review_moves_an_allegations_status(catalogue: Catalogue) -> None:
    review = review_allegation(
        catalogue,
        "a-1",
        status="corroborated",
        aspect="damage",
        standard="reasonable grounds to believe",
        rationale="Imagery shows the church gone",
        reviewer="A. Analyst",
        relies_on=("r-2",),
        user="me",
    )
    assert review.relies_on == ["r-2"] and review.recorded_by == "me"
    assert find_allegation(catalogue, "a-1").damage_status.value == "corroborated"
    with pytest.raises(RecordNotFound, match="no such allegation"):
        review_allegation(
            catalogue, "a-none", status="refuted", aspect="damage", rationale="r", reviewer="x", user="me"
        )

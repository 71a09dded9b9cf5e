"""Corrections, retractions and reviews, without the command line: new records, the old untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Invoke, report_doc, snapshot, write
from heritage import layout
from heritage.allegations import find_allegation
from heritage.corrections import (
    Corrections,
    correct_report,
    correction_of,
    retract_report,
    retraction_of,
    review_allegation,
)
from heritage.dossier import dossier_context, render_dossier
from heritage.errors import RecordNotFound
from heritage.history import site_history
from heritage.store import Catalogue
from heritage.validate import validate_catalogue


def test_a_correction_copies_the_report_with_its_changes(catalogue: Catalogue) -> None:
    old = catalogue.find_report("r-2")
    document = correction_of(old, "Walls still standing", Corrections(condition="severe_damage"))
    assert document["supersedes"] == "r-2" and document["id"].startswith("r-") and document["id"] != "r-2"
    assert document["condition"] == "severe_damage" and document["observed"] == "2022-03-05/2022-07-06"
    assert document["notes"] == "Correction of r-2: Walls still standing"
    assert not {"recorded_at", "recorded_by", "sha256"} & set(document)
    sources = [{"source": "src-chw", "locator": "fig. 3"}]
    assert correction_of(old, "x", Corrections(sources=sources))["sources"] == sources


def test_a_report_kept_from_elsewhere_can_be_corrected_here(catalogue: Catalogue, invoke: Invoke) -> None:
    # The sample's reports were migrated (kept their own recorded_at/by); a correction is made
    # here and now, so it carries no migration mark of its own.
    from heritage.recording import add_report

    kept = report_doc("r-kept", recorded_at="2021-01-01T00:00:00Z", recorded_by="Archive team")
    add_report(catalogue, kept, "importer", as_recorded=True)
    assert catalogue.find_report("r-kept").migrated is not None
    result = invoke(
        "report", "correct", "r-kept", "--condition", "destroyed", "--reason", "New image", catalogue=catalogue
    )
    assert result.exit_code == 0, result.output
    correction = catalogue.find_report(result.output.strip())
    assert correction.supersedes == "r-kept" and correction.migrated is None


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


def test_competing_corrections_are_shown_until_all_but_one_are_retracted(catalogue: Catalogue, invoke: Invoke) -> None:
    # Two laptops each corrected r-2; git merged both files. The command would refuse the second.
    for rival, condition in (("r-rival-a", "severe_damage"), ("r-rival-b", "moderate_damage")):
        document = correction_of(catalogue.find_report("r-2"), "seen again", Corrections(condition=condition))
        document.update(id=rival, recorded_at="2026-01-03T00:00:00Z", recorded_by="a laptop")
        write(layout.report_file(catalogue.root, "st-sargis", rival), document)

    listed = json.loads(invoke("list", "--json", catalogue=catalogue).output)
    assert listed[0]["competing_corrections"] == ["r-rival-a", "r-rival-b"]
    table = "".join(invoke("list", catalogue=catalogue).output.split())  # the table folds its cells
    assert "(2competingcorrections:r-rival-a," in table
    shown = invoke("show", "st-sargis", catalogue=catalogue).output
    assert "r-2 has 2 competing corrections: r-rival-a (severe_damage), r-rival-b (moderate_damage)" in shown
    history = invoke("history", "st-sargis", catalogue=catalogue).output
    assert "in dispute: r-2 has 2 competing corrections" in history
    assert "inforce,competing" in "".join(history.split())  # the table folds its cells
    timeline = json.loads(invoke("history", "st-sargis", "--json", catalogue=catalogue).output)
    assert timeline["competing_corrections"] == {"r-2": ["r-rival-a", "r-rival-b"]}
    rivals = {e["id"]: e.get("competing_with") for e in timeline["timeline"] if e["id"].startswith("r-rival")}
    assert rivals == {"r-rival-a": ["r-rival-b"], "r-rival-b": ["r-rival-a"]}
    problems = validate_catalogue(Catalogue.open(catalogue.root)).errors
    assert [(p.code, p.field) for p in problems] == [("superseded-twice", "supersedes")]
    page = render_dossier(dossier_context(Catalogue.open(catalogue.root), "st-sargis", "mission"))
    assert "<code>r-2</code> has 2 competing corrections" in page and "competing with r-rival-a" in page

    retract_report(catalogue, "r-rival-b", "The other correction stands", "me")
    listed = json.loads(invoke("list", "--json", catalogue=catalogue).output)
    assert listed[0]["competing_corrections"] == [] and listed[0]["condition"] == "severe_damage"
    assert "in dispute" not in invoke("show", "st-sargis", catalogue=catalogue).output
    assert "in dispute" not in render_dossier(dossier_context(Catalogue.open(catalogue.root), "st-sargis", "mission"))
    assert validate_catalogue(Catalogue.open(catalogue.root)).ok


def _rivals(catalogue: Catalogue, *rivals: tuple[str, str]) -> None:
    """Corrections of r-2 written on two laptops and merged by git: (id, condition) each."""
    for rival, condition in rivals:
        document = correction_of(catalogue.find_report("r-2"), "seen again", Corrections(condition=condition))
        document.update(id=rival, recorded_at="2026-01-03T00:00:00Z", recorded_by="a laptop")
        write(layout.report_file(catalogue.root, "st-sargis", rival), document)


def test_a_correction_of_one_rival_stands_for_it_in_the_dispute(catalogue: Catalogue, invoke: Invoke) -> None:
    # A later correction of r-rival-a does not settle the dispute with r-rival-b: it takes r-rival-a's place.
    _rivals(catalogue, ("r-rival-a", "severe_damage"), ("r-rival-b", "moderate_damage"))
    correct_report(catalogue, "r-rival-a", "closer look", Corrections(condition="destroyed"), "me")
    later = next(r.id for r in catalogue.reports("st-sargis") if r.supersedes == "r-rival-a")
    listed = json.loads(invoke("list", "--json", catalogue=catalogue).output)
    assert listed[0]["competing_corrections"] == sorted([later, "r-rival-b"])
    timeline = json.loads(invoke("history", "st-sargis", "--json", catalogue=catalogue).output)
    assert timeline["competing_corrections"] == {"r-2": sorted([later, "r-rival-b"])}
    statuses = {e["id"]: (e["status"], e.get("competing_with")) for e in timeline["timeline"]}
    assert statuses["r-rival-a"] == ("superseded", None) and statuses[later] == ("in force", ["r-rival-b"])


def test_a_loop_of_corrections_is_an_error_and_both_stay_in_force(catalogue: Catalogue, invoke: Invoke) -> None:
    # Hand-merged files: r-a supersedes r-b and r-b supersedes r-a.
    write(layout.report_file(catalogue.root, "st-sargis", "r-a"), report_doc("r-a", supersedes="r-b"))
    write(layout.report_file(catalogue.root, "st-sargis", "r-b"), report_doc("r-b", supersedes="r-a"))
    result = validate_catalogue(Catalogue.open(catalogue.root))
    assert [(p.code, p.record, p.field) for p in result.errors] == [("supersession-loop", "r-a", "supersedes")]
    assert "r-a, r-b" in result.errors[0].message
    listed = json.loads(invoke("list", "--json", catalogue=catalogue).output)
    assert listed[0]["competing_corrections"] == ["r-a", "r-b"]
    entries = {e.report.id: e for e in site_history(catalogue.reports("st-sargis"), catalogue.retractions())}
    assert (entries["r-a"].status, entries["r-a"].competing_with) == ("in force", ["r-b"])
    assert (entries["r-b"].status, entries["r-b"].competing_with) == ("in force", ["r-a"])
    retract_report(catalogue, "r-b", "merged by mistake", "me")
    assert validate_catalogue(Catalogue.open(catalogue.root)).ok


def test_a_correction_replaces_effects_causes_observer_and_evidence(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    from heritage.evidence import add_evidence

    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"the north wall, fallen")
    record = add_evidence(catalogue, photo, "src-chw", recorded_by="t")
    result = invoke(
        *["report", "correct", "r-2", "--reason", "A closer look"],
        *["--damage-effect", "collapse", "--damage-effect", "burning", "--damage-cause", "fire"],
        *["--observed-by", "Field team B", "--evidence", record.id],
        catalogue=catalogue,
    )
    assert result.exit_code == 0, result.output
    correction = catalogue.find_report(result.output.strip())
    assert [e.value for e in correction.damage_effects] == ["collapse", "burning"]
    assert [c.value for c in correction.damage_causes] == ["fire"]
    assert correction.observed_by == "Field team B" and correction.evidence == [record.file_sha256]
    # What is not given is copied: the condition and window of r-2.
    assert correction.condition == "destroyed" and str(correction.observed) == "2022-03-05/2022-07-06"


def test_a_correction_of_a_field_visit_keeps_the_visit_but_not_how_it_came_in(catalogue: Catalogue) -> None:
    """The phone submission and the warnings noted when it came in belong to the report as it came
    in: copied, one submission would stand behind two reports and each warning be listed twice."""
    from test_field_display import add_field_report

    add_field_report(catalogue)
    same_day = correct_report(catalogue, "fv-1", "severity re-read", Corrections(condition="severe_damage"), "analyst")
    assert (same_day.submission, same_day.warnings) == (None, [])
    assert same_day.access == "partial" and same_day.position is not None and same_day.visited_at is not None
    other_day = correct_report(
        catalogue, same_day.id, "the phone's date was wrong", Corrections(observed="2025-05-02"), "a"
    )
    assert other_day.visited_at is None and other_day.access == "partial"
    assert [p.code for p in validate_catalogue(catalogue).problems if p.code.startswith("field-")] == [
        "field-far-from-site",
        "field-photo-other-day",
    ]

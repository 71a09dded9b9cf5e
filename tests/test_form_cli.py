"""`heritage form xlsform`: sites chosen as a mission package chooses them, one file written or none."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO, Invoke, snapshot
from heritage.cli import ExitCode
from heritage.fieldform import NOT_LISTED
from heritage.store import Catalogue
from test_xlsform import XForm


def test_a_form_for_the_sites_in_a_box(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "shusha.xlsx"
    result = invoke("form", "xlsform", "--bbox", "46.70,39.70,46.80,39.80", "--title", "Shusha", "-o", str(out),
                    catalogue=REPO)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote the mission form for 10 site(s) to {out}\n"
    form = XForm(out)
    assert form.warnings == []
    names = [name for name, _ in form.choices("sites")]
    assert len(names) == 11 and "ghazanchetsots-cathedral" in names and names[-1] == NOT_LISTED
    assert form.title() == "Shusha"


def test_the_same_choices_as_a_mission_package(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    result = invoke("form", "xlsform", "--has-allegation", "-o", str(tmp_path / "a.xlsx"), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert [n for n, _ in XForm(tmp_path / "a.xlsx").choices("sites")] == ["st-sargis", NOT_LISTED]
    result = invoke("form", "xlsform", "--condition", "intact", "-o", str(tmp_path / "b.xlsx"), catalogue=catalogue)
    assert [n for n, _ in XForm(tmp_path / "b.xlsx").choices("sites")] == [NOT_LISTED]  # destroyed today


def test_bad_choices_write_nothing(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    before = snapshot(catalogue.root)
    out = tmp_path / "f.xlsx"
    result = invoke("form", "xlsform", "-o", str(out), catalogue=catalogue)
    assert result.exit_code == ExitCode.USAGE and "choose the sites" in result.output
    result = invoke("form", "xlsform", "--sites", "st-sargis,nowhere", "-o", str(out), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "unknown site(s): nowhere" in result.output
    inside = catalogue.root / "sites" / "f.xlsx"
    result = invoke("form", "xlsform", "--sites", "st-sargis", "-o", str(inside), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "part of the catalogue itself" in result.output
    result = invoke("form", "xlsform", "--sites", "st-sargis", "--title", "two\nlines", "-o", str(out),
                    catalogue=catalogue)  # fmt: skip
    assert result.exit_code == ExitCode.USAGE and "--title" in result.output
    assert not out.exists() and snapshot(catalogue.root) == before


def test_a_template_of_every_label_to_translate(invoke: Invoke) -> None:
    from heritage.xlsform import translation_keys

    result = invoke("form", "translations", "hy", catalogue=REPO)
    assert result.exit_code == 0, result.output
    template = json.loads(result.output)["hy"]
    assert template == translation_keys() and template["form.condition"] == "Condition of the site"
    russian = json.loads(invoke("form", "translations", "ru", catalogue=REPO).output)["ru"]
    assert russian == Catalogue.open(REPO).info.translations["ru"]  # the sample translates every label
    assert invoke("form", "translations", "not a tag", catalogue=REPO).exit_code == ExitCode.USAGE

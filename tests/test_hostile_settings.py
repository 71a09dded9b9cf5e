"""Hostile use of what issue 19 added beside imports: odd regions, vocabulary terms written at
once by two processes, renamed flags, and the error each names. Each test here failed once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heritage import layout
from heritage.store import Catalogue
from tests.conftest import Invoke, snapshot


def settings(catalogue: Catalogue) -> dict[str, object]:
    return json.loads(layout.catalogue_file(catalogue.root).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        (["nan", "38", "48", "41"], "west 'nan' is not a number of degrees"),
        (["45", "38", "1e999", "41"], "east '1e999' is not a number of degrees"),
        (["45", "3_8", "48", "41"], "south '3_8' is not a number of degrees"),  # float() reads 38
        (["\u0664\u0665", "38", "48", "41"], "is not a number of degrees"),  # Arabic-Indic 45
        (["-200", "38", "48", "41"], "west -200 is outside [-180, 180]"),
        (["170", "-10", "-170", "10"], "across the antimeridian is not supported"),
        (["45", "41", "48", "38"], "south 41 is greater than north 38"),
    ],
)
def test_an_odd_region_is_refused_saying_which_number_and_why(
    invoke: Invoke, catalogue: Catalogue, bounds: list[str], message: str
) -> None:
    before = snapshot(catalogue.root)
    result = invoke("catalogue", "set", "region", *bounds, catalogue=catalogue)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "catalogue.json" not in result.output  # the typed numbers are wrong, not the file
    assert snapshot(catalogue.root) == before


def test_minus_zero_is_written_as_zero(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    result = invoke("catalogue", "set", "region", "-0", "-0", "1", "1", catalogue=catalogue)
    assert result.exit_code == 0 and "region (W S E N): 0 0 1 1" in result.output, result.output
    assert "-0" not in layout.catalogue_file(catalogue.root).read_text(encoding="utf-8")
    made = invoke("init", str(tmp_path / "new"), "--region=-0,-0,1,1")
    assert made.exit_code == 0, made.output
    assert json.loads((tmp_path / "new" / "catalogue.json").read_text())["region"] == [0, 0, 1, 1]
    assert "-0" not in (tmp_path / "new" / "catalogue.json").read_text()


@pytest.mark.parametrize("flag", ["--region", "--bbox"])
def test_init_names_region_in_its_errors_whichever_name_was_typed(invoke: Invoke, tmp_path: Path, flag: str) -> None:
    for value in ("1,2,3", "1,2,3,nan", "3,2,1,4"):
        result = invoke("init", str(tmp_path / "new"), flag, value)
        assert result.exit_code == 2 and "--region" in result.output and "--bbox" not in result.output, result.output
    assert not (tmp_path / "new").exists()

"""Catalogue -> GeoDataFrame, and through pyogrio into formats GIS tools open."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pyogrio

import heritage
from conftest import REPO


def test_frame_has_every_site_with_its_current_condition() -> None:
    frame = heritage.open(REPO, audience="internal").sites()
    assert len(frame) == 34 and frame.crs.to_epsg() == 4326
    by_id = frame.set_index("id")
    assert by_id.loc["kanach-zham", "condition"] == "destroyed"
    assert by_id.loc["holy-resurrection-hadrut", "geometry"] is None
    assert by_id.loc["ghazanchetsots-cathedral", "geometry"].x == 46.747883
    assert "Սուրբ Ամենափրկիչ" in by_id.loc["ghazanchetsots-cathedral", "name_hy"]
    earlier = heritage.open(REPO, audience="internal").sites(as_of=date(2022, 1, 1)).set_index("id")
    assert earlier.loc["kanach-zham", "condition"] == "severe_damage"


def test_frame_writes_a_geopackage_that_reads_back(tmp_path: Path) -> None:
    frame = heritage.open(REPO, audience="internal").sites()
    path = tmp_path / "sites.gpkg"
    pyogrio.write_dataframe(frame, path, layer="sites")
    back = pyogrio.read_dataframe(path, layer="sites")
    assert len(back) == 34 and set(back["condition"]) == set(frame["condition"])
    assert pyogrio.read_info(path, layer="sites")["crs"] == "EPSG:4326"


def test_quick_commands_do_not_import_geopandas() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from heritage.cli import cli\n"
        f"for args in (['validate'], ['list', '--json'], ['show', 'dadivank']):\n"
        f"    assert CliRunner().invoke(cli, ['--catalogue', {str(REPO)!r}, *args]).exit_code == 0, args\n"
        "heavy = [m for m in ('geopandas', 'shapely', 'pandas', 'folium') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

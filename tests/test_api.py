"""The Python API (`heritage.open`): tables per audience, conditions as of a day, what the public
edition withholds (as the map withholds it), dtypes and NULLs, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import heritage
from conftest import REPO, copy_sample
from heritage.errors import InvalidInput, RecordNotFound
from heritage.mapdata import for_audience, load_map_input
from heritage.store import Catalogue

CONFIDENTIAL = "dadivank"
RESTRICTED = "ghazanchetsots-cathedral"  # at 46.747883, 39.758...: exact, with areas
CHANGED = "kanach-zham"  # severe damage by 2021-02-15, destroyed by 2024


def _set_sensitivity(path: Path, level: str) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    document["properties"]["sensitivity"] = level
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample catalogue with one confidential and one restricted site."""
    root = copy_sample(tmp_path / "cat")
    _set_sensitivity(root / "sites" / f"{CONFIDENTIAL}.geojson", "confidential")
    _set_sensitivity(root / "sites" / f"{RESTRICTED}.geojson", "restricted")
    return root


def test_counts_per_audience(sample: Path) -> None:
    counts = {a: len(heritage.open(sample, audience=a).sites()) for a in ("internal", "mission", "public")}
    assert counts == {"internal": 34, "mission": 33, "public": 33}
    internal, public = heritage.open(sample, audience="internal"), heritage.open(sample)
    assert public.audience == "public"  # the default: forgetting the audience shows the least
    assert len(internal.reports()) == 24 and len(internal.allegations()) == 50
    hidden_reports = len(list(Catalogue.open(sample).reports(CONFIDENTIAL)))
    assert hidden_reports and len(public.reports()) == 24 - hidden_reports
    assert CONFIDENTIAL not in set(public.reports()["site"])
    assert not any(CONFIDENTIAL in sites for sites in public.allegations()["sites"])


def test_as_of_changes_the_condition(sample: Path) -> None:
    cat = heritage.open(sample)
    before = cat.sites(as_of="2021-01-01").set_index("id").loc[CHANGED]
    after = cat.sites(as_of=date(2025, 1, 1)).set_index("id").loc[CHANGED]
    assert (before["condition"], after["condition"]) == ("severe_damage", "destroyed")
    # Observed "../2020-11-15": a window open at its start.
    assert pd.isna(before["observed_start"]) and before["observed_end"] == pd.Timestamp("2020-11-15")
    record = cat.site(CHANGED)
    assert record.condition("2021-01-01").value == "severe_damage" and record.condition().value == "destroyed"
    assert record.site.id == CHANGED and len(record.reports) == 3


def test_public_withholds_what_the_public_map_withholds(sample: Path) -> None:
    frame = heritage.open(sample, audience="public").sites().set_index("id")
    shown = for_audience(load_map_input(Catalogue.open(sample), audience="public"), "public")
    assert set(frame.index) == {s.id for s in shown.sites}  # the confidential site is absent
    for site in shown.sites:
        point = frame.loc[site.id, "geometry"]
        assert (None if point is None else (point.x, point.y)) == (
            None if site.lon is None else (site.lon, site.lat)
        ), site.id
    restricted = frame.loc[RESTRICTED]
    assert (restricted.geometry.x, restricted.geometry.y) == (46.7, 39.8)
    assert restricted["precision"] == "approximate" and restricted["uncertainty_m"] == 10_000
    assert heritage.open(sample, audience="mission").sites().set_index("id").loc[RESTRICTED].geometry.x == 46.747883
    assert heritage.open(sample).site(RESTRICTED).site.areas == []
    with pytest.raises(LookupError, match=CONFIDENTIAL):
        heritage.open(sample).site(CONFIDENTIAL)


def test_dtypes_and_nulls(sample: Path) -> None:
    cat = heritage.open(sample, audience="internal")
    sites = cat.sites(as_of="2021-01-01")
    assert sites.crs.to_epsg() == 4326 and sites.geometry.name == "geometry"
    assert {"id", "name", "name_en", "name_hy", "name_az", "type", "tradition", "certainty"} <= set(sites.columns)
    for column in ("observed_start", "observed_end"):
        assert str(sites[column].dtype) == "datetime64[ns]"
    assert sites["reports"].dtype == "int64" and sites["uncertainty_m"].dtype == "float64"
    unreported = sites.set_index("id").loc["ashaghi-govhar-agha-mosque"]
    assert pd.isna(unreported["observed_start"]) and pd.isna(unreported["certainty"])
    assert unreported["condition"] == "unknown" and pd.isna(unreported["uncertainty_m"])
    assert sites.set_index("id").loc["holy-resurrection-hadrut", "geometry"] is None
    for frame in (sites, cat.reports(), cat.allegations()):
        text = frame.select_dtypes(exclude=["number", "datetime", "datetimetz", "bool"])
        assert not (text.drop(columns=["geometry"], errors="ignore") == "").any().any()
    reports, allegations = cat.reports(), cat.allegations()
    assert str(reports["recorded_at"].dtype).startswith("datetime64") and reports["retracted"].dtype == bool
    assert str(allegations["made_start"].dtype) == "datetime64[ns]"
    assert reports["supersedes"].isna().all() and isinstance(reports["sources"][0], list)


def test_unknown_site_and_bad_date_are_clear_errors(sample: Path) -> None:
    cat = heritage.open(sample)
    with pytest.raises(RecordNotFound, match="no-such-site") as found:
        cat.site("no-such-site")
    assert isinstance(found.value, LookupError)
    for bad in ("2021-13-01", "yesterday", 20210101):
        with pytest.raises(InvalidInput, match="is not a day"):
            cat.sites(as_of=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unknown audience 'everyone'"):
        heritage.open(sample, audience="everyone")


def test_import_heritage_loads_neither_pandas_nor_the_api() -> None:
    code = "import sys, heritage\nassert not {'pandas', 'geopandas', 'heritage.api'} & set(sys.modules)\n"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_api_page_is_what_the_docstrings_give(tmp_path: Path) -> None:
    made = tmp_path / "api.md"
    script = REPO / "scripts" / "write_api_docs.py"
    subprocess.run([sys.executable, str(script), "--out", str(made)], check=True, capture_output=True)
    committed = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    assert committed == made.read_text(encoding="utf-8"), "run: python scripts/write_api_docs.py"

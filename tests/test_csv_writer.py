"""The one CSV writer: formulas neutralised in text only, a byte-order mark for spreadsheets, and
files that `heritage import` reads back as the records they were written from."""

from __future__ import annotations

import csv
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import REPO, Invoke, site_doc
from heritage.codec import decode
from heritage.csvfile import csv_text, inert, plain, write_csv
from heritage.importing import ImportOptions, Profile, run_import
from heritage.models import CatalogueInfo, Site
from heritage.sitecsv import site_table
from heritage.store import Catalogue
from heritage.tables import read_table

# What a spreadsheet evaluates, and what a CSV reader trips on.
HOSTILE = ["=", "+", "-", "@", "＝", "＋", "－", "＠", "'", '"', ",", ";", " ", "\u200f", "1+1", "SUM(A1)"]
WORDS = ["Կանաչ Ժամ", "مسجد", "Ağdam", "Шуша", 'HYPERLINK("http://evil.example")', "x"]
piece = st.sampled_from(HOSTILE + WORDS) | st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=4)
line_text = st.lists(piece, min_size=1, max_size=8).map("".join)
long_text = st.lists(piece | st.sampled_from(["\n", "\r\n", "\t", "\r"]), min_size=1, max_size=12).map("".join)


def test_the_one_writer_neutralises_text_and_keeps_numbers() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"):
        assert inert(start + "1+1") == "'" + start + "1+1"
    assert inert("Kanach Zham") == "Kanach Zham" and inert("1-2") == "1-2"
    assert [inert(v) for v in (-0.5, -3, 0, 2000.0, None, float("nan"))] == ["-0.5", "-3", "0", "2000.0", "", ""]
    assert inert("-0.5") == "'-0.5"  # text that looks like a number is still text
    assert not csv_text(["name"], [["Ամարաս"]]).startswith("\ufeff")  # printed: no byte-order mark
    writers = re.compile(r"csv\.writer|DictWriter|to_csv\(|driver=\"CSV\"")
    found = [
        str(path.relative_to(REPO))
        for path in (REPO / "heritage").rglob("*.py")
        if path.name != "csvfile.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_reading_back_takes_off_exactly_the_apostrophe_written(tmp_path: Path) -> None:
    texts = ["=x", "'=x", "''=x", "'x", "x'", "'", "''", "-", "'-", "it's", "＠a", "'＋1"]
    assert [plain(inert(text)) for text in texts] == texts
    assert plain("'tis") == "'tis"  # an apostrophe the writer did not add stays
    write_csv(tmp_path / "t.csv", ["name"], [[text] for text in texts])
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert [row.cells["name"] for row in read_table(tmp_path / "t.csv").rows] == texts


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(line_text, long_text), min_size=1, max_size=4))
def test_any_text_reads_back_as_written(rows: list[tuple[str, str]]) -> None:
    """Names and notes with formulas, quotes, commas, line breaks and right-to-left text: the
    import's reader gives back each cell the writer was given (less the spaces it strips)."""
    assume(all(a.strip() or b.strip() for a, b in rows))  # a row of empty cells is no row
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        write_csv(path, ["name", "notes"], rows)
        table = read_table(path)
    assert [(r.cells["name"], r.cells["notes"]) for r in table.rows] == [(a.strip(), b.strip()) for a, b in rows]


def _same(site: Site) -> dict[str, Any]:
    """What a CSV row carries of a site: everything but name notes and users, designations,
    disputes and the record stamps (sitecsv's docstring)."""
    return {
        "id": site.id,
        "names": sorted((name.lang, name.text) for name in site.names),
        "geometry": site.geometry.model_dump() if site.geometry else None,
        "location": site.location.model_dump(),
        "type": site.type,
        "tradition": site.tradition,
        "period": site.period.model_dump() if site.period else None,
        "areas": site.areas,
        "description": site.description,
        "external_ids": site.external_ids,
        "sensitivity": site.sensitivity,
    }


def _imported(sites: list[Site], folder: Path) -> list[Site]:
    path = folder / "sites.csv"
    write_csv(path, *site_table(sites))
    info = CatalogueInfo(name="empty", region=(-180.0, -90.0, 180.0, 90.0))
    catalogue = Catalogue.create(folder / "cat", info)
    run_import(catalogue, "sites", path, Profile(), ImportOptions(recorded_by="t"))
    return sorted(catalogue.sites(), key=lambda s: s.id)


def _site(site_id: str, **properties: Any) -> Site:
    return decode(Site, json.dumps(site_doc(site_id, **properties)).encode())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line_text, min_size=1, max_size=3), line_text, long_text, long_text)
def test_hostile_sites_come_back_the_same(names: list[str], arabic: str, description: str, source: str) -> None:
    try:
        site = _site(
            "hostile",
            names=[{"lang": "en", "text": n} for n in names] + [{"lang": "ar", "text": arabic}],
            description=description,
            location={"precision": "approximate", "uncertainty_m": 250.5, "source": source},
        )
    except ValidationError:
        assume(False)  # text no site may hold (blank, a control character)
        raise
    with tempfile.TemporaryDirectory() as folder:
        (back,) = _imported([site], Path(folder))
    assert _same(back) == _same(site)


def test_absent_values_stay_absent_and_polygons_come_back(tmp_path: Path) -> None:
    ring = [[46.1, 39.1], [46.2, 39.1], [46.2, 39.25], [46.1, 39.1]]
    sites = [
        _site("exact", period={"label": "4th century BCE", "start_year": -400, "end_year": -301}),
        _site("nowhere", geometry=None, location={"precision": "unknown"}, areas=["Shusha", "Kalbajar"]),
        _site("outline", geometry={"type": "Polygon", "coordinates": [ring]}, external_ids={"wikidata": "Q1"}),
        _site("west", geometry={"type": "Point", "coordinates": [-0.5, 51.25]}),
    ]
    header, rows = site_table(sites)
    cells = dict(zip(header, rows[0], strict=True))
    assert cells["uncertainty_m"] is None and cells["period_start"] == -400
    assert dict(zip(header, rows[3], strict=True))["lon"] == -0.5  # a number, never "'-0.5"
    back = _imported(sites, tmp_path)
    assert [_same(s) for s in back] == [_same(s) for s in sites]
    assert back[0].location.uncertainty_m is None


def test_a_package_csv_reads_back_as_the_sample_sites(invoke: Invoke, tmp_path: Path) -> None:
    """The round trip the guide shows: every sample site into a package, then into an empty
    catalogue with `heritage import sites --ignore-unmapped`; absent uncertainties stay absent."""
    originals = {site.id: site for site in Catalogue.open(REPO).sites()}
    out = tmp_path / "pkg"
    args = ("mission", "export", "--name", "all", "--sites", ",".join(originals), "--audience", "internal")
    assert invoke(*args, "--no-pdf", "-o", str(out), catalogue=REPO).exit_code == 0
    table = out / "data" / "gis" / "sites.csv"
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["uncertainty_m"] for row in rows} >= {"", "2000.0"} and "0" not in {r["uncertainty_m"] for r in rows}
    assert invoke("init", str(tmp_path / "empty"), "--region", "45.4,38.8,47.8,40.8").exit_code == 0
    result = invoke("import", "sites", str(table), "--ignore-unmapped", catalogue=tmp_path / "empty")
    assert result.exit_code == 0 and f"imported {len(originals)} site(s)" in result.output, result.output
    back = {site.id: site for site in Catalogue.open(tmp_path / "empty").sites()}
    assert back.keys() == originals.keys()
    assert [i for i in originals if _same(back[i]) != _same(originals[i])] == []


def test_a_language_with_two_names_gives_two_names(tmp_path: Path) -> None:
    site = _site("two", names=[{"lang": "az", "text": "Ağdam məscidi"}, {"lang": "az", "text": "=Cümə məscidi"}])
    header, rows = site_table([site])
    assert dict(zip(header, rows[0], strict=True))["name:az"] == "Ağdam məscidi\n=Cümə məscidi"
    (back,) = _imported([site], tmp_path)
    assert [n.text for n in back.names] == ["Ağdam məscidi", "=Cümə məscidi"]

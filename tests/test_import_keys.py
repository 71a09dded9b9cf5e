"""What the import's quicker paths must keep as it was: each record's content key (a rerun against
a catalogue imported by an earlier version adds nothing), and which files count as a site or a
source when ids are made and references checked (one listing of a folder, not a stat a row)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO, Invoke, allegation_doc, report_doc, site_doc, source_doc
from heritage import layout
from heritage.cli import ExitCode
from heritage.codec import content_key, decode, encode, encode_keyed
from heritage.models import Allegation, ConditionReport, Site, Source
from heritage.store import Catalogue

BEFORE = REPO / "tests" / "data" / "imported-before"


def _decoded(model: type, document: dict) -> object:
    return decode(model, json.dumps(document, ensure_ascii=False).encode("utf-8"))


@pytest.mark.parametrize(
    ("model", "document"),
    [
        (Site, site_doc()),
        (Site, site_doc(areas=["Shusha", "Old town"], description='A "domed" hall', external_ids={})),
        (Site, site_doc(geometry=None, location={"precision": "unknown"})),
        (Site, site_doc(location={"precision": "approximate", "uncertainty_m": 150})),
        (Source, source_doc()),
        (ConditionReport, report_doc()),
        (ConditionReport, report_doc(sources=[{"source": "src-chw", "locator": "p. 4"}], damage_effects=["collapse"])),
        (ConditionReport, report_doc(notes="Roof struck.", migrated={"by": "tester", "at": "2026-01-03T00:00:00Z"})),
        (Allegation, allegation_doc()),
    ],
)
def test_encode_keyed_gives_encode_and_content_key(model: type, document: dict) -> None:
    record = _decoded(model, document)
    assert encode_keyed(record) == (encode(record), content_key(record))  # type: ignore[arg-type]


def _copy_of_before(tmp_path: Path) -> Path:
    root = tmp_path / "cat"
    shutil.copytree(BEFORE / "catalogue", root)
    for folder in ("allegations", "evidence", "maps", "reports", "retractions", "reviews", "sites", "sources"):
        (root / folder).mkdir(exist_ok=True)  # git keeps no empty folder
    return root


def test_a_rerun_against_a_catalogue_imported_before_adds_nothing(invoke: Invoke, tmp_path: Path) -> None:
    """The catalogue in tests/data/imported-before was written by `heritage import` before the
    content key was taken from the encoder's dump: the same files imported again match it."""
    root = _copy_of_before(tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*") if ".heritage" not in p.parts)
    sites = invoke("import", "sites", str(BEFORE / "sites.csv"), catalogue=root)
    assert sites.exit_code == 0, sites.output
    assert "imported 0 site(s): 0 new, 5 already in the catalogue" in sites.output
    reports = invoke("import", "reports", str(BEFORE / "reports.csv"), catalogue=root)
    assert reports.exit_code == 0, reports.output
    assert "imported 0 report(s): 0 new, 5 already in the catalogue" in reports.output
    assert sorted(p.relative_to(root) for p in root.rglob("*") if ".heritage" not in p.parts) == before


def test_a_link_or_folder_named_as_a_site_is_not_a_site(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    """As `Catalogue.has_site` says: only a regular file is a site, so a report citing a link's
    name (or a folder's) cites an unknown site, and a new site may not take the name of either."""
    sites = catalogue.root / layout.SITES
    os.symlink(sites / "st-sargis.geojson", sites / "linked.geojson")
    (sites / "folded.geojson").mkdir()
    rows = "site,observed,condition,method,sources\n"
    rows += "linked,2022-01-01,intact,field_visit,src-chw\nfolded,2022-01-01,intact,field_visit,src-chw\n"
    path = tmp_path / "reports.csv"
    path.write_text(rows, encoding="utf-8")
    result = invoke("import", "reports", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert "field site 'linked': unknown site" in result.output and "field site 'folded': unknown site" in result.output


def test_a_site_on_disk_makes_the_next_of_its_name_numbered(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("name:en,lat,lon,type\nSt Sargis,39.6,46.9,chapel\nSt Sargis,39.7,46.8,chapel\n", encoding="utf-8")
    result = invoke("import", "sites", str(path), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert catalogue.has_site("st-sargis-2") and catalogue.has_site("st-sargis-3")
    assert catalogue.site("st-sargis").type == "church"  # the site already there is left as it was


def test_the_files_imported_before_are_encoded_to_the_same_bytes() -> None:
    catalogue = Catalogue.open(BEFORE / "catalogue")
    files = [(Site, p) for p in (catalogue.root / layout.SITES).glob("*.geojson")]
    files += [(ConditionReport, p) for p in (catalogue.root / layout.REPORTS).glob("*/*.json")]
    assert len(files) == 10
    for model, path in files:
        assert encode_keyed(catalogue.read(model, path), catalogue.info.seal_scheme)[0] == path.read_bytes(), path

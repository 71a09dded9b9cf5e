"""Hostile input gets one line naming the file (and record, and field), never a traceback.

Issue 18, item 10 and 11: values JSON does not allow, files nested past the parser, names that are
not UTF-8, duplicated CSV columns, padded camera metadata, empty areas, formulas in CSV cells,
outputs aimed into the catalogue, MBTiles paths that read as URLs.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from heritage.cli.app import ExitCode
from heritage.codec import loads
from heritage.store import Catalogue
from tests.conftest import Invoke, snapshot

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


def test_a_mission_name_that_is_not_utf8_is_a_usage_error(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    name = os.fsdecode(b"Shusha \xff")
    out = tmp_path / "p"
    result = invoke(
        "mission", "export", "--name", name, "--sites", "st-sargis", "--no-pdf", "-o", str(out), catalogue=catalogue
    )
    assert result.exit_code == ExitCode.USAGE and "Traceback" not in result.output, result.output
    assert not out.exists()


def test_a_duplicated_csv_column_is_refused_by_name(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("id,name:en,lat,lon,lat,type,precision\nx-1,X,0,46.9,39.6,church,exact\n", encoding="utf-8")
    before = snapshot(catalogue.root)
    one_line_error(invoke("import", "sites", str(path), catalogue=catalogue), "the column 'lat' appears twice")
    for text in ("", "\n\n"):
        path.write_text(text, encoding="utf-8")
        one_line_error(invoke("import", "sites", str(path), catalogue=catalogue), "is empty")
    assert snapshot(catalogue.root) == before


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

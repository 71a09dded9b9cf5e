"""Reading files of rows: real public datasets (tests/data/real, see its README) and the shapes
and mistakes real files have."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from heritage.coords import is_blank, parse_point
from heritage.errors import InvalidInput
from heritage.tables import read_table

REAL = Path(__file__).parent / "data" / "real"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def row_titled(table: object, column: str, text: str) -> dict[str, str]:
    rows = [row for row in table.rows if row.cells[column] == text]  # type: ignore[attr-defined]
    assert len(rows) == 1, f"{text!r}: {len(rows)} rows"
    return rows[0].cells  # type: ignore[no-any-return]


# --- real files ---------------------------------------------------------------------------------


def test_heritage_at_risk_register_with_wkt_points_and_its_own_grades() -> None:
    table = read_table(REAL / "historic_england_har.csv")
    assert (table.format, table.encoding, len(table.rows), len(table.columns)) == ("csv", "utf-8", 24, 55)
    first = table.rows[0]
    assert first.label == "line 2"
    assert first.cells["building_name"] == "Christ the Saviour Church"  # " Christ..." in the file: stripped
    assert first.cells["condition"] == "Poor"
    assert first.cells["assessment_type"] == "Place of worship"
    assert parse_point(first.cells["point"]) == (-0.30496, 51.513514)
    grades = {row.cells["condition"] for row in table.rows}
    assert {"Very bad", "Poor", "Fair", "Good", "Unknown", "Extensive significant problems"} <= grades
    assert all(parse_point(row.cells["point"]) for row in table.rows)


def test_the_same_register_as_utf16_reads_the_same() -> None:
    utf8 = read_table(REAL / "historic_england_har.csv")
    utf16 = read_table(REAL / "historic_england_har.utf16.csv")
    assert utf16.encoding == "utf-16"
    assert utf16.columns == utf8.columns and utf16.rows == utf8.rows


def test_volunteer_list_with_region_headings_and_lat_lon_text() -> None:
    table = read_table(REAL / "unesco_ukraine_volunteers.csv")
    assert (table.format, len(table.rows)) == ("csv", 29)
    assert table.columns[0] == ""  # the file's first column has no name: kept, not refused
    headings = [row for row in table.rows if not row.cells["Title of the damage site in English"]]
    assert [(r.label, r.cells[""]) for r in headings] == [
        ("line 2", "22 sites in the Chernihiv Region"),
        ("line 26", "40 sites in the Kyiv Region"),
    ]
    theodosius = row_titled(table, "Title of the damage site in English", "Church of St. Theodosius")
    assert theodosius["Name of damanged site in Ukrainian on Google Maps"] == "Церква святителя Феодосія"
    assert parse_point(theodosius["Geo location"]) == (31.3653939, 51.5333489)
    assert is_blank(theodosius["Wikipedia - English"])  # "not found"
    # A quoted cell with a line break: the row is named by the line it starts on.
    labels = [row.label for row in table.rows]
    desna = next(r for r in table.rows if "Desna" in r.cells["Title of the damage site in English"])
    assert desna.label == "line 21" and labels[labels.index("line 21") + 1] == "line 23"
    no_point = row_titled(table, "Title of the damage site in English", "Former District Court House in Chernihiv")
    assert parse_point(no_point["Geo location"]) is None


def test_a_cp1251_file_is_refused_without_its_encoding_and_read_with_it() -> None:
    path = REAL / "unesco_ukraine_volunteers.cp1251.csv"
    with pytest.raises(InvalidInput) as error:
        read_table(path)
    message = str(error.value)
    assert str(path) in message and "is not UTF-8 text (line 3 " in message
    assert "--encoding cp1251" in message
    table = read_table(path, encoding="cp1251")
    assert (table.encoding, len(table.rows)) == ("cp1251", 10)
    utf8 = read_table(REAL / "unesco_ukraine_volunteers.csv")
    title = "Title of the damage site in English"
    assert row_titled(table, title, "Church of St. Theodosius") == row_titled(utf8, title, "Church of St. Theodosius")


def test_json_list_of_sites_with_statuses_and_sources() -> None:
    table = read_table(REAL / "nk_status_standin.json")
    assert (table.format, len(table.rows)) == ("json", 8)
    assert table.columns[:8] == [
        "id",
        "name.en",
        "name.hy",
        "type",
        "coordinates.lat",
        "coordinates.lon",
        "status",
        "status_date",
    ]
    assert "coordinates" not in table.columns  # the one null is no column of its own
    first = table.rows[0]
    assert first.label == "item 1"
    assert (first.cells["coordinates.lat"], first.cells["coordinates.lon"]) == ("39.758819", "46.747883")
    assert first.cells["status"] == "heavily-damaged"
    assert first.cells["sources.url"] == (
        "https://www.canyon-news.com/artsakhs-ghazanchetsots-cathedral-attacked-in-air-raids/134625; "
        "https://armenpress.am/eng/news/1030837/"
    )
    hadrut = table.rows[3].cells
    assert (hadrut["id"], hadrut["coordinates.lat"], hadrut["name.hy"]) == ("holy-resurrection-hadrut", "", "")
    mamayi = table.rows[7].cells
    assert mamayi["sources.kind"] == "news; "  # the second source has no kind: its place is kept
    assert mamayi["coordinates.lon"] == "46.75"


def test_geojson_export_of_places_of_worship() -> None:
    table = read_table(REAL / "osm_lviv_churches.geojson")
    assert (table.format, len(table.rows)) == ("geojson", 17)
    first = table.rows[0]
    assert first.label == "feature 1"
    assert first.cells["id"] == "node/1935011263" and first.cells["@id"] == "node/1935011263"
    assert first.cells["name"] == "Церква Миколая Чернецького"
    assert first.cells["geometry"] == "POINT (24.0150782 49.868064)"
    assert parse_point(first.cells["geometry"]) == (24.0150782, 49.868064)
    olga = row_titled(table, "name:en", "Church of St. Olha and Elizabeth")
    assert olga["denomination"] == "greek_catholic"
    assert table.columns.index("geometry") < len(table.columns)


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_rules(tmp_path: Path) -> None:
    text = ' id , name \n\na,"St ""Gevorg"""\n\nb\n,\n"c","two\nlines"\nd, spaced \n'
    table = read_table(write(tmp_path, "sites.txt", text))
    assert table.columns == ["id", "name"]
    assert [(r.label, r.cells) for r in table.rows] == [
        ("line 3", {"id": "a", "name": 'St "Gevorg"'}),
        ("line 5", {"id": "b", "name": ""}),  # fewer cells: the rest are empty
        ("line 7", {"id": "c", "name": "two\nlines"}),  # a row of empty cells (line 6) is skipped
        ("line 9", {"id": "d", "name": "spaced"}),
    ]


def test_line_endings_and_excel_sep_line(tmp_path: Path) -> None:
    crlf = read_table(write(tmp_path, "windows.csv", 'id,name\r\na,b\r\n\r\nc,"d\r\ne"\r\nf,g\r\n'))
    assert [(r.label, r.cells["name"]) for r in crlf.rows] == [("line 2", "b"), ("line 4", "d\r\ne"), ("line 6", "g")]
    sep = read_table(write(tmp_path, "excel.csv", "sep=;\r\nname;lat, lon\r\nSt Gevorg;39.81, 46.75\r\n"))
    assert sep.columns == ["name", "lat, lon"]
    assert [(r.label, r.cells) for r in sep.rows] == [("line 3", {"name": "St Gevorg", "lat, lon": "39.81, 46.75"})]


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("name;lat;lon\nSt Gevorg;39,81;46,75\n", {"name": "St Gevorg", "lat": "39,81", "lon": "46,75"}),
        ("name\tlat\tlon\nSt Gevorg\t39.81\t46.75\n", {"name": "St Gevorg", "lat": "39.81", "lon": "46.75"}),
        ('name,latlon\nSt Gevorg,"39.81; 46.75"\n', {"name": "St Gevorg", "latlon": "39.81; 46.75"}),
        ("name\nSt Gevorg, St George\n", None),  # one column, and a comma in the row: refused
        ("name\nSt Gevorg; St George\n", {"name": "St Gevorg; St George"}),
        ('\n\n"lat, lon";name\n"39.81, 46.75";St Gevorg\n', {"lat, lon": "39.81, 46.75", "name": "St Gevorg"}),
    ],
)
def test_delimiter_from_the_header(tmp_path: Path, text: str, cells: dict[str, str] | None) -> None:
    """European spreadsheet exports use ';' (the comma is their decimal mark); the header says which."""
    path = write(tmp_path, "f.csv", text)
    if cells is None:
        with pytest.raises(InvalidInput, match="line 2 has more cells"):
            read_table(path)
        return
    assert read_table(path).rows[0].cells == cells


def test_byte_order_marks(tmp_path: Path) -> None:
    text = "name,lat\nSurb Astvatsatsin,39.8\n"
    bom = read_table(write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + text.encode()))
    assert (bom.encoding, bom.columns) == ("utf-8-sig", ["name", "lat"])
    for codec in ("utf-16-le", "utf-16-be"):
        mark = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
        table = read_table(write(tmp_path, f"{codec}.csv", mark + text.encode(codec)))
        assert (table.encoding, table.rows) == ("utf-16", bom.rows)
    # Named, a UTF-8 encoding still lets the file's own mark decide.
    assert read_table(tmp_path / "bom.csv", encoding="utf-8").columns == ["name", "lat"]


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"id,id\na,b\n", None, "the column 'id' appears twice in the header"),
        (b"id, name ,name\na,b,c\n", None, "the column 'name' appears twice in the header"),
        (b"id,name\na,b\nc,d,e\n", None, "line 3 has more cells than the header has columns"),
        (b"", None, "is empty: a CSV file starts with a header line"),
        (b"\n\n", None, "is empty: a CSV file starts with a header line"),
        (b'id,name\na,"b\n', None, "is not a readable CSV file"),
        (b"id,name\na,b\nc,\xe9glise\n", None, "is not UTF-8 text (line 3 cannot be decoded): give --encoding"),
        ("id\n1\n".encode("utf-16-le"), None, "holds NUL characters (line 1): it may be UTF-16 without"),
        (b"id\n1\n", "klingon", "'klingon' is not an encoding Python knows"),
        (b"id\n\xff\n", "utf-8", "is not utf-8 text (line 2 cannot be decoded)"),
        (
            b"\xef\xbb\xbfid\n1\n",
            "cp1251",
            "starts with a Unicode byte-order mark, so it is UTF-8 or UTF-16, not cp1251",
        ),
    ],
)
def test_bad_csv_is_one_clear_error(tmp_path: Path, data: bytes, encoding: str | None, message: str) -> None:
    path = write(tmp_path, "bad.csv", data)
    with pytest.raises(InvalidInput) as error:
        read_table(path, encoding=encoding)
    assert message in str(error.value)
    assert str(error.value).startswith(str(path))


def test_only_a_regular_file_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InvalidInput, match="not a regular file"):
        read_table(fifo)  # would wait for a writer for ever if it were opened as a file
    with pytest.raises(InvalidInput, match="file not found"):
        read_table(tmp_path / "missing.csv")


def test_format_is_chosen_by_content(tmp_path: Path) -> None:
    assert read_table(write(tmp_path, "list.txt", '[{"id": "a"}]')).format == "json"
    assert read_table(write(tmp_path, "sites.csv", '  {"sites": [{"id": "a"}]}')).format == "json"
    with pytest.raises(InvalidInput) as error:
        read_table(write(tmp_path, "sites.json", "id,name\na,b\n"))
    message = str(error.value)
    assert "is named .json but holds no JSON list or object (it starts with 'id,name'); if it is a CSV" in message


# --- JSON and GeoJSON -----------------------------------------------------------------------------


def test_json_flattening(tmp_path: Path) -> None:
    text = """[
      {"id": "a", "lat": 39.8123, "big": 1e400, "n": 7, "ok": true, "no": false, "none": null,
       "claimant": {"name": "Ministry", "party": {"id": "az"}}, "tags": ["church", "ruin", null],
       "grid": [[1, 2], [3.5, 4]], "sources": [{"id": "s1", "url": "u1"}, {"id": "s2", "url": "u2"}],
       "empty": [], "text": "  padded  "},
      {"id": "b", "extra": "late column"}
    ]"""
    table = read_table(write(tmp_path, "sites.json", text))
    first, second = (row.cells for row in table.rows)
    assert first == {
        "id": "a",
        "lat": "39.8123",
        "big": "1e400",
        "n": "7",
        "ok": "true",
        "no": "false",
        "none": "",
        "claimant.name": "Ministry",
        "claimant.party.id": "az",
        "tags": "church; ruin",
        "grid": "[[1, 2], [3.5, 4]]",
        "sources.id": "s1; s2",
        "sources.url": "u1; u2",
        "empty": "",
        "text": "padded",
        "extra": "",
    }
    assert second["extra"] == "late column" and second["lat"] == ""
    assert table.columns[-1] == "extra"


def test_json_object_holding_one_list(tmp_path: Path) -> None:
    text = '{"generated": "2024-05-01", "count": 1, "sites": [{"id": "a"}], "licence": {"name": "CC0"}}'
    table = read_table(write(tmp_path, "export.json", text))
    assert [r.cells for r in table.rows] == [{"id": "a"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": [{"id": 1}], "b": [{"id": 2}]}', "exactly one member that is such a list (found 2 ('a', 'b'))"),
        ('{"id": "a"}', "(found none)"),
        ('"text"', "holds no JSON list or object (it starts with '\"text\"')"),
        ("[[1, 2]]", "item 1: is a list, not an object"),
        ('[{"id": "a"}, 3]', "item 2: is a number, not an object"),
        ('[{"id": "a"}, ["b"]]', "item 2: is a list, not an object"),
        ('[{"a.b": 1, "a": {"b": 2}}]', "item 1: gives the column 'a.b' twice"),
        ('[{"id": "a", "id": "b"}]', "the key 'id' appears twice in one object"),
        ('[{"lat": NaN}]', "NaN is not a JSON number"),
        ('[{"id": "a"},\n {"id": }]', "is not valid JSON (line 2, column"),
        ('{"type": "Feature", "properties": {}, "geometry": null}', "is a single GeoJSON Feature"),
        ('{"type": "FeatureCollection"}', "without a list of 'features'"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": null},'
            ' {"type": "Feature", "properties": {}, "geometry": {"type": "Blob", "coordinates": [1, 2]}}]}',
            "feature 2: its geometry has the type 'Blob': GeoJSON has Point",
        ),
        ('[{"type": "Feature", "properties": {"geometry": "x"}, "geometry": null}]', "feature 1: has a property named"),
        ('[{"type": "Feature", "properties": {}, "geometry": null}, {"id": 1}]', "feature 2: is an object, not a"),
    ],
)
def test_bad_json_names_the_item(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.json", text)
    with pytest.raises(InvalidInput) as error:
        read_table(path)
    assert message in str(error.value)
    assert str(error.value).startswith(str(path))


def test_geojson_ids_and_geometries(tmp_path: Path) -> None:
    text = """{"type": "FeatureCollection", "features": [
      {"type": "Feature", "id": 12, "properties": {"name": "A", "condition": {"now": "destroyed"}},
       "geometry": {"type": "Point", "coordinates": [46.75, 39.8123, 1450.5]}},
      {"type": "Feature", "id": "f2", "properties": {"id": "own-id"},
       "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},
      {"type": "Feature", "properties": null, "geometry": null}
    ]}"""
    table = read_table(write(tmp_path, "sites.geojson", text))
    assert table.columns == ["id", "name", "condition.now", "geometry"]
    rows = [r.cells for r in table.rows]
    assert rows[0] == {
        "id": "12",
        "name": "A",
        "condition.now": "destroyed",
        "geometry": "POINT Z (46.75 39.8123 1450.5)",
    }
    assert rows[1]["id"] == "own-id" and rows[1]["geometry"] == "POLYGON ((0 0, 1 0, 1 1, 0 0))"
    assert rows[2] == {"id": "", "name": "", "condition.now": "", "geometry": ""}
    listed = read_table(write(tmp_path, "list.json", "[" + text.split("[", 1)[1].rsplit("]", 1)[0] + "]"))
    assert listed.format == "geojson" and listed.rows == table.rows

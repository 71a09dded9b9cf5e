"""`heritage import` with files in the shapes teams bring, used the way a new team would: places
(swapped, past the region, lines, outlines, another CRS), heading rows and a spreadsheet's empty
columns. Each test here was a defect found by trying to break the import or make it lie."""

from __future__ import annotations

from pathlib import Path

from conftest import Invoke, snapshot
from heritage.cli import ExitCode
from heritage.store import Catalogue

# The fixture catalogue's region is [45.0, 38.5, 48.0, 41.0] (W S E N).
REAL = Path(__file__).parent / "data" / "real"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_swapped_coordinates_are_refused_as_site_add_refuses_them(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    # "46.75, 39.81" read as lat, lon lies outside; the other way round it is inside the region.
    path = write(tmp_path, "s.csv", 'name:en,latlon,type\nSlipped church,"46.75, 39.81",church\n')
    before = snapshot(catalogue.root)
    result = invoke("import", "sites", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID, result.output
    assert "field geometry: coordinates [39.81, 46.75] look swapped" in result.output
    assert "if the coordinates are right, import with --grow-region" in result.output
    assert snapshot(catalogue.root) == before
    # Imported with a warning, the site made `validate` fail: now the user must say so.
    taken = invoke("import", "sites", str(path), "--grow-region", catalogue=catalogue)
    assert taken.exit_code == 0, taken.output
    assert invoke("validate", catalogue=catalogue).exit_code == 0


def test_an_allegation_area_past_the_region_leaves_the_catalogue_valid(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    source = next(iter(catalogue.sources())).id
    area = "POLYGON ((10 30, 10.1 30, 10.1 30.1, 10 30))"
    header = "claimant.name,claimant.kind,made_on,source,summary,acts,area\n"
    row = header + f'X,government,2021-01-01,{source},A claim,destruction,"{area}"\n'
    path = write(tmp_path, "a.csv", row)
    result = invoke("import", "allegations", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID, result.output
    assert "field area: area centre" in result.output and "import with --grow-region" in result.output
    assert "field geometry" not in result.output  # an allegation has an area, not a geometry
    grown = invoke("import", "allegations", str(path), "--grow-region", catalogue=catalogue)
    assert grown.exit_code == 0, grown.output
    assert invoke("validate", catalogue=catalogue).exit_code == 0


def test_a_line_is_refused_as_a_line_not_as_a_latitude(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    rows = 'name:en,wkt,type\nA,"LINESTRING (46 39, 46.1 39.1)",church\nB,"MULTIPOINT ((46 39))",church\n'
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", rows)), catalogue=catalogue)
    assert "is a WKT LINESTRING: a location is a POINT, a POLYGON or a MULTIPOLYGON (1 row(s): line 2)" in result.output
    assert "is a WKT MULTIPOINT: a location is a POINT" in result.output
    assert "latitude" not in result.output


def test_heading_rows_are_named_so_a_site_with_only_a_name_is_seen(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    rows = 'Name,Place,Kind\nShusha district,,\nLonely chapel,,\nA,"39.8, 46.7",church\n'
    args = ["--column", "name:en=Name", "--column", "latlon=Place", "--column", "type=Kind"]
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", rows)), *args, "--dry-run", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "heading rows skipped (2): line 2 'Shusha district', line 3 'Lonely chapel'" in result.output


def test_outlines_are_read_as_the_records_keep_them(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    one = "MULTIPOLYGON (((46 39, 46.1 39, 46.1 39.1, 46 39)))"
    two = "MULTIPOLYGON (((46 39, 46.1 39, 46.1 39.1, 46 39)), ((47 40, 47.1 40, 47.1 40.1, 47 40)))"
    rows = f'name:en,wkt,type\nOne,"{one}",church\nTwo,"{two}",church\n'
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", rows)), "--skip-invalid", catalogue=catalogue)
    assert "field wkt: " + repr(two) + " is several polygons: give a point or a polygon" in result.output
    assert Catalogue.open(catalogue.root).site("one").geometry.type == "Polygon"  # type: ignore[union-attr]
    source = next(iter(catalogue.sources())).id
    header = "claimant.name,claimant.kind,made_on,source,summary,acts,area\n"
    claim = header + f'X,government,2021-01-01,{source},A claim,destruction,"POINT (46.5 39.5)"\n'
    refused = invoke("import", "allegations", str(write(tmp_path, "a.csv", claim)), catalogue=catalogue)
    assert "field area: 'POINT (46.5 39.5)' is a point: give a polygon (WKT POLYGON) (1 row(s): line 2)" in (
        refused.output
    )
    assert "coordinates[0]" not in refused.output and "area.type" not in refused.output


def test_a_geojson_in_another_crs_is_refused_not_read_as_degrees(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    import json

    def collection(crs: str) -> str:
        site = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [46.7, 39.8]}, "properties": {}}
        site["properties"] = {"name:en": "A", "type": "church"}
        crs_member = {"type": "name", "properties": {"name": crs}}
        return json.dumps({"type": "FeatureCollection", "crs": crs_member, "features": [site]})

    # A projected system: numbers that read as degrees would land in the region, silently wrong.
    path = write(tmp_path, "utm.geojson", collection("urn:ogc:def:crs:EPSG::32638"))
    result = invoke("import", "sites", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert "declares its coordinates in 'urn:ogc:def:crs:EPSG::32638' ('crs'), not in longitude and latitude" in (
        result.output
    )
    path = write(tmp_path, "wgs84.geojson", collection("urn:ogc:def:crs:OGC:1.3:CRS84"))
    assert invoke("import", "sites", str(path), "--dry-run", catalogue=catalogue).exit_code == 0


def test_the_region_warning_names_the_command_that_takes_the_sites_in(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    rows = 'name:en,latlon,type\nFar church,"41.72, 44.79",church\nFarther church,"42.0, 44.0",church\n'
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", rows)), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    fixes = {line.strip() for line in result.output.splitlines() if line.strip().startswith("fix:")}
    assert fixes == {
        "fix: kept all the same; to take in every site outside it: heritage catalogue set region 43.95 38.5 48 42.05"
        " (or import with --grow-region)"
    }
    pasted = invoke("catalogue", "set", "region", "43.95", "38.5", "48", "42.05", catalogue=catalogue)
    assert pasted.exit_code == 0 and invoke("validate", catalogue=catalogue).exit_code == 0
    assert "outside" not in invoke("validate", catalogue=catalogue).output


def test_a_spreadsheet_s_empty_trailing_columns_say_nothing(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    # Saved from a spreadsheet with formatted but empty columns: ",," in the header and rows.
    rows = "name:en,type,,\nA,church,,\nB,church,,,,\n"
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", rows)), "--dry-run", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "would import 2 site(s)" in result.output
    held = "name:en,type,,\nA,church,x,\nB,church,,y\n"  # two unnamed columns with values: which is which?
    refused = invoke("import", "sites", str(write(tmp_path, "t.csv", held)), catalogue=catalogue)
    assert "columns 3, 4 of the header have no name and hold values: name them" in refused.output
    extra = "name:en,type\nA,church,lost\n"  # a value past the header is still refused
    assert (
        "line 2 has more cells than the header"
        in invoke("import", "sites", str(write(tmp_path, "u.csv", extra)), catalogue=catalogue).output
    )


VOLUNTEERS = """ignore_unmapped = true
[columns]
"name:en" = "Title of the damage site in English"
latlon = "Geo location"
type = "Type of damanged site"
"""


def test_a_heading_is_judged_by_the_columns_read(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    # The Kyiv heading row carries a volunteer's "No" and "not found" in columns no field reads.
    profile = write(tmp_path, "u.toml", VOLUNTEERS)
    path = str(REAL / "unesco_ukraine_volunteers.csv")
    result = invoke("import", "sites", path, "--profile", str(profile), "--dry-run", catalogue=catalogue)
    assert (
        "heading rows skipped (2): line 2 '22 sites in the Chernihiv Region', line 26 '40 sites in the Kyiv Region'"
        in result.output
    )
    assert "line 26" not in result.output.split("heading rows skipped")[0]  # not a failing row


def test_a_list_without_any_location_has_no_headings(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "Name\nSt Astvatsatsin\nSt Hakob\n")
    args = ["--column", "name:en=Name", "--fixed", "type=church"]
    result = invoke("import", "sites", str(path), *args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "imported 2 site(s): 2 new" in result.output and "heading" not in result.output


def test_a_bad_geojson_geometry_is_told_in_plain_words(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    def collection(geometry: str) -> str:
        feature = '{"type": "Feature", "geometry": %s, "properties": {"name:en": "A", "type": "church"}}'
        return '{"type": "FeatureCollection", "features": [' + feature % geometry + "]}"

    shapes = {
        '{"type": "Point", "coordinates": [1]}': "not a valid GeoJSON Point: its coordinates are [lon, lat]",
        '{"type": "Point", "coordinates": ["a", "b"]}': "is not a valid GeoJSON Point",
        '"POINT (46 39)"': "its geometry is not an object with a 'type'",
        '{"type": "Polygon", "coordinates": [[[46, 39], [47, 39], [46, 39]]]}': "has no area",
    }
    for number, (geometry, message) in enumerate(shapes.items()):
        path = write(tmp_path, f"g{number}.geojson", collection(geometry))
        result = invoke("import", "sites", str(path), catalogue=catalogue)
        assert result.exit_code == ExitCode.INVALID and message in result.output, (geometry, result.output)
        for jargon in ("gufunc", "np.str_", "attribute", "operand"):
            assert jargon not in result.output

"""`heritage import` used the way a new team would, with messy files: each test here was a defect
found by trying to break the import or make it say something untrue."""

from __future__ import annotations

from pathlib import Path

from conftest import Invoke, snapshot
from heritage.cli import ExitCode
from heritage.store import Catalogue

# The fixture catalogue's region is [45.0, 38.5, 48.0, 41.0] (W S E N).


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


def test_a_damage_scale_term_is_mapped_by_meaning_not_by_spelling(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    site, source = next(iter(catalogue.sites())).id, next(iter(catalogue.sources())).id
    rows = "".join(
        f"{site},2021-0{n}-01,{word},remote_sensing,{source}\n"
        for n, word in enumerate(["Possible Damage", "No visible damage", "Slight Damage"], start=1)
    )
    path = write(tmp_path, "r.csv", "site,observed,condition,method,sources\n" + rows)
    result = invoke("import", "reports", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    # Spelling alone suggested severe_damage, minor_damage and... : UNOSAT and EAMENA say otherwise.
    assert "--map condition:'Possible Damage'=damaged (UNOSAT's term, which says how sure" in result.output
    assert "--fixed certainty=possible" in result.output
    assert "--map condition:'No visible damage'=intact (UNOSAT's term)" in result.output
    assert "--map condition:'Slight Damage'=minor_damage (EAMENA's term)" in result.output


def test_an_ignored_column_is_not_read_even_when_named_like_a_field(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(tmp_path, "s.csv", "name:en,lat,lon,type,description\nA,39.8,46.7,church,do not publish\n")
    args = ["--ignore-column", "description", "--ignore-column", "lat", "--ignore-column", "lon"]
    result = invoke("import", "sites", str(path), *args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    site = Catalogue.open(catalogue.root).site("a")
    assert site.description is None and site.geometry is None


REAL = Path(__file__).parent / "data" / "real"


def test_a_starting_profile_prefers_a_real_field_column_to_a_guess(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    # OpenStreetMap's `name` is the local name; its `name:en` column is the English one.
    made = invoke("import", "profile", str(REAL / "osm_lviv_churches.geojson"), catalogue=catalogue)
    assert made.exit_code == 0, made.output
    assert '"name:en" = "name:en"' in made.output and '"name:en" = "name"' not in made.output


def test_a_starting_profile_reads_the_location_one_way(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    # The register's WKT `point` is in every row; `lat` and `lon` in some, and not always equal.
    out = tmp_path / "har.toml"
    made = invoke("import", "profile", str(REAL / "historic_england_har.csv"), "-o", str(out), catalogue=catalogue)
    assert made.exit_code == 0, made.output
    text = out.read_text(encoding="utf-8")
    assert '"latlon" = "point"' in text and '"lat" = "lat"' not in text and '"lon" = "lon"' not in text
    assert '"lat", "lon"]' in text  # listed to be ignored, and so not read


def test_an_empty_cell_is_not_called_a_missing_column(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    site = next(iter(catalogue.sites())).id
    reports = f"site,observed,condition,method,sources\n{site},2021-01-01,intact,remote_sensing,\n"
    result = invoke("import", "reports", str(write(tmp_path, "r.csv", reports)), catalogue=catalogue)
    assert "field sources: is required and empty in this row (column 'sources')" in result.output
    assert "no column gives it" not in result.output
    sites = 'Name,Place,Kind\nA,not found,\n,"39.8, 46.7",church\n'
    args = ["--column", "name:en=Name", "--column", "latlon=Place", "--column", "type=Kind"]
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", sites)), *args, catalogue=catalogue)
    assert "field type: is required and empty in this row (column 'Kind') (1 row(s): line 2)" in result.output
    assert "field name:LANG: is required and empty in this row (column 'Name') (1 row(s): line 3)" in result.output


HOSTILE_TYPES = ["line\nbreak", "\x1b[2Jclear", "\u202eevil", "it's", "back\\slash", "$(touch {canary})`true`!!"]


def test_every_map_fix_pastes_into_bash_and_works(catalogue: Catalogue, tmp_path: Path) -> None:
    import csv
    import os
    import re
    import shlex
    import subprocess
    import sys

    canary = tmp_path / "pasted-and-ran"
    values = [v.replace("{canary}", str(canary)) for v in HOSTILE_TYPES]
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["name:en", "type"], *([f"Site {n}", v] for n, v in enumerate(values))])
    command = [sys.executable, "-m", "heritage", "-C", str(catalogue.root), "import", "sites", str(path)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "LC_ALL": "C.UTF-8", "HERITAGE_USER": "t"}
    failed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert failed.returncode == ExitCode.INVALID, failed.stderr
    fixes = [line for line in failed.stderr.splitlines() if line.startswith("      fix: add --map ")]
    assert len(fixes) == len(values)  # one line each: a line break in a value does not break the fix
    assert not any("\x1b" in line or "\u202e" in line for line in failed.stderr.splitlines())
    pasted = [re.sub(r"^      fix: add (--map \S.*?=\w+) \(closest in spelling.*$", r"\1", f) for f in fixes]
    line = shlex.join(command) + " " + " ".join(pasted) + " --dry-run"
    run = subprocess.run(["bash", "-c", line], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert f"would import {len(values)} site(s)" in run.stdout
    assert not canary.exists()


def test_an_unknown_source_id_is_quoted_in_its_fix(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    site = next(iter(catalogue.sites())).id
    rows = f"site,observed,condition,method,sources\n{site},2021-01-01,intact,remote_sensing,src x; touch y\n"
    result = invoke("import", "reports", str(write(tmp_path, "r.csv", rows.replace("; ", "$(x)"))), catalogue=catalogue)
    assert "`heritage source add --id 'src x$(x)touch y' ...`" in result.output


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


def test_an_unknown_party_is_not_given_a_side_by_its_spelling(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    rows = "id,kind,title,party\nsrc-new,news,A statement,Side C\n"
    result = invoke("import", "sources", str(write(tmp_path, "s.csv", rows)), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    # "Side C" is spelt like "side-a"; which side a source speaks for is no guess to offer.
    assert "fix: add --map party:'Side C'=PARTY (ours: side-a, side-b), or declare the party" in result.output
    assert "=side-a" not in result.output


def test_credibility_words_map_to_admiralty_grades(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    site, source = next(iter(catalogue.sites())).id, next(iter(catalogue.sources())).id
    rows = f"site,observed,condition,method,sources,credibility\n{site},2021-02-03,intact,remote_sensing,{source},"
    path = write(tmp_path, "r.csv", rows + "Probably true\n")
    refused = invoke("import", "reports", str(path), catalogue=catalogue)
    assert "fix: add --map credibility:'Probably true'=2 (ours: 1 Confirmed by other sources, 2 Probably" in (
        refused.output
    )
    profile = write(tmp_path, "p.toml", '[map.credibility]\n"Probably true" = 2\n')  # a number, as TOML has it
    result = invoke("import", "reports", str(path), "--profile", str(profile), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    reports = Catalogue.open(catalogue.root).reports(site)
    assert [r.credibility for r in reports if str(r.observed) == "2021-02-03"] == [2]


def test_an_unquoted_dotted_field_in_a_profile_says_to_quote_it(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    profile = write(tmp_path, "p.toml", '[map.claimant.kind]\nMFA = "government"\n')
    path = write(tmp_path, "a.csv", "claimant.name\nX\n")
    result = invoke("import", "allegations", str(path), "--profile", str(profile), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert 'p.toml: [map.claimant.kind]: quote a dotted field: [map."claimant.kind"]' in result.output


def test_a_bad_name_is_named_by_its_field_not_the_model_path(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    rows = "Name,Name (hy),Kind\nGood,Bad\x1b[2Jname,church\n"
    args = ["--column", "name:en=Name", "--column", "name:hy=Name (hy)", "--column", "type=Kind"]
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", rows)), *args, catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert "field name:hy 'Bad\\x1b[2Jname': contains the control character U+001B (1 row(s): line 2)" in result.output
    assert "names[1]" not in result.output and "\x1b" not in result.output


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


def test_a_starting_profile_is_never_written_over_the_catalogue(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(tmp_path, "s.csv", "Name,Type\nA,church\n")
    before = snapshot(catalogue.root)
    for target in (catalogue.root / "catalogue.json", catalogue.root / "sites" / "p.toml", path):
        result = invoke("import", "profile", str(path), "-o", str(target), "--force", catalogue=catalogue)
        assert result.exit_code == ExitCode.INVALID, (target, result.output)
    assert snapshot(catalogue.root) == before
    assert path.read_text(encoding="utf-8") == "Name,Type\nA,church\n"


def test_a_default_precision_is_checked_once_and_approximate_names_its_fix(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(tmp_path, "s.csv", "name:en,lat,lon,type\nZ,39.8,46.7,church\n")
    for value in ("unknown", "roughly"):
        profile = write(tmp_path, "p.toml", f'default_precision = "{value}"\n')
        result = invoke("import", "sites", str(path), "--profile", str(profile), catalogue=catalogue)
        assert f"p.toml: default_precision: '{value}' is not one of exact, approximate, settlement" in result.output
        assert "--map" not in result.output  # their value is not to be mapped: it is ours, misspelt
    profile = write(tmp_path, "p.toml", 'default_precision = "approximate"\n')  # format.md's own example
    result = invoke("import", "sites", str(path), "--profile", str(profile), catalogue=catalogue)
    assert "field uncertainty_m: is required for an approximate location (1 row(s): line 2)" in result.output
    assert "--fixed uncertainty_m=METRES" in result.output
    fixed = invoke(
        "import", "sites", str(path), "--profile", str(profile), "--fixed", "uncertainty_m=500", catalogue=catalogue
    )
    assert fixed.exit_code == 0, fixed.output


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


def test_a_file_s_own_ids_name_their_way_round_and_the_flag_beats_the_profile(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    # OpenStreetMap's feature ids ("node/3734462654") are not ids of ours.
    osm = str(REAL / "osm_lviv_churches.geojson")
    profile = write(tmp_path, "osm.toml", 'ignore_unmapped = true\n[columns]\nid = "id"\n"name:uk" = "name"\n')
    args = ["--profile", str(profile), "--fixed", "type=church", "--grow-region", "--dry-run"]
    refused = invoke("import", "sites", osm, *args, catalogue=catalogue)
    assert (
        "fix: leave the ids to heritage with --ignore-column id, and keep theirs with --column external_id:SCHEME=id"
        in (refused.output)
    )
    pasted = invoke(
        "import", "sites", osm, *args, "--ignore-column", "id", "--column", "external_id:osm=id", catalogue=catalogue
    )
    assert pasted.exit_code == 0, pasted.output
    assert "field id" not in pasted.output and '"osm": "node/' in pasted.output
    assert "would import 10 site(s)" in pasted.output  # 7 of the 17 places have no name at all


def test_the_starting_profile_of_every_real_excerpt_loads(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.importing import load_profile

    for data in sorted(REAL.iterdir()):
        if data.suffix not in (".csv", ".json", ".geojson"):
            continue
        encoding = ["--encoding", "cp1251"] if "cp1251" in data.name else []
        out = tmp_path / f"{data.name}.toml"
        made = invoke("import", "profile", str(data), "-o", str(out), *encoding, catalogue=catalogue)
        assert made.exit_code == 0, (data.name, made.output)
        profile = load_profile(out)  # the unnamed first column of the volunteers' list is ignored as ""
        assert profile.kind == "sites"


def test_a_fixed_value_not_ours_is_told_to_be_put_right_not_mapped(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(tmp_path, "r.csv", "site,observed,condition,sources\nx,2021-01-01,intact,src-a\n")
    result = invoke("import", "reports", str(path), "--fixed", "method=drone", catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert "--fixed method=drone: 'drone' is not one of our method values: remote_sensing, field_visit" in result.output
    assert "--map" not in result.output


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


def test_a_starting_profile_guesses_nested_json_members(invoke: Invoke, catalogue: Catalogue) -> None:
    made = invoke("import", "profile", str(REAL / "nk_status_standin.json"), catalogue=catalogue)
    assert made.exit_code == 0, made.output
    for line in ('"name:en" = "name.en"', '"name:hy" = "name.hy"', '"lat" = "coordinates.lat"'):
        assert line in made.output


def test_a_kept_time_stamp_in_the_future_is_a_row_problem_not_a_crash(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    rows = "name:en,type,recorded_at,recorded_by\nA,church,2099-01-01T00:00:00Z,bob\n"
    result = invoke("import", "sites", str(write(tmp_path, "s.csv", rows)), "--as-recorded", catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID, result.output
    assert "field recorded_at '2099-01-01T00:00:00Z': recorded_at 2099-01-01T00:00:00Z is in the future" in (
        result.output
    )
    assert "Traceback" not in result.output


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

"""Import profiles and their flags, dry runs, heading rows, and `heritage import profile`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Invoke, snapshot
from heritage.cli import ExitCode
from heritage.errors import InvalidInput
from heritage.importing import ImportOptions, Profile, load_profile, run_import, with_flags
from heritage.store import Catalogue

# The shape of a volunteer list of damaged sites: region heading rows, "lat, lon" text, their
# own condition words, a "not found" location and a blank row (invented rows, real shape).
LIST = (
    "Name,Name (hy),Coordinates,Category,Status,Region,Remarks\n"
    "Shusha district,,,,,,\n"
    'Ghazanchetsots,Ղազանչեցոց,"39.7586, 46.7512",Cathedral,Very bad,Shusha,hit twice\n'
    'Kanach Zham,Կանաչ Ժամ,"39.7600, 46.7490",church,altered,Shusha,\n'
    "Hadrut district,,,,,,\n"
    "Spitak Khach,Սպիտակ Խաչ,not found,Church,Unknown,Hadrut,\n"
    ",,,,,,\n"
)
PROFILE = """
kind = "sites"
ignore = ["Status", "Remarks"]

[columns]
"name:en" = "Name"
"name:hy" = "Name (hy)"
latlon = "Coordinates"
type = "Category"
areas = "Region"

[map.type]
"Cathedral" = "cathedral"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def options(**given: object) -> ImportOptions:
    return ImportOptions(recorded_by="tester", **given)  # type: ignore[arg-type]


def test_a_profile_maps_names_points_types_and_skips_heading_rows(catalogue: Catalogue, tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "list.toml", PROFILE))
    result = run_import(catalogue, "sites", write(tmp_path, "list.csv", LIST), profile, options())
    assert sorted(result.written) == ["ghazanchetsots", "kanach-zham", "spitak-khach"]
    assert result.headings == 2  # the two district rows; the blank row is skipped silently
    site = catalogue.site("ghazanchetsots")
    assert [(n.lang, n.text) for n in site.names] == [("en", "Ghazanchetsots"), ("hy", "Ղազանչեցոց")]
    assert site.geometry is not None and site.geometry.coordinates == [46.7512, 39.7586]
    assert site.type == "cathedral" and site.areas == ["Shusha"]
    assert catalogue.site("kanach-zham").type == "church"  # ours as written
    assert catalogue.site("spitak-khach").type == "church"  # ours, whatever the case
    lost = catalogue.site("spitak-khach")  # "not found": kept, without a location
    assert lost.geometry is None and lost.location.precision.value == "unknown"


def test_flags_do_what_the_profile_does(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path, "list.csv", LIST)
    args = ["--column", "name:en=Name", "--column", "name:hy=Name (hy)", "--column", "latlon=Coordinates"]
    args += ["--column", "type=Category", "--map", "type:Cathedral=cathedral", "--ignore-unmapped"]
    result = invoke("import", "sites", str(path), *args, "--where", "Region=shusha", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "imported 2 site(s): 2 new, 0 already in the catalogue, 3 row(s) filtered out" in result.output
    again = invoke("import", "sites", str(path), *args, catalogue=catalogue)
    assert "imported 1 site(s): 1 new, 2 already in the catalogue, 2 heading row(s) skipped" in again.output


def test_several_columns_build_one_field_and_fixed_values_fill_the_rest(catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.csv", "Site,Date,Grade,Effect1,Effect2,Note1,Note2\nst-sargis,2022-05-01,bad,burning,,a,b\n"
    )
    profile = with_flags(
        Profile(),
        columns=["site=Site", "observed=Date", "condition=Grade", "notes=Note1"],
        fixed=["sources=src-chw", "method=Remote_Sensing"],  # a fixed vocabulary value is matched too
        maps=["condition:BAD=severe_damage"],  # their values match ignoring case
    )
    profile.columns["damage_effects"] = ["Effect1", "Effect2"]
    profile.columns["notes"] = ["Note1", "Note2"]
    result = run_import(catalogue, "reports", path, profile, options())
    report = next(r for r in catalogue.reports("st-sargis") if r.id == result.written[0])
    assert report.condition.value == "severe_damage" and report.method.value == "remote_sensing"
    assert [c.source for c in report.sources] == ["src-chw"] and report.notes == "a; b"
    assert [e.value for e in report.damage_effects] == ["burning"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[columns]\nnmae = "Name"\n', "list.toml: [columns] nmae: 'nmae' is not a field of sites"),
        ('[map.type]\n"Very old" = "ancient"\n', "list.toml: [map.type]: 'Very old' = 'ancient': 'ancient' is not one"),
        ('[map.type]\n"Very old" = ""\n', "list.toml: [map.type]: 'Very old' has no value yet: set it to one of"),
        ('[map.areas]\nX = "y"\n', "list.toml: [map.areas]: 'areas' has no vocabulary"),
        ('[columns]\nlatlon = "Coords"\n', "list.toml: [columns] latlon: the file has no column 'Coords'"),
        ('[where]\nCountry = "UA"\n', "list.toml: [where] Country: the file has no column 'Country'"),
        ("colums = {}\n", "list.toml: colums: unknown key"),
        ('kind = "reports"\n', "list.toml: kind: the profile is for reports, not sites"),
    ],
)
def test_a_bad_profile_is_refused_before_any_row_naming_file_and_key(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, "list.csv", LIST)
    before = snapshot(catalogue.root)
    result = invoke(
        "import", "sites", str(path), "--profile", str(write(tmp_path, "list.toml", text)), catalogue=catalogue
    )
    assert result.exit_code == ExitCode.INVALID and message in result.output, result.output
    assert snapshot(catalogue.root) == before


def test_a_bad_flag_is_refused_naming_the_flag(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path, "list.csv", LIST)
    result = invoke("import", "sites", str(path), "--map", "type:Cathedral=basilica", catalogue=catalogue)
    assert "--map type:Cathedral=basilica: 'Cathedral' = 'basilica': 'basilica' is not one of ours" in result.output
    with pytest.raises(InvalidInput, match="--fixed type=barn"):
        run_import(
            catalogue, "sites", path, with_flags(Profile(), fixed=["type=barn"], ignore_unmapped=True), options()
        )


def test_unknown_values_are_grouped_with_the_map_to_add(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    rows = "".join(f"st-sargis,2022-05-0{n},Very bad,remote_sensing,src-chw\n" for n in range(1, 8))
    path = write(tmp_path, "r.csv", "site,observed,condition,method,sources\n" + rows + "ghost,2022-05-09,intact,x,\n")
    before = snapshot(catalogue.root)
    result = invoke("import", "reports", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    lines = result.output.splitlines()
    assert (
        "  field condition 'Very bad': not one of our condition values "
        "(7 row(s): line 2, line 3, line 4, line 5, line 6, ...)" in lines
    )
    assert "      fix: add --map condition:'Very bad'=" in result.output
    assert "  field method 'x': not one of our method values (1 row(s): line 9)" in lines
    assert "  field sources: is required and empty in this row (column 'sources')" in result.output
    assert "error: " in lines[-1] and "8 row(s) failed; nothing was written" in lines[-1]
    assert "Value error" not in result.output and "Input should be" not in result.output
    assert snapshot(catalogue.root) == before


def test_an_open_vocabulary_value_names_the_vocab_command(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "name:en,lat,lon,type\nOld mill,39.5,46.5,Watermill\n")
    result = invoke("import", "sites", str(path), catalogue=catalogue)
    assert "field type 'Watermill': not one of our type values" in result.output
    assert "`heritage vocab add site_type NAME --label ...`" in result.output


def test_a_dry_run_shows_what_would_be_written_and_writes_nothing(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(tmp_path, "list.csv", LIST + 'Far church,,"41.72, 44.79",church,,Tbilisi,\n')
    profile = write(tmp_path, "list.toml", PROFILE)
    before = snapshot(catalogue.root)
    result = invoke("import", "sites", str(path), "--profile", str(profile), "--dry-run", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert snapshot(catalogue.root) == before
    assert not list((catalogue.root / ".heritage").glob("imports/.tmp-*"))
    assert "type: church 3, cathedral 1" in result.output
    assert "would import 4 site(s): 4 new, 0 already in the catalogue, 2 heading row(s) skipped" in result.output
    assert (
        "record 1:" in result.output and '"id": "ghazanchetsots"' in result.output and "record 4:" not in result.output
    )
    assert "warning: field geometry: outside the catalogue's region [45.0, 38.5, 48.0, 41.0] (1 row(s): line 8)" in (
        result.output
    )
    assert "dry run: nothing was written" in result.output


def test_outside_the_region_is_a_warning_and_grow_region_grows_it(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(tmp_path, "s.csv", 'name:en,latlon,type\nFar church,"41.72, 44.79",church\n')
    failed = invoke("import", "sites", str(path), "--column", "nonsense=x", catalogue=catalogue)
    assert failed.exit_code == ExitCode.INVALID and Catalogue.open(catalogue.root).info.region == (
        45.0,
        38.5,
        48.0,
        41.0,
    )
    result = invoke("import", "sites", str(path), "--grow-region", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "grew the catalogue's region to" in result.output and "warning" not in result.output
    west, south, east, north = Catalogue.open(catalogue.root).info.region or (0, 0, 0, 0)
    assert west < 44.79 and north > 41.72 and south <= 38.5 and east >= 48.0


def test_the_starting_profile_round_trip(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path, "list.csv", LIST)
    out = tmp_path / "list.toml"
    made = invoke("import", "profile", str(path), "-o", str(out), catalogue=catalogue)
    assert made.exit_code == 0, made.output
    text = out.read_text(encoding="utf-8")
    assert '"name:en" = "Name"' in text and '"name:hy" = "Name (hy)"' in text
    assert '"latlon" = "Coordinates"' in text and '"type" = "Category"' in text
    assert '"Cathedral" = "cathedral"' in text  # ours, ignoring case, filled in
    assert 'ignore = ["Status"]' in text
    again = invoke("import", "profile", str(path), "-o", str(out), catalogue=catalogue)
    assert again.exit_code == ExitCode.INVALID and "exists already; pass --force" in again.output
    result = invoke("import", "sites", str(path), "--profile", str(out), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "imported 3 site(s): 3 new, 0 already in the catalogue, 2 heading row(s) skipped" in result.output


def test_a_starting_profile_lists_values_to_fill_and_refuses_until_filled(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "r.csv",
        "Site,Date,Status,Source\nst-sargis,2022-05-01,Very bad,src-chw\nst-sargis,2022-06-01,intact,src-chw\n",
    )
    text = invoke("import", "profile", str(path), "--kind", "reports", catalogue=catalogue).output
    assert '"Very bad" = ""' in text and '"intact" = "intact"' in text and "# ours: intact, " in text
    profile = write(tmp_path, "r.toml", text)
    refused = invoke(
        "import",
        "reports",
        str(path),
        "--profile",
        str(profile),
        "--fixed",
        "method=remote_sensing",
        catalogue=catalogue,
    )
    assert (
        "r.toml: [map.condition]: 'Very bad' has no value yet: set it to one of intact, minor_damage" in refused.output
    )
    profile.write_text(text.replace('"Very bad" = ""', '"Very bad" = "severe_damage"'), encoding="utf-8")
    done = invoke(
        "import",
        "reports",
        str(path),
        "--profile",
        str(profile),
        "--fixed",
        "method=remote_sensing",
        catalogue=catalogue,
    )
    assert done.exit_code == 0, done.output
    assert "imported 2 report(s): 2 new, 0 already in the catalogue" in done.output


def test_older_short_columns_are_still_read(catalogue: Catalogue, tmp_path: Path) -> None:
    text = "site,observed,condition,method,sources,extent,effects,causes\n"
    text += "st-sargis,2022-05-01,severe_damage,remote_sensing,src-chw,31-60%,collapse,fire\n"
    result = run_import(catalogue, "reports", write(tmp_path, "r.csv", text), Profile(), options())
    report = next(r for r in catalogue.reports("st-sargis") if r.id == result.written[0])
    assert report.damage_extent is not None and report.damage_extent.value == "31-60%"
    assert [c.value for c in report.damage_causes] == ["fire"]


def test_the_library_returns_a_dry_run_as_data(catalogue: Catalogue, tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "list.toml", PROFILE))
    result = run_import(catalogue, "sites", write(tmp_path, "list.csv", LIST), profile, options(dry_run=True))
    assert result.dry_run and len(result.written) == 3 and not catalogue.has_site("ghazanchetsots")
    assert result.counts["type"] == {"cathedral": 1, "church": 2}
    assert json.loads(json.dumps(result.samples))[0]["id"] == "ghazanchetsots"


def test_an_encoding_flag_reads_a_cp1251_file(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "ru.csv"
    path.write_bytes('name:ru,latlon,type\nЦерковь,"39.5, 46.5",Церковь\n'.encode("cp1251"))
    refused = invoke("import", "sites", str(path), catalogue=catalogue)
    assert "is not UTF-8 text (line 2 cannot be decoded): give --encoding" in refused.output
    args = ["--encoding", "cp1251", "--map", "type:церковь=church"]  # their value matched ignoring case
    result = invoke("import", "sites", str(path), *args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert catalogue.site("tserkov").names[0].text == "Церковь"


def test_at_most_twenty_groups_are_printed(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    rows = "".join(f"Site {n},39.5,46.5,kind-{n}\n" for n in range(25))
    result = invoke(
        "import", "sites", str(write(tmp_path, "s.csv", "name:en,lat,lon,type\n" + rows)), catalogue=catalogue
    )
    assert result.output.count("not one of our type values") == 20 and "  and 5 more" in result.output


def test_a_single_cell_row_is_a_heading_but_a_named_row_with_a_point_is_not(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    text = 'name:en,latlon,type,areas\n,,,Region of the north\nLone,"39.5, 46.5",,\n'
    profile = with_flags(Profile(), fixed=["type=church"])
    result = run_import(catalogue, "sites", write(tmp_path, "s.csv", text), profile, options())
    assert result.headings == 1 and result.written == ["lone"]


def test_a_named_row_whose_location_is_not_found_is_a_site_not_a_heading(catalogue: Catalogue, tmp_path: Path) -> None:
    # Only a name, and "not found" where the point goes: the list says the site exists and
    # could not be placed. It is kept without a location, never counted as a region heading.
    text = 'Name,Coordinates\nKyiv region,\nIvankiv Museum,"50.93, 29.91"\nLost chapel,not found\n'
    profile = with_flags(Profile(), columns=["name:en=Name", "latlon=Coordinates"], fixed=["type=museum"])
    result = run_import(catalogue, "sites", write(tmp_path, "s.csv", text), profile, options())
    assert result.headings == 1 and sorted(result.written) == ["ivankiv-museum", "lost-chapel"]
    assert catalogue.site("lost-chapel").geometry is None


def test_names_given_as_ids_let_reports_of_the_same_file_find_their_sites(catalogue: Catalogue, tmp_path: Path) -> None:
    # A list with no id column: its sites take their names as ids, and the reports read from
    # the same file name their site by the same column.
    text = (
        "Title,Coordinates,Date\n"
        'Church of St. Theodosius,"51.5333, 31.3654",2022-03-13\n'
        'St. Catherine Church,"51.4944, 31.3090",2022-03-11\n'
    )
    path = write(tmp_path, "list.csv", text)
    sites = with_flags(
        Profile(), columns=["id=Title", "name:en=Title", "latlon=Coordinates"], fixed=["type=church"], ignore=["Date"]
    )
    result = run_import(catalogue, "sites", path, sites, options())
    assert sorted(result.written) == ["church-of-st-theodosius", "st-catherine-church"]
    reports = with_flags(
        Profile(),
        columns=["site=Title", "observed=Date"],
        fixed=["condition=damaged", "method=document_review", f"sources={next(catalogue.sources()).id}"],
        ignore=["Coordinates"],
    )
    result = run_import(catalogue, "reports", path, reports, options())
    assert len(result.written) == 2
    assert [r.condition.value for r in catalogue.reports("church-of-st-theodosius")] == ["damaged"]
    again = run_import(catalogue, "sites", path, sites, options())  # the same ids: nothing new
    assert again.written == [] and sorted(again.already) == ["church-of-st-theodosius", "st-catherine-church"]


def test_a_column_mapped_to_another_field_is_not_also_read_by_its_name(catalogue: Catalogue, tmp_path: Path) -> None:
    # A tracker's "id" column holds the site's id: mapped to a report's site, it must not give
    # the report its id as well (every report of a site would then claim the site's id).
    text = "id,status,date\nst-sargis,destroyed,2021-03-25\n"
    source = next(catalogue.sources()).id
    profile = with_flags(
        Profile(),
        columns=["site=id", "condition=status", "observed=date"],
        fixed=["method=document_review", f"sources={source}"],
    )
    result = run_import(catalogue, "reports", write(tmp_path, "t.csv", text), profile, options())
    (written,) = result.written
    assert written != "st-sargis" and written.startswith("r-")


def test_unknown_references_are_named_even_beside_other_faults(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.importing import RowsRefused

    text = "site,observed,condition,method,sources\n"
    text += "ghost,2021-02-30,intact,remote_sensing,src-gone\nghost,2021-02-30,intact,remote_sensing,src-chw\n"
    with pytest.raises(RowsRefused) as refused:
        run_import(catalogue, "reports", write(tmp_path, "r.csv", text), Profile(), options())
    groups = {(g.field, g.value): g for g in refused.value.groups}
    assert groups[("site", "ghost")].count == 2 and groups[("sources", "src-gone")].count == 1
    assert ("sources", "src-chw") not in groups


def test_a_bad_cell_groups_with_the_same_bad_cell_in_other_rows(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.importing import RowsRefused

    text = "site,observed,condition,method,sources\n" + "st-sargis,2021-02-30,intact,remote_sensing,src-chw\n" * 3
    with pytest.raises(RowsRefused) as refused:
        run_import(catalogue, "reports", write(tmp_path, "r.csv", text), Profile(), options())
    [group] = refused.value.groups
    assert (group.field, group.value, group.count) == ("observed", "2021-02-30", 3)
    assert group.labels == ["line 2", "line 3", "line 4"]


def test_their_value_may_hold_an_equals_sign(catalogue: Catalogue, tmp_path: Path) -> None:
    text = "site,observed,condition,method,sources\nst-sargis,2022-05-01,damage=none,remote_sensing,src-chw\n"
    profile = with_flags(Profile(), maps=["condition:damage=none=intact"])
    assert len(run_import(catalogue, "reports", write(tmp_path, "r.csv", text), profile, options()).written) == 1


def test_a_starting_profile_keeps_hostile_values_inert(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    hostile = 'Bad"\nkind = "reports"\n[fixed]\ntype = "x\u202e\x85'
    path = write(tmp_path, "s.csv", 'name:en,type\nOne,"' + hostile.replace('"', '""') + '"\n')
    text = invoke("import", "profile", str(path), catalogue=catalogue).output
    assert "\u202e" not in text and "\x85" not in text
    profile = load_profile(write(tmp_path, "s.toml", text))
    assert profile.kind == "sites" and profile.fixed == {} and list(profile.maps["type"]) == [hostile.strip()]


REAL = Path(__file__).parent / "data" / "real"


def test_a_heading_beside_stray_cells_in_unread_columns_is_still_a_heading(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # As in the volunteer list: the heading's text in an unnamed column no field reads, and a
    # stray "No" and "not found" in two other unread columns.
    text = ",name:en,latlon,type,Wiki,DBpedia\n40 sites in the Kyiv Region,,,,No,not found\n"
    text += '1,Church,"50.45, 30.52",church,No,not found\n'
    profile = with_flags(Profile(), ignore=["", "Wiki", "DBpedia"])
    result = run_import(catalogue, "sites", write(tmp_path, "s.csv", text), profile, options())
    assert result.headings == 1 and result.written == ["church"]


def test_the_starting_profile_of_a_real_volunteer_list_guesses_its_columns(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    output = tmp_path / "volunteers.toml"
    made = invoke(
        "import",
        "profile",
        str(REAL / "unesco_ukraine_volunteers.csv"),
        "--kind",
        "sites",
        "-o",
        str(output),
        catalogue=catalogue,
    )
    assert made.exit_code == 0, made.output
    text = output.read_text(encoding="utf-8")
    for line in (
        '"name:en" = "Title of the damage site in English"',
        '"name:uk" = "Name of damanged site in Ukrainian on Google Maps"',
        '"type" = "Type of damanged site"',
        '"latlon" = "Geo location"',
        '"areas" = "Region"',
        '"museum" = "museum"',
        '"religious site" = ""',
    ):
        assert line in text
    # The unnamed first column is listed to be ignored, and the profile with it loads.
    assert 'ignore = ["", ' in text
    filled = text.replace('"religious site" = ""', '"religious site" = "church"')
    for theirs, ours in (
        ("building of historical and/or artistic interest", "historic_building"),
        ("library", "library_archive"),
    ):
        filled = filled.replace(f'"{theirs}" = ""', f'"{theirs}" = "{ours}"')
    output.write_text(filled, encoding="utf-8")
    dry = invoke(
        "import",
        "sites",
        str(REAL / "unesco_ukraine_volunteers.csv"),
        "--profile",
        str(output),
        "--dry-run",
        "--grow-region",
        catalogue=catalogue,
    )
    # 29 rows: two region headings skipped; the sites with "not found" coordinates (the Former
    # District Court House) are kept without a location, not taken for headings.
    assert "2 heading row(s) skipped" in dry.output and "failing" not in dry.output, dry.output
    assert "would import 27 site(s)" in dry.output
    done = invoke(
        "import",
        "sites",
        str(REAL / "unesco_ukraine_volunteers.csv"),
        "--profile",
        str(output),
        "--grow-region",
        catalogue=catalogue,
    )
    assert done.exit_code == 0, done.output
    court = Catalogue.open(catalogue.root).site("former-district-court-house-in-chernihiv")
    assert court.geometry is None and court.location.precision == "unknown" and court.type == "other"

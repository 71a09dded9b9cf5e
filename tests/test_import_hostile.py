"""`heritage import` used the way a new team would: profiles, flags, starting profiles, and what
errors say and propose. Each test here was a defect found by trying to break the import or make
it say something untrue (places and file shapes: test_import_hostile_shapes.py)."""

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
    # As a person would: the --map as printed, with OURS (no value of ours is suggested for these)
    # filled in.
    pasted = [re.sub(r"^      fix: add (--map \S.*?=)OURS \(ours: .*$", r"\1other", f) for f in fixes]
    assert all(p.startswith("--map ") for p in pasted), pasted
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


def test_a_file_s_own_ids_name_their_way_round_and_the_flag_beats_the_profile(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    # OpenStreetMap's feature ids ("node/3734462654") are not ids of ours.
    osm = str(REAL / "osm_lviv_churches.geojson")
    profile = write(tmp_path, "osm.toml", 'ignore_unmapped = true\n[columns]\nid = "id"\n"name:uk" = "name"\n')
    args = ["--profile", str(profile), "--fixed", "type=church", "--grow-region", "--dry-run"]
    # Made into ids as names are ("node/1935011263" -> node-1935011263), the same way a report's
    # site is, so that both imports of one file agree.
    made = invoke("import", "sites", osm, *args, catalogue=catalogue)
    assert made.exit_code == 0, made.output
    assert '"id": "node-1935011263"' in made.output
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


def test_a_row_named_by_a_hostile_id_stays_on_one_line(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", 'id,name:en,type\n"a\nb",A,kirk\n')
    result = invoke("import", "sites", str(path), catalogue=catalogue)
    assert "not one of our type values (1 row(s): line 2 (a-b))" in result.output  # the id as made

"""The `heritage` command: each command, each error as one clear line, nothing written on error."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click
import pytest

from conftest import REPO, Invoke, allegation_doc, report_doc, site_doc, snapshot, write
from heritage.cli import ExitCode, cli
from heritage.models.base import utc_today
from heritage.store import Catalogue


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found.extend(all_commands(command, path))
    return found


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(invoke: Invoke, path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0
    command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    if not isinstance(command, click.Group):
        assert "Example:" in result.output and f"heritage {path[0]}" in result.output


def test_init_creates_an_empty_valid_catalogue(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(
        "init",
        str(tmp_path / "new"),
        "--name",
        "Gaza heritage",
        "--region",
        "34.2,31.2,34.6,31.6",
        "--party",
        "israel=Israel",
        "--party",
        "palestine=Palestine",
    )
    assert result.exit_code == 0, result.output
    catalogue = Catalogue.open(tmp_path / "new")
    assert catalogue.info.name == "Gaza heritage" and catalogue.info.party_ids() == {"israel", "palestine"}
    assert (tmp_path / "new" / "README.md").read_text().count("sites/<site-id>.geojson") == 1
    assert invoke("validate", catalogue=tmp_path / "new").exit_code == 0
    again = invoke("init", str(tmp_path / "new"))
    assert again.exit_code == ExitCode.INVALID and "already exists" in again.output


def test_commands_find_the_catalogue_by_flag_environment_or_current_folder(
    invoke: Invoke, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert invoke("list", "--json", catalogue=catalogue).exit_code == 0
    monkeypatch.chdir(catalogue.root)
    assert json.loads(invoke("list", "--json").output)[0]["id"] == "st-sargis"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HERITAGE_CATALOGUE", str(catalogue.root))
    assert json.loads(invoke("list", "--json").output)[0]["id"] == "st-sargis"


def test_a_missing_catalogue_is_one_clear_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("list", catalogue=tmp_path)
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.output.count("\n") == 1 and "catalogue.json not found" in result.output
    assert "Traceback" not in result.output


def test_validate_prints_every_problem_and_exits_1(invoke: Invoke, catalogue: Catalogue) -> None:
    write(catalogue.root / "reports" / "st-sargis" / "r-3.json", report_doc("r-3", observed="2021-02-30"))
    write(catalogue.root / "allegations" / "a-2.json", allegation_doc("a-2", sites=["ghost"]))
    result = invoke("validate", catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert "reports/st-sargis/r-3.json: record r-3: field observed: '2021-02-30' is not a real date" in result.output
    assert "allegations/a-2.json: record a-2: field sites[0]: concerns unknown site 'ghost'" in result.output
    assert "INVALID" in result.output and "2 error(s)" in result.output
    data = json.loads(invoke("validate", "--json", catalogue=catalogue).output)
    assert data["ok"] is False and {p["code"] for p in data["problems"]} == {"invalid-record", "unknown-site"}


def test_site_add_from_flags(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke(
        "site",
        "add",
        "--name",
        "en=Church of St Gregory",
        "--name",
        "hy=Սուրբ Գրիգոր",
        "--lat",
        "39.60",
        "--lon",
        "46.90",
        "--precision",
        "approximate",
        "--uncertainty",
        "250",
        "--type",
        "church",
        "--tradition",
        "armenian_apostolic",
        "--area",
        "Hadrut",
        "--external-id",
        "wikidata=Q123",
        catalogue=catalogue,
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "church-of-st-gregory"
    site = catalogue.site("church-of-st-gregory")
    assert site.location.uncertainty_m == 250 and site.names[1].text == "Սուրբ Գրիգոր"
    assert site.recorded_by == "tester" and site.external_ids == {"wikidata": "Q123"}
    second = invoke("site", "add", "--name", "en=Church of St Gregory", "--type", "church", catalogue=catalogue)
    assert second.output.strip() == "church-of-st-gregory-2"
    assert catalogue.site("church-of-st-gregory-2").location.precision.value == "unknown"


def test_site_add_from_a_geojson_file(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    document = site_doc("mosque-x", type="mosque", tradition="shia_islam")
    del document["properties"]["recorded_at"], document["properties"]["recorded_by"]
    result = invoke("site", "add", "--file", str(write(tmp_path / "s.json", document)), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert catalogue.site("mosque-x").recorded_by == "tester"


def test_who_recorded_what_and_when_is_set_by_heritage(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    forged = report_doc("r-forged", recorded_at="1999-01-01T00:00:00Z", recorded_by="Someone Else")
    path = write(tmp_path / "r.json", forged)
    refused = invoke("report", "add", "--file", str(path), catalogue=catalogue)
    assert refused.exit_code == ExitCode.INVALID and "recorded_at is set by heritage" in refused.output
    kept = invoke("report", "add", "--file", str(path), "--as-recorded", catalogue=catalogue)
    assert kept.exit_code == 0, kept.output
    assert next(r for r in catalogue.reports("st-sargis") if r.id == "r-forged").recorded_by == "Someone Else"
    future = write(tmp_path / "f.json", report_doc("r-future", recorded_at="2999-01-01T00:00:00Z"))
    result = invoke("report", "add", "--file", str(future), "--as-recorded", catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "field recorded_at" in result.output


REPORT = "report add --site st-sargis --condition destroyed --method remote_sensing"
ALLEGATION = "allegation add --claimant Ministry --made 2022-07-10 --source src-chw --act destruction --summary S"


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        (
            "site add --name en=X --lat 95 --lon 46 --type church",
            ExitCode.INVALID,
            "field geometry.coordinates: latitude 95.0 is outside [-90, 90]",
        ),
        ("site add --name en=X --lat 46.9 --lon 39.5 --type church", ExitCode.INVALID, "look swapped"),
        ("site add --name en=X --type spaceport", ExitCode.INVALID, "unknown site type"),
        ("site add --name X --type church", ExitCode.USAGE, "is not KEY=VALUE"),
        ("site add --id st-sargis --name en=X --type church", ExitCode.CONFLICT, "already exists"),
        (
            "source add --title T --kind news --url javascript:alert(1)",
            ExitCode.INVALID,
            "field url: 'javascript:alert(1)' is not an http(s) address",
        ),
        ("source add --title T --kind news --party side-z", ExitCode.INVALID, "unknown party 'side-z'"),
        ("source add --title T --kind rumour", ExitCode.USAGE, "Invalid value for '--kind'"),
        (f"{REPORT} --observed 2021-13-01 --source src-chw", ExitCode.INVALID, "field observed"),
        (f"{REPORT} --observed 2099-01-01 --source src-chw", ExitCode.INVALID, "in the future"),
        (f"{REPORT} --observed 2021-01-01 --source src-nope", ExitCode.INVALID, "unknown source 'src-nope'"),
        (f"{REPORT} --observed 2021-01-01", ExitCode.USAGE, "missing --source"),
        (f"{REPORT} --observed 2021-01-01 --source src-chw --supersedes r-404", ExitCode.INVALID, "field supersedes"),
        (
            "report add --site ghost --observed 2021-01-01 --condition destroyed --method remote_sensing "
            "--source src-chw",
            ExitCode.INVALID,
            "field site: unknown site 'ghost'",
        ),
        (f"{ALLEGATION} --site ghost", ExitCode.INVALID, "unknown site 'ghost'"),
        (ALLEGATION, ExitCode.INVALID, "at least one site or an area"),
        (f"{ALLEGATION} --site st-sargis --responds-to a-404", ExitCode.INVALID, "responds to unknown allegation"),
        ("show ghost", ExitCode.NOT_FOUND, "record ghost: no such site"),
        ("list --bbox 1,2,3", ExitCode.USAGE, "is not four numbers W,S,E,N"),
        ("list --as-of 'last week'", ExitCode.USAGE, "is not a date"),
        ("list --as-of 2999-01-01", ExitCode.USAGE, "is in the future"),
        ("list --type chruch", ExitCode.USAGE, "unknown value 'chruch'"),
        ("list --tradition nope", ExitCode.USAGE, "unknown value 'nope'"),
        (
            f"{REPORT} --observed 2021-01-01 --source src-chw --supersedes r-1 --id r-2",
            ExitCode.CONFLICT,
            "already exists",
        ),
        ("init /tmp/heritage-never --bbox 1,2,3,400", ExitCode.USAGE, "--region: north 400 is outside [-90, 90]"),
        ("init /tmp/heritage-never --party Armenia=Armenia", ExitCode.INVALID, "field parties[0].id"),
        ("init /tmp/heritage-never --party a=A --party a=B", ExitCode.INVALID, "declared twice"),
        (
            f"{ALLEGATION} --site st-sargis --perpetrator-party side-z",
            ExitCode.INVALID,
            "field alleged_perpetrator.party: unknown party 'side-z'",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    invoke: Invoke, catalogue: Catalogue, command: str, code: ExitCode, message: str
) -> None:
    before = snapshot(catalogue.root)
    result = invoke(*shlex.split(command), catalogue=catalogue)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    if code != ExitCode.USAGE:
        assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert snapshot(catalogue.root) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", "is not valid JSON"),
        ("[1, 2]", "must hold one JSON object"),
        (None, "file not found"),
        ('{"site": "st-sargis"}', "field observed: is required"),
    ],
)
def test_a_bad_record_file_is_named(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "record.json"
    if content is not None:
        path.write_text(content)
    before = snapshot(catalogue.root)
    result = invoke("report", "add", "--file", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert str(path) in result.output and message in result.output
    assert snapshot(catalogue.root) == before


def test_a_report_cannot_be_corrected_twice_or_reuse_another_sites_id(invoke: Invoke, catalogue: Catalogue) -> None:
    first = invoke(
        *shlex.split(f"{REPORT} --observed 2021-01-01 --source src-chw --supersedes r-1"), catalogue=catalogue
    )
    assert first.exit_code == 0, first.output
    second = invoke(
        *shlex.split(f"{REPORT} --observed 2021-01-01 --source src-chw --supersedes r-1"), catalogue=catalogue
    )
    assert second.exit_code == ExitCode.INVALID and f"already superseded by {first.output.strip()!r}" in second.output
    assert (
        invoke("site", "add", "--id", "other", "--name", "en=Other", "--type", "church", catalogue=catalogue).exit_code
        == 0
    )
    reused = invoke(
        "report",
        "add",
        "--id",
        "r-1",
        "--site",
        "other",
        "--observed",
        "2021-01-01",
        "--condition",
        "intact",
        "--method",
        "field_visit",
        "--source",
        "src-chw",
        catalogue=catalogue,
    )
    assert reused.exit_code == ExitCode.CONFLICT


def test_a_site_file_without_properties_is_one_clear_line(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", {"type": "Feature", "geometry": None, "properties": "x"})
    result = invoke("site", "add", "--file", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "'properties' object" in result.output
    assert "Traceback" not in result.output


def test_duplicate_keys_in_a_record_file_are_refused(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"site": "st-sargis", "observed": "2021", "observed": "2022"}')
    result = invoke("report", "add", "--file", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "'observed' appears twice" in result.output


def test_a_record_file_nested_too_deeply_is_one_clear_line(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b'{"site": "st-sargis", "notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    result = invoke("report", "add", "--file", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "nested too deeply" in result.output
    assert "Traceback" not in result.output


def test_names_derived_by_racing_writers_all_land(catalogue: Catalogue, tmp_path: Path) -> None:
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "heritage",
        "--catalogue",
        str(catalogue.root),
        "site",
        "add",
        "--name",
        "en=Twin Church",
        "--type",
        "church",
    ]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    ids = []
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        ids.append(out.strip())
    assert len(set(ids)) == 4 and all(i.startswith("twin-church") for i in ids)


def test_report_add_then_show_and_list(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke(
        "report",
        "add",
        "--site",
        "st-sargis",
        "--observed",
        "2023-12/2024-04-04",
        "--condition",
        "destroyed",
        "--method",
        "remote_sensing",
        "--source",
        "src-chw:scene 2024-04-04",
        "--effect",
        "collapse",
        "--cause",
        "demolition",
        "--credibility",
        "2",
        "--note",
        "Gone between two images",
        catalogue=catalogue,
    )
    assert result.exit_code == 0, result.output
    report_id = result.output.strip()
    assert report_id.startswith("r-")
    shown = json.loads(invoke("show", "st-sargis", "--json", catalogue=catalogue).output)
    assert shown["condition_report"] == report_id
    assert shown["reports"][-1]["sources"] == [{"source": "src-chw", "locator": "scene 2024-04-04"}]
    text = invoke("show", "st-sargis", catalogue=catalogue).output
    assert "Սուրբ Սարգիս" in text and report_id in text and "Says the church was destroyed." in text


def test_allegation_add_from_flags_and_from_a_file(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    result = invoke(
        "allegation",
        "add",
        "--claimant",
        "Ministry B",
        "--party",
        "side-b",
        "--made",
        "2022-07-12",
        "--source",
        "src-chw:para 3",
        "--site",
        "st-sargis",
        "--act",
        "destruction",
        "--summary",
        "Denies that the church was destroyed.",
        "--responds-to",
        "a-1",
        catalogue=catalogue,
    )
    assert result.exit_code == 0, result.output
    document = allegation_doc("a-file")
    del document["recorded_at"], document["recorded_by"]
    assert (
        invoke(
            "allegation", "add", "--file", str(write(tmp_path / "a.json", document)), catalogue=catalogue
        ).output.strip()
        == "a-file"
    )
    shown = json.loads(invoke("show", "st-sargis", "--json", catalogue=catalogue).output)
    assert {a["id"] for a in shown["allegations"]} == {"a-1", "a-file", result.output.strip()}
    assert all(a["status"] == {"damage": "reported", "attribution": "reported"} for a in shown["allegations"])


def test_list_filters(invoke: Invoke) -> None:
    def ids(*args: str) -> set[str]:
        result = invoke("list", "--json", *args, catalogue=REPO)
        assert result.exit_code == 0, result.output
        return {row["id"] for row in json.loads(result.output)}

    everything = ids()
    assert len(everything) == 34
    lines = invoke("list", "--json", catalogue=REPO).output.splitlines()
    assert len(lines) == 34 + 2 and lines[0] == "[" and lines[-1] == "]"  # one site a line, for grep and diff
    assert invoke("list", "--json", "--bbox", "0,0,1,1", catalogue=REPO).output.strip() == "[]"
    assert ids("--type", "mosque") == {
        "aghdam-mosque",
        "yukhari-govhar-agha-mosque",
        "ashaghi-govhar-agha-mosque",
        "saatli-mosque",
        "mamayi-mosque",
    }
    assert ids("--condition", "destroyed") == {
        "kanach-zham",
        "zoravor-astvatsatsin-mekhakavan",
        "surb-hambardzum-berdzor",
        "st-sargis-mokhrenes",
    }
    assert "kanach-zham" in ids("--condition", "severe_damage", "--as-of", "2022-01-01")
    shusha = ids("--bbox", "46.70,39.70,46.80,39.80")
    assert "ghazanchetsots-cathedral" in shusha and "dadivank" not in shusha
    assert ids("--area", "shushi") == ids("--area", "Shusha") and len(ids("--area", "shushi")) == 10
    assert ids("--has-allegation") | ids("--no-allegation") == everything
    assert ids("--has-allegation") & ids("--no-allegation") == set()
    assert ids("--tradition", "shia_islam", "--has-allegation") <= ids("--type", "mosque")


def test_catalogue_text_is_never_read_as_terminal_markup(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke(
        "site",
        "add",
        "--id",
        "markup",
        "--name",
        "en=[bold red]Boom[/] [link=x]y[/link]",
        "--type",
        "church",
        catalogue=catalogue,
    )
    assert result.exit_code == 0
    assert "[bold red]Boom[/]" in invoke("list", catalogue=catalogue).output
    assert "[bold red]Boom[/] [link=x]y[/link]" in invoke("show", "markup", catalogue=catalogue).output


def test_version(invoke: Invoke) -> None:
    from heritage import __version__

    assert __version__ in invoke("--version").output


def test_a_corrupt_record_stops_a_reading_command_with_one_line(invoke: Invoke, catalogue: Catalogue) -> None:
    (catalogue.root / "sites" / "st-sargis.geojson").write_text('{"type": "Feature", "id": "st-sargis"')
    for command in (["list"], ["show", "st-sargis"]):
        result = invoke(*command, catalogue=catalogue)
        assert result.exit_code == ExitCode.INVALID
        assert result.output == "error: sites/st-sargis.geojson: is not valid JSON (Expecting ',' delimiter, line 1)\n"


def test_json_output_reads_back_as_the_data_with_each_item_of_an_array_on_its_own_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from heritage.cli.common import echo_json

    features = [{"id": f"site-{n}", "properties": {"name": "Գանձասար", "n": n}, "geometry": None} for n in range(3)]
    data = {"type": "FeatureCollection", "features": features, "empty": [], "nested": {"b": [1, [2]], "a": {}}}
    echo_json(data)
    text = capsys.readouterr().out
    assert json.loads(text) == data
    lines = text.splitlines()
    assert [
        json.loads(line.strip().rstrip(",")) for line in lines[lines.index('  "features": [') + 1 :][:3]
    ] == features
    assert "Գանձասար" in text  # not escaped


def test_commands_share_no_private_helpers_and_the_library_never_imports_them() -> None:
    import ast

    package = REPO / "heritage"
    for path in sorted(package.rglob("*.py")):
        in_cli = path.parent == package / "cli"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("heritage.cli"):
                where = path.relative_to(REPO)
                assert in_cli or path == package / "__main__.py", f"{where} imports {node.module}"
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{where} imports {', '.join(private)} from {node.module}"


def test_a_field_reports_position_is_stored_and_shown(invoke: Invoke, catalogue: Catalogue) -> None:
    command = "report add --site st-sargis --observed 2024-05-01 --condition intact --method field_visit "
    command += "--source src-chw --position 46.93012 39.57034 --accuracy 6"
    result = invoke(*shlex.split(command), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    report = next(r for r in catalogue.reports("st-sargis") if r.id == result.output.strip())
    assert report.position is not None and report.position.coordinates == [46.93012, 39.57034]
    assert "position: 39.570340, 46.930120 ± 6 m" in invoke("show", "st-sargis", catalogue=catalogue).output
    bad = invoke(*shlex.split(command.replace("39.57034", "139.5")), catalogue=catalogue)
    assert bad.exit_code == ExitCode.INVALID and "latitude 139.5" in bad.output
    alone = invoke(*shlex.split(command.replace("--position 46.93012 39.57034 ", "")), catalogue=catalogue)
    assert alone.exit_code == ExitCode.USAGE and "--accuracy" in alone.output


def test_report_add_with_a_certainty_shows_it_beside_the_condition(invoke: Invoke, catalogue: Catalogue) -> None:
    added = invoke(
        *shlex.split(
            "report add --site st-sargis --observed 2024-05-03/.. --condition damaged --certainty possible "
            "--method remote_sensing --source src-chw"
        ),
        catalogue=catalogue,
    )
    assert added.exit_code == 0, added.output
    report_id = added.output.strip()
    stored = json.loads(next(catalogue.root.joinpath("reports", "st-sargis").glob(f"{report_id}.*")).read_text())
    assert (stored["certainty"], stored["observed"]) == ("possible", "2024-05-03/..")  # as written
    shown = json.loads(invoke("show", "st-sargis", "--json", catalogue=catalogue).output)
    assert (shown["condition"], shown["condition_certainty"]) == ("damaged", "possible")
    assert "damaged (possible) (observed 2024-05-03/.." in invoke("show", "st-sargis", catalogue=catalogue).output
    listed = json.loads(invoke("list", "--json", catalogue=catalogue).output)
    assert (listed[0]["condition"], listed[0]["condition_certainty"]) == ("damaged", "possible")
    assert "damaged (possible)" in invoke("list", "--condition", "damaged", catalogue=catalogue).output
    assert "damaged (possible)" in invoke("history", "st-sargis", catalogue=catalogue).output
    today = utc_today().isoformat()  # the day it was recorded: the last possible day of "since 2024-05-03"
    changed = invoke("changes", "--from", "2023-01-01", "--to", today, "--csv", catalogue=catalogue).output
    assert "destroyed,,2022-03-05/2022-07-06" in changed and "damaged,possible,2024-05-03/.." in changed
    wrong = invoke(*shlex.split("report correct " + report_id + " --certainty likely --reason x"), catalogue=catalogue)
    assert wrong.exit_code == ExitCode.USAGE and "possible" in wrong.output
    fixed = invoke(
        *shlex.split(f"report correct {report_id} --certainty probable --reason 'New image'"), catalogue=catalogue
    )
    assert fixed.exit_code == 0, fixed.output
    shown = json.loads(invoke("show", "st-sargis", "--json", catalogue=catalogue).output)
    assert shown["condition_certainty"] == "probable"
    # The correction, recorded later, keeps the window the first report had: it ended by then.
    assert shown["reports"][-1]["observed"] == f"2024-05-03/{today}"


def test_list_table_shows_a_page_and_says_how_to_see_the_rest(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    # A table of every site took seconds to draw at 4,000 sites; a table shows one page by default.
    from heritage.cli import browse

    monkeypatch.setattr(browse, "TABLE_LIMIT", 20)
    first = invoke("list", catalogue=REPO)
    assert first.exit_code == 0, first.output
    assert "showing 1-20 of 34; --page 2 for the next 14, --limit 0 for all" in first.output
    assert ": 34 site(s)" in first.output
    last = invoke("list", "--limit", "10", "--page", "4", catalogue=REPO)
    assert "showing 31-34 of 34; --limit 0 for all" in last.output
    everything = invoke("list", "--limit", "0", catalogue=REPO)
    assert "showing" not in everything.output
    past = invoke("list", "--page", "9", catalogue=REPO)
    assert "page 9 is past the end: 34 site(s) make 2 page(s) of 20" in past.output
    assert invoke("list", "--limit", "-1", catalogue=REPO).exit_code == 2


def test_list_json_is_whole_unless_paged(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from heritage.cli import browse

    monkeypatch.setattr(browse, "TABLE_LIMIT", 20)
    whole = [row["id"] for row in json.loads(invoke("list", "--json", catalogue=REPO).output)]
    assert len(whole) == 34
    paged = json.loads(invoke("list", "--json", "--limit", "5", "--page", "2", catalogue=REPO).output)
    assert [row["id"] for row in paged] == whole[5:10]
    default_page = json.loads(invoke("list", "--json", "--page", "2", catalogue=REPO).output)
    assert [row["id"] for row in default_page] == whole[20:]

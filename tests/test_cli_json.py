"""The CLI's shared conventions: `--json` on every command that lists or shows, and `-q/--quiet`
on every command that writes files or shows progress."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from conftest import Invoke, allegation_doc, report_doc, source_doc
from heritage.audience import AUDIENCES
from heritage.cli import ExitCode, cli
from heritage.store import Catalogue

# The rule: a command lists or shows when its name says so (`list`, `show`, `stats`), when it
# reports on records over time (`history`, `changes`) or when it checks something and reports
# what it found (`validate`, `verify...`). Each of them must take --json.
SHOWING = {"list", "show", "stats", "history", "changes", "validate"}

# A command writes files when it takes -o/--output, creates a catalogue (`init`) or imports.
WRITING_NAMES = {"init"}


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def flags(command: click.Command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


def shows(path: tuple[str, ...]) -> bool:
    return path[-1] in SHOWING or path[-1].startswith("verify")


def writes(path: tuple[str, ...], command: click.Command) -> bool:
    return "--output" in flags(command) or path[-1] in WRITING_NAMES or path[0] == "import"


def test_every_command_that_lists_or_shows_takes_json() -> None:
    showing = [path for path, _ in commands() if shows(path)]
    assert ("changes",) in showing and ("verify-package",) in showing and ("allegation", "list") in showing
    for path, command in commands():
        if shows(path):
            option = next((p for p in command.params if "--json" in p.opts), None)
            assert option is not None, f"heritage {' '.join(path)} lists or shows but has no --json"
            assert option.name == "as_json" and getattr(option, "is_flag", False), path


def test_every_command_that_writes_files_takes_quiet() -> None:
    writing = [path for path, command in commands() if writes(path, command)]
    assert ("mission", "export") in writing and ("import", "sites") in writing and ("manifest",) in writing
    helps = set()
    for path, command in commands():
        if writes(path, command):
            option = next((p for p in command.params if "--quiet" in p.opts), None)
            assert option is not None, f"heritage {' '.join(path)} writes files but has no -q/--quiet"
            assert "-q" in option.opts and not option.expose_value, path
            helps.add(getattr(option, "help", None))
    assert len(helps) == 1  # one shared option, the same words everywhere


def test_validate_json_has_the_problems_and_the_counts_line(invoke: Invoke, sample: Path) -> None:
    plain = invoke("validate", catalogue=sample)
    as_json = invoke("validate", "--json", catalogue=sample)
    assert plain.exit_code == as_json.exit_code == 0
    data = json.loads(as_json.stdout)
    assert set(data) == {"ok", "counts", "errors", "warnings", "recorded", "problems"}
    for problem in data["problems"]:
        assert set(problem) == {"code", "severity", "file", "record", "field", "message"}
    counts_line = plain.stdout.strip().splitlines()[-1]
    found = re.search(r"(\d+) error\(s\), (\d+) warning\(s\)", counts_line)
    assert found and (int(found[1]), int(found[2])) == (data["errors"], data["warnings"])
    for kind, number in data["counts"].items():
        assert f"{number} {kind}" in counts_line
    assert data["warnings"] == sum(p["severity"] == "warning" for p in data["problems"])


def test_validate_json_keeps_exit_1_on_errors(invoke: Invoke, sample: Path) -> None:
    site = next((sample / "sites").glob("*.geojson"))
    site.write_text(site.read_text(encoding="utf-8").replace('"type": "Feature"', '"type": "Feature", "typo": 1', 1))
    result = invoke("validate", "--json", catalogue=sample)
    assert result.exit_code == ExitCode.INVALID
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["errors"] >= 1
    assert any(p["severity"] == "error" and p["file"].startswith("sites/") for p in data["problems"])


def test_changes_json_gives_the_rows_of_the_csv(invoke: Invoke, sample: Path) -> None:
    window = ("--from", "2020-11-10", "--to", "2024-12-31")
    table = invoke("changes", *window, catalogue=sample)
    rows = json.loads(invoke("changes", *window, "--json", catalogue=sample).stdout)
    listed = list(csv.DictReader(io.StringIO(invoke("changes", *window, "--csv", catalogue=sample).stdout)))
    assert f"{len(rows)} site(s) changed" in table.stdout and len(rows) == len(listed) > 0
    for row, line in zip(rows, listed, strict=True):
        assert list(row) == sorted(line)  # the CSV's columns, keys sorted as every --json has them
        assert {k: "" if v is None else str(v) for k, v in row.items()} == line
    both = invoke("changes", *window, "--json", "--csv", catalogue=sample)
    assert both.exit_code == ExitCode.USAGE


def test_changes_json_with_nothing_changed_is_an_empty_list(invoke: Invoke, sample: Path) -> None:
    result = invoke("changes", "--from", "2025-01-01", "--to", "2025-01-02", "--json", catalogue=sample)
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.fixture
def package(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    result = invoke(
        "mission",
        "export",
        "--name",
        "Test",
        "--sites",
        "st-sargis",
        "--no-pdf",
        "-o",
        str(folder),
        catalogue=catalogue,
    )
    assert result.exit_code == 0, result.output
    return folder


def test_verify_package_json(invoke: Invoke, package: Path) -> None:
    plain = invoke("verify-package", str(package))
    data = json.loads(invoke("verify-package", str(package), "--json").stdout)
    assert set(data) == {"ok", "checked", "root", "expected_root", "manifest_root_ok", "failures"}
    assert data["ok"] is True and data["failures"] == [] and data["checked"] == "manifest"
    assert f"package root {data['root']}" in plain.stdout
    checked = invoke("verify-package", str(package), "--root", data["root"], "--json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["checked"] == "manifest and root"

    (package / "index.html").write_text("changed")
    (package / "extra.txt").write_text("added")
    result = invoke("verify-package", str(package), "--root", data["root"], "--json")
    assert result.exit_code == ExitCode.INVALID
    failed = json.loads(result.stdout)
    assert failed["ok"] is False
    assert {"kind": "changed", "path": "index.html"} in failed["failures"]
    assert {"kind": "added", "path": "extra.txt"} in failed["failures"]
    plain_failed = invoke("verify-package", str(package), "--root", data["root"])
    assert "changed: index.html" in plain_failed.stdout and "added: extra.txt" in plain_failed.stdout


def test_verify_package_json_errors_stay_on_stderr(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("verify-package", str(tmp_path / "nothing"), "--json")
    assert result.exit_code == ExitCode.INVALID and result.stdout == "" and "error:" in result.stderr


def test_quiet_prints_nothing_on_success(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    runs = [
        ("manifest", "-o", str(tmp_path / "manifest.json"), "-q"),
        ("dossier", "st-sargis", "-o", str(tmp_path / "dossiers"), "--quiet"),
        ("form", "xlsform", "--sites", "st-sargis", "-o", str(tmp_path / "form.xlsx"), "-q"),
        ("mission", "export", "--name", "T", "--sites", "st-sargis", "--no-pdf", "-o", str(tmp_path / "p"), "-q"),
        ("map", "-o", str(tmp_path / "map.html"), "--no-basemap", "-q"),
    ]
    for args in runs:
        result = invoke(*args, catalogue=catalogue)
        assert result.exit_code == 0, (args, result.output)
        assert result.output == "", args
    assert (tmp_path / "manifest.json").is_file() and (tmp_path / "map.html").is_file()
    made = invoke("init", str(tmp_path / "new"), "-q")
    assert made.exit_code == 0 and made.output == "" and (tmp_path / "new" / "catalogue.json").is_file()
    loud = invoke("manifest", "-o", str(tmp_path / "again.json"), catalogue=catalogue)
    assert loud.stdout.startswith("root ")


def test_quiet_still_prints_errors_and_refused_rows(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.write_text("{}")
    taken = invoke("manifest", "-o", str(target), "-q", catalogue=catalogue)
    assert taken.exit_code == ExitCode.INVALID and "already exists" in taken.stderr and taken.stdout == ""

    rows = tmp_path / "sources.csv"
    rows.write_text(
        "id,kind,title,reliability,url\n"
        "src-good,ngo_report,A report,B,https://example.org/a\n"
        "src-bad,not_a_kind,Another,B,https://example.org/b\n",
        encoding="utf-8",
    )
    result = invoke("import", "sources", str(rows), "--skip-invalid", "-q", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "skipped" in result.stderr
    assert catalogue.has_source("src-good")
    refused = invoke("import", "sources", str(rows), "-q", catalogue=catalogue)
    assert refused.exit_code == ExitCode.INVALID and refused.stdout == "" and "not_a_kind" in refused.stderr


# -- every kind of record can be listed and shown, as an audience may see it -----------------------

KINDS = ("source", "report", "evidence", "allegation")


def test_every_kind_of_record_has_list_and_show_with_json_and_audience() -> None:
    found = dict(commands())
    for kind in KINDS:
        for verb in ("list", "show"):
            command = found.get((kind, verb))
            assert command is not None, f"heritage {kind} {verb} is missing"
            audience = next((p for p in command.params if "--audience" in p.opts), None)
            assert audience is not None, f"heritage {kind} {verb} has no --audience"
            assert isinstance(audience.type, click.Choice) and list(audience.type.choices) == list(AUDIENCES)
            assert audience.default == "internal"  # a listing is for the team unless it says otherwise


@pytest.fixture
def with_restricted(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> Catalogue:
    """The test catalogue, plus a restricted source and what rests on it alone: a report, an
    allegation and an evidence file; and one public evidence file."""
    from heritage.codec import decode
    from heritage.models import Allegation, ConditionReport, Source

    def doc(data: dict[str, object]) -> bytes:
        return json.dumps(data).encode()

    catalogue.add_source(decode(Source, doc(source_doc("src-secret", sensitivity="restricted", title="Secret"))))
    catalogue.add_report(decode(ConditionReport, doc(report_doc("r-secret", sources=[{"source": "src-secret"}]))))
    claim = allegation_doc("a-secret", source={"source": "src-secret"})
    catalogue.add_allegation(decode(Allegation, doc(claim)))
    for name, source, data in (("open.txt", "src-chw", b"open"), ("hidden.txt", "src-secret", b"hidden")):
        (tmp_path / name).write_bytes(data)
        added = invoke("evidence", "add", str(tmp_path / name), "--source", source, catalogue=catalogue)
        assert added.exit_code == 0, added.output
    return catalogue


HIDDEN_IDS = {"src-secret", "r-secret", "a-secret", f"ev-{hashlib.sha256(b'hidden').hexdigest()[:20]}"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_public_listing_leaves_out_what_rests_on_a_restricted_source(
    invoke: Invoke, with_restricted: Catalogue, kind: str
) -> None:
    everything = invoke(kind, "list", "--json", catalogue=with_restricted)
    public = invoke(kind, "list", "--json", "--audience", "public", catalogue=with_restricted)
    assert everything.exit_code == public.exit_code == 0, public.output
    all_ids = {record["id"] for record in json.loads(everything.stdout)}
    public_ids = {record["id"] for record in json.loads(public.stdout)}
    assert all_ids & HIDDEN_IDS and public_ids and not public_ids & HIDDEN_IDS
    table = invoke(kind, "list", "--audience", "public", catalogue=with_restricted)
    assert table.exit_code == 0 and not any(hidden in table.stdout for hidden in HIDDEN_IDS)
    for hidden in all_ids & HIDDEN_IDS:
        shown = invoke(kind, "show", hidden, "--json", catalogue=with_restricted)
        assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == hidden
        refused = invoke(kind, "show", hidden, "--audience", "public", catalogue=with_restricted)
        assert refused.exit_code == ExitCode.NOT_FOUND and refused.stdout == "" and "no such" in refused.stderr


def test_a_public_listing_withholds_the_teams_names(invoke: Invoke, with_restricted: Catalogue) -> None:
    for kind in KINDS:
        public = json.loads(invoke(kind, "list", "--json", "--audience", "public", catalogue=with_restricted).stdout)
        assert public and all(record["recorded_by"] == "(name withheld)" for record in public), kind
        team = json.loads(invoke(kind, "list", "--json", catalogue=with_restricted).stdout)
        assert all(record["recorded_by"] == "tester" for record in team), kind


# -- record ids complete in the shell --------------------------------------------------------------

# Parameters that take a record id, by their name in the command's function.
ID_PARAMS = {
    "site_id": "sites",
    "site_ids": "sites",
    "site_list": "sites",
    "sites": "sites",
    "source_id": "sources",
    "sources": "sources",
    "source_ref": "sources",
    "allegation_id": "allegations",
    "responds_to": "allegations",
}


def test_every_parameter_naming_a_site_source_or_allegation_completes_ids() -> None:
    checked = 0
    for path, command in commands():
        for param in command.params:
            if param.name in ID_PARAMS and "--id" not in param.opts:  # --id names a new record
                completer = getattr(param, "_custom_shell_complete", None)
                assert completer is not None, f"heritage {' '.join(path)} {param.name} completes no ids"
                checked += 1
    assert checked >= 15

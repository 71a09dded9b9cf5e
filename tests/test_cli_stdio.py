"""`-` for standard input and output, wherever a command reads or writes a file; and a clear
refusal, with nothing written, where it cannot work."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from conftest import Invoke, report_doc, snapshot
from heritage.cli import ExitCode
from heritage.store import Catalogue

WINDOW = ("--from", "2020-11-10", "--to", "2024-12-31")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder, where a file named '-' written by mistake would show."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def test_report_add_reads_the_record_from_standard_input(invoke: Invoke, catalogue: Catalogue) -> None:
    document = report_doc("r-piped", observed="2023-05-01", condition="destroyed")
    for key in ("recorded_at", "recorded_by"):
        del document[key]
    result = invoke("report", "add", "--file", "-", input=json.dumps(document), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "r-piped"
    assert catalogue.find_report("r-piped").condition.value == "destroyed"
    bad = invoke("report", "add", "--file", "-", input="[1, 2]", catalogue=catalogue)
    assert bad.exit_code == ExitCode.INVALID and "one JSON object" in bad.stderr


def test_a_record_file_that_is_a_named_pipe_is_refused_not_waited_on(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    fifo = tmp_path / "record.json"
    os.mkfifo(fifo)
    before = snapshot(catalogue.root)
    result = invoke("report", "add", "--file", str(fifo), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "named pipe" in result.stderr
    assert snapshot(catalogue.root) == before


def test_imports_read_standard_input_whatever_its_format(invoke: Invoke, catalogue: Catalogue) -> None:
    sites = "id,name:en,lat,lon,type\nst-piped,Piped Church,39.6,46.9,church\n"
    result = invoke("import", "sites", "-", input=sites, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert catalogue.site("st-piped").display_name() == "Piped Church"
    rows = [{"site": "st-piped", "observed": "2022-01-01", "condition": "intact", "method": "remote_sensing"}]
    piped = json.dumps(rows)
    reports = invoke("import", "reports", "-", "--fixed", "sources=src-chw", input=piped, catalogue=catalogue)
    assert reports.exit_code == 0, reports.output
    assert [r.condition.value for r in catalogue.reports("st-piped")] == ["intact"]
    profile = invoke("import", "profile", "-", "--kind", "sites", "-o", "-", input=sites, catalogue=catalogue)
    assert profile.exit_code == 0 and 'kind = "sites"' in profile.stdout
    assert not (Path.cwd() / "-").exists()


def test_manifest_to_standard_output_is_what_verify_reads_back(invoke: Invoke, catalogue: Catalogue) -> None:
    printed = invoke("manifest", "-o", "-", catalogue=catalogue)
    assert printed.exit_code == 0 and printed.stderr == ""
    data = json.loads(printed.stdout)
    assert data["files"] and data["root"]
    assert not (Path.cwd() / "-").exists()
    checked = invoke("verify", "--against", "-", "--json", input=printed.stdout, catalogue=catalogue)
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["since_manifest"] == {"added": [], "modified": [], "removed": []}


def test_changes_csv_to_a_file_has_the_bom_and_to_stdout_has_none(invoke: Invoke, sample: Path, tmp_path: Path) -> None:
    printed = invoke("changes", *WINDOW, "--csv", catalogue=sample).stdout_bytes.decode("utf-8")
    dashed = invoke("changes", *WINDOW, "--csv", "-o", "-", catalogue=sample)
    assert dashed.exit_code == 0 and dashed.stdout_bytes.decode() == printed and not printed.startswith("\ufeff")
    target = tmp_path / "changes.csv"
    written = invoke("changes", *WINDOW, "--csv", "-o", str(target), catalogue=sample)
    assert written.exit_code == 0, written.output
    assert str(target) in written.stdout
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode()) and data.decode("utf-8") == "\ufeff" + printed
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert rows and f"wrote {len(rows)} changed site(s)" in written.stdout
    quiet = invoke("changes", *WINDOW, "--csv", "-o", str(target), "-q", catalogue=sample)
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_changes_json_and_geojson_go_to_a_file_too(invoke: Invoke, sample: Path, tmp_path: Path) -> None:
    for flag in ("--json", "--geojson"):
        target = tmp_path / f"changes{flag[2:]}"
        result = invoke("changes", *WINDOW, flag, "-o", str(target), catalogue=sample)
        assert result.exit_code == 0, result.output
        assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
            invoke("changes", *WINDOW, flag, catalogue=sample).stdout
        )


def test_changes_output_needs_a_format_and_stays_out_of_the_catalogue(invoke: Invoke, sample: Path) -> None:
    before = snapshot(sample)
    table = invoke("changes", *WINDOW, "-o", "x.csv", catalogue=sample)
    assert table.exit_code == ExitCode.USAGE and "--csv" in table.stderr
    inside = invoke("changes", *WINDOW, "--csv", "-o", str(sample / "sites" / "x.csv"), catalogue=sample)
    assert inside.exit_code == ExitCode.INVALID and "part of the catalogue" in inside.stderr
    assert snapshot(sample) == before


def test_changes_reads_its_area_from_standard_input(invoke: Invoke, sample: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[40, 35], [50, 35], [50, 45], [40, 45], [40, 35]]]}
    everywhere = invoke("changes", *WINDOW, "--json", catalogue=sample).stdout
    result = invoke("changes", *WINDOW, "--json", "--area", "-", input=json.dumps(square), catalogue=sample)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(everywhere)
    far = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    none = invoke("changes", *WINDOW, "--json", "--area", "-", input=json.dumps(far), catalogue=sample)
    assert none.exit_code == 0 and json.loads(none.stdout) == []


def test_site_choices_read_their_area_from_standard_input(invoke: Invoke, sample: Path) -> None:
    ring = [[46.7, 39.7], [46.8, 39.7], [46.8, 39.8], [46.7, 39.8], [46.7, 39.7]]
    shusha = {"type": "Polygon", "coordinates": [ring]}
    by_box = invoke("export", "csv", "--bbox", "46.7,39.7,46.8,39.8", "-o", "-", catalogue=sample)
    by_area = invoke("export", "csv", "--area", "-", "-o", "-", input=json.dumps(shusha), catalogue=sample)
    assert by_area.exit_code == 0, by_area.output
    assert by_area.stdout == by_box.stdout and "ghazanchetsots-cathedral" in by_area.stdout


def test_the_form_goes_to_standard_output_as_xlsx_bytes(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("form", "xlsform", "--sites", "st-sargis", "-o", "-", catalogue=catalogue)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"PK\x03\x04")  # a zip: what an .xlsx is
    assert not (Path.cwd() / "-").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("map", "-o", "-"),
        ("map", "--tiles", "-"),
        ("map", "--layer", "-"),
        ("init", "-"),
        ("verify-package", "-"),
        ("history", "st-sargis", "--chart", "-"),
        ("dossier", "st-sargis", "-o", "-"),
        ("mission", "export", "--name", "T", "--sites", "st-sargis", "-o", "-"),
        ("evidence", "add", "-", "--source", "src-chw"),
        ("import", "submissions", "-"),
    ],
    ids=lambda args: " ".join(args[:2]) + (f" {args[2]}" if args[0] == "map" else ""),
)
def test_where_a_dash_cannot_work_it_is_refused_with_the_reason(
    invoke: Invoke, catalogue: Catalogue, args: tuple[str, ...]
) -> None:
    before = snapshot(catalogue.root)
    result = invoke(*args, catalogue=catalogue, input="")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "'-' (standard input or output) cannot be used here:" in result.stderr
    assert snapshot(catalogue.root) == before and not (Path.cwd() / "-").exists()

"""`source list|show`, `report list|show`, `evidence list|show` (heritage.cli.reading)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Invoke
from heritage.cli import ExitCode
from heritage.store import Catalogue


def test_source_list_filters_by_party_and_kind(invoke: Invoke, sample: Path) -> None:
    every = json.loads(invoke("source", "list", "--json", catalogue=sample).stdout)
    assert len(every) == len(list((sample / "sources").glob("*.json")))
    armenian = json.loads(invoke("source", "list", "--party", "armenia", "--json", catalogue=sample).stdout)
    assert armenian and {s["party"] for s in armenian} == {"armenia"} and len(armenian) < len(every)
    news = json.loads(invoke("source", "list", "--kind", "news", "--json", catalogue=sample).stdout)
    assert news and {s["kind"] for s in news} == {"news"}
    unknown = invoke("source", "list", "--party", "nobody", catalogue=sample)
    assert unknown.exit_code == ExitCode.USAGE and "unknown party 'nobody'" in unknown.stderr


def test_source_list_table_shows_a_page_and_says_what_it_left_out(invoke: Invoke, sample: Path) -> None:
    total = len(list((sample / "sources").glob("*.json")))
    table = invoke("source", "list", "--limit", "5", catalogue=sample)
    assert table.exit_code == 0
    assert f"{total} source(s)" in table.stdout and f"showing 5 of {total}" in table.stdout
    whole = invoke("source", "list", "--limit", "0", catalogue=sample)
    assert "showing" not in whole.stdout and "src-un-letter-2021-01-12" in whole.stdout


def test_source_show(invoke: Invoke, sample: Path) -> None:
    text = invoke("source", "show", "src-un-letter-2021-01-12", catalogue=sample)
    assert text.exit_code == 0 and "Letter dated 12 January 2021" in text.stdout and "party: armenia" in text.stdout
    data = json.loads(invoke("source", "show", "src-un-letter-2021-01-12", "--json", catalogue=sample).stdout)
    assert data["id"] == "src-un-letter-2021-01-12" and data["kind"] == "un_document"
    missing = invoke("source", "show", "src-nothing", catalogue=sample)
    assert missing.exit_code == ExitCode.NOT_FOUND and "no such source" in missing.stderr


def test_report_list_of_one_site_and_show(invoke: Invoke, sample: Path) -> None:
    ids = sorted(p.stem for p in (sample / "reports" / "kanach-zham").glob("*.json"))
    listed = json.loads(invoke("report", "list", "--site", "kanach-zham", "--json", catalogue=sample).stdout)
    assert [r["id"] for r in listed] == ids and {r["site"] for r in listed} == {"kanach-zham"}
    table = invoke("report", "list", "--site", "kanach-zham", catalogue=sample)
    assert f"{len(ids)} report(s)" in table.stdout and all(i in table.stdout for i in ids)
    every = json.loads(invoke("report", "list", "--json", catalogue=sample).stdout)
    assert len(every) == len(list((sample / "reports").glob("*/*.json")))
    shown = invoke("report", "show", ids[-1], catalogue=sample)
    assert shown.exit_code == 0 and "site: kanach-zham" in shown.stdout and "condition: " in shown.stdout
    assert json.loads(invoke("report", "show", ids[-1], "--json", catalogue=sample).stdout) == listed[-1]
    unknown = invoke("report", "list", "--site", "nowhere", catalogue=sample)
    assert unknown.exit_code == ExitCode.NOT_FOUND and "no such site" in unknown.stderr


def test_evidence_list_and_show(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"not really a photo")
    added = invoke("evidence", "add", str(photo), "--source", "src-chw", "--captured-by", "Team 2", catalogue=catalogue)
    sha, evidence_id = added.stdout.split()
    listed = json.loads(invoke("evidence", "list", "--json", catalogue=catalogue).stdout)
    assert [(e["id"], e["file_sha256"]) for e in listed] == [(evidence_id, sha)]
    assert json.loads(invoke("evidence", "list", "--source", "src-other", "--json", catalogue=catalogue).stdout) == []
    table = invoke("evidence", "list", catalogue=catalogue)
    assert "1 evidence file(s)" in table.stdout and evidence_id in table.stdout
    for reference in (evidence_id, sha):
        shown = invoke("evidence", "show", reference, catalogue=catalogue)
        assert shown.exit_code == 0 and f"sha256: {sha}" in shown.stdout and "captured by: Team 2" in shown.stdout
    mission = invoke("evidence", "show", sha, "--audience", "mission", "--json", catalogue=catalogue)
    for_mission = json.loads(mission.stdout)
    assert "captured_by" not in for_mission and "name" not in for_mission  # no private person, no file name
    missing = invoke("evidence", "show", "ev-00000000000000000000", catalogue=catalogue)
    assert missing.exit_code == ExitCode.NOT_FOUND


def test_catalogue_text_is_shown_never_obeyed(invoke: Invoke, catalogue: Catalogue) -> None:
    hostile = "[bold red]x[/] [link=https://example.org]y[/link]"
    added = invoke("source", "add", "--id", "src-hostile", "--title", hostile, "--kind", "news", catalogue=catalogue)
    assert added.exit_code == 0, added.output
    for args in (("source", "list"), ("source", "show", "src-hostile")):
        result = invoke(*args, catalogue=catalogue)
        assert result.exit_code == 0 and "\x1b" not in result.stdout, args
        assert "[bold red]x[/]" in result.stdout and "[link=https://example.org]" in result.stdout, args

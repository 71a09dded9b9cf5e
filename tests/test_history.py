"""History, changes between dates, corrections and retractions: never an edit in place."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, Invoke, snapshot
from heritage.cli import ExitCode
from heritage.history import changes_between, condition_as_of
from heritage.store import Catalogue


def test_condition_as_of_counts_windows_from_their_end(catalogue: Catalogue) -> None:
    reports = list(catalogue.reports("st-sargis"))
    assert condition_as_of(reports, date(2021, 10, 21)) is None
    assert condition_as_of(reports, date(2022, 7, 5)).condition.value == "intact"  # type: ignore[union-attr]
    assert condition_as_of(reports, date(2022, 7, 6)).condition.value == "destroyed"  # type: ignore[union-attr]
    changes = changes_between({"st-sargis": reports}, date(2022, 1, 1), date(2023, 1, 1))
    assert [(c.before_condition.value, c.after_condition.value) for c in changes] == [("intact", "destroyed")]
    assert changes_between({"st-sargis": reports}, date(2023, 1, 1), date(2024, 1, 1)) == []


def test_correct_and_retract_append_and_leave_the_old_record_untouched(invoke: Invoke, catalogue: Catalogue) -> None:
    before = snapshot(catalogue.root)
    corrected = invoke(
        "report",
        "correct",
        "r-2",
        "--condition",
        "severe_damage",
        "--reason",
        "Walls still standing on a sharper image",
        catalogue=catalogue,
    )
    assert corrected.exit_code == 0, corrected.output
    correction = corrected.output.strip()
    after = snapshot(catalogue.root)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing rewritten, nothing removed
    assert len(after) == len(before) + 1

    history = json.loads(invoke("history", "st-sargis", "--json", catalogue=catalogue).output)
    by_id = {entry["id"]: entry for entry in history["timeline"]}
    assert by_id["r-2"]["status"] == "superseded" and by_id["r-2"]["superseded_by"] == correction
    assert by_id[correction]["supersedes"] == "r-2" and by_id[correction]["condition"] == "severe_damage"
    assert "Correction of r-2: Walls still standing" in by_id[correction]["notes"]
    assert by_id[correction]["observed"] == by_id["r-2"]["observed"]  # copied, not re-entered
    assert history["condition"] == "severe_damage"

    again = invoke("report", "correct", "r-2", "--condition", "destroyed", "--reason", "x", catalogue=catalogue)
    assert again.exit_code == ExitCode.INVALID and "already superseded" in again.output

    retracted = invoke("report", "retract", correction, "--reason", "Wrong site in the image", catalogue=catalogue)
    assert retracted.exit_code == 0, retracted.output
    history = json.loads(invoke("history", "st-sargis", "--json", catalogue=catalogue).output)
    entry = {e["id"]: e for e in history["timeline"]}[correction]
    assert entry["status"] == "retracted" and entry["retraction"]["reason"] == "Wrong site in the image"
    # The withdrawn correction no longer counts, so the report it corrected is back in force.
    assert history["condition"] == "destroyed"
    assert {e["id"]: e for e in history["timeline"]}["r-2"]["status"] == "in force"
    anew = invoke(
        "report", "correct", "r-2", "--condition", "severe_damage", "--reason", "Second look", catalogue=catalogue
    )
    assert anew.exit_code == 0, anew.output
    assert "retracted" in invoke("show", "st-sargis", catalogue=catalogue).output
    twice = invoke("report", "retract", correction, "--reason", "again", catalogue=catalogue)
    assert twice.exit_code == ExitCode.INVALID and "already retracted" in twice.output
    unknown = invoke("report", "retract", "r-404", "--reason", "x", catalogue=catalogue)
    assert unknown.exit_code == ExitCode.NOT_FOUND
    from heritage.validate import validate_catalogue

    assert validate_catalogue(Catalogue.open(catalogue.root)).ok


def test_history_table_and_chart(invoke: Invoke, tmp_path: Path) -> None:
    text = invoke("history", "kanach-zham", catalogue=REPO).output
    assert "2023-12/2024-04-04" in text and "in force" in text and "sample build" in text
    svg, png = tmp_path / "kz.svg", tmp_path / "kz.png"
    assert invoke("history", "kanach-zham", "--chart", str(svg), catalogue=REPO).exit_code == 0
    assert invoke("history", "kanach-zham", "--chart", str(png), catalogue=REPO).exit_code == 0
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    assert png.read_bytes().startswith(b"\x89PNG")
    bad = invoke("history", "kanach-zham", "--chart", str(tmp_path / "kz.pdf"), catalogue=REPO)
    assert bad.exit_code == ExitCode.INVALID and "must be a .svg or .png" in bad.output


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_chart_without_matplotlib_says_how_to_install_it(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """matplotlib is the `chart` extra: a plain `pip install` has none, and the chart must not
    end in a traceback. (None in sys.modules makes `import matplotlib` fail as if it were absent.)"""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    chart = tmp_path / f"kz{suffix}"
    result = invoke("history", "kanach-zham", "--chart", str(chart), catalogue=REPO)
    assert result.exit_code == ExitCode.INVALID, result.output
    assert "needs matplotlib, which is not installed" in result.output
    assert "pip install 'heritage[chart]'" in result.output
    assert "Traceback" not in result.output and not chart.exists()


def test_changes_between_two_dates(invoke: Invoke, tmp_path: Path) -> None:
    table = invoke("changes", "--from", "2020-11-10", "--to", "2024-12-31", catalogue=REPO)
    assert table.exit_code == 0 and "3 site(s) changed" in table.output
    first = invoke("changes", "--from", "2020-11-10", "--to", "2024-12-31", "--first-reports", catalogue=REPO)
    assert "12 site(s) changed" in first.output
    rows = list(
        csv.DictReader(
            io.StringIO(
                invoke(
                    "changes",
                    "--from",
                    "2021-01-01",
                    "--to",
                    "2024-12-31",
                    "--type",
                    "church",
                    "--csv",
                    "--first-reports",
                    catalogue=REPO,
                ).output
            )
        )
    )
    assert {r["site"] for r in rows} == {
        "kanach-zham",
        "zoravor-astvatsatsin-mekhakavan",
        "st-sargis-mokhrenes",
        "surb-hambardzum-berdzor",
        "vankasar",
    }
    kanach = next(r for r in rows if r["site"] == "kanach-zham")
    assert (kanach["before"], kanach["after"]) == ("severe_damage", "destroyed")
    assert kanach["after_report"] == "r-kanach-zham-2023-12-2024-04-04"
    geo = json.loads(
        invoke(
            "changes",
            "--from",
            "2021-01-01",
            "--to",
            "2024-12-31",
            "--geojson",
            "--first-reports",
            "--bbox",
            "46.70,39.70,46.80,39.80",
            catalogue=REPO,
        ).output
    )
    assert geo["type"] == "FeatureCollection"
    assert {f["id"] for f in geo["features"]} == {
        "kanach-zham",
        "ghazanchetsots-cathedral",
        "yukhari-govhar-agha-mosque",
    }
    area = tmp_path / "shusha.geojson"
    area.write_text(
        json.dumps(
            {
                "type": "Polygon",
                "coordinates": [[[46.70, 39.70], [46.80, 39.70], [46.80, 39.80], [46.70, 39.80], [46.70, 39.70]]],
            }
        )
    )
    by_area = json.loads(
        invoke(
            "changes",
            "--from",
            "2021-01-01",
            "--to",
            "2024-12-31",
            "--geojson",
            "--first-reports",
            "--area",
            str(area),
            catalogue=REPO,
        ).output
    )
    assert {f["id"] for f in by_area["features"]} == {f["id"] for f in geo["features"]}
    backwards = invoke("changes", "--from", "2024-01-01", "--to", "2021-01-01", catalogue=REPO)
    assert backwards.exit_code == ExitCode.USAGE
    area.write_bytes(b'{"type": "Polygon", "coordinates": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    deep = invoke("changes", "--from", "2021-01-01", "--to", "2024-12-31", "--area", str(area), catalogue=REPO)
    assert deep.exit_code == ExitCode.INVALID and "nested too deeply" in deep.output, deep.output


@pytest.mark.parametrize("window", [("2020-11-10", "2024-12-31")])
def test_change_map(invoke: Invoke, tmp_path: Path, window: tuple[str, str]) -> None:
    output = tmp_path / "changes.html"
    result = invoke("map", "--changes", *window, "-o", str(output), catalogue=REPO)
    assert result.exit_code == 0 and "3 sites on the map" in result.output
    page = output.read_text(encoding="utf-8")
    assert '"changes":[' in page and "heritage-change" in page


@pytest.mark.parametrize("pattern", ["*", "r-*", "[r]-1", "r-?", "../cat/reports/st-sargis/r-1"])
def test_report_ids_are_never_patterns(invoke: Invoke, catalogue: Catalogue, pattern: str) -> None:
    before = snapshot(catalogue.root)
    for command in (
        ["report", "retract", pattern, "--reason", "oops"],
        ["report", "correct", pattern, "--condition", "intact", "--reason", "oops"],
    ):
        result = invoke(*command, catalogue=catalogue)
        assert result.exit_code == ExitCode.NOT_FOUND, result.output
    assert snapshot(catalogue.root) == before


def test_a_chart_title_is_text_not_maths(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    assert (
        invoke(
            "site",
            "add",
            "--id",
            "dollar",
            "--name",
            r"en=Church of $\undefinedcmd{x}$ and $2 $3",
            "--type",
            "church",
            catalogue=catalogue,
        ).exit_code
        == 0
    )
    result = invoke("history", "dollar", "--chart", str(tmp_path / "c.svg"), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c.svg").stat().st_size > 0


def test_a_correction_needs_a_reason(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("report", "correct", "r-1", "--condition", "minor_damage", "--reason", "  ", catalogue=catalogue)
    assert result.exit_code == ExitCode.USAGE and "give the reason" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2021-02-30", "--to", "2022-01-01"], "Invalid value for --from"),
        (["--from", "2021-01-01", "--to", "2022-01-01", "--type", "nosuch"], "unknown value 'nosuch'"),
        (["--from", "2021-01-01", "--to", "2022-01-01", "--bbox", "nan,nan,nan,nan"], "is not a number of degrees"),
        (["--from", "2021-01-01", "--to", "2022-01-01", "--csv", "--geojson"], "choose one of"),
    ],
)
def test_changes_refuses_what_it_cannot_answer(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke("changes", *args, catalogue=REPO)
    assert result.exit_code == ExitCode.USAGE and message in result.output, result.output


def test_a_sites_history_as_json_without_the_command_line(catalogue: Catalogue) -> None:
    from heritage.index import Index
    from heritage.query import site_detail

    with Index.open(catalogue) as index:
        detail = site_detail(catalogue, "st-sargis", index)
    data = detail.history_json()
    assert data["site"] == "st-sargis" and data["name"] == "St Sargis" and data["condition"] == "destroyed"
    assert [(e["id"], e["status"]) for e in data["timeline"]] == [("r-1", "in force"), ("r-2", "in force")]

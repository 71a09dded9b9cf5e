"""The index: a summary of the files that is rebuilt when they change and never trusted over them."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Invoke, report_doc, site_doc, write
from heritage import index as index_module
from heritage import layout
from heritage.codec import dumps
from heritage.errors import InvalidInput
from heritage.history import changes_between
from heritage.index import Index, index_path
from heritage.mapdata import MapInput, build_payload, encode_payload, load_map_input
from heritage.models import Condition, ConditionReport
from heritage.query import SiteFilter, list_indexed, list_sites
from heritage.store import Catalogue
from heritage.validate import validate_catalogue

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import generate

HOUR_AGO = 3600 * 10**9


def age(root: Path) -> None:
    """Set every file's and folder's time an hour back, as if written long ago (times within two
    seconds of a scan are not trusted, so fresh files are always read again)."""
    past = os_time() - HOUR_AGO
    for folder, folders, files in os.walk(root, topdown=False):
        for name in files + folders:
            os.utime(Path(folder) / name, ns=(past, past))
    os.utime(root, ns=(past, past))


def os_time() -> int:
    return time.time_ns()


def settle(catalogue: Catalogue) -> Catalogue:
    """Scans of this catalogue judge times by a clock an hour ahead: every file and folder is old
    enough to trust. `age` can set modification times back but not change times, which it moves
    to now: a file or folder whose change time is within 2 s of a scan is looked at again next
    time (see `heritage.scan.trusted`, and the tests of that rule)."""
    catalogue.clock = lambda: time.time_ns() + HOUR_AGO
    return catalogue


@pytest.fixture
def settled(catalogue: Catalogue) -> None:
    """The `catalogue` fixture, `settle`d."""
    settle(catalogue)


def in_the_tick_of(catalogue: Catalogue, path: Path) -> None:
    """Scans of this catalogue from now on at the very time `path` last changed (its change
    time): in the same clock tick as that change, as a scan that closely follows it is on a file
    system that keeps whole seconds, or with a kernel that stamps times once a tick."""
    moment = path.stat().st_ctime_ns
    catalogue.clock = lambda: moment


def interrupted_after(parts: int) -> Callable[[int, int], None]:
    """A progress callback that is Ctrl-C once `parts` parts of a scan are done: the last of them
    is stored but not committed (the work is committed, if at all, after each part's progress)."""

    def progress(done: int, total: int) -> None:
        if done == parts:
            raise KeyboardInterrupt

    return progress


def synthetic(tmp_path: Path, sites: int = 120, seed: int = 3) -> Catalogue:
    """A generated catalogue with corrections, plus retractions (some of corrections, which puts
    the report they corrected back in force)."""
    root = tmp_path / "synthetic"
    generate(root, sites, reports_per_site=5, seed=seed)
    catalogue = Catalogue.open(root)
    rng = random.Random(seed)
    reports = list(catalogue.reports())
    corrections = [r for r in reports if r.supersedes]
    # Rival corrections, as two laptops make after a git merge: a second correction of the same report.
    for number, rival in enumerate(rng.sample(corrections, min(6, len(corrections)))):
        document = rival.model_dump(mode="json", exclude_none=True, exclude={"sha256"})
        document.update(id=f"r-rival-{number}", condition="destroyed")
        path = layout.report_file(root, rival.site, document["id"])
        path.write_bytes(dumps(document))
        reports.append(catalogue.read(type(rival), path))
        corrections.append(reports[-1])
    chosen = rng.sample(reports, 15) + rng.sample(corrections, min(5, len(corrections)))
    for number, report in enumerate({r.id: r for r in chosen}.values()):
        document = {
            "id": f"x-{number}",
            "site": report.site,
            "retracts": report.id,
            "reason": "Withdrawn by the test.",
            "recorded_at": "2026-01-02T00:00:00Z",
            "recorded_by": "tester",
        }
        path = layout.retraction_file(root, report.site, document["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dumps(document))
    return catalogue


def rows(index: Index) -> dict[str, Any]:
    """Everything the index holds about the records, for comparing two indexes."""
    tables = {"files": sorted(index.rows("SELECT path, folder, kind, size, facts, problems, unreadable FROM files"))}
    for table in ("sites", "reports", "retractions", "allegation_sites"):
        tables[table] = sorted(map(repr, index.rows(f"SELECT * FROM {table}")))
    return tables


def test_index_is_a_hidden_folder_that_git_ignores(invoke: Invoke, catalogue: Catalogue) -> None:
    root = catalogue.root
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    assert invoke("changes", "--from", "2021-01-01", "--to", "2023-01-01", catalogue=catalogue).exit_code == 0
    assert index_path(root).is_file()
    assert (root / ".heritage" / ".gitignore").read_text().splitlines()[-1] == "*"
    status = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True
    )
    assert "catalogue.json" in status.stdout and ".heritage" not in status.stdout and "??" not in status.stdout


def test_deleting_the_index_changes_no_answer(invoke: Invoke, tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)

    def answers() -> list[Any]:
        changes = invoke("changes", "--from", "2016-01-01", "--to", "2024-06-30", "--csv", catalogue=catalogue)
        validation = invoke("validate", "--json", catalogue=catalogue)
        payload = build_payload(load_map_input(catalogue), date(2026, 1, 1))
        payload["meta"].pop("generated")
        return [changes.output, validation.output, payload]

    first = answers()
    assert first[0].count("\n") > 10  # the comparison means something: many sites changed
    again = answers()  # from the index as it stands
    shutil.rmtree(catalogue.root / ".heritage")
    rebuilt = answers()
    assert first == again == rebuilt


def test_an_append_is_seen_at_once_and_only_it_is_read(invoke: Invoke, tmp_path: Path) -> None:
    catalogue = settle(synthetic(tmp_path))
    age(catalogue.root)
    with Index.open(catalogue) as index:
        assert index.refresh().read == 0  # nothing changed since it was built
    site = "site-0000007"
    before = invoke(
        "changes", "--from", "2000-01-01", "--to", "2026-01-01", "--csv", "--first-reports", catalogue=catalogue
    )
    added = invoke(
        "report",
        "add",
        "--site",
        site,
        "--observed",
        "2025-12-30",
        "--condition",
        "destroyed",
        "--method",
        "field_visit",
        "--source",
        "src-000001",
        catalogue=catalogue,
    )
    assert added.exit_code == 0, added.output
    with Index.open(catalogue, refresh=False) as index:
        scan = index.refresh()
        assert scan.read == 1 and scan.seen < 40  # one site's folder was listed, not the catalogue
        assert index.rows("SELECT condition FROM reports WHERE id = ?", (added.output.strip(),)) == [("destroyed",)]
    after = invoke(
        "changes", "--from", "2000-01-01", "--to", "2026-01-01", "--csv", "--first-reports", catalogue=catalogue
    )
    row = next(r for r in csv.DictReader(io.StringIO(after.output)) if r["site"] == site)
    assert row["after"] == "destroyed" and row["after_report"] == added.output.strip()
    assert before.output != after.output


@pytest.mark.parametrize("every_file", [False, True])
def test_removed_files_and_folders_leave_the_index(tmp_path: Path, every_file: bool) -> None:
    catalogue = synthetic(tmp_path)
    age(catalogue.root)
    Index.open(catalogue).close()
    reports = catalogue.root / layout.REPORTS
    folders = sorted(p.name for p in reports.iterdir() if p.is_dir())
    folder = layout.site_reports_folder(catalogue.root, "site-0000003")
    victim = sorted(folder.iterdir())[0]
    victim.unlink()
    gone = [folders[0], "site-0000004", folders[-1]]
    for name in gone:
        shutil.rmtree(reports / name)
    (reports / gone[1]).write_text("not a folder")  # a file where a site's folder was
    # Small parts: a full comparison hands the folders out by ranges of names, and a folder that
    # is gone must be found whether it was first, last or inside a range.
    with Index.open(catalogue, refresh=False, part_size=3) as index:
        scan = index.full_scan() if every_file else index.refresh()
        assert scan.removed >= 4
        assert not index.rows("SELECT 1 FROM reports WHERE path = ?", (f"reports/site-0000003/{victim.name}",))
        for name in gone:
            assert not index.rows("SELECT 1 FROM reports WHERE site = ?", (name,))
            assert not index.rows("SELECT 1 FROM files WHERE folder = ?", (f"reports/{name}",))
            assert not index.rows("SELECT 1 FROM folders WHERE path = ?", (f"reports/{name}",))
        assert f"reports/{gone[1]}" in scan.strays
        assert index.rows("SELECT count(*) FROM folders WHERE path > 'reports/' AND path < 'reports0'") == [
            (len(folders) - len(gone),)  # the file in one's place is no folder
        ]


def test_validate_sees_a_file_edited_in_place_and_quick_commands_then_refuse_it(
    invoke: Invoke, catalogue: Catalogue, settled: None
) -> None:
    age(catalogue.root)
    assert validate_catalogue(catalogue).ok  # by the settled clock: every folder's time trusted
    path = layout.report_file(catalogue.root, "st-sargis", "r-1")
    text = path.read_text()
    folder_time = path.parent.stat().st_mtime_ns
    with path.open("r+", encoding="utf-8") as handle:  # in place: the folder's time does not change
        handle.write(text.replace('"intact"', '"unsure"'))
        handle.truncate()
    assert path.parent.stat().st_mtime_ns == folder_time
    with Index.open(catalogue, refresh=False) as index:
        assert index.refresh().read == 0  # the quick look does not see it...
    result = invoke("validate", catalogue=catalogue)  # ...validate compares every file
    assert (
        result.exit_code == 1 and "reports/st-sargis/r-1.json" in result.output and "field condition" in result.output
    )
    refused = invoke("changes", "--from", "2021-01-01", "--to", "2023-01-01", catalogue=catalogue)
    assert refused.exit_code == 1 and "reports/st-sargis/r-1.json" in refused.output
    path.write_text(text, encoding="utf-8")
    assert invoke("validate", catalogue=catalogue).exit_code == 0
    assert invoke("changes", "--from", "2021-01-01", "--to", "2023-01-01", catalogue=catalogue).exit_code == 0


def test_a_file_changed_within_the_same_clock_tick_is_read_again(catalogue: Catalogue) -> None:
    path = layout.report_file(catalogue.root, "st-sargis", "r-1")
    with Index.open(catalogue) as index:  # the files are seconds old: too recent to trust
        stat = path.stat()
        edited = path.read_text().replace('"2021-10-22"', '"2021-10-23"')
        assert len(edited) == len(path.read_text())
        path.write_text(edited)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
        index.full_scan()
        assert index.rows("SELECT observed FROM reports WHERE id = 'r-1'") == [("2021-10-23",)]


def test_a_damaged_index_is_rebuilt(invoke: Invoke, catalogue: Catalogue) -> None:
    assert "st-sargis" in invoke("changes", "--from", "2022-01-01", "--to", "2023-01-01", catalogue=catalogue).output
    index_path(catalogue.root).write_bytes(b"this is not a database" * 200)
    for suffix in ("-wal", "-shm"):
        index_path(catalogue.root).with_name(index_module.FILE + suffix).unlink(missing_ok=True)
    result = invoke("changes", "--from", "2022-01-01", "--to", "2023-01-01", catalogue=catalogue)
    assert result.exit_code == 0 and "st-sargis" in result.output


def test_a_change_to_catalogue_json_rebuilds_the_index(catalogue: Catalogue) -> None:
    age(catalogue.root)
    Index.open(catalogue).close()
    info = json.loads(layout.catalogue_file(catalogue.root).read_text())
    info["parties"] = info["parties"][:1]  # side-b is no longer declared: the allegation is wrong now
    layout.catalogue_file(catalogue.root).write_bytes(dumps(info))
    reopened = Catalogue.open(catalogue.root)
    with Index.open(reopened, refresh=False) as index:
        assert index.refresh().read == 5  # every record read again
    assert "unknown-party" in {p.code for p in validate_catalogue(reopened).problems}


def test_a_change_to_the_tables_rebuilds_the_index_whatever_the_schema_number(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    age(catalogue.root)
    Index.open(catalogue).close()
    # A column added (here to reports) without raising SCHEMA, as when two branches each add one.
    derived = {**index_module._DERIVED, "reports": index_module._DERIVED["reports"] + ", added TEXT"}
    monkeypatch.setattr(index_module, "_DERIVED", derived)
    with Index.open(catalogue, refresh=False) as index:
        assert index.refresh().read == 5  # built again, with the new column
        assert index.rows("SELECT added FROM reports") == [(None,), (None,)]


def test_changes_from_the_index_match_the_rule_in_history(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)
    reports: dict[str, list[ConditionReport]] = {}
    for report in catalogue.reports():
        reports.setdefault(report.site, []).append(report)
    retracted = {r.retracts for r in catalogue.retractions()}
    assert retracted & {r.id for rs in reports.values() for r in rs if r.supersedes}  # corrections withdrawn too
    sites = [s.id for s in catalogue.sites()]
    with Index.open(catalogue) as index:
        for start, end in [(date(2016, 1, 1), date(2020, 1, 1)), (date(2017, 6, 1), date(2024, 12, 31))]:
            for first in (False, True):
                expected = changes_between({s: reports.get(s, []) for s in sites}, start, end, retracted, first)
                found = index.changes(start, end, sites, first)
                assert len(expected) > 5
                assert [(c.site, c.before and c.before.id, c.after and c.after.id) for c in found] == [
                    (c.site, c.before and c.before.id, c.after and c.after.id) for c in expected
                ]
        with pytest.raises(ValueError, match="before"):
            index.changes(date(2020, 1, 1), date(2019, 1, 1), sites)


def test_changes_see_a_report_added_since_the_index_was_made(invoke: Invoke, catalogue: Catalogue) -> None:
    age(catalogue.root)
    before = invoke("changes", "--from", "2021-12-01", "--to", "2026-01-01", "--csv", catalogue=catalogue)
    assert before.exit_code == 0 and before.output.count("\n") == 2  # st-sargis: intact (r-1), then destroyed (r-2)
    report = report_doc("r-9", observed="2023-01-05", condition="intact")
    write(layout.report_file(catalogue.root, "st-sargis", "r-9"), report)
    after = invoke("changes", "--from", "2021-12-01", "--to", "2026-01-01", "--csv", catalogue=catalogue)
    assert after.exit_code == 0 and after.output.count("\n") == 1  # intact again by the later day: no change


def test_reading_on_several_cores_gives_the_same_index(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)
    with Index.open(catalogue, memory=True) as alone:  # an index in memory is built in this process
        expected = rows(alone)
    with Index.open(catalogue, part_size=7, workers=2) as shared:  # many small parts: the workers take them
        assert rows(shared) == expected
        assert shared.rows("SELECT count(*) FROM reports WHERE in_force = 0")[0][0] > 10


def _interrupted_build(tmp_path: Path, first: bool) -> tuple[Catalogue, dict[str, Any]]:
    """A generated catalogue and the rows its index should hold, after a command bringing its index
    up to date was interrupted by Ctrl-C in the fourth part of the work, with the work committed after
    every part where it is committed at all: in the index's first build, or (`first` False) in an
    update after a first build of the sources alone."""
    catalogue = synthetic(tmp_path)
    with Index.open(catalogue, memory=True) as alone:
        expected = rows(alone)
    if not first:
        Index.open(catalogue, kinds=[layout.SOURCES]).close()
    with pytest.raises(KeyboardInterrupt):
        Index.open(catalogue, interrupted_after(4), part_size=7, commit_every=0)
    return catalogue, expected


def test_an_interrupted_first_build_leaves_the_index_empty_and_the_next_command_builds_it(tmp_path: Path) -> None:
    catalogue, expected = _interrupted_build(tmp_path, first=True)
    with Index.open(catalogue, refresh=False) as index:
        assert index.rows("SELECT count(*) FROM files")[0][0] == 0  # nothing half done is kept
        assert index.rows("SELECT count(*) FROM folders")[0][0] == 0
        assert _indexes(index) == set(index_module._INDEXES)  # as it was before
        index.refresh()
        assert rows(index) == expected
        assert _indexes(index) == set(index_module._INDEXES)  # made again at the end


def _indexes(index: Index) -> set[str]:
    """The index's own indexes (not those SQLite makes for keys)."""
    return {name for (name,) in index.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def test_an_interrupted_update_keeps_what_it_did_and_finishes_later(tmp_path: Path) -> None:
    catalogue, expected = _interrupted_build(tmp_path, first=False)
    with Index.open(catalogue, refresh=False) as index:
        kept = index.rows("SELECT count(*) FROM files WHERE kind != 'sources'")[0][0]
        assert 0 < kept < len(expected["files"])
        index.refresh()
        assert rows(index) == expected


def test_a_first_build_looks_up_nothing_in_the_index_it_is_making(tmp_path: Path) -> None:
    """Its rows go in without their indexes: a part of the work looking up the rows stored before it
    (in this process, as with one core or an index in memory) would search them one by one. The
    statements the scan runs on the index are the point here: they are traced."""
    catalogue = synthetic(tmp_path)
    statements: list[str] = []

    def looked_up() -> list[str]:
        return [s for s in statements if "FROM files WHERE folder" in s or "DELETE FROM allegation_sites" in s]

    for memory in (True, False):
        statements.clear()
        # The work in this process, on the connection traced.
        with Index.open(catalogue, refresh=False, memory=memory, workers=1) as index:
            index.db.set_trace_callback(statements.append)
            index.refresh()
            assert index.rows("SELECT count(*) FROM files")[0][0] > 600  # built
        assert not looked_up()
    statements.clear()
    with Index.open(catalogue, refresh=False, workers=1) as index:
        index.db.set_trace_callback(statements.append)
        index.full_scan()
    assert looked_up()  # once there is something to look up


def _in_force(index: Index) -> tuple[list[Any], list[Any]]:
    """Which reports are in force, and each site's history with its citations written out (their
    numbers depend on the order the work was done in)."""
    cited = dict(index.rows("SELECT id, sources FROM citations"))
    in_force = sorted(index.rows("SELECT path, in_force FROM reports"))
    histories = []
    for site, entries, numbers, first, conditions, count in sorted(index.rows("SELECT * FROM history")):
        written = [[*entry[:4], cited[entry[4]]] for entry in json.loads(f"[{entries}]")]
        histories.append((site, written, sorted(cited[int(n)] for n in numbers.split()), first, conditions, count))
    return in_force, histories


def test_a_first_build_works_out_the_reports_in_force_as_a_build_site_by_site_does(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)
    with Index.open(catalogue, memory=True) as whole:  # reports in force worked out once, at the end
        expected = _in_force(whole)
    Index.open(catalogue, kinds=[layout.SOURCES]).close()
    with Index.open(catalogue) as by_sites:  # the rest, worked out site by site as pieces come in
        found = _in_force(by_sites)
    assert found == expected
    assert any(not kept for _, kept in found[0])  # corrections and retractions took some out of force
    assert len(found[1]) > 100


def test_commands_bringing_the_index_up_to_date_at_once_take_turns(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path, sites=60)
    script = (
        "import sys; from heritage.store import Catalogue; from heritage.index import Index\n"
        "with Index.open(Catalogue.open(sys.argv[1])) as index:\n"
        "    print(index.rows('SELECT count(*) FROM files')[0][0])\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(catalogue.root)], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    counts = [int(run.communicate(timeout=120)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    with Index.open(catalogue, memory=True) as alone:
        assert counts == [alone.rows("SELECT count(*) FROM files")[0][0]] * 3


def test_an_unreadable_record_stops_quick_commands_naming_it(invoke: Invoke, catalogue: Catalogue) -> None:
    write(layout.report_file(catalogue.root, "st-sargis", "r-9"), report_doc("r-9", condition="splendid"))
    result = invoke("changes", "--from", "2021-01-01", "--to", "2023-01-01", catalogue=catalogue)
    assert result.exit_code == 1 and "reports/st-sargis/r-9.json" in result.output and "r-9" in result.output
    with pytest.raises(InvalidInput):
        Index.open(catalogue)


@pytest.mark.parametrize(
    "where",
    [
        {},
        {"has_allegation": True},
        {"types": {"church", "mosque", "monastery"}},
        {"conditions": {Condition.destroyed, Condition.intact}},
        {"bbox": (30.0, 45.0, 40.0, 50.0), "has_allegation": False},
        {"area": "DISTRICT 1"},
    ],
)
def test_the_list_from_the_index_is_the_list_from_the_files(tmp_path: Path, where: dict[str, Any]) -> None:
    catalogue = synthetic(tmp_path)
    as_of = date(2021, 6, 1)
    expected = [s.as_json() for s in list_sites(catalogue, SiteFilter(**where), as_of)]
    with Index.open(catalogue) as index:
        found = [s.as_json() for s in list_indexed(index, SiteFilter(**where), as_of)]
    assert found == expected
    assert expected  # every filter here finds some sites: the comparison means something
    if not where:  # some rival corrections stand, and some were settled by a retraction
        assert any(s["competing_corrections"] for s in expected)
        everything = [s.as_json() for s in list_sites(catalogue, SiteFilter())]
        rivals = {i for s in everything for i in s["competing_corrections"] if i.startswith("r-rival-")}
        assert 0 < len(rivals) < 6


def test_the_sample_lists_alike_from_the_index_and_the_files(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    shutil.copytree(REPO, sample, ignore=shutil.ignore_patterns(".git", ".heritage", "heritage", "tests", "docs"))
    catalogue = Catalogue.open(sample)
    expected = [s.as_json() for s in list_sites(catalogue, SiteFilter())]
    with Index.open(catalogue) as index:
        assert [s.as_json() for s in list_indexed(index, SiteFilter())] == expected
    assert any(s["allegations"] for s in expected) and any(s["names"][1:] for s in expected)


@pytest.mark.parametrize("audience", ["internal", "mission", "public"])
@pytest.mark.parametrize("changes", [None, (date(2017, 1, 1), date(2023, 1, 1))])
@pytest.mark.parametrize("backed", [False, True])
def test_the_map_from_the_index_is_the_map_from_the_files(
    tmp_path: Path, audience: str, changes: tuple[date, date] | None, backed: bool
) -> None:
    """backed: every report also cites a public source, so that none is hidden by what it cites
    (the rows in force then come from the index, some citing fewer sources); else the reports
    citing only hidden sources are hidden with them, and every report is loaded."""
    catalogue = synthetic(tmp_path)
    # Allegations and sources some audiences may not see: the index must leave out the same ones.
    for number, path in enumerate(sorted((catalogue.root / layout.ALLEGATIONS).glob("*.json"))[:12]):
        document = json.loads(path.read_text())
        document["sensitivity"] = ("restricted", "confidential")[number % 2]
        path.write_bytes(dumps(document))
    sources = sorted((catalogue.root / layout.SOURCES).glob("*.json"))
    for number, path in enumerate(sources[:6]):
        document = json.loads(path.read_text())
        document["sensitivity"] = ("restricted", "confidential")[number % 2]
        document["publisher"] = f"Publisher <{number}>"
        path.write_bytes(dumps(document))
    if backed:
        public = json.loads(sources[-1].read_text())["id"]
        for path in (catalogue.root / layout.REPORTS).rglob("*.json"):
            document = json.loads(path.read_text())
            if public not in {c["source"] for c in document["sources"]}:
                document["sources"].append({"source": public})
                path.write_bytes(dumps(document))
    indexed = load_map_input(catalogue, audience=audience)
    assert (indexed.indexed is None) is (audience != "internal" and not backed)
    from_files = replace(
        indexed,
        sites=list(catalogue.sites()),
        reports={site: list(catalogue.reports(site)) for site in {r.site for r in catalogue.reports()}},
        retracted={r.retracts for r in catalogue.retractions()},
        allegations=list(catalogue.allegations()),
        sources={s.id: s for s in catalogue.sources()},
        indexed=None,
    )
    expected = resolved(build_payload(from_files, date(2026, 1, 1), changes=changes, audience=audience))
    found = resolved(build_payload(indexed, date(2026, 1, 1), changes=changes, audience=audience))
    assert found == expected
    assert len(found["sites"]["id"]) > (10 if changes else 100)
    if changes is None:  # the comparison is not an empty one
        claims = [claim for site in found["sites"]["alg"] for claim in site]
        assert len(claims) >= {"internal": 6, "mission": 1, "public": 0}[audience]
        shown = sum(found["sites"]["nrep"])
        assert (shown < len(list(catalogue.reports()))) is (audience != "internal" and not backed)
    # A report shown cites some source its audience may see: one whose every source is hidden is hidden.
    assert all(entry[4] for history in found["sites"]["hist"] for entry in history)


def resolved(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the page reads it, each history entry's citation number replaced by the rows
    of the sources it cites: two payloads saying the same may number citations differently."""
    text, encoding = encode_payload(payload)
    assert encoding == "json"
    page = json.loads(text)
    sources, cites = page.pop("sources"), page.pop("cites")
    histories = page["sites"]["hist"]
    assert set(cites) == {str(entry[4]) for history in histories for entry in history}  # none unused
    assert {r for refs in cites.values() for r in refs} == set(range(len(sources)))  # no source uncited
    page["sites"]["hist"] = [[[*e[:4], [sources[r] for r in cites[str(e[4])]]] for e in h] for h in histories]
    page["sources"] = sorted(map(json.dumps, sources))
    page["meta"].pop("generated")
    return page


def test_a_report_hidden_from_the_audience_is_left_out_of_the_map_as_before(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)
    correction = next(r for r in catalogue.reports() if r.supersedes and r.sensitivity.value == "public")
    path = layout.report_file(catalogue.root, correction.site, correction.id)
    document = json.loads(path.read_text())
    document["sensitivity"] = "confidential"
    path.write_bytes(dumps(document))
    for audience, hidden in (("internal", False), ("mission", True)):
        data = load_map_input(catalogue, audience=audience)
        assert (data.indexed is None) is hidden  # a hidden report: every report is loaded instead
        payload = build_payload(data, date(2026, 1, 1), audience=audience)
        site = payload["sites"]["id"].index(correction.site)
        count = payload["sites"]["nrep"][site]
        assert count == len(list(catalogue.reports(correction.site))) - hidden


def test_checks_across_records_are_made_again_when_a_quick_command_took_in_a_change(
    invoke: Invoke, catalogue: Catalogue
) -> None:
    assert invoke("validate", catalogue=catalogue).exit_code == 0
    layout.source_file(catalogue.root, "src-chw").unlink()  # every record cites it
    assert invoke("list", catalogue=catalogue).exit_code == 0  # the index takes the removal in
    result = invoke("validate", catalogue=catalogue)
    assert result.exit_code == 1 and "unknown-source" in result.output


def test_a_site_made_confidential_in_place_leaves_the_public_map(invoke: Invoke, catalogue: Catalogue) -> None:
    age(catalogue.root)
    Index.open(catalogue).close()
    path = layout.site_file(catalogue.root, "st-sargis")
    document = json.loads(path.read_text())
    document["properties"]["sensitivity"] = "confidential"
    with path.open("r+", encoding="utf-8") as handle:  # in place: the folder's time stays as it was
        handle.write(json.dumps(document))
        handle.truncate()
    public = load_map_input(catalogue, audience="public")
    assert [s.id for s in public.sites] == ["st-sargis"]  # loaded; the audience rule leaves it out below
    assert build_payload(public, date(2026, 1, 1), audience="public")["sites"]["id"] == []
    out = catalogue.root / "public.html"
    assert invoke("map", "--audience", "public", "-o", str(out), catalogue=catalogue).exit_code == 0
    assert "st-sargis" not in out.read_text()


def test_a_source_made_confidential_in_place_leaves_the_mission_map(invoke: Invoke, catalogue: Catalogue) -> None:
    out = catalogue.root / "mission.html"
    assert invoke("map", "-o", str(out), catalogue=catalogue).exit_code == 0
    assert "CHW storymap" in out.read_text()  # the source's title, in the popups' citations
    age(catalogue.root)
    Index.open(catalogue).close()
    path = layout.source_file(catalogue.root, "src-chw")
    document = json.loads(path.read_text())
    document["sensitivity"] = "confidential"
    with path.open("r+", encoding="utf-8") as handle:  # in place: the folder's time stays as it was
        handle.write(json.dumps(document))
        handle.truncate()
    assert invoke("map", "-o", str(out), catalogue=catalogue).exit_code == 0
    assert "CHW storymap" not in out.read_text()
    internal = catalogue.root / "internal.html"
    assert invoke("map", "--audience", "internal", "-o", str(internal), catalogue=catalogue).exit_code == 0
    assert "CHW storymap" in internal.read_text()


def test_a_busy_index_is_waited_for_and_never_taken_for_a_damaged_one(catalogue: Catalogue) -> None:
    Index.open(catalogue).close()
    before = index_path(catalogue.root).stat().st_ino
    holder = sqlite3.connect(index_path(catalogue.root), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(InvalidInput, match="busy"):
            Index.open(catalogue, busy_wait=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert index_path(catalogue.root).stat().st_ino == before


def test_a_record_that_could_not_be_read_is_read_again_by_quick_commands(invoke: Invoke, catalogue: Catalogue) -> None:
    path = write(layout.report_file(catalogue.root, "st-sargis", "r-9"), report_doc("r-9", condition="splendid"))
    age(catalogue.root)
    assert invoke("changes", "--from", "2022-01-01", "--to", "2023-01-01", catalogue=catalogue).exit_code == 1
    text = path.read_text().replace("splendid", "destroyed")
    with path.open("r+", encoding="utf-8") as handle:  # fixed in place
        handle.write(text)
        handle.truncate()
    assert invoke("changes", "--from", "2022-01-01", "--to", "2023-01-01", catalogue=catalogue).exit_code == 0


def test_odd_file_names_and_broken_sources_are_reported_not_fatal(invoke: Invoke, catalogue: Catalogue) -> None:
    odd = os.fsencode(str(catalogue.root / "sources")) + b"/bad\xff.json"
    with open(odd, "wb") as handle:
        handle.write(b"{}")
    result = invoke("validate", catalogue=catalogue)
    assert result.exit_code == 0 and "stray-file" in result.output and "bad" in result.output
    write(layout.source_file(catalogue.root, "src-broken"), {"id": "src-broken"})
    changes = invoke("changes", "--from", "2022-01-01", "--to", "2023-01-01", catalogue=catalogue)
    assert changes.exit_code == 0 and "st-sargis" in changes.output  # changes reads no source
    assert invoke("validate", catalogue=catalogue).exit_code == 1


def test_a_folder_listed_as_before_is_not_compared_file_by_file_and_an_edit_in_it_is(
    catalogue: Catalogue, settled: None
) -> None:
    age(catalogue.root)
    folder = "reports/st-sargis"
    with Index.open(catalogue, thorough=True) as index:
        assert index.rows("SELECT digest IS NOT NULL FROM folders WHERE path = ?", (folder,)) == [(1,)]
        # Make the index's row for one file wrong: the listing has not changed, so nothing is re-read...
        index.db.execute("UPDATE files SET size = 1 WHERE path = ?", (f"{folder}/r-1.json",))
        assert index.full_scan().read == 0
        # ...until a file in the folder changes, in place: then every file of the folder is compared.
        path = layout.report_file(catalogue.root, "st-sargis", "r-2")
        text = path.read_text()
        with path.open("r+", encoding="utf-8") as handle:
            handle.write(text.replace('"2022-03-05/', '"2022-03-06/'))
        catalogue.clock = time.time_ns  # the real clock again: the edit just made is too recent to trust
        scan = index.full_scan()
        assert scan.read == 2  # the edited file, and the one whose row was wrong
        assert index.rows("SELECT observed FROM reports WHERE id = 'r-2'") == [("2022-03-06/2022-07-06",)]
        assert index.rows("SELECT size FROM files WHERE path = ?", (f"{folder}/r-1.json",))[0][0] > 1
        # A file within two seconds of the scan: the folder keeps no digest, and is compared next time.
        assert index.rows("SELECT digest FROM folders WHERE path = ?", (folder,)) == [(None,)]


def test_a_folder_whose_time_is_unchanged_is_looked_up_not_listed_and_still_compared(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    """The folders listed (system calls saved) are the point here: `os.listdir` is counted."""
    age(catalogue.root)
    Index.open(catalogue, thorough=True).close()
    listings: list[object] = []
    listdir = os.listdir

    def counted(path: Any = ".") -> list[str]:
        listings.append(path)
        return listdir(path)

    monkeypatch.setattr(os, "listdir", counted)
    folder_listings = lambda: [p for p in listings if isinstance(p, int)]  # noqa: E731 (folders opened by the scan)
    with Index.open(catalogue, workers=1) as index:  # the work in this process, where its listings are seen
        listings.clear()
        assert index.full_scan().read == 0 and folder_listings() == []
        # An edit in place leaves the folder's time as it was, but not its digest: the edit is seen, and
        # that folder listed (names looked up are kept only if they give the digest recorded).
        path = layout.report_file(catalogue.root, "st-sargis", "r-2")
        text = path.read_text()
        with path.open("r+", encoding="utf-8") as handle:
            handle.write(text.replace('"2022-03-05/', '"2022-03-06/'))
        assert index.full_scan().read == 1 and len(folder_listings()) == 1
        assert index.rows("SELECT observed FROM reports WHERE id = 'r-2'") == [("2022-03-06/2022-07-06",)]
        # A file added to a folder changes its time: that folder alone is listed, and the file read.
        age(catalogue.root)
        index.full_scan()
        listings.clear()
        write(layout.report_file(catalogue.root, "st-sargis", "r-9"), report_doc("r-9"))
        assert index.full_scan().read == 1 and len(folder_listings()) == 1


def test_the_kinds_own_folders_are_listed_only_when_their_times_move(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    """The folders listed (system calls saved) are the point here: `os.listdir` is counted."""
    age(catalogue.root)
    Index.open(catalogue, thorough=True).close()
    listings: list[object] = []
    listdir = os.listdir

    def counted(path: Any = ".") -> list[str]:
        listings.append(path)
        return listdir(path)

    monkeypatch.setattr(os, "listdir", counted)
    kinds_listed = lambda: sorted(Path(p).name for p in listings if not isinstance(p, int))  # noqa: E731
    with Index.open(catalogue) as index:
        listings.clear()
        assert index.full_scan().read == 0 and kinds_listed() == []
        # A site added, and the folder's time put back as `touch -r` or `tar` leave it: its change
        # time moved, so `sites/` is listed after all, and the new site read.
        sites = catalogue.root / layout.SITES
        before = sites.stat()
        site = write(layout.site_file(catalogue.root, "st-new"), site_doc("st-new"))
        past = os_time() - HOUR_AGO
        os.utime(site, ns=(past, past))  # not too recent to be trusted: read once
        os.utime(sites, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert index.full_scan().read == 1 and kinds_listed() == [layout.SITES]
        assert index.rows("SELECT count(*) FROM sites WHERE id = 'st-new'") == [(1,)]
        # A site's folder of reports added: `reports/` is listed, and the report in it read.
        report = write(layout.report_file(catalogue.root, "st-new", "r-9"), report_doc("r-9", site="st-new"))
        for path in (report, report.parent, report.parent.parent):  # none too recent to be trusted
            os.utime(path, ns=(past, past))
        listings.clear()
        assert index.full_scan().read == 1 and kinds_listed() == [layout.REPORTS]
        listings.clear()
        assert index.full_scan().read == 0 and kinds_listed() == []


def test_every_scan_finds_edits_in_place_and_files_added_behind_put_back_times(
    catalogue: Catalogue, settled: None
) -> None:
    age(catalogue.root)
    Index.open(catalogue, thorough=True).close()
    with Index.open(catalogue, workers=1) as index:
        assert index.full_scan().read == 0
        # An edit in place leaves the folder's time as it was, but not the file's: it is read again.
        path = layout.report_file(catalogue.root, "st-sargis", "r-2")
        text = path.read_text()
        with path.open("r+", encoding="utf-8") as handle:
            handle.write(text.replace('"2022-03-05/', '"2022-03-06/'))
        assert index.full_scan().read == 1
        assert index.rows("SELECT observed FROM reports WHERE id = 'r-2'") == [("2022-03-06/2022-07-06",)]
        # A site added, and the folder's time put back as `touch -r` or `tar` leave it: found.
        sites = catalogue.root / layout.SITES
        before = sites.stat()
        site = write(layout.site_file(catalogue.root, "st-new"), site_doc("st-new"))
        past = os_time() - HOUR_AGO
        os.utime(site, ns=(past, past))
        os.utime(sites, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert index.full_scan().read == 1
        assert index.rows("SELECT count(*) FROM sites WHERE id = 'st-new'") == [(1,)]
        # A site's folder of reports added, every time put back: the report in it is read.
        report = write(layout.report_file(catalogue.root, "st-new", "r-9"), report_doc("r-9", site="st-new"))
        for folder in (report, report.parent, report.parent.parent):
            os.utime(folder, ns=(past, past))
        assert index.full_scan().read == 1
        assert index.full_scan().read == 0


@pytest.mark.parametrize("folder", [layout.SITES, "reports/st-sargis"])
def test_a_file_added_in_the_tick_of_a_scan_with_the_folders_time_put_back_is_found(
    catalogue: Catalogue, folder: str, settled: None
) -> None:
    age(catalogue.root)
    site = "st-new" if folder == layout.SITES else "st-sargis"
    added = (
        layout.site_file(catalogue.root, site)
        if folder == layout.SITES
        else layout.report_file(catalogue.root, site, "r-9")
    )
    path, past = catalogue.root / folder, os_time() - HOUR_AGO
    with Index.open(catalogue, thorough=True) as index:
        os.utime(path, ns=(past, past))  # a folder's time put back, as `tar` or `rsync -t` do...
        in_the_tick_of(catalogue, path)
        index.full_scan()  # ...seen by a scan in the same tick...
        write(added, site_doc(site) if folder == layout.SITES else report_doc("r-9"))
        os.utime(added, ns=(past, past))
        os.utime(path, ns=(past, past))  # ...and a file added and the time put back, still in it
        # On a file system that keeps whole seconds the folder's times are now as that scan saw
        # them; here its modification time is, which is all a quick command compares: the folder
        # must not have been trusted.
        settle(catalogue)
        index.refresh()
    with Index.open(catalogue, refresh=False) as index:
        assert index.rows(
            "SELECT count(*) FROM files WHERE path = ?", (added.relative_to(catalogue.root).as_posix(),)
        ) == [(1,)]


EDITED_IN_THE_TICK = [
    ("sites/st-sargis.geojson", '"St Sargis"', '"St Sarkis"', "SELECT names FROM sites WHERE id = 'st-sargis'"),
    ("reports/st-sargis/r-2.json", '"2022-03-05/', '"2022-03-06/', "SELECT observed FROM reports WHERE id = 'r-2'"),
]


@pytest.mark.parametrize(("file", "before", "after", "query"), EDITED_IN_THE_TICK, ids=["site", "report"])
def test_a_file_edited_in_the_tick_of_a_scan_with_its_time_put_back_is_read(
    catalogue: Catalogue, file: str, before: str, after: str, query: str, settled: None
) -> None:
    age(catalogue.root)
    path, past = catalogue.root / file, os_time() - HOUR_AGO
    text = path.read_text(encoding="utf-8")
    assert before in text and len(after) == len(before)
    with Index.open(catalogue, thorough=True) as index:
        os.utime(path, ns=(past, past))  # a file's time put back, as `tar` or `rsync -t` do...
        in_the_tick_of(catalogue, path)
        assert index.full_scan().read == 1  # ...read by a scan in the same tick.
        # Edited in place then, the same size, and its time put back, still in that tick, it would
        # keep the size and times that scan saw on a file system that keeps whole seconds: what the
        # scan read is not trusted. Unchanged here, it is read again all the same, once.
        settle(catalogue)
        assert index.full_scan().read == 1
        assert index.full_scan().read == 0
        with path.open("r+", encoding="utf-8") as handle:  # and an edit in place is read
            handle.write(text.replace(before, after))
        os.utime(path, ns=(past, past))
        assert index.full_scan().read == 1
        assert after.strip('"/') in str(index.rows(query))


def test_a_flat_folders_file_replaced_by_one_of_the_same_size_and_time_is_read(
    catalogue: Catalogue, settled: None
) -> None:
    age(catalogue.root)
    path = layout.site_file(catalogue.root, "st-sargis")
    with Index.open(catalogue, thorough=True) as index:
        before, folder = path.stat(), path.parent.stat()
        text = path.read_text()
        changed = text.replace('"St Sargis', '"St Sarkis', 1)
        assert len(changed) == len(text) and changed != text
        copy = path.with_name(".st-sargis.new")
        copy.write_text(changed)
        os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))  # `cp -p`, `rsync -a`
        os.replace(copy, path)
        os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))
        assert index.full_scan().read == 1


def test_a_name_that_is_not_utf8_in_a_kinds_folder_is_reported_by_every_validate(catalogue: Catalogue) -> None:
    sites = catalogue.root / layout.SITES
    with open(os.fsencode(sites) + b"/notes\xff.txt", "wb") as stray:
        stray.write(b"scribbles")
    age(catalogue.root)
    for _ in range(3):
        assert [p.file for p in validate_catalogue(catalogue).warnings] == ["sites/notes\ufffd.txt"]


def test_names_recorded_wrongly_for_a_folder_are_not_trusted(catalogue: Catalogue, settled: None) -> None:
    age(catalogue.root)
    folder = "reports/st-sargis"
    with Index.open(catalogue, thorough=True) as index:
        names = index.rows("SELECT names FROM folders WHERE path = ?", (folder,))[0][0]
        assert "r-1.json" in names.split("/")
        # An index that has lost a name (with the folder's time and digest as they were)...
        fewer = "/".join(name for name in names.split("/") if name != "r-1.json")
        index.db.execute("UPDATE folders SET names = ? WHERE path = ?", (fewer, folder))
        # ...has the folder listed again: the file is still there, and its name recorded again.
        scan = index.full_scan()
        assert scan.removed == 0 and scan.read == 0
        assert index.rows("SELECT count(*) FROM files WHERE path = ?", (f"{folder}/r-1.json",)) == [(1,)]
        assert index.rows("SELECT names FROM folders WHERE path = ?", (folder,)) == [(names,)]


def test_a_file_added_to_a_folder_whose_time_is_then_put_back_is_seen(catalogue: Catalogue, settled: None) -> None:
    age(catalogue.root)
    folder = layout.site_reports_folder(catalogue.root, "st-sargis")
    with Index.open(catalogue, thorough=True) as index:
        before = folder.stat()
        write(layout.report_file(catalogue.root, "st-sargis", "r-9"), report_doc("r-9"))
        os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r`, `cp -p` or `tar` leave it
        assert folder.stat().st_mtime_ns == before.st_mtime_ns
        # The folder's change time moved: its names are listed, not looked up, and the new file found.
        assert index.full_scan().read == 1
        assert index.rows("SELECT count(*) FROM reports WHERE id = 'r-9'") == [(1,)]


def test_a_link_is_never_read_even_once_what_it_points_to_appears(
    catalogue: Catalogue, tmp_path: Path, settled: None
) -> None:
    age(catalogue.root)
    folder = layout.site_reports_folder(catalogue.root, "st-sargis")
    target = tmp_path / "elsewhere" / "r-9.json"
    with Index.open(catalogue, thorough=True) as index:
        (folder / "r-9.json").symlink_to(target)  # a link to a file that is not there yet
        past = os_time() - HOUR_AGO
        os.utime(folder, ns=(past, past))  # the folder's time old enough to be trusted
        assert "reports/st-sargis/r-9.json" in index.full_scan().strays
        # The file appears outside the catalogue: the link is still a stray, never read.
        write(target, report_doc("r-9"))
        scan = index.full_scan()
        assert scan.read == 0 and "reports/st-sargis/r-9.json" in scan.strays
        assert index.rows("SELECT count(*) FROM reports WHERE id = 'r-9'") == [(0,)]
        # The link replaced by the file itself: read.
        (folder / "r-9.json").unlink()
        write(folder / "r-9.json", report_doc("r-9"))
        assert index.full_scan().read == 1
        assert index.rows("SELECT count(*) FROM reports WHERE id = 'r-9'") == [(1,)]


def test_what_validate_keeps_is_made_again_after_a_scan_interrupted_after_a_commit(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)
    age(catalogue.root)
    before = validate_catalogue(catalogue).counts["reports"]  # counted, and the counts kept
    new = write(layout.report_file(catalogue.root, "site-0000000", "r-new"), report_doc("r-new", site="site-0000000"))
    past = os_time() - HOUR_AGO
    for path in (new, new.parent):  # nothing too recent to trust: once stored, it is not read again
        os.utime(path, ns=(past, past))
    # A scan in small parts, committed after each, and Ctrl-C in the part after the one that
    # stored the new report (a part's progress comes before its commit).
    with Index.open(catalogue, refresh=False, part_size=3, commit_every=0) as index:
        stored = {"new": False}

        def progress(done: int, total: int) -> None:
            if stored["new"]:
                raise KeyboardInterrupt
            stored["new"] = bool(index.rows("SELECT 1 FROM files WHERE path LIKE '%/r-new.json'"))

        with pytest.raises(KeyboardInterrupt):
            index.full_scan(progress)
    with Index.open(catalogue, refresh=False) as index:
        assert index.rows("SELECT count(*) FROM files WHERE path LIKE '%/r-new.json'") == [(1,)]  # committed
    assert validate_catalogue(catalogue).counts["reports"] == before + 1


def test_a_stray_file_is_reported_by_every_validate(invoke: Invoke, catalogue: Catalogue) -> None:
    (layout.site_reports_folder(catalogue.root, "st-sargis") / "notes.txt").write_text("scribbles")
    age(catalogue.root)
    for _ in range(2):
        result = invoke("validate", catalogue=catalogue)
        assert "stray-file" in result.output and "reports/st-sargis/notes.txt" in result.output


@pytest.mark.parametrize("parallel", [False, True])
def test_work_on_a_verified_index_sees_a_file_edited_in_place(tmp_path: Path, parallel: bool) -> None:
    catalogue = settle(synthetic(tmp_path))

    def verified(catalogue: Catalogue, work: Callable[[Index], Any]) -> Any:
        with Index.open(catalogue, thorough=True, part_size=7 if parallel else None) as index:
            return work(index)

    age(catalogue.root)
    Index.open(catalogue).close()

    def sensitivity(index: Index) -> list[Any]:
        return index.rows("SELECT sensitivity FROM sites WHERE id = 'site-0000007'")

    assert verified(catalogue, sensitivity) == [("public",)]
    path = layout.site_file(catalogue.root, "site-0000007")
    document = json.loads(path.read_text())
    document["properties"]["sensitivity"] = "confidential"
    with path.open("r+", encoding="utf-8") as handle:  # in place: only comparing every file finds it
        handle.write(json.dumps(document))
        handle.truncate()
    with Index.open(catalogue) as index:  # a quick command compares folders only, and misses it
        assert sensitivity(index) == [("public",)]
    assert verified(catalogue, sensitivity) == [("confidential",)]

    def broken(index: Index) -> None:
        raise InvalidInput("cannot be drawn", file=catalogue.root / "x")

    with pytest.raises(InvalidInput, match="cannot be drawn"):
        verified(catalogue, broken)


def test_a_misfiled_report_made_confidential_in_place_leaves_the_map_of_the_site_it_names(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)
    folder_site, named = "site-0000003", "site-0000005"
    path = write(
        layout.report_file(catalogue.root, folder_site, "r-misfiled"),
        report_doc(
            "r-misfiled",
            site=named,
            observed="2025-06-01",
            condition="destroyed",
            sources=[{"source": next(iter(catalogue.sources())).id}],
        ),
    )
    age(catalogue.root)

    def count(audience: str) -> int:
        payload = build_payload(load_map_input(catalogue, audience=audience), date(2026, 1, 1), audience=audience)
        return int(payload["sites"]["nrep"][payload["sites"]["id"].index(named)])

    with_it = count("mission")
    document = json.loads(path.read_text())
    document["sensitivity"] = "confidential"
    with path.open("r+", encoding="utf-8") as handle:  # in place: only comparing every file finds it
        handle.write(json.dumps(document))
        handle.truncate()
    assert count("mission") == with_it - 1
    assert count("internal") == with_it
    with Index.open(catalogue, refresh=False) as index:  # the named site's history knows of it
        assert index.rows("SELECT reports FROM history WHERE site = ?", (named,)) == [(with_it,)]
    path.unlink()
    assert count("internal") == with_it - 1  # and forgets it once it is gone


def test_a_file_replaced_by_one_of_the_same_size_and_time_is_seen(catalogue: Catalogue, settled: None) -> None:
    age(catalogue.root)
    path = layout.report_file(catalogue.root, "st-sargis", "r-1")
    with Index.open(catalogue, thorough=True) as index:
        text = path.read_text()
        stat, folder = path.stat(), path.parent.stat()
        copy = path.with_name(".r-1.json.new")
        copy.write_text(text.replace('"2021-10-22"', '"2021-10-23"'))  # the same length
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time, as `cp -p` keeps it
        os.replace(copy, path)
        os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))  # even the folder's time
        assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
        assert index.full_scan().read == 1
        assert index.rows("SELECT observed FROM reports WHERE id = 'r-1'") == [("2021-10-23",)]


def test_an_index_built_again_does_not_repeat_a_generation(catalogue: Catalogue) -> None:
    with Index.open(catalogue) as index:
        first = index.generation
    shutil.rmtree(catalogue.root / ".heritage")
    with Index.open(catalogue) as index:
        assert index.generation != first  # a result kept from the first is not taken for the second's


def test_the_map_marks_competing_corrections_alike_from_the_index_and_the_records(tmp_path: Path) -> None:
    catalogue = synthetic(tmp_path)
    from_index = build_payload(load_map_input(catalogue, audience="internal"), date(2026, 1, 1))
    reports: dict[str, list[ConditionReport]] = {}
    for report in catalogue.reports():
        reports.setdefault(report.site, []).append(report)
    from_records = MapInput(
        name="Synthetic",
        sites=list(catalogue.sites()),
        reports=reports,
        allegations=[],
        sources={s.id: s for s in catalogue.sources()},
        retracted={r.retracts for r in catalogue.retractions()},
    )
    written = build_payload(from_records, date(2026, 1, 1))
    assert written["sites"]["id"] == from_index["sites"]["id"]
    assert written["disputed"] == from_index["disputed"] and from_index["disputed"]
    rivals = {from_index["sites"]["id"][int(row)] for row in from_index["disputed"]}
    listed = [s.as_json() for s in list_sites(catalogue, SiteFilter())]
    assert rivals == {s["id"] for s in listed if s["competing_corrections"]}

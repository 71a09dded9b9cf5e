"""Killed imports: a real SIGKILL at each step of the journal leaves all of an import or none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from heritage import layout
from heritage.importer import ImportOptions, import_reports
from heritage.store import Catalogue
from heritage.validate import validate_catalogue

ROWS = 600


def _reports_csv(tmp_path: Path) -> Path:
    lines = ["site,observed,condition,method,sources,notes"]
    lines += [f"st-sargis,2022-01-01,intact,remote_sensing,src-chw,row {n}" for n in range(ROWS)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(root: Path, csv: Path, kill_at: str | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HERITAGE_USER": "tester"}
    env.pop("HERITAGE_KILL_AT", None)
    if kill_at:
        env["HERITAGE_KILL_AT"] = kill_at
    command = [sys.executable, "-m", "heritage", "--catalogue", str(root), "import", "reports", str(csv)]
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _reports(root: Path) -> int:
    return len(list(layout.report_files(root, "st-sargis")))


@pytest.mark.parametrize(("kill_at", "landed"), [("stage:300", False), ("commit:0", True), ("move:300", True)])
def test_an_import_killed_at_any_step_lands_whole_or_not_at_all(
    catalogue: Catalogue, tmp_path: Path, kill_at: str, landed: bool
) -> None:
    csv = _reports_csv(tmp_path)
    before = _reports(catalogue.root)
    process = _import(catalogue.root, csv, kill_at)
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    if kill_at == "move:300":  # half moved in, until the next command finishes the job
        assert before < _reports(catalogue.root) < before + ROWS

    reopened = Catalogue.open(catalogue.root)  # any command settles the journal it finds
    assert len(reopened.recovered) == 1
    assert ("finished" if landed else "took back") in reopened.recovered[0]
    assert [p.code for p in validate_catalogue(reopened).warnings] == ["interrupted-import"]
    assert _reports(catalogue.root) == before + (ROWS if landed else 0)
    assert not list((catalogue.root / layout.JOURNALS).glob(".tmp-*"))

    again = import_reports(reopened, csv, {}, ImportOptions(recorded_by="tester"))
    assert (len(again.written), len(again.already)) == ((0, ROWS) if landed else (ROWS, 0))
    assert _reports(catalogue.root) == before + ROWS


def test_an_import_killed_from_outside_while_it_stages(catalogue: Catalogue, tmp_path: Path) -> None:
    csv = _reports_csv(tmp_path)
    before = _reports(catalogue.root)
    process = _import(catalogue.root, csv)
    journals = catalogue.root / layout.JOURNALS
    # Killed as soon as it has staged 150 files (or when it is done, on a very fast machine).
    while process.poll() is None and sum(len(files) for _, _, files in os.walk(journals)) < 150:
        pass
    process.send_signal(signal.SIGKILL)
    process.communicate()
    Catalogue.open(catalogue.root)
    assert _reports(catalogue.root) in (before, before + ROWS)
    assert not list(journals.glob(".tmp-*"))


def test_a_rerun_adds_nothing_and_a_longer_file_only_its_new_rows(catalogue: Catalogue, tmp_path: Path) -> None:
    csv = tmp_path / "in.csv"
    header = "site,observed,condition,method,sources\n"
    rows = [f"st-sargis,2022-0{n}-01,intact,remote_sensing,src-chw\n" for n in range(1, 4)]
    csv.write_text(header + "".join(rows[:2]), encoding="utf-8")
    options = ImportOptions(recorded_by="tester")
    first = import_reports(catalogue, csv, {}, options)
    assert (len(first.written), len(first.already)) == (2, 0)
    # Another person, another day: who and when are not part of what a row says.
    again = import_reports(catalogue, csv, {}, ImportOptions(recorded_by="someone else"))
    assert (again.written, sorted(again.already)) == ([], sorted(first.written))
    csv.write_text(header + "".join(rows) + rows[2], encoding="utf-8")
    longer = import_reports(catalogue, csv, {}, options)
    assert (len(longer.written), len(longer.already), longer.repeated) == (1, 2, 1)
    assert _reports(catalogue.root) == 2 + 3


def test_a_given_id_is_the_key(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.errors import ImportFailed
    from heritage.importer import import_sites

    csv = tmp_path / "sites.csv"
    csv.write_text("id,name:en,lat,lon,type\nst-new,New,39.5,46.5,church\n", encoding="utf-8")
    options = ImportOptions(recorded_by="tester")
    assert import_sites(catalogue, csv, {}, options).written == ["st-new"]
    assert import_sites(catalogue, csv, {}, options).already == ["st-new"]
    csv.write_text("id,name:en,lat,lon,type\nst-new,New,39.5,46.5,mosque\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_sites(catalogue, csv, {}, options)
    assert failure.value.problems[0].message.startswith("site already exists in the catalogue, with other content")


def test_an_import_stopped_while_moving_in_is_finished_by_the_next_command(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from heritage import journal

    csv = tmp_path / "in.csv"
    header = "site,observed,condition,method,sources,notes\n"
    csv.write_text(header + "".join(f"st-sargis,2022-01-01,intact,remote_sensing,src-chw,{n}\n" for n in range(5)))
    real_link, links = os.link, []

    def full_after_two(source: Path, target: Path) -> None:
        links.append(target)
        if len(links) == 3:  # Ctrl-C or a full disk, once the import is committed
            raise OSError(errno.ENOSPC, "No space left on device")
        real_link(source, target)

    monkeypatch.setattr(journal.os, "link", full_after_two)
    with pytest.raises(OSError):
        import_reports(catalogue, csv, {}, ImportOptions(recorded_by="tester"))
    monkeypatch.undo()
    assert _reports(catalogue.root) == 2 + 2  # half of it, until the next command
    assert "finished" in Catalogue.open(catalogue.root).recovered[0]
    assert _reports(catalogue.root) == 2 + 5


def test_a_migration_rerun_adds_nothing(catalogue: Catalogue, tmp_path: Path) -> None:
    """--as-recorded marks each record with who migrated it and when; that mark is not content."""
    csv = tmp_path / "old.csv"
    csv.write_text(
        "site,observed,condition,method,sources,recorded_at,recorded_by\n"
        "st-sargis,2021-01-01,intact,remote_sensing,src-chw,2021-01-02T00:00:00Z,old system\n",
        encoding="utf-8",
    )
    options = ImportOptions(recorded_by="tester", as_recorded=True)
    assert len(import_reports(catalogue, csv, {}, options).written) == 1
    again = import_reports(catalogue, csv, {}, ImportOptions(recorded_by="someone else", as_recorded=True))
    assert (again.written, len(again.already)) == ([], 1)


def test_an_import_pauses_the_collector_and_scans_turn_it_back_on(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from heritage.importing import ImportOptions as Options
    from heritage.importing import Profile, RowsRefused, run_import
    from heritage.index import Index
    from heritage.journal import Journal

    scanned: list[bool] = []
    staged: list[bool] = []
    scan, stage = Index._scan, Journal.stage

    def scanning(self: Index, *args: object) -> object:
        scanned.append(gc.isenabled())  # the scan's workers are forked from here: they inherit this
        return scan(self, *args)  # type: ignore[arg-type]

    def staging(self: Journal, *args: object) -> None:
        staged.append(gc.isenabled())
        stage(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "_scan", scanning)
    monkeypatch.setattr(Journal, "stage", staging)
    (tmp_path / "s.csv").write_text("name:en,type\nA chapel,chapel\n", encoding="utf-8")
    assert gc.isenabled()
    run_import(catalogue, "sites", tmp_path / "s.csv", Profile(), Options(recorded_by="t"))
    assert scanned and all(scanned)  # an import's records make no cycles: the collector only costs time
    assert staged == [False] and gc.isenabled()
    (tmp_path / "bad.csv").write_text("name:en,type\nB,spaceport\n", encoding="utf-8")
    with pytest.raises(RowsRefused):  # an import that fails
        run_import(catalogue, "sites", tmp_path / "bad.csv", Profile(), Options(recorded_by="t"))
    assert gc.isenabled()


def test_staged_files_lie_flat_and_a_target_is_staged_once(catalogue: Catalogue) -> None:
    from heritage.journal import FILES, Journal

    with Journal(catalogue.root) as journal:
        assert journal.folder is not None
        for n in range(3):  # three sites' report folders: none is made in the journal
            journal.stage(layout.report_file(catalogue.root, f"site-{n}", "r-1"), b"{}")
        assert sorted(os.listdir(journal.folder / FILES)) == ["0", "1", "2"]
        with pytest.raises(FileExistsError):
            journal.stage(layout.report_file(catalogue.root, "site-1", "r-1"), b"{}")
        with pytest.raises(ValueError):
            journal.stage(catalogue.root.parent / "elsewhere.json", b"{}")


def test_a_committed_journal_of_the_earlier_layout_is_finished(catalogue: Catalogue) -> None:
    # Before the flat layout, each staged file sat at its catalogue path under files/, with no
    # `targets`; one left by a killed import of that version is still finished.
    from heritage.journal import COMMITTED, FILES

    folder = catalogue.root / layout.JOURNALS / ".tmp-999999999-0123456789ab-import"
    staged = folder / FILES / "reports" / "st-sargis" / "r-old.json"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(layout.report_file(catalogue.root, "st-sargis", "r-1").read_bytes().replace(b"r-1", b"r-old"))
    (folder / COMMITTED).touch()
    assert "finished" in Catalogue.open(catalogue.root).recovered[0]
    assert layout.report_file(catalogue.root, "st-sargis", "r-old").exists()
    assert not folder.exists()

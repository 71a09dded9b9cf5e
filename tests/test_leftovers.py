"""Full disks and killed outputs: a command that fails leaves the previous state, the next one
cleans what a killed one left, and a read command never stops because its index cannot be written."""

from __future__ import annotations

import errno
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoke
from heritage import layout
from heritage.store import Catalogue


def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped): nothing runs under it now."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _disk_full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    "command",
    [
        ["list"],
        ["show", "st-sargis"],
        ["validate"],
        ["history", "st-sargis"],
        ["map", "-o", "{out}/map.html"],
        ["dossier", "st-sargis", "-o", "{out}/dossiers"],
    ],
)
def test_read_commands_work_from_the_files_when_the_index_cannot_be_written(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    from heritage.index import Index

    real_scan = Index._scan

    def full_disk_on_file(index: Index, *args: Any) -> Any:
        if not index.in_memory:  # what SQLite raises when the disk is full, as it commits
            raise sqlite3.OperationalError("database or disk is full")
        return real_scan(index, *args)

    monkeypatch.setattr(Index, "_scan", full_disk_on_file)
    args = [part.replace("{out}", str(tmp_path)) for part in command]
    result = invoke(*args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_an_index_that_cannot_even_be_prepared_is_replaced_by_one_in_memory(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heritage.index import Index

    real_prepare = Index._prepare

    def full(index: Index) -> None:
        if not index.in_memory:
            raise sqlite3.OperationalError("database or disk is full")
        real_prepare(index)

    monkeypatch.setattr(Index, "_prepare", full)
    with Index.open(catalogue) as index:
        assert index.in_memory and len(index.rows("SELECT id FROM reports")) == 2


def test_a_zip_that_cannot_be_written_leaves_no_package_and_a_rerun_works(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heritage.mission import export_mission

    target = tmp_path / "out" / "pkg"
    sites = list(catalogue.sites())
    real_write = zipfile.ZipFile.write
    calls: list[str] = []

    def fill_up(bundle: zipfile.ZipFile, path: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(str(path))
        if len(calls) == 3:
            _disk_full()
        real_write(bundle, path, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "write", fill_up)
    with pytest.raises(OSError):
        export_mission(catalogue, "Visit", sites, target, pdf=False, as_zip=True)
    assert list(target.parent.iterdir()) == []  # no folder, no zip, nothing hidden
    monkeypatch.undo()
    result = export_mission(catalogue, "Visit", sites, target, pdf=False, as_zip=True)
    assert result.path == tmp_path / "out" / "pkg.zip" and zipfile.ZipFile(result.path).testzip() is None
    assert sorted(p.name for p in target.parent.iterdir()) == ["pkg", "pkg.zip"]


def test_a_killed_export_is_cleaned_by_the_next_and_a_running_one_is_left_alone(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    import os

    from heritage.mission import export_mission

    out = tmp_path / "out"
    killed = out / f".tmp-{_dead_pid()}-0a1b2c-pkg"
    running = out / f".tmp-{os.getppid()}-0a1b2c-other"  # the process that started the tests
    for folder in (killed, running):
        (folder / "dossiers").mkdir(parents=True)
        (folder / "dossiers" / "half.html").write_text("<html>")
    export_mission(catalogue, "Visit", list(catalogue.sites()), out / "pkg", pdf=False)
    assert not killed.exists() and running.exists()


def test_validate_reports_a_killed_map_and_the_next_map_removes_it(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    half = catalogue.root / layout.MAPS / f".tmp-{_dead_pid()}-0a1b2c-map.html"
    half.write_bytes(b"<html>" * 1000)
    result = invoke("validate", "--json", catalogue=catalogue)
    found = [p for p in json.loads(result.output)["problems"] if p["code"] == "leftover-temp"]
    assert [p["file"] for p in found] == [f"maps/{half.name}"]
    assert invoke("map", catalogue=catalogue).exit_code == 0
    assert not half.exists()


def test_an_output_that_cannot_be_written_leaves_the_previous_one(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = tmp_path / "manifest.json"
    assert invoke("manifest", "-o", str(manifest), catalogue=catalogue).exit_code == 0
    before = manifest.read_bytes()
    monkeypatch.setattr("heritage.atomic.os.fsync", _disk_full)
    result = invoke("manifest", "-o", str(manifest), "--force", catalogue=catalogue)
    assert result.exit_code == 1 and result.output.startswith("error: No space left on device")
    assert manifest.read_bytes() == before and sorted(tmp_path.iterdir()) == [tmp_path / "cat", manifest]

"""`heritage import submissions` end to end: a folder shaped as ODK Collect leaves it on a phone,
read by the reader, imported, checked by `validate` and `verify`; killed at each step of its
commit; run twice at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Invoke, snapshot
from fieldvisits import SITE_LAT, SITE_LON, collect_folder, jpeg, submission
from heritage import layout
from heritage.store import Catalogue
from heritage.submissions import Photo

UUIDS = [f"{n}1b2c3d4-0000-4000-8000-00000000000{n}" for n in range(1, 4)]
FILES_PER_VISIT = 4  # a source, a photo's bytes and its record, a report


def _phone(tmp_path: Path) -> Path:
    """Three visits to st-sargis, each with a photo; the third stood 2 km away."""
    visits = []
    for number, uuid in enumerate(UUIDS):
        photo = jpeg(tmp_path / "camera" / f"{number}.jpg", shade=number * 30)
        position = f"{SITE_LAT + 0.018} {SITE_LON} 1400 6" if number == 2 else f"{SITE_LAT} {SITE_LON} 1400 6"
        visits.append(submission(uuid, photos=[Photo(f"17320900{number}.jpg", photo, "west front")], position=position))
    return collect_folder(tmp_path / "phone", visits)


def _reports(root: Path) -> list[Path]:
    return sorted(layout.report_files(root, "st-sargis"))


def test_import_a_phone_folder_then_again(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    phone = _phone(tmp_path)
    dry = invoke("import", "submissions", str(phone), "--dry-run", catalogue=catalogue)
    assert dry.exit_code == 0, dry.output
    assert "would import 3 submission(s): 3 new, 0 already in the catalogue" in dry.output
    assert "dry run: nothing was written" in dry.output and "record 1: {" in dry.output

    first = invoke("import", "submissions", str(phone), catalogue=catalogue)
    assert first.exit_code == 0, first.output
    assert (
        "imported 3 submission(s): 3 new, 0 already in the catalogue, 3 photo(s) (3 stored anew), "
        "1 warning(s) recorded on the reports" in first.output
    )
    assert f"report fv-{UUIDS[2]}: far-from-site: the observer stood 2,002 m from the site's point" in first.output

    again = invoke("import", "submissions", str(phone / "instances"), catalogue=catalogue)
    assert again.exit_code == 0, again.output
    assert "imported 3 submission(s): 0 new, 3 already in the catalogue" in again.output

    checked = invoke("validate", catalogue=catalogue)
    assert checked.exit_code == 0, checked.output
    verified = invoke("verify", catalogue=catalogue)
    assert verified.exit_code == 0, verified.output


def test_a_refused_batch_is_listed_by_problem_and_writes_nothing(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    visits = [submission(UUIDS[0]), submission(UUIDS[1], condition="burnt"), submission(UUIDS[2], condition="burnt")]
    visits[0].photos = [Photo("1732090000.jpg", None)]
    phone = collect_folder(tmp_path / "phone", visits)
    before = snapshot(catalogue.root)
    result = invoke("import", "submissions", str(phone), catalogue=catalogue)
    assert result.exit_code != 0
    assert snapshot(catalogue.root) == before
    lines = result.output.splitlines()
    assert any(
        line.startswith(
            "  field condition 'burnt': not one of the form's condition choices (2 submission(s): phone/instances/"
        )
        for line in lines
    )
    assert any(
        line.startswith("  field photo '1732090000.jpg': file not found (1 submission(s): phone/instances/")
        for line in lines
    )
    fix = "give the folder that holds the photos with --media DIR, or import without them with --without-photos"
    assert f"      fix: {fix}" in lines
    assert "error: 3 of 3 submission(s) failed; nothing was written" in result.output


def _run(root: Path, phone: Path, kill_at: str | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HERITAGE_USER": "tester"}
    env.pop("HERITAGE_KILL_AT", None)
    if kill_at:
        env["HERITAGE_KILL_AT"] = kill_at
    command = [sys.executable, "-m", "heritage", "--catalogue", str(root), "import", "submissions", str(phone)]
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize(("kill_at", "landed"), [("stage:6", False), ("commit:0", True), ("move:6", True)])
def test_a_killed_import_lands_whole_or_not_at_all(
    catalogue: Catalogue, tmp_path: Path, kill_at: str, landed: bool
) -> None:
    phone = _phone(tmp_path)
    before = snapshot(catalogue.root)
    process = _run(catalogue.root, phone, kill_at)
    process.communicate()
    assert process.returncode == -signal.SIGKILL

    reopened = Catalogue.open(catalogue.root)  # any command settles what the killed one left
    assert ("finished" if landed else "took back") in reopened.recovered[0]
    after = snapshot(catalogue.root)
    new = set(after) - set(before)
    assert len(new) == (3 * FILES_PER_VISIT if landed else 0)
    assert len(_reports(catalogue.root)) == 2 + (3 if landed else 0)

    rerun = _run(catalogue.root, phone)
    out, err = rerun.communicate()
    assert rerun.returncode == 0, err
    expected = "0 new, 3 already in the catalogue" if landed else "3 new, 0 already in the catalogue"
    assert expected in out.decode()
    assert len(_reports(catalogue.root)) == 5


def test_two_runs_at_once_add_each_submission_once(catalogue: Catalogue, tmp_path: Path) -> None:
    phone = _phone(tmp_path)
    runs = [_run(catalogue.root, phone), _run(catalogue.root, phone)]
    outputs = [run.communicate()[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert sorted("3 new" in out for out in outputs) == [False, True]
    assert len(_reports(catalogue.root)) == 5

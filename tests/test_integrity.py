"""Tamper evidence, merges and crashes: what a legal researcher relies on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Invoke, copy_sample
from heritage import integrity, layout
from heritage.cli import ExitCode
from heritage.codec import seal
from heritage.hashing import file_sha256
from heritage.index import Index
from heritage.integrity import (
    build_manifest,
    compare_manifest,
    hashed_files,
    read_manifest,
    root_hash,
    root_hash_of,
    verify_catalogue,
)
from heritage.store import Catalogue
from heritage.validate import validate_catalogue

RECORD = "reports/kanach-zham/r-kanach-zham-2021-02-15.json"


@pytest.fixture
def sample(tmp_path: Path) -> Catalogue:
    return Catalogue.open(copy_sample(tmp_path / "sample"))


def codes(catalogue: Catalogue) -> list[tuple[str, str | None]]:
    return [(p.code, p.file) for p in verify_catalogue(catalogue).problems]


def test_the_sample_verifies_and_every_record_is_sealed(sample: Catalogue) -> None:
    result = verify_catalogue(sample)
    assert result.ok and result.problems == [] and result.checked == 174


def test_one_changed_byte_is_found(sample: Catalogue) -> None:
    path = sample.root / RECORD
    data = bytearray(path.read_bytes())
    data[data.index(b"severe_damage")] = ord("S")  # "Severe_damage": one byte
    path.write_bytes(bytes(data))
    assert codes(sample) == [("modified", RECORD)]


def test_a_reformatted_but_unchanged_record_still_verifies(sample: Catalogue) -> None:
    path = sample.root / RECORD
    path.write_text(json.dumps(json.loads(path.read_text()), indent=4))  # whitespace only
    assert verify_catalogue(sample).ok


def test_a_dossiers_root_hash_hashes_again_only_what_changed(
    sample: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = integrity.stored_sha256

    def counted(path: Path) -> str:
        hashed.append(path.relative_to(sample.root).as_posix())
        return real(path)

    monkeypatch.setattr(integrity, "stored_sha256", counted)
    # Just copied: every file changed within the last two seconds, so none has its hash reused.
    for _ in range(2):
        hashed.clear()
        first = hashed_files(sample, kept=True)
        assert len(hashed) == len(first) == 175
    # An hour later, a hash made then is reused for a file as it was; `manifest` hashes every file.
    sample.clock = lambda: time.time_ns() + 3600 * 10**9
    for kept, count in ((False, 175), (True, 0), (False, 175)):
        hashed.clear()
        assert hashed_files(sample, kept=kept) == first and len(hashed) == count
    hashed.clear()
    assert build_manifest(sample)["root"] == root_hash(first) and len(hashed) == 175
    assert root_hash_of(sample) == root_hash(first) and len(hashed) == 175  # a dossier's: none hashed again

    # One byte changed in place, and the file's size and modification time put back as they were:
    # its change time gives it away. A deleted file leaves the hashes kept.
    path = sample.root / RECORD
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[data.index(b"severe_damage")] = ord("S")
    with path.open("r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    (sample.root / "reports/dadivank/r-dadivank-2020-11-25.json").unlink()
    hashed.clear()
    after = hashed_files(sample, kept=True)
    assert hashed == [RECORD] and after[RECORD] == real(path) != first[RECORD]
    assert "reports/dadivank/r-dadivank-2020-11-25.json" not in after
    with Index.open(sample, refresh=False) as index:
        stamps, shas = index.kept_hashes()
        assert RECORD in stamps and RECORD in shas
        assert "reports/dadivank/r-dadivank-2020-11-25.json" not in stamps.keys() | shas.keys()
    # Whoever can write to the catalogue can write to its index: `verify --against` hashes every file.
    with Index.open(sample, refresh=False) as index:
        index.db.execute("UPDATE hashes SET sha256 = ? WHERE path = ?", (first[RECORD], RECORD))
    assert root_hash_of(sample) != root_hash(after)  # the forged hash is believed here...
    assert compare_manifest(sample, {"files": first}).modified == [RECORD]  # ...not here


def test_a_file_name_that_is_not_utf8_goes_into_the_manifest(sample: Catalogue, invoke: Invoke, tmp_path: Path) -> None:
    with open(os.fsencode(sample.root / "sources") + b"/bad\xff.txt", "wb") as handle:
        handle.write(b"scribbles")
    manifest_file = tmp_path / "manifest.json"
    for _ in range(2):
        made = invoke("manifest", "-o", str(manifest_file), "--force", catalogue=sample)
        assert made.exit_code == 0, made.output
        assert "sources/bad\udcff.txt" in json.loads(manifest_file.read_text())["files"]
        assert compare_manifest(sample, read_manifest(manifest_file)).unchanged


def test_a_deleted_record_and_a_resealed_rewrite_are_found_against_a_manifest(
    sample: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    manifest_file = tmp_path / "manifest.json"
    made = invoke("manifest", "-o", str(manifest_file), catalogue=sample)
    assert made.exit_code == 0 and "175 file(s)" in made.output
    manifest = json.loads(manifest_file.read_text())
    assert manifest["root"] and len(manifest["files"]) == 175  # catalogue.json as well

    # Someone moves a report back in time and recomputes its seal, dropping the previous seal that
    # would give them away (tests/test_seals.py): the seal alone cannot tell.
    path = sample.root / RECORD
    document = json.loads(path.read_text())
    del document["resealed"]
    document["recorded_at"] = "2021-02-16T00:00:00Z"
    document["observed"] = "2020-12-01"
    path.write_text(json.dumps(seal(document), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert verify_catalogue(sample).ok
    (sample.root / "reports/dadivank/r-dadivank-2020-11-25.json").unlink()
    (sample.root / "sources/src-added-later.json").write_text("{}")

    diff = compare_manifest(sample, manifest)
    assert diff.modified == [RECORD]
    assert diff.removed == ["reports/dadivank/r-dadivank-2020-11-25.json"]
    assert diff.added == ["sources/src-added-later.json"]
    result = invoke("verify", "--against", str(manifest_file), catalogue=sample)
    assert result.exit_code == ExitCode.INVALID
    for line in (
        f"modified since the manifest: {RECORD}",
        "removed since the manifest: reports/dadivank/r-dadivank-2020-11-25.json",
        "added since the manifest: sources/src-added-later.json",
        "unsealed: sources/src-added-later.json",
    ):
        assert line in result.output

    manifest["files"][RECORD] = file_sha256(path)  # a doctored manifest betrays itself
    manifest_file.write_text(json.dumps(manifest))
    doctored = invoke("verify", "--against", str(manifest_file), catalogue=sample)
    assert doctored.exit_code == ExitCode.INVALID and "root hash does not match" in doctored.output


def test_evidence_files_are_checked_against_their_names(sample: Catalogue, tmp_path: Path) -> None:
    from heritage.evidence import add_evidence

    content = b"\x89PNG fake image bytes"
    photo = tmp_path / "photo.png"
    photo.write_bytes(content)
    record = add_evidence(sample, photo, "src-nok-armenien-kirche-in-schuschi-zerstort", recorded_by="tester")
    digest = record.file_sha256
    expected = subprocess.run(["sha256sum", str(photo)], capture_output=True, text=True, check=True).stdout.split()[0]
    assert digest == expected
    stored = layout.evidence_file(sample.root, digest)
    assert stored.read_bytes() == content
    assert verify_catalogue(sample).ok
    path = sample.root / RECORD
    document = json.loads(path.read_text())
    document["evidence"] = [digest, "f" * 64]
    del document["resealed"]  # else its previous seal no longer holds
    path.write_text(json.dumps(seal(document)))
    assert codes(sample) == [("missing", RECORD)]  # the second hash has no file
    stored.write_bytes(content + b"!")
    assert ("modified", f"evidence/{digest[:2]}/{digest}") in codes(sample)
    stray = layout.evidence_file(sample.root, "a" * 64)
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"x")
    assert ("modified", f"evidence/aa/{'a' * 64}") in codes(sample)  # its name is not its hash


def test_verify_command(invoke: Invoke, sample: Catalogue) -> None:
    ok = invoke("verify", catalogue=sample)
    assert ok.exit_code == 0 and "verified: 174 file(s) checked, 0 problem(s)" in ok.output
    (sample.root / RECORD).write_text((sample.root / RECORD).read_text().replace("severe_damage", "intact"))
    bad = invoke("verify", "--json", catalogue=sample)
    assert bad.exit_code == ExitCode.INVALID
    assert json.loads(bad.output)["problems"][0]["code"] == "modified"


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def test_two_copies_that_append_merge_with_git_without_conflict(
    sample: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    git(sample.root, "init", "-q", "-b", "main")
    git(sample.root, "add", "-A")
    git(sample.root, "commit", "-qm", "sample")
    field_copy = tmp_path / "field"
    git(tmp_path, "clone", "-q", str(sample.root), str(field_copy))
    for root, site, condition in (
        (sample.root, "kanach-zham", "destroyed"),
        (field_copy, "dadivank", "intact"),
        (sample.root, "dadivank", "minor_damage"),
    ):
        result = invoke(
            "report",
            "add",
            "--site",
            site,
            "--observed",
            "2025-06-01",
            "--condition",
            condition,
            "--method",
            "field_visit",
            "--source",
            "src-nok-armenien-kirche-in-schuschi-zerstort",
            catalogue=root,
        )
        assert result.exit_code == 0, result.output
    git(field_copy, "add", "-A")
    git(field_copy, "commit", "-qm", "field visit")
    git(sample.root, "add", "-A")
    git(sample.root, "commit", "-qm", "desk review")
    git(sample.root, "pull", "-q", "--no-rebase", "--no-edit", str(field_copy), "main")
    assert git(sample.root, "status", "--porcelain") == ""
    merged = Catalogue.open(sample.root)
    assert len(list(merged.reports("dadivank"))) == 3
    assert verify_catalogue(merged).ok and validate_catalogue(merged).ok


def _append_reports(root: str, worker: int, count: int) -> None:
    from click.testing import CliRunner

    from heritage.cli import cli

    runner = CliRunner()
    for n in range(count):
        result = runner.invoke(
            cli,
            [
                "--catalogue",
                root,
                "report",
                "add",
                "--site",
                "dadivank",
                "--observed",
                "2024-01-01",
                "--condition",
                "intact",
                "--method",
                "remote_sensing",
                "--source",
                "src-nok-armenien-kirche-in-schuschi-zerstort",
                "--note",
                f"w{worker} n{n}",
            ],
        )
        assert result.exit_code == 0, result.output


def test_four_writers_appending_at_once_lose_nothing(sample: Catalogue) -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    each = 150  # 600 appends to one site's folder, all at once: ids derived alike, names raced for
    writers = [context.Process(target=_append_reports, args=(str(sample.root), w, each)) for w in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(300)
        assert writer.exitcode == 0
    notes = [r.notes for r in sample.reports("dadivank") if r.notes and r.notes.startswith("w")]
    assert len(notes) == 4 * each and set(notes) == {f"w{w} n{n}" for w in range(4) for n in range(each)}
    assert verify_catalogue(sample).ok and validate_catalogue(sample).ok


CRASHER = """
import sys
from heritage import atomic
from heritage.cli import main
real = atomic.os.link
def slow_link(src, dst):  # stop between writing the temporary file and linking it
    print("ready", flush=True)
    import time; time.sleep(60)
    real(src, dst)
atomic.os.link = slow_link
sys.argv = ["heritage", "--catalogue", sys.argv[1], "report", "add", "--site", "dadivank", "--observed", "2024-01-01",
            "--condition", "intact", "--method", "remote_sensing", "--source",
            "src-nok-armenien-kirche-in-schuschi-zerstort"]
main()
"""


def test_a_writer_killed_mid_append_leaves_a_valid_catalogue(sample: Catalogue) -> None:
    before = len(list(sample.reports("dadivank")))
    child = subprocess.Popen([sys.executable, "-c", CRASHER, str(sample.root)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    leftovers = list(layout.site_reports_folder(sample.root, "dadivank").glob(f"{layout.TEMP_PREFIX}*"))
    assert len(leftovers) == 1  # the half-done append, hidden from every reader
    assert len(list(sample.reports("dadivank"))) == before
    validation = validate_catalogue(sample)
    assert validation.ok and sorted(p.code for p in validation.warnings) == ["leftover-temp", "no-location"]
    verification = verify_catalogue(sample)
    assert verification.ok and [p.code for p in verification.problems] == ["leftover-temp"]


def test_moved_and_renamed_records_are_found(sample: Catalogue) -> None:
    moved = sample.root / "reports/dadivank/r-kanach-zham-2023-12-2024-04-04.json"
    (sample.root / "reports/kanach-zham/r-kanach-zham-2023-12-2024-04-04.json").rename(moved)
    renamed = sample.root / "sites/dadivank2.geojson"
    (sample.root / "sites/gandzasar.geojson").rename(renamed)
    found = codes(sample)
    assert ("moved", "reports/dadivank/r-kanach-zham-2023-12-2024-04-04.json") in found
    assert ("moved", "sites/dadivank2.geojson") in found


@pytest.mark.parametrize(
    "target", ["reports/dadivank/r-dadivank-2020-11-25.json", "catalogue.json", "sites/new.geojson", "evidence/ab/x"]
)
def test_outputs_are_never_written_over_the_catalogue(invoke: Invoke, sample: Catalogue, target: str) -> None:
    before = {p: p.read_bytes() for p in sample.root.rglob("*") if p.is_file()}
    for command in (["map", "-o", str(sample.root / target)], ["manifest", "-o", str(sample.root / target)]):
        result = invoke(*command, catalogue=sample)
        assert result.exit_code == ExitCode.INVALID and "part of the catalogue" in result.output
    assert {p: p.read_bytes() for p in sample.root.rglob("*") if p.is_file()} == before


def test_a_manifest_is_not_replaced_by_accident(invoke: Invoke, sample: Catalogue, tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    assert invoke("manifest", "-o", str(target), catalogue=sample).exit_code == 0
    again = invoke("manifest", "-o", str(target), catalogue=sample)
    assert again.exit_code == ExitCode.INVALID and "already exists" in again.output
    assert invoke("manifest", "-o", str(target), "--force", catalogue=sample).exit_code == 0


def test_stray_files_in_evidence_are_found_and_listed(sample: Catalogue) -> None:
    (sample.root / "evidence" / "ab" / "sub").mkdir(parents=True)
    (sample.root / "evidence" / "loose.bin").write_bytes(b"x")
    (sample.root / "evidence" / "ab" / ".hidden").write_bytes(b"x")
    found = {file for code, file in codes(sample) if code == "unexpected"}
    assert {"evidence/loose.bin", "evidence/ab/.hidden", "evidence/ab/sub"} <= found
    listed = build_manifest(sample)["files"]
    assert "evidence/loose.bin" in listed and "evidence/ab/.hidden" in listed

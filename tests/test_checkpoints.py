"""Signed checkpoints: made with ssh-keygen, checked by `verify` and by the documented shell lines,
and every way of tampering with what they cover caught."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import REPO, Invoke, report_doc, snapshot
from heritage.checkpoints import Checkpoint, parse_list
from heritage.codec import decode, encode
from heritage.models import ConditionReport
from heritage.store import Catalogue

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")


def make_key(folder: Path, name: str, passphrase: str = "") -> Path:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(key)],
        check=True,
        capture_output=True,
    )
    return key


def allow(root: Path, principal: str, key: Path) -> None:
    """Add a signer to the catalogue's allowed_signers, as a team does by hand."""
    kind, blob = key.with_suffix(".pub").read_text().split()[:2]
    with (root / "checkpoints" / "allowed_signers").open("a") as handle:
        handle.write(f'{principal} namespaces="heritage" {kind} {blob}\n')


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    folder.mkdir()
    return folder


@pytest.fixture
def ana(catalogue: Catalogue, keys: Path) -> Path:
    """Ana's key, allowed to sign in the catalogue."""
    key = make_key(keys, "ana")
    allow(catalogue.root, "ana@example.org", key)
    return key


def add_report(catalogue: Catalogue, report_id: str, recorded_at: str | None = None) -> str:
    """A new report of the fixture's site; recorded now unless told otherwise. Its path."""
    when = recorded_at or datetime.now(UTC).replace(microsecond=0).isoformat()
    report = decode(ConditionReport, json.dumps(report_doc(report_id, recorded_at=when)).encode())
    return catalogue.display(catalogue.add_report(report))


def checkpoint(invoke: Invoke, root: Path, key: Path, *more: str) -> str:
    """Make a checkpoint through the command line; its stem."""
    result = invoke("checkpoint", "--key", str(key), *more, catalogue=root)
    assert result.exit_code == 0, result.output
    found = re.search(r"checkpoint (\d{8}T\d{6}Z-[0-9a-f]{16}):", result.output)
    assert found, result.output
    return found.group(1)


def verify(invoke: Invoke, root: Path, *more: str) -> tuple[int, dict]:
    result = invoke("verify", "--json", *more, catalogue=root)
    return result.exit_code, json.loads(result.output)


def codes(data: dict, severity: str = "error") -> set[str]:
    return {p["code"] for p in data["problems"] if p["severity"] == severity}


def files_of(root: Path, stem: str) -> list[Path]:
    return [root / "checkpoints" / f"{stem}{suffix}" for suffix in (".checkpoint", ".checkpoint.sig", ".files")]


def test_a_checkpoint_is_signed_and_verified(invoke: Invoke, catalogue: Catalogue, ana: Path) -> None:
    root = catalogue.root
    first = checkpoint(invoke, root, ana)
    made = Checkpoint.parse((root / "checkpoints" / f"{first}.checkpoint").read_bytes())
    assert made.signer == "ana@example.org" and made.previous == () and made.files == 5
    listed = parse_list((root / "checkpoints" / f"{first}.files").read_bytes())
    assert "reports/st-sargis/r-1.json" in listed and "sites/st-sargis.geojson" in listed
    code, data = verify(invoke, root)
    assert code == 0 and data["ok"] and data["covered"] == 5, data
    assert [c["name"] for c in data["checkpoints"]] == [first] and data["checkpoints"][0]["ok"]

    # A record added later is fine; the next checkpoint lists only it and follows the first.
    added = add_report(catalogue, "r-3")
    assert verify(invoke, root)[0] == 0
    second = checkpoint(invoke, root, ana)
    then = Checkpoint.parse((root / "checkpoints" / f"{second}.checkpoint").read_bytes())
    assert then.files == 6 and then.previous == (_sha(root, first),)
    assert list(parse_list((root / "checkpoints" / f"{second}.files").read_bytes())) == [added]
    text = invoke("verify", catalogue=root).output
    assert f"checkpoint {first} OK" in text and f"checkpoint {second} OK" in text
    assert "2 of 2 checkpoint(s) verified, 6 file(s) covered" in text


def _sha(root: Path, stem: str) -> str:
    import hashlib

    return hashlib.sha256((root / "checkpoints" / f"{stem}.checkpoint").read_bytes()).hexdigest()


def test_ssh_keygen_accepts_the_signature_as_documented(invoke: Invoke, catalogue: Catalogue, ana: Path) -> None:
    stem = checkpoint(invoke, catalogue.root, ana)
    path = catalogue.root / "checkpoints" / f"{stem}.checkpoint"
    with path.open("rb") as message:
        command = "ssh-keygen -Y verify -f checkpoints/allowed_signers -I ana@example.org -n heritage -s"
        checked = subprocess.run(
            [*command.split(), f"{path}.sig"], stdin=message, cwd=catalogue.root, capture_output=True, text=True
        )
    assert checked.returncode == 0 and 'Good "heritage" signature for ana@example.org' in checked.stdout


def documented_check() -> str:
    """The shell lines docs/format.md gives outsiders, as written there."""
    text = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    section = text.split("### Checkpoints", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def run_documented(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", documented_check()], cwd=root, capture_output=True, text=True)


def test_the_documented_check_with_standard_tools_works_and_fails(
    invoke: Invoke, catalogue: Catalogue, ana: Path
) -> None:
    root = catalogue.root
    checkpoint(invoke, root, ana)
    add_report(catalogue, "r-3")
    checkpoint(invoke, root, ana)
    done = run_documented(root)
    assert done.returncode == 0, done.stderr
    assert 'Good "heritage" signature for ana@example.org' in done.stdout
    assert [line for line in done.stdout.splitlines() if line.endswith((" OK", "verified"))] == [
        "signature OK",
        "name OK",
        "list OK",
        "files OK",
        "count OK",
        "root OK",
        "checkpoint verified",
    ]
    (root / "reports" / "st-sargis" / "r-1.json").unlink()
    failed = run_documented(root)
    assert failed.returncode != 0 and "files FAILED" in failed.stdout
    assert failed.stdout.rstrip().endswith("CHECKPOINT NOT VERIFIED")


@pytest.fixture
def chain(invoke: Invoke, catalogue: Catalogue, ana: Path) -> list[str]:
    """Three checkpoints, a record added before each of the last two: all verify."""
    stems = [checkpoint(invoke, catalogue.root, ana)]
    for report_id in ("r-3", "r-4"):
        add_report(catalogue, report_id)
        stems.append(checkpoint(invoke, catalogue.root, ana))
    assert verify(invoke, catalogue.root)[0] == 0
    return stems


def rewrite_and_reseal(path: Path) -> None:
    """What a forger who knows the format does: change a record and seal it again."""
    report = decode(ConditionReport, path.read_bytes())
    path.write_bytes(encode(report.model_copy(update={"notes": "nothing happened here"})))


def test_a_rewritten_and_resealed_record_passes_its_seal(catalogue: Catalogue) -> None:
    """The premise of the resealed case below: without checkpoints, verify sees nothing."""
    from heritage.integrity import verify_catalogue

    rewrite_and_reseal(catalogue.root / "reports" / "st-sargis" / "r-2.json")
    assert verify_catalogue(catalogue).ok


def tamper_deleted(root: Path, stems: list[str]) -> None:
    (root / "reports" / "st-sargis" / "r-2.json").unlink()


def tamper_bytes(root: Path, stems: list[str]) -> None:
    path = root / "reports" / "st-sargis" / "r-3.json"
    path.write_bytes(path.read_bytes().replace(b"intact", b"destroyed"))


def tamper_resealed(root: Path, stems: list[str]) -> None:
    rewrite_and_reseal(root / "reports" / "st-sargis" / "r-2.json")


def tamper_renamed(root: Path, stems: list[str]) -> None:
    (root / "sources" / "src-chw.json").rename(root / "sources" / "src-chw2.json")


def tamper_checkpoint_edited(root: Path, stems: list[str]) -> None:
    path = root / "checkpoints" / f"{stems[1]}.checkpoint"
    path.write_text(re.sub(r"files \d+", "files 4", path.read_text()))


def tamper_list_edited(root: Path, stems: list[str]) -> None:
    path = root / "checkpoints" / f"{stems[1]}.files"
    path.write_text("")


def tamper_signature_swapped(root: Path, stems: list[str]) -> None:
    folder = root / "checkpoints"
    shutil.copy(folder / f"{stems[0]}.checkpoint.sig", folder / f"{stems[1]}.checkpoint.sig")


def tamper_signer_removed(root: Path, stems: list[str]) -> None:
    (root / "checkpoints" / "allowed_signers").write_text("# nobody\n")


def tamper_middle_deleted(root: Path, stems: list[str]) -> None:
    for path in files_of(root, stems[1]):
        path.unlink()


def tamper_stray_in_checkpoints(root: Path, stems: list[str]) -> None:
    (root / "checkpoints" / "notes.txt").write_text("hello\n")


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (tamper_deleted, "missing"),
        (tamper_bytes, "modified"),
        (tamper_resealed, "modified"),
        (tamper_renamed, "missing"),
        (tamper_checkpoint_edited, "bad-checkpoint"),
        (tamper_list_edited, "bad-checkpoint"),
        (tamper_signature_swapped, "bad-signature"),
        (tamper_signer_removed, "bad-signature"),
        (tamper_middle_deleted, "broken-chain"),
        (tamper_stray_in_checkpoints, "unexpected"),
    ],
)
def test_each_tampering_is_caught(
    invoke: Invoke, catalogue: Catalogue, chain: list[str], tamper: object, expected: str
) -> None:
    tamper(catalogue.root, chain)  # type: ignore[operator]
    code, data = verify(invoke, catalogue.root)
    assert code == 1 and not data["ok"]
    assert expected in codes(data), data["problems"]
    text = invoke("verify", catalogue=catalogue.root).output
    assert "NOT VERIFIED" in text


def test_an_edited_checkpoint_fails_its_own_line(invoke: Invoke, catalogue: Catalogue, chain: list[str]) -> None:
    tamper_checkpoint_edited(catalogue.root, chain)
    text = invoke("verify", catalogue=catalogue.root).output
    assert f"checkpoint {chain[1]} FAILED" in text and f"checkpoint {chain[0]} OK" in text


def test_a_back_dated_record_is_warned_of(invoke: Invoke, catalogue: Catalogue, chain: list[str]) -> None:
    path = add_report(catalogue, "r-late", recorded_at="2026-01-05T10:00:00+00:00")
    code, data = verify(invoke, catalogue.root)
    assert code == 0  # a warning: a late record may be honest, from a copy that did not checkpoint
    warned = [p for p in data["problems"] if p["code"] == "back-dated"]
    assert [p["file"] for p in warned] == [path] and warned[0]["severity"] == "warning"
    # A record brought in with its old dates is judged by when it was migrated.
    document = json.loads((catalogue.root / path).read_text())
    document["migrated"] = {"at": datetime.now(UTC).replace(microsecond=0).isoformat(), "by": "importer"}
    (catalogue.root / path).write_text(json.dumps(document))
    assert "back-dated" not in codes(verify(invoke, catalogue.root)[1], "warning")


def test_a_record_added_after_the_latest_checkpoint_is_fine(
    invoke: Invoke, catalogue: Catalogue, chain: list[str]
) -> None:
    add_report(catalogue, "r-new")
    code, data = verify(invoke, catalogue.root)
    assert code == 0 and not data["problems"], data["problems"]


def test_a_checkpoint_of_a_damaged_catalogue_is_refused(invoke: Invoke, catalogue: Catalogue, chain: list[str]) -> None:
    root = catalogue.root
    key = root.parent / "keys" / "ana"
    tamper_deleted(root, chain)
    before = snapshot(root)
    result = invoke("checkpoint", "--key", str(key), catalogue=root)
    assert result.exit_code == 1 and "changed or removed" in result.output
    assert snapshot(root) == before


def test_forked_copies_merge_and_join(invoke: Invoke, catalogue: Catalogue, ana: Path, keys: Path) -> None:
    root = catalogue.root
    first = checkpoint(invoke, root, ana)
    other = root.parent / "other"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".heritage"))
    bea = make_key(keys, "bea")
    allow(root, "bea@example.org", bea)
    allow(other, "bea@example.org", bea)
    here = add_report(catalogue, "r-here")
    mine = checkpoint(invoke, root, ana)
    theirs_copy = Catalogue.open(other)
    there = add_report(theirs_copy, "r-there")
    theirs = checkpoint(invoke, other, bea)
    for stem in (mine, theirs):  # a fork: both follow the first
        assert Checkpoint.parse(files_of(stem_root(stem, root, other), stem)[0].read_bytes()).previous == (
            _sha(root, first),
        )
    assert verify(invoke, other)[0] == 0
    # What a git merge does: each side's new files, side by side (no file is in both).
    for path in [other / there, *files_of(other, theirs)]:
        target = root / path.relative_to(other)
        assert not target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    code, data = verify(invoke, root)
    assert code == 0, data["problems"]
    heads = {c["name"] for c in data["checkpoints"] if c["head"]}
    assert heads == {mine, theirs} and data["covered"] == 7
    joined = checkpoint(invoke, root, ana)
    join = Checkpoint.parse((root / "checkpoints" / f"{joined}.checkpoint").read_bytes())
    assert join.previous == tuple(sorted([_sha(root, mine), _sha(root, theirs)])) and join.files == 7
    assert parse_list((root / "checkpoints" / f"{joined}.files").read_bytes()) == {}
    code, data = verify(invoke, root)
    assert code == 0 and [c["name"] for c in data["checkpoints"] if c["head"]] == [joined]
    assert {here, there} <= set(parse_list(b"".join(p.read_bytes() for p in (root / "checkpoints").glob("*.files"))))
    assert run_documented(root).returncode == 0
    # Either side's record deleted after the join is caught.
    (root / there).unlink()
    assert "missing" in codes(verify(invoke, root)[1])


def stem_root(stem: str, *roots: Path) -> Path:
    return next(root for root in roots if files_of(root, stem)[0].exists())


def test_a_key_not_in_allowed_signers_is_refused(invoke: Invoke, catalogue: Catalogue, ana: Path, keys: Path) -> None:
    stranger = make_key(keys, "stranger")
    before = snapshot(catalogue.root)
    result = invoke("checkpoint", "--key", str(stranger), catalogue=catalogue.root)
    assert result.exit_code == 1 and "not in checkpoints/allowed_signers" in result.output
    assert "ssh-ed25519 AAAA" in result.output  # the line to add, ready to paste
    result = invoke("checkpoint", "--key", str(ana), "--signer", "bea@example.org", catalogue=catalogue.root)
    assert result.exit_code == 1 and "does not verify" in result.output
    assert snapshot(catalogue.root) == before


def test_a_key_with_a_passphrase_is_refused_clearly(invoke: Invoke, catalogue: Catalogue, keys: Path) -> None:
    locked = make_key(keys, "locked", passphrase="correct horse")
    allow(catalogue.root, "ana@example.org", locked)
    before = snapshot(catalogue.root)
    result = invoke("checkpoint", "--key", str(locked), catalogue=catalogue.root)
    assert result.exit_code == 1 and "passphrase" in result.output and "ssh-agent" in result.output
    assert snapshot(catalogue.root) == before


def test_no_allowed_signers_and_no_ssh_keygen_are_clear_errors(
    invoke: Invoke, catalogue: Catalogue, keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = make_key(keys, "ana")
    before = snapshot(catalogue.root)
    result = invoke("checkpoint", "--key", str(key), catalogue=catalogue.root)
    assert result.exit_code == 1 and "allowed_signers" in result.output and "not found" in result.output
    allow(catalogue.root, "ana@example.org", key)
    before = snapshot(catalogue.root)
    monkeypatch.setenv("PATH", str(keys))  # a folder with no ssh-keygen in it
    result = invoke("checkpoint", "--key", str(key), catalogue=catalogue.root)
    assert result.exit_code == 1 and "ssh-keygen" in result.output and "not found" in result.output
    assert snapshot(catalogue.root) == before


def test_a_trusted_copy_of_allowed_signers_overrides_the_catalogues(
    invoke: Invoke, catalogue: Catalogue, chain: list[str], keys: Path
) -> None:
    """Someone who can write to the catalogue can add a key of their own: a reader who trusts only
    the signers they were given checks against those."""
    mallory = make_key(keys, "mallory")
    allow(catalogue.root, "mallory@example.org", mallory)
    add_report(catalogue, "r-5")
    checkpoint(invoke, catalogue.root, mallory)
    assert verify(invoke, catalogue.root)[0] == 0
    trusted = keys / "trusted_signers"
    kind, blob = (keys / "ana.pub").read_text().split()[:2]
    trusted.write_text(f'ana@example.org namespaces="heritage" {kind} {blob}\n')
    code, data = verify(invoke, catalogue.root, "--allowed-signers", str(trusted))
    assert code == 1 and "bad-signature" in codes(data)
    assert [c["ok"] for c in data["checkpoints"]].count(False) == 1


def test_init_makes_the_checkpoints_folder_and_outputs_stay_out(invoke: Invoke, tmp_path: Path) -> None:
    root = tmp_path / "new"
    assert invoke("init", str(root)).exit_code == 0
    assert (root / "checkpoints").is_dir()
    assert invoke("verify", catalogue=root).exit_code == 0
    result = invoke("manifest", "-o", str(root / "checkpoints" / "m.json"), catalogue=root)
    assert result.exit_code == 1 and "part of the catalogue" in result.output


def test_checkpoints_are_not_in_the_root_hash_they_sign(invoke: Invoke, catalogue: Catalogue, ana: Path) -> None:
    from heritage.integrity import build_manifest

    before = build_manifest(catalogue)["files"]
    checkpoint(invoke, catalogue.root, ana)
    assert build_manifest(catalogue)["files"] == before


def test_a_key_given_as_its_public_half_signs_through_ssh_keygen(
    invoke: Invoke, catalogue: Catalogue, ana: Path
) -> None:
    """`--key KEY.pub`: ssh-keygen signs with the agent's key, or the private one beside it."""
    stem = checkpoint(invoke, catalogue.root, ana.with_suffix(".pub"))
    assert verify(invoke, catalogue.root)[1]["checkpoints"][0]["name"] == stem

"""Proving nothing was altered: `verify`, `manifest` and `checkpoint`."""

from __future__ import annotations

from pathlib import Path

import click

from heritage import recording
from heritage.checkpoints import make_checkpoint, verify_checkpoints
from heritage.cli.app import Env, ExitCode, cli, pass_env
from heritage.cli.common import console, echo_json, inform, json_option, printable, quiet_option
from heritage.hashing import manifest_text, write_manifest
from heritage.integrity import build_manifest, compare_manifest, read_manifest, verify_catalogue
from heritage.layout import output_path
from heritage.seals import reseal_catalogue


@cli.command()
@click.option(
    "--against",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also report what was added, modified or removed since this manifest was made; - for standard input.",
)
@click.option(
    "--allowed-signers",
    "allowed",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Check checkpoints' signatures against this allowed_signers file (one you trust) "
    "instead of the catalogue's own checkpoints/allowed_signers.",
)
@json_option("Print JSON.")
@pass_env
def verify(env: Env, against: Path | None, allowed: Path | None, as_json: bool) -> None:
    """Check every record's seal, every evidence file's hash and every signed checkpoint, and
    that nothing a checkpoint covers was deleted or changed. Exit 1 on any problem.

    \b
    Example:
      heritage verify
      heritage verify --against ~/manifests/2026-11-28.json
      heritage verify --allowed-signers ~/trusted/allowed_signers
    """
    catalogue = env.catalogue
    result = verify_catalogue(catalogue)
    chain = verify_checkpoints(catalogue, result.digests, allowed)
    result.problems += chain.all_problems
    diff = compare_manifest(catalogue, read_manifest(against)) if against else None
    ok = result.ok and (diff is None or diff.unchanged)
    if as_json:
        data: dict[str, object] = {
            "ok": ok,
            "checked": result.checked,
            "problems": [p.as_dict() for p in result.problems],
            "checkpoints": [
                {
                    "name": found.stem,
                    "ok": found.ok,
                    "sha256": found.digest or None,
                    "time": found.checkpoint.time.isoformat() if found.checkpoint else None,
                    "signer": found.checkpoint.signer if found.checkpoint else None,
                    "files": found.checkpoint.files if found.checkpoint else None,
                    "head": found.stem in chain.heads,
                }
                for found in chain.checkpoints
            ],
            "covered": len(chain.covered),
        }
        if diff is not None:
            data["since_manifest"] = {"added": diff.added, "modified": diff.modified, "removed": diff.removed}
        echo_json(data)
    else:
        out = console()
        for problem in result.problems:
            out.print(
                printable(f"{problem.severity} {problem.code}: {problem.describe()}"), markup=False, soft_wrap=True
            )
        for found in chain.checkpoints:
            if found.ok and found.checkpoint is not None:
                line = (
                    f"checkpoint {found.stem} OK: signed by {found.checkpoint.signer}, {found.checkpoint.files} file(s)"
                )
            else:
                line = f"checkpoint {found.stem} FAILED"
            out.print(printable(line), markup=False, soft_wrap=True)
        if diff is not None:
            for label, paths in (("added", diff.added), ("modified", diff.modified), ("removed", diff.removed)):
                for path in paths:
                    out.print(printable(f"{label} since the manifest: {path}"), markup=False, soft_wrap=True)
        verdict = "verified" if ok else "NOT VERIFIED"
        errors = sum(1 for p in result.problems if p.severity == "error")
        changed = (
            ""
            if diff is None
            else (
                f"; {len(diff.added)} added, {len(diff.modified)} modified, "
                f"{len(diff.removed)} removed since the manifest"
            )
        )
        signed = (
            f"; {sum(f.ok for f in chain.checkpoints)} of {len(chain.checkpoints)} checkpoint(s) verified, "
            f"{len(chain.covered)} file(s) covered"
            if chain.checkpoints
            else ""
        )
        out.print(f"{verdict}: {result.checked} file(s) checked, {errors} problem(s){signed}{changed}", markup=False)
    if not ok:
        raise SystemExit(ExitCode.INVALID)


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),  # text: a trailing '/' is seen (and refused)
    required=True,
    help="Where to write the manifest (keep it outside the catalogue, or give it to someone); - for standard output.",
)
@click.option("--force", is_flag=True, help="Replace an existing file of that name.")
@quiet_option
@pass_env
def manifest(env: Env, output: str, force: bool) -> None:
    """Write the SHA-256 of every file of the catalogue, and one root hash over them all.

    \b
    Example:
      heritage manifest -o ~/manifests/2026-11-28.json
      heritage verify --against ~/manifests/2026-11-28.json
      heritage manifest -o - | ssh archive 'cat > manifests/2026-11-28.json'
    """
    if output == "-":
        click.echo(manifest_text(build_manifest(env.catalogue)), nl=False)
        return
    target = output_path(env.catalogue.root, output, overwrite=force)
    data = build_manifest(env.catalogue)
    write_manifest(target, data)
    inform(f"root {data['root']}: {len(data['files'])} file(s), written to {target}")


@cli.command()
@click.option(
    "--key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    required=True,
    help="The SSH key to sign with: a private key without a passphrase, or the public key (.pub) "
    "of one loaded into ssh-agent.",
)
@click.option("--signer", help="Sign as this principal of allowed_signers; the key's first one if absent.")
@quiet_option
@pass_env
def checkpoint(env: Env, key: Path, signer: str | None) -> None:
    """Sign a checkpoint of every record and evidence file into checkpoints/ (then commit it).

    The key must be listed in checkpoints/allowed_signers. `heritage verify` then proves that
    nothing the checkpoint covers is deleted or changed.

    \b
    Example:
      heritage checkpoint --key ~/.ssh/id_ed25519
      heritage checkpoint --key ~/.ssh/id_ed25519.pub --signer ana@example.org
      git add checkpoints && git commit -m "Checkpoint"
    """
    stem, made = make_checkpoint(env.catalogue, key, signer)
    inform(
        f"checkpoint {stem}: root {made.root}, {made.files} file(s), signed by {made.signer}, "
        f"written to checkpoints/{stem}.checkpoint"
    )


@cli.command()
@click.option("--dry-run", is_flag=True, help="Say what would be resealed; write nothing.")
@json_option("Print what was (or would be) resealed as JSON.")
@pass_env
def migrate(env: Env, dry_run: bool, as_json: bool) -> None:
    """Reseal every record under RFC 8785 (JCS), keeping its old seal in `resealed`.

    Records are never rewritten but for this, once: catalogues made before heritage sealed by
    RFC 8785 are resealed so that anyone can check a seal with standard tools (docs/format.md).
    Refused, with nothing written, while any record's seal does not hold. Running it again
    finishes an interrupted run and otherwise does nothing. Commit the result in git as one commit.

    \b
    Example:
      heritage verify && heritage migrate --dry-run
      heritage migrate && git add -A && git commit -m "Reseal records under RFC 8785"
    """
    result = reseal_catalogue(env.catalogue, by=env.user(), at=recording.utc_now(), dry_run=dry_run)
    if as_json:
        echo_json(
            {
                "ok": result.ok,
                "dry_run": dry_run,
                "resealed": result.resealed,
                "already": result.kept,
                "catalogue_marked": result.marked,
                "problems": [p.as_dict() for p in result.refused],
            }
        )
    else:
        out = console()
        for problem in result.refused:
            out.print(printable(f"error {problem.code}: {problem.describe()}"), markup=False, soft_wrap=True)
        if not result.ok:
            out.print(
                f"NOT MIGRATED: {len(result.refused)} record(s) whose seal does not hold; nothing was written. "
                "Find out what changed them (heritage verify, git log) before migrating.",
                markup=False,
                soft_wrap=True,
            )
        else:
            verb = "would reseal" if dry_run else "resealed"
            inform(f"{verb} {len(result.resealed)} record(s); {result.kept} already sealed by RFC 8785 (JCS)")
            if result.marked:
                inform(f"catalogue.json {'would say' if dry_run else 'now says'} seal: jcs")
            if result.resealed and not dry_run:
                inform("commit the result in git as one commit: it is the one sanctioned rewrite of records")
    if not result.ok:
        raise SystemExit(ExitCode.INVALID)

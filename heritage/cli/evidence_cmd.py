"""`heritage evidence add`: files stored by their SHA-256, with what they say about themselves."""

from __future__ import annotations

from pathlib import Path

import click

from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import aware_datetime, refuse_stdio, renamed
from heritage.cli.completion import source_ids


@cli.group()
def evidence() -> None:
    """Evidence files: photos, images, documents, stored by the SHA-256 of their bytes."""


@evidence.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", required=True, help="The source the file belongs to.", shell_complete=source_ids)
@click.option("--captured-at", help="When it was captured, with its time zone (2022-07-06T10:15:00+04:00).")
@click.option("--captured-by", help="Who captured it.")
@click.option("--received-from", help="The person or organisation the file came from.")
@click.option("--via", "received_via", help="How it came: email, Signal, WhatsApp, USB handover, download...")
@click.option("--url", "received_url", help="The http(s) address it was downloaded from.")
@renamed("--notes", "--note", dest="notes")
@pass_env
def evidence_add(
    env: Env,
    file: Path,
    source: str,
    captured_at: str | None,
    captured_by: str | None,
    received_from: str | None,
    received_via: str | None,
    received_url: str | None,
    notes: str | None,
) -> None:
    """Store FILE as evidence of a source; print its SHA-256 (what sha256sum prints) and its id.

    Capture time, time zone, GPS position, camera, software and the camera's serial number are
    read from a photo's EXIF when present. The record is the first link of the file's chain of
    custody (see `heritage evidence custody`): who added it, when, its name, and whom it came from
    and how, if given.

    \b
    Example:
      heritage evidence add photos/IMG_2041.jpg --source src-field-visit-2026-05 \\
        --captured-by "Mission team 2" --received-from "Mission team 2" --via "USB handover"
    """
    from heritage.evidence import Received, add_evidence

    refuse_stdio(file, "FILE", "evidence is kept with the name, type and photo metadata of its file; save it first")

    when = aware_datetime(captured_at, "--captured-at")
    record = add_evidence(
        env.catalogue,
        file,
        source,
        recorded_by=env.user(),
        captured_at=when,
        captured_by=captured_by,
        notes=notes,
        received=Received(received_from, received_via, received_url),
    )
    click.echo(f"{record.file_sha256}  {record.id}")

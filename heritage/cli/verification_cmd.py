"""How a statement was checked: `heritage verification add|list|show`."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import click

from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import (
    choice,
    citations,
    drop_none,
    echo_json,
    evidence_hashes,
    json_option,
    listing_audience_option,
    renamed,
)
from heritage.cli.completion import source_ids
from heritage.cli.reading import LIMIT_OPTION, print_fields, print_table
from heritage.cli.records import FILE_OPTION
from heritage.listing import find_verification, list_verifications
from heritage.models import Sensitivity, SubjectKind, Verification, VerificationResult, VerificationStep
from heritage.models.base import utc_today
from heritage.recording import add_verification, read_json_file

METHOD_EXAMPLES = (
    "reverse image search, metadata/EXIF examination, shadow analysis, "
    "satellite imagery comparison, landmark matching, archive search"
)


@cli.group()
def verification() -> None:
    """Verifications: how a source, an evidence file, a report or an allegation was checked."""


@verification.command("add")
@click.option("--id", "verification_id", help="An id; a new unique one if absent.")
@click.option(
    "--subject", help="What was checked: a source, report or allegation id, or an evidence file (ev-... id or SHA-256)."
)
@click.option("--subject-kind", type=choice(SubjectKind), help="Say which, if two kinds of record share the id.")
@click.option("--step", type=choice(VerificationStep), help="Which verification step.")
@click.option("--method", help=f"How it was checked ({METHOD_EXAMPLES}...).")
@click.option("--result", type=choice(VerificationResult), help="What the check found.")
@click.option("--checked-on", help="The day of the check (YYYY-MM-DD).")
@click.option("--checked-by", help="Who did the check (not who records it).")
@click.option("--evidence", multiple=True, metavar="EV", help="A file relied on: ev-... id or SHA-256; repeat.")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="ID[:LOCATOR]",
    help="A source relied on, optionally with page/timestamp; repeat.",
    shell_complete=source_ids,
)
@renamed("--notes", "--note", dest="notes")
@click.option("--location", type=(float, float), metavar="LON LAT", help="Geolocation: the point found (WGS84).")
@click.option("--date-found", help="Chronolocation: the date or window found (2022-07-06, 2022-06/2022-07-10).")
@click.option("--sensitivity", type=choice(Sensitivity), default="public", show_default=True)
@click.option("--supersedes", help="The id of the verification this one corrects.")
@FILE_OPTION
@pass_env
def verification_add(
    env: Env,
    verification_id: str | None,
    subject: str | None,
    subject_kind: str | None,
    step: str | None,
    method: str | None,
    result: str | None,
    checked_on: str | None,
    checked_by: str | None,
    evidence: tuple[str, ...],
    sources: tuple[str, ...],
    notes: str | None,
    location: tuple[float, float] | None,
    date_found: str | None,
    sensitivity: str,
    supersedes: str | None,
    record_file: Path | None,
    as_recorded: bool,
) -> None:
    """Record one verification step; print its id. The day checked is today and the checker is
    you unless given; a geolocation may give the point found, a chronolocation the date found.

    \b
    Example:
      heritage verification add --subject ev-3f2a9c0d1e4b5a6f7c8d --step geolocation \\
        --method "landmark matching against satellite imagery" --result confirmed \\
        --checked-on 2024-05-02 --checked-by "A. Analyst" --location 46.7562 39.7585
      heritage verification add --file verification.json
    """
    catalogue = env.catalogue
    if record_file is not None:
        document = read_json_file(record_file)
    else:
        required = {"subject": subject, "step": step, "method": method, "result": result}
        missing = [f"--{name}" for name, value in required.items() if value is None]
        if missing:
            raise click.UsageError(f"missing {', '.join(missing)} (or give the whole record with --file)")
        document = drop_none(
            {
                "id": verification_id,
                "subject": subject,
                "subject_kind": subject_kind,
                "step": step,
                "method": method,
                "result": result,
                "checked_on": checked_on or utc_today().isoformat(),
                "checked_by": checked_by or env.user(),
                "evidence": evidence_hashes(catalogue, evidence),
                "sources": citations(sources),
                "notes": notes,
                "location": {"type": "Point", "coordinates": list(location)} if location else None,
                "date_found": date_found,
                "sensitivity": sensitivity,
                "supersedes": supersedes,
            }
        )
    record = add_verification(catalogue, document, env.user(), as_recorded=as_recorded, file=record_file)
    click.echo(record.id)


@verification.command("list")
@click.option("--subject", help="Only the checks of this record (an id, or an evidence file's ev-... id or SHA-256).")
@listing_audience_option
@json_option("Print JSON instead of a table.")
@LIMIT_OPTION
@pass_env
def verification_list(env: Env, subject: str | None, audience: str, as_json: bool, limit: int | None) -> None:
    """List verifications: what each checked, the step, the result, when and by whom.

    \b
    Example:
      heritage verification list --subject src-jamnews-restoration
      heritage verification list --audience public --json
    """
    found = list_verifications(env.catalogue, audience, subject)
    if as_json:
        echo_json([v.model_dump(mode="json", exclude_none=True) for v in found])
        return
    headers = ["id", "subject", "step", "result", "method", "checked", "by"]
    rows = [
        [
            v.id,
            f"{v.subject_kind.value} {v.subject}",
            v.step.value,
            v.result.value + (" (corrects " + v.supersedes + ")" if v.supersedes else ""),
            v.method,
            v.checked_on.isoformat(),
            v.checked_by,
        ]
        for v in found
    ]
    print_table("verification(s)", headers, rows, limit)


@verification.command("show")
@click.argument("verification_id", metavar="ID")
@listing_audience_option
@json_option()
@pass_env
def verification_show(env: Env, verification_id: str, audience: str, as_json: bool) -> None:
    """Show one verification: what was checked, how, with what result, relying on what.

    \b
    Example:
      heritage verification show vf-01J2K3M4N5P6Q7R8S9T0V1W2X3
    """
    v = find_verification(env.catalogue, verification_id, audience)
    if as_json:
        echo_json(v.model_dump(mode="json", exclude_none=True))
        return
    print_fields(v.id, _fields(v))


def _fields(v: Verification) -> list[tuple[str, object]]:
    point = v.location.coordinates if v.location else None
    return [
        ("subject", f"{v.subject_kind.value} {v.subject}"),
        ("step", v.step.value),
        ("method", v.method),
        ("result", v.result.value),
        ("checked", f"{v.checked_on}, by {v.checked_by}"),
        ("point found", f"{point[1]:.6f}, {point[0]:.6f} (lat, lon)" if point else None),
        ("date found", v.date_found),
        ("evidence", ", ".join(v.evidence)),
        ("sources", "; ".join(c.source + (f" ({c.locator})" if c.locator else "") for c in v.sources)),
        ("notes", v.notes),
        ("corrects", v.supersedes),
        ("sensitivity", v.sensitivity.value),
        ("recorded", f"{v.recorded_by}, {v.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"),
    ]

"""Reading one kind of record: `source list|show`, `report list|show`, `evidence list|show`.

Each takes --json, and --audience to see the records as the public or a mission would
(`heritage.listing`). Catalogue text reaches rich only as `Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

import click
from rich.text import Text

from heritage.cli import columns
from heritage.cli.app import Env, pass_env
from heritage.cli.browse import TABLE_LIMIT
from heritage.cli.common import (
    choice,
    console,
    echo_json,
    indented,
    json_option,
    listing_audience_option,
    plain_text,
    printable,
)
from heritage.cli.completion import site_ids, source_ids
from heritage.cli.evidence_cmd import evidence
from heritage.cli.records import report, source
from heritage.listing import find_evidence, find_report, find_source, list_evidence, list_reports, list_sources
from heritage.models import ConditionReport, Evidence, Source
from heritage.models.vocab import SourceKind, with_certainty

LIMIT_OPTION = click.option(
    "--limit",
    type=click.IntRange(min=0),
    help=f"Show at most this many in a table; 0 for all. Default: {TABLE_LIMIT} in a table, all with --json.",
)


def _record_json(record: Any) -> dict[str, Any]:
    data: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    return data


def print_table(what: str, headers: Sequence[str], rows: list[list[str]], limit: int | None) -> None:
    """A listing as the site list prints it: every cell folded, never cut; the first `limit` rows
    (TABLE_LIMIT unless given; 0 for all) and a line saying how many were left out."""
    limit = TABLE_LIMIT if limit is None else limit
    total, shown = len(rows), rows[:limit] if limit else rows
    out = console()
    title = f"{total} {what}"
    if not rows:  # a line, not the frame of an empty table
        out.print(title, markup=False)
        return
    out.print(columns.table(title, headers, [[printable(c) for c in row] for row in shown], out.width, set()))
    if len(shown) < total:
        out.print(f"showing {len(shown):,} of {total:,}; --limit 0 for all, or --json", markup=False)


def print_fields(title: str, fields: Sequence[tuple[str, object]]) -> None:
    out = console()
    out.print(plain_text(title, style="bold"))
    for label, value in fields:
        if value not in (None, "", []):
            out.print(Text.assemble((f"{label}: ", "bold"), indented(value)), soft_wrap=True)


# -- sources -------------------------------------------------------------------------------------


@source.command("list")
@click.option("--party", "parties", multiple=True, help="Only sources speaking for this party; repeat.")
@click.option("--kind", "kinds", multiple=True, type=choice(SourceKind), help="Only sources of this kind; repeat.")
@listing_audience_option
@LIMIT_OPTION
@json_option("Print JSON instead of a table.")
@pass_env
def source_list(
    env: Env, parties: tuple[str, ...], kinds: tuple[str, ...], audience: str, limit: int | None, as_json: bool
) -> None:
    """List sources with their kind, date, grade and party.

    \b
    Example:
      heritage source list --kind satellite_image
      heritage source list --party armenia --audience public --json
    """
    known = env.catalogue.info.party_ids()
    for party in parties:
        if party not in known:
            message = f"unknown party {party!r}; known: {', '.join(sorted(known))}"
            raise click.BadParameter(message, param_hint="--party")
    found = list_sources(env.catalogue, audience, parties, kinds)
    if as_json:
        echo_json([_record_json(s) for s in found])
        return
    rows = [[s.id, s.kind.value, str(s.published or "-"), s.reliability.value, s.party or "-", s.title] for s in found]
    print_table("source(s)", ["id", "kind", "published", "grade", "party", "title"], rows, limit)


@source.command("show")
@click.argument("source_id", metavar="SOURCE", shell_complete=source_ids)
@listing_audience_option
@json_option()
@pass_env
def source_show(env: Env, source_id: str, audience: str, as_json: bool) -> None:
    """Show one source: who published it and when, its grade, its files.

    \b
    Example:
      heritage source show src-unesco-2021
      heritage source show src-unesco-2021 --audience public --json
    """
    found = find_source(env.catalogue, source_id, audience)
    if as_json:
        echo_json(_record_json(found))
        return
    print_fields(found.id, _source_fields(found))


def _source_fields(s: Source) -> list[tuple[str, object]]:
    satellite, files = s.satellite, s.evidence
    return [
        ("title", s.title),
        ("kind", s.kind.value),
        ("author", s.author),
        ("publisher", s.publisher),
        ("published", s.published),
        ("url", s.url),
        ("archived", s.archived_url),
        ("accessed", s.accessed),
        ("language", s.language),
        ("party", s.party),
        ("reliability", s.reliability.value),
        ("sensitivity", s.sensitivity.value),
        (
            "satellite",
            ", ".join(
                str(x) for x in (satellite.provider, satellite.acquired_on, satellite.sensor, satellite.scene_id) if x
            )
            if satellite
            else None,
        ),
        ("notes", s.notes),
        *(("file", f"{f.sha256}  {f.media_type}, {f.size:,} bytes" + (f", {f.name}" if f.name else "")) for f in files),
        ("recorded", f"{s.recorded_by}, {s.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"),
    ]


# -- condition reports ---------------------------------------------------------------------------


@report.command("list")
@click.option("--site", "site_id", metavar="SITE", help="Only the reports of this site.", shell_complete=site_ids)
@listing_audience_option
@LIMIT_OPTION
@json_option("Print JSON instead of a table.")
@pass_env
def report_list(env: Env, site_id: str | None, audience: str, limit: int | None, as_json: bool) -> None:
    """List condition reports site by site, as recorded (`history SITE` says which are in force).

    \b
    Example:
      heritage report list --site kanach-zham
      heritage report list --audience public --json
    """
    found = list_reports(env.catalogue, audience, site_id)
    if as_json:
        echo_json([_record_json(r) for r in found])
        return
    rows = [
        [
            r.id,
            r.site,
            str(r.observed),
            with_certainty(r.condition, r.certainty),
            r.method.value,
            ", ".join(c.source for c in r.sources),
        ]
        for r in found
    ]
    print_table("report(s)", ["id", "site", "observed", "condition", "method", "sources"], rows, limit)


@report.command("show")
@click.argument("report_id", metavar="REPORT")
@listing_audience_option
@json_option()
@pass_env
def report_show(env: Env, report_id: str, audience: str, as_json: bool) -> None:
    """Show one condition report as recorded.

    \b
    Example:
      heritage report show r-kanach-zham-2023-12-2024-04-04
      heritage report show r-kanach-zham-2023-12-2024-04-04 --audience public --json
    """
    found = find_report(env.catalogue, report_id, audience)
    if as_json:
        echo_json(_record_json(found))
        return
    print_fields(found.id, _report_fields(found))


def _report_fields(r: ConditionReport) -> list[tuple[str, object]]:
    return [
        ("site", r.site),
        ("observed", r.observed),
        ("condition", with_certainty(r.condition, r.certainty)),
        ("method", r.method.value),
        ("damage extent", r.damage_extent.value if r.damage_extent else None),
        ("damage effects", ", ".join(e.value for e in r.damage_effects)),
        ("damage causes", ", ".join(c.value for c in r.damage_causes)),
        ("credibility", r.credibility),
        ("observed by", r.observed_by),
        ("access", r.access.value if r.access else None),
        ("access reason", r.access_reason),
        ("sources", "; ".join(c.source + (f", {c.locator}" if c.locator else "") for c in r.sources)),
        *(("evidence", sha) for sha in r.evidence),
        ("notes", r.notes),
        ("sensitivity", r.sensitivity.value),
        ("supersedes", r.supersedes),
        *(("warning", f"{w.code}: {w.message}") for w in r.warnings),
        ("recorded", f"{r.recorded_by}, {r.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"),
    ]


# -- evidence files ------------------------------------------------------------------------------


@evidence.command("list")
@click.option(
    "--source", "source_id", metavar="SOURCE", help="Only the files of this source.", shell_complete=source_ids
)
@listing_audience_option
@LIMIT_OPTION
@json_option("Print JSON instead of a table.")
@pass_env
def evidence_list(env: Env, source_id: str | None, audience: str, limit: int | None, as_json: bool) -> None:
    """List evidence files: their id, source, type, size and when they were captured.

    \b
    Example:
      heritage evidence list --source src-field-visit-2026-05
      heritage evidence list --audience mission --json
    """
    found = list_evidence(env.catalogue, audience, source_id)
    if as_json:
        echo_json([_record_json(e) for e in found])
        return
    rows = [
        [
            e.id,
            e.source,
            e.media_type,
            f"{e.size:,}",
            f"{e.captured_at:%Y-%m-%d %H:%M %z}" if e.captured_at else "-",
            e.name or "-",
        ]
        for e in found
    ]
    print_table("evidence file(s)", ["id", "source", "type", "bytes", "captured", "name"], rows, limit)


@evidence.command("show")
@click.argument("reference", metavar="EV")
@listing_audience_option
@json_option()
@pass_env
def evidence_show(env: Env, reference: str, audience: str, as_json: bool) -> None:
    """Show one evidence file's record, named by its ev-... id or SHA-256, and its chain of custody.

    \b
    Example:
      heritage evidence show ev-3f2a9c0d1e4b5a6f7c8d
    """
    found = find_evidence(env.catalogue, reference, audience)
    if as_json:
        echo_json(_record_json(found))
        return
    print_fields(found.id, _evidence_fields(found))
    from heritage.cli.custody_cmd import print_chain
    from heritage.custody import find_chain

    print_chain(find_chain(env.catalogue, reference, audience), "chain of custody")


def _evidence_fields(e: Evidence) -> list[tuple[str, object]]:
    point = e.location.representative if e.location else None
    return [
        ("sha256", e.file_sha256),
        ("source", e.source),
        ("type", e.media_type),
        ("bytes", f"{e.size:,}"),
        ("name", e.name),
        ("captured at", e.captured_at),
        ("camera time", e.camera_time),
        ("captured by", e.captured_by),
        ("where", f"{point[1]:.6f}, {point[0]:.6f} (lat, lon)" if point else None),
        ("camera", e.camera),
        ("software", e.software),
        ("device serial", e.device_serial),
        ("received from", e.received_from),
        ("received via", e.received_via),
        ("received url", e.received_url),
        ("notes", e.notes),
        ("sensitivity", e.sensitivity.value),
        ("recorded", f"{e.recorded_by}, {e.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"),
    ]

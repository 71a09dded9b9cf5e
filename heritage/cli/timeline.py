"""History and change: `history`, `changes`, `report correct`, `report retract`."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from heritage import layout
from heritage.atomic import replace_file
from heritage.changes import CHANGE_COLUMNS, changed_sites, feature_collection
from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import (
    audience_option,
    bbox,
    choice,
    citations,
    console,
    echo_json,
    evidence_hashes,
    indented,
    inform,
    json_option,
    json_text,
    known,
    parse_date,
    plain_text,
    printable,
    progress_console,
    quiet_option,
    refuse_stdio,
    renamed,
)
from heritage.cli.completion import site_ids, source_ids
from heritage.cli.records import report
from heritage.collector import paused_gc
from heritage.corrections import Corrections, correct_report, retract_report
from heritage.csvfile import csv_text, write_csv
from heritage.history import Entry
from heritage.layout import output_path
from heritage.models import Condition, ConditionReport
from heritage.models.vocab import Certainty, DamageCause, DamageEffect, DamageExtent, Method, with_certainty
from heritage.query import site_detail
from heritage.recording import migration_note
from heritage.selection import read_area, sites_for_audience
from heritage.visits import field_facts, warning_text


@cli.command()
@click.argument("site_id", metavar="SITE", shell_complete=site_ids)
@json_option()
@click.option("--chart", type=click.Path(dir_okay=False), help="Draw condition over time (.svg/.png).")
@pass_env
def history(env: Env, site_id: str, as_json: bool, chart: str | None) -> None:
    """A site's timeline: every report, who recorded it and when, and what became of it.

    \b
    Example:
      heritage history kanach-zham
      heritage history kanach-zham --chart kanach-zham.svg
    """
    refuse_stdio(chart, "--chart", "its suffix (.svg or .png) chooses the format; the table goes to standard output")
    chart_file = output_path(env.catalogue.root, chart) if chart is not None else None  # before any work
    with env.index(kinds=(layout.ALLEGATIONS,)) as index:  # the allegations about it, found by the index
        detail = site_detail(env.catalogue, site_id, index)
    if chart_file is not None:
        from heritage.chart import condition_chart

        condition_chart(detail.site.display_name(), detail.history, chart_file)
    if as_json:
        echo_json(detail.history_json())
        return
    out = console()
    for dispute in detail.disputes():
        out.print(plain_text(f"in dispute: {dispute}"))
    table = Table(
        title=plain_text(f"{detail.site.display_name()}: {len(detail.history)} report(s)"), box=box.SIMPLE_HEAD
    )
    for column, ratio in (
        ("observed", 2),
        ("condition", 2),
        ("method", 2),
        ("sources", 3),
        ("recorded", 3),
        ("status", 3),
        ("id", 3),
    ):
        table.add_column(column, overflow="fold", ratio=ratio)
    for entry in detail.history:
        r = entry.report
        status = entry.status
        if entry.superseded_by:
            status += f" by {entry.superseded_by}"
        if entry.competing_with:
            status += f", competing with {', '.join(entry.competing_with)}"
        if entry.retraction:
            status = f"retracted: {entry.retraction.reason}"
        if r.warnings:
            status += f"; {len(r.warnings)} warning(s), below"
        cited = "; ".join(c.source + (f" ({c.locator})" if c.locator else "") for c in r.sources)
        style = "dim" if entry.status != "in force" else ""
        table.add_row(
            plain_text(r.observed),
            plain_text(with_certainty(r.condition, r.certainty)),
            plain_text(r.method.value),
            plain_text(cited),
            plain_text(f"{r.recorded_by}, {r.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" + _noted(r)),
            plain_text(status),
            plain_text(r.id),
            style=style,
        )
    out.print(table)
    _print_visits(out, detail.history)
    if chart is not None:
        click.echo(f"chart written to {chart}")


def _print_visits(out: Console, history: list[Entry]) -> None:
    """Below the table, the damage each report gives, what each field visit brought and the
    warnings noted when it came in, as `show` gives them: too long for a cell."""
    for entry in history:
        r = entry.report
        facts = field_facts(r)
        if not facts and not r.warnings:
            continue
        out.print(plain_text(f"{r.id} ({r.method.value}, {r.observed})", style="bold"))
        for label, value in facts:
            out.print(Text.assemble("    ", (f"{label}: ", "bold"), indented(value)))
        for warning in r.warnings:
            out.print(Text.assemble("    ", ("warning: ", "bold"), printable(warning_text(warning))), style="yellow")


def _side(row: dict[str, Any], side: str) -> str:
    """A change's condition on one side as the table shows it: "damaged (possible) (2022-07)"."""
    condition = row[side] + (f" ({row[side + '_certainty']})" if row[side + "_certainty"] else "")
    return f"{condition} ({row[side + '_observed']})" if row[side + "_observed"] else condition


def _noted(record: ConditionReport) -> str:
    note = migration_note(record)
    return f" ({note})" if note else ""


@cli.command()
@click.option("--from", "start", required=True, help="The earlier date (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="The later date (YYYY-MM-DD).")
@click.option("--type", "types", multiple=True, help="Only sites of this type; repeat.")
@click.option("--bbox", "box_text", metavar="W,S,E,N", help="Only sites inside this box.")
@click.option(
    "--area",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Only sites inside this GeoJSON area; - for standard input.",
)
@click.option(
    "--first-reports",
    is_flag=True,
    help="Also list sites with no report before --from (first described in the period).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option("--geojson", "as_geojson", is_flag=True, help="Print a GeoJSON FeatureCollection.")
@json_option("Print the rows as JSON: the CSV's columns, one object a site.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),  # text: a trailing '/' is seen (and refused)
    help="Write the --csv, --geojson or --json to this file (replaced if it is a regular file); - for standard "
    "output. A CSV file starts with the byte-order mark spreadsheets look for.",
)
@quiet_option
@pass_env
def changes(
    env: Env,
    start: str,
    end: str,
    types: tuple[str, ...],
    box_text: str | None,
    area: Path | None,
    first_reports: bool,
    as_csv: bool,
    as_geojson: bool,
    as_json: bool,
    output: str | None,
) -> None:
    """The sites whose condition differed between two dates, with the reports behind each.

    \b
    Example:
      heritage changes --from 2020-11-10 --to 2024-12-31
      heritage changes --from 2021-01-01 --to 2023-01-01 --type church --geojson > changes.geojson
      heritage changes --from 2020-11-10 --to 2024-12-31 --csv -o changes.csv
      heritage changes --from 2020-11-10 --to 2024-12-31 --json
    """
    if as_csv + as_geojson + as_json > 1:
        raise click.UsageError("choose one of --csv, --geojson and --json")
    if output is not None and not (as_csv or as_geojson or as_json):
        raise click.UsageError("-o writes --csv, --geojson or --json: choose one (the table is for the terminal)")
    target = output_path(env.catalogue.root, output) if output not in (None, "-") else None  # before any work
    known(types, env.catalogue.info.vocabulary().site_types, "--type")
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    assert first is not None and last is not None
    if last < first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    box_filter = bbox(box_text) if box_text else None
    polygons = read_area(area) if area is not None else None
    kinds = (layout.SITES, layout.REPORTS, layout.RETRACTIONS)
    with env.index(kinds) as index, paused_gc():
        rows = changed_sites(
            index, first, last, types=types, bbox=box_filter, area=polygons, first_reports=first_reports
        )
        # Nothing changed may only mean nothing was described before --from: say so, once.
        left_out = (
            []
            if rows or first_reports
            else changed_sites(index, first, last, types=types, bbox=box_filter, area=polygons, first_reports=True)
        )
    if left_out:
        click.echo(
            f"note: no site reported on or before {first} changed; {len(left_out)} site(s) first reported "
            f"between {first} and {last} are not compared: add --first-reports to list them",
            err=True,
        )
    if as_csv:
        rows_as_listed = ([row[column] for column in CHANGE_COLUMNS] for row in rows)
        if target is not None:
            write_csv(target, CHANGE_COLUMNS, rows_as_listed)
            inform(f"wrote {len(rows)} changed site(s) as CSV to {printable(target)}")
        else:
            click.echo(csv_text(CHANGE_COLUMNS, rows_as_listed), nl=False)
        return
    if as_geojson or as_json:
        data = (
            feature_collection(rows)
            if as_geojson
            else [{column: row[column] for column in CHANGE_COLUMNS} for row in rows]
        )
        if target is not None:
            replace_file(target, (json_text(data) + "\n").encode("utf-8"))
            what = "GeoJSON" if as_geojson else "JSON"
            inform(f"wrote {len(rows)} changed site(s) as {what} to {printable(target)}")
        else:
            echo_json(data)
        return
    if not rows:  # a line, not the frame of an empty table
        click.echo(f"0 site(s) changed between {first} and {last}")
        return
    table = Table(title=plain_text(f"{len(rows)} site(s) changed between {first} and {last}"), box=box.SIMPLE_HEAD)
    for column in ("site", "before", "after", "reports", "name"):
        table.add_column(column, overflow="fold")
    for row in rows:
        before, after = _side(row, "before"), _side(row, "after")
        behind = " → ".join(x for x in (row["before_report"], row["after_report"]) if x)
        table.add_row(
            plain_text(row["site"]), plain_text(before), plain_text(after), plain_text(behind), plain_text(row["name"])
        )
    console().print(table)


@report.command("correct")
@click.argument("report_id", metavar="REPORT")
@click.option("--reason", required=True, help="Why the report is corrected (kept in the new record).")
@click.option("--observed", help="The corrected date or window.")
@click.option("--condition", type=choice(Condition))
@click.option("--certainty", type=choice(Certainty), help="How sure the report is of the condition.")
@click.option("--method", type=choice(Method))
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="ID[:LOCATOR]",
    help="Replace the cited sources.",
    shell_complete=source_ids,
)
@click.option("--credibility", type=click.IntRange(1, 6))
@renamed("--damage-extent", "--extent", dest="extent", type=choice(DamageExtent))
@renamed(
    "--damage-effect", "--effect", dest="effects", multiple=True, type=choice(DamageEffect), help="Replace the effects."
)
@renamed(
    "--damage-cause", "--cause", dest="causes", multiple=True, type=choice(DamageCause), help="Replace the causes."
)
@renamed("--observed-by", "--observer", dest="observer", help="Who made the observation.")
@click.option("--evidence", multiple=True, metavar="EV", help="Replace the evidence files: ev-... ids or SHA-256s.")
@pass_env
def report_correct(
    env: Env,
    report_id: str,
    reason: str,
    observed: str | None,
    condition: str | None,
    certainty: str | None,
    method: str | None,
    sources: tuple[str, ...],
    credibility: int | None,
    extent: str | None,
    effects: tuple[str, ...],
    causes: tuple[str, ...],
    observer: str | None,
    evidence: tuple[str, ...],
) -> None:
    """Append a report that supersedes REPORT: a copy with the corrections. The old one stays.

    \b
    Example:
      heritage report correct r-st-sargis-mokhrenes-2022-07-06 --observed 2022-03-05/2022-07-06 \\
        --reason "Last image showing the church intact was 5 March 2022"
    """
    catalogue = env.catalogue
    if not reason.strip():
        raise click.BadParameter("give the reason for the correction", param_hint="--reason")
    changes = Corrections(
        observed=observed,
        condition=condition,
        certainty=certainty,
        method=method,
        credibility=credibility,
        damage_extent=extent,
        damage_effects=list(effects) if effects else None,
        damage_causes=list(causes) if causes else None,
        observed_by=observer,
        evidence=evidence_hashes(catalogue, evidence) if evidence else None,
        sources=citations(sources) if sources else None,
    )
    record = correct_report(catalogue, report_id, reason, changes, env.user())
    click.echo(record.id)


@report.command("retract")
@click.argument("report_id", metavar="REPORT")
@click.option("--reason", required=True, help="Why the report is withdrawn.")
@pass_env
def report_retract(env: Env, report_id: str, reason: str) -> None:
    """Withdraw REPORT: a retraction record. The report stays readable, marked as retracted.

    \b
    Example:
      heritage report retract r-01jq3d7x... --reason "The photo shows another church"
    """
    record = retract_report(env.catalogue, report_id, reason, env.user())
    click.echo(record.id)


@cli.command()
@click.argument("site_ids", metavar="SITE...", nargs=-1, shell_complete=site_ids)
@click.option("--all", "every", is_flag=True, help="A dossier for every site.")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write to.  [default: maps/dossiers in the catalogue, where the map links to them]",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each (WeasyPrint).")
@audience_option
@quiet_option
@pass_env
def dossier(env: Env, site_ids: tuple[str, ...], every: bool, output: Path | None, pdf: bool, audience: str) -> None:
    """Write a site dossier: one HTML page that prints well (and a PDF with --pdf).

    \b
    Example:
      heritage dossier kanach-zham --pdf
      heritage dossier --all -o mission/dossiers --audience mission
    """
    from heritage.dossier import Shared, build_dossier, check_editions
    from heritage.integrity import root_hash_of

    catalogue = env.catalogue
    if every == bool(site_ids):
        raise click.UsageError("name the sites, or pass --all")
    refuse_stdio(output, "--output", "dossiers are a folder of pages; name the folder")
    ids = sites_for_audience(catalogue, audience, None if every else site_ids)
    folder = output_path(catalogue.root, output or catalogue.root / layout.MAPS / "dossiers", folder=True)
    check_editions(folder, ids, audience)
    root_hash = root_hash_of(catalogue)
    shared = Shared.load(catalogue)
    from rich.progress import Progress

    with Progress(transient=True, console=progress_console()) as progress:
        task = progress.add_task("writing dossiers", total=len(ids))
        for site_id in ids:
            result = build_dossier(
                catalogue, site_id, folder, pdf=pdf, audience=audience, root_hash=root_hash, shared=shared
            )
            progress.advance(task)
    inform(
        f"wrote {len(ids)} dossier(s) to {folder}"
        + (" (HTML and PDF)" if pdf else "")
        + (f"; last: {result.html.name}" if ids else "")
    )

"""History and change: `history`, `changes`, `report correct`, `report retract`."""

from __future__ import annotations

import csv
import io
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import click
from rich import box
from rich.table import Table

from heritage import layout
from heritage.bulk import paused_gc
from heritage.cli.app import Env, cli, pass_env
from heritage.cli.browse import T, _date
from heritage.cli.common import bbox, build, citations, console, echo_json, progress_console, stamp
from heritage.cli.records import choice, report
from heritage.codec import loads
from heritage.errors import InvalidInput
from heritage.history import Change
from heritage.ids import new_id
from heritage.index import Ahead, Index, compared, unpacked
from heritage.models import Condition, ConditionReport, Retraction
from heritage.models.vocab import DamageExtent, Method
from heritage.query import entry_json, site_detail


@cli.command()
@click.argument("site_id", metavar="SITE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), help="Draw condition over time (.svg/.png).")
@pass_env
def history(env: Env, site_id: str, as_json: bool, chart: Path | None) -> None:
    """A site's timeline: every report, who recorded it and when, and what became of it.

    \b
    Example:
      heritage history kanach-zham
      heritage history kanach-zham --chart kanach-zham.svg
    """
    with env.index(kinds=(layout.ALLEGATIONS,)) as index:  # the allegations about it, found by the index
        detail = site_detail(env.catalogue, site_id, index)
    if chart is not None:
        from heritage.chart import condition_chart

        condition_chart(detail.site.display_name(), detail.history, chart)
    if as_json:
        echo_json(
            {
                "site": detail.site.id,
                "name": detail.site.display_name(),
                "condition": detail.current.condition.value if detail.current else Condition.unknown.value,
                "timeline": [entry_json(entry) for entry in detail.history],
            }
        )
        return
    out = console()
    table = Table(title=T(f"{detail.site.display_name()}: {len(detail.history)} report(s)"), box=box.SIMPLE_HEAD)
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
        if entry.retraction:
            status = f"retracted: {entry.retraction.reason}"
        cited = "; ".join(c.source + (f" ({c.locator})" if c.locator else "") for c in r.sources)
        style = "dim" if entry.status != "in force" else ""
        table.add_row(
            T(r.observed),
            T(r.condition.value),
            T(r.method.value),
            T(cited),
            T(f"{r.recorded_by}, {r.recorded_at:%Y-%m-%d %H:%M} UTC"),
            T(status),
            T(r.id),
            style=style,
        )
    out.print(table)
    if chart is not None:
        click.echo(f"chart written to {chart}")


def _changes_rows(changes: list[Change], sites: dict[str, SiteRow]) -> list[dict[str, Any]]:
    rows = []
    for change in changes:
        site = sites[change.site]
        rows.append(
            {
                "site": site.id,
                "name": site.name,
                "type": site.type,
                "lon": site.lon,
                "lat": site.lat,
                "before": change.before_condition.value,
                "before_observed": str(change.before.observed) if change.before else None,
                "before_report": change.before.id if change.before else None,
                "after": change.after_condition.value,
                "after_observed": str(change.after.observed) if change.after else None,
                "after_report": change.after.id if change.after else None,
            }
        )
    return rows


class SiteRow(NamedTuple):
    id: str
    name: str
    type: str
    lon: float | None
    lat: float | None


def _inside(site: SiteRow, polygons: list[Any]) -> bool:
    if site.lon is None or site.lat is None:
        return False
    from shapely.geometry import Point

    return any(polygon.covers(Point(site.lon, site.lat)) for polygon in polygons)


def _area(path: Path) -> list[Any]:
    from shapely.geometry import shape

    try:
        data = loads(path.read_text(encoding="utf-8"))
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        return [shape(f["geometry"] if f.get("type") == "Feature" else f) for f in features]
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"is not a GeoJSON polygon or FeatureCollection ({exc})", file=path) from None


def find_changes(
    index: Index,
    later: list[list[str]],
    earlier: list[list[str]],
    types: tuple[str, ...] = (),
    box_text: str | None = None,
    area: Path | None = None,
    first_reports: bool = False,
) -> tuple[list[Change], dict[str, SiteRow]]:
    sites = {row[0]: SiteRow(*row) for row in index.rows("SELECT id, name, type, lon, lat FROM sites")}
    chosen = list(sites.values())
    if types:
        chosen = [s for s in chosen if s.type in types]
    if box_text:
        west, south, east, north = bbox(box_text) or (-180.0, -90.0, 180.0, 90.0)
        chosen = [
            s
            for s in chosen
            if s.lon is not None and s.lat is not None and west <= s.lon <= east and south <= s.lat <= north
        ]
    if area is not None:
        polygons = _area(area)
        chosen = [s for s in chosen if _inside(s, polygons)]
    return compared(later, earlier, (s.id for s in chosen), first_reports), sites


@cli.command()
@click.option("--from", "start", required=True, help="The earlier date (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="The later date (YYYY-MM-DD).")
@click.option("--type", "types", multiple=True, help="Only sites of this type; repeat.")
@click.option("--bbox", "box_text", metavar="W,S,E,N", help="Only sites inside this box.")
@click.option("--area", type=click.Path(dir_okay=False, path_type=Path), help="Only sites inside this GeoJSON area.")
@click.option(
    "--first-reports",
    is_flag=True,
    help="Also list sites with no report before --from (first described in the period).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@click.option("--geojson", "as_geojson", is_flag=True, help="Print a GeoJSON FeatureCollection.")
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
) -> None:
    """The sites whose condition differed between two dates, with the reports behind each.

    \b
    Example:
      heritage changes --from 2020-11-10 --to 2024-12-31
      heritage changes --from 2021-01-01 --to 2023-01-01 --type church --geojson > changes.geojson
    """
    if as_csv and as_geojson:
        raise click.UsageError("choose --csv or --geojson, not both")
    vocabulary = env.catalogue.info.vocabulary()
    for value in types:
        if value not in vocabulary.site_types:
            known = ", ".join(sorted(vocabulary.site_types))
            raise click.BadParameter(f"unknown value {value!r}; known: {known}", param_hint="--type")
    first, last = _date(start, "--from"), _date(end, "--to")
    assert first is not None and last is not None
    if last < first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    kinds = (layout.SITES, layout.REPORTS, layout.RETRACTIONS)
    with env.index(refresh=False) as index, paused_gc():
        # Each day's latest reports are read in processes of their own while this one brings the
        # index up to date (0.5 s at 100,000 sites, as long as either query).
        with Ahead(index, [partial(Index.latest, day=last), partial(Index.latest, day=first)]) as ahead:
            env.refresh(index, kinds)
            later, earlier = ahead.results()
        found, sites = find_changes(index, unpacked(later), unpacked(earlier), types, box_text, area, first_reports)
        rows = _changes_rows(found, sites)
    if as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(list(rows[0]) if rows else ["site"])
        writer.writerows(row.values() for row in rows)  # every row has the same keys, in order
        click.echo(buffer.getvalue(), nl=False)
        return
    if as_geojson:
        features = [
            {
                "type": "Feature",
                "id": row["site"],
                "properties": row,
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
                if row["lon"] is not None
                else None,
            }
            for row in rows
        ]
        echo_json({"type": "FeatureCollection", "features": features})
        return
    table = Table(title=T(f"{len(rows)} site(s) changed between {first} and {last}"), box=box.SIMPLE_HEAD)
    for column in ("site", "before", "after", "reports", "name"):
        table.add_column(column, overflow="fold")
    for row in rows:
        before = f"{row['before']} ({row['before_observed']})" if row["before_observed"] else row["before"]
        after = f"{row['after']} ({row['after_observed']})" if row["after_observed"] else row["after"]
        behind = " → ".join(x for x in (row["before_report"], row["after_report"]) if x)
        table.add_row(T(row["site"]), T(before), T(after), T(behind), T(row["name"]))
    console().print(table)


@report.command("correct")
@click.argument("report_id", metavar="REPORT")
@click.option("--reason", required=True, help="Why the report is corrected (kept in the new record).")
@click.option("--observed", help="The corrected date or window.")
@click.option("--condition", type=choice(Condition))
@click.option("--method", type=choice(Method))
@click.option("--source", "sources", multiple=True, metavar="ID[:LOCATOR]", help="Replace the cited sources.")
@click.option("--credibility", type=click.IntRange(1, 6))
@click.option("--extent", type=choice(DamageExtent))
@pass_env
def report_correct(
    env: Env,
    report_id: str,
    reason: str,
    observed: str | None,
    condition: str | None,
    method: str | None,
    sources: tuple[str, ...],
    credibility: int | None,
    extent: str | None,
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
    old = catalogue.find_report(report_id)
    document = old.model_dump(mode="json", exclude_none=True, exclude={"id", "sha256", "recorded_at", "recorded_by"})
    changes = {
        "observed": observed,
        "condition": condition,
        "method": method,
        "credibility": credibility,
        "damage_extent": extent,
        "sources": citations(sources) if sources else None,
    }
    document.update({k: v for k, v in changes.items() if v is not None})
    note = f"Correction of {old.id}: {reason}"
    document["notes"] = note + (f"\n{old.notes}" if old.notes else "")
    document.update(id=new_id("r"), supersedes=old.id)
    record = build(ConditionReport, stamp(document, env.user()), catalogue.context, generated_id=True)
    catalogue.add_report(record)
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
    catalogue = env.catalogue
    old = catalogue.find_report(report_id)
    document = stamp({"id": new_id("x"), "site": old.site, "retracts": old.id, "reason": reason}, env.user())
    record = build(Retraction, document, catalogue.context, generated_id=True)
    catalogue.add_retraction(record)
    click.echo(record.id)


@cli.command()
@click.argument("site_ids", metavar="SITE...", nargs=-1)
@click.option("--all", "every", is_flag=True, help="A dossier for every site.")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write to.  [default: maps/dossiers in the catalogue, where the map links to them]",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF of each (WeasyPrint).")
@click.option("--audience", type=click.Choice(["public", "mission", "internal"]), default="mission", show_default=True)
@pass_env
def dossier(env: Env, site_ids: tuple[str, ...], every: bool, output: Path | None, pdf: bool, audience: str) -> None:
    """Write a site dossier: one HTML page that prints well (and a PDF with --pdf).

    \b
    Example:
      heritage dossier kanach-zham --pdf
      heritage dossier --all -o mission/dossiers --audience mission
    """
    from heritage.cli.common import output_path
    from heritage.dossier import Shared, build_dossier
    from heritage.integrity import root_hash_of

    catalogue = env.catalogue
    if every == bool(site_ids):
        raise click.UsageError("name the sites, or pass --all")
    from heritage.audience import site_for
    from heritage.errors import RecordNotFound

    if every:  # every site this audience may see
        ids = [s.id for s in catalogue.sites() if site_for(s, audience) is not None]
    else:  # all checked before anything is written
        ids = list(site_ids)
        for site_id in ids:
            if site_for(catalogue.site(site_id), audience) is None:
                raise RecordNotFound(f"no such site for the {audience} audience", record=site_id)
    folder = output_path(catalogue.root, output or catalogue.root / layout.MAPS / "dossiers")
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
    click.echo(
        f"wrote {len(ids)} dossier(s) to {folder}"
        + (" (HTML and PDF)" if pdf else "")
        + (f"; last: {result.html.name}" if ids else "")
    )

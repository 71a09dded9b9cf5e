"""Reading the catalogue: `heritage list` and `heritage show` (`heritage map` is in map_cmd).

Catalogue text is untrusted: it reaches rich only as `Text` objects, never as markup.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from heritage import layout
from heritage.cli import columns
from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import (
    bbox,
    console,
    echo_json,
    indented,
    json_option,
    known,
    parse_date,
    plain_text,
    printable,
)
from heritage.cli.completion import site_ids
from heritage.collector import paused_gc
from heritage.models import Condition
from heritage.models.vocab import with_certainty
from heritage.query import IndexedSummary, SiteDetail, SiteFilter, list_indexed, site_detail
from heritage.recording import migration_note
from heritage.visits import evidence_text, field_facts, warning_text

if TYPE_CHECKING:
    pass


# A table of every site took 4 s to draw at 4,000 sites (rich lays out each cell), and nobody
# reads that many rows on a terminal: a table shows a page unless asked for all.
TABLE_LIMIT = 200


@cli.command("list")
@click.option("--type", "types", multiple=True, help="Only sites of this type; repeat for several.")
@click.option("--tradition", "traditions", multiple=True, help="Only sites of this tradition; repeat.")
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    type=click.Choice([c.value for c in Condition]),
    help="Only sites whose condition is this; repeat.",
)
@click.option("--area", help="Only sites in an administrative area whose name contains this.")
@click.option("--bbox", "bbox_text", metavar="W,S,E,N", help="Only sites inside this box (WGS84).")
@click.option("--has-allegation/--no-allegation", default=None, help="Only sites with (without) allegations.")
@click.option("--as-of", help="Condition as of this date (default: today).")
@json_option("Print JSON instead of a table.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help=f"Show at most this many sites; 0 for all. Default: {TABLE_LIMIT} in a table, all with --json.",
)
@click.option("--page", type=click.IntRange(min=1), help="Which page of --limit sites to show (1 is the first).")
@pass_env
def list_command(
    env: Env,
    types: tuple[str, ...],
    traditions: tuple[str, ...],
    conditions: tuple[str, ...],
    area: str | None,
    bbox_text: str | None,
    has_allegation: bool | None,
    as_of: str | None,
    as_json: bool,
    limit: int | None,
    page: int | None,
) -> None:
    """List sites with their current condition.

    A table shows the first 200 sites and says how many there are: page on with --page, or
    show them all with --limit 0. --json gives every site unless --limit or --page is given.

    \b
    Example:
      heritage list --type church --condition destroyed
      heritage list --page 2
      heritage list --bbox 46.70,39.70,46.80,39.80 --has-allegation --json
    """
    vocabulary = env.catalogue.info.vocabulary()
    known(types, vocabulary.site_types, "--type")
    known(traditions, vocabulary.traditions, "--tradition")
    where = SiteFilter(
        set(types), set(traditions), {Condition(c) for c in conditions}, area, bbox(bbox_text), has_allegation
    )
    with env.index(kinds=(layout.SITES, layout.REPORTS, layout.RETRACTIONS, layout.ALLEGATIONS)) as index:
        with paused_gc():  # not while the index is brought up to date: its workers would inherit it
            summaries = list_indexed(index, where, parse_date(as_of))
    total = len(summaries)
    if limit is None and (page is not None or not as_json):
        limit = TABLE_LIMIT
    start, summaries = _page(summaries, limit or 0, page or 1)
    if as_json:
        with paused_gc():
            echo_json([s.as_json() for s in summaries])
        return
    rows = []
    for s in summaries:
        disputed = f" ({len(s.competing)} competing corrections: {', '.join(s.competing)})" if s.competing else ""
        observed = s.current.observed if s.current else "-"
        values = (
            s.id,
            with_certainty(s.condition, s.certainty) + disputed,
            observed,
            s.report_count,
            s.allegation_count,
            s.type,
            s.name,
        )
        rows.append([printable(value) for value in values])
    out = console()
    title = printable(f"{env.catalogue.info.name}: {total} site(s)")
    headers = ["id", "condition", "observed", "rep.", "all.", "type", "name"]
    # Every cell folds rather than cuts: a name in a report must never lose its end.
    out.print(columns.table(title, headers, rows, out.width, right={3, 4}), soft_wrap=True)
    if len(summaries) < total:
        out.print(_footer(start, len(summaries), total, limit or 0, page or 1), markup=False)


def _page(items: list[IndexedSummary], limit: int, page: int) -> tuple[int, list[IndexedSummary]]:
    """(index of the first, the items) of page `page` of `limit` items; every item if limit is 0."""
    if limit == 0:
        return 0, items
    start = (page - 1) * limit
    return start, items[start : start + limit]


def _footer(start: int, shown: int, total: int, limit: int, page: int) -> str:
    """What the table leaves out and how to see it: 'showing 1-200 of 4,188; ...'."""
    if shown == 0:
        pages = -(-total // limit)
        return f"page {page} is past the end: {total:,} site(s) make {pages:,} page(s) of {limit:,}"
    hints = ["--limit 0 for all"]
    if start + shown < total:
        hints.insert(0, f"--page {page + 1} for the next {min(limit, total - start - shown):,}")
    return f"showing {start + 1:,}-{start + shown:,} of {total:,}; " + ", ".join(hints)


@cli.command()
@click.argument("site_id", metavar="SITE", shell_complete=site_ids)
@json_option()
@pass_env
def show(env: Env, site_id: str, as_json: bool) -> None:
    """Show everything about one site: names, location, reports, allegations, sources.

    \b
    Example:
      heritage show ghazanchetsots-cathedral
      heritage show ghazanchetsots-cathedral --json
    """
    with env.index(kinds=(layout.ALLEGATIONS,)) as index:  # the allegations about it, found by the index
        detail = site_detail(env.catalogue, site_id, index)
    if as_json:
        echo_json(detail.as_json())
    else:
        _print_detail(detail)


def _line(label: str, value: object) -> Text:
    return Text.assemble((f"{label}: ", "bold"), indented(value))


def _print_detail(detail: SiteDetail) -> None:
    out = console()
    site = detail.site
    out.print(plain_text(site.display_name(), style="bold underline"))
    out.print(_line("id", site.id))
    for name in site.names:
        used = f" (used by {', '.join(name.used_by)})" if name.used_by else ""
        out.print(_line(f"name [{name.lang}]", f"{name.text}{used}"))
    out.print(_line("type", site.type), Text("  "), _line("tradition", site.tradition or "-"))
    if site.period:
        out.print(_line("period", site.period.label))
    loc = site.location
    where = (
        f"{site.geometry.representative[1]:.6f}, {site.geometry.representative[0]:.6f} (lat, lon)"
        if site.geometry
        else "no location"
    )
    uncertainty = f" ±{loc.uncertainty_m:g} m" if loc.uncertainty_m else ""
    out.print(_line("location", f"{where}; precision {loc.precision.value}{uncertainty}"))
    if loc.source:
        out.print(_line("coordinates from", loc.source))
    for label, values in (
        ("areas", site.areas),
        ("designations", [d.scheme + (f" {d.reference}" if d.reference else "") for d in site.designations]),
        ("external ids", [f"{k}: {v}" for k, v in sorted(site.external_ids.items())]),
    ):
        if values:
            out.print(_line(label, "; ".join(values)))
    for dispute in site.disputes:
        held = f" (held by {', '.join(dispute.held_by)})" if dispute.held_by else ""
        out.print(_line(f"disputed {dispute.aspect.value}", f"{dispute.claim}{held}"))
    if site.description:
        out.print(_line("description", site.description))
    out.print(_line("sensitivity", site.sensitivity.value))
    current = detail.current
    out.print(
        _line(
            "condition now",
            f"{with_certainty(current.condition, current.certainty)} (observed {current.observed}, report {current.id})"
            if current
            else "unknown (no reports)",
        )
    )
    for settle in detail.disputes():
        out.print(_line("in dispute", settle))

    out.print()
    out.print(Text("What was seen and what was claimed, by date", style="bold"))
    for line in _side_by_side(detail):
        out.print(line)

    out.print()
    out.print(Text(f"Condition reports ({len(detail.reports)}), oldest first", style="bold"))
    for entry in detail.history:
        r = entry.report
        condition = with_certainty(r.condition, r.certainty)
        head = Text.assemble(f"  {r.observed}  ", (condition, "bold"), f"  {r.method.value}  {r.id}")
        if entry.status != "in force":
            head.append(f"  ({entry.status})", style="italic")
        out.print(head, style="dim" if entry.status != "in force" else None)
        cited = "; ".join(_cite(detail, c.source, c.locator) for c in r.sources)
        for label, value in (
            ("observer", r.observed_by),
            *field_facts(r),
            ("sources", cited),
            ("notes", r.notes),
            ("recorded", f"{r.recorded_by}, {r.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"),
            ("migrated", migration_note(r)),
            ("supersedes", r.supersedes),
            ("superseded by", entry.superseded_by),
            ("competing with", ", ".join(entry.competing_with)),
            ("retracted", f"{entry.retraction.reason} ({entry.retraction.id})" if entry.retraction else None),
        ):
            if value:
                out.print(Text("      ").append(_line(label, value)))
        for sha in r.evidence:
            out.print(Text("      ").append(_line("evidence", evidence_text(sha, detail.evidence.get(sha)))))
        for warning in r.warnings:  # noted when the report came in, for a person to look at
            out.print(Text("      ").append(_line("warning", warning_text(warning))), style="yellow")

    out.print()
    out.print(Text(f"Allegations ({len(detail.allegations)}), by date made", style="bold"))
    for reviewed in detail.allegations:
        a = reviewed.allegation
        claimant = a.claimant.name + (f" [{a.claimant.party}]" if a.claimant.party else "")
        out.print(Text.assemble(f"  {a.made_on}  ", (printable(claimant), "bold"), f"  {a.id}"))
        perpetrator = a.alleged_perpetrator
        accused = ", ".join(x for x in ((perpetrator.name, perpetrator.party) if perpetrator else ()) if x)
        for label, value in (
            ("acts", ", ".join(x.value for x in a.acts)),
            ("claim", a.summary),
            ("alleged perpetrator", accused),
            ("alleged period", str(a.alleged_period) if a.alleged_period else None),
            ("responds to", a.responds_to),
            ("source", _cite(detail, a.source.source, a.source.locator)),
            ("status", reviewed.status_line()),
            ("reviews", str(len(reviewed.reviews)) if reviewed.reviews else None),
            ("answered by", ", ".join(reviewed.responses) or None),
        ):
            if value:
                out.print(Text("      ").append(_line(label, value)))

    sources = Table(title=Text(f"Sources ({len(detail.sources)})"), expand=True)
    for column in ("id", "title", "kind", "grade", "party", "url"):
        sources.add_column(column, overflow="fold")
    for s in detail.sources.values():
        sources.add_row(
            plain_text(s.id),
            plain_text(s.title),
            plain_text(s.kind.value),
            plain_text(s.reliability.value),
            plain_text(s.party or "-"),
            plain_text(s.url or "-"),
        )
    out.print(sources)


def _side_by_side(detail: SiteDetail) -> list[Text]:
    """Reports (observations) and allegations (claims) on one time line, each marked as what it is."""
    rows: list[tuple[date, int, Text]] = []
    for entry in detail.history:
        r = entry.report
        label = f"  {r.observed!s:<22} observed  {with_certainty(r.condition, r.certainty)} ({r.method.value})"
        mark = "" if entry.status == "in force" else f" [{entry.status}]"
        rows.append((r.observed.end or date.min, 0, plain_text(label + mark, style="dim" if mark else "")))
    for reviewed in detail.allegations:
        a = reviewed.allegation
        party = f" [{a.claimant.party}]" if a.claimant.party else ""
        answer = f", answering {a.responds_to}" if a.responds_to else ""
        text = (
            f"  {a.made_on!s:<22} claimed   {', '.join(x.value for x in a.acts)} by {a.claimant.name}{party}"
            f"{answer} ({reviewed.damage_status.value})"
        )
        rows.append((a.made_on.start or date.min, 1, plain_text(text)))
    return [text for _, _, text in sorted(rows, key=lambda row: (row[0], row[1]))]


def _cite(detail: SiteDetail, source_id: str, locator: str | None) -> str:
    source = detail.sources.get(source_id)
    grade = f" [{source.reliability.value}]" if source else " [missing]"
    return source_id + grade + (f", {locator}" if locator else "")

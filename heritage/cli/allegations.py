"""Allegations as a legal researcher reads them: `allegation review|list|show`, `stats`."""

from __future__ import annotations

from datetime import date

import click
from rich import box
from rich.table import Table
from rich.text import Text

from heritage.allegations import (
    AllegationFilter,
    ReviewedAllegation,
    find_allegation,
    load_allegations,
    select_allegations,
    stats,
)
from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import (
    bbox,
    choice,
    console,
    echo_json,
    evidence_ids,
    json_option,
    listing_audience_option,
    plain_text,
    printable,
)
from heritage.cli.completion import allegation_ids, site_ids
from heritage.cli.records import allegation
from heritage.corrections import review_allegation
from heritage.listing import allegations_for, find_allegation_for
from heritage.models import AllegationStatus, AllegedAct, ReviewAspect, When
from heritage.verifications import checks_behind, summary


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


@allegation.command("review")
@click.argument("allegation_id", metavar="ALLEGATION", shell_complete=allegation_ids)
@click.option(
    "--status", required=True, type=click.Choice([s.value for s in AllegationStatus if s.value != "reported"])
)
@click.option(
    "--aspect",
    type=choice(ReviewAspect),
    default="damage",
    show_default=True,
    help="What is reviewed: whether the damage happened, or who did it.",
)
@click.option("--standard", help='The standard of proof, e.g. "reasonable grounds to believe".')
@click.option("--rationale", required=True, help="Why: the reasoning, in a few sentences.")
@click.option(
    "--relies-on",
    "relies_on",
    multiple=True,
    metavar="ID",
    help="A report, source, allegation, evidence (ev-... or SHA-256) or verification (vf-...); repeat.",
)
@click.option("--reviewer", required=True, help="Who reviewed (name, and body if any).")
@pass_env
def allegation_review(
    env: Env,
    allegation_id: str,
    status: str,
    aspect: str,
    standard: str | None,
    rationale: str,
    relies_on: tuple[str, ...],
    reviewer: str,
) -> None:
    """Record a review of an allegation; its status moves only this way. Print the review's id.

    \b
    Example:
      heritage allegation review a-kanach-zham-2022-07-05-10 --status corroborated \\
        --standard "reasonable grounds to believe" --relies-on r-kanach-zham-2023-12-2024-04-04 \\
        --rationale "Imagery shows the church gone by April 2024" --reviewer "A. Analyst"
    """
    review = review_allegation(
        env.catalogue,
        allegation_id,
        status=status,
        aspect=aspect,
        standard=standard,
        rationale=rationale,
        relies_on=tuple(evidence_ids(env.catalogue, relies_on)),
        reviewer=reviewer,
        user=env.user(),
    )
    click.echo(review.id)


def _window(value: str | None) -> When | None:
    if value is None:
        return None
    try:
        return When.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None


def _allegation_line(reviewed: ReviewedAllegation) -> list[Text]:
    a, competing = reviewed.allegation, reviewed.competing
    claimant = a.claimant.name + (f" [{a.claimant.party}]" if a.claimant.party else "")
    accused = a.alleged_perpetrator.party or a.alleged_perpetrator.name if a.alleged_perpetrator else None
    return [
        plain_text(a.id),
        plain_text(a.made_on),
        plain_text(claimant),
        plain_text(", ".join(x.value for x in a.acts)),
        plain_text(accused or "-"),
        plain_text(", ".join(a.sites) or "an area"),
        plain_text(reviewed.damage_status.value + (" (competing reviews)" if ReviewAspect.damage in competing else "")),
        plain_text(
            reviewed.attribution_status.value
            + (" (competing reviews)" if ReviewAspect.attribution in competing else "")
        ),
    ]


@allegation.command("list")
@click.option("--status", "statuses", multiple=True, type=choice(AllegationStatus), help="Damage status; repeat.")
@click.option("--party", "parties", multiple=True, help="The claimant's party; repeat.")
@click.option("--perpetrator", "perpetrators", multiple=True, help="The alleged perpetrator's party; repeat.")
@click.option("--act", "acts", multiple=True, type=choice(AllegedAct), help="An alleged act; repeat.")
@click.option("--site", help="Only allegations about this site.", shell_complete=site_ids)
@click.option("--made-from", help="Made on or after this date.")
@click.option("--made-to", help="Made on or before this date.")
@click.option("--period", help="The alleged period overlaps this date or window (2020-10, 2020-09-27/2020-11-10).")
@click.option("--bbox", "bbox_text", metavar="W,S,E,N", help="A site concerned, or the area, lies in this box.")
@listing_audience_option
@json_option("Print JSON.")
@pass_env
def allegation_list(
    env: Env,
    statuses: tuple[str, ...],
    parties: tuple[str, ...],
    perpetrators: tuple[str, ...],
    acts: tuple[str, ...],
    site: str | None,
    made_from: str | None,
    made_to: str | None,
    period: str | None,
    bbox_text: str | None,
    audience: str,
    as_json: bool,
) -> None:
    """List allegations, every party's the same way, with their current status.

    \b
    Example:
      heritage allegation list --party azerbaijan --act alteration
      heritage allegation list --site ghazanchetsots-cathedral --json
      heritage allegation list --audience public
    """
    known = env.catalogue.info.party_ids()
    for value, option in [*((p, "--party") for p in parties), *((p, "--perpetrator") for p in perpetrators)]:
        if value not in known:
            raise click.BadParameter(f"unknown party {value!r}; known: {', '.join(sorted(known))}", param_hint=option)
    where = AllegationFilter(
        {AllegationStatus(s) for s in statuses},
        set(parties),
        set(perpetrators),
        {AllegedAct(a) for a in acts},
        site,
        _day(made_from, "--made-from"),
        _day(made_to, "--made-to"),
        _window(period),
        bbox(bbox_text),
    )
    found = allegations_for(env.catalogue, select_allegations(env.catalogue, where), audience)
    if as_json:
        echo_json([reviewed.as_json() for reviewed in found])
        return
    table = Table(title=plain_text(f"{len(found)} allegation(s)"), box=box.SIMPLE_HEAD)
    for column in ("id", "made", "claimant", "acts", "accused", "sites", "damage", "attribution"):
        table.add_column(column, overflow="fold")
    for reviewed in found:
        table.add_row(*_allegation_line(reviewed))
    console().print(table)


@allegation.command("show")
@click.argument("allegation_id", metavar="ALLEGATION", shell_complete=allegation_ids)
@listing_audience_option
@json_option("Print JSON.")
@pass_env
def allegation_show(env: Env, allegation_id: str, audience: str, as_json: bool) -> None:
    """One allegation with its source, the responses to it, and its whole review trail, with the
    verifications each review rests on (those it names, and those of the records it names).

    \b
    Example:
      heritage allegation show a-ghazanchetsots-cathedral-2020-10-08-01
    """
    reviewed = find_allegation_for(env.catalogue, find_allegation(env.catalogue, allegation_id), audience)
    behind = checks_behind(env.catalogue, reviewed.reviews, audience)
    if as_json:
        data = reviewed.as_json()
        for review in data["reviews"]:
            review["checks_behind"] = [v.model_dump(mode="json", exclude_none=True) for v in behind[review["id"]]]
        echo_json(data)
        return
    a, out = reviewed.allegation, console()
    source = env.catalogue.source(a.source.source) if env.catalogue.has_source(a.source.source) else None
    lines = [
        (
            "claimant",
            a.claimant.name
            + (
                f" ({a.claimant.kind.value}, party: {a.claimant.party})"
                if a.claimant.party
                else f" ({a.claimant.kind.value})"
            ),
        ),
        ("made", a.made_on),
        ("acts", ", ".join(x.value for x in a.acts)),
        ("sites", ", ".join(a.sites) or None),
        ("area", "a polygon" if a.area else None),
        (
            "alleged perpetrator",
            ", ".join(x for x in (a.alleged_perpetrator.name, a.alleged_perpetrator.party) if x)
            if a.alleged_perpetrator
            else None,
        ),
        ("alleged period", a.alleged_period),
        ("claim", a.summary),
        ("quote", a.quote),
        ("legal references", "; ".join(a.legal_references) or None),
        (
            "source",
            (f"{source.title} [{source.reliability.value}]" if source else a.source.source)
            + (f", {a.source.locator}" if a.source.locator else ""),
        ),
        ("responds to", a.responds_to),
        ("answered by", ", ".join(reviewed.responses) or None),
        ("status", reviewed.status_line()),
    ]
    out.print(plain_text(a.id, style="bold"))
    for label, value in lines:
        if value:
            out.print(Text.assemble((f"{label}: ", "bold"), printable(value)))
    out.print(Text(f"Reviews ({len(reviewed.reviews)}), oldest first", style="bold"))
    for review in reviewed.reviews:
        out.print(
            Text.assemble(
                f"  {review.recorded_at:%Y-%m-%d} ",
                (f"{review.aspect.value} → {review.status.value}", "bold"),
                f"  {review.id}",
            )
        )
        for label, value in (
            ("reviewer", review.reviewer),
            ("standard", review.standard),
            ("rationale", review.rationale),
            ("relies on", ", ".join(review.relies_on)),
        ):
            if value:
                out.print(Text("      ").append(Text.assemble((f"{label}: ", "bold"), printable(value))))
        for check in behind[review.id]:
            line = Text.assemble(("checked: ", "bold"), printable(f"{check.subject} {summary(check)}  {check.id}"))
            out.print(Text("      ").append(line))


@cli.command("stats")
@json_option("Print JSON.")
@pass_env
def stats_command(env: Env, as_json: bool) -> None:
    """Allegations by the claimant's party and by status, side by side.

    \b
    Example:
      heritage stats
    """
    table_data = stats(load_allegations(env.catalogue))
    if as_json:
        echo_json({party: dict(counts) for party, counts in table_data.items()})
        return
    statuses = [s.value for s in AllegationStatus]
    table = Table(title=Text("Allegations by claimant's party and damage status"), box=box.SIMPLE_HEAD)
    table.add_column("claimant's party")
    for status in statuses:
        table.add_column(status.replace("_", " "), justify="right")
    table.add_column("total", justify="right")
    for party, counts in table_data.items():
        table.add_row(plain_text(party), *(str(counts.get(s, 0)) for s in statuses), str(sum(counts.values())))
    console().print(table)

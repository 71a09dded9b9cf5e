"""`heritage evidence custody`: an evidence file's chain of custody, and events appended to it."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from heritage.cli.app import Env, pass_env
from heritage.cli.common import (
    aware_datetime,
    choice,
    console,
    echo_json,
    json_option,
    listing_audience_option,
    renamed,
)
from heritage.cli.evidence_cmd import evidence
from heritage.models import CustodyAction, Sensitivity

ACTIONS = [a for a in CustodyAction if a is not CustodyAction.intake]


class CustodyGroup(click.Group):
    """`custody EV` shows the chain (as `custody show EV`); `custody add EV ...` appends to it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@evidence.group("custody", cls=CustodyGroup)
def custody() -> None:
    """An evidence file's chain of custody: its intake, then each change of hands since.

    \b
    Example:
      heritage evidence custody ev-3f2a9c0d1e4b5a6f7c8d
      heritage evidence custody add ev-3f2a9c0d1e4b5a6f7c8d --action transferred \\
        --from "Field team 2" --to "HQ evidence officer" --where "USB stick S/N 4C530001" --check copy.jpg
    """


@custody.command("add")
@click.argument("reference", metavar="EV")
@click.option("--action", required=True, type=click.Choice([a.value for a in ACTIONS]), help="What happened.")
@click.option(
    "--to", "to_holder", help="Who holds the file (or copy) after it; not needed for stored, checked, destroyed."
)
@click.option("--from", "from_holder", help="Who held it before.")
@click.option("--by", help="Who did it (handed it over, made the copy). Default: you.")
@click.option("--at", "at", help="When it happened, with its time zone (2026-05-14T16:30:00+04:00). Default: now.")
@click.option("--where", help="The place or medium: an office, 'USB stick S/N ...', 'email', 'court portal'.")
@click.option(
    "--check",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The copy at hand: its SHA-256 is recomputed now and recorded, matched or not.",
)
@click.option("--sha256", "checked_sha256", metavar="HEX", help="A SHA-256 recomputed elsewhere, as read out.")
@renamed("--notes", "--note", dest="notes")
@click.option("--sensitivity", type=choice(Sensitivity), default="public", show_default=True)
@pass_env
def custody_add(
    env: Env,
    reference: str,
    action: str,
    to_holder: str | None,
    from_holder: str | None,
    by: str | None,
    at: str | None,
    where: str | None,
    check: Path | None,
    checked_sha256: str | None,
    notes: str | None,
    sensitivity: str,
) -> None:
    """Append a custody event to the chain of evidence EV (its ev-... id or SHA-256); print its id.

    \b
    Example:
      heritage evidence custody add ev-3f2a9c0d1e4b5a6f7c8d --action copied \\
        --to "ICC Office of the Prosecutor" --where "court upload portal" --check export/IMG_2041.jpg
    """
    from heritage.custody import record_event

    event = record_event(
        env.catalogue,
        reference,
        CustodyAction(action),
        recorded_by=env.user(),
        by=by,
        at=aware_datetime(at, "--at"),
        from_holder=from_holder,
        to_holder=to_holder,
        where=where,
        check=check,
        checked_sha256=checked_sha256,
        notes=notes,
        sensitivity=Sensitivity(sensitivity),
    )
    click.echo(event.id)
    if event.hash_matches is False:
        click.echo(f"warning: the SHA-256 checked, {event.hash_checked}, is not the file's {event.evidence}", err=True)


@custody.command("show")
@click.argument("reference", metavar="EV")
@listing_audience_option
@json_option()
@pass_env
def custody_show(env: Env, reference: str, audience: str, as_json: bool) -> None:
    """Show the chain of custody of evidence EV: its intake, then every event in time order.

    \b
    Example:
      heritage evidence custody ev-3f2a9c0d1e4b5a6f7c8d
      heritage evidence custody ev-3f2a9c0d1e4b5a6f7c8d --audience mission --json
    """
    from heritage.custody import find_chain

    chain = find_chain(env.catalogue, reference, audience)
    if as_json:
        echo_json(chain_json(chain))
        return
    print_chain(chain)


def chain_json(chain: Any) -> dict[str, Any]:
    return {
        "evidence": chain.evidence.file_sha256,
        "intake": chain.evidence.model_dump(mode="json", exclude_none=True),
        "events": [e.model_dump(mode="json", exclude_none=True) for e in chain.events],
    }


def print_chain(chain: Any, title: str | None = None) -> None:
    out = console()
    out.print(Text(title or f"chain of custody of {chain.evidence.file_sha256}", style="bold"))
    for number, link in enumerate(chain.links, 1):
        when = f"{link.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        line = Text(f"{number:>3}. {when}  {link.action}", style="bold")
        parts = [
            f"from {link.from_holder}" if link.from_holder else "",
            f"to {link.to_holder}" if link.to_holder else "",
            f"by {link.by}" if link.by else "",
            link.where or "",
            link.check,
        ]
        text = "; ".join(p for p in parts if p)
        if text:
            line.append("  " + text, style="")
        out.print(line, soft_wrap=True)
        if link.notes:
            out.print(Text(f"       {link.notes}"), soft_wrap=True)
    if chain.names_withheld:
        out.print(Text("     (who held the file, and where, are withheld for this audience)"))

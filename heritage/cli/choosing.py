"""Choosing a package's sites on the command line: one set of options for `mission export` and
`form xlsform`, read into the library's `mission.Selection`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from heritage.cli.common import bbox
from heritage.models import Condition
from heritage.models.base import utc_today

if TYPE_CHECKING:
    from heritage.models import Site
    from heritage.store import Catalogue

F = TypeVar("F", bound=Callable[..., Any])


def site_selection(command: F) -> F:
    """The options that choose sites: --area, --bbox, --sites, --has-allegation, --condition."""
    options = [
        click.option("--area", type=click.Path(dir_okay=False, path_type=Path), help="Sites inside this GeoJSON area."),
        click.option("--bbox", "bbox_text", metavar="W,S,E,N", help="Sites inside this box."),
        click.option("--sites", "site_list", metavar="ID,ID,...", help="These sites."),
        click.option("--has-allegation", is_flag=True, help="Sites that are the subject of an allegation."),
        click.option(
            "--condition",
            "conditions",
            multiple=True,
            type=click.Choice([c.value for c in Condition]),
            help="Sites in this condition today; repeat.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def chosen_sites(
    catalogue: Catalogue,
    audience: str,
    area: Path | None,
    bbox_text: str | None,
    site_list: str | None,
    has_allegation: bool,
    conditions: tuple[str, ...],
) -> list[Site]:
    """The sites the options choose, as `audience` would choose them (`mission.select_sites`)."""
    from heritage.mission import Selection, select_sites
    from heritage.selection import read_area

    if not (area or bbox_text or site_list or has_allegation or conditions):
        raise click.UsageError("choose the sites: --area, --bbox, --sites, --has-allegation or --condition")
    selection = Selection(
        area=read_area(area) if area else None,
        bbox=bbox(bbox_text),
        sites={s.strip() for s in site_list.split(",") if s.strip()} if site_list else None,
        has_allegation=has_allegation,
        conditions={Condition(c) for c in conditions} or None,
    )
    return select_sites(catalogue, selection, utc_today(), audience)

"""Choosing a package's sites on the command line: one set of options for `mission export` and
`form xlsform`, read into the library's `mission.Selection`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from heritage.cli.common import bbox
from heritage.cli.completion import site_id_lists
from heritage.models import Condition
from heritage.models.base import utc_today

if TYPE_CHECKING:
    from heritage.models import Site
    from heritage.selection import Seen
    from heritage.store import Catalogue

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class SiteChoice:
    """The site options as given; `sites` reads them into the library's `mission.Selection`."""

    area: Path | None
    bbox_text: str | None
    site_list: str | None
    has_allegation: bool
    conditions: tuple[str, ...]

    @property
    def chosen(self) -> bool:
        """Whether any option chose sites at all."""
        return bool(self.area or self.bbox_text or self.site_list or self.has_allegation or self.conditions)

    def sites(self, catalogue: Catalogue, audience: str, seen: Seen | None = None) -> list[Site]:
        """The sites the options choose, as `audience` would choose them (`mission.select_sites`;
        `seen`: that audience's view of the catalogue, if already loaded)."""
        from heritage.mission import Selection, select_sites
        from heritage.selection import read_area

        if not self.chosen:
            raise click.UsageError("choose the sites: --area, --bbox, --sites, --has-allegation or --condition")
        selection = Selection(
            area=read_area(self.area) if self.area else None,
            bbox=bbox(self.bbox_text),
            sites={s.strip() for s in self.site_list.split(",") if s.strip()} if self.site_list else None,
            has_allegation=self.has_allegation,
            conditions={Condition(c) for c in self.conditions} or None,
        )
        return select_sites(catalogue, selection, utc_today(), audience, seen)


def site_selection(command: F) -> F:
    """The options that choose sites (--area, --bbox, --sites, --has-allegation, --condition),
    handed to the command as one `choice: SiteChoice`."""

    @functools.wraps(command)
    def given(*args: Any, **kwargs: Any) -> Any:
        fields = ("area", "bbox_text", "site_list", "has_allegation", "conditions")
        choice = SiteChoice(*(kwargs.pop(name) for name in fields))
        return command(*args, choice=choice, **kwargs)

    options = [
        click.option(
            "--area",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Sites inside this GeoJSON area; - for standard input.",
        ),
        click.option("--bbox", "bbox_text", metavar="W,S,E,N", help="Sites inside this box."),
        click.option("--sites", "site_list", metavar="ID,ID,...", help="These sites.", shell_complete=site_id_lists),
        click.option("--has-allegation", is_flag=True, help="Sites that are the subject of an allegation."),
        click.option(
            "--condition",
            "conditions",
            multiple=True,
            type=click.Choice([c.value for c in Condition]),
            help="Sites in this condition today; repeat.",
        ),
    ]
    wrapped: Any = given
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, wrapped)

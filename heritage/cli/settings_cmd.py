"""`heritage catalogue show|set` and `heritage vocab`: what a catalogue says about itself."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from heritage import layout
from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import box_numbers, console, echo_json, json_option, plain_text


@cli.group("catalogue")
def catalogue_group() -> None:
    """The catalogue's own settings, kept in catalogue.json.

    \b
    Example:
      heritage catalogue show
      heritage catalogue set region --fit
    """


@catalogue_group.command("show")
@json_option("Print JSON.")
@pass_env
def catalogue_show(env: Env, as_json: bool) -> None:
    """Print the catalogue's name, region, parties and own vocabulary.

    \b
    Example:
      heritage catalogue show
    """
    from heritage.settings import format_region

    info = env.catalogue.info
    if as_json:
        echo_json(info.model_dump(mode="json", exclude_none=True))
        return
    out = console()
    out.print(plain_text(f"name: {info.name}"))
    if info.description:
        out.print(plain_text(f"description: {info.description}"))
    region = "none (no site is flagged as outside)" if info.region is None else format_region(info.region)
    out.print(plain_text(f"region (W S E N): {region}"))
    for party in info.parties:
        out.print(plain_text(f"party: {party.id} ({party.name})"))
    for key, text in info.site_types.items():
        out.print(plain_text(f"site type: {key} ({text})"))
    for key, text in info.traditions.items():
        out.print(plain_text(f"tradition: {key} ({text})"))


@catalogue_group.group("set")
def catalogue_set() -> None:
    """Change a setting in catalogue.json (rewritten whole, under the catalogue's write lock).

    \b
    Example:
      heritage catalogue set region 44.5 38.5 48.0 41.0
    """


@catalogue_set.command("region", context_settings={"ignore_unknown_options": True})
@click.argument("bounds", nargs=-1, metavar="W S E N")
@click.option("--fit", is_flag=True, help="Grow the region to hold every site with a location.")
@pass_env
def set_region_command(env: Env, bounds: tuple[str, ...], fit: bool) -> None:
    """Declare the region (west, south, east, north, in degrees): sites outside it are flagged.

    \b
    Example:
      heritage catalogue set region 44.5 38.5 48.0 41.0
      heritage catalogue set region --fit
    """
    from heritage.settings import format_region, grown_region, set_region

    catalogue = env.catalogue
    if fit == bool(bounds):
        raise click.UsageError("give four numbers W S E N, or --fit")
    if fit:
        with env.index(kinds=(layout.SITES,)) as index:
            positions = [(lon, lat) for _, lon, lat, _ in index.located_sites()]
        region = grown_region(catalogue.info.region, positions)
    else:
        region = _bounds(bounds)
    set_region(catalogue.root, region)
    click.echo("region (W S E N): " + format_region(region))


def _bounds(bounds: tuple[str, ...]) -> tuple[float, float, float, float]:
    return box_numbers(list(bounds), "W S E N")


class _VocabGroup(click.Group):
    """`heritage vocab` and `heritage vocab NAME` show; `heritage vocab add ...` adds."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=_VocabGroup)
def vocab() -> None:
    """The vocabularies: the values each coded field takes, with their labels.

    \b
    Example:
      heritage vocab
      heritage vocab site_type --json
      heritage vocab add site_type caravanserai --label "Caravanserai"
    """


@vocab.command("show")
@click.argument("name", required=False)
@json_option("Print JSON.")
@pass_env
def vocab_show(env: Env, name: str | None, as_json: bool) -> None:
    """List every vocabulary, or the one NAME, with values and labels.

    \b
    Example:
      heritage vocab condition
    """
    from heritage.models.labels import vocabularies
    from heritage.models.vocab import DEFAULT_VOCABULARY

    own = DEFAULT_VOCABULARY
    if layout.regular_file(layout.catalogue_file(env.catalogue_path)):  # outside a catalogue: built-in terms
        own = env.catalogue.info.vocabulary()
    every = vocabularies(own)
    if name is not None:
        if name not in every:
            raise click.BadParameter(f"unknown vocabulary {name!r}; known: {', '.join(every)}", param_hint="NAME")
        every = {name: every[name]}
    if as_json:
        document: dict[str, Any] = {
            key: {"fields": list(info.fields), "open": info.open, "values": labels}
            for key, (info, labels) in every.items()
        }
        echo_json(document)
        return
    table = Table("vocabulary", "value", "label", "used in", show_lines=False)
    for column in table.columns:
        column.overflow = "fold"  # a catalogue's own label is shown whole, however long
    for key, (info, labels) in every.items():
        used = ", ".join(info.fields) + (" (the catalogue may add)" if info.open else "")
        for number, (value, text) in enumerate(labels.items()):
            first = number == 0
            table.add_row(
                plain_text(key if first else ""), plain_text(value), plain_text(text), plain_text(used if first else "")
            )
    console().print(table)


@vocab.command("add")
@click.argument("name", metavar="VOCABULARY")
@click.argument("key")
@click.option("--label", required=True, help="A few plain words saying what the term means.")
@click.option("--force", is_flag=True, help="Relabel a term that is there already with another label.")
@pass_env
def vocab_add(env: Env, name: str, key: str, label: str, force: bool) -> None:
    """Add a term to the catalogue's site types or traditions (catalogue.json).

    The other vocabularies are fixed: they map onto EAMENA's and UNOSAT's scales.

    \b
    Example:
      heritage vocab add site_type caravanserai --label "Caravanserai"
      heritage vocab add tradition molokan --label "Molokan Christianity"
    """
    from heritage.settings import add_vocabulary_term

    added = add_vocabulary_term(env.catalogue.root, name, key, label, force=force)
    click.echo(f"{'added' if added else 'already there'}: {name} {key}")

"""Small helpers the commands share: option parsing and output. No library work here."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource
from rich.console import Console
from rich.text import Text

from heritage.audience import AUDIENCES
from heritage.models.base import latest_today

if TYPE_CHECKING:
    from heritage.store import Catalogue


def console() -> Console:
    # Built per call so that it writes to whatever stdout is now (tests swap it). Piped output has
    # no terminal width to follow: give it room rather than rich's 80 columns.
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, soft_wrap=False, width=132 if piped else None)


def progress_console() -> Console:
    """Progress bars go to stderr: stdout stays clean for tables, JSON and ids. Under --quiet
    the console writes nothing, so no bar or spinner shows."""
    return Console(stderr=True, highlight=False, quiet=quiet())


# Where --quiet is kept: the context's meta, shared by a command and the groups above it, so the
# helpers below see it without every command passing a flag down.
_QUIET = "heritage.quiet"


def _keep_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[_QUIET] = True
    return value


# Say nothing but errors and refusals: the same flag and words on every command that writes
# files or shows progress.
quiet_option = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    callback=_keep_quiet,
    help="Print nothing on success: no progress, no summary. Errors and refused data still go to stderr.",
)


def quiet() -> bool:
    """Whether the running command was given --quiet."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_QUIET))


def inform(message: str) -> None:
    """An informational line on stdout (what was written, where): left out under --quiet.
    Errors and warnings never go through here."""
    if not quiet():
        click.echo(message)


# Every command that lists or shows takes --json with this flag and parameter name.
def json_option(help: str = "Print JSON instead of text.") -> Callable[[Any], Any]:
    return click.option("--json", "as_json", is_flag=True, help=help)


@contextmanager
def reading_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long reads of the catalogue, shown once there is work to show;
    gone when done. Yields the callback that `Index` and `validate` report (done, total) to."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    out = progress_console()
    if not out.is_terminal or out.quiet:  # piped, captured or --quiet: no bar, nothing left behind
        yield lambda done, total: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("parts"), TimeRemainingColumn())
    with Progress(*columns, transient=True, console=out) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def echo_json(data: Any) -> None:
    """JSON for scripts, sorted by key: an object a key a line, an array an item a line, each
    item encoded compactly. Python's json module encodes indented JSON in Python rather than in
    C, which dominated `list --json` and `changes --geojson` on large catalogues."""
    click.echo(json_text(data))


def json_text(data: Any) -> str:
    """The text `echo_json` prints, without its final newline (for a file written with -o)."""
    return _json_lines(data, "")


def _json_lines(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, list) and value:
        items = ",\n".join(inner + _compact(item) for item in value)
        return f"[\n{items}\n{indent}]"
    if isinstance(value, dict) and value:
        keys = sorted(value)
        items = ",\n".join(f"{inner}{_compact(str(key))}: {_json_lines(value[key], inner)}" for key in keys)
        return f"{{\n{items}\n{indent}}}"
    return _compact(value)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def refuse_stdio(value: object, option: str, why: str) -> None:
    """`-` (standard input or output) given where it cannot work: say why, before any work."""
    if value is not None and str(value) == "-":
        raise click.BadParameter(f"'-' (standard input or output) cannot be used here: {why}", param_hint=option)


def pairs(values: tuple[str, ...], option: str, sep: str = "=") -> list[tuple[str, str]]:
    """'hy=Շուշի' -> ('hy', 'Շուշի'); a clear usage error otherwise."""
    out = []
    for value in values:
        key, found, rest = value.partition(sep)
        if not found or not key.strip() or not rest.strip():
            raise click.BadParameter(f"{value!r} is not KEY{sep}VALUE", param_hint=option)
        out.append((key.strip(), rest.strip()))
    return out


def citations(values: tuple[str, ...]) -> list[dict[str, Any]]:
    """'SOURCE_ID' or 'SOURCE_ID:locator' (page, paragraph, timestamp)."""
    out = []
    for value in values:
        source, _, locator = value.partition(":")
        out.append({"source": source.strip(), "locator": locator.strip() or None})
    return out


def bbox(value: str | None, option: str = "--bbox") -> tuple[float, float, float, float] | None:
    """A box typed as W,S,E,N (`list --bbox`, `init --region`...), named by `option` in errors."""
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise click.BadParameter(f"{value!r} is not four numbers W,S,E,N", param_hint=option)
    return box_numbers(parts, option)


def view_box(value: str | None, option: str = "--view") -> tuple[float, float, float, float] | None:
    """A map's opening view typed as W,S,E,N: south below north, and west greater than east for
    a view across the antimeridian (170,-20,-170,-10 is the 20 degrees around 180)."""
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise click.BadParameter(f"{value!r} is not four numbers W,S,E,N", param_hint=option)
    west, south, east, north = _degrees(parts, option)
    if south >= north:
        raise click.BadParameter(f"south {south:g} is not below north {north:g}", param_hint=option)
    if west == east:
        raise click.BadParameter(f"west and east are both {west:g}: the view has no width", param_hint=option)
    return west, south, east, north


def _degrees(parts: list[str], option: str) -> tuple[float, float, float, float]:
    """Four finite decimal numbers: longitudes in [-180, 180], latitudes in [-90, 90]."""
    if len(parts) != 4:
        raise click.BadParameter(f"{' '.join(parts)!r} is not four numbers W S E N", param_hint=option)
    numbers = []
    for name, part, limit in zip(("west", "south", "east", "north"), parts, (180, 90, 180, 90), strict=True):
        text = part.strip()
        number = float(text) if _DECIMAL.fullmatch(text) else math.nan
        if not math.isfinite(number):
            raise click.BadParameter(f"{name} {part!r} is not a number of degrees", param_hint=option)
        if not -limit <= number <= limit:
            raise click.BadParameter(f"{name} {part} is outside [-{limit}, {limit}]", param_hint=option)
        numbers.append(number + 0.0)  # -0 as 0: the same region, written alike
    west, south, east, north = numbers
    return west, south, east, north


# Plain decimal numbers: float() would also take 'nan', '1_0' and the digits of other scripts.
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def box_numbers(parts: list[str], option: str) -> tuple[float, float, float, float]:
    """West, south, east, north in degrees, each said wrong in plain words: four finite decimal
    numbers in range, west <= east and south <= north. A box across the antimeridian (west
    greater than east) is refused: every reader of a box here takes west <= east."""
    west, south, east, north = _degrees(parts, option)
    if west > east:
        raise click.BadParameter(
            f"west {west:g} is greater than east {east:g}; a box across the antimeridian is not "
            "supported: widen it to west -180, east 180",
            param_hint=option,
        )
    if south > north:
        raise click.BadParameter(f"south {south:g} is greater than north {north:g}", param_hint=option)
    return west, south, east, north


# Lone surrogates too: what Python makes of bytes of an argument that are not UTF-8; they cannot
# be written to a file or a terminal, so they are shown as escapes and refused where text is kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object) -> str:
    """Text for a terminal: control characters shown as escapes, never obeyed. The models refuse
    them already; this is for files edited by hand that have not been validated yet."""
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", str(text)
    )


# Who an output is for: the same choices, default and words on every command that writes one.
audience_option = click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    default="mission",
    show_default=True,
    help="public: nothing restricted, restricted sites at ~10 km; mission: nothing confidential; internal: everything.",
)


# Who a listing is for (`source list`, `report show`, `allegation list`...): the same choices and
# words, but everything by default, since a listing goes to the team's own terminal.
listing_audience_option = click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    default="internal",
    show_default=True,
    help="Show only what this audience may see, as it may see it: public, mission or internal (everything).",
)


def aware_datetime(value: str | None, option: str) -> datetime | None:
    """A date and time given on the command line, which must say its time zone; None if not given."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date and time", param_hint=option) from None
    if when.tzinfo is None:
        raise click.BadParameter("give the time zone, e.g. 2026-05-14T16:30:00+04:00", param_hint=option)
    return when


def check_one_line(text: str, option: str, what: str) -> None:
    """A name or title given on the command line, shown on every page: one line, something in it,
    nothing a terminal or a page would obey."""
    if not text.strip() or printable(text) != text or "\n" in text:
        raise click.BadParameter(f"give {what} of one line, without control characters", param_hint=option)


def indented(text: object, indent: str = "        ") -> str:
    """`printable` text whose later lines are indented under the field they belong to, so that a
    line of a multi-line note (a phone's notes box) can never pass for a field or a warning."""
    return printable(text).replace("\n", "\n" + indent)


def one_line(text: object) -> str:
    """`printable`, and a line break shown as `\\n` too: for a message that is one line, where a
    file name or an answer holding a line break could otherwise print a line of its own."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t")


def drop_none(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if v is not None and v != [] and v != {}}


def choice(enum: Any) -> click.Choice[str]:
    """An option taking one of an enum's values."""
    return click.Choice([member.value for member in enum])


def known(values: tuple[str, ...], vocabulary: dict[str, str], option: str) -> None:
    """Refuse a value the catalogue's vocabulary does not have, naming the ones it has."""
    for value in values:
        if value not in vocabulary:
            raise click.BadParameter(
                f"unknown value {value!r}; known: {', '.join(sorted(vocabulary))}", param_hint=option
            )


def parse_date(value: str | None, option: str = "--as-of") -> date | None:
    """A date option (YYYY-MM-DD), not in the future: the catalogue cannot say yet."""
    if value is None:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None
    if found > latest_today():
        raise click.BadParameter(f"{value} is in the future: the catalogue cannot say yet", param_hint=option)
    return found


def plain_text(value: object, style: str = "") -> Text:
    """Catalogue text for the terminal: never markup, never a control sequence."""
    return Text(printable(value), style=style)


class Renamed(click.Option):
    """An option named after its record field (`--notes` for `notes`) that still takes the name it
    had before (`--note`), so that scripts written earlier keep working. The old names are parsed
    but left out of --help: `renamed("--notes", "--note", ...)`. Click has no hidden second name
    of its own (`hidden=` hides the whole option)."""

    def __init__(self, *args: Any, old: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.old_names = old

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        opts = self.opts
        self.opts = [name for name in opts if name not in self.old_names]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = opts

    def get_error_hint(self, ctx: click.Context | None) -> str:
        """Errors name the option by its field's name only, whichever name was typed."""
        return " / ".join(f"'{name}'" for name in self.opts if name not in self.old_names)

    # Given twice (`--notes A --note B`, each name looking like a different option), click would
    # keep the last value and drop the first without a word: the values are collected instead,
    # and more than one is refused.
    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        if self.multiple or self.is_flag or self.count:
            super().add_to_parser(parser, ctx)
            return
        parser.add_option(obj=self, opts=self.opts, dest=self.name, action="append", nargs=self.nargs)

    def consume_value(self, ctx: click.Context, opts: Mapping[str, Any]) -> tuple[Any, ParameterSource]:
        value, source = super().consume_value(ctx, opts)
        if source is ParameterSource.COMMANDLINE and not self.multiple and isinstance(value, list):
            if len(value) > 1:
                given = ", ".join(repr(v) for v in value)
                raise click.BadParameter(f"given {len(value)} times ({given}); give it once", ctx=ctx, param=self)
            value = value[0]
        return value, source


def renamed(new: str, *old: str, dest: str, **kwargs: Any) -> Callable[[Any], Any]:
    """`click.option(new, *old, dest)` whose `old` names work but are not shown (see `Renamed`)."""
    return click.option(new, *old, dest, cls=Renamed, old=old, **kwargs)


RENAMED_FLAGS: dict[str, str] = {
    "--note": "--notes",
    "--observer": "--observed-by",
    "--extent": "--damage-extent",
    "--effect": "--damage-effect",
    "--cause": "--damage-cause",
    "--uncertainty": "--uncertainty-m",
    "--accuracy": "--accuracy-m",
    "--made": "--made-on",
    "--party": "--claimant-party",
    "--perpetrator": "--alleged-perpetrator",
    "--perpetrator-party": "--alleged-perpetrator-party",
    "--period": "--alleged-period",
    "--legal-ref": "--legal-reference",
    "--bbox": "--region",  # of `init`: catalogue.json's field; `list --bbox` is a filter, not renamed
}
"""Old flag -> new flag, where the new one is the record field's name (documented in the guide)."""


def evidence_hashes(catalogue: Catalogue, references: tuple[str, ...], option: str = "--evidence") -> list[str]:
    """Evidence files named as `evidence add` printed them (SHA-256 or ev-... id), as the SHA-256s
    that records keep."""
    hashes = []
    for reference in references:
        sha = catalogue.evidence_sha(reference)
        if sha is None:
            raise click.BadParameter(
                f"no evidence {reference!r} in the catalogue (give the SHA-256 or the ev-... id that "
                "'heritage evidence add' printed)",
                param_hint=option,
            )
        hashes.append(sha)
    return hashes


def evidence_ids(catalogue: Catalogue, references: tuple[str, ...]) -> list[str]:
    """Record ids for `relies_on`, with an evidence file's SHA-256 turned into its ev-... id;
    anything else is kept as typed, for the library to check."""
    out = []
    for reference in references:
        # As --evidence takes them: the SHA-256 or the ev- id, in either case, spaces around.
        typed = reference.strip().lower()
        sha = catalogue.evidence_sha(typed) if len(typed) == 64 or typed.startswith("ev-") else None
        out.append(f"ev-{sha[:20]}" if sha else reference)
    return out

"""The command group, catalogue lookup and the translation of errors into exit codes."""

from __future__ import annotations

import getpass
import os
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from heritage import __version__
from heritage.cli.common import one_line
from heritage.errors import CatalogueNotFound, HeritageError, RecordExists, RecordNotFound
from heritage.store import Catalogue

if TYPE_CHECKING:
    from heritage.index import Index


class ExitCode(IntEnum):
    OK = 0
    INVALID = 1  # bad input, or a catalogue that fails validation
    USAGE = 2  # the command line itself is wrong (click's own code)
    NOT_FOUND = 3  # no catalogue, or an unknown id
    CONFLICT = 4  # the id is taken


BROKEN_PIPE = 128 + 13  # as a shell reports a program that SIGPIPE ended


def exit_code_for(error: HeritageError) -> ExitCode:
    if isinstance(error, (CatalogueNotFound, RecordNotFound)):
        return ExitCode.NOT_FOUND
    if isinstance(error, RecordExists):
        return ExitCode.CONFLICT
    return ExitCode.INVALID


class HeritageGroup(click.Group):
    """Turns library errors into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HeritageError as error:
            # A file name or a value in the message is shown, never obeyed (escapes, bidi, line breaks).
            click.echo(f"error: {one_line(error)}", err=True)
            ctx.exit(exit_code_for(error))
        except BrokenPipeError:
            # The reader went away (`heritage export geojson -o - | head`): stop quietly, with the
            # status of a program that SIGPIPE ended, as other Unix tools do; stdout is pointed at
            # /dev/null so that flushing it at exit cannot fail a second time.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(BROKEN_PIPE)
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            click.echo(f"error: {one_line(f'{error.strerror or error}{where}')}", err=True)
            ctx.exit(ExitCode.INVALID)


class Env:
    """What every command needs from its surroundings; tests build their own."""

    def __init__(self, catalogue_path: Path) -> None:
        self.catalogue_path = catalogue_path
        self._catalogue: Catalogue | None = None

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = Catalogue.open(self.catalogue_path)
        return self._catalogue

    def index(self, kinds: tuple[str, ...] | None = None, thorough: bool = False, refresh: bool = True) -> Index:
        """The catalogue's index, brought up to date (with a progress bar when that takes a while):
        only for these record folders, if given; every file compared if `thorough`; left as it
        is, for `refresh` later, if not `refresh`. Close it when done."""
        from heritage.cli.common import reading_progress
        from heritage.index import Index

        if not refresh:
            return Index.open(self.catalogue, refresh=False)
        with reading_progress("indexing the catalogue") as progress:
            return Index.open(self.catalogue, progress, kinds=kinds, thorough=thorough)

    @staticmethod
    def refresh(index: Index, kinds: tuple[str, ...] | None = None) -> None:
        """Bring an index opened with `refresh=False` up to date, as `index` does."""
        from heritage.cli.common import reading_progress

        with reading_progress("indexing the catalogue") as progress:
            index.refresh(progress, kinds)

    @staticmethod
    def user() -> str:
        return os.environ.get("HERITAGE_USER") or getpass.getuser()


pass_env = click.make_pass_decorator(Env)


@click.group(cls=HeritageGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--catalogue",
    "-C",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="HERITAGE_CATALOGUE",
    default=".",
    show_default="the current folder, or HERITAGE_CATALOGUE",
    help="The catalogue folder to work on.",
)
@click.version_option(__version__, prog_name="heritage")
@click.pass_context
def cli(ctx: click.Context, catalogue: Path) -> None:
    """Keep a sourced catalogue of heritage sites in conflict zones.

    \b
    Example:
      heritage validate
      heritage list --condition destroyed
      heritage --catalogue ~/nk show ghazanchetsots-cathedral
    """
    ctx.obj = Env(catalogue)


def main() -> None:
    sys.exit(cli.main(prog_name="heritage", standalone_mode=True))

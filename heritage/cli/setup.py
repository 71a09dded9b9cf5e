"""Creating, checking and importing into a catalogue: `init`, `validate`, `import`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click
from rich.text import Text

from heritage.cli.app import Env, ExitCode, cli, pass_env
from heritage.cli.common import bbox, console, echo_json, pairs, printable, reading_progress
from heritage.errors import ImportFailed, Problem
from heritage.importer import (
    REPORT_FIELDS,
    SITE_FIELDS,
    ImportOptions,
    ImportResult,
    import_reports,
    import_sites,
    parse_mapping,
)
from heritage.models import CatalogueInfo, LocationPrecision
from heritage.recording import build
from heritage.store import Catalogue
from heritage.validate import validate_catalogue


@cli.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The catalogue's name; the folder's name if absent.")
@click.option("--bbox", "region", metavar="W,S,E,N", help="The region: sites outside it are flagged.")
@click.option("--party", "parties", multiple=True, metavar="ID=NAME", help="A party to the conflict; repeat.")
def init(path: Path, name: str | None, region: str | None, parties: tuple[str, ...]) -> None:
    """Create a new, empty catalogue at PATH.

    \b
    Example:
      heritage init ~/catalogues/nk --name "Nagorno-Karabakh heritage" \\
        --bbox 45.0,38.8,47.8,40.9 --party armenia="Armenia" --party azerbaijan="Azerbaijan"
    """
    document = {
        "name": name or path.resolve().name,
        "region": bbox(region),
        "parties": [{"id": key, "name": value} for key, value in pairs(parties, "--party")],
    }
    info = build(CatalogueInfo, document, {})
    Catalogue.create(path, info)
    click.echo(f"created catalogue '{info.name}' in {path}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@pass_env
def validate(env: Env, as_json: bool) -> None:
    """Check the whole catalogue and print every problem. Exit 1 if there is any error.

    \b
    Example:
      heritage validate
      heritage --catalogue ~/nk validate --json
    """
    with reading_progress("checking the files") as progress:
        result = validate_catalogue(env.catalogue, progress=progress)
    if as_json:
        echo_json({"ok": result.ok, "counts": dict(result.counts), "problems": [p.as_dict() for p in result.problems]})
    else:
        out = console()
        lines = []
        for problem in result.problems:
            line = Text(problem.severity, style="red" if problem.severity == "error" else "yellow")
            line.append(f" {problem.code}: ")
            line.append(printable(problem.describe()))  # catalogue text: never read as markup
            lines.append(line)
        if lines:  # printed at once: thousands of warnings print in a blink rather than seconds
            out.print(Text("\n").join(lines), soft_wrap=True)
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items())) or "no records"
        verdict = "valid" if result.ok else "INVALID"
        out.print(
            f"{verdict}: {counts}; {len(result.errors)} error(s), {len(result.warnings)} warning(s)", markup=False
        )
    if not result.ok:
        raise SystemExit(ExitCode.INVALID)


@cli.group("import")
def import_group() -> None:
    """Import many records from a CSV file (all rows or nothing)."""


def _row(problem: Problem) -> str:
    return Problem(problem.code, problem.message, None, problem.record, problem.field).describe()


def _run_import(run: Callable[[ImportOptions], ImportResult], options: ImportOptions, kind: str) -> None:
    try:
        with reading_progress(f"importing {kind}") as progress:
            result = run(replace(options, progress=progress))
    except ImportFailed as failure:
        for problem in failure.problems:
            click.echo(f"  {_row(problem)}", err=True)
        raise
    for problem in result.skipped:
        click.echo(f"skipped {_row(problem)}", err=True)
    click.echo(
        f"imported {len(result.written)} {kind}: {len(result.written)} new, "
        f"{len(result.already)} already in the catalogue"
        + (f", {result.repeated} row(s) repeating an earlier row" if result.repeated else "")
        + (f", skipped {result.skipped_rows} invalid row(s)" if result.skipped else "")
    )


COLUMN_OPTION = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD from COLUMN; repeat. Columns named like fields need none.",
)
SKIP_OPTION = click.option(
    "--skip-invalid", is_flag=True, help="Write the valid rows and report the others (default: write nothing)."
)
IGNORE_OPTION = click.option(
    "--ignore-column", "ignored", multiple=True, metavar="COLUMN", help="A column of the file not to read; repeat."
)
AS_RECORDED_OPTION = click.option(
    "--as-recorded", is_flag=True, help="Read recorded_at / recorded_by columns (migrations only)."
)


def _options(env: Env, skip_invalid: bool, ignored: tuple[str, ...], as_recorded: bool) -> ImportOptions:
    return ImportOptions(
        recorded_by=env.user(), skip_invalid=skip_invalid, as_recorded=as_recorded, ignore=frozenset(ignored)
    )


@import_group.command("sites")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@COLUMN_OPTION
@SKIP_OPTION
@IGNORE_OPTION
@AS_RECORDED_OPTION
@click.option(
    "--default-precision",
    type=click.Choice([p.value for p in LocationPrecision if p.value != "unknown"]),
    default="exact",
    show_default=True,
    help="Location precision of rows that give none.",
)
@pass_env
def import_sites_command(
    env: Env,
    file: Path,
    columns: tuple[str, ...],
    skip_invalid: bool,
    ignored: tuple[str, ...],
    as_recorded: bool,
    default_precision: str,
) -> None:
    """Import sites from a CSV file.

    Fields: id, name:LANG (one per language), lat + lon | latlon ("lat, lon") | wkt (POINT(lon lat)),
    type, tradition, period, period_start, period_end, precision, uncertainty_m, location_source,
    areas (';'-separated), description, sensitivity, external_id:SCHEME. A column that matches no
    field is an error (a misspelt column must not lose its values): map it or --ignore-column it.

    \b
    Example:
      heritage import sites churches.csv --column name:en=Name --column name:hy=Name_hy \\
        --column latlon=Coordinates --column type=Kind --ignore-column Notes
    """
    mapping = parse_mapping(columns, SITE_FIELDS)
    options = _options(env, skip_invalid, ignored, as_recorded)
    _run_import(lambda o: import_sites(env.catalogue, file, mapping, o, default_precision), options, "site(s)")


@import_group.command("reports")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@COLUMN_OPTION
@SKIP_OPTION
@IGNORE_OPTION
@AS_RECORDED_OPTION
@pass_env
def import_reports_command(
    env: Env, file: Path, columns: tuple[str, ...], skip_invalid: bool, ignored: tuple[str, ...], as_recorded: bool
) -> None:
    """Import condition reports from a CSV file.

    Fields: id, site, observed, condition, method, sources (';'-separated ID or ID:locator),
    credibility, extent, effects, causes (';'-separated), observed_by, evidence, notes, sensitivity,
    supersedes.

    \b
    Example:
      heritage import reports chw-2022.csv --column site=SiteId --column observed=ImageDate
    """
    mapping = parse_mapping(columns, REPORT_FIELDS)
    options = _options(env, skip_invalid, ignored, as_recorded)
    _run_import(lambda o: import_reports(env.catalogue, file, mapping, o), options, "report(s)")

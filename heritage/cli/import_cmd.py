"""`heritage import sites|reports|sources|allegations FILE`, `heritage import submissions PATH` and
`heritage import profile FILE`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from heritage.cli.app import Env, ExitCode, cli, pass_env
from heritage.cli.common import (
    console,
    inform,
    one_line,
    printable,
    quiet,
    quiet_option,
    reading_progress,
    refuse_stdio,
)
from heritage.importing import ImportOptions, ImportResult, Profile, RowsRefused, load_profile, run_import, with_flags
from heritage.importing.problems import ProblemGroup
from heritage.importing.starter import write_profile
from heritage.models import LocationPrecision
from heritage.models.vocab import Reliability, Sensitivity

if TYPE_CHECKING:
    from heritage.submissions.intake import IntakeResult

SHOWN_GROUPS = 20  # problem lines printed; the rest are counted


@cli.group("import")
def import_group() -> None:
    """Import many records from a file (all rows or nothing), with an optional profile.

    FILE may be - for standard input: CSV, JSON or GeoJSON is told from what it holds, not its name.

    \b
    Example:
      heritage import profile sites.csv -o sites.toml
      heritage import sites sites.csv --profile sites.toml --dry-run
      curl -s https://example.org/register.csv | heritage import sites - --dry-run
    """


def _print_groups(groups: list[ProblemGroup], prefix: str, unit: str = "row(s)") -> None:
    for group in groups[:SHOWN_GROUPS]:
        click.echo(f"{prefix}{one_line(group.describe(unit))}", err=True)
        if group.fix:
            click.echo(f"      fix: {one_line(group.fix)}", err=True)
    if len(groups) > SHOWN_GROUPS:
        click.echo(f"{prefix}and {len(groups) - SHOWN_GROUPS} more", err=True)


def _summary(result: ImportResult) -> str:
    verb = "would import" if result.dry_run else "imported"
    new, already = len(result.written), len(result.already)
    line = f"{verb} {new} {result.label}: {new} new, {already} already in the catalogue"
    extras = [
        f"{result.repeated} row(s) repeating an earlier row" if result.repeated else "",
        f"{result.headings} heading row(s) skipped" if result.headings else "",
        f"{result.filtered} row(s) filtered out" if result.filtered else "",
        f"skipped {result.skipped_rows} invalid row(s)" if result.skipped_rows and not result.dry_run else "",
        f"{result.skipped_rows} row(s) failing" if result.skipped_rows and result.dry_run else "",
    ]
    return ", ".join([line, *[e for e in extras if e]])


def _print_headings(result: ImportResult) -> None:
    """Which rows were taken for headings: a site given only a name looks like one."""
    if result.heading_rows:
        more = ", ..." if result.headings > len(result.heading_rows) else ""
        rows = ", ".join(result.heading_rows)
        click.echo(printable(f"heading rows skipped ({result.headings}): {rows}{more}"), err=True)


def _print_dry_run(result: ImportResult) -> None:
    out = console()
    for target, counts in sorted(result.counts.items()):
        values = ", ".join(f"{escape(printable(value))} {n}" for value, n in counts.most_common())
        out.print(f"{target}: {values}", soft_wrap=True)
    for number, sample in enumerate(result.samples, start=1):
        text = json.dumps(sample, ensure_ascii=False, sort_keys=True)
        out.print(printable(f"record {number}: {text}"), markup=False, soft_wrap=True)
    if result.region is not None:
        out.print(f"the region would grow to {list(result.region)}", markup=False)
    out.print(_summary(result), markup=False)
    out.print("dry run: nothing was written", markup=False)


def _run(env: Env, kind: str, file: Path, profile: Profile, options: ImportOptions) -> None:
    try:
        with reading_progress(f"importing {kind}") as progress:
            result = run_import(env.catalogue, kind, file, profile, replace(options, progress=progress))
    except RowsRefused as failure:
        _print_groups(failure.groups, "  ")
        raise
    if result.failed:
        _print_groups(result.failed, "skipped " if not result.dry_run else "  failing: ")
    if result.warnings:
        _print_groups(result.warnings, "warning: ")
    _print_headings(result)
    if result.dry_run:
        _print_dry_run(result)
        return
    if result.region is not None:
        inform(f"grew the catalogue's region to {list(result.region)}")
    inform(_summary(result))
    if result.skipped_rows and not (result.written or result.already):
        # --skip-invalid with every row failing: nothing was imported, which a script must see.
        click.echo(f"error: {file}: every row failed; nothing was written", err=True)
        raise SystemExit(ExitCode.INVALID)


def _common(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options every kind's import takes."""
    options = [
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option(
            "--profile",
            "profile_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="An import profile (TOML).",
        ),
        click.option(
            "--column", "columns", multiple=True, metavar="FIELD=COLUMN", help="Read FIELD from COLUMN; repeat."
        ),
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar="FIELD:THEIRS=OURS",
            help="Their value of a vocabulary field -> ours; repeat.",
        ),
        click.option(
            "--fixed",
            "fixed",
            multiple=True,
            metavar="FIELD=VALUE",
            help="FIELD for every row that gives none; repeat.",
        ),
        click.option(
            "--where",
            "where",
            multiple=True,
            metavar="COLUMN=VALUE",
            help="Keep only the rows where COLUMN holds VALUE; repeat.",
        ),
        click.option(
            "--ignore-column",
            "ignored",
            multiple=True,
            metavar="COLUMN",
            help="A column of the file not to read; repeat.",
        ),
        click.option(
            "--ignore-unmapped", is_flag=True, help="Ignore every column no field reads (default: refuse them)."
        ),
        click.option("--encoding", help="The file's text encoding (utf-8, utf-16, cp1251...)."),
        click.option("--dry-run", is_flag=True, help="Check and show what would be written; write nothing."),
        click.option(
            "--skip-invalid", is_flag=True, help="Write the valid rows and report the others (default: write nothing)."
        ),
        click.option("--as-recorded", is_flag=True, help="Read recorded_at / recorded_by columns (migrations only)."),
        quiet_option,
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _import(env: Env, kind: str, **given: Any) -> None:
    profile = load_profile(given["profile_file"]) if given["profile_file"] else Profile()
    profile = with_flags(
        profile,
        columns=given["columns"],
        maps=given["maps"],
        fixed=given["fixed"],
        where=given["where"],
        ignore=given["ignored"],
        ignore_unmapped=given["ignore_unmapped"],
        encoding=given["encoding"],
    )
    if given.get("default_precision"):
        profile.default_precision = given["default_precision"]
    elif kind == "sites" and not profile.default_precision:
        profile.default_precision = "exact"
    options = ImportOptions(
        recorded_by=env.user(),
        skip_invalid=given["skip_invalid"],
        as_recorded=given["as_recorded"],
        dry_run=given["dry_run"],
        grow_region=given.get("grow_region", False),
    )
    _run(env, kind, given["file"], profile, options)


GROW_OPTION = click.option(
    "--grow-region", is_flag=True, help="Grow the catalogue's region to hold the file's records."
)


@import_group.command("sites")
@_common
@GROW_OPTION
@click.option(
    "--default-precision",
    type=click.Choice([p.value for p in LocationPrecision if p.value != "unknown"]),
    help="Location precision of rows that give none (default: exact).",
)
@pass_env
def import_sites_command(env: Env, /, **given: Any) -> None:
    """Import sites from a file.

    Fields: id, name:LANG (one per language), lat + lon | latlon ("lat, lon") | wkt | geometry,
    type, tradition, period, period_start, period_end, precision, uncertainty_m, location_source,
    areas (';'-separated), description, sensitivity, external_id:SCHEME. A column that matches no
    field is an error (a misspelt column must not lose its values): map it, --ignore-column it or
    pass --ignore-unmapped. Heading rows (a name and no coordinates) are skipped and counted.

    \b
    Example:
      heritage import sites churches.csv --column name:en=Name --column latlon=Coordinates \\
        --column type=Kind --map type:Kirche=church --ignore-column Notes --dry-run
    """
    _import(env, "sites", **given)


@import_group.command("reports")
@_common
@pass_env
def import_reports_command(env: Env, /, **given: Any) -> None:
    """Import condition reports from a file.

    Fields: id, site, observed, condition, method, sources (';'-separated ID or ID:locator),
    credibility, damage_extent, damage_effects, damage_causes (';'-separated), observed_by,
    evidence, notes, sensitivity, supersedes.

    \b
    Example:
      heritage import reports chw-2022.csv --column site=SiteId --column observed=ImageDate \\
        --fixed sources=src-chw --fixed method=remote_sensing --map "condition:Very bad=severe_damage"
    """
    _import(env, "reports", **given)


@import_group.command("sources")
@_common
@pass_env
def import_sources_command(env: Env, /, **given: Any) -> None:
    """Import sources from a file.

    Fields: id (made from the title if absent), kind, title, author, publisher, published, url,
    archived_url, accessed, language, party, reliability, sensitivity, notes, satellite.provider,
    satellite.acquired_on, satellite.sensor, satellite.scene_id.

    \b
    Example:
      heritage import sources sources.csv --column title=Title --column url=Link --fixed kind=news
    """
    _import(env, "sources", **given)


@import_group.command("allegations")
@_common
@GROW_OPTION
@pass_env
def import_allegations_command(env: Env, /, **given: Any) -> None:
    """Import allegations from a file.

    Fields: id, claimant.name, claimant.kind, claimant.party, made_on, source (ID or ID:locator),
    sites, acts and legal_references (';'-separated), alleged_perpetrator.name,
    alleged_perpetrator.party, alleged_period, area (WKT polygon), summary, quote, evidence,
    responds_to (an id in the catalogue or on an earlier row), sensitivity.

    \b
    Example:
      heritage import allegations claims.csv --fixed claimant.kind=government --map acts:razed=destruction
    """
    _import(env, "allegations", **given)


@import_group.command("profile")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kind", type=click.Choice(["sites", "reports", "sources", "allegations"]), default="sites", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the profile here (default, or -: print it).",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--encoding", help="The file's text encoding.")
@quiet_option
@pass_env
def import_profile_command(
    env: Env, file: Path, kind: str, output: Path | None, force: bool, encoding: str | None
) -> None:
    """Write a starting profile for FILE: columns guessed from its header, and every distinct
    value of each vocabulary column, to fill in.

    \b
    Example:
      heritage import profile register.csv --kind sites -o register.toml
      heritage import sites register.csv --profile register.toml --dry-run
    """
    if output is not None and str(output) == "-":
        output = None
    text = write_profile(env.catalogue, file, kind, output, force=force, encoding=encoding)
    if output is None:
        click.echo(text, nl=False)
    else:
        inform(f"wrote {output}: fill in the empty values, then run heritage import {kind} {file} --profile {output}")


@import_group.command("submissions")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--media",
    type=click.Path(path_type=Path),
    help="The attachments, for exports that keep them apart (KoboToolbox's media download).",
)
@click.option(
    "--max-distance",
    type=click.FloatRange(min=0, min_open=True),
    default=500.0,
    show_default=True,
    metavar="METRES",
    help="Warn (far-from-site) when the observer stood farther than this from the site.",
)
@click.option(
    "--without-photos", is_flag=True, help="Import submissions whose photo files are missing (warning photo-missing)."
)
@click.option("--dry-run", is_flag=True, help="Check and show what would be written; write nothing.")
@click.option(
    "--sensitivity",
    type=click.Choice([s.value for s in Sensitivity]),
    help="Of the new reports, sources, photos and sites (default: public; restricted for a new site).",
)
@click.option(
    "--reliability",
    type=click.Choice([r.value for r in Reliability]),
    default=Reliability.F.value,
    show_default=True,
    help="Admiralty grade of the field-visit sources.",
)
@click.option("--recorded-by", help="Who puts the reports in (default: HERITAGE_USER, or your login).")
@quiet_option
@pass_env
def import_submissions_command(
    env: Env,
    path: Path,
    media: Path | None,
    max_distance: float,
    without_photos: bool,
    dry_run: bool,
    sensitivity: str | None,
    reliability: str,
    recorded_by: str | None,
) -> None:
    """Import filled phone forms (ODK Collect, KoboCollect) as condition reports, each citing a
    field-visit source, with its photos as evidence. PATH is a phone's instances folder copied
    over USB, ODK Central's CSV-with-media zip, or a KoboToolbox CSV/XLSX export. All of them or
    nothing; a rerun adds nothing; an edited submission supersedes the report it edits.

    \b
    Example:
      heritage import submissions /media/usb/instances --dry-run
      heritage import submissions kobo.xlsx --media kobo-media.zip --max-distance 300
    """
    refuse_stdio(path, "PATH", "a phone's folder, a zip or a spreadsheet is read with the photos beside it")
    # Here, not at the top: every command loads this module, and only this one needs the intake.
    from heritage.submissions.intake import IntakeOptions, SubmissionsRefused, import_from

    options = IntakeOptions(
        recorded_by=recorded_by or env.user(),
        max_distance_m=max_distance,
        dry_run=dry_run,
        without_photos=without_photos,
        sensitivity=Sensitivity(sensitivity) if sensitivity else None,
        reliability=Reliability(reliability),
    )
    try:
        result = import_from(env.catalogue, path, options, media)
    except SubmissionsRefused as failure:
        _print_groups(failure.groups, "  ", unit="submission(s)")
        raise
    _print_intake(result)


def _print_intake(result: IntakeResult) -> None:
    for where, report, warning in result.warnings:
        click.echo(one_line(f"warning: {where}: report {report}: {warning.code}: {warning.message}"), err=True)
    for notice in result.notices:
        click.echo(one_line(f"warning: {notice}"), err=True)
    out = console()
    if result.dry_run:
        for number, sample in enumerate(result.samples, start=1):
            text = json.dumps(sample, ensure_ascii=False, sort_keys=True)
            out.print(printable(f"record {number}: {text}"), markup=False, soft_wrap=True)
    new, already = len(result.reports), len(result.already)
    verb = "would import" if result.dry_run else "imported"
    line = f"{verb} {new + already} submission(s): {new} new, {already} already in the catalogue"
    extras = [
        f"{result.repeated} given twice" if result.repeated else "",
        f"{len(result.sites)} new site(s)" if result.sites else "",
        f"{result.photos} photo(s) ({len(result.evidence)} stored anew)" if result.photos else "",
        f"{len(result.warnings)} warning(s) recorded on the reports" if result.warnings else "",
    ]
    if result.dry_run or not quiet():  # a dry run's report is what was asked for, even under --quiet
        out.print(", ".join([line, *[e for e in extras if e]]), markup=False, soft_wrap=True)
    if result.dry_run:
        out.print("dry run: nothing was written", markup=False)

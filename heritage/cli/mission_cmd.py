"""`heritage mission export` and `heritage verify-package`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import Progress

from heritage.cli.app import Env, ExitCode, cli, pass_env
from heritage.cli.choosing import SiteChoice, site_selection
from heritage.cli.common import (
    audience_option,
    check_one_line,
    echo_json,
    inform,
    json_option,
    printable,
    progress_console,
    quiet_option,
    refuse_stdio,
)
from heritage.layout import output_path

if TYPE_CHECKING:
    from heritage.package_check import PackageCheck


@cli.group()
def mission() -> None:
    """Mission packages: what a fact-finding mission takes with it."""


@mission.command("export")
@click.option("--name", required=True, help="The mission's name, shown on every page.")
@site_selection
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="A new folder for the package.",
)
@click.option("--zip", "as_zip", is_flag=True, help="Also write the package as DIR.zip.")
@click.option("--no-pdf", is_flag=True, help="Dossiers as HTML only (much quicker).")
@audience_option
@quiet_option
@pass_env
def mission_export(
    env: Env, name: str, choice: SiteChoice, output: Path, as_zip: bool, no_pdf: bool, audience: str
) -> None:
    """Export a mission package: map, table, dossiers, forms, GIS data and a manifest.

    \b
    Example:
      heritage mission export --name "Shusha, May 2026" --bbox 46.70,39.70,46.80,39.80 -o shusha-2026-05 --zip
      heritage mission export --name "Allegations" --has-allegation --audience public -o public-package
    """

    from heritage.mission import export_mission
    from heritage.mission_page import CATALOGUE_ROOT_WORDS, PACKAGE_ROOT_WORDS
    from heritage.selection import Seen

    check_one_line(name, "--name", "a name")
    refuse_stdio(output, "--output", "a package is a folder of many files (and a zip beside it); name the folder")
    catalogue = env.catalogue
    output_path(catalogue.root, output, folder=True)
    seen = Seen.load(catalogue, audience)  # read once: it chooses the sites and fills the package
    sites = choice.sites(catalogue, audience, seen)
    with Progress(transient=True, console=progress_console()) as progress:
        task = progress.add_task("writing the package", total=len(sites))
        result = export_mission(
            catalogue,
            name,
            sites,
            output,
            audience=audience,
            pdf=not no_pdf,
            as_zip=as_zip,
            progress=lambda _: progress.advance(task),
            seen=seen,
        )
    inform(f"wrote the {audience} package '{printable(name)}' ({result.sites} site(s)) to {result.path}")
    inform(f"package root {result.root}: {PACKAGE_ROOT_WORDS}")
    inform(f"catalogue root {result.catalogue_root}: {CATALOGUE_ROOT_WORDS}")


@cli.command("verify-package")
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--root", "expected_root", help="The package root printed at export: proves nothing was re-listed.")
@json_option("Print what was checked and every failure as JSON.")
def verify_package_command(package: Path, expected_root: str | None, as_json: bool) -> None:
    """Check a mission package (folder or zip) against its manifest; name every file changed, missing or added.

    A package is also a BagIt bag: its manifest-sha256.txt and tagmanifest-sha256.txt are checked too.
    Without --root only the package's agreement with its own manifest is checked.

    \b
    Example:
      heritage verify-package shusha-2026-05.zip --root c826bacf4f403720ba4efbc455fd46812a75a861ce63a54e6fb899293ca20215
      heritage verify-package shusha-2026-05 --json
    """
    from heritage.package_check import verify_package

    refuse_stdio(package, "PACKAGE", "a package is a folder, or a zip read out of order; name it")
    check = verify_package(package)
    if expected_root is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", expected_root.strip()):
        raise click.BadParameter("give the full 64-character root printed at export", param_hint="--root")
    matches = expected_root is None or expected_root.strip().lower() == check.root
    verified = check.ok and matches
    if as_json:
        echo_json(
            {
                "ok": verified,
                "checked": "manifest and root" if expected_root is not None else "manifest",
                "root": check.root,
                "expected_root": expected_root.strip().lower() if expected_root is not None else None,
                "manifest_root_ok": check.root_ok,
                "failures": _failures(check, matches),
            }
        )
    else:
        _print_check(check, expected_root, matches)
    if not verified:
        raise SystemExit(ExitCode.INVALID)


def _failures(check: PackageCheck, matches: bool) -> list[dict[str, str]]:
    """Each failure as {"kind", "path"} for a file, or {"kind", "message"} for the whole package."""
    failures = [
        {"kind": kind, "path": path}
        for kind, paths in (("changed", check.changed), ("missing", check.missing), ("added", check.added))
        for path in paths
    ]
    failures += [{"kind": "bag", "message": problem} for problem in check.bag]
    if not check.root_ok:
        failures.append({"kind": "manifest-altered", "message": _ALTERED})
    if not matches:
        failures.append({"kind": "root-differs", "message": _RELISTED})
    return failures


_ALTERED = "the manifest's root hash does not match its own list: the manifest was altered"
_RELISTED = "files were changed and listed again"


def _print_check(check: PackageCheck, expected_root: str | None, matches: bool) -> None:
    for label, paths in (("changed", check.changed), ("missing", check.missing), ("added", check.added)):
        for path in paths:
            click.echo(printable(f"{label}: {path}"))
    for problem in check.bag:
        click.echo(printable(f"bag: {problem}"))
    if not check.root_ok:
        click.echo(_ALTERED)
    if not matches:
        click.echo(f"the package root is {check.root}, not the {expected_root} given: {_RELISTED}")
    if check.ok and matches:
        click.echo(f"package root {check.root}")
        if expected_root is None:
            click.echo(
                "internally consistent only: every file matches the package's own manifest, which whoever "
                "changed a file could have rewritten; give --root with the root printed at export to verify it"
            )
        else:
            click.echo("package verified: every file matches its manifest, and the root is the one given")
    else:
        click.echo("NOT VERIFIED")

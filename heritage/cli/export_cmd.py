"""`heritage export FORMAT`: the chosen sites, for partner systems (`heritage.exports`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from heritage.cli.app import Env, cli, pass_env
from heritage.cli.choosing import SiteChoice, site_selection
from heritage.cli.common import audience_option, inform, printable, quiet_option
from heritage.exports import FORMATS
from heritage.layout import output_path

_FORMAT_HELP = "\n".join(f"  {f.name:<8} {f.describe}" for f in FORMATS.values())


@cli.command(
    "export",
    help=f"""Export the chosen sites, as an audience may see them, for other systems.

\b
Formats:
{_FORMAT_HELP}

Without --area, --bbox, --sites, --has-allegation or --condition, every site the audience may
see is exported. `-o -` writes to standard output.

\b
Example:
  heritage export gpkg --audience public -o karabakh-public.gpkg
  heritage export kml --bbox 46.70,39.70,46.80,39.80 -o shusha.kml
  heritage export geojson --has-allegation -o - | jq '.features | length'
""",
)
@click.argument("format_name", metavar="FORMAT", type=click.Choice(list(FORMATS)))
@site_selection
@click.option(
    "-o", "--output", required=True, help="The file to write (replaced if it is a regular file); - for standard output."
)
@click.option(
    "--dossier-links",
    metavar="PREFIX",
    help="Link each site to its dossier at PREFIX + ID.html (a web address, or ../dossiers/).",
)
@audience_option
@quiet_option
@pass_env
def export_command(
    env: Env, format_name: str, choice: SiteChoice, output: str, dossier_links: str | None, audience: str
) -> None:
    from heritage.exports import Scope, export, export_to_stream, stdout_binary
    from heritage.selection import Seen

    catalogue = env.catalogue
    to_stdout = output == "-"
    if not to_stdout:
        path = output_path(catalogue.root, output)
    seen = Seen.load(catalogue, audience)  # read once: it chooses the sites and fills the scope
    sites = choice.sites(catalogue, audience, seen) if choice.chosen else list(catalogue.sites())
    scope = Scope.load(catalogue, sites, audience, dossiers=dossier_links, seen=seen)
    if not scope.sites:
        raise click.UsageError(f"the selection holds no site the {audience} audience may see")
    if to_stdout:
        stream = stdout_binary()
        if FORMATS[format_name].binary and stream.isatty():
            raise click.UsageError(f"{format_name} is binary: write it to a file, or pipe it")
        with tempfile.TemporaryDirectory(prefix="heritage-export-") as work:
            export_to_stream(scope, format_name, stream, Path(work))
        return
    if not FORMATS[format_name].fits(path):
        wanted = FORMATS[format_name].suffix
        click.echo(
            f"warning: {printable(path.name)} does not end in {wanted}; it holds {format_name} all the same", err=True
        )
    export(scope, format_name, path)
    inform(f"wrote {len(scope.sites)} site(s) as {format_name} for the {audience} audience to {path}")

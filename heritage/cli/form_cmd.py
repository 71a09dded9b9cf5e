"""`heritage form`: the condition form for phones (ODK Collect, KoboCollect)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from heritage.cli.app import Env, cli, pass_env
from heritage.cli.choosing import SiteChoice, site_selection
from heritage.cli.common import audience_option, check_one_line, echo_json, inform, printable, quiet_option
from heritage.layout import output_path


@cli.group()
def form() -> None:
    """Field forms: the condition form as phones fill it in."""


@form.command("xlsform")
@site_selection
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write; - for standard output (not a terminal: the file is binary).",
)
@click.option("--title", help="The form's title on the phone (default: the catalogue's name).")
@audience_option
@quiet_option
@pass_env
def form_xlsform(env: Env, choice: SiteChoice, output: Path, title: str | None, audience: str) -> None:
    """Write the condition form as an XLSForm, with a choice list of the chosen sites.

    Upload it to ODK Central or KoboToolbox, or convert it for ODK Collect; the answers come back
    with `heritage import submissions`. The sites are chosen as `heritage mission export` chooses them.

    \b
    Example:
      heritage form xlsform --bbox 46.70,39.70,46.80,39.80 -o shusha-form.xlsx
      heritage form xlsform --has-allegation --title "Shusha, May 2026" -o allegations.xlsx
    """
    from heritage.audience import site_for
    from heritage.xlsform import write_xlsform, xlsform_bytes

    if title is not None:
        check_one_line(title, "--title", "a title")
    catalogue = env.catalogue
    to_stdout = str(output) == "-"
    stream = sys.stdout.buffer
    if to_stdout and stream.isatty():
        raise click.UsageError("an .xlsx form is binary: write it to a file, or pipe it")
    if not to_stdout:
        output_path(catalogue.root, output)
    sites = choice.sites(catalogue, audience)
    if to_stdout:
        stream.write(xlsform_bytes(catalogue, sites, audience=audience, title=title))
        stream.flush()
        return
    shown = sum(site_for(site, audience) is not None for site in sites)
    written = write_xlsform(catalogue, sites, output, audience=audience, title=title)
    inform(f"wrote the {audience} form for {shown} site(s) to {printable(written)}")


@form.command("translations")
@click.argument("lang")
@pass_env
def form_translations(env: Env, lang: str) -> None:
    """Print every label of the phone form to translate into LANG, as JSON for catalogue.json.

    Each key holds the catalogue's translation where it has one, else the English words. Translate
    them, and put the block under "translations" in catalogue.json; the next form uses them.

    \b
    Example:
      heritage form translations ru > ru.json
    """
    from heritage.models.types import LANGUAGE_TAG
    from heritage.xlsform import translation_template

    if not LANGUAGE_TAG.match(lang):
        raise click.BadParameter(f"{printable(lang)!r} is not a language tag such as 'ru' or 'hy'", param_hint="LANG")
    echo_json({lang: translation_template(env.catalogue.info, lang)})

"""Creating and checking a catalogue: `init`, `validate` (`import` is in import_cmd)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.text import Text

from heritage.cli.app import Env, ExitCode, cli, pass_env
from heritage.cli.common import (
    bbox,
    console,
    echo_json,
    inform,
    json_option,
    pairs,
    printable,
    quiet_option,
    reading_progress,
    refuse_stdio,
    renamed,
)
from heritage.models import CatalogueInfo
from heritage.recording import build
from heritage.store import Catalogue
from heritage.validate import validate_catalogue


@cli.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The catalogue's name; the folder's name if absent.")
@renamed("--region", "--bbox", dest="region", metavar="W,S,E,N", help="The region: sites outside it are warned of.")
@click.option("--party", "parties", multiple=True, metavar="ID=NAME", help="A party to the conflict; repeat.")
@quiet_option
def init(path: Path, name: str | None, region: str | None, parties: tuple[str, ...]) -> None:
    """Create a new, empty catalogue at PATH.

    \b
    Example:
      heritage init ~/catalogues/nk --name "Nagorno-Karabakh heritage" \\
        --region 45.0,38.8,47.8,40.9 --party armenia="Armenia" --party azerbaijan="Azerbaijan"
    """
    refuse_stdio(path, "PATH", "a catalogue is a folder; name it")
    document = {
        "name": name or path.resolve().name,
        "region": bbox(region, "--region"),
        "parties": [{"id": key, "name": value} for key, value in pairs(parties, "--party")],
    }
    info = build(CatalogueInfo, document, {})
    Catalogue.create(path, info)
    inform(f"created catalogue '{info.name}' in {path}")


@cli.command()
@json_option("Print the problems and the counts as JSON.")
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
        echo_json(
            {
                "ok": result.ok,
                "counts": dict(result.counts),
                "errors": len(result.errors),
                "warnings": len(result.warnings),
                "recorded": len(result.recorded),
                "problems": [p.as_dict() for p in result.problems],
            }
        )
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
        recorded = len(result.recorded)
        noted = f" ({recorded} recorded on reports when they came in)" if recorded else ""
        out.print(
            f"{verdict}: {counts}; {len(result.errors)} error(s), {len(result.warnings)} warning(s){noted}",
            markup=False,
        )
    if not result.ok:
        raise SystemExit(ExitCode.INVALID)

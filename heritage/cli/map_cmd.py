"""`heritage map`: one self-contained HTML map of the catalogue, with the basemap and the user's
own layers beneath the sites."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from heritage import layout
from heritage.cli.app import Env, cli, pass_env
from heritage.cli.common import (
    audience_option,
    inform,
    parse_date,
    progress_console,
    quiet_option,
    refuse_stdio,
    view_box,
)
from heritage.collector import paused_gc
from heritage.layout import output_path

if TYPE_CHECKING:
    from heritage.context.userlayers import LayerFile
    from heritage.index import Index
    from heritage.webmap import MapResult


@cli.command("map")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),  # text: a trailing '/' is seen (and refused)
    help="Where to write the map.  [default: maps/index.html in the catalogue]",
)
@click.option("--as-of", help="Show the catalogue as of this date (default: today); the slider goes back from it.")
@click.option(
    "--changes",
    nargs=2,
    metavar="D1 D2",
    help="A change map: only the sites whose condition differs between D1 and D2 (before -> after).",
)
@audience_option
@click.option("--online-tiles", is_flag=True, help="Add OpenStreetMap and satellite base layers (need a network).")
@click.option(
    "--tiles",
    type=click.Path(exists=True, path_type=Path, allow_dash=True),  # '-' is refused with its reason
    help="A local tile pyramid (folder z/x/y.png or .mbtiles) to carry inside the map.",
)
@click.option(
    "--layer",
    "layer_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path, allow_dash=True),
    help="Your own layer beneath the sites: GeoPackage, GeoJSON, Shapefile or OpenStreetMap .osm.pbf; repeat.",
)
@click.option("--no-basemap", is_flag=True, help="Leave out the Natural Earth basemap (a smaller file).")
@click.option(
    "--view",
    "view_text",
    metavar="W,S,E,N",
    help="Open on this box (WGS84; west greater than east crosses 180) instead of on all the sites.",
)
@quiet_option
@pass_env
def map_command(
    env: Env,
    output: str | None,
    as_of: str | None,
    changes: tuple[str, str] | None,
    audience: str,
    online_tiles: bool,
    tiles: Path | None,
    layer_files: tuple[Path, ...],
    no_basemap: bool,
    view_text: str | None,
) -> None:
    """Write one self-contained HTML map that works with no network.

    Every site at its place, coloured by its condition, ringed if it is the subject of an allegation;
    filters, name search in any script, and a date slider, all inside the file. It opens on the
    sites (or on --view); map.html#site=ID opens a site and map.html#12/39.75/46.75 a view.

    \b
    Example:
      heritage map
      heritage map -o mission/map.html --as-of 2021-06-01 --tiles karabakh.mbtiles
      heritage map --changes 2020-11-10 2024-12-31 -o changes.html
      heritage map --layer roads.gpkg --layer gaza.osm.pbf
      heritage map --view 46.6,39.6,47.0,39.9 -o shushi.html
    """
    from heritage.atomic import replace_file
    from heritage.mapdata import load_map_input

    refuse_stdio(output, "--output", "the map links to the dossiers in the folder beside it; write it to a file")
    refuse_stdio(tiles, "--tiles", "a tile pyramid is a folder or an MBTiles database, read out of order")
    for layer in layer_files:
        refuse_stdio(layer, "--layer", "GIS formats are read out of order (a GeoPackage, a Shapefile's parts)")
    catalogue = env.catalogue
    target = output_path(catalogue.root, output or catalogue.root / layout.MAPS / "index.html")
    view = view_box(view_text)
    window = None
    if changes and as_of:
        raise click.UsageError("--changes shows the catalogue as of its second date: leave out --as-of")
    if changes:
        first, last = parse_date(changes[0], "--changes"), parse_date(changes[1], "--changes")
        assert first is not None and last is not None
        if last < first:
            raise click.BadParameter("D2 is before D1", param_hint="--changes")
        window = (first, last)
    extra = read_layers(layer_files)

    def draw(index: Index) -> tuple[bytes, MapResult]:
        # folium is loaded only for this command, and only once the index is ready.
        from heritage.webmap.build import draw_map

        with paused_gc():  # from loading to the page's bytes: see paused_gc
            data = load_map_input(catalogue, index, audience)
            return draw_map(
                catalogue,
                target,
                as_of=parse_date(as_of),
                online_tiles=online_tiles,
                tiles=tiles,
                changes=window,
                audience=audience,
                data=data,
                basemap=not no_basemap,
                layers=[layer for found in extra for layer in found.layers],
                credits=sorted({found.attribution for found in extra if found.attribution}),
                view=view,
            )

    # A map for anyone but the team is drawn once every file is compared with the index: an edit
    # in place (a site made confidential) must reach it.
    with env.index(thorough=audience != "internal") as index, progress_console().status("building the map..."):
        body, result = draw(index)
    replace_file(target, body)
    unlocated = f", {result.unlocated} without location (listed in the side panel)" if result.unlocated else ""
    added = result.layer_bytes
    size = f"{added / 1e6:.1f} MB" if added >= 100_000 else f"{max(1, round(added / 1e3))} KB"
    layers = f", map layers {size} of it" if added else ""
    inform(
        f"wrote {result.path} ({result.bytes / 1e6:.1f} MB{layers}): "
        f"{result.located} site{'' if result.located == 1 else 's'} on the map{unlocated}"
    )


def read_layers(paths: tuple[Path, ...]) -> list[LayerFile]:
    """Every --layer file, read before anything is written: a bad one stops the command."""
    from heritage.context.userlayers import LayerFileError, read_layer_file

    found: list[LayerFile] = []
    for path in paths:
        try:
            found.append(read_layer_file(path, first_id=1 + sum(len(f.layers) for f in found)))
        except LayerFileError as error:
            raise click.BadParameter(str(error), param_hint="--layer") from error
    return found

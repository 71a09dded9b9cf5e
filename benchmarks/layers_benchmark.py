"""How long the map's vector layers take to redraw, in headless Chromium.

    python benchmarks/layers_benchmark.py [--lines 500] [--vertices 100] [--towns 2000]

Builds the sample catalogue's map with a synthetic layer in the basemap's place: --lines lines of
--vertices vertices each, spread over the sites' area, and --towns labelled points; then zooms
through 6..10 and back, and reads how long each redraw took (`window.heritageMap.layersDrawnMs`,
the drawing code's own clock, labels included). The first visit to a zoom measures its labels'
widths; later visits reuse them. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, Point

from heritage.browser import browser, load, wait_until
from heritage.context import Feature, VectorLayer, naturalearth
from heritage.store import Catalogue
from heritage.webmap.build import build_map

REPO = Path(__file__).resolve().parent.parent


def synthetic(lines: int, vertices: int, towns: int) -> Any:
    def basemap(extent: Any, budget: int = 0) -> list[VectorLayer]:
        west, south, east, north = extent
        pick = random.Random(1)
        shapes = []
        for _ in range(lines):
            x, y = pick.uniform(west - 1, east + 1), pick.uniform(south - 1, north + 1)
            shapes.append(Feature(LineString([(x + i * 0.01, y + math.sin(i / 5) * 0.05) for i in range(vertices)])))
        places = [
            Feature(Point(pick.uniform(west, east), pick.uniform(south, north)), label=f"Town {i}", rank=i % 4)
            for i in range(towns)
        ]
        return [
            VectorLayer("coast", "Coastlines", "line", "coast", "basemap", shapes),
            VectorLayer("towns", "Towns", "point", "town", "basemap", places),
        ]

    return basemap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--vertices", type=int, default=100)
    parser.add_argument("--towns", type=int, default=2000)
    options = parser.parse_args()
    naturalearth.basemap = synthetic(options.lines, options.vertices, options.towns)  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "map.html"
        result = build_map(Catalogue.open(REPO), output)
        print(
            f"{options.lines * options.vertices} vertices, {options.towns} towns; layers {result.layer_bytes} bytes\n"
        )
        print("| zoom | lines drawn | towns drawn | labels | redraw (ms) |\n| --- | --- | --- | --- | --- |")
        with browser() as context:
            page = context.new_page()
            load(page, output)
            wait_until(page, "window.heritageMap && window.heritageMap.layers !== undefined")
            for zoom in (6, 7, 8, 9, 10, 9, 8, 7, 6):
                page.evaluate(f"heritageApp.map.setZoom({zoom}, {{animate: false}})")
                page.wait_for_timeout(100)
                page.evaluate("heritageApp.layersCanvas.redraw()")
                state = page.evaluate("window.heritageMap")
                drawn = state["layers"]
                print(
                    f"| {zoom} | {drawn['coast']} | {drawn['towns']} | {state['layerLabels']} "
                    f"| {state['layersDrawnMs']:.1f} |"
                )


if __name__ == "__main__":
    main()

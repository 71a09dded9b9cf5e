"""Changing what catalogue.json says (stand-in: the region only).

A stand-in with the two functions the import pipeline calls; the full module replaces this file
when its branch lands. Do not add to the interface here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from heritage import layout
from heritage.atomic import replace_file
from heritage.codec import dumps, loads
from heritage.journal import shared
from heritage.models.catalogue_info import BBox

MARGIN = 0.01  # degrees: a site on the edge should not sit on the map's frame


def grown_region(region: BBox | None, positions: Iterable[tuple[float, float]]) -> BBox:
    """The smallest box holding the region and the (lon, lat) positions, with a small margin."""
    lons = [lon for lon, _ in positions]
    lats = [lat for _, lat in positions]
    if region is not None:
        lons += [region[0], region[2]]
        lats += [region[1], region[3]]
    if not lons:
        raise ValueError("no region and no positions to build one from")
    return (
        max(-180.0, min(lons) - MARGIN),
        max(-90.0, min(lats) - MARGIN),
        min(180.0, max(lons) + MARGIN),
        min(90.0, max(lats) + MARGIN),
    )


def set_region(root: Path, region: BBox) -> None:
    """Rewrite catalogue.json with the new region, whole or not at all."""
    path = root / layout.CATALOGUE_FILE
    with shared(root):
        document = loads(path.read_bytes())
        document["region"] = list(region)
        replace_file(path, dumps(document))

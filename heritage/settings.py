"""Changing what a catalogue says about itself in `catalogue.json`: its region and its own terms.

`catalogue.json` is the one file of a catalogue that is rewritten rather than appended to. It is
rewritten whole (readers see the old file or the new one, never half), under the catalogue's write
lock held alone, so that no import or append judges records against a file that is changing; and
through the one serializer, so that a change shows in git as the lines it changed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from heritage import journal, layout
from heritage.atomic import replace_file
from heritage.codec import dumps, encode
from heritage.errors import InvalidInput
from heritage.models import CatalogueInfo
from heritage.models.catalogue_info import BBox
from heritage.models.labels import vocabularies
from heritage.models.types import ID_PATTERN, check_text
from heritage.models.vocab import DEFAULT_VOCABULARY
from heritage.plain_errors import ID_RULE
from heritage.store import parse_record, read_whole

MARGIN_DEGREES = 0.05
"""Room left around the points a region grows to hold, about 5 km: a site a few hundred metres
past the outermost one is not flagged at once. Grown sides are also rounded outwards to 0.01
degree, so that the command printed to apply them is short enough to read and type."""

OPEN_VOCABULARIES = {"site_type": "site_types", "tradition": "traditions"}
"""The vocabularies a catalogue may extend, and their key in `catalogue.json`."""


def grown_region(region: BBox | None, positions: Iterable[tuple[float, float]]) -> BBox:
    """The smallest box holding `region` and every (lon, lat) position, with `MARGIN_DEGREES` of
    room on each side that had to grow. A region that holds them all already comes back as it
    is, so growing twice changes nothing the second time."""
    lons: list[float] = []
    lats: list[float] = []
    for lon, lat in positions:
        if math.isfinite(lon) and math.isfinite(lat):
            lons.append(lon)
            lats.append(lat)
    if region is None:
        if not lons:
            raise InvalidInput("there is no region to grow and no site with a location to grow one from")
        west, south, east, north = min(lons), min(lats), max(lons), max(lats)
        return _outward(west - MARGIN_DEGREES, south - MARGIN_DEGREES, east + MARGIN_DEGREES, north + MARGIN_DEGREES)
    west, south, east, north = region
    if lons and min(lons) < west:
        west = _down(min(lons) - MARGIN_DEGREES, -180.0)
    if lats and min(lats) < south:
        south = _down(min(lats) - MARGIN_DEGREES, -90.0)
    if lons and max(lons) > east:
        east = _up(max(lons) + MARGIN_DEGREES, 180.0)
    if lats and max(lats) > north:
        north = _up(max(lats) + MARGIN_DEGREES, 90.0)
    return (west, south, east, north)


def _down(value: float, floor: float) -> float:
    return max(floor, math.floor(round(value * 100, 6)) / 100)


def _up(value: float, ceiling: float) -> float:
    return min(ceiling, math.ceil(round(value * 100, 6)) / 100)


def _outward(west: float, south: float, east: float, north: float) -> BBox:
    return (_down(west, -180.0), _down(south, -90.0), _up(east, 180.0), _up(north, 90.0))


def region_command(region: BBox) -> str:
    """The one line that sets this region, for messages that name the fix."""
    return "heritage catalogue set region " + format_region(region)


def format_region(region: BBox) -> str:
    """W S E N as people type them: every digit stored, no trailing ".0" (44.123456, not the
    44.1235 of six significant digits)."""
    return " ".join(_number(value) for value in region)


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def read_info(root: Path) -> CatalogueInfo:
    """catalogue.json as it is now (read again under the write lock, say)."""
    return _read(root)


def declare_seal_scheme(root: Path, scheme: str) -> CatalogueInfo:
    """Say in catalogue.json how the records are sealed (`heritage migrate`, which holds the
    write lock alone throughout, and calls this once every record is resealed)."""
    return _rewrite(root, {"seal": scheme})


def _read(root: Path) -> CatalogueInfo:
    path = layout.catalogue_file(root)
    return parse_record(CatalogueInfo, read_whole(path), file=path, context={})


def _rewrite(root: Path, change: dict[str, Any]) -> CatalogueInfo:
    """Read catalogue.json, apply `change`, check the result as a whole and write it back; the
    caller holds the lock. Nothing is written if the result would not be valid."""
    path = layout.catalogue_file(root)
    current = _read(root)
    document = {**current.model_dump(mode="json"), **change}
    updated = parse_record(CatalogueInfo, dumps(document), file=path, context={})
    replace_file(path, encode(updated))
    return updated


def set_region(root: Path, region: BBox) -> None:
    """Declare the catalogue's region (west, south, east, north), rewriting catalogue.json whole
    under the write lock; every other setting is kept."""
    with journal.alone(root):
        _rewrite(root, {"region": list(region)})


def grow_region(root: Path, positions: Iterable[tuple[float, float]]) -> BBox | None:
    """Grow the catalogue's declared region to hold every (lon, lat) position, as `grown_region`
    does, judging by catalogue.json as it is under the write lock rather than as it was read
    earlier: two imports or `site add --grow-region` running at once each keep what the other
    grew. The region grown to, or None if it held them all already or there is none to grow."""
    positions = list(positions)
    with journal.alone(root):
        region = _read(root).region
        if region is None:
            return None
        wider = grown_region(region, positions)
        if wider == tuple(region):
            return None
        _rewrite(root, {"region": list(wider)})
    return wider


def add_vocabulary_term(root: Path, vocabulary: str, key: str, label: str, *, force: bool = False) -> bool:
    """Add `key` with `label` to the catalogue's own site types or traditions. False if it was
    there already with this label; a key with another label is refused unless `force`. The closed
    vocabularies (conditions, methods...) cannot be extended: they map onto EAMENA's and UNOSAT's
    scales, and a term of one catalogue only would have no place in those exports."""
    if vocabulary not in OPEN_VOCABULARIES:
        if vocabulary in vocabularies():
            raise InvalidInput(
                f"the {vocabulary} vocabulary is fixed: its values map onto the EAMENA and UNOSAT scales and "
                "are the same in every catalogue; use --map when importing to translate other terms to it"
            )
        raise InvalidInput(f"unknown vocabulary {vocabulary!r}; a catalogue can extend: {', '.join(OPEN_VOCABULARIES)}")
    if not re.fullmatch(ID_PATTERN, key):
        raise InvalidInput(f"{key!r} is not a valid key: {ID_RULE}", field=vocabulary)
    label = label.strip()
    if not label:
        raise InvalidInput("give a label: a few words that say what the term means", field=vocabulary)
    try:
        check_text(label)  # here, so that the error is the label's, not catalogue.json's
    except ValueError as exc:
        raise InvalidInput(f"the label {exc}", field=vocabulary) from None
    member = OPEN_VOCABULARIES[vocabulary]
    with journal.alone(root):
        info = _read(root)
        built_in = getattr(DEFAULT_VOCABULARY, member)
        own: dict[str, str] = dict(getattr(info, member))
        current = own.get(key, built_in.get(key))
        if current == label:
            return False
        if current is not None and not force:
            where = "built in" if key in built_in and key not in own else "in this catalogue"
            raise InvalidInput(
                f"{key!r} is {where} already, labelled {current!r}; give --force to relabel it", field=vocabulary
            )
        own[key] = label
        _rewrite(root, {member: own})
    return True

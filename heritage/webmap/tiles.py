"""Local tile pyramids (a folder z/x/y.png or an MBTiles file), read for embedding in the map."""

from __future__ import annotations

import base64
import html
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from heritage.errors import InvalidInput

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
# A pyramid past this size makes a page no phone opens comfortably; refuse rather than surprise.
MAX_BYTES = 200_000_000
TOO_BIG = f"tiles add up to more than {MAX_BYTES // 1_000_000} MB; use fewer zoom levels"


@dataclass
class TilePyramid:
    tiles: dict[str, str]  # "z/x/y" (XYZ scheme) -> base64 of the image
    media_type: str
    max_zoom: int
    attribution: str  # already HTML-escaped: Leaflet shows attributions as HTML


def read_tiles(path: Path) -> TilePyramid:
    if path.is_dir():
        return _read_folder(path)
    if path.is_file():
        return _read_mbtiles(path)
    raise InvalidInput("no tile folder or MBTiles file here", file=path)


def _read_folder(root: Path) -> TilePyramid:
    tiles: dict[str, str] = {}
    formats: set[str] = set()
    total = 0
    for path in sorted(root.glob("*/*/*.*")):
        z, x, name = path.parts[-3], path.parts[-2], path.name
        y, _, suffix = name.partition(".")
        if not (z.isdigit() and x.isdigit() and y.isdigit()) or suffix.lower() not in MEDIA_TYPES:
            continue
        data = path.read_bytes()
        total += len(data)
        if total > MAX_BYTES:
            raise InvalidInput(
                f"tiles add up to more than {MAX_BYTES // 1_000_000} MB; use fewer zoom levels", file=root
            )
        tiles[f"{int(z)}/{int(x)}/{int(y)}"] = base64.b64encode(data).decode("ascii")
        formats.add(suffix.lower())
    if not tiles:
        raise InvalidInput("no tiles found (expected z/x/y.png)", file=root)
    if len(formats) > 1:
        raise InvalidInput(f"tiles mix formats ({', '.join(sorted(formats))})", file=root)
    max_zoom = max(int(key.split("/")[0]) for key in tiles)
    return TilePyramid(tiles, MEDIA_TYPES[formats.pop()], max_zoom, "")


def _read_mbtiles(path: Path) -> TilePyramid:
    try:
        # A URI, to open it read-only; as_uri escapes what a URI would read otherwise (`#`, `?`,
        # `%`, spaces, any byte of a name that is not UTF-8).
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InvalidInput(f"cannot be opened as MBTiles ({exc})", file=path) from None
    try:
        metadata = dict(connection.execute("SELECT name, value FROM metadata").fetchall())
        size = connection.execute("SELECT COALESCE(SUM(LENGTH(tile_data)), 0) FROM tiles").fetchone()[0]
        if size > MAX_BYTES:
            raise InvalidInput(
                f"tiles add up to more than {MAX_BYTES // 1_000_000} MB; use fewer zoom levels", file=path
            )
        rows = connection.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    except sqlite3.Error as exc:
        raise InvalidInput(f"is not an MBTiles file ({exc})", file=path) from None
    finally:
        connection.close()
    fmt = str(metadata.get("format", "png")).lower()
    if fmt not in MEDIA_TYPES:
        raise InvalidInput(
            f"tile format {fmt!r} cannot be shown in a browser (vector tiles are not supported)", file=path
        )
    if not rows:
        raise InvalidInput("holds no tiles", file=path)
    tiles: dict[str, str] = {}
    for z, x, row, data in rows:
        # The file is input like any other: numbers must be numbers, images must be bytes.
        valid = all(isinstance(n, int) and not isinstance(n, bool) for n in (z, x, row)) and 0 <= z <= 30
        if not valid or not (0 <= x < (1 << z) and 0 <= row < (1 << z)):
            raise InvalidInput(f"a tile has an impossible address (zoom {z!r}, column {x!r}, row {row!r})", file=path)
        if not isinstance(data, bytes) or not data:
            raise InvalidInput(f"the tile at zoom {z}, column {x}, row {row} holds no image", file=path)
        # MBTiles numbers rows from the south (TMS); Leaflet from the north (XYZ).
        tiles[f"{z}/{x}/{(1 << z) - 1 - row}"] = base64.b64encode(data).decode("ascii")
    # Leaflet shows attributions as HTML: keep the text (entities decoded once), drop any markup.
    attribution = re.sub(r"<[^>]*>", "", html.unescape(str(metadata.get("attribution", ""))))
    return TilePyramid(tiles, MEDIA_TYPES[fmt], max(int(key.split("/")[0]) for key in tiles), html.escape(attribution))

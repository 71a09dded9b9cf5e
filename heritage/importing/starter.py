"""`heritage import profile FILE`: a first profile, guessed from the file's header and values.

Columns are matched to fields by name (their header, lower-cased, without spaces or
punctuation); a column holding points in one cell becomes `latlon` only if its values read as
points. Every distinct value of a column guessed to hold a vocabulary field is listed under
`[map.FIELD]`: those already ours (ignoring case) filled in, the others left empty for the user,
and a profile with an empty value is refused until they are filled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from heritage import layout
from heritage.atomic import replace_file
from heritage.coords import is_blank, parse_point
from heritage.errors import InvalidInput
from heritage.importing.documents import split
from heritage.importing.fields import canonical, field_specs, vocabularies
from heritage.importing.problems import suggestion
from heritage.store import Catalogue
from heritage.tables import Table, read_table

MAX_VALUES = 200  # distinct values listed per vocabulary column
# Header names (lower-cased, letters and digits only) -> the field they likely hold, per kind.
GUESSES: dict[str, dict[str, tuple[str, ...]]] = {
    "sites": {
        "name:en": ("name", "title", "sitename", "nameen", "englishname"),
        "lat": ("lat", "latitude", "y"),
        "lon": ("lon", "lng", "long", "longitude", "x"),
        "wkt": ("wkt", "geom", "thegeom", "shape"),
        "latlon": ("coordinates", "coords", "location", "latlon", "position", "point", "gps"),
        "type": ("type", "category", "kind", "sitetype", "objecttype"),
        "tradition": ("tradition", "religion", "confession", "denomination"),
        "areas": ("region", "district", "province", "oblast", "area", "municipality", "governorate", "rayon"),
        "period": ("period", "century", "construction", "built", "dating", "era"),
        "description": ("description", "notes", "remarks", "comment"),
    },
    "reports": {
        "site": ("site", "siteid"),
        "observed": ("date", "observed", "observedon", "imagedate", "dateobserved"),
        "condition": ("condition", "status", "state", "damage", "damagelevel"),
        "method": ("method",),
        "sources": ("source", "sources", "sourceid"),
        "notes": ("notes", "remarks", "comment", "comments", "description"),
    },
    "sources": {
        "title": ("title", "name"),
        "url": ("url", "link", "href"),
        "published": ("date", "published", "publicationdate"),
        "kind": ("kind", "type", "category"),
        "language": ("language", "lang"),
    },
    "allegations": {
        "claimant.name": ("claimant", "claimantname", "by"),
        "made_on": ("date", "madeon"),
        "source": ("source", "sourceid"),
        "sites": ("site", "sites", "siteid"),
        "acts": ("act", "acts", "allegedact"),
        "summary": ("summary", "description", "claim"),
    },
}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9:._]", "", header.casefold())


def _looks_like_points(table: Table, column: str) -> bool:
    values = [row.cells.get(column, "") for row in table.rows]
    tried = [v for v in values if v and not is_blank(v)][:20]
    try:
        return bool(tried) and all(parse_point(v) is not None for v in tried)
    except ValueError:
        return False


# "Name (hy)", "name_hy", "Name-AZ": a name in the language the header names.
NAME_IN = re.compile(r"^(?:names?|titles?)[\s_:.(-]*([a-z]{2,3})\)?$")
# "Name in Ukrainian", "English title": a language named in words.
LANGUAGES = {
    "english": "en",
    "ukrainian": "uk",
    "russian": "ru",
    "armenian": "hy",
    "azerbaijani": "az",
    "azeri": "az",
    "georgian": "ka",
    "arabic": "ar",
    "persian": "fa",
    "turkish": "tr",
    "kurdish": "ku",
    "hebrew": "he",
    "french": "fr",
    "german": "de",
}
# Words too common in headers to say which field a column holds on their own.
VAGUE = {"site", "x", "y", "by", "point", "area", "source", "date", "type", "kind", "state", "name", "title"}


def _language(column: str) -> str | None:
    words = re.findall(r"[a-z]+", column.casefold())
    found = [LANGUAGES[w] for w in words if w in LANGUAGES]
    return found[0] if found else None


def _weak(kind: str, column: str) -> list[str]:
    """Fields whose names appear as words of the header ("Type of damaged site" -> type); a
    vague word counts only as the header's first word ("Date of damage", "Name of site")."""
    words = re.findall(r"[a-z0-9]+", column.casefold())
    found = []
    for target, names in GUESSES[kind].items():
        if any(n in words and (n not in VAGUE or words[0] == n) for n in names):
            found.append(target)
    return found


def guess_columns(table: Table, kind: str) -> dict[str, str]:
    """field -> column, for the columns whose header says which field they hold: first headers
    that name a field outright, then headers where a field's name is one of the words."""
    specs = field_specs(kind)
    guessed: dict[str, str] = {}
    left = []
    # Names that are a field's own come first: a real `name:en` column must not lose to `name`.
    for column in table.columns:
        key = _key(column)
        exact = canonical(kind, key)
        if exact in specs or (kind == "sites" and key.startswith(("name:", "external_id:"))):
            guessed.setdefault(exact, column)
    taken = set(guessed.values())
    for column in (c for c in table.columns if c not in taken):
        # A JSON file's nested member is guessed by its own name: `coordinates.lat` is a lat.
        key = _key(column).rsplit(".", 1)[-1] if table.format != "csv" else _key(column)
        language = NAME_IN.match(column.strip().casefold()) if kind == "sites" else None
        if language and f"name:{language[1]}" not in guessed:
            guessed[f"name:{language[1]}"] = column
            continue
        flat = re.sub(r"[^a-z0-9]", "", key)  # "site_type", "Site-Type" -> "sitetype"
        strong = [t for t, names in GUESSES[kind].items() if (key in names or flat in names) and t not in guessed]
        if strong and not (strong[0] == "latlon" and not _looks_like_points(table, column)):
            guessed[strong[0]] = column
        else:
            left.append(column)
    for column in left:
        for target in _weak(kind, column):
            if target == "name:en" and (spoken := _language(column)):
                target = f"name:{spoken}"
            if target in guessed or (target == "latlon" and not _looks_like_points(table, column)):
                continue
            guessed[target] = column
            break
    if kind == "sites" and not any(t in guessed for t in ("geometry", "wkt", "latlon", "lat")):
        # A column of points whatever its header says ("Geo", "Coordinates (Google)").
        for column in left:
            if column not in guessed.values() and _looks_like_points(table, column):
                guessed["latlon"] = column
                break
    if kind == "sites" and table.format == "geojson" and "geometry" in table.columns:
        guessed["geometry"] = "geometry"
    if kind == "sites":
        _one_location(table, guessed)
    return guessed


LOCATIONS = (("geometry",), ("wkt",), ("latlon",), ("lat", "lon"))


def _one_location(table: Table, guessed: dict[str, str]) -> None:
    """Keep one way of giving the location: the one most rows fill. An import reads the first
    way a row fills, so a second one guessed would look read when it is not (a register with a
    WKT `point` in every row and `lat`, `lon` in some)."""
    ways = [way for way in LOCATIONS if all(field in guessed for field in way)]
    if len(ways) < 2:
        return

    def filled(way: tuple[str, ...]) -> int:
        cells = ([row.cells.get(guessed[f], "") for f in way] for row in table.rows)
        return sum(all(c and not is_blank(c) for c in values) for values in cells)

    best = max(ways, key=filled)  # the first of the most filled, in LOCATIONS' order
    for way in ways:
        if way != best:
            for field in way:
                del guessed[field]


# DEL and C1 controls (TOML wants them escaped; JSON leaves them), and bidirectional overrides
# (which would disguise a value when the profile is read): written as \uXXXX escapes.
_UNSEEN = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's."""
    return _UNSEEN.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def profile_text(catalogue: Catalogue, table: Table, kind: str, encoding: str | None) -> str:
    ours = vocabularies(kind, catalogue.info.vocabulary(), sorted(catalogue.info.party_ids()))
    specs = field_specs(kind)
    guessed = guess_columns(table, kind)
    used = set(guessed.values())
    rest = [c for c in table.columns if c not in used]
    lines = [
        f"# Import profile for {_string(table.path.name)} ({kind}), written by `heritage import profile`.",
        "# Check every guess, fill in every empty value under [map.*], then try it:",
        f"#   heritage import {kind} FILE --profile THIS-FILE --dry-run",
        f"kind = {_string(kind)}",
    ]
    if encoding:
        lines.append(f"encoding = {_string(encoding)}")
    lines.append("# Columns not guessed: map them under [columns], or leave them here to be ignored.")
    lines.append("ignore = [" + ", ".join(_string(c) for c in rest) + "]")
    lines += ["", "[columns]"]
    for target, column in guessed.items():
        named = bool(NAME_IN.match(column.strip().casefold())) or _key(column) == target or bool(_language(column))
        note = "  # guessed: check the language" if target.startswith("name:") and not named else ""
        lines.append(f"{_string(target)} = {_string(column)}{note}")
    for column in rest:
        lines.append(f"# FIELD = {_string(column)}")
    for target, column in guessed.items():
        field = canonical(kind, target)
        if field not in ours:
            continue
        values: dict[str, str] = {}  # casefolded -> as first seen: matching ignores case
        for row in table.rows:
            cell = row.cells.get(column, "")
            for value in split(cell) if specs[field].is_list else [cell]:
                if value and len(values) < MAX_VALUES:
                    values.setdefault(value.casefold(), value)
        folded = {v.casefold(): v for v in ours[field]}
        lines += ["", f"[map.{_string(field) if '.' in field else field}]", f"# ours: {', '.join(ours[field])}"]
        if len(values) == MAX_VALUES:
            lines.append(f"# the first {MAX_VALUES} distinct values only")
        for value in values.values():
            ours_already = folded.get(value.casefold(), "")
            line = f"{_string(value)} = {_string(ours_already)}"
            if not ours_already and (hint := suggestion(field, value, ours[field])):
                line += f"  # {hint[0]}? ({hint[1]})"
            lines.append(line)
    return "\n".join(lines) + "\n"


def write_profile(
    catalogue: Catalogue,
    path: Path,
    kind: str,
    output: Path | None,
    *,
    force: bool = False,
    encoding: str | None = None,
) -> str:
    """The starting profile's text, written to `output` if given (never over a file, unless forced)."""
    if output is not None:
        # Not over catalogue.json, into a record folder or over the file it is made from.
        layout.output_path(catalogue.root, output)
        if output.resolve() == Path(path).resolve():
            raise InvalidInput("is the file the profile is made from; write the profile elsewhere", file=output)
    if output is not None and output.exists() and not force:
        raise InvalidInput("exists already; pass --force to overwrite it", file=output)
    text = profile_text(catalogue, read_table(path, encoding), kind, encoding)
    if output is not None:
        replace_file(output, text.encode("utf-8"))
    return text

"""Import profiles: how one dataset maps in, said once in a small TOML file (or as flags).

    kind = "sites"                  # optional: the command it is for
    encoding = "cp1251"             # optional
    default_precision = "approximate"
    ignore = ["Remarks"]            # columns not to read
    ignore_unmapped = true          # every column no field reads is ignored, not refused

    [columns]                       # field -> column, or columns that together build one field
    "name:en" = "Name"
    areas = ["Oblast", "Raion"]

    [fixed]                         # field -> one value for every row
    sources = "src-lab-2022"

    [map.condition]                 # their value -> ours, for any vocabulary field
    "Very bad" = "severe_damage"

    [where]                         # keep only the rows whose column holds this value (or one of these)
    Country = "Ukraine"

Flags (`--column`, `--map`, `--fixed`, `--where`, `--ignore-column`, `--ignore-unmapped`,
`--encoding`) add to a profile or override it. Every entry remembers where it was given, so that a
refusal names the profile file and its TOML key, or the flag.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heritage.errors import InvalidInput
from heritage.importing.fields import KIND_NAMES, canonical, known_field

TOP_KEYS = {"kind", "encoding", "default_precision", "ignore", "ignore_unmapped", "columns", "fixed", "map", "where"}


@dataclass
class Profile:
    kind: str | None = None
    encoding: str | None = None
    default_precision: str | None = None
    columns: dict[str, list[str]] = field(default_factory=dict)  # field -> the columns that build it
    fixed: dict[str, str] = field(default_factory=dict)
    maps: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> their value -> ours
    where: dict[str, list[str]] = field(default_factory=dict)  # column -> the values kept
    ignore: set[str] = field(default_factory=set)
    ignore_unmapped: bool = False
    origins: dict[str, str] = field(default_factory=dict)  # "columns.name:en" -> where it was said

    def origin(self, key: str) -> str:
        return self.origins.get(key, key)


def _refuse(where: str, message: str) -> InvalidInput:
    return InvalidInput(f"{where}: {message}")


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _refuse(where, f"{value!r} is not a text value")
    return str(value).strip()


def _texts(value: Any, where: str, *, columns: bool = False) -> list[str]:
    """A text or a list of texts; names of columns may be "", as a CSV's first column often is."""
    items = value if isinstance(value, list) else [value]
    texts = [_text(item, where) for item in items]
    if not texts or not (columns or all(texts)):
        raise _refuse(where, "is empty")
    return texts


def _table(document: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise _refuse(f"{name}: {key}", "must be a table ([" + key + "])")
    return value


def load_profile(path: Path) -> Profile:
    """Read a profile file; any key it does not know is refused, naming the file and the key."""
    name = path.name
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput("profile file not found", file=path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"is not a readable TOML file: {exc}", file=path) from None
    unknown = sorted(set(document) - TOP_KEYS)
    if unknown:
        raise _refuse(f"{name}: {unknown[0]}", f"unknown key; a profile has {', '.join(sorted(TOP_KEYS))}")
    profile = Profile()
    for key in ("kind", "encoding", "default_precision"):
        if key in document:
            setattr(profile, key, _text(document[key], f"{name}: {key}"))
            profile.origins[key] = f"{name}: {key}"
    if profile.kind is not None and profile.kind not in KIND_NAMES:
        raise _refuse(f"{name}: kind", f"{profile.kind!r} is not one of {', '.join(KIND_NAMES)}")
    if document.get("ignore") not in (None, []):  # an empty list: nothing to ignore
        # "" is a column too: a header's unnamed first column (a spreadsheet's row numbers)
        profile.ignore = set(_texts(document["ignore"], f"{name}: ignore", columns=True))
        profile.origins.update({f"ignore.{c}": f"{name}: ignore" for c in profile.ignore})
    flag = document.get("ignore_unmapped", False)
    if not isinstance(flag, bool):
        raise _refuse(f"{name}: ignore_unmapped", "must be true or false")
    profile.ignore_unmapped = flag
    for target, columns in _table(document, "columns", name).items():
        profile.columns[target] = _texts(columns, f"{name}: [columns] {target}", columns=True)
        profile.origins[f"columns.{target}"] = f"{name}: [columns] {target}"
    for target, value in _table(document, "fixed", name).items():
        profile.fixed[target] = _text(value, f"{name}: [fixed] {target}")
        profile.origins[f"fixed.{target}"] = f"{name}: [fixed] {target}"
    for target, pairs in _table(document, "map", name).items():
        if not isinstance(pairs, dict):
            raise _refuse(f"{name}: [map.{target}]", "must be a table of their value = our value")
        values = profile.maps.setdefault(target, {})
        for theirs, ours in pairs.items():
            if isinstance(ours, dict):  # [map.claimant.kind] is a table in a table, in TOML
                raise _refuse(f"{name}: [map.{target}.{theirs}]", f'quote a dotted field: [map."{target}.{theirs}"]')
            if isinstance(ours, int) and not isinstance(ours, bool):
                ours = str(ours)  # a credibility grade, written as the number it is
            if not isinstance(ours, str):
                raise _refuse(f"{name}: [map.{target}] {theirs!r}", f"{ours!r} is not a text value")
            values[theirs.strip()] = ours.strip()
            profile.origins[f"map.{target}.{theirs.strip()}"] = f"{name}: [map.{target}]"
    for column, values in _table(document, "where", name).items():
        profile.where[column] = _texts(values, f"{name}: [where] {column}")
        profile.origins[f"where.{column}"] = f"{name}: [where] {column}"
    return profile


def _pairs(items: Iterable[str], flag: str, shape: str) -> Iterable[tuple[str, str, str]]:
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"{flag} {item!r} is not {shape}")
        yield key.strip(), value.strip(), f"{flag} {item}"


def _rpairs(items: Iterable[str], flag: str, shape: str) -> Iterable[tuple[str, str, str]]:
    for item in items:
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"{flag} {item!r} is not {shape}")
        yield key.strip(), value.strip(), f"{flag} {item}"


def with_flags(
    profile: Profile,
    *,
    columns: Iterable[str] = (),
    maps: Iterable[str] = (),
    fixed: Iterable[str] = (),
    where: Iterable[str] = (),
    ignore: Iterable[str] = (),
    ignore_unmapped: bool = False,
    encoding: str | None = None,
) -> Profile:
    """The profile with the flags added; a flag overrides the profile's entry for the same key.
    Two flags mapping one field to different columns are refused, never "the last one wins"."""
    given: dict[str, str] = {}
    for target, column, origin in _pairs(columns, "--column", "FIELD=COLUMN"):
        if given.get(target, column) != column:
            raise InvalidInput(f"field {target!r} is mapped to two columns: {given[target]!r} and {column!r}")
        given[target] = column
        profile.columns[target] = [column]
        profile.origins[f"columns.{target}"] = origin
    for target, value, origin in _pairs(fixed, "--fixed", "FIELD=VALUE"):
        profile.fixed[target] = value
        profile.origins[f"fixed.{target}"] = origin
    # Their value may hold "=" (ours never do): the last "=" splits.
    for key, ours, origin in _rpairs(maps, "--map", "FIELD:THEIRS=OURS"):
        target, sep, theirs = key.partition(":")
        if not sep or not theirs.strip():
            raise InvalidInput(f"--map {key}={ours!r} is not FIELD:THEIRS=OURS")
        profile.maps.setdefault(target.strip(), {})[theirs.strip()] = ours
        profile.origins[f"map.{target.strip()}.{theirs.strip()}"] = origin
    kept: dict[str, list[str]] = {}
    for column, value, origin in _pairs(where, "--where", "COLUMN=VALUE"):
        kept.setdefault(column, []).append(value)  # repeated: any of the values
        profile.origins[f"where.{column}"] = origin
    profile.where.update(kept)
    for column in ignore:
        profile.ignore.add(column)
        profile.origins[f"ignore.{column}"] = f"--ignore-column {column}"
        # The flag overrides the profile: a column the profile maps is no longer read by it.
        for target, names in list(profile.columns.items()):
            if column in names and not profile.origin(f"columns.{target}").startswith("--column"):
                remaining = [name for name in names if name != column]
                if remaining:
                    profile.columns[target] = remaining
                else:
                    del profile.columns[target]
    profile.ignore_unmapped = profile.ignore_unmapped or ignore_unmapped
    profile.encoding = encoding or profile.encoding
    return profile


def check_fields(profile: Profile, kind: str, vocabularies: dict[str, list[str]]) -> None:
    """Refuse, before any row is read, a field the kind does not have, a map of a field that has
    no vocabulary, and a map target that is not one of our values (or not given yet)."""
    if profile.kind is not None and profile.kind != kind:
        raise _refuse(profile.origin("kind"), f"the profile is for {profile.kind}, not {kind}")
    for section, targets in (("columns", profile.columns), ("fixed", profile.fixed), ("map", profile.maps)):
        for target in targets:
            if not known_field(kind, target):
                raise _refuse(
                    profile.origin(f"{section}.{target}") if section != "map" else _map_origin(profile, target),
                    f"{target!r} is not a field of {kind}; see `heritage import {kind} --help`",
                )
    for target, pairs in profile.maps.items():
        ours = vocabularies.get(canonical(kind, target))
        if ours is None:
            raise _refuse(_map_origin(profile, target), f"{target!r} has no vocabulary to map values to")
        for theirs, value in pairs.items():
            where = profile.origin(f"map.{target}.{theirs}")
            if not value:
                raise _refuse(where, f"{theirs!r} has no value yet: set it to one of {', '.join(ours)}")
            if value not in ours:
                raise _refuse(where, f"{theirs!r} = {value!r}: {value!r} is not one of ours: {', '.join(ours)}")


def _map_origin(profile: Profile, target: str) -> str:
    first = next((key for key in profile.origins if key.startswith(f"map.{target}.")), None)
    return profile.origin(first) if first else f"[map.{target}]"


def check_columns(profile: Profile, columns: list[str]) -> None:
    """Refuse a column the profile names that the file does not have."""
    present = set(columns)
    for target, names in profile.columns.items():
        for name in names:
            if name not in present:
                raise _refuse(profile.origin(f"columns.{target}"), f"the file has no column {name!r}")
    for name in profile.where:
        if name not in present:
            raise _refuse(profile.origin(f"where.{name}"), f"the file has no column {name!r}")
    for name in sorted(profile.ignore):
        if name not in present:
            raise _refuse(profile.origin(f"ignore.{name}"), f"the file has no column {name!r}")

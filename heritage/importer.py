"""Importing sites and condition reports from a file with a plain column mapping: what callers
used before import profiles. The work is done by `heritage.importing`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from heritage.errors import InvalidInput
from heritage.importing import ImportOptions, ImportResult, Profile, run_import, with_flags
from heritage.importing.fields import FAMILIES, field_specs
from heritage.store import Catalogue

SITE_FIELDS = set(field_specs("sites"))
REPORT_FIELDS = set(field_specs("reports"))


def parse_mapping(pairs: Iterable[str], known: set[str]) -> dict[str, str]:
    """`FIELD=COLUMN` pairs as a mapping; a field given two columns is refused."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        target, sep, column = (part.strip() for part in pair.partition("="))
        if not sep or not column:
            raise InvalidInput(f"column mapping {pair!r} is not FIELD=COLUMN")
        if target not in known and not target.startswith(FAMILIES):
            raise InvalidInput(f"unknown field {target!r} in column mapping; fields: {', '.join(sorted(known))}")
        if mapping.get(target, column) != column:
            raise InvalidInput(f"field {target!r} is mapped to two columns: {mapping[target]!r} and {column!r}")
        mapping[target] = column
    return mapping


def _profile(mapping: dict[str, str]) -> Profile:
    return with_flags(Profile(), columns=[f"{target}={column}" for target, column in mapping.items()])


def import_sites(
    catalogue: Catalogue, path: Path, mapping: dict[str, str], options: ImportOptions, default_precision: str = "exact"
) -> ImportResult:
    profile = _profile(mapping)
    profile.default_precision = default_precision
    return run_import(catalogue, "sites", path, profile, options)


def import_reports(catalogue: Catalogue, path: Path, mapping: dict[str, str], options: ImportOptions) -> ImportResult:
    return run_import(catalogue, "reports", path, _profile(mapping), options)


__all__ = [
    "REPORT_FIELDS",
    "SITE_FIELDS",
    "ImportOptions",
    "ImportResult",
    "import_reports",
    "import_sites",
    "parse_mapping",
]

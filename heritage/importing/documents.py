"""From a table row to a record's document: the profile's plan applied to the row's cells.

The plan is made once per file (which columns build which field, the value maps folded for
case-insensitive matching); each row then costs a few dictionary lookups. Vocabulary values,
required fields and coordinates are checked here, so that their failures carry their fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from heritage.coords import is_blank, parse_coordinate, parse_geometry
from heritage.errors import InvalidInput
from heritage.ids import slugify
from heritage.importing import problems as P
from heritage.importing.fields import (
    ALIASES,
    FAMILIES,
    SITE_COLUMNS,
    FieldSpec,
    canonical,
    field_specs,
    is_geometry,
    shapes,
)
from heritage.importing.profile import Profile
from heritage.models import Citation
from heritage.models.base import Record
from heritage.models.types import ID_PATTERN

LIST_SEPARATOR = ";"
GEOMETRY_FIELDS = ("geometry", "wkt", "latlon", "lat", "lon")
RECORDED = ("recorded_at", "recorded_by")
_SET_APART = frozenset(("id", *RECORDED))  # fields of a row the pipeline sets, not the document
# Site fields that `site_document` builds itself; any other one is read generically.
HANDLED = {"id", "type", "tradition", "areas", "description", "sensitivity", *SITE_COLUMNS, *RECORDED}
SITE_DOCUMENT = {"names", "geometry", "location", "external_ids", "period"}


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


@dataclass
class Plan:
    """How one file's columns build one kind's fields, worked out once."""

    kind: str
    specs: dict[str, FieldSpec]
    columns: dict[str, list[str]]  # field -> the columns that build it
    fixed: dict[str, str]
    ours: dict[str, list[str]]  # vocabulary field -> our values
    exact: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> value as given -> ours
    folded: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> casefolded value -> ours
    default_precision: str = "exact"
    joiners: dict[str, str] = field(default_factory=dict)  # list fields join their columns with ';'
    extra: list[str] = field(default_factory=list)  # site fields read generically (added to the model later)
    families: dict[str, list[str]] = field(default_factory=dict)  # prefix -> its fields: see family_of

    # Worked out on first use, once per file rather than once per row (a plan is not changed
    # once made): at a million rows, per-row set building was seconds.
    @cached_property
    def read(self) -> frozenset[str]:
        """The columns the import reads."""
        return frozenset(column for columns in self.columns.values() for column in columns)

    @cached_property
    def filled(self) -> list[tuple[str, FieldSpec, bool]]:
        """The fields a row can give (from a column or a fixed value) or must give, each with
        whether it is a geometry: any other field is empty in every row, and left out of every
        document. Neither the id nor the stamps, which the pipeline sets."""
        return [
            (path, spec, is_geometry(spec.annotation))
            for path, spec in self.specs.items()
            if (path in self.columns or path in self.fixed or spec.required) and path not in _SET_APART
        ]

    @cached_property
    def located(self) -> list[str]:
        """The fields of GEOMETRY_FIELDS a row can give: the others are empty in every row."""
        return [target for target in GEOMETRY_FIELDS if target in self.columns or target in self.fixed]

    def family_of(self, prefix: str) -> list[str]:
        """The fields of a family ("name:") the plan has a column or a fixed value for."""
        found = self.families.get(prefix)
        if found is None:
            given = [*self.columns, *(t for t in self.fixed if t not in self.columns)]
            found = self.families[prefix] = [t for t in given if t.startswith(prefix)]
        return found

    def value(self, target: str, raw: str) -> str:
        """Our value for theirs: their map first, then ours as written, then both ignoring case."""
        found = self.exact[target].get(raw) or self.folded[target].get(raw.casefold())
        if found is None:
            raise P.RowError(P.unknown_value(target, raw, self.ours[target]))
        return found


def make_plan(
    kind: str,
    profile: Profile,
    columns: list[str],
    ours: dict[str, list[str]],
    as_recorded: bool,
    known_as: dict[str, dict[str, str]] | None = None,
) -> Plan:
    """The plan for a file with these columns; refuses columns no field reads (unless told to
    ignore them) and the record stamps (unless `as_recorded`). `known_as` gives names our values
    go by (a party's declared name for its id), matched like the profile's own map."""
    specs = field_specs(kind)
    mapped = {canonical(kind, target): names for target, names in profile.columns.items()}
    present = set(columns)
    # A column the profile maps to a field is taken by it: not also read as its namesake field
    # (a tracker's "id" mapped to a report's site must not become the report's id as well).
    claimed = {column for names in mapped.values() for column in names}
    by_name: dict[str, list[str]] = {}
    for column in columns:
        target = canonical(kind, column)
        if column in profile.ignore:  # named like a field, but the user said not to read it
            continue
        if column in claimed or target in mapped:
            continue
        if target in specs or (kind == "sites" and column.startswith(FAMILIES)):
            by_name[target] = [column]
    plan_columns = {**by_name, **mapped}
    read = {c for names in plan_columns.values() for c in names} | set(profile.where) | profile.ignore
    unread = [c for c in columns if c not in read]
    if unread and not profile.ignore_unmapped:
        raise InvalidInput(
            f"column(s) {', '.join(repr(c) for c in unread)} match no field: map them with --column FIELD=COLUMN "
            "(or [columns] in a profile), leave them out with --ignore-column, or pass --ignore-unmapped"
        )
    stamped = [f for f in RECORDED if f in plan_columns and set(plan_columns[f]) & present]
    if stamped and not as_recorded:
        raise InvalidInput(
            f"column(s) {', '.join(stamped)} are set by heritage when it appends; remove them, or pass "
            "--as-recorded to keep them (for migrations)"
        )
    fixed = {canonical(kind, target): value for target, value in profile.fixed.items()}
    plan = Plan(kind, specs, plan_columns, fixed, ours)
    plan.joiners = {path: LIST_SEPARATOR for path, spec in specs.items() if spec.is_list}
    plan.extra = [p for p in specs if p not in HANDLED and p not in SITE_DOCUMENT and "." not in p]
    for target, values in ours.items():
        given = {**(known_as or {}).get(target, {}), **profile.maps.get(target, {})}
        for alias, real in ALIASES.items():
            if real == target and kind == "reports":
                given.update(profile.maps.get(alias, {}))
        plan.exact[target] = {**{v: v for v in values}, **given}
        plan.folded[target] = {**{v.casefold(): v for v in values}, **{k.casefold(): v for k, v in given.items()}}
    for target, value in fixed.items():  # a fixed value of a vocabulary field is checked once, here
        if target in ours:
            try:
                plan.fixed[target] = plan.value(target, value)
            except P.RowError:  # their own value, typed once: to be put right, not mapped
                raise InvalidInput(
                    f"{profile.origin('fixed.' + target)}: {value!r} is not one of our {target} values: "
                    f"{', '.join(ours[target])}"
                ) from None
    if profile.default_precision and kind == "sites":
        # The precision of rows that have a point: "unknown" is for rows without one.
        wanted = profile.default_precision.strip().casefold()
        choices = [value for value in ours["precision"] if value != "unknown"]
        if wanted not in choices:
            raise InvalidInput(
                f"{profile.origin('default_precision')}: {profile.default_precision!r} is not one of "
                f"{', '.join(choices)} (the precision of rows that have a point and give none)"
            )
        plan.default_precision = wanted
    return plan


class RowView:
    """One row seen through the plan; counts the vocabulary values it maps."""

    def __init__(self, plan: Plan, cells: dict[str, str]) -> None:
        self.plan, self.cells = plan, cells
        self.counted: list[tuple[str, str]] = []
        self.problems: list[P.RowProblem] = []
        self.seen: dict[str, str] = {}  # field -> its text, as worked out once per row

    def get(self, target: str) -> str:
        """The field's text in this row: its columns' values joined, else its fixed value."""
        found = self.seen.get(target)
        if found is not None:
            return found
        names = self.plan.columns.get(target)
        text = ""
        if names and len(names) == 1:
            text = self.cells.get(names[0], "")
        elif names:
            parts = [self.cells.get(name, "") for name in names]
            text = self.plan.joiners.get(target, "; ").join(part for part in parts if part)
        text = text or self.plan.fixed.get(target, "")
        self.seen[target] = text
        return text

    def family(self, prefix: str) -> dict[str, str]:
        found = {}
        for target in self.plan.family_of(prefix):
            text = self.get(target)  # its columns' text, else its fixed value
            if text or target in self.plan.fixed:
                found[target.removeprefix(prefix)] = text
        return found

    def ours(self, target: str, raw: str) -> str | None:
        """Our value for a vocabulary cell; a problem is noted, not raised, so that one row can
        show every bad value it has."""
        try:
            value = self.plan.value(target, raw)
        except P.RowError as error:
            self.problems.extend(error.problems)
            return None
        self.counted.append((target, value))
        return value

    def scalar(self, target: str) -> str | None:
        raw = self.get(target)
        if not raw:
            return None
        return self.ours(target, raw) if target in self.plan.ours else raw

    def items(self, target: str) -> list[str]:
        values = split(self.get(target))
        if target in self.plan.ours:
            return [v for v in (self.ours(target, value) for value in values) if v is not None]
        return values

    def need(self, target: str, present: bool, columns: str | None = None) -> None:
        if present:
            return
        given = self.plan.columns.get(target)
        if target == "name:LANG":  # any name column will do
            given = [c for t, cs in self.plan.columns.items() if t.startswith("name:") for c in cs]
        if given:  # the column is there; this row leaves it empty
            self.problems.append(P.empty(target, given))
        else:
            self.problems.append(P.missing(target, columns or f"no column {target!r}"))


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = value


def citation(text: str) -> dict[str, Any]:
    """'src-a:p. 3' -> the source cited, with its locator."""
    source, _, locator = text.partition(":")
    return {"source": source.strip(), "locator": locator.strip() or None}


def as_id(text: str) -> str:
    """An id column's text as an id: kept if it is one, else made into one as a name is made into
    a site's id ("Church of St. Theodosius" -> "church-of-st-theodosius"). A list with no id
    column can then give its site names as ids, and the reports from the same file find their
    sites by the same column; two names that make one id are caught as an id given twice."""
    if re.fullmatch(ID_PATTERN, text):
        return text
    return slugify(text) or text


def _number(view: RowView, text: str, target: str, whole: bool) -> int | float | None:
    try:
        return int(text) if whole else float(text)
    except ValueError:
        shape = "a whole number" if whole else "a number"
        view.problems.append(P.RowProblem(target, f"is not {shape}", text))
        return None


def record_document(view: RowView) -> dict[str, Any]:
    """Any kind but sites, field by field of its model: lists split on ';', citations as
    ID[:locator], areas as WKT, numbers as numbers; an empty cell leaves the field out."""
    document: dict[str, Any] = {}
    for path, spec, geometry in view.plan.filled:
        if spec.is_list:
            items = view.items(path)
            value: Any = [citation(item) for item in items] if spec.annotation is Citation else items
            present = bool(items)
        else:
            text = view.scalar(path)
            present = text is not None
            value = text
            if text is None:
                pass
            elif spec.annotation is Citation:
                value = citation(text)
            elif path == "site":  # a report's site, named as the sites import made its id
                value = as_id(text)
            elif geometry:
                value = _geometry(view, text, path, shapes(spec.annotation))
            elif spec.annotation in (int, float):
                value = _number(view, text, path, spec.annotation is int)
        if spec.required:  # a bad value is its own problem: not also a missing one
            view.need(path, bool(view.get(path)))
        if present:
            _set(document, path, value)
    return document


# Bad values are noted on the view, not raised, so that one row shows every problem it has.


def _geometry(
    view: RowView, text: str, target: str, allowed: tuple[str, ...] = ("Point", "Polygon")
) -> dict[str, Any] | None:
    """The cell's geometry, of a type the record keeps: a MULTIPOLYGON of one polygon is that
    polygon; one of several, or a point where an area is wanted, is one plain problem (the
    model would name each coordinate it cannot place)."""
    try:
        geometry: dict[str, Any] | None = parse_geometry(text)
    except ValueError as error:
        view.problems.append(P.RowProblem(target, str(error)))
        return None
    if geometry and geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 1:
        geometry = {"type": "Polygon", "coordinates": geometry["coordinates"][0]}
    if geometry and geometry["type"] not in allowed:
        found = "several polygons" if geometry["type"] == "MultiPolygon" else f"a {geometry['type'].lower()}"
        wanted = " or ".join(f"a {kind.lower()}" for kind in allowed)
        shown = repr(text) if len(text) <= 200 else repr(text[:200]) + "..."  # polygons run to megabytes
        message = f"{shown} is {found}: give {wanted} (WKT {' or '.join(a.upper() for a in allowed)})"
        view.problems.append(P.RowProblem(target, message))
        return None
    return geometry


def _coordinate(view: RowView, axis: Literal["lat", "lon"]) -> float | None:
    try:
        return parse_coordinate(view.get(axis), axis)
    except ValueError as error:
        view.problems.append(P.RowProblem(axis, str(error)))
        return None


def site_geometry(view: RowView) -> dict[str, Any] | None:
    for target in ("geometry", "wkt", "latlon"):
        if text := view.get(target):
            return _geometry(view, text, target)
    given = [axis for axis in ("lat", "lon") if view.get(axis) and not is_blank(view.get(axis))]
    lat, lon = _coordinate(view, "lat"), _coordinate(view, "lon")
    if len(given) == 1:
        view.problems.append(P.RowProblem(given[0], "give both lat and lon, or neither"))
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def has_coordinates(view: RowView) -> bool:
    return any(view.get(t) and not is_blank(view.get(t)) for t in view.plan.located)


def _year(view: RowView, text: str, target: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        view.problems.append(P.RowProblem(target, "is not a year (a whole number, negative for BCE)", text))
        return None


def site_document(view: RowView) -> dict[str, Any]:
    geometry = site_geometry(view)
    # Names are one line each, so a cell can hold a language's several names, one a line.
    names = [
        {"lang": lang, "text": line.strip()}
        for lang, text in view.family("name:").items()
        for line in (text.splitlines() or [text])
        if line.strip() or not text
    ]
    view.need("name:LANG", bool(names), "map a name column, e.g. --column name:en=Name")
    precision = view.scalar("precision") or (view.plan.default_precision if geometry else "unknown")
    uncertainty = view.get("uncertainty_m")
    if precision == "approximate" and geometry and not uncertainty:  # the model's rule, with its fix
        fix = "give an uncertainty_m column, or one value for every row with --fixed uncertainty_m=METRES"
        view.problems.append(P.RowProblem("uncertainty_m", "is required for an approximate location", None, fix))
    site_type = view.scalar("type")
    view.need("type", bool(view.get("type")))
    document: dict[str, Any] = {
        "names": names,
        "geometry": geometry,
        "location": {
            "precision": precision,
            "uncertainty_m": _number(view, uncertainty, "uncertainty_m", False) if uncertainty else None,
            "source": view.get("location_source") or None,
        },
        "type": site_type,
        "tradition": view.scalar("tradition"),
        "areas": view.items("areas"),
        "description": view.get("description") or None,
        "external_ids": view.family("external_id:"),
        "sensitivity": view.scalar("sensitivity") or "public",
    }
    if label := view.get("period"):
        document["period"] = {
            "label": label,
            "start_year": _year(view, view.get("period_start"), "period_start"),
            "end_year": _year(view, view.get("period_end"), "period_end"),
        }
    # A top-level field a site gains later is read like any other kind's.
    for path in view.plan.extra:
        value = view.items(path) if view.plan.specs[path].is_list else view.scalar(path)
        if value:
            document[path] = value
    return document


BUILDERS: dict[str, Callable[[RowView], dict[str, Any]]] = {
    "sites": site_document,
    "reports": record_document,
    "sources": record_document,
    "allegations": record_document,
}


def is_heading(view: RowView, name_columns: set[str], site_list: bool) -> bool:
    """A heading row ("22 sites in the Chernihiv Region"): something is written in it, but no
    coordinates, and of the columns the import reads at most a site's name (in a site list, a
    row of one cell is a heading too). Columns it does not read may hold anything (a heading's
    text often sits in an unnamed first column, beside a stray "No" or "not found"). The same
    file read for reports skips the same rows."""
    written = [value for value in view.cells.values() if value]
    # Anything where the point goes, coordinates or "not found": a site, kept (without a location).
    if not written or any(view.get(target) for target in view.plan.located):
        return False
    if site_list and len(written) == 1:
        return True
    # Stops at the first column read, not a name, with something in it: most rows have one.
    others = view.plan.read - name_columns
    return not any((value := view.cells.get(c, "")) and not is_blank(value) for c in others)


def may_have_headings(plan: Plan, rows: list[dict[str, str]]) -> bool:
    """Whether a site list has heading rows at all: only one in which some row has coordinates.
    In a list of places none of which has a location, a row with only a name is a site."""
    return any(has_coordinates(RowView(plan, cells)) for cells in rows)


__all__ = ["BUILDERS", "Plan", "Record", "RowView", "as_id", "is_heading", "make_plan", "may_have_headings", "split"]

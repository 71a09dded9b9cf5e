"""Importing sites and condition reports from CSV files.

Every row is checked before anything is written: a file with a bad row writes nothing unless the
caller asks to skip invalid rows. Problems name the file, the line, the record and the field.
Columns are mapped with `FIELD=COLUMN` pairs; a column named like the field needs no mapping.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError

from heritage import kinds, layout
from heritage.codec import content_key, encode
from heritage.errors import ImportFailed, InvalidInput, Problem
from heritage.ids import new_id, site_id_for
from heritage.index import Index
from heritage.journal import Journal
from heritage.kinds import Kind
from heritage.models import ConditionReport, Site
from heritage.recording import RECORDED, mark_migrated, utc_now
from heritage.sanity import region_problem
from heritage.store import Catalogue, validation_messages

SITE_FIELDS = {
    "id",
    "lat",
    "lon",
    "latlon",
    "wkt",
    "type",
    "tradition",
    "period",
    "period_start",
    "period_end",
    "precision",
    "uncertainty_m",
    "location_source",
    "areas",
    "description",
    "sensitivity",
    "recorded_by",
    "recorded_at",
}
# Short column names CSV files use for some report fields: column -> field.
REPORT_ALIASES = {"extent": "damage_extent", "effects": "damage_effects", "causes": "damage_causes"}
_COLUMN_OF = {field: column for column, field in REPORT_ALIASES.items()}

# Every field of a condition report is a column of its own (or goes by its alias), so that a
# field added to the model is imported with no change here; its seal and migration mark are
# set by heritage, never imported.
REPORT_FIELDS = {
    _COLUMN_OF.get(name, name) for name in ConditionReport.model_fields if name not in ("sha256", "migrated")
}
# Open-ended families: name:hy, name:az-Latn ...; external_id:wikidata ...
FAMILIES = ("name:", "external_id:")
LIST_SEPARATOR = ";"
_WKT_POINT = re.compile(r"^\s*POINT\s*\(\s*(\S+)\s+(\S+)\s*\)\s*$", re.IGNORECASE)


@dataclass
class ImportResult:
    written: list[str] = field(default_factory=list)  # the new records' ids
    already: list[str] = field(default_factory=list)  # rows the catalogue holds already: those records' ids
    repeated: int = 0  # rows that repeat an earlier row of the same file
    skipped: list[Problem] = field(default_factory=list)
    skipped_rows: int = 0


def parse_mapping(pairs: Iterable[str], known: set[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        target, sep, column = pair.partition("=")
        target = target.strip()
        if not sep or not column.strip():
            raise InvalidInput(f"column mapping {pair!r} is not FIELD=COLUMN")
        if target not in known and not target.startswith(FAMILIES):
            raise InvalidInput(f"unknown field {target!r} in column mapping; fields: {', '.join(sorted(known))}")
        if mapping.get(target, column.strip()) != column.strip():  # as with a repeated header: no last one wins
            raise InvalidInput(f"field {target!r} is mapped to two columns: {mapping[target]!r} and {column.strip()!r}")
        mapping[target] = column.strip()
    return mapping


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _number(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a number") from None


def _point(get: Callable[[str], str]) -> dict[str, Any] | None:
    if get("wkt"):
        match = _WKT_POINT.match(get("wkt"))
        if not match:
            raise ValueError(f"wkt {get('wkt')!r} is not a WKT POINT(lon lat)")
        lon, lat = _number(match[1], "longitude"), _number(match[2], "latitude")
    elif get("latlon"):
        parts = [p for p in re.split(r"[,\s;]+", get("latlon")) if p]
        if len(parts) != 2:
            raise ValueError(f"latlon {get('latlon')!r} is not 'lat, lon'")
        lat, lon = _number(parts[0], "latitude"), _number(parts[1], "longitude")
    elif get("lat") or get("lon"):
        if not (get("lat") and get("lon")):
            raise ValueError("give both lat and lon, or neither")
        lat, lon = _number(get("lat"), "latitude"), _number(get("lon"), "longitude")
    else:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


class _Row:
    """One CSV row seen through the column mapping."""

    def __init__(self, row: dict[str, str], mapping: dict[str, str]) -> None:
        self.row, self.mapping = row, mapping

    def get(self, name: str) -> str:
        column = self.mapping.get(name, name)
        return (self.row.get(column) or "").strip()

    def family(self, prefix: str) -> dict[str, str]:
        found = {}
        for key, column in self.mapping.items():
            if key.startswith(prefix) and (self.row.get(column) or "").strip():
                found[key.removeprefix(prefix)] = self.row[column].strip()
        for column, value in self.row.items():
            if column and column.startswith(prefix) and column not in self.mapping and (value or "").strip():
                found.setdefault(column.removeprefix(prefix), value.strip())
        return found


def site_document(r: _Row, default_precision: str) -> dict[str, Any]:
    geometry = _point(r.get)
    precision = r.get("precision") or (default_precision if geometry else "unknown")
    document: dict[str, Any] = {
        "id": r.get("id") or None,
        "names": [{"lang": lang, "text": text} for lang, text in r.family("name:").items()],
        "geometry": geometry,
        "location": {
            "precision": precision,
            "uncertainty_m": _number(r.get("uncertainty_m"), "uncertainty_m") if r.get("uncertainty_m") else None,
            "source": r.get("location_source") or None,
        },
        "type": r.get("type"),
        "tradition": r.get("tradition") or None,
        "areas": _split(r.get("areas")),
        "description": r.get("description") or None,
        "external_ids": r.family("external_id:"),
        "sensitivity": r.get("sensitivity") or "public",
    }
    if r.get("period"):
        document["period"] = {
            "label": r.get("period"),
            "start_year": _year(r.get("period_start"), "period_start"),
            "end_year": _year(r.get("period_end"), "period_end"),
        }
    return document


def _credibility(value: str) -> int:
    if not value:
        return 6
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"credibility {value!r} is not a whole number from 1 to 6") from None


def _citations(value: str) -> list[dict[str, Any]]:
    """'src-a:p. 3; src-b' -> the sources cited, each with its locator."""
    citations = []
    for item in _split(value):
        source, _, locator = item.partition(":")
        citations.append({"source": source.strip(), "locator": locator.strip() or None})
    return citations


def report_document(r: _Row) -> dict[str, Any]:
    """A report's document from a row, field by field of the model: lists are split on ';', the
    sources cited are parsed with their locators, and an empty cell leaves an optional field out."""
    document: dict[str, Any] = {}
    for name, info in ConditionReport.model_fields.items():
        if name in ("id", "sha256", *RECORDED):  # set by the import itself
            continue
        value = r.get(_COLUMN_OF.get(name, name))
        if name == "sources":
            document[name] = _citations(value)
        elif name == "credibility":
            document[name] = _credibility(value)
        elif get_origin(info.annotation) is list:
            document[name] = _split(value)
        elif value or info.is_required():
            document[name] = value
    return document


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with io.TextIOWrapper(layout.open_input(path), encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            # DictReader lets the last of two columns of one name win, silently: refuse instead.
            if not reader.fieldnames:
                raise InvalidInput("is empty: a CSV file starts with a header line", file=path)
            seen: set[str] = set()
            for column in reader.fieldnames:
                if column in seen:
                    raise InvalidInput(f"the column {column!r} appears twice in the header", file=path)
                seen.add(column)
            rows = []
            for row in reader:
                if None in row:  # DictReader files surplus cells under None
                    raise InvalidInput(f"line {reader.line_num} has more cells than the header has columns", file=path)
                rows.append((reader.line_num, row))
            return list(reader.fieldnames or []), rows
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except UnicodeDecodeError:
        raise InvalidInput("is not UTF-8 text", file=path) from None
    except csv.Error as exc:
        raise InvalidInput(f"is not a readable CSV file (line {reader.line_num}: {exc})", file=path) from None


@dataclass(frozen=True)
class ImportOptions:
    recorded_by: str
    skip_invalid: bool = False
    as_recorded: bool = False  # keep recorded_at / recorded_by columns (migrations, the sample build)
    ignore: frozenset[str] = frozenset()  # columns present in the file that are not to be read
    progress: Callable[[int, int], None] | None = None  # (rows done, rows to do): checked, then written


def _check_columns(
    path: Path, columns: list[str], mapping: dict[str, str], fields: set[str], options: ImportOptions
) -> None:
    missing = sorted(c for c in mapping.values() if c not in columns)
    if missing:
        raise InvalidInput(f"mapped column(s) not in the file: {', '.join(missing)}", file=path)
    read = set(mapping.values()) | (fields - set(mapping)) | options.ignore
    unknown = [c for c in columns if c not in read and not c.startswith(FAMILIES)]
    if unknown:
        raise InvalidInput(
            f"column(s) {', '.join(repr(c) for c in unknown)} match no field: map them with --column FIELD=COLUMN, "
            "or pass --ignore-column to leave them out",
            file=path,
        )
    stamped = [f for f in RECORDED if mapping.get(f, f) in columns]
    if stamped and not options.as_recorded:
        raise InvalidInput(
            f"column(s) {', '.join(stamped)} are set by heritage when it appends; remove them, or pass "
            "--as-recorded to keep them (for migrations)",
            file=path,
        )


def _run(
    catalogue: Catalogue,
    path: Path,
    mapping: dict[str, str],
    fields: set[str],
    build: Callable[[_Row], dict[str, Any]],
    kind: Kind,
    check: Callable[[Any, bool, dict[str, Any]], str | None],
    place: Callable[[Any], Path],
    options: ImportOptions,
    id_for: Callable[[dict[str, Any], set[str]], str],
) -> ImportResult:
    columns, rows = _read_rows(path)
    _check_columns(path, columns, mapping, fields, options)
    # The journal's lock makes imports take turns: what one adds, the next sees as already there.
    with Journal(catalogue.root) as journal:
        good, given, problems, failed_lines = _checked(
            catalogue, path, rows, mapping, build, kind, check, options, id_for
        )
        result = ImportResult(skipped_rows=len(failed_lines))
        new = _sort_out(catalogue, kind, good, given, result, problems, failed_lines)
        if problems and not options.skip_invalid:
            raise ImportFailed(problems, rows=len(failed_lines), file=path)
        result.skipped, result.skipped_rows = problems, len(failed_lines)
        tick = options.progress or (lambda done, total: None)
        for number, record in enumerate(new):
            if number % 100 == 0:
                tick(len(rows) + number, len(rows) + len(new))
            journal.stage(place(record), encode(record))
            result.written.append(record.id)
        # Whole or not at all: nothing reaches the catalogue before this, and a process killed
        # during it is finished by the next command (see heritage.journal).
        journal.commit()
    return result


def _checked(
    catalogue: Catalogue,
    path: Path,
    rows: list[tuple[int, dict[str, str]]],
    mapping: dict[str, str],
    build: Callable[[_Row], dict[str, Any]],
    kind: Kind,
    check: Callable[[Any, bool, dict[str, Any]], str | None],
    options: ImportOptions,
    id_for: Callable[[dict[str, Any], set[str]], str],
) -> tuple[list[tuple[int, str, Any]], set[str], list[Problem], set[int]]:
    """Every row built and checked: (line, label, record) of the good ones, the ids the file gave,
    the problems of the others and their lines."""
    now = utc_now().isoformat()
    seen: set[str] = set()
    given_ids: set[str] = set()
    good: list[tuple[int, str, Any]] = []
    state: dict[str, Any] = {}
    problems: list[Problem] = []
    failed_lines: set[int] = set()
    tick = options.progress or (lambda done, total: None)
    for number, (line, raw) in enumerate(rows):
        if number % 100 == 0:
            tick(number, 2 * len(rows))
        r = _Row(raw, mapping)
        given = r.get("id") or None
        label = f"line {line}" + (f" ({given})" if given else "")
        try:
            document = build(r)
            document["id"] = given or id_for(document, seen)
            stamp = {f: r.get(f) for f in RECORDED} if options.as_recorded else {}
            document["recorded_at"] = stamp.get("recorded_at") or now
            document["recorded_by"] = stamp.get("recorded_by") or options.recorded_by
            if any(stamp.values()):
                mark_migrated(document, options.recorded_by)
            record = kind.model.model_validate(document, context=catalogue.context)
            if record.id in seen:
                raise ValueError(f"id {given!r} appears twice in the file")
            reason = check(record, given is not None, state)
            if reason:
                raise ValueError(reason)
        except ValidationError as exc:
            failed_lines.add(line)
            for field_name, message in validation_messages(exc):
                problems.append(Problem("invalid-row", message, str(path), label, field_name))
            continue
        except (ValueError, TypeError) as exc:
            failed_lines.add(line)
            problems.append(Problem("invalid-row", str(exc), str(path), label))
            continue
        seen.add(record.id)
        if given:
            given_ids.add(record.id)
        good.append((line, label, record))
    return good, given_ids, problems, failed_lines


def _sort_out(
    catalogue: Catalogue,
    kind: Kind,
    good: list[tuple[int, str, Any]],
    given: set[str],
    result: ImportResult,
    problems: list[Problem],
    failed_lines: set[int],
) -> list[Any]:
    """The records that are new. A row is already in the catalogue if a record has the id it
    gives, with the same content, or, when it gives none, a record has its content (its
    `content_key`); both are one lookup in the index. A given id held by other content is a
    problem of the row: a record is never changed by importing it again."""
    keys = {record.id: content_key(record) for _, _, record in good}
    table = kind.table or ""
    with Index.open(catalogue, kinds=(kind.folder,)) as index:
        index.content_keys(table, lambda stored: content_key(catalogue.read(kind.model, catalogue.root / stored)))
        by_id = index.lookup(table, "id", sorted(given))
        by_key = index.lookup(table, "content_key", sorted(set(keys.values())))
    new, in_file = [], set()
    for line, label, record in good:
        key = keys[record.id]
        if record.id in given and record.id in by_id:
            if by_id[record.id][1] == key:
                result.already.append(record.id)
            else:
                failed_lines.add(line)
                message = f"{kind.name} {record.id!r} already exists in the catalogue, with other content"
                problems.append(Problem("invalid-row", message, None, label))
        elif record.id not in given and key in by_key:
            result.already.append(by_key[key][0])
        elif record.id not in given and key in in_file:
            result.repeated += 1
        else:
            in_file.add(key)
            new.append(record)
    return new


def _year(value: str, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a year (a whole number, negative for BCE)") from None


def import_sites(
    catalogue: Catalogue, path: Path, mapping: dict[str, str], options: ImportOptions, default_precision: str = "exact"
) -> ImportResult:
    def site_id(document: dict[str, Any], taken: set[str]) -> str:
        return site_id_for(document.get("names"), lambda candidate: candidate in taken or catalogue.has_site(candidate))

    def check(site: Site, given: bool, state: dict[str, Any]) -> str | None:
        if site.geometry is not None and catalogue.info.region is not None:
            return region_problem(site.geometry, catalogue.info.region)
        return None

    return _run(
        catalogue,
        path,
        mapping,
        SITE_FIELDS,
        lambda r: site_document(r, default_precision),
        kinds.SITES,
        check,
        lambda site: layout.site_file(catalogue.root, site.id),
        options,
        site_id,
    )


def import_reports(catalogue: Catalogue, path: Path, mapping: dict[str, str], options: ImportOptions) -> ImportResult:
    def check(report: ConditionReport, given: bool, state: dict[str, Any]) -> str | None:
        if not catalogue.has_site(report.site):
            return f"unknown site {report.site!r}"
        for sha in report.evidence:
            if not catalogue.has_evidence(sha):
                return f"unknown evidence file {sha}; add it first with 'heritage evidence add'"
        for citation in report.sources:
            if not catalogue.has_source(citation.source):
                return f"unknown source {citation.source!r}"
        site_of: dict[str, str] = state.setdefault("site_of", {})
        if report.supersedes:
            in_file = site_of.get(report.supersedes) == report.site
            if not in_file and not catalogue.has_report(report.site, report.supersedes):
                return f"supersedes {report.supersedes!r}, which is not a report of site {report.site!r}"
            corrected: set[str] = state.setdefault("corrected", set())
            if report.supersedes in corrected or catalogue.superseded_by(report.site, report.supersedes):
                return f"{report.supersedes!r} is already superseded; correct the correction instead"
            corrected.add(report.supersedes)
        site_of[report.id] = report.site
        return None

    return _run(
        catalogue,
        path,
        mapping,
        REPORT_FIELDS,
        report_document,
        kinds.REPORTS,
        check,
        lambda report: layout.report_file(catalogue.root, report.site, report.id),
        options,
        lambda d, t: new_id("r"),
    )

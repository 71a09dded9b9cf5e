"""The import: read a table, map every row through the profile, check them all, then write the
new records as one journal commit (whole or nothing, also under SIGKILL), or, in a dry run,
only say what would be written.

A row's key is the id it gives or, when it gives none, the record's `content_key` (what it
says, without id and stamps): a rerun finds every row already in the catalogue and adds nothing.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from heritage import settings
from heritage.codec import content_key, encode_keyed, to_document
from heritage.collector import paused_gc
from heritage.errors import InvalidInput
from heritage.importing import problems as P
from heritage.importing.checks import RULES, KindRules, Seen, references
from heritage.importing.documents import (
    BUILDERS,
    RECORDED,
    Plan,
    RowView,
    as_id,
    is_heading,
    make_plan,
    may_have_headings,
)
from heritage.importing.fields import vocabularies
from heritage.importing.profile import Profile, check_columns, check_fields
from heritage.index import Index
from heritage.journal import Journal
from heritage.models.catalogue_info import BBox
from heritage.recording import mark_migrated, utc_now
from heritage.store import Catalogue, validation_messages
from heritage.tables import Table, read_table

SAMPLES = 3  # records a dry run shows


@dataclass(frozen=True)
class ImportOptions:
    recorded_by: str
    skip_invalid: bool = False
    as_recorded: bool = False  # keep recorded_at / recorded_by columns (migrations, the sample build)
    ignore: frozenset[str] = frozenset()  # columns present in the file that are not to be read
    progress: Callable[[int, int], None] | None = None  # (rows done, rows to do): checked, then written
    dry_run: bool = False  # check everything, write nothing
    grow_region: bool = False  # grow catalogue.json's region to hold the file's sites


@dataclass
class ImportResult:
    kind: str = "sites"
    written: list[str] = field(default_factory=list)  # the new records' ids (would be, in a dry run)
    already: list[str] = field(default_factory=list)  # rows the catalogue holds already: those records' ids
    repeated: int = 0  # rows that repeat an earlier row of the same file
    headings: int = 0  # heading rows skipped ("Shusha district")
    heading_rows: list[str] = field(default_factory=list)  # the first of them: "line 2 'Shusha district'"
    filtered: int = 0  # rows left out by [where]
    skipped_rows: int = 0  # failing rows left out (--skip-invalid, or counted by a dry run)
    failed: list[P.ProblemGroup] = field(default_factory=list)
    warnings: list[P.ProblemGroup] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # vocabulary field -> our value -> rows
    samples: list[dict[str, Any]] = field(default_factory=list)  # the first new records, as stored
    region: BBox | None = None  # the region grown to (or that would be, in a dry run)
    dry_run: bool = False

    @property
    def label(self) -> str:
        return RULES[self.kind].label


@dataclass
class _Checked:
    good: list[tuple[str, Any]] = field(default_factory=list)  # (row label, record)
    given: set[str] = field(default_factory=set)  # ids the file gave
    failures: list[tuple[str, P.RowProblem]] = field(default_factory=list)
    warnings: list[tuple[str, P.RowProblem]] = field(default_factory=list)
    warned: list[tuple[str, P.RowProblem, Any]] = field(default_factory=list)  # (label, warning, record)
    failed_rows: set[str] = field(default_factory=set)


def run_import(catalogue: Catalogue, kind: str, path: Path, profile: Profile, options: ImportOptions) -> ImportResult:
    """Import the file's rows as records of `kind` ("sites", "reports", "sources", "allegations")."""
    rules = RULES[kind]
    # A copy with the --ignore-column flags: the caller's profile is left as it was given.
    profile = dataclasses.replace(profile, ignore=profile.ignore | set(options.ignore))
    ours = vocabularies(kind, catalogue.info.vocabulary(), sorted(catalogue.info.party_ids()))
    check_fields(profile, kind, ours)  # before a row is read
    table = read_table(path, profile.encoding)
    try:
        check_columns(profile, table.columns)
        parties = {party.name: party.id for party in catalogue.info.parties}
        known_as = {target: parties for target in ours if target.split(".")[-1] == "party"}
        plan = make_plan(kind, profile, table.columns, ours, options.as_recorded, known_as)
    except InvalidInput as error:
        raise InvalidInput(error.problem.message, file=path) from None
    result = ImportResult(kind=kind, dry_run=options.dry_run)
    # An import holds every record it checks until it commits: hundreds of thousands of objects
    # and no reference cycles, which the cyclic collector would walk again and again (a fifth of
    # an import of 30,000 sites). Index scans turn it back on for their workers (heritage.index).
    with paused_gc():
        if options.dry_run:
            _decide(catalogue, rules, plan, table, profile, options, result)
        else:
            _write(catalogue, rules, plan, table, profile, options, result)
    return result


def _write(
    catalogue: Catalogue,
    rules: KindRules,
    plan: Plan,
    table: Table,
    profile: Profile,
    options: ImportOptions,
    result: ImportResult,
) -> None:
    """The new records, staged and committed as one (see heritage.journal)."""
    # The journal's lock makes imports take turns: what one adds, the next sees as already there.
    with Journal(catalogue.root) as journal:
        new = _decide(catalogue, rules, plan, table, profile, options, result)
        tick = options.progress or (lambda done, total: None)
        root = os.fspath(catalogue.root)
        for number, (record, data) in enumerate(new):
            if number % 100 == 0:
                tick(len(table.rows) + number, len(table.rows) + len(new))
            journal.stage(rules.place(root, record), data)
        if result.region is not None:  # just before the commit: a refused import leaves it as it was
            # Grown from catalogue.json as it is now, not as it was read: what another command
            # grew meanwhile is kept.
            places = [p for p in (_position(record) for record, _ in new) if p is not None]
            result.region = settings.grow_region(catalogue.root, places)
        # Whole or not at all: nothing reaches the catalogue before this, and a process killed
        # during it is finished by the next command (see heritage.journal).
        journal.commit()


def _decide(
    catalogue: Catalogue,
    rules: KindRules,
    plan: Plan,
    table: Table,
    profile: Profile,
    options: ImportOptions,
    result: ImportResult,
) -> list[tuple[Any, bytes]]:
    """Every row checked and sorted out; raises RowsRefused if any failed (unless skipped or a
    dry run). Returns the new records, each with its file's bytes."""
    checked = _check_rows(catalogue, rules, plan, table, profile, options, result)
    chosen = _sort_out(catalogue, rules, checked, result)
    new = [record for record, _ in chosen]
    fresh = {id(record) for record in new}  # warnings are for what is written, not for what is there
    warned = [(label, w, record) for label, w, record in checked.warned if id(record) in fresh]
    checked.warnings = [(label, w) for label, w, _ in warned]
    if warned and catalogue.info.region is not None:
        # The one command that takes in every new site past the region, as `site add` names it.
        places = [p for _, _, record in warned if (p := _position(record)) is not None]
        command = settings.region_command(settings.grown_region(catalogue.info.region, places))
        fix = f"kept all the same; to take in every site outside it: {command} (or import with --grow-region)"
        checked.warnings = [(label, dataclasses.replace(w, fix=fix)) for label, w in checked.warnings]
    result.failed = P.group(checked.failures)
    result.skipped_rows = len(checked.failed_rows)
    if checked.failures and not (options.skip_invalid or options.dry_run):
        raise P.RowsRefused(result.failed, rows=len(checked.failed_rows), file=table.path)
    result.written = [record.id for record in new]
    result.samples = [_sample(record) for record in new[:SAMPLES]]
    if options.grow_region and catalogue.info.region is not None:
        positions = [_position(record) for record in new]
        outside = [p for p in positions if p is not None]
        grown = settings.grown_region(catalogue.info.region, outside) if outside else catalogue.info.region
        result.region = grown if grown != catalogue.info.region else None
    else:
        result.warnings = P.group(checked.warnings)
    return chosen


def _sample(record: Any) -> dict[str, Any]:
    """A record as it would be stored, without what is set only when it is written (its seal and
    time stamp), which would differ then."""
    document = to_document(record)
    for part in (document, document.get("properties", {})):
        part.pop("sha256", None)
        part.pop("recorded_at", None)
    return document


def _position(record: Any) -> tuple[float, float] | None:
    shape = getattr(record, "geometry", None) or getattr(record, "area", None)
    return None if shape is None else shape.representative


def _matches(where: dict[str, set[str]], cells: dict[str, str]) -> bool:
    """Whether the row holds one of the wanted values (casefolded) in every [where] column."""
    return all(cells.get(column, "").casefold() in wanted for column, wanted in where.items())


def _check_rows(
    catalogue: Catalogue,
    rules: KindRules,
    plan: Plan,
    table: Table,
    profile: Profile,
    options: ImportOptions,
    result: ImportResult,
) -> _Checked:
    now = utc_now().isoformat()
    build = BUILDERS[result.kind]
    names = {c for target, cs in plan.columns.items() if target.startswith("name:") for c in cs}
    # Heading rows are skipped in every kind's file; a site list none of whose rows has a point
    # has none (a row with only a name is a site there).
    headings = result.kind != "sites" or may_have_headings(plan, [row.cells for row in table.rows])
    seen, out = Seen(anywhere=options.grow_region), _Checked()
    where = {column: {value.casefold() for value in values} for column, values in profile.where.items()}
    tick = options.progress or (lambda done, total: None)
    for number, row in enumerate(table.rows):
        if number % 100 == 0:
            tick(number, 2 * len(table.rows))
        if not any(row.cells.values()):
            continue  # an empty row says nothing: skipped silently
        if where and not _matches(where, row.cells):
            result.filtered += 1
            continue
        view = RowView(plan, row.cells)
        if headings and is_heading(view, names, result.kind == "sites"):
            result.headings += 1
            if len(result.heading_rows) < P.FIRST_LINES:  # a site with only a name is seen, not lost
                result.heading_rows.append(f"{row.label} {next(v for v in row.cells.values() if v)!r}")
            continue
        given = as_id(view.get("id")) if view.get("id") else None
        # The id names the row, quoted when it holds what would break or disguise the line.
        label = row.label + (f" ({given if given.isprintable() else repr(given)})" if given else "")
        record = _record(catalogue, rules, result.kind, view, build, given, seen, options, now)
        if view.problems:
            out.failed_rows.add(label)
            out.failures.extend((label, problem) for problem in view.problems)
            continue
        errors, warnings = rules.check(catalogue, record, seen)
        if errors:
            out.failed_rows.add(label)
            out.failures.extend((label, problem) for problem in errors)
            continue
        out.warned.extend((label, problem, record) for problem in warnings)
        seen.ids.add(record.id)
        if given:
            out.given.add(record.id)
        for target, value in view.counted:
            result.counts.setdefault(target, Counter())[value] += 1
        out.good.append((label, record))
    return out


def _record(
    catalogue: Catalogue,
    rules: KindRules,
    kind: str,
    view: RowView,
    build: Callable[[RowView], dict[str, Any]],
    given: str | None,
    seen: Seen,
    options: ImportOptions,
    now: str,
) -> Any:
    """The row's record, or None with the row's problems noted on the view."""
    document: dict[str, Any] | None = None
    try:
        document = build(view)
    except P.RowError as error:
        view.problems.extend(error.problems)
    if document is not None:
        view.problems.extend(references(catalogue, kind, document, seen))
    if document is None or view.problems:
        return None
    document["id"] = given or rules.id_for(catalogue, document, seen)
    stamp = {f: view.get(f) for f in RECORDED} if options.as_recorded else {}
    document["recorded_at"] = stamp.get("recorded_at") or now
    document["recorded_by"] = stamp.get("recorded_by") or options.recorded_by
    if any(stamp.values()):
        try:
            mark_migrated(document, options.recorded_by)
        except ValueError as error:  # a kept recorded_at later than now
            view.problems.append(P.RowProblem("recorded_at", str(error), stamp.get("recorded_at")))
            return None
    try:
        record = rules.kind.model.model_validate(document, context=catalogue.context)
    except ValidationError as error:
        view.problems.extend(_with_id_fix(kind, view, _model_problems(error, _columns_of(document))))
        return None
    if record.id in seen.ids:
        view.problems.append(P.RowProblem("id", "appears twice in the file", record.id))
    return record


def _with_id_fix(kind: str, view: RowView, problems: list[P.RowProblem]) -> list[P.RowProblem]:
    """A file's own ids that are not ours ("node/3734462654") get the way round them: heritage
    makes the ids, and a site keeps theirs as an external id."""
    column = (view.plan.columns.get("id") or ["id"])[0]
    fix = f"leave the ids to heritage with --ignore-column {P.shell_word(column)}"
    if kind == "sites":
        fix += f", and keep theirs with --column external_id:SCHEME={P.shell_word(column)}"
    return [dataclasses.replace(p, fix=fix) if p.field == "id" and not p.fix else p for p in problems]


def _columns_of(document: dict[str, Any]) -> dict[str, str]:
    """A site's model paths named as the file's fields are (`names[1].text` is `name:hy`)."""
    names = document.get("properties", document).get("names") if isinstance(document, dict) else None
    if not isinstance(names, list):
        return {}
    return {f"names[{n}].text": f"name:{name.get('lang')}" for n, name in enumerate(names) if isinstance(name, dict)}


def _model_problems(error: ValidationError, columns: dict[str, str] | None = None) -> list[P.RowProblem]:
    """What the model refused, in `validation_messages`' words, each with the value it refused
    when that was a cell's text or number (so that a bad value groups with its like), and named
    by the file's field where the model's path differs."""
    messages = [
        (columns.get(name, name) if columns and name else name, text) for name, text in validation_messages(error)
    ]
    items = error.errors(include_url=False)
    values: list[str | None] = [None] * len(messages)
    if len(items) == len(messages):  # one sentence per error: each one's input is known
        values = [str(i["input"]) if isinstance(i.get("input"), str | int | float) else None for i in items]
    return [P.RowProblem(name or None, message, value) for (name, message), value in zip(messages, values, strict=True)]


def _sort_out(
    catalogue: Catalogue, rules: KindRules, checked: _Checked, result: ImportResult
) -> list[tuple[Any, bytes]]:
    """The records that are new, each with its file's bytes. A row is already in the catalogue
    if a record has the id it gives, with the same content, or, when it gives none, a record has
    its content (its `content_key`); both are one lookup in the index. A given id held by other content is a
    problem of the row: a record is never changed by importing it again."""
    kind = rules.kind
    # A record's file and its key come from one model_dump: made apart, the key's dump was a
    # tenth of an import. The files of records found already there are dropped.
    scheme = catalogue.info.seal_scheme
    encoded = {record.id: encode_keyed(record, scheme) for _, record in checked.good}
    table = kind.table or ""
    with Index.open(catalogue, kinds=(kind.folder,)) as index:
        index.content_keys(table, lambda stored: content_key(catalogue.read(kind.model, catalogue.root / stored)))
        by_id = index.lookup(table, "id", sorted(checked.given))
        by_key = index.lookup(table, "content_key", sorted({key for _, key in encoded.values()}))
    new: list[tuple[Any, bytes]] = []
    in_file: set[str] = set()
    for label, record in checked.good:
        data, key = encoded[record.id]
        if record.id in checked.given and record.id in by_id:
            if by_id[record.id][1] == key:
                result.already.append(record.id)
            else:
                checked.failed_rows.add(label)
                message = "already exists in the catalogue, with other content; correct it rather than import it again"
                checked.failures.append((label, P.RowProblem("id", f"{kind.name} {message}", record.id)))
        elif record.id not in checked.given and key in by_key:
            result.already.append(by_key[key][0])
        elif record.id not in checked.given and key in in_file:
            result.repeated += 1
        else:
            in_file.add(key)
            new.append((record, data))
    return new

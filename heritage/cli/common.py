"""Small helpers the commands share: option parsing, record files, output."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError
from rich.console import Console

from heritage.codec import dumps, loads
from heritage.errors import InvalidInput
from heritage.store import DuplicateKey, parse_record, unique_keys, validation_messages

M = TypeVar("M", bound=BaseModel)


def console() -> Console:
    # Built per call so that it writes to whatever stdout is now (tests swap it). Piped output has
    # no terminal width to follow: give it room rather than rich's 80 columns.
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, soft_wrap=False, width=132 if piped else None)


def progress_console() -> Console:
    """Progress bars go to stderr: stdout stays clean for tables, JSON and ids."""
    return Console(stderr=True, highlight=False)


@contextmanager
def reading_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long reads of the catalogue, shown once there is work to show;
    gone when done. Yields the callback that `Index` and `validate` report (done, total) to."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    out = progress_console()
    if not out.is_terminal:  # piped or captured: no bar, and nothing left behind in the output
        yield lambda done, total: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("parts"), TimeRemainingColumn())
    with Progress(*columns, transient=True, console=out) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def echo_json(data: Any) -> None:
    """JSON for scripts, sorted by key: an object a key a line, an array an item a line, each
    item encoded compactly. Python encodes indented JSON in Python rather than in C, which took
    11 s of 16 for the 100,000 sites of `list --json`, and 3 s for the 61,000 features of
    `changes --geojson`."""
    click.echo(_json_lines(data, ""))


def _json_lines(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, list) and value:
        items = ",\n".join(inner + _compact(item) for item in value)
        return f"[\n{items}\n{indent}]"
    if isinstance(value, dict) and value:
        keys = sorted(value)
        items = ",\n".join(f"{inner}{_compact(str(key))}: {_json_lines(value[key], inner)}" for key in keys)
        return f"{{\n{items}\n{indent}}}"
    return _compact(value)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def pairs(values: tuple[str, ...], option: str, sep: str = "=") -> list[tuple[str, str]]:
    """'hy=Շուշի' -> ('hy', 'Շուշի'); a clear usage error otherwise."""
    out = []
    for value in values:
        key, found, rest = value.partition(sep)
        if not found or not key.strip() or not rest.strip():
            raise click.BadParameter(f"{value!r} is not KEY{sep}VALUE", param_hint=option)
        out.append((key.strip(), rest.strip()))
    return out


def citations(values: tuple[str, ...]) -> list[dict[str, Any]]:
    """'SOURCE_ID' or 'SOURCE_ID:locator' (page, paragraph, timestamp)."""
    out = []
    for value in values:
        source, _, locator = value.partition(":")
        out.append({"source": source.strip(), "locator": locator.strip() or None})
    return out


def bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not W,S,E,N (four numbers)", param_hint="--bbox") from None
    if not all(math.isfinite(n) for n in (west, south, east, north)):
        raise click.BadParameter(f"{value!r} is not W,S,E,N (four finite numbers)", param_hint="--bbox")
    if west > east or south > north:
        raise click.BadParameter("give W,S,E,N with W <= E and S <= N", param_hint="--bbox")
    return west, south, east, north


RECORDED = ("recorded_at", "recorded_by")


def stamp(document: dict[str, Any], user: str, as_recorded: bool = False, file: Path | None = None) -> dict[str, Any]:
    """Who put the record in, and when: heritage says so, not the input. `as_recorded` keeps the
    input's own values (migrating records kept elsewhere; rebuilding the sample)."""
    if not as_recorded:
        for name in RECORDED:
            if name in document:
                raise InvalidInput(
                    f"{name} is set by heritage when it appends; remove it, or pass --as-recorded "
                    "to keep it (for migrations)",
                    file=file,
                    record=document.get("id"),
                    field=name,
                )
    document.setdefault("recorded_at", datetime.now(UTC).isoformat())
    document.setdefault("recorded_by", user)
    return document


def read_json_file(path: Path) -> dict[str, Any]:
    try:
        data = loads(path.read_bytes().decode("utf-8"), object_pairs_hook=unique_keys)
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except UnicodeDecodeError:
        raise InvalidInput("is not UTF-8 text", file=path) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"is not valid JSON ({exc.msg}, line {exc.lineno})", file=path) from None
    except DuplicateKey as exc:
        raise InvalidInput(str(exc), file=path) from None
    if not isinstance(data, dict):
        raise InvalidInput("must hold one JSON object (one record)", file=path)
    return data


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """Text for a terminal: control characters shown as escapes, never obeyed. The models refuse
    them already; this is for files edited by hand that have not been validated yet."""
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", str(text)
    )


def build(
    model: type[M],
    document: dict[str, Any],
    context: dict[str, Any],
    file: Path | None = None,
    *,
    generated_id: bool = False,
) -> M:
    """Validate a record built from flags or a file; the error names the file, record and field
    (but not an id the command made up a moment ago: it would mean nothing to the reader)."""
    try:
        if file is not None:
            return parse_record(model, dumps(document), file=file, context=context)
        try:
            return model.model_validate(document, context=context)
        except ValidationError as exc:
            field, message = validation_messages(exc)[0]
            raise InvalidInput(message, record=document.get("id"), field=field) from None
    except InvalidInput as error:
        raise _without_record(error) if generated_id else error from None


def append(add: Callable[[M], object], record: M, generated_id: bool) -> None:
    try:
        add(record)
    except InvalidInput as error:
        raise _without_record(error) if generated_id else error from None


def _without_record(error: InvalidInput) -> InvalidInput:
    p = error.problem
    return InvalidInput(p.message, file=p.file, field=p.field)


def drop_none(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if v is not None and v != [] and v != {}}


def output_path(catalogue_root: Path, path: Path, *, overwrite: bool = True) -> Path:
    """Refuse an output that would land on the catalogue's own files (a map written over a report,
    a manifest over catalogue.json), or, when asked, on any existing file."""
    from heritage import layout

    target = path.resolve()
    root = catalogue_root.resolve()
    protected = {root / layout.CATALOGUE_FILE, root / layout.AREAS_FILE}
    inside = [root / folder for folder in layout.FOLDERS]
    if target in protected or any(target == f or f in target.parents for f in inside):
        raise InvalidInput("is part of the catalogue itself; write outputs elsewhere", file=path)
    if not overwrite and target.exists():
        raise InvalidInput("already exists; choose another name (or pass --force)", file=path)
    return path

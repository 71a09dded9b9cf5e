"""Reading a table of records from a file (stand-in: CSV only).

A stand-in with the interface the import pipeline calls; the full reader (JSON lists, GeoJSON,
encodings) replaces this file when its branch lands. Do not add to the interface here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from heritage import layout
from heritage.errors import InvalidInput


@dataclass(frozen=True)
class TableRow:
    label: str  # "line 7": how a person finds the row in the file
    cells: dict[str, str]  # column -> stripped text


@dataclass(frozen=True)
class Table:
    path: Path
    format: str
    columns: list[str]
    rows: list[TableRow]
    encoding: str


def read_table(path: Path, encoding: str | None = None) -> Table:
    """The file's header and rows. A column named twice, or a row with more cells than the header
    has columns, is refused: csv.DictReader would silently let the last one win or drop cells."""
    chosen = encoding or "utf-8-sig"  # a byte-order mark, if any, is not part of the first column name
    reader: csv.DictReader[str] | None = None
    try:
        with io.TextIOWrapper(layout.open_input(path), encoding=chosen, newline="") as handle:
            reader = csv.DictReader(handle, strict=True)
            if not reader.fieldnames:
                raise InvalidInput("is empty: a CSV file starts with a header line", file=path)
            seen: set[str] = set()
            for column in reader.fieldnames:
                if column in seen:
                    raise InvalidInput(f"the column {column!r} appears twice in the header", file=path)
                seen.add(column)
            rows = []
            for row in reader:
                if None in row:
                    raise InvalidInput(f"line {reader.line_num} has more cells than the header has columns", file=path)
                cells = {column: (value or "").strip() for column, value in row.items()}
                rows.append(TableRow(f"line {reader.line_num}", cells))
            return Table(path, "csv", list(reader.fieldnames), rows, chosen)
    except FileNotFoundError:
        raise InvalidInput("file not found", file=path) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"is not {encoding or 'UTF-8'} text; name its encoding with --encoding", file=path) from None
    except LookupError:
        raise InvalidInput(f"unknown encoding {chosen!r}", file=path) from None
    except csv.Error as exc:
        line = reader.line_num if reader is not None else 0
        raise InvalidInput(f"is not a readable CSV file (line {line}: {exc})", file=path) from None

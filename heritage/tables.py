"""Reading a file of rows, whatever shape a team was given it in: CSV (comma, semicolon or tab),
a JSON list of objects, or GeoJSON. Every shape comes out as the same `Table` of text cells, so
that what maps columns onto fields (`heritage.importer`) never needs to know which it was.

The format is chosen by what the file holds, not by its name: a `.txt` CSV is read as CSV, and a
`.json` that holds no JSON is refused as such rather than read as one column of text. Text is
UTF-8 (with or without a byte-order mark) or UTF-16 with its byte-order mark; any other encoding
(cp1251, cp1252, latin-1) is read only when named, since a guess would silently turn Cyrillic
into Western European letters. Nothing is written and nothing is half-read: a bad file is one
`InvalidInput` naming the file, the line or item, and what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from heritage import layout
from heritage.collector import paused_gc
from heritage.csvfile import plain
from heritage.errors import InvalidInput


@dataclass(frozen=True)
class TableRow:
    label: str  # "line 7" (CSV: the line the row starts on), "item 3" (JSON), "feature 12" (GeoJSON)
    cells: dict[str, str]  # every column of the table -> its text, stripped; "" when empty or null


@dataclass(frozen=True)
class Table:
    path: Path
    format: str  # "csv" | "json" | "geojson"
    columns: list[str]  # every column, in first-seen order
    rows: list[TableRow]
    encoding: str  # what the bytes were decoded with: "utf-8", "utf-8-sig", "utf-16", "cp1251"...


ENCODING_HINT = "give --encoding, e.g. --encoding cp1251 for Cyrillic Windows files, cp1252 for Western European"
_JSON_SUFFIXES = {".json", ".geojson"}


def read_table(path: Path, encoding: str | None = None) -> Table:
    """The rows of a CSV, JSON or GeoJSON file. Raises InvalidInput naming the file (and the
    line or item) for anything that cannot be read as a table."""
    path = Path(path)
    try:
        with layout.open_input(path) as handle:
            data = handle.read()
    except IsADirectoryError:
        raise InvalidInput("is a folder, not a file", file=path) from None
    except OSError as exc:
        raise InvalidInput(f"cannot be read: {exc.strerror or exc}", file=path) from None
    text, used = decode(path, data, encoding)
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        from heritage.jsontables import read_json_table  # JSON only costs its import when needed

        with paused_gc():
            fmt, columns, rows = read_json_table(path, text)
        return Table(path, fmt, columns, rows, used)
    if path.suffix.lower() in _JSON_SUFFIXES:
        shown = text.strip().splitlines()[0][:40] if text.strip() else ""
        raise InvalidInput(
            f"is named {path.suffix} but holds no JSON list or object (it starts with {shown!r}); if it is a CSV file, "
            "rename it to .csv",
            file=path,
        )
    with paused_gc():
        columns, rows = _csv_rows(path, text)
    return Table(path, "csv", columns, rows, used)


def decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """(text, encoding used). A byte-order mark says UTF-8 or UTF-16; without one, UTF-8 is
    expected unless the caller names the encoding."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InvalidInput(f"{encoding!r} is not an encoding Python knows; {ENCODING_HINT}", file=path) from None
        if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            if name.startswith(("utf-8", "utf-16")):
                return decode(path, data, None)  # the file's own mark is more precise (utf-8-sig, byte order)
            # Read as cp1251, a UTF-8 mark would become three letters at the start of the header.
            raise InvalidInput(
                f"starts with a Unicode byte-order mark, so it is UTF-8 or UTF-16, not {encoding}: "
                "leave out --encoding",
                file=path,
            )
        return _decoded(path, data, name, f"is not {encoding} text"), name
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        return _decoded(path, data, "utf-16", "has a UTF-16 byte-order mark but is not UTF-16 text"), "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(path, data, "utf-8-sig", "is not UTF-8 text"), "utf-8-sig"
    text = _decoded(path, data, "utf-8", "is not UTF-8 text")
    if "\x00" in text:
        # ASCII written as UTF-16 without its mark is valid UTF-8, one NUL between letters.
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidInput(
            f"holds NUL characters (line {line}): it may be UTF-16 without a byte-order mark; "
            "give --encoding utf-16-le (or utf-16-be)",
            file=path,
        )
    return text, "utf-8"


def _decoded(path: Path, data: bytes, encoding: str, what: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise InvalidInput(f"{what} (line {line} cannot be decoded): {ENCODING_HINT}", file=path) from None


_LEADING_SPACE = re.compile(r"\s*")
_SEP_LINE = re.compile(r"sep=([,;\t|])")


def _next_filled(reader: Iterator[list[str]]) -> list[str] | None:
    """The next row with any text, past blank lines (before the header)."""
    for row in reader:
        if any(cell.strip() for cell in row):
            return row
    return None


def _first_line(text: str) -> str:
    """The header's line, past any blank lines before it (found without copying the whole text)."""
    start = _LEADING_SPACE.match(text).end()  # type: ignore[union-attr]  # \s* always matches
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


def _delimiter(header: str) -> str:
    """Comma unless the header has none and has semicolons (European spreadsheet exports, where
    the comma is the decimal mark) or tabs. Quoted names do not count: `"lat, lon";name`."""
    header = re.sub(r'"[^"]*"', "", header)
    if "," in header:
        return ","
    semicolons, tabs = header.count(";"), header.count("\t")
    if semicolons or tabs:
        return ";" if semicolons >= tabs else "\t"
    return ","


def _csv_rows(path: Path, text: str) -> tuple[list[str], list[TableRow]]:
    # newline="" keeps quoted line breaks inside cells, as the csv module asks.
    stream = io.StringIO(text, newline="")
    first = _first_line(text)
    # Excel writes "sep=;" as the first line when asked to say its delimiter: it is no header.
    said = _SEP_LINE.fullmatch(first.rstrip("\r"))
    reader = csv.reader(stream, delimiter=said[1] if said else _delimiter(first), strict=True)
    try:
        header = _next_filled(reader)
        if said:
            header = _next_filled(reader)
        if header is None:
            raise InvalidInput("is empty: a CSV file starts with a header line", file=path)
        columns = [plain(name).strip() for name in header]
        seen: set[str] = set()
        for column in columns:
            if column in seen and column:  # unnamed ones: see _unnamed
                # A dict of cells would let the last of the two win, silently: refuse instead.
                raise InvalidInput(f"the column {column!r} appears twice in the header", file=path)
            seen.add(column)
        width = len(columns)
        lines: list[tuple[int, list[str]]] = []
        ended = reader.line_num
        for cells in reader:
            start, ended = ended + 1, reader.line_num
            if len(cells) > width:
                # A spreadsheet saves a row's trailing empty cells past the header: they say nothing.
                if any(cell.strip() for cell in cells[width:]):
                    raise InvalidInput(f"line {start} has more cells than the header has columns", file=path)
                cells = cells[:width]
            # The apostrophe our writer puts before a formula-like text comes off (`csvfile.plain`),
            # before the spaces: the tab or CR it stood before may be all the cell holds.
            stripped = [(plain(cell) if cell[:1] == "'" else cell).strip() for cell in cells]
            if not any(stripped):
                continue  # a blank line, or one of empty cells only: no row at all
            if len(stripped) < width:
                stripped.extend([""] * (width - len(stripped)))
            lines.append((start, stripped))
    except csv.Error as exc:
        raise InvalidInput(f"is not a readable CSV file (line {reader.line_num}: {exc})", file=path) from None
    if "" in seen:
        columns, lines = _unnamed(path, columns, lines)
    # Of equal length by now; zip's own check would cost a tenth of reading a large file.
    return columns, [TableRow(f"line {start}", dict(zip(columns, cells, strict=False))) for start, cells in lines]


def _unnamed(
    path: Path, columns: list[str], lines: list[tuple[int, list[str]]]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Columns without a name (a spreadsheet saves formatted empty columns as ",,"): those empty
    in every row are dropped; one that holds values stays, as the column ""; two that do cannot
    be told apart and are refused."""
    unnamed = [i for i, name in enumerate(columns) if not name]
    used = [i for i in unnamed if any(cells[i] for _, cells in lines)]
    if len(used) > 1:
        places = ", ".join(str(i + 1) for i in used)
        raise InvalidInput(f"columns {places} of the header have no name and hold values: name them", file=path)
    keep = [i for i, name in enumerate(columns) if name or i in used]
    if len(keep) == len(columns):
        return columns, lines
    return [columns[i] for i in keep], [(start, [cells[i] for i in keep]) for start, cells in lines]

"""The one CSV writer: every CSV heritage prints or writes goes through `csv_text`.

Catalogue text is untrusted, and a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@`
(or a tab or carriage return, which some of them skip first, or the full-width `＝ ＋ － ＠`, which
Excel reads as their ASCII twins) as a formula: `=HYPERLINK(...)` in a site's name would leak
whatever the reader clicks on. Text cells that start so get a leading apostrophe, which
spreadsheets show as text (the OWASP advice for CSV injection). Numbers are written as numbers, so
a longitude of -3.5 stays a number a spreadsheet can add up: only text is neutralised, and a
number cannot hold a formula.

The apostrophe must come off again when heritage reads the file back (`plain`, which
`tables.read_table` applies to every CSV cell), and only the one the writer added. So text that
already starts with apostrophes before such a character (`'=x`) gets one more too: the writer
adds one to every text matching `'*[=+-@...]`, the reader takes one from every cell matching
`'+[=+-@...]`, and each undoes the other exactly.

Files carry a UTF-8 byte-order mark, the sign spreadsheets need to read Armenian, Arabic or
Azerbaijani names as UTF-8 rather than as the local code page; text printed to a terminal or a pipe
does not (a pipe's reader takes U+FEFF as part of the first column's name).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from heritage.atomic import replace_file

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BOM = "\ufeff"


def _formula_like(text: str) -> bool:
    """Starts, after any apostrophes, with a character a spreadsheet reads as a formula."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def inert(value: Any) -> str:
    """One cell: text that cannot run as a formula; a number as it is; nothing as empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""  # pandas gives NaN for an empty number
    if isinstance(value, str):
        return "'" + value if _formula_like(value) else value
    return str(value)


def plain(cell: str) -> str:
    """A cell as read back: the apostrophe `inert` put before a formula-like text taken off. A
    cell that `inert` would have left alone is returned as it is."""
    return cell[1:] if cell.startswith("'") and _formula_like(cell) else cell


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    """The table as CSV text: a header line, then a line a row, each ending in CRLF as RFC 4180 has
    it. With CRLF, csv quotes a cell holding a lone CR too; with LF alone it would not, and a CR
    in a cell would start a new row for some readers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([inert(name) for name in header])
    writer.writerows([inert(value) for value in row] for row in rows)
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> None:
    """The table as a CSV file, with the byte-order mark spreadsheets look for, written whole."""
    replace_file(path, (BOM + csv_text(header, rows)).encode("utf-8"))

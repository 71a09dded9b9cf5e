"""A plain table for long listings: columns sized once for all rows, long cells folded.

rich's Table measures and wraps every cell as a renderable of its own: 4,000 sites took 4 s to
draw, most of `heritage list`'s time. Listings need less: text cells, a header and a rule, and
no cell ever cut short. This lays the rows out with a few string operations a cell, and hands
rich one Text to print without wrapping it again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.text import Text

GAP = "  "
# Where a long cell may go on to the next line: after a space, a hyphen or a slash ("Shusha/",
# "the-irpin-", "Church, "), so that words and id parts stay whole where they fit.
_PIECES = re.compile(r"[^\s/-]+[/-]*\s*|[/-]+\s*|\s+")


def _fold(cell: str, width: int) -> list[str]:
    """A cell as lines of at most `width` cells, broken between words (or id parts) where it
    can be, inside a word only when the word alone is wider than the column."""
    if cell_len(cell) <= width:
        return [cell]
    lines: list[str] = []
    line = ""
    for piece in _PIECES.findall(cell):
        if cell_len((line + piece).rstrip()) <= width:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = piece.lstrip()
        while cell_len(line.rstrip()) > width:
            head = chop_cells(line, width)[0] or line[0]  # a character wider than the column
            lines.append(head)
            line = line[len(head) :]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]], fixed: set[int], width: int) -> list[int]:
    """Each column's width: its widest cell, then the widest text columns narrowed in turn until
    the table fits `width` (never below their header, nor below 8 cells); numbers keep theirs."""
    widths = [cell_len(header) for header in headers]
    for row in rows:
        for number, cell in enumerate(row):
            size = cell_len(cell)
            if size > widths[number]:
                widths[number] = size
    floor = [widths[n] if n in fixed else max(cell_len(headers[n]), 8) for n in range(len(headers))]
    excess = 1 + sum(widths) + len(GAP) * (len(widths) - 1) - width
    while excess > 0:
        candidates = [n for n in range(len(widths)) if widths[n] > floor[n]]
        if not candidates:
            break  # a terminal too narrow for any table: let it wrap the lines
        widest = max(candidates, key=lambda n: widths[n])
        step = min(excess, widths[widest] - floor[widest], max(1, widths[widest] // 4))
        widths[widest] -= step
        excess -= step
    return widths


def _lines(cells: Sequence[str], widths: list[int], right: set[int]) -> list[str]:
    """One row as lines of text: a cell wider than its column continues on the next line."""
    pieces = [_fold(cell, width) for cell, width in zip(cells, widths, strict=True)]
    lines = []
    for depth in range(max(len(piece) for piece in pieces)):
        parts = []
        for number, (piece, width) in enumerate(zip(pieces, widths, strict=True)):
            chunk = piece[depth] if depth < len(piece) else ""
            parts.append(" " * (width - cell_len(chunk)) + chunk if number in right else set_cell_size(chunk, width))
        lines.append(" " + GAP.join(parts).rstrip())
    return lines


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, right: set[int]) -> Text:
    """The title, the header in bold over a rule, then the rows. Cells are plain text (the
    caller makes catalogue text printable): nothing in them is read as markup."""
    widths = _widths(headers, rows, right, width)
    head = " " + GAP.join(
        " " * (w - cell_len(h)) + h if n in right else set_cell_size(h, w)
        for n, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    span = len(head)
    out = Text(title.center(span).rstrip() + "\n", style="italic")
    out.append(head.rstrip() + "\n", style="bold")
    out.append(" " + "─" * (span - 1) + "\n")
    out.append("\n".join(line for row in rows for line in _lines(row, widths, right)))
    return out

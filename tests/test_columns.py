"""The plain table `heritage list` draws: every cell whole, folded rather than cut, never markup."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from heritage.cli.columns import table

HEADERS = ["id", "condition", "rep.", "name"]
ROWS = [
    ["st-sargis", "destroyed", "12", "Սուրբ Սարգիս եկեղեցի, a long name that cannot fit in a narrow terminal"],
    ["[bold]x[/bold]", "intact", "3", "Ghazanchetsots"],
]


def _printed(width: int) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None)
    console.print(table("Test: 2 site(s)", HEADERS, ROWS, width, right={2}), soft_wrap=True)
    return out.getvalue()


def test_a_wide_terminal_gets_one_line_a_row() -> None:
    lines = _printed(200).splitlines()
    assert lines[0].strip() == "Test: 2 site(s)"
    assert lines[1].split() == HEADERS
    assert len(lines) == 3 + len(ROWS)
    assert "[bold]x[/bold]" in lines[4]  # catalogue text is never read as markup
    assert lines[3].index("12") + 2 == lines[4].index("3") + 1  # numbers line up on the right


def test_a_narrow_terminal_folds_cells_and_loses_nothing() -> None:
    text = _printed(50)
    lines = text.splitlines()
    assert all(len(line) <= 50 for line in lines)
    assert len(lines) > 3 + len(ROWS)
    # Read column by column, the folded name is all there, in order.
    name_at = lines[1].index("name")
    folded = "".join(line[name_at:].rstrip() for line in lines[3:] if not line[1:].startswith("[bold]"))
    assert folded.replace(" ", "") == ROWS[0][3].replace(" ", "")


def test_long_cells_break_between_words_and_id_parts() -> None:
    from heritage.cli.columns import _fold

    assert _fold("Kanach Zham (St John the Baptist Church), Shusha/Shushi", 30) == [
        "Kanach Zham (St John the",
        "Baptist Church), Shusha/Shushi",
    ]
    assert _fold("the-irpin-bible-seminary", 20) == ["the-irpin-bible-", "seminary"]
    assert _fold("abcdefghijklmnopqrstuvwxyz", 10) == ["abcdefghij", "klmnopqrst", "uvwxyz"]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))), st.integers(1, 40))
def test_folding_keeps_every_letter_and_every_line_fits(cell: str, width: int) -> None:
    from rich.cells import cell_len

    from heritage.cli.columns import _fold

    lines = _fold(cell, width)
    assert "".join("".join(lines).split()) == "".join(cell.split())
    assert all(cell_len(line) <= width or len(line) == 1 for line in lines)

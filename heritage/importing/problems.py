"""What went wrong with rows, grouped so a person can act on it: one line per field and bad
value, with how many rows, the first of them, and the fix.

The checks that fail most (a value not in our vocabulary, an unknown source or site, a field no
column gives) are made while a row is mapped, so they carry their own fix; what pydantic finds
after that comes through `heritage.store.validation_messages`, in plain sentences.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from heritage.errors import ImportFailed, Problem
from heritage.importing.fields import OPEN
from heritage.models.labels import LABELS
from heritage.models.vocab import from_scheme

FIRST_LINES = 5  # rows named per group; the count says how many more


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row."""

    field: str | None
    message: str
    value: str | None = None  # the bad value, quoted in full when shown
    fix: str | None = None


class RowError(ValueError):
    """Raised while a row is mapped; carries its problems."""

    def __init__(self, *problems: RowProblem) -> None:
        self.problems = list(problems)
        super().__init__(problems[0].message)


@dataclass
class ProblemGroup:
    field: str | None
    value: str | None
    message: str
    fix: str | None
    count: int = 0
    labels: list[str] = dataclasses.field(default_factory=list)  # the first rows, "line 7"

    def describe(self, unit: str = "row(s)") -> str:
        """One line: field, bad value, count and first rows (or other `unit`s), what is wrong."""
        head = " ".join(
            p for p in (self.field and f"field {self.field}", self.value is not None and repr(self.value)) if p
        )
        rows = ", ".join(self.labels) + (", ..." if self.count > len(self.labels) else "")
        return f"{head + ': ' if head else ''}{self.message} ({self.count} {unit}: {rows})"


def group(problems: Iterable[tuple[str, RowProblem]]) -> list[ProblemGroup]:
    """(row label, problem) pairs grouped by field, value and message, in order of first sight."""
    groups: dict[tuple[str | None, str | None, str], ProblemGroup] = {}
    for label, problem in problems:
        key = (problem.field, problem.value, problem.message)
        found = groups.get(key)
        if found is None:
            found = groups[key] = ProblemGroup(problem.field, problem.value, problem.message, problem.fix)
        found.count += 1
        if len(found.labels) < FIRST_LINES and label not in found.labels:
            found.labels.append(label)
    return list(groups.values())


# What a terminal would obey or hide: C0 and C1 controls, DEL, bidirectional overrides.
_UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(char: str) -> str:
    code = ord(char)
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    # \xHH is a byte in bash's $'...': only ASCII ones are the character itself.
    return named.get(char) or (f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}")


def shell_quoted(text: str) -> str:
    """Text as one bash word, so that the fix can be pasted as it is: in single quotes, or, when
    it holds a character a terminal would obey or hide (an escape sequence, a line break), in
    bash's $'...' with that character written as an escape, which bash turns back into it."""
    if not _UNSEEN.search(text):
        return "'" + text.replace("'", "'\\''") + "'"
    body = text.replace("\\", "\\\\").replace("'", "\\'")
    return "$'" + _UNSEEN.sub(lambda m: _escaped(m.group()), body) + "'"


def shell_word(text: str) -> str:
    """An id as it may be pasted: as it is when it is a plain one, quoted otherwise."""
    return text if re.fullmatch(r"[\w.:@%+/-]+", text, re.ASCII) else shell_quoted(text)


def closest(value: str, ours: list[str]) -> tuple[str, str] | None:
    """Our value to suggest for theirs, and why: one of ours named in their words (the last
    named, as in "Religious ritual and funerary > Chapel"), else one close in spelling, else none
    (a guess from a distant spelling, "Wreck" -> monastery, would mislead more than help)."""
    text = " " + " ".join(re.findall(r"[^\W_]+", value.casefold())) + " "
    named = [(text.rfind(f" {o.replace('_', ' ')} "), o) for o in ours]
    found = max((at, o) for at, o in named if at >= 0) if any(at >= 0 for at, _ in named) else None
    if found:
        return found[1], "named in their value"
    matches = difflib.get_close_matches(value.casefold().strip().replace(" ", "_"), ours, n=1, cutoff=0.75)
    return (matches[0], "close in spelling: check the meaning") if matches else None


def scheme_term(value: str) -> tuple[str, str, str | None] | None:
    """(scheme, our condition, certainty) for a term of EAMENA's or UNOSAT's damage scale:
    suggested by meaning, never by spelling ("Possible Damage" is no severity at all)."""
    for scheme in ("unosat", "eamena"):
        try:
            condition, certainty = from_scheme(scheme, value)
        except KeyError:
            continue
        return scheme.upper(), condition.value, certainty.value if certainty else None
    return None


def suggestion(target: str, value: str, ours: list[str]) -> tuple[str, str] | None:
    """Our value to suggest for theirs, and why: a damage scheme's term by its meaning, one of
    ours that their value names, one close in spelling; never a party or a grade by spelling."""
    term = scheme_term(value) if target == "condition" else None
    if term is not None:
        scheme, condition, certainty = term
        return condition, f"{scheme}'s term" + (f", with certainty {certainty}" if certainty else "")
    if target in ("credibility", "reliability") or target.split(".")[-1] == "party":
        return None
    return closest(value, ours)


def unknown_value(target: str, value: str, ours: list[str]) -> RowProblem:
    term = scheme_term(value) if target == "condition" else None
    if term is not None:
        scheme, condition, certainty = term
        fix = f"add --map {target}:{shell_quoted(value)}={condition} ({scheme}'s term"
        if certainty:
            fix += f", which says how sure, not how bad: give certainty {certainty}"
            fix += f" with a certainty column or --fixed certainty={certainty}"
        fix += ")"
        return RowProblem(target, f"not one of our {target} values", value, fix)
    if target in ("credibility", "reliability"):  # Admiralty grades: suggested by their words only
        grades = {LABELS[grade].casefold(): grade for grade in ours}
        grade = grades.get(value.strip().casefold(), "GRADE")
        scale = ", ".join(f"{g} {LABELS[g]}" for g in ours)
        return RowProblem(
            target,
            f"not one of our {target} values",
            value,
            f"add --map {target}:{shell_quoted(value)}={grade} (ours: {scale})",
        )
    if target.split(".")[-1] == "party":
        # A claim or a source is never put on a side because two names are spelt alike.
        fix = f"add --map {target}:{shell_quoted(value)}=PARTY (ours: {', '.join(ours)})"
        return RowProblem(
            target, f"not one of our {target} values", value, fix + ", or declare the party in catalogue.json"
        )
    hint = closest(value, ours)
    fix = f"add --map {target}:{shell_quoted(value)}={hint[0] if hint else 'OURS'}"
    fix += f" ({hint[1] + '; ' if hint else ''}ours: {', '.join(ours)})"
    if target in OPEN:
        fix += f", or extend the catalogue's vocabulary with `heritage vocab add {OPEN[target]} NAME --label ...`"
    return RowProblem(target, f"not one of our {target} values", value, fix)


def missing(target: str, columns: str) -> RowProblem:
    fix = f"map a column to it with --column {target}=COLUMN, or give every row one value with --fixed {target}=VALUE"
    return RowProblem(target, f"is required and no column gives it ({columns})", None, fix)


def empty(target: str, columns: list[str]) -> RowProblem:
    named = ", ".join(repr(c) for c in columns)
    fix = f"fill it in, or give every row that has none one value with --fixed {target}=VALUE"
    if target == "name:LANG":  # no one name for every site
        fix = "fill it in, or map another name column (another language) with --column name:LANG=COLUMN"
    return RowProblem(target, f"is required and empty in this row (column {named})", None, fix)


def unknown_source(target: str, source: str) -> RowProblem:
    fix = (
        "import the sources first with `heritage import sources FILE`, "
        f"or add it with `heritage source add --id {shell_word(source)} ...`"
    )
    return RowProblem(target, "unknown source", source, fix)


def unknown_site(target: str, site: str) -> RowProblem:
    fix = "import the sites first with `heritage import sites FILE`, or check the column that gives the site id"
    return RowProblem(target, "unknown site", site, fix)


def outside_region(message: str) -> RowProblem:
    # The pipeline replaces the fix with the one command that takes in every site it warns of.
    fix = "kept all the same; set the region with `heritage catalogue set region W S E N`, or import with --grow-region"
    return RowProblem("geometry", message, None, fix)


def slipped_coordinates(message: str) -> RowProblem:
    fix = (
        "check the columns (a plain pair is lat, lon; WKT is lon lat); if the coordinates are right, "
        "import with --grow-region"
    )
    return RowProblem("geometry", message, None, fix)


def area_outside_region(message: str) -> RowProblem:
    fix = (
        "import with --grow-region to take it in, or set the region first with `heritage catalogue set region W S E N`"
    )
    return RowProblem("area", message, None, fix)


class RowsRefused(ImportFailed):
    """Rows failed: nothing was written. Carries the groups as well as each row's problems."""

    def __init__(self, groups: list[ProblemGroup], *, rows: int, file: str | Path) -> None:
        self.groups = groups
        flat = [Problem("invalid-row", g.message, None, label, g.field) for g in groups for label in g.labels]
        super().__init__(flat, rows=rows, file=file)

"""Shared field types: ids, language tags, links and dates that may be partial or windows."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field, GetCoreSchemaHandler, StringConstraints, WithJsonSchema
from pydantic_core import core_schema

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,127}$"
# Lowercase only, so that ids stay distinct on case-insensitive file systems; no dots or slashes,
# so that an id is always a safe file name.
RecordId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]

# BCP 47 in the shape the field uses: language, optional script, region or variants (hy, hy-Latn,
# az-Cyrl, en-GB, ru-petr1708). Checked for shape, not against the IANA registry.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?(-[a-z0-9]{5,8})*$")


def _check_language(value: str) -> str:
    if not LANGUAGE_TAG.match(value):
        raise ValueError(f"{value!r} is not a BCP 47 language tag such as 'hy', 'az-Latn' or 'en'")
    return value


# The published JSON Schemas (heritage.schemas) carry the rule as a pattern: the regex is ECMA 262 as it stands.
LanguageTag = Annotated[
    str, AfterValidator(_check_language), WithJsonSchema({"type": "string", "pattern": LANGUAGE_TAG.pattern})
]

# Control characters (terminal escapes, NUL) and explicit bidirectional overrides ("Trojan
# source") have no place in catalogue text: they can rewrite a terminal or disguise a name.
# Right-to-left scripts need neither. Tabs and line breaks are allowed where text may run long.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\n\r\t\u2028\u2029]")


def check_text(value: str) -> str:
    """Text any catalogue field may hold: no control characters or bidirectional overrides."""
    if match := _FORBIDDEN.search(value):
        raise ValueError(f"contains the control character U+{ord(match.group()):04X}")
    return value


def _check_line(value: str) -> str:
    check_text(value)
    if _LINE_BREAKS.search(value):
        raise ValueError("must be one line (no line breaks or tabs)")
    return value


def clean_line(value: str) -> str:
    """Text made fit for a `Line` rather than refused: for text no person typed, such as a camera's
    EXIF fields, which pad with NULs and may carry anything. Control characters, bidirectional
    overrides and line breaks become spaces; runs of spaces become one."""
    return " ".join(_LINE_BREAKS.sub(" ", _FORBIDDEN.sub(" ", value)).split())


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(check_text)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_check_line)]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), AfterValidator(check_text)
]


def _check_link(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError(f"{value!r} is not an http(s) address")
    return value


# In the published schemas as a pattern too; JSON Schema patterns have no flags, so the case is spelt out.
Link = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_check_link),
    WithJsonSchema({"type": "string", "pattern": "^\\s*[hH][tT][tT][pP][sS]?://[^\\s/$.?#]\\S*\\s*$"}),
]

# Strict: a JSON `true` or "3" must not become a grade.
Credibility = Annotated[int, Field(ge=1, le=6, strict=True)]

# EDTF level 1 dates (ISO 8601-2): a year, month or day, digits on the right may be X (unknown),
# and the whole may end in ? (uncertain), ~ (approximate) or % (both).
# [0-9], not \d: \d takes any script's digits (Arabic-Indic, full-width), which int() reads but no
# other reader of the files would.
_EDTF = re.compile(r"^([0-9]{4}|[0-9]{3}X|[0-9]{2}XX)(?:-([0-9]{2}|XX)(?:-([0-9]{2}|XX))?)?([?~%]?)$")
ACCEPTED_DATES = (
    "a day (2021-05-03), a month (2021-05) or a year (2021); X for digits not known (2021-05-XX, "
    "2021-XX-XX, 202X); any of them followed by ~ (approximate), ? (uncertain) or % (both); or a "
    "window of two of them (2021-05~/2021-08), open at one end with .. (2021-05-03/.., ../2021)"
)


def _refused(part: str) -> ValueError:
    return ValueError(f"{part!r} is not a date heritage reads; write {ACCEPTED_DATES}")


def _bounds(part: str) -> tuple[date, date]:
    """The first and last day covered by one EDTF date: '2021', '2021-05', '2021-05-03', with X
    for unknown digits on the right and a trailing qualifier, which does not move the bounds."""
    m = _EDTF.match(part)
    if not m:
        raise _refused(part)
    year_text, month_text, day_text = m[1], m[2], m[3]
    unknown_year = "X" in year_text
    # Unknown digits run from the right: a known month under an unknown year, or a known day in
    # an unknown month, is EDTF level 2, which heritage does not read.
    if (unknown_year and month_text) or (month_text == "XX" and day_text not in (None, "XX")):
        raise _refused(part)
    if month_text and month_text != "XX" and 21 <= int(month_text) <= 41:
        raise ValueError(f"{part!r} is an EDTF season, which heritage does not read: give the months (2021-03/2021-05)")
    try:
        if unknown_year:
            return date(int(year_text.replace("X", "0")), 1, 1), date(int(year_text.replace("X", "9")), 12, 31)
        year = int(year_text)
        if month_text in (None, "XX"):
            return date(year, 1, 1), date(year, 12, 31)
        month = int(month_text)
        last = date(year, month, calendar.monthrange(year, month)[1])
        if day_text in (None, "XX"):
            return date(year, month, 1), last
        day = date(year, month, int(day_text))
        return day, day
    except ValueError as exc:
        raise ValueError(f"{part!r} is not a real date ({exc})") from None


@dataclass(frozen=True, order=False)
class When:
    """A date as sources give it: a day, a month, a year, or a window between two of them.

    Written as in EDTF level 1 (ISO 8601-2): `2021-05-03`, `2021-05`, `2021`, `2021-05-XX` and
    `202X` (digits not known), `2021~` (approximate), `2021?` (uncertain), `2021%` (both),
    `2023-12/2024-04-04` (between two satellite images), `../2004-11-12` (on or before),
    `2020-11-10/..` (on or after). `text` is kept as written: it is what the source said.
    `start` and `end` are the first and last possible day, None where the window is open; a
    qualifier does not move them (see `approximate` and `uncertain`).
    """

    text: str
    start: date | None
    end: date | None

    @classmethod
    def parse(cls, text: str) -> When:
        text = text.strip()
        if "/" in text:
            left, _, right = text.partition("/")
            if left == ".." and right == "..":
                raise ValueError("a window needs at least one end")
            if not left or not right or "/" in right:
                raise _refused(text)
            start = None if left == ".." else _bounds(left)[0]
            end = None if right == ".." else _bounds(right)[1]
            if start and end and end < start:
                raise ValueError(f"window {text!r} ends before it starts")
        else:
            start, end = _bounds(text)
        return cls(text, start, end)

    def until(self, last: date) -> When:
        """This window with its open end closed on `last` (the text unchanged)."""
        return When(self.text, self.start, last)

    @property
    def approximate(self) -> bool:
        """Some date in it is marked approximate (~) or both (%): the source gave it as "about"."""
        return "~" in self.text or "%" in self.text

    @property
    def uncertain(self) -> bool:
        """Some date in it is marked uncertain (?) or both (%): the source was not sure of it."""
        return "?" in self.text or "%" in self.text

    @property
    def open_end(self) -> bool:
        """Written open at its end (`2021-05-03/..`), whatever last day a report gave it."""
        return self.text.endswith("/..")

    def holds(self, day: date) -> bool:
        """Whether `day` is one of the days this date may be."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def is_window(self) -> bool:
        return self.start != self.end

    def __str__(self) -> str:
        return self.text

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> When:
            if isinstance(value, When):
                return value
            if isinstance(value, date):
                return cls.parse(value.isoformat())
            if not isinstance(value, str):
                raise ValueError("expected a date text such as 2021-05-03 or 2023-12/2024-04-04")
            return cls.parse(value)

        # The published schemas say "a string" only: the EDTF forms are in docs/format.md.
        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(),
        )

"""Shared field types: ids, language tags, links and dates that may be partial or windows."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, Field, GetCoreSchemaHandler, StringConstraints
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


LanguageTag = Annotated[str, AfterValidator(_check_language)]

# Control characters (terminal escapes, NUL) and explicit bidirectional overrides ("Trojan
# source") have no place in catalogue text: they can rewrite a terminal or disguise a name.
# Right-to-left scripts need neither. Tabs and line breaks are allowed where text may run long.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\n\r\t\u2028\u2029]")


def _check_text(value: str) -> str:
    if match := _FORBIDDEN.search(value):
        raise ValueError(f"contains the control character U+{ord(match.group()):04X}")
    return value


def _check_line(value: str) -> str:
    _check_text(value)
    if _LINE_BREAKS.search(value):
        raise ValueError("must be one line (no line breaks or tabs)")
    return value


def clean_line(value: str) -> str:
    """Text made fit for a `Line` rather than refused: for text no person typed, such as a camera's
    EXIF fields, which pad with NULs and may carry anything. Control characters, bidirectional
    overrides and line breaks become spaces; runs of spaces become one."""
    return " ".join(_LINE_BREAKS.sub(" ", _FORBIDDEN.sub(" ", value)).split())


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_check_text)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_check_line)]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), AfterValidator(_check_text)
]


def _check_link(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError(f"{value!r} is not an http(s) address")
    return value


Link = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_link)]

# Strict: a JSON `true` or "3" must not become a grade.
Credibility = Annotated[int, Field(ge=1, le=6, strict=True)]

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _bounds(part: str) -> tuple[date, date]:
    """The first and last day covered by '2021', '2021-05' or '2021-05-03'."""
    try:
        if m := _DAY.match(part):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _MONTH.match(part):
            year, month = int(m[1]), int(m[2])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if m := _YEAR.match(part):
            year = int(m[1])
            return date(year, 1, 1), date(year, 12, 31)
    except ValueError as exc:
        raise ValueError(f"{part!r} is not a real date ({exc})") from None
    raise ValueError(f"{part!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")


@dataclass(frozen=True, order=False)
class When:
    """A date as sources give it: a day, a month, a year, or a window between two of them.

    Written as in ISO 8601-2 / EDTF: `2021-05-03`, `2021-05`, `2021`, `2023-12/2024-04-04`
    (between two satellite images), `../2004-11-12` (on or before), `2020-11-10/..` (on or after).
    `start` and `end` are the first and last possible day; None where the window is open.
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
            start = None if left == ".." else _bounds(left)[0]
            end = None if right == ".." else _bounds(right)[1]
            if start and end and end < start:
                raise ValueError(f"window {text!r} ends before it starts")
        else:
            start, end = _bounds(text)
        return cls(text, start, end)

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

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(),
        )

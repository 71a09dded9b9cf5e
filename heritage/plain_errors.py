"""pydantic's validation errors in plain English, for people who never read pydantic's docs.

Messages are chosen by the error's `type` (stable across pydantic releases), never by matching its
English text, and each says what was wrong with the value given and what is accepted instead. The
catalogue's own validators raise ValueErrors already worded for people: only their "Value error, "
prefix is removed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from heritage.models.types import ID_PATTERN

ID_RULE = "use lowercase letters, digits, '-' and '_', starting with a letter or digit (at most 128)"


def field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("Point", "Polygon") or str(item).startswith("function-"):
            continue  # pydantic's union branch names: noise to a reader
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)  # empty: the record as a whole


def shown(value: Any, limit: int = 80) -> str:
    """A value as a person would type it: strings quoted, long ones cut with the length said."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + f"... ({len(value)} characters)"
        return repr(text)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return repr(value)


def _limit(ctx: dict[str, Any], key: str) -> Any:
    return ctx.get(key, "?")


def _singular(field: str) -> str:
    """'sources' -> 'source', for "needs at least one source"."""
    last = field.rsplit(".", 1)[-1].split("[", 1)[0]
    if last.endswith("ies"):
        return last[:-3] + "y"
    if last.endswith("s") and not last.endswith("ss"):
        return last[:-1]
    return last or "item"


def _too_short(item: ErrorDetails, field: str) -> str:
    ctx, value = item.get("ctx", {}), item["input"]
    least = _limit(ctx, "min_length")
    if isinstance(value, (list, tuple, dict)):
        one = "one" if least == 1 else str(least)
        return f"needs at least {one} {_singular(field)}" + ("" if least == 1 else "s")
    if isinstance(value, str) and not value.strip():
        return "is empty; give some text or leave the field out"
    return f"is too short: at least {least} characters"


def _too_long(item: ErrorDetails, field: str) -> str:
    ctx, value = item.get("ctx", {}), item["input"]
    most = _limit(ctx, "max_length")
    if isinstance(value, (list, tuple, dict)):
        return f"has {len(value)} items; at most {most} are allowed"
    length = len(value) if isinstance(value, str) else "?"
    return f"is {length} characters long; at most {most} characters are allowed"


def _pattern(item: ErrorDetails, field: str) -> str:
    pattern = str(item.get("ctx", {}).get("pattern", ""))
    if pattern == ID_PATTERN:
        return f"{shown(item['input'])} is not a valid id: {ID_RULE}"
    if "[0-9a-f]{64}" in pattern:
        return f"{shown(item['input'])} is not a SHA-256 (64 lowercase hexadecimal digits)"
    return f"{shown(item['input'])} is not in the expected form"


def _enum(item: ErrorDetails, field: str) -> str:
    expected = str(item.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", ", ")
    return f"{shown(item['input'])} is not one of: {expected}"


def _literal(item: ErrorDetails, field: str) -> str:
    expected = str(item.get("ctx", {}).get("expected", "")).replace(" or ", ", ")
    return f"{shown(item['input'])} is not allowed here; expected: {expected}"


def _tag(item: ErrorDetails) -> str:
    ctx = item.get("ctx", {})
    expected = str(ctx.get("expected_tags", "")).replace("'", "")
    return f"type {shown(ctx.get('tag'))} is not allowed here; expected: {expected}"


def _value_error(item: ErrorDetails, field: str) -> str:
    return str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _compare(word: str, key: str) -> Callable[[ErrorDetails, str], str]:
    return lambda item, field: f"{shown(item['input'])} must be {word} {_limit(item.get('ctx', {}), key)}"


_KINDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "date_type": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time with its time zone",
}

_MESSAGES: dict[str, Callable[[ErrorDetails, str], str]] = {
    "missing": lambda item, field: "is required",
    "too_short": _too_short,
    "too_long": _too_long,
    "string_too_short": _too_short,
    "string_too_long": _too_long,
    "string_pattern_mismatch": _pattern,
    "enum": _enum,
    "literal_error": _literal,
    "value_error": _value_error,
    "assertion_error": _value_error,
    "float_parsing": lambda item, field: f"{shown(item['input'])} is not a number",
    "int_parsing": lambda item, field: f"{shown(item['input'])} is not a whole number",
    "int_from_float": lambda item, field: f"{shown(item['input'])} is not a whole number",
    "bool_parsing": lambda item, field: f"{shown(item['input'])} is not true or false",
    "finite_number": lambda item, field: f"{shown(item['input'])} is not a finite number",
    "greater_than": _compare("greater than", "gt"),
    "greater_than_equal": _compare("at least", "ge"),
    "less_than": _compare("less than", "lt"),
    "less_than_equal": _compare("at most", "le"),
    "date_from_datetime_parsing": lambda item, field: f"{shown(item['input'])} is not a date (YYYY-MM-DD)",
    "date_parsing": lambda item, field: f"{shown(item['input'])} is not a date (YYYY-MM-DD)",
    "datetime_parsing": lambda item, field: f"{shown(item['input'])} is not a date and time (2021-05-03T10:00:00Z)",
    "datetime_from_date_parsing": lambda item, field: f"{shown(item['input'])} is not a date and time",
    "timezone_aware": lambda item, field: "needs a time zone (e.g. 2021-05-03T10:00:00+04:00)",
    "url_parsing": lambda item, field: f"{shown(item['input'])} is not a web address",
    "url_scheme": lambda item, field: f"{shown(item['input'])} must start with http:// or https://",
    "union_tag_invalid": lambda item, field: _tag(item),
    "union_tag_not_found": lambda item, field: "needs a 'type'",
}


def _extra(item: ErrorDetails, field: str, known: Iterable[str]) -> str:
    name = str(item["loc"][-1]) if item["loc"] else "?"
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown field '{name}'{hint}"


def _wrong_kind(item: ErrorDetails) -> str | None:
    kind = _KINDS.get(item["type"])
    return None if kind is None else f"{shown(item['input'])} is not {kind}"


def _known_fields(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """The field names a nested model accepts where an unknown key was found, for did-you-mean."""
    current: Any = model
    for part in loc[:-1]:
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            break
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [*current.model_fields, *(f.alias for f in current.model_fields.values() if f.alias)]
    return []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if found := _model_in(arg):
            return found
    return None


def plain_message(item: ErrorDetails, model: type[BaseModel] | None = None) -> str:
    """One pydantic error, said in English; the field is named by the caller."""
    field = field_path(tuple(item["loc"]))
    kind = item["type"]
    if kind == "extra_forbidden":
        return _extra(item, field, _known_fields(model, tuple(item["loc"])))
    if (translate := _MESSAGES.get(kind)) is not None:
        return translate(item, field)
    if (wrong := _wrong_kind(item)) is not None:
        return wrong
    # Something not foreseen: still a sentence about the value, never pydantic's own wording.
    return f"{shown(item['input'])} is not accepted here ({kind.replace('_', ' ')})"


def plain_messages(error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) for each problem in a ValidationError, in plain English."""
    model = _model_named(error.title)
    return [(field_path(tuple(item["loc"])), plain_message(item, model)) for item in error.errors(include_url=False)]


def _model_named(title: str) -> type[BaseModel] | None:
    from heritage import models

    found = getattr(models, title, None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None

"""The JSON Canonicalization Scheme (JCS, RFC 8785): the one serialization of a JSON value that
any careful implementation gives, byte for byte, so that a record's seal can be checked with tools
that are not ours (see docs/format.md, "Record seals").

RFC 8785 in four rules, each applied here by hand:

- no whitespace at all between tokens;
- object members sorted by their keys compared as arrays of UTF-16 code units (not code points:
  a key holding a character outside the Basic Multilingual Plane sorts by its surrogates);
- strings escaped minimally: `"` and `\\`, and U+0000-U+001F (`\\b \\t \\n \\f \\r` for those that
  have a short form, `\\u00xx` in lowercase hex for the rest); everything else as itself, UTF-8;
- numbers as ECMAScript's Number.prototype.toString writes an IEEE 754 double: the shortest
  digits that read back as the same double, plain notation from 1e-6 up to below 1e21 and an
  exponent otherwise (`300.0` is `300`, `1e-7` is `1e-7`, `-0.0` is `0`).

JCS knows only doubles. An integer is written as the double it equals, and only integers a double
holds exactly and unambiguously are accepted: magnitude at most 2^53 - 1, as the `rfc8785`
package (the independent check in the tests) also requires. No heritage record holds a larger
one (sizes in bytes, years, counts); one that did would have its seal refused rather than a
rounded number silently sealed. NaN, the infinities and text that is not Unicode (a lone
surrogate) are refused too: `CanonicalizationError`.
"""

from __future__ import annotations

import json
from typing import Any

SAFE_INTEGER = 2**53 - 1  # ECMAScript's Number.MAX_SAFE_INTEGER

# Python's JSON string encoder escapes exactly what RFC 8785 section 3.2.2.2 escapes, and in the
# same way (`\b \t \n \f \r`, other controls as lowercase `\u00xx`, nothing above U+001F): the
# C function, where Python has it, as `json.dumps(ensure_ascii=False)` uses. The tests hold it to
# the rfc8785 package on hostile text.
_quoted = json.encoder.encode_basestring


class CanonicalizationError(ValueError):
    """A value JCS cannot represent: NaN, an infinity, an integer beyond 2^53 - 1, a lone
    surrogate, or something that is not a JSON value at all."""


def canonical(value: Any) -> bytes:
    """The RFC 8785 serialization of a parsed JSON value, as UTF-8 bytes (no final newline)."""
    out: list[str] = []
    try:
        _write(value, out)
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalizationError("a string holds a lone UTF-16 surrogate: it is not Unicode text") from None
    except TypeError:  # a key that is not a string (keys of mixed types do not even sort)
        raise CanonicalizationError("an object key that is not a string") from None
    except RecursionError:
        raise CanonicalizationError("arrays or objects nested too deeply") from None


def utf16_order(key: str) -> bytes:
    """The sort key of RFC 8785 section 3.2.3: big-endian UTF-16 bytes compare as the code units do."""
    return key.encode("utf-16-be", "surrogatepass")


def _write(value: Any, out: list[str]) -> None:
    # Written for speed as well as clarity: every record written is sealed through here. Text and
    # arrays of numbers (coordinates), most of a record, are written without a call of their own.
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        keys = sorted(value)  # by code point: the order by UTF-16 unit too while every key is ASCII
        if not all(map(str.isascii, keys)):
            keys.sort(key=utf16_order)
        opening = "{"
        for key in keys:
            item = value[key]
            if type(item) is str:
                out.append(opening + _quoted(key) + ":" + _quoted(item))
            else:
                out.append(opening + _quoted(key) + ":")
                _write(item, out)
            opening = ","
        out.append("}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
        elif all(type(item) is float for item in value):
            out.append("[" + ",".join(map(number, value)) + "]")
        else:
            opening = "["
            for item in value:
                out.append(opening)
                opening = ","
                _write(item, out)
            out.append("]")
    else:
        out.append(_scalar(value, kind))


def _scalar(value: Any, kind: type) -> str:
    if kind is str:
        return _quoted(value)
    if kind is float:
        return number(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        if -SAFE_INTEGER <= value <= SAFE_INTEGER:
            return int.__repr__(value)  # the double's digits: below 2^53, no exponent form
        raise CanonicalizationError(f"the integer {value} is beyond 2^53 - 1, which JCS cannot hold exactly")
    raise CanonicalizationError(f"{kind.__name__} is not a JSON value")


def number(value: float) -> str:
    """A double as ECMAScript's Number.prototype.toString writes it (ECMA-262, Number::toString):
    with the shortest digits d1...dk that read back as the value, and n such that the value is
    0.d1...dk x 10^n, plain notation while -6 < n <= 21, else d1.d2...dk followed by e, the sign
    and n - 1. Python's repr gives the same shortest digits (both round-trip, ties alike)."""
    if value != value or value in (_INFINITY, -_INFINITY):
        raise CanonicalizationError(f"{value!r} is not a JSON number")
    if value == 0:
        return "0"  # and -0.0 too
    written = float.__repr__(value)
    if "e" not in written:  # 1e-4 <= |value| < 1e16, nearly every number of a record: as repr, less `.0`
        return written[:-2] if written.endswith(".0") else written
    if value < 0:
        return "-" + number(-value)
    mantissa, _, exponent = written.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # repr's form is either w.f (with n = len(w) when w is not 0) or d.fe+x; both as 0.digits x 10^n
    n = len(whole) + int(exponent or 0) if whole != "0" else -(len(fraction) - len(fraction.lstrip("0")))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    point = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{point}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


_INFINITY = float("inf")

"""heritage.jcs against the rfc8785 package, an RFC 8785 implementation that is not ours."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from heritage import layout
from heritage.jcs import SAFE_INTEGER, CanonicalizationError, canonical, number

SAMPLE = sorted(layout.record_files(REPO))

# Text as hostile as JSON allows: controls, quotes, backslashes, U+007F, U+2028, astral characters
# (whose UTF-16 surrogates sort below U+E000-U+FFFF, where code point order puts them above).
text = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(['"', "\\", "/", "\x00", "\x1f", "\x7f", "\u2028", "\ufb01", "\uffff", "\U0001f600"]),
    ),
    max_size=12,
)
numbers = st.one_of(
    st.integers(-SAFE_INTEGER, SAFE_INTEGER),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 300.0, 1e-7, 1e-6, 1e21, 1e20, 5e-324, 1.7976931348623157e308, 0.1, 46.9297222]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, text)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(text, children, max_size=5)),
    max_leaves=30,
)


@given(values)
@settings(max_examples=400, deadline=None)
def test_any_json_value_canonicalizes_as_rfc8785_does(value: Any) -> None:
    assert canonical(value) == rfc8785.dumps(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=2000, deadline=None)
def test_any_double_is_written_as_ecmascript_writes_it(value: float) -> None:
    assert number(value).encode() == rfc8785.dumps(value)


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_every_sample_record_canonicalizes_as_rfc8785_does(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert canonical(document) == rfc8785.dumps(document)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (300.0, "300"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (1.5e16, "15000000000000000"),
        (1e21, "1e+21"),
        (-0.0, "0"),
        (46.9297222, "46.9297222"),
        (2**53 - 1, "9007199254740991"),
        ({"b": [], "a": {}, "": None}, '{"":null,"a":{},"b":[]}'),
        # By UTF-16 code unit, U+1F600 (D83D DE00) sorts before U+FFFF; by code point, after.
        ({"\uffff": 1, "\U0001f600": 2}, '{"\U0001f600":2,"\uffff":1}'),
        ("\x08\t\n\x0c\r\x00\x1f\x7f\u2028/", '"\\b\\t\\n\\f\\r\\u0000\\u001f\x7f\u2028/"'),
    ],
)
def test_what_rfc8785_specifies(value: Any, written: str) -> None:
    assert canonical(value) == written.encode("utf-8") == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [2**53, -(2**53), float("nan"), float("inf"), "\ud800", {"k": b"bytes"}, {1: 2}])
def test_what_jcs_cannot_hold_is_refused(value: Any) -> None:
    with pytest.raises(CanonicalizationError):
        canonical(value)

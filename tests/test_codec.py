"""One serializer: canonical bytes, and byte-identical round-trips for every record type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from conftest import REPO, allegation_doc, report_doc, site_doc, source_doc
from heritage import layout
from heritage.codec import decode, dumps, encode, to_document
from heritage.models import Allegation, CatalogueInfo, ConditionReport, Site, Source

CASES: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (Site, site_doc(description="Line one\nline two", external_ids={"wikidata": "Q1"})),
    (Source, source_doc(published="2021-05", language="hy")),
    (ConditionReport, report_doc(observed="2023-12/2024-04-04", damage_effects=["collapse"])),
    (Allegation, allegation_doc(quote="a short phrase", legal_references=["1954 Hague Convention art. 4"])),
    (CatalogueInfo, {"name": "NK", "region": [45.0, 38.5, 48.0, 41.0], "parties": [{"id": "a", "name": "A"}]}),
]


@pytest.mark.parametrize(("model", "document"), CASES, ids=[c[0].__name__ for c in CASES])
def test_round_trip_is_byte_identical(model: type[BaseModel], document: dict[str, Any]) -> None:
    first = encode(decode(model, json.dumps(document).encode()))
    again = encode(decode(model, first))
    assert first == again
    assert first.endswith(b"\n") and first.decode("utf-8")


def test_canonical_form_sorts_keys_and_keeps_unicode() -> None:
    site = decode(Site, json.dumps(site_doc()).encode())
    text = encode(site).decode("utf-8")
    assert "Սուրբ Սարգիս" in text  # not \u escapes
    parsed = json.loads(text)
    assert list(parsed) == sorted(parsed) == ["geometry", "id", "properties", "type"]
    assert parsed["type"] == "Feature" and parsed["geometry"]["type"] == "Point"
    assert "\n  " in text and not text.startswith("{ ")


def test_every_file_of_the_sample_is_canonical() -> None:
    """The sample was written by the tool; reading and writing any file again changes no byte."""
    files = [
        (layout.site_files, Site),
        (layout.source_files, Source),
        (layout.report_files, ConditionReport),
        (layout.allegation_files, Allegation),
    ]
    checked = 0
    for listing, model in files:
        for path in listing(REPO):
            assert encode(decode(model, path.read_bytes())) == path.read_bytes(), path
            checked += 1
    assert checked == 34 + 66 + 24 + 50


# Any letter of any script; not control characters or bidi overrides, which the models refuse.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
names = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=BIDI_CONTROLS), min_size=1
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=150, deadline=None)
@given(
    name=names,
    hy=st.text(st.characters(min_codepoint=0x0531, max_codepoint=0x058A), min_size=1),
    lon=st.floats(-180, 180, allow_nan=False),
    lat=st.floats(-90, 90, allow_nan=False),
    description=st.none() | names,
)
def test_any_site_round_trips(name: str, hy: str, lon: float, lat: float, description: str | None) -> None:
    document = site_doc(
        names=[{"lang": "en", "text": name}, {"lang": "hy", "text": hy}],
        geometry={"type": "Point", "coordinates": [lon, lat]},
    )
    if description:
        document["properties"]["description"] = description
    site = decode(Site, json.dumps(document).encode())
    data = encode(site)
    assert decode(Site, data).model_dump(exclude={"sha256"}) == site.model_dump(exclude={"sha256"})
    assert encode(decode(Site, data)) == data


def test_dumps_refuses_nan(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})


# Any JSON value, with text in every script and the numbers JSON can hold.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=25,
)


def _standard(value: Any) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


@settings(max_examples=400, deadline=None)
@given(JSON_VALUES)
def test_serializer_writes_what_json_dumps_writes(value: Any) -> None:
    # The serializer is our own (json.dumps's indenting encoder was half of an import's time):
    # seals already on disk must still match, so its bytes are json.dumps's, character for character.
    assert dumps(value) == _standard(value)


@pytest.mark.parametrize("value", [float("nan"), {"a": [float("-inf")]}, {"a": {1, 2}}, {1: "a", "b": 2}])
def test_serializer_refuses_and_converts_as_json_dumps_does(value: Any) -> None:
    try:
        expected: Any = _standard(value)
    except (TypeError, ValueError) as error:
        expected = repr(error)
    try:
        got: Any = dumps(value)
    except (TypeError, ValueError) as error:
        got = repr(error)
    assert got == expected


@pytest.mark.parametrize(("model", "document"), CASES, ids=[c[0].__name__ for c in CASES])
def test_encode_seals_as_the_plain_serializer_does(model: type[BaseModel], document: dict[str, Any]) -> None:
    # encode writes each member once and joins them twice (without, then with the seal).
    record = decode(model, json.dumps(document).encode())
    assert encode(record) == _standard(to_document(record))

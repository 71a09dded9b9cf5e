"""Wikidata ids: `Q` and digits with no leading zero, refused otherwise with the field named; an
import names the file, the row and the field, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import Invoke
from heritage.models import Site
from heritage.store import Catalogue


def site_doc(wikidata: str) -> dict[str, object]:
    return {
        "id": "s1",
        "recorded_at": "2024-01-01T00:00:00Z",
        "recorded_by": "tester",
        "names": [{"text": "A church", "lang": "en"}],
        "location": {"precision": "unknown"},
        "type": "church",
        "external_ids": {"wikidata": wikidata, "osm": "way/1"},
    }


@pytest.mark.parametrize("good", ["Q1", "Q42", "Q1234567890"])
def test_item_ids_are_kept(good: str) -> None:
    assert Site.model_validate(site_doc(good)).external_ids["wikidata"] == good


@pytest.mark.parametrize(
    ("bad", "hint"),
    [
        ("q42", "did you mean Q42?"),
        ("Q0", None),
        ("Q042", "did you mean Q42?"),
        ("Q42x", None),
        ("P31", None),
        ("https://www.wikidata.org/wiki/Q42", "write the id alone, Q42"),
        ("http://www.wikidata.org/entity/Q42", "write the id alone, Q42"),
    ],
)
def test_other_spellings_are_refused_naming_the_field(bad: str, hint: str | None) -> None:
    with pytest.raises(ValidationError) as raised:
        Site.model_validate(site_doc(bad))
    (error,) = raised.value.errors()
    assert error["loc"] == ("external_ids",)
    assert "external_ids.wikidata" in error["msg"] and repr(bad) in error["msg"]
    if hint:
        assert hint in error["msg"]


def test_other_schemes_keep_their_own_spelling() -> None:
    doc = site_doc("Q42")
    doc["external_ids"] = {"osm": "q42", "national-register": "Q0"}
    assert Site.model_validate(doc).external_ids["osm"] == "q42"


@pytest.mark.parametrize("bad", ["q42", "Q0", "Q42x", "https://www.wikidata.org/wiki/Q42"])
def test_import_names_file_row_and_field_and_writes_nothing(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path, bad: str
) -> None:
    path = tmp_path / "sites-in.csv"
    path.write_text(
        f"Name,Lat,Lon,Kind,Wikidata\nFirst,39.6,46.4,church,Q1\nSecond,39.6,46.5,church,{bad}\n", encoding="utf-8"
    )
    before = sorted(s.id for s in catalogue.sites())
    result = invoke(
        "import",
        "sites",
        str(path),
        *("--column", "name:en=Name", "--column", "lat=Lat", "--column", "lon=Lon"),
        *("--column", "type=Kind", "--column", "external_id:wikidata=Wikidata"),
        catalogue=catalogue,
    )
    assert result.exit_code != 0
    assert "sites-in.csv" in result.output
    assert "line 3" in result.output
    assert "external_ids" in result.output and repr(bad) in result.output
    assert sorted(s.id for s in catalogue.sites()) == before

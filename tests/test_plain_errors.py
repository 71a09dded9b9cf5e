"""No pydantic wording reaches a person: each error type pydantic raises on our models is said in
plain English, and a corpus of bad input through the commands shows none of pydantic's phrases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from heritage.models import Allegation, CatalogueInfo, ConditionReport, Site, Source
from heritage.plain_errors import plain_messages
from heritage.store import Catalogue
from tests.conftest import Invoke, allegation_doc, report_doc, site_doc, source_doc, write

PYDANTIC_PHRASES = (
    "Input should",
    "String should match pattern",
    "List should have",
    "Value error,",
    "validation error",
    "For further information",
    "type=",
    "Field required",
    "Extra inputs",
)


def flat(document: dict[str, Any]) -> dict[str, Any]:
    """A site Feature as the model takes it: properties beside id and geometry."""
    return {"id": document["id"], "geometry": document["geometry"], **document["properties"]}


def messages(model: type[BaseModel], document: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(document, context={})
    return plain_messages(caught.value)


CASES: list[tuple[str, type[BaseModel], dict[str, Any], str, str]] = [
    ("missing", ConditionReport, {k: v for k, v in report_doc().items() if k != "observed"}, "observed", "is required"),
    ("too_short list", ConditionReport, report_doc(sources=[]), "sources", "needs at least one source"),
    ("too_short text", Site, flat(site_doc(names=[{"lang": "en", "text": " "}])), "names[0].text", "is empty"),
    (
        "enum",
        ConditionReport,
        report_doc(method="guess"),
        "method",
        "'guess' is not one of: remote_sensing, field_visit, media_review, testimony, document_review",
    ),
    (
        "id pattern",
        Source,
        source_doc("Src 1"),
        "id",
        "'Src 1' is not a valid id: use lowercase letters, digits, '-' and '_', starting with a letter or digit",
    ),
    ("evidence pattern", ConditionReport, report_doc(evidence=["abc"]), "evidence[0]", "'abc' is not a SHA-256"),
    ("float_parsing", Site, flat(site_doc(geometry={"type": "Point", "coordinates": ["x", 1]})), "", "not a number"),
    ("int_parsing", ConditionReport, report_doc(credibility="high"), "credibility", "'high' is not a whole number"),
    ("less_than_equal", ConditionReport, report_doc(credibility=9), "credibility", "9 must be at most 6"),
    ("greater_than_equal", ConditionReport, report_doc(credibility=0), "credibility", "0 must be at least 1"),
    ("extra_forbidden", ConditionReport, report_doc(note="x"), "note", "unknown field 'note'; did you mean 'notes'?"),
    (
        "extra_forbidden nested",
        Allegation,
        allegation_doc(claimant={"name": "A", "kindd": "government"}),
        "claimant.kindd",
        "did you mean 'kind'?",
    ),
    ("extra_forbidden far", Source, source_doc(colour="red"), "colour", "unknown field 'colour'"),
    ("literal_error", CatalogueInfo, {"name": "x", "format": 2}, "format", "2 is not allowed here; expected: 1"),
    ("model_type", ConditionReport, report_doc(sources=["src-chw"]), "sources[0]", "'src-chw' is not an object"),
    ("string_too_long", Allegation, allegation_doc(quote="q" * 501), "quote", "is 501 characters long; at most 500"),
    ("value_error", ConditionReport, report_doc(observed="2099-01-01"), "observed", "in the future"),
    (
        "union_tag_invalid",
        Site,
        flat(site_doc(geometry={"type": "Line", "coordinates": [1, 2]})),
        "geometry",
        "type 'Line' is not allowed here; expected: Point, Polygon",
    ),
    ("finite_number", Site, flat(site_doc(geometry={"type": "Point", "coordinates": [float("nan"), 1]})), "", "nan"),
    ("date parsing", Source, source_doc(accessed="2021-13-01"), "accessed", "'2021-13-01' is not a date"),
    ("string_type", Source, source_doc(title=5), "title", "5 is not text"),
    ("list_type", Allegation, allegation_doc(acts="destruction"), "acts", "'destruction' is not a list"),
]


@pytest.mark.parametrize(("label", "model", "document", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_error_type_is_said_in_plain_english(
    label: str, model: type[BaseModel], document: dict[str, Any], field: str, message: str
) -> None:
    found = messages(model, document)
    assert any(message in text and (field == "" or where == field) for where, text in found), found
    for _, text in found:
        assert not any(phrase in text for phrase in PYDANTIC_PHRASES), text
        assert "Value error" not in text


def test_a_value_error_loses_pydantics_prefix() -> None:
    found = messages(ConditionReport, report_doc(condition="intact", damage_extent="31-60%"))
    assert found and not found[0][1].startswith("Value error") and "contradicts" in found[0][1]


REPORT = "report add --site st-sargis --method remote_sensing --source src-chw"
ALLEGE = "allegation add --claimant C --site st-sargis --act destruction --summary S"

# Bad input a person could type: each command, each reading a record from a file.
FLAG_CORPUS = [
    "site add --name en=X --type church --lat 39.5 --lon 46.9 --id Bad/Id",
    "site add --name english=X --type church",
    "site add --name en=X --type spaceport",
    "site add --name en=X --type church --precision approximate --lat 39.5 --lon 46.9",
    "source add --title T --kind news --id 'Src One'",
    "source add --title T --kind news --language Armenian",
    "source add --title T --kind news --url javascript:alert(1)",
    "source add --title T --kind news --published yesterday",
    REPORT + " --observed 2099-01-01 --condition intact",
    REPORT + " --observed 2021-02-30 --condition intact",
    REPORT + " --observed 2021 --condition intact --damage-extent 31-60%",
    REPORT + " --observed 2021 --condition intact --evidence abc",
    REPORT + " --observed 2021 --condition intact --id UPPER",
    ALLEGE + " --made 2099 --source src-chw",
    ALLEGE + " --made 2022 --source src-chw --quote ''",
    ALLEGE + " --made 2022 --source 'bad id'",
]

FILE_CORPUS: list[tuple[str, dict[str, Any]]] = [
    ("site", site_doc("new-site", colour="red")),
    ("site", {**site_doc("new-site"), "geometry": {"type": "Point", "coordinates": ["x", "y"]}}),
    ("site", site_doc("new-site", names=[])),
    ("source", source_doc("src-new", reliability="Z", kind="rumour")),
    ("source", source_doc("src-new", satellite="yes")),
    ("report", report_doc("r-new", sources=[], credibility=9, condition="ruined", note="x")),
    ("report", report_doc("r-new", sources=["src-chw"], observed=20210101)),
    ("allegation", allegation_doc("a-new", acts=[], claimant={"name": "A"}, extra=1)),
    ("allegation", allegation_doc("a-new", claimant="Ministry", made_on=None)),
    # An id that is not text, in a record that also breaks a rule checked before the model.
    ("report", report_doc(5)),
    ("source", source_doc(["src-new"])),  # type: ignore[arg-type]
    ("allegation", allegation_doc({"id": 1})),  # type: ignore[arg-type]
]


def _clean(output: str) -> None:
    for phrase in PYDANTIC_PHRASES:
        assert phrase not in output, output


def test_a_corpus_of_bad_input_shows_no_pydantic_wording(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    import shlex

    for command in FLAG_CORPUS:
        result = invoke(*shlex.split(command), catalogue=catalogue)
        assert result.exit_code != 0, (command, result.output)
        _clean(result.output)
    for number, (kind, document) in enumerate(FILE_CORPUS):
        path = write(tmp_path / f"bad-{number}.json", document)
        result = invoke(kind, "add", "--file", str(path), catalogue=catalogue)
        assert result.exit_code != 0, (kind, document, result.output)
        assert result.output.startswith("error: "), result.output
        _clean(result.output)


def test_validate_speaks_plainly_of_bad_files(invoke: Invoke, catalogue: Catalogue) -> None:
    root = catalogue.root
    (root / "sites" / "broken.geojson").write_text(json.dumps(site_doc("broken", colour="red", names=[])))
    write(root / "sources" / "src-bad.json", source_doc("src-bad", reliability="Z"))
    write(root / "reports" / "st-sargis" / "r-bad.json", report_doc("r-bad", sources=[], credibility="high"))
    write(root / "allegations" / "a-bad.json", allegation_doc("a-bad", acts=["teleportation"]))
    for args in (("validate",), ("validate", "--json")):
        result = invoke(*args, catalogue=catalogue)
        assert result.exit_code != 0
        _clean(result.output)
        assert "needs at least one name" in result.output
        assert "'teleportation' is not one of" in result.output


# Odd values in every field of every kind of record file, each alone in an otherwise valid record:
# dates EDTF does not allow, digits of other scripts, wrong JSON types, the empty and the huge.
ODD_VALUES: list[Any] = [
    None,
    5,
    True,
    [],
    {},
    "",
    "x" * 3000,
    "2021-13",
    "2021-02-30~",
    "0000",
    "-0100",
    "2021-XX-03",
    "XXXX",
    "\u0662\u0660\u0662\u0661",
    [None],
    [{}],
]
FIELDS = {
    "site": ["id", "names", "location", "type", "tradition", "period", "areas", "description", "sensitivity"],
    "source": ["id", "kind", "title", "url", "published", "accessed", "reliability", "party", "language"],
    "report": [
        "id",
        "site",
        "observed",
        "method",
        "condition",
        "certainty",
        "damage_extent",
        "damage_effects",
        "credibility",
        "sources",
        "evidence",
        "supersedes",
    ],
    "allegation": ["id", "claimant", "made_on", "source", "sites", "acts", "alleged_period", "summary", "responds_to"],
}


def _odd_records() -> list[tuple[str, str, Any]]:
    return [(kind, field, value) for kind, fields in FIELDS.items() for field in fields for value in ODD_VALUES]


def test_odd_values_in_any_field_of_a_record_file_are_said_plainly(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    """One catalogue for the whole corpus (a few hundred records): each is refused, or added under
    an id of its own, and never answered with a traceback or pydantic's words."""
    builders = {"site": site_doc, "source": source_doc, "report": report_doc, "allegation": allegation_doc}
    for number, (kind, field, value) in enumerate(_odd_records()):
        document = builders[kind](f"odd-{number}")
        target = document["properties"] if kind == "site" and field not in ("id",) else document
        target[field] = value
        for part in (document, document.get("properties", {})):
            part.pop("recorded_at", None)
            part.pop("recorded_by", None)
        path = write(tmp_path / f"odd-{number}.json", document)
        result = invoke(kind, "add", "--file", str(path), catalogue=catalogue)
        assert result.exception is None or isinstance(result.exception, SystemExit), (kind, field, value)
        if result.exit_code != 0:
            assert result.output.startswith("error: "), (kind, field, value, result.output)
        _clean(result.output)


# The flags issue 19 added or renamed, given odd values.
ODD_FLAGS = [
    REPORT + " --observed '2021-02-30~' --condition damaged",
    REPORT + " --observed XXXX --condition damaged --certainty possible",
    REPORT + " --observed 2021 --condition damaged --certainty maybe",
    REPORT + " --observed 2021 --condition damaged --evidence ev-0000",
    REPORT + " --observed 2021 --condition damaged --notes A --note B",
    ALLEGE + " --made-on 2021-XX-03 --source src-chw",
    ALLEGE + " --made-on 2021 --alleged-period '2099/..' --source src-chw",
    ALLEGE + " --made-on 2021 --source src-chw --evidence ev-0000",
    "source add --title T --kind news --published 0000",
    "catalogue set region nan 1 2 3",
    "catalogue set region 170 -10 -170 10",
    "vocab add site_type Church --label X",
    "vocab add site_type church --label X",
    "vocab add condition looted --label X",
    "vocab add site_type khan --label ''",
    "changes --from 2021-13-01 --to 2022-01-01",
    "list --as-of 2021~",
]


def test_odd_flags_are_said_plainly(invoke: Invoke, catalogue: Catalogue) -> None:
    import shlex

    for command in ODD_FLAGS:
        result = invoke(*shlex.split(command), catalogue=catalogue)
        assert result.exit_code != 0, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        _clean(result.output)

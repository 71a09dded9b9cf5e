"""Tables of valid and invalid records for every model: what each refuses, and where."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from conftest import allegation_doc, report_doc, site_doc, source_doc
from heritage.codec import feature_to_flat
from heritage.models import Allegation, CatalogueInfo, ConditionReport, Site, Source, Vocabulary, When
from heritage.store import validation_messages

TODAY = {"today": date(2026, 11, 28)}


def flat_site(**properties: Any) -> dict[str, Any]:
    return feature_to_flat(site_doc(**properties))


def check(model: type[BaseModel], document: dict[str, Any], context: dict[str, Any] | None = None) -> BaseModel:
    return model.model_validate(document, context={**TODAY, **(context or {})})


VALID: list[tuple[str, type[BaseModel], dict[str, Any]]] = [
    ("site point", Site, flat_site()),
    ("site without location", Site, flat_site(geometry=None, location={"precision": "unknown"})),
    ("site approximate", Site, flat_site(location={"precision": "approximate", "uncertainty_m": 500})),
    (
        "site polygon",
        Site,
        flat_site(
            geometry={"type": "Polygon", "coordinates": [[[46.0, 39.0], [46.1, 39.0], [46.1, 39.1], [46.0, 39.0]]]}
        ),
    ),
    (
        "site contested name",
        Site,
        flat_site(
            names=[
                {"lang": "az", "text": "Şuşa", "used_by": ["azerbaijan"]},
                {"lang": "hy", "text": "Շուշի", "used_by": ["armenia"]},
                {"lang": "hy-Latn", "text": "Shushi"},
                {"lang": "ru", "text": "Шуша"},
            ]
        ),
    ),
    ("site at the antimeridian and poles", Site, flat_site(geometry={"type": "Point", "coordinates": [180, -90]})),
    ("source minimal", Source, source_doc()),
    (
        "source satellite",
        Source,
        source_doc(
            kind="satellite_image", satellite={"provider": "Planet", "acquired_on": "2022-07-06", "sensor": "SkySat"}
        ),
    ),
    (
        "source with evidence",
        Source,
        source_doc(
            evidence=[
                {"sha256": "a" * 64, "size": 10, "media_type": "image/jpeg", "captured_at": "2022-07-06T10:00:00+04:00"}
            ]
        ),
    ),
    ("report day", ConditionReport, report_doc()),
    ("report month", ConditionReport, report_doc(observed="2020-11")),
    ("report window", ConditionReport, report_doc(observed="2023-12/2024-04-04")),
    ("report on or before", ConditionReport, report_doc(observed="../2004-11-12")),
    (
        "report damage",
        ConditionReport,
        report_doc(
            condition="severe_damage",
            damage_extent="61-90%",
            damage_effects=["collapse"],
            damage_causes=["demolition"],
            credibility=2,
            supersedes="r-0",
        ),
    ),
    ("allegation on sites", Allegation, allegation_doc()),
    (
        "allegation on an area",
        Allegation,
        allegation_doc(
            sites=[],
            area={"type": "Polygon", "coordinates": [[[46.0, 39.0], [47.0, 39.0], [47.0, 40.0], [46.0, 39.0]]]},
        ),
    ),
    ("allegation made on or after", Allegation, allegation_doc(made_on="1993/..")),
    ("allegation responding", Allegation, allegation_doc("a-2", responds_to="a-1", alleged_perpetrator=None)),
]


@pytest.mark.parametrize(("label", "model", "document"), VALID, ids=[v[0] for v in VALID])
def test_valid_records_are_accepted(label: str, model: type[BaseModel], document: dict[str, Any]) -> None:
    check(model, document)


INVALID: list[tuple[str, type[BaseModel], dict[str, Any], str, str]] = [
    (
        "latitude above 90",
        Site,
        flat_site(geometry={"type": "Point", "coordinates": [46.0, 95.0]}),
        "geometry.coordinates",
        "latitude 95.0 is outside [-90, 90]",
    ),
    (
        "longitude below -180",
        Site,
        flat_site(geometry={"type": "Point", "coordinates": [-181.0, 39.0]}),
        "geometry.coordinates",
        "longitude -181.0 is outside [-180, 180]",
    ),
    (
        "not a number",
        Site,
        flat_site(geometry={"type": "Point", "coordinates": ["x", 39.0]}),
        "geometry.coordinates[0]",
        "is not a number",
    ),
    (
        "open ring",
        Site,
        flat_site(
            geometry={"type": "Polygon", "coordinates": [[[46.0, 39.0], [46.1, 39.0], [46.1, 39.1], [46.0, 39.1]]]}
        ),
        "geometry.coordinates",
        "not closed",
    ),
    ("empty name", Site, flat_site(names=[{"lang": "en", "text": "   "}]), "names[0].text", "is empty"),
    ("no names", Site, flat_site(names=[]), "names", "needs at least one name"),
    ("bad language tag", Site, flat_site(names=[{"lang": "Armenian", "text": "x"}]), "names[0].lang", "BCP 47"),
    ("unknown site type", Site, flat_site(type="spaceport"), "type", "unknown site type 'spaceport'"),
    ("unknown tradition", Site, flat_site(tradition="jedi"), "tradition", "unknown tradition 'jedi'"),
    (
        "terminal escape in a name",
        Site,
        flat_site(names=[{"lang": "en", "text": "a\x1b[2Jb"}]),
        "names[0].text",
        "control character U+001B",
    ),
    (
        "line break in a name",
        Site,
        flat_site(names=[{"lang": "en", "text": "a\nvalid: 0 errors"}]),
        "names[0].text",
        "must be one line",
    ),
    (
        "bidi override",
        Site,
        flat_site(names=[{"lang": "en", "text": "Fake\u202eevil"}]),
        "names[0].text",
        "control character U+202E",
    ),
    (
        "dispute held by nobody",
        Site,
        flat_site(disputes=[{"aspect": "attribution", "claim": "x"}]),
        "disputes[0]",
        "needs who holds it",
    ),
    ("credibility true", ConditionReport, report_doc(credibility=True), "credibility", "True is not a whole number"),
    ("credibility text", ConditionReport, report_doc(credibility="3"), "credibility", "'3' is not a whole number"),
    ("claim window ending in the future", Allegation, allegation_doc(made_on="2024/2099"), "made_on", "in the future"),
    (
        "alleged period in the future",
        Allegation,
        allegation_doc(alleged_period="2090/2099"),
        "alleged_period",
        "starts in the future",
    ),
    ("published window in the future", Source, source_doc(published="2020/2099"), "", "in the future"),
    (
        "image from the future",
        Source,
        source_doc(kind="satellite_image", satellite={"provider": "P", "acquired_on": "2099-01-01"}),
        "satellite.acquired_on",
        "in the future",
    ),
    (
        "recorded in the future",
        ConditionReport,
        report_doc(recorded_at="2999-01-01T00:00:00Z"),
        "recorded_at",
        "in the future",
    ),
    ("unknown field", Site, flat_site(colour="red"), "colour", "unknown field 'colour'"),
    (
        "geometry but unknown precision",
        Site,
        flat_site(location={"precision": "unknown"}),
        "",
        "cannot have location precision 'unknown'",
    ),
    ("approximate without radius", Site, flat_site(location={"precision": "approximate"}), "", "needs uncertainty_m"),
    ("naive timestamp", Site, flat_site(recorded_at="2026-01-02T03:04:05"), "recorded_at", "needs a time zone"),
    ("bad id", Site, {**flat_site(), "id": "Bad Id/.."}, "id", "'Bad Id/..' is not a valid id: use lowercase letters"),
    ("unknown reliability", Source, source_doc(reliability="G"), "reliability", "'G' is not one of: A, B, C, D, E, F"),
    ("javascript url", Source, source_doc(url="javascript:alert(1)"), "url", "not an http(s) address"),
    ("future accessed date", Source, source_doc(accessed="2030-01-01"), "", "in the future"),
    (
        "satellite on a news source",
        Source,
        source_doc(kind="news", satellite={"provider": "P", "acquired_on": "2022-01-01"}),
        "",
        "satellite details belong",
    ),
    ("future observation", ConditionReport, report_doc(observed="2027-01-01"), "observed", "in the future"),
    (
        "window ends before it starts",
        ConditionReport,
        report_doc(observed="2024-04-04/2023-12-01"),
        "observed",
        "ends before it starts",
    ),
    (
        "open-ended observation begun after it was recorded",
        ConditionReport,
        report_doc(observed="2026-11-20/..", recorded_at="2026-11-01T10:00:00+00:00"),
        "observed",
        "begins after the report was recorded",
    ),
    ("EDTF level 2", ConditionReport, report_doc(observed="2021-XX-03"), "observed", "write a day (2021-05-03)"),
    ("EDTF season", ConditionReport, report_doc(observed="2021-21"), "observed", "give the months"),
    ("unknown certainty", ConditionReport, report_doc(certainty="likely"), "certainty", "not one of: possible"),
    ("not a date", ConditionReport, report_doc(observed="yesterday"), "observed", "is not a date"),
    ("impossible date", ConditionReport, report_doc(observed="2021-02-30"), "observed", "not a real date"),
    (
        "unknown condition",
        ConditionReport,
        report_doc(condition="ruined"),
        "condition",
        "'ruined' is not one of: intact, minor_damage",
    ),
    ("unknown method", ConditionReport, report_doc(method="guess"), "method", "'guess' is not one of: remote_sensing"),
    ("no source", ConditionReport, report_doc(sources=[]), "sources", "needs at least one source"),
    ("credibility 7", ConditionReport, report_doc(credibility=7), "credibility", "7 must be at most 6"),
    ("intact but damaged", ConditionReport, report_doc(condition="intact", damage_extent="31-60%"), "", "contradicts"),
    ("supersedes itself", ConditionReport, report_doc(supersedes="r-1"), "", "cannot supersede itself"),
    ("no site nor area", Allegation, allegation_doc(sites=[]), "", "at least one site or an area"),
    ("no act", Allegation, allegation_doc(acts=[]), "acts", "needs at least one act"),
    (
        "unknown act",
        Allegation,
        allegation_doc(acts=["teleportation"]),
        "acts[0]",
        "'teleportation' is not one of: destruction",
    ),
    ("made in the future", Allegation, allegation_doc(made_on="2030"), "made_on", "in the future"),
    (
        "faceless perpetrator",
        Allegation,
        allegation_doc(alleged_perpetrator={}),
        "alleged_perpetrator",
        "needs a name or a party",
    ),
    ("long quote", Allegation, allegation_doc(quote="x" * 501), "quote", "at most 500 characters"),
]


@pytest.mark.parametrize(("label", "model", "document", "field", "message"), INVALID, ids=[i[0] for i in INVALID])
def test_invalid_records_are_refused_naming_the_field(
    label: str, model: type[BaseModel], document: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        check(model, document)
    problems = validation_messages(caught.value)
    assert any(f == field and message in m for f, m in problems), problems


def test_catalogue_vocabulary_extends_site_types() -> None:
    info = CatalogueInfo(name="x", site_types={"ziggurat": "Ziggurat"})
    site = check(Site, flat_site(type="ziggurat"), {"vocabulary": info.vocabulary()})
    assert isinstance(site, Site) and site.type == "ziggurat"
    with pytest.raises(ValidationError):
        check(Site, flat_site(type="ziggurat"), {"vocabulary": Vocabulary()})


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2021-05-03", date(2021, 5, 3), date(2021, 5, 3)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2023-12/2024-04-04", date(2023, 12, 1), date(2024, 4, 4)),
        ("../2004-11-12", None, date(2004, 11, 12)),
        ("1993/..", date(1993, 1, 1), None),
    ],
)
def test_when_covers_the_days_the_source_allows(text: str, start: date | None, end: date | None) -> None:
    when = When.parse(text)
    assert (when.start, when.end, str(when)) == (start, end, text)


@pytest.mark.parametrize("text", ["", "../..", "2021-13", "21-05-03", "2021-05-03T10:00", "2021/2020", "soon"])
def test_when_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        When.parse(text)


def test_catalogue_region_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="west <= east"):
        CatalogueInfo(name="x", region=(48.0, 38.0, 45.0, 41.0))


def test_a_reports_position_is_checked_like_a_sites() -> None:
    from heritage.models.report import ObserverPosition

    assert ObserverPosition.model_validate({"coordinates": [46.75, 39.76], "accuracy_m": 8}).accuracy_m == 8
    with pytest.raises(ValidationError, match="latitude 99"):
        ObserverPosition.model_validate({"coordinates": [46.75, 99]})
    with pytest.raises(ValidationError, match="accuracy_m"):
        ObserverPosition.model_validate({"coordinates": [46.75, 39.76], "accuracy_m": 0})

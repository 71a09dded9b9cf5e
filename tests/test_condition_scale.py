"""The condition scale as other schemes say it: `damaged` of unknown extent, a certainty on every
report, the EAMENA and UNOSAT tables both ways, and observed dates in EDTF level 1."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import report_doc
from heritage.history import condition_as_of, report_order
from heritage.models import Certainty, Condition, ConditionReport, When
from heritage.models.vocab import (
    EAMENA_DAMAGE_SEVERITY,
    FROM_EAMENA,
    FROM_UNOSAT,
    UNOSAT_DAMAGE_CLASS,
    from_scheme,
    with_certainty,
)
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS, condition_label

TODAY = {"today": date(2026, 11, 28)}


def report(report_id: str = "r-1", **fields: object) -> ConditionReport:
    return ConditionReport.model_validate(report_doc(report_id, **fields), context=TODAY)


def test_damaged_sits_above_minor_damage_and_below_moderate() -> None:
    scale = list(Condition)
    assert scale.index(Condition.minor_damage) < scale.index(Condition.damaged) < scale.index(Condition.moderate_damage)
    assert CONDITION_LABELS[Condition.damaged] == "Damaged (extent not known)"
    assert CONDITION_COLOURS[Condition.damaged] not in {c for k, c in CONDITION_COLOURS.items() if k != "damaged"}


def test_certainty_is_kept_and_written_back() -> None:
    seen = report(condition="damaged", certainty="possible")
    assert (seen.condition, seen.certainty) == (Condition.damaged, Certainty.possible)
    written = seen.model_dump(mode="json", exclude_none=True)
    assert written["certainty"] == "possible"
    assert ConditionReport.model_validate(written, context=TODAY) == seen
    assert "certainty" not in report().model_dump(mode="json", exclude_none=True)  # not stated: not written
    assert with_certainty(seen.condition, seen.certainty) == "damaged (possible)"
    assert with_certainty(Condition.intact, None) == "intact"
    assert condition_label(Condition.damaged, Certainty.probable) == "Damaged (extent not known), probable"


def test_unosat_possible_damage_is_a_certainty_never_a_severity() -> None:
    assert FROM_UNOSAT["Possible Damage"] == (Condition.damaged, Certainty.possible)
    assert from_scheme("unosat", " possible damage ") == (Condition.damaged, Certainty.possible)
    assert Condition.minor_damage not in UNOSAT_DAMAGE_CLASS  # UNOSAT has no class for slight damage
    assert all(condition is not Condition.minor_damage for condition, _ in FROM_UNOSAT.values())
    assert Condition.damaged not in UNOSAT_DAMAGE_CLASS


@pytest.mark.parametrize(
    ("scheme", "table", "back"),
    [("eamena", EAMENA_DAMAGE_SEVERITY, FROM_EAMENA), ("unosat", UNOSAT_DAMAGE_CLASS, FROM_UNOSAT)],
)
def test_each_scheme_maps_both_ways(scheme: str, table: dict[Condition, str], back: dict[str, object]) -> None:
    for condition, term in table.items():
        assert from_scheme(scheme, term) == (condition, None)
        assert back[term] == (condition, None)
    with pytest.raises(KeyError, match=r"not a .* term; these are"):
        from_scheme(scheme, "Heavily damaged")


def test_eamena_severities_match_design() -> None:
    assert EAMENA_DAMAGE_SEVERITY[Condition.minor_damage] == "Slight Damage"
    assert EAMENA_DAMAGE_SEVERITY[Condition.unknown] == "No Visible/Accessible/Known"
    # EAMENA's Overall Damage Severity has no term for damage of unknown extent: no invented one.
    assert Condition.damaged not in EAMENA_DAMAGE_SEVERITY


def test_certainty_does_not_choose_the_condition_now() -> None:
    sure = report("r-sure", observed="2022-03", condition="severe_damage", certainty="confirmed")
    later = report("r-later", observed="2022-06", condition="damaged", certainty="possible")
    assert condition_as_of([sure, later], date(2022, 7, 1)) is later  # the latest, however tentative
    assert condition_as_of([sure, later], date(2022, 5, 1)) is sure


# Every EDTF level 1 form heritage reads, with the first and last day it covers.
EDTF_FORMS = [
    ("2021-05-03", date(2021, 5, 3), date(2021, 5, 3), False, False),
    ("2021-05", date(2021, 5, 1), date(2021, 5, 31), False, False),
    ("2021", date(2021, 1, 1), date(2021, 12, 31), False, False),
    ("2021~", date(2021, 1, 1), date(2021, 12, 31), True, False),
    ("2021?", date(2021, 1, 1), date(2021, 12, 31), False, True),
    ("2021%", date(2021, 1, 1), date(2021, 12, 31), True, True),
    ("2021-05-03?", date(2021, 5, 3), date(2021, 5, 3), False, True),
    ("2021-05-XX", date(2021, 5, 1), date(2021, 5, 31), False, False),
    ("2024-02-XX", date(2024, 2, 1), date(2024, 2, 29), False, False),
    ("2021-XX-XX", date(2021, 1, 1), date(2021, 12, 31), False, False),
    ("2021-XX", date(2021, 1, 1), date(2021, 12, 31), False, False),
    ("202X", date(2020, 1, 1), date(2029, 12, 31), False, False),
    ("20XX", date(2000, 1, 1), date(2099, 12, 31), False, False),
    ("2021-05~/2021-08", date(2021, 5, 1), date(2021, 8, 31), True, False),
    ("2021-05/2021-08?", date(2021, 5, 1), date(2021, 8, 31), False, True),
    ("2023-12/2024-04-04", date(2023, 12, 1), date(2024, 4, 4), False, False),
    ("2021-05-03/..", date(2021, 5, 3), None, False, False),
    ("../2021-05-XX", None, date(2021, 5, 31), False, False),
]


@pytest.mark.parametrize(
    ("text", "start", "end", "approximate", "uncertain"), EDTF_FORMS, ids=[f[0] for f in EDTF_FORMS]
)
def test_edtf_level_1_dates_cover_the_days_they_allow(
    text: str, start: date | None, end: date | None, approximate: bool, uncertain: bool
) -> None:
    when = When.parse(text)
    assert (when.start, when.end, when.text) == (start, end, text)
    assert (when.approximate, when.uncertain) == (approximate, uncertain)


@pytest.mark.parametrize(
    "text",
    [
        "2021-XX-03",
        "20X1",
        "2021-05-03T10:00",
        "/2021",
        "2021/",
        "1985-04-12/../2000",
        "Y170000002",
        "-0100",
        # Digits of other scripts: EDTF is written in ASCII digits, and other readers of the files
        # (QGIS, EDTF libraries, a spreadsheet) would not read these as dates.
        "\u0662\u0660\u0662\u0661",  # Arabic-Indic 2021
        "\uff12\uff10\uff12\uff11",  # full-width 2021
        "2021-0\u0665",
    ],
)
def test_edtf_forms_not_read_are_refused_naming_what_is(text: str) -> None:
    with pytest.raises(ValueError, match=r"heritage reads; write a day \(2021-05-03\)") as caught:
        When.parse(text)
    assert "regex" not in str(caught.value) and "^" not in str(caught.value)


def test_an_observation_open_at_its_end_lasts_until_it_was_recorded() -> None:
    since = report(observed="2021-05-03/..", recorded_at="2022-01-10T22:30:00-05:00", condition="damaged")
    assert (since.observed.start, since.observed.end) == (date(2021, 5, 3), date(2022, 1, 10))
    assert since.model_dump(mode="json")["observed"] == "2021-05-03/.."  # as the source said it
    assert report_order(since)[0] == date(2022, 1, 10)
    assert condition_as_of([since], date(2022, 1, 9)) is None  # counts from its last possible day
    assert condition_as_of([since], date(2022, 1, 10)) is since

"""The condition as of a day: one rule (`heritage.history`), held to one table of cases
(tests/asof_cases.py) in Python, in the index's SQL and in the map's JavaScript."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from asof_cases import CASES, Case
from conftest import site_doc, source_doc
from heritage import layout
from heritage.browser import load, watch
from heritage.codec import decode, encode
from heritage.history import changes_between, condition_as_of, history_in_force
from heritage.index import Index
from heritage.mapdata import MapInput, build_payload, load_map_input
from heritage.models import CatalogueInfo, ConditionReport, Retraction, Site, Source
from heritage.store import Catalogue
from heritage.webmap import build_map

EPOCH = date(1970, 1, 1)


def models(case: Case) -> tuple[list[ConditionReport], list[Retraction]]:
    reports, retractions = case.records()
    return (
        [decode(ConditionReport, json.dumps(r).encode()) for r in reports],
        [decode(Retraction, json.dumps(x).encode()) for x in retractions],
    )


def reports_and_retracted(case: Case) -> tuple[list[ConditionReport], set[str]]:
    reports, retractions = models(case)
    return reports, {x.retracts for x in retractions}


def python_answer(case: Case) -> ConditionReport | None:
    reports, retracted = reports_and_retracted(case)
    return condition_as_of(reports, case.day, retracted)


def test_the_cases_have_distinct_names() -> None:
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_python_rule(case: Case) -> None:
    found = python_answer(case)
    assert (found.condition.value if found else None) == case.expected


@pytest.fixture(scope="module")
def asof_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """One catalogue holding every case, one site each."""
    root = tmp_path_factory.mktemp("asof") / "cat"
    catalogue = Catalogue.create(root, CatalogueInfo(name="As of", region=(45.0, 38.5, 48.0, 41.0)))
    catalogue.add_source(decode(Source, json.dumps(source_doc("src-asof")).encode()))
    for n, case in enumerate(CASES):
        point = {"type": "Point", "coordinates": [46.0 + n / 100, 39.5]}
        catalogue.add_site(decode(Site, json.dumps(site_doc(case.name, geometry=point)).encode()))
        reports, retractions = models(case)
        for report in reports:
            known = {r.id for r in reports[: reports.index(report)]}
            if report.supersedes and (
                report.supersedes not in known or catalogue.superseded_by(report.site, report.supersedes)
            ):
                # A rival correction, or one on a loop, comes only from a merge: `add_report` would refuse it.
                layout.report_file(root, report.site, report.id).write_bytes(encode(report))
                continue
            catalogue.add_report(report)
        for withdrawn in retractions:
            catalogue.add_retraction(withdrawn)
    return catalogue


def all_records() -> tuple[dict[str, list[ConditionReport]], set[str]]:
    """Every case's reports by site, and the ids of every retracted report."""
    reports: dict[str, list[ConditionReport]] = {}
    retracted: set[str] = set()
    for case in CASES:
        reports[case.name], withdrawn = reports_and_retracted(case)
        retracted |= withdrawn
    return reports, retracted


def test_the_index_answers_by_the_same_rule(asof_catalogue: Catalogue) -> None:
    """`Index.conditions_on`: SQL over the reports marked in force, picking the greatest `ord`
    (`heritage.kinds.order_key`)."""
    wrong = []
    with Index.open(asof_catalogue) as index:
        for case in CASES:
            expected = python_answer(case)
            found = index.conditions_on(case.day).get(case.name)
            if (found and (found.id, found.condition)) != (expected and (expected.id, expected.condition)):
                wrong.append((case.name, found, expected and expected.id))
    assert wrong == [], [w[0] for w in wrong]


def test_changes_by_the_same_rule(asof_catalogue: Catalogue) -> None:
    """`Index.changes` (the same SQL) and the map's `IndexedHistory.changed` against
    `heritage.history.changes_between`, between each day of the table and the next."""
    reports, retracted = all_records()
    days = sorted({case.day for case in CASES} | {case.day - timedelta(days=1) for case in CASES})
    sites = list(reports)
    wrong = []
    with Index.open(asof_catalogue) as index:
        indexed = load_map_input(asof_catalogue, index, audience="internal").indexed
        assert indexed is not None
        for start, end in itertools.pairwise(days):
            python = {c.site for c in changes_between(reports, start, end, retracted)}
            from_sql = {c.site for c in index.changes(start, end, sites)}
            if not python == from_sql == indexed.changed(start, end):
                wrong.append((start, end, python, from_sql, indexed.changed(start, end)))
    assert wrong == []


def test_the_maps_histories_are_alike_from_the_index_and_from_the_records(asof_catalogue: Catalogue) -> None:
    """The map carries each site's reports in force in report order, whether the index kept them
    (sorted by `ord`) or `heritage.mapdata` wrote them from the records (sorted by `report_order`)."""
    reports, retracted = all_records()
    from_index = build_payload(load_map_input(asof_catalogue, audience="internal"), date(2026, 1, 1))["sites"]
    from_records = MapInput(
        name="As of",
        sites=list(asof_catalogue.sites()),
        reports=reports,
        allegations=[],
        sources={s.id: s for s in asof_catalogue.sources()},
        retracted=retracted,
    )
    written = build_payload(from_records, date(2026, 1, 1))["sites"]
    assert written["id"] == from_index["id"]

    def without_citations(histories: list[str]) -> list[list[list[Any]]]:
        return [[entry[:4] for entry in json.loads(text)] for text in histories]

    assert without_citations(written["hist"]) == without_citations(from_index["hist"])


@pytest.fixture
def asof_map(asof_catalogue: Catalogue, tmp_path: Path) -> Path:
    output = tmp_path / "asof.html"
    build_map(asof_catalogue, output, as_of=date(2026, 1, 1))
    return output


# For each case [site, day]: what the page's rule gives, and what it draws after setDate(day).
ASK = """cases => cases.map(([site, day]) => {
  const app = window.heritageApp, i = app.data.sites.id.indexOf(site), k = app.reportOn(i, day);
  const entry = k === -1 ? null : app.data.sites.hist[i][k];
  app.setDate(day);
  return {
    entry: entry && [entry[0], entry[1]],
    condition: app.data.vocab.condition[app.conditionOn(i, day)][0],
    drawn: app.data.vocab.condition[app.cond[i]][0],
    current: app.current[i],
  };
})"""


def test_the_map_answers_by_the_same_rule(browser: Any, asof_map: Path) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 600})
    try:
        page = context.new_page()
        log = watch(page)
        load(page, asof_map)
        asked = [[case.name, (case.day - EPOCH).days] for case in CASES]
        answers = page.evaluate(ASK, asked)
        assert log.console_errors == [] and log.page_errors == []
    finally:
        context.close()
    wrong = [(case.name, answer) for case, answer in zip(CASES, answers, strict=True) if answer != page_view(case)]
    assert wrong == [], [w[0] for w in wrong]


def page_view(case: Case) -> dict[str, Any]:
    """What the page should answer for a case: the Python rule's report, as the map carries it."""
    expected = python_answer(case)
    if expected is None:
        return {"entry": None, "condition": "unknown", "drawn": "unknown", "current": -1}
    end, start = expected.observed.end, expected.observed.start
    assert end is not None
    condition = expected.condition.value
    days = [(end - EPOCH).days, None if start is None else (start - EPOCH).days]
    # `current`: the position of that report in the site's history of reports in force.
    position = history_in_force(*reports_and_retracted(case)).index(expected)
    return {"entry": days, "condition": condition, "drawn": condition, "current": position}

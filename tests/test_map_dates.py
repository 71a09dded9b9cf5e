"""What the map's popup says of an observed date and of a change, in Debian's Chromium. The days
an entry carries say when, but not that the source said "about" or "not sure", nor that a window
was open at its end; a change says how sure each side is, as `heritage changes` does."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import report_doc, site_doc, source_doc
from heritage.browser import load, watch
from heritage.codec import decode
from heritage.index import Index
from heritage.mapdata import MapInput, build_payload, load_map_input
from heritage.mapformat import APPROXIMATE, OPEN_END, UNCERTAIN, date_marks
from heritage.models import CatalogueInfo, ConditionReport, Site, Source
from heritage.store import Catalogue
from heritage.webmap import render_map

# site -> (observed as written, what the popup says it was observed)
DATES = {
    "exact": ("2021-05-03", "observed 2021-05-03 ·"),
    "approximate": ("2022~", "observed 2022-01-01 – 2022-12-31 (approximate) ·"),
    "uncertain": ("2021-05?", "observed 2021-05-01 – 2021-05-31 (uncertain) ·"),
    "both": ("2021%", "observed 2021-01-01 – 2021-12-31 (approximate, uncertain) ·"),
    "window": ("2021-05~/2021-08", "observed 2021-05-01 – 2021-08-31 (approximate) ·"),
    "open-end": ("2021-05-03/..", "observed on or after 2021-05-03 ·"),
    "open-start": ("../2021", "observed on or before 2021-12-31 ·"),
}


def test_the_marks_are_read_from_the_text_as_when_reads_it() -> None:
    assert [date_marks(text) for text in ("2021", "2021~", "2021?", "2021%", "2021-05-03/..", "2021~/..")] == [
        0,
        APPROXIMATE,
        UNCERTAIN,
        APPROXIMATE | UNCERTAIN,
        OPEN_END,
        APPROXIMATE | OPEN_END,
    ]


def documents() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sites, reports = [], []
    for n, (site_id, (observed, _)) in enumerate(DATES.items()):
        point = {"type": "Point", "coordinates": [45.2 + n / 2, 38.6 + n / 3]}  # apart at any zoom
        sites.append(site_doc(site_id, geometry=point))
        # A certainty on some only: an entry with marks and no certainty keeps its place (null).
        extra = {"certainty": "probable"} if n % 2 else {}
        reports.append(report_doc(f"r-{site_id}", site=site_id, observed=observed, condition="damaged", **extra))
    return sites, reports


def from_records() -> dict[str, Any]:
    sites, reports = documents()
    return build_payload(
        MapInput(
            name="dates",
            sites=[decode(Site, json.dumps(s).encode()) for s in sites],
            reports={r["site"]: [decode(ConditionReport, json.dumps(r).encode())] for r in reports},
            allegations=[],
            sources={"src-chw": decode(Source, json.dumps(source_doc()).encode())},
        ),
        date(2026, 11, 28),
    )


def from_index(root: Path) -> dict[str, Any]:
    catalogue = Catalogue.create(root, CatalogueInfo(name="dates", region=(45.0, 38.5, 48.0, 41.0)))
    catalogue.add_source(decode(Source, json.dumps(source_doc()).encode()))
    sites, reports = documents()
    for site in sites:
        catalogue.add_site(decode(Site, json.dumps(site).encode()))
    for report in reports:
        catalogue.add_report(decode(ConditionReport, json.dumps(report).encode()))
    with Index.open(catalogue) as index:
        return build_payload(load_map_input(catalogue, index, audience="internal"), date(2026, 11, 28))


@pytest.mark.parametrize("source", ["records", "index"])
def test_the_popup_says_how_the_date_was_given(browser: Any, tmp_path: Path, source: str) -> None:
    payload = from_records() if source == "records" else from_index(tmp_path / "cat")
    path = tmp_path / "dates.html"
    path.write_text(render_map(payload)[0], encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        log = watch(tab)
        load(tab, path)
        said = {}
        for site_id in DATES:
            tab.evaluate("heritageApp.map.closePopup()")
            tab.evaluate(f"heritageApp.openSite(heritageApp.data.sites.id.indexOf('{site_id}'))")
            line = tab.locator(".heritage-popup .heritage-site .heritage-condition")
            line.last.wait_for()
            said[site_id] = line.last.inner_text()  # the newest: a closed popup may still be fading out
            certainty = tab.evaluate(f"heritageApp.cert[heritageApp.data.sites.id.indexOf('{site_id}')]")
            assert (certainty == -1) == (list(DATES).index(site_id) % 2 == 0), site_id
        assert log.console_errors == [] and log.page_errors == []
    finally:
        context.close()
    wrong = {site: text for site, text in said.items() if DATES[site][1] not in text}
    assert wrong == {}


def test_a_change_map_says_how_sure_each_side_is(browser: Any, tmp_path: Path) -> None:
    """The change line gave the conditions alone: "possible" damage read as plain damage there,
    while the condition line above it and `heritage changes` said "damaged (possible)"."""
    site = decode(Site, json.dumps(site_doc("st-sargis")).encode())
    reports = [
        report_doc("r-a", observed="2022-07", condition="damaged", certainty="possible"),
        report_doc("r-b", observed="2024-04", condition="destroyed", certainty="confirmed"),
    ]
    data = MapInput(
        name="changes",
        sites=[site],
        reports={"st-sargis": [decode(ConditionReport, json.dumps(r).encode()) for r in reports]},
        allegations=[],
        sources={"src-chw": decode(Source, json.dumps(source_doc()).encode())},
    )
    path = tmp_path / "changes.html"
    payload = build_payload(data, date(2026, 11, 28), changes=(date(2023, 1, 1), date(2025, 1, 1)))
    path.write_text(render_map(payload)[0], encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        log = watch(tab)
        load(tab, path)
        tab.evaluate("heritageApp.openSite(0)")
        change = tab.locator(".heritage-popup .heritage-change")
        change.wait_for()
        assert change.inner_text() == (
            "Between 2023-01-01 and 2025-01-01: Damaged (extent not known), possible → Destroyed, confirmed"
        )
        assert log.console_errors == [] and log.page_errors == []
    finally:
        context.close()

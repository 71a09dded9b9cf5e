"""A field visit on the map: access, time on site and a warning mark in the popup, carried as
numbers only (no report text), the same from the index as from the files, and nothing for
reports that are not field visits."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from heritage.browser import PageLog, load
from heritage.mapdata import MapInput, build_payload, load_map_input
from heritage.mapformat import visit_members
from heritage.models import Access
from heritage.store import Catalogue
from heritage.webmap import build_map
from test_field_display import add_field_report

HOSTILE = '<img src=x onerror="window.__pwned=1">${window.__pwned=2}</script><script>window.__pwned=3</script>'
AS_OF = date(2026, 1, 2)


def _histories(data: MapInput) -> dict[str, Any]:
    payload = build_payload(data, AS_OF)
    return dict(zip(payload["sites"]["id"], payload["sites"]["hist"], strict=True))


def test_a_field_visit_adds_four_numbers_to_its_entry_and_others_nothing(catalogue: Catalogue) -> None:
    add_field_report(catalogue)
    data = load_map_input(catalogue)
    assert data.indexed is not None  # the histories come as the index keeps them
    entries = json.loads(_histories(data)["st-sargis"])
    plain, visit = [e for e in entries if len(e) <= 7], [e for e in entries if len(e) > 7]
    assert len(plain) == 2 and all(len(e) == 5 for e in plain)  # no certainty, no marks, no visit: nothing added
    wall = (date(2025, 5, 3).toordinal() - date(1970, 1, 1).toordinal()) * 1440 + 10 * 60 + 12
    access = list(Access).index(Access.partial)
    assert visit == [[visit[0][0], visit[0][1], visit[0][2], visit[0][3], visit[0][4], None, 0, access, wall, 240, 2]]


def test_the_index_and_the_files_give_the_same_entries(catalogue: Catalogue) -> None:
    add_field_report(catalogue)
    add_field_report(catalogue, report_id="fv-2", observed="2025-06-01", visited_at=None, warnings=[], access="none")
    indexed = _histories(load_map_input(catalogue))
    reports = {"st-sargis": list(catalogue.reports("st-sargis"))}
    files = _histories(
        MapInput(name="Test", sites=list(catalogue.sites()), reports=reports, allegations=[], sources={})
    )

    # The citation member is a number each side gives in its own order: compare all but it.
    def uncited(text: str) -> list[list[Any]]:
        return [entry[:4] + entry[5:] for entry in json.loads(text)]

    assert uncited(indexed["st-sargis"]) == uncited(files["st-sargis"])
    assert ",2,null,null,0]" in indexed["st-sargis"]  # access none, no time, no warning


def test_the_members_say_utc_and_negative_offsets() -> None:
    from datetime import datetime

    assert visit_members(None, None, 0) == ""
    assert visit_members(None, None, 1) == ",null,null,null,1"
    assert visit_members("full", datetime.fromisoformat("1970-01-01T01:30:00Z"), 0) == ",0,90,0,0"
    assert visit_members(None, datetime.fromisoformat("1970-01-02T00:00:00-03:30"), 0) == ",null,1440,-210,0"


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_the_popup_shows_access_visit_time_and_a_warning_mark(
    page: tuple[Any, PageLog], catalogue: Catalogue, tmp_path: Path, audience: str
) -> None:
    tab, log = page
    add_field_report(
        catalogue, access_reason=HOSTILE, observed_by=HOSTILE, warnings=[{"code": "far-from-site", "message": HOSTILE}]
    )
    path = tmp_path / "map.html"
    build_map(catalogue, path, as_of=AS_OF, audience=audience)
    html = path.read_text(encoding="utf-8")
    assert "__pwned" not in html  # no report text reaches the map through these members
    load(tab, path)
    tab.evaluate("heritageApp.openSite(heritageApp.data.sites.id.indexOf('st-sargis'))")
    popup = tab.locator(".heritage-popup .heritage-site")
    popup.wait_for()
    visit = popup.locator(".heritage-visit").inner_text()
    assert (
        visit
        == "visited 2025-05-03 10:12 (UTC+04:00) · access partial\n⚠ 1 warning(s) recorded when the report came in"
    )
    assert popup.locator(".heritage-warning").count() == 1
    assert tab.evaluate("window.__pwned") is None and log.page_errors == [] and log.dialogs == []
    # On a day before the visit the popup shows the earlier report, which was no field visit.
    before = tab.evaluate(
        "heritageApp.setDate(19000); "
        "heritageApp.siteDetails(heritageApp.data.sites.id.indexOf('st-sargis')).textContent"
    )
    assert "observed 2021-10-22" in before and "visited" not in before and "warning" not in before

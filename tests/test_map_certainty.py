"""`damaged` and certainty on the offline map, in Debian's Chromium: their colour, the legend, the
filters, the tentative look of a `possible` report, and the popup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import report_doc, site_doc, source_doc
from heritage.browser import PageLog, load, watch
from heritage.codec import decode
from heritage.mapdata import MapInput, build_payload
from heritage.models import ConditionReport, Site, Source
from heritage.palette import CONDITION_COLOURS
from heritage.webmap import render_map

# Three sites a few kilometres apart, so that each is drawn on its own at zoom 12, and off the
# graticule's lines, so that nothing but the dot is drawn at its centre.
SITES = {
    "possibly-damaged": ([46.913, 39.573], {"condition": "damaged", "certainty": "possible"}),
    "damaged": ([46.962, 39.573], {"condition": "damaged", "certainty": "confirmed"}),
    "intact": ([47.018, 39.573], {"condition": "intact"}),
}


def certainty_input() -> MapInput:
    sites, reports = [], {}
    for site_id, (point, fields) in SITES.items():
        geometry = {"type": "Point", "coordinates": point}
        sites.append(decode(Site, json.dumps(site_doc(site_id, geometry=geometry)).encode()))
        doc = report_doc(f"r-{site_id}", site=site_id, observed="2022-07", **fields)
        reports[site_id] = [decode(ConditionReport, json.dumps(doc).encode())]
    source = decode(Source, json.dumps(source_doc()).encode())
    return MapInput(name="certainty", sites=sites, reports=reports, allegations=[], sources={"src-chw": source})


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, PageLog]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    yield page, watch(page)
    context.close()


def pixel(tab: Any, site_id: str) -> list[int]:
    """The canvas's colour at a site's centre, as [r, g, b, a]."""
    return list(
        tab.evaluate(
            """id => { const a = heritageApp, i = a.data.sites.id.indexOf(id);
            const p = a.map.latLngToContainerPoint([a.data.sites.y[i] / 1e5, a.data.sites.x[i] / 1e5]);
            const c = document.querySelector('canvas.heritage-canvas');
            return Array.from(c.getContext('2d').getImageData(Math.round(p.x), Math.round(p.y), 1, 1).data); }""",
            site_id,
        )
    )


def rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def test_a_possibly_damaged_site_is_drawn_tentative_listed_and_filtered(
    page: tuple[Any, PageLog], tmp_path: Path
) -> None:
    tab, log = page
    path = tmp_path / "certainty.html"
    path.write_text(render_map(build_payload(certainty_input(), date(2026, 11, 28)))[0], encoding="utf-8")
    load(tab, path)
    tab.evaluate("heritageApp.map.setView([39.57, 46.96], 12, {animate: false})")
    tab.evaluate("heritageApp.canvas.redraw()")
    umber = rgb(CONDITION_COLOURS["damaged"])
    # Confirmed damage of unknown extent: a solid umber dot.
    assert pixel(tab, "damaged") == [*umber, 255]
    histories = tab.evaluate("heritageApp.data.sites.hist.map(h => h[0].length)")
    assert histories == [6, 6, 5]  # the certainty, where stated, ends the entry
    # Possible: the same colour, pale (40 % over nothing), inside a dashed ring.
    red, green, blue, alpha = pixel(tab, "possibly-damaged")
    assert abs(alpha - 0.4 * 255) <= 2 and [red, green, blue] == pytest.approx(umber, abs=3)

    legend = tab.locator("[data-filter=condition] label").all_inner_texts()
    labels = [line.split("\n")[0].strip() for line in legend]
    assert labels[:3] == ["Intact", "Minor damage", "Damaged (extent not known)"]
    assert "dashed ring: the condition is only possible" in tab.locator(".heritage-symbols").inner_text()

    def shown() -> set[str]:
        return set(tab.evaluate("heritageApp.data.sites.id.filter((id, i) => heritageApp.visible[i])"))

    damaged = tab.locator("[data-filter=condition] label", has_text="Damaged (extent not known)").locator("input")
    damaged.uncheck()
    assert shown() == {"intact"}
    assert pixel(tab, "damaged")[3] == 0 and pixel(tab, "possibly-damaged")[3] == 0  # no longer drawn
    damaged.check()
    assert shown() == set(SITES)
    possible = tab.locator("[data-filter=certainty] label", has_text="possible").locator("input")
    possible.uncheck()
    assert shown() == {"damaged", "intact"}
    possible.check()
    tab.locator("[data-filter=certainty] label", has_text="not stated").locator("input").uncheck()
    assert shown() == {"damaged", "possibly-damaged"}

    tab.evaluate("heritageApp.openSite(heritageApp.data.sites.id.indexOf('possibly-damaged'))")
    popup = tab.locator(".heritage-popup .heritage-site .heritage-condition")
    popup.wait_for()
    assert popup.inner_text().startswith("Damaged (extent not known), possible")
    assert log.page_errors == [] and log.console_errors == []

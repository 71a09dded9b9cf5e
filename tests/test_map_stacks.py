"""Stacks on the offline map: sites too close to tell apart drawn as one mark with a count, listed
on a click; and the counts the page keeps on window.heritageMap. Seen in Debian's Chromium."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import allegation_doc, report_doc, site_doc, source_doc
from heritage.browser import PageLog, load, wait_until, watch
from heritage.codec import decode
from heritage.mapdata import MapInput, build_payload
from heritage.models import Allegation, ConditionReport, Site, Source
from heritage.webmap import render_map
from heritage.webmap.build import MIN_ZOOM

SAME_SPOT = (46.0, 40.0)  # lon, lat of three sites recorded at one point
CLOSE = (46.5, 40.2)  # four sites a few hundred metres apart
SAME = [
    ("same-a", "Alpha chapel", "intact"),
    ("same-b", "Beta church", "destroyed"),
    ("same-c", "Gamma tomb", "intact"),
]
NEAR = [("near-1", "Delta"), ("near-2", "Epsilon"), ("near-3", "Zeta"), ("near-4", "Eta")]


def as_record(model: Any, document: dict[str, Any]) -> Any:
    return decode(model, json.dumps(document).encode())


def place(site_id: str, name: str, lon: float | None, lat: float | None) -> Site:
    where: dict[str, Any] = {"geometry": {"type": "Point", "coordinates": [lon, lat]}}
    if lon is None:
        where = {"geometry": None, "location": {"precision": "unknown"}}
    return as_record(Site, site_doc(site_id, names=[{"lang": "en", "text": name}], **where))


def stacks_input() -> MapInput:
    sites = [place(i, name, *SAME_SPOT) for i, name, _ in SAME]
    sites += [place(i, name, CLOSE[0] + 0.004 * k, CLOSE[1]) for k, (i, name) in enumerate(NEAR)]
    sites += [place("lone-west", "Theta", 45.0, 39.0), place("lone-east", "Iota", 47.5, 41.0)]
    sites.append(place("nowhere", "Kappa", None, None))
    reports = {i: [as_record(ConditionReport, report_doc(f"r-{i}", site=i, condition=c))] for i, _, c in SAME}
    allegation = as_record(Allegation, allegation_doc(sites=["near-2"]))
    return MapInput(
        name="Stacks",
        sites=sites,
        reports=reports,
        allegations=[allegation],
        sources={"src-chw": as_record(Source, source_doc())},
        parties={"side-a": "Side A", "side-b": "Side B"},
    )


@pytest.fixture(scope="module")
def stacks_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stacks") / "map.html"
    path.write_text(render_map(build_payload(stacks_input(), date(2026, 1, 1)))[0], encoding="utf-8")
    return path


@pytest.fixture
def page(browser: Any, stacks_map: Path) -> Iterator[tuple[Any, PageLog]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    log = watch(tab)
    load(tab, stacks_map)
    yield tab, log
    assert log.foreign_requests(stacks_map.resolve().as_uri()) == []
    assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []
    context.close()


def view(tab: Any, lon: float, lat: float, zoom: int) -> dict[str, Any]:
    """Move the map without animation; the counts of the redraw that follows."""
    before = tab.evaluate("heritageMap.redraws")
    tab.evaluate(f"heritageApp.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    wait_until(tab, f"heritageMap.redraws > {before}")
    return stats(tab)


def stats(tab: Any) -> dict[str, Any]:
    return dict(tab.evaluate("({...window.heritageMap})"))


def screen_point(tab: Any, lon: float, lat: float) -> dict[str, float]:
    return dict(
        tab.evaluate(
            """([lat, lon]) => { const p = heritageApp.map.latLngToContainerPoint([lat, lon]);
            const box = heritageApp.map.getContainer().getBoundingClientRect();
            return {x: p.x + box.left, y: p.y + box.top}; }""",
            [lat, lon],
        )
    )


def colour_at(tab: Any, lon: float, lat: float, dx: float) -> str:
    """The canvas's colour `dx` pixels right of a place, as #rrggbb."""
    return str(
        tab.evaluate(
            """([lat, lon, dx]) => { const p = heritageApp.map.latLngToContainerPoint([lat, lon]);
            const canvas = document.querySelector(".heritage-canvas"), ratio = window.devicePixelRatio || 1;
            const x = Math.round((p.x + dx) * ratio), y = Math.round(p.y * ratio);
            const d = canvas.getContext("2d").getImageData(x, y, 1, 1).data;
            return "#" + [d[0], d[1], d[2]].map(v => v.toString(16).padStart(2, "0")).join(""); }""",
            [lat, lon, dx],
        )
    )


def condition_colour(tab: Any, key: str) -> str:
    return str(tab.evaluate("k => heritageApp.data.vocab.condition.find(c => c[0] === k)[2]", key)).lower()


def click_stack(tab: Any, lon: float, lat: float) -> Any:
    point = screen_point(tab, lon, lat)
    tab.mouse.click(point["x"], point["y"])
    # A popup closed a moment ago fades out for 200 ms before it leaves the page.
    wait_until(tab, "document.querySelectorAll('.heritage-popup .heritage-stack').length === 1")
    return tab.locator(".heritage-popup .heritage-stack")


def test_close_sites_are_one_mark_with_a_count_and_their_mix(page: tuple[Any, PageLog]) -> None:
    tab, _ = page
    counts = view(tab, 46.25, 40.0, 6)
    # Two stacks (3 at one spot, 4 close together) and two lone sites; the unlocated one is not on the map.
    assert {k: counts[k] for k in ("sites", "drawn", "clusters", "clustered")} == {
        "sites": 9,
        "drawn": 2,
        "clusters": 2,
        "clustered": 7,
    }
    assert counts["redraws"] >= 2 and 0 <= counts["lastRedrawMs"] < 1000
    # The same-spot stack's ring shows its conditions in proportion, clockwise from the top:
    # intact for two thirds (the right-hand side), destroyed for one third (the left-hand side).
    view(tab, *SAME_SPOT, 9)
    radius = tab.evaluate("heritageApp.radiusAt(9) + 2 + 2 * Math.log(3)")
    assert colour_at(tab, *SAME_SPOT, 0.8 * radius) == condition_colour(tab, "intact")
    assert colour_at(tab, *SAME_SPOT, -0.8 * radius) == condition_colour(tab, "destroyed")
    # Far enough in, the four close sites come apart; the three at one spot never do.
    counts = view(tab, CLOSE[0] + 0.006, CLOSE[1], 14)
    assert (counts["drawn"], counts["clusters"]) == (4, 0)


def test_a_click_lists_the_stack_and_each_entry_opens_its_site(page: tuple[Any, PageLog]) -> None:
    tab, _ = page
    view(tab, CLOSE[0], CLOSE[1], 8)
    stack = click_stack(tab, CLOSE[0] + 0.006, CLOSE[1])
    assert stack.locator("h3").inner_text() == "4 sites here"
    entries = stack.locator(".heritage-stack-list button")
    assert entries.locator(".heritage-stack-name").all_inner_texts() == ["Delta", "Epsilon", "Eta", "Zeta"]
    assert set(entries.locator(".heritage-stack-condition").all_inner_texts()) == {"Unknown / no report"}
    entries.nth(1).click()
    site = tab.locator(".heritage-popup .heritage-site")
    site.wait_for()
    assert site.locator("h3").inner_text() == "Epsilon"
    # "Zoom in" goes as close as needed to draw the four apart.
    stack = click_stack(tab, CLOSE[0] + 0.006, CLOSE[1])
    before = stats(tab)["redraws"]
    stack.locator(".heritage-stack-zoom").click()
    wait_until(tab, f"heritageMap.redraws > {before} && heritageMap.clusters === 0")
    assert stats(tab)["drawn"] == 4
    wait_until(tab, "document.querySelectorAll('.heritage-stack').length === 0")  # the list has closed


def test_sites_at_one_spot_stay_a_stack_and_each_can_be_reached(page: tuple[Any, PageLog]) -> None:
    tab, _ = page
    counts = view(tab, *SAME_SPOT, 19)
    assert (counts["clusters"], counts["clustered"], counts["drawn"]) == (1, 3, 0)
    for number, (_, name, condition) in enumerate(sorted(SAME, key=lambda s: s[1])):
        stack = click_stack(tab, *SAME_SPOT)
        assert stack.locator(".heritage-stack-zoom").count() == 0  # no zoom would draw them apart
        assert "All at the same spot." in stack.inner_text()
        entry = stack.locator(".heritage-stack-list button").nth(number)
        assert name in entry.inner_text() and condition.capitalize() in entry.inner_text()
        entry.click()
        tab.locator(f".heritage-popup .heritage-site h3:text-is('{name}')").wait_for()


def test_filters_search_and_date_change_the_stacks(page: tuple[Any, PageLog]) -> None:
    tab, _ = page
    view(tab, 46.25, 40.0, 6)
    redraws = stats(tab)["redraws"]
    # Without the intact sites, one destroyed site is left at the spot: a single dot.
    tab.evaluate(
        "heritageApp.filters.condition = new Set([...heritageApp.data.vocab.condition.keys()]"
        ".filter(c => heritageApp.data.vocab.condition[c][0] !== 'intact')); heritageApp.applyFilters()"
    )
    counts = stats(tab)
    assert counts["redraws"] == redraws + 1
    assert (counts["sites"], counts["drawn"], counts["clusters"], counts["clustered"]) == (7, 3, 1, 4)
    tab.evaluate("heritageApp.filters.condition = null; heritageApp.filters.query = 'eta'; heritageApp.applyFilters()")
    # Beta church (at the spot), Zeta and Eta (close together), Theta (alone): one stack of two.
    counts = stats(tab)
    assert (counts["sites"], counts["drawn"], counts["clusters"], counts["clustered"]) == (4, 2, 1, 2)
    tab.evaluate("heritageApp.filters.query = ''; heritageApp.setDate(17897)")  # 2019-01-01: no report yet
    radius = tab.evaluate("heritageApp.radiusAt(6) + 2 + 2 * Math.log(3)")
    assert colour_at(tab, *SAME_SPOT, -0.8 * radius) == condition_colour(tab, "unknown")
    assert stats(tab)["clustered"] == 7


def test_every_site_shown_is_in_exactly_one_group_at_every_zoom(browser: Any, tmp_path: Path) -> None:
    rng = random.Random(7)
    sites = [place(f"s-{n}", f"Site {n}", 46 + rng.random() * 0.5, 40 + rng.random() * 0.3) for n in range(400)]
    sites += [place(f"dup-{n}", f"Copy {n}", 46.1, 40.1) for n in range(5)]
    data = MapInput(name="Many", sites=sites, reports={}, allegations=[], sources={})
    path = tmp_path / "many.html"
    path.write_text(render_map(build_payload(data, date(2026, 1, 1)))[0], encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    load(tab, path)
    found = tab.evaluate(
        """() => { const a = heritageApp, out = [];
        for (let z = 2; z <= 19; z++) {
          const g = a.stacks.groupsAt(z), n = g.start[g.start.length - 1];
          const ids = new Set(g.members.subarray(0, n)), reach = 3 * a.radiusAt(z) + 10, scale = Math.pow(2, z);
          let far = 0;
          for (let k = 0; k + 1 < g.start.length; k++) {
            for (let m = g.start[k]; m < g.start[k + 1]; m++) {
              const i = g.members[m], j = g.members[g.start[k]];
              if (Math.hypot(a.px[i] - a.px[j], a.py[i] - a.py[j]) * scale > reach) far++;
            }
          }
          out.push([n, ids.size, far, g.start.length - 1]);
        }
        return out; }"""
    )
    context.close()
    for members, distinct, far, _ in found:
        assert (members, distinct, far) == (405, 405, 0)  # each site once, within reach of its group's first
    groups = [count for *_, count in found]
    assert groups == sorted(groups) and groups[0] < 10 and groups[-1] == 401  # the five copies stay one


def test_names_in_a_stack_list_are_text(browser: Any, tmp_path: Path) -> None:
    hostile = [
        '<img src=x onerror="window.__pwned=1">',
        "</script><script>window.__pwned=2</script>",
        "${window.__pwned=3}",
    ]
    sites = [place(f"evil-{n}", name, *SAME_SPOT) for n, name in enumerate(hostile)]
    data = MapInput(name="Hostile", sites=sites, reports={}, allegations=[], sources={})
    path = tmp_path / "hostile.html"
    path.write_text(render_map(build_payload(data, date(2026, 1, 1)))[0], encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    log = watch(tab)
    load(tab, path)
    view(tab, *SAME_SPOT, 12)
    stack = click_stack(tab, *SAME_SPOT)
    names = stack.locator(".heritage-stack-name").all_inner_texts()
    assert sorted(names) == sorted(hostile)
    assert stack.locator("img, script, svg").count() == 0 and tab.evaluate("window.__pwned") is None
    assert log.page_errors == [] and log.dialogs == []
    context.close()


def test_the_zoom_stops_at_the_last_level(page: tuple[Any, PageLog]) -> None:
    """With no tile layer, Leaflet learns its limits from the map's own options: without them the
    zoom buttons go on past 19 and a stack at one spot never says it is at the last zoom."""
    tab, _ = page
    assert tab.evaluate("[heritageApp.map.getMinZoom(), heritageApp.map.getMaxZoom()]") == [MIN_ZOOM, 19]
    view(tab, *SAME_SPOT, 19)
    tab.evaluate("heritageApp.map.zoomIn(1, {animate: false})")
    assert tab.evaluate("heritageApp.map.getZoom()") == 19


def test_the_legend_explains_a_stack(page: tuple[Any, PageLog]) -> None:
    tab, _ = page
    entry = tab.locator(".heritage-symbols .heritage-legend-stack")
    assert "sites too close to draw apart; its rim shows their conditions" in entry.inner_text()
    symbol = entry.locator(".heritage-stack-symbol")
    assert symbol.is_visible() and symbol.inner_text() == "3"
    box = symbol.bounding_box()
    assert box is not None and box["width"] >= 14 and box["height"] >= 14
    # Its rim is drawn in the catalogue's condition colours, as the stacks on the map are.
    assert condition_colour(tab, "intact") in symbol.get_attribute("style").lower()


def test_a_long_condition_in_a_stack_list_wraps_rather_than_being_cut(browser: Any, tmp_path: Path) -> None:
    named = [
        ("long-a", "Ghazanchetsots Cathedral (Holy Savior Cathedral), Shusha/Shushi", "altered"),
        ("long-b", "Short", "damaged"),
        ("long-c", "Upper Govhar Agha Mosque", "threatened"),
    ]
    sites = [place(i, name, *SAME_SPOT) for i, name, _ in named]
    reports = {i: [as_record(ConditionReport, report_doc(f"r-{i}", site=i, condition=c))] for i, _, c in named}
    data = MapInput(name="Long", sites=sites, reports=reports, allegations=[], sources={})
    path = tmp_path / "long.html"
    path.write_text(render_map(build_payload(data, date(2026, 1, 1)))[0], encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    load(tab, path)
    view(tab, *SAME_SPOT, 12)
    stack = click_stack(tab, *SAME_SPOT)
    assert "Altered (rebuilt, converted, markers removed)" in stack.inner_text()
    # Every condition, and every name, ends inside the popup: none runs out of sight.
    outside = tab.evaluate("""() => {
        const box = document.querySelector('.heritage-popup .leaflet-popup-content').getBoundingClientRect();
        return [...document.querySelectorAll('.heritage-popup .heritage-stack-list button > span')]
          .filter(s => s.getBoundingClientRect().right > box.right + 0.5 || s.scrollWidth > s.clientWidth + 1)
          .map(s => s.textContent); }""")
    assert outside == []
    context.close()


def test_an_open_stack_list_closes_when_the_filters_change(page: tuple[Any, PageLog]) -> None:
    """The list names the sites of the stack as it was drawn; after a filter it may be stale."""
    tab, _ = page
    view(tab, *SAME_SPOT, 8)
    assert click_stack(tab, *SAME_SPOT).locator("button[data-site]").count() == 3
    tab.evaluate("heritageApp.filters.query = 'alpha'; heritageApp.applyFilters()")
    wait_until(tab, "document.querySelectorAll('.heritage-stack-popup').length === 0")
    tab.evaluate("heritageApp.filters.query = ''; heritageApp.applyFilters()")
    assert click_stack(tab, *SAME_SPOT).locator("button[data-site]").count() == 3  # opens again, whole

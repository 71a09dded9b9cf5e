"""The map's search list, counts that follow the filters, and views that can be shared, in Chromium."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoke, report_doc, site_doc, source_doc
from heritage.browser import PageLog, wait_until, watch
from heritage.codec import decode
from heritage.errors import InvalidInput
from heritage.mapdata import MapInput, build_payload
from heritage.models import ConditionReport, Site, Source
from heritage.models.vocab import SITE_TYPES
from heritage.store import Catalogue
from heritage.webmap import render_map
from heritage.webmap.build import check_view

HOSTILE = ['<img src=x onerror="window.__pwned=1;alert(1)">', "</script><script>window.__pwned=2</script>"]

# id, names, type, lon, lat (None: no location), condition (None: no report)
SITES: list[tuple[str, list[tuple[str, str]], str, float | None, float, str | None]] = [
    (
        "ghazanchetsots",
        [("en", "Ghazanchetsots Cathedral"), ("hy", "Ղազանչեցոց տաճար"), ("ru", "Собор Казанчецоц")],
        "church",
        46.755,
        39.758,
        "destroyed",
    ),
    (
        "yukhari-mosque",
        [("en", "Upper Govhar Agha Mosque"), ("az", "Yuxarı Gövhər Ağa məscidi")],
        "mosque",
        46.752,
        39.761,
        "severe_damage",
    ),
    ("aghdam-mosque", [("en", "Aghdam Mosque"), ("ar", "مسجد أغدام")], "mosque", 46.93, 39.99, "destroyed"),
    ("old-synagogue", [("en", "Old synagogue"), ("he", "בית הכנסת הישן")], "synagogue", 47.1, 39.7, "intact"),
    ("gregory-chapel", [("en", "Gregory Chapel")], "chapel", 46.8, 39.8, "intact"),
    ("xagregat", [("en", "Xagregat")], "chapel", 46.85, 39.85, None),
    ("lost-church", [("en", "Lost Church of Saint Gregory"), ("hy", "Սուրբ Գրիգոր")], "church", None, 0, None),
    ("hidden-shrine", [("en", "Hidden shrine")], "shrine", None, 0, None),
    ("hostile", [("en", HOSTILE[0]), ("hy", HOSTILE[1])], "church", 46.9, 39.6, None),
]


def search_input() -> MapInput:
    sites, reports = [], {}
    for site_id, names, kind, lon, lat, condition in SITES:
        where: dict[str, Any] = (
            {"geometry": {"type": "Point", "coordinates": [lon, lat]}}
            if lon is not None
            else {"geometry": None, "location": {"precision": "unknown"}}
        )
        document = site_doc(site_id, names=[{"lang": lang, "text": text} for lang, text in names], type=kind, **where)
        sites.append(decode(Site, json.dumps(document).encode()))
        if condition:
            report = report_doc(f"r-{site_id}", site=site_id, condition=condition)
            reports[site_id] = [decode(ConditionReport, json.dumps(report).encode())]
    source = decode(Source, json.dumps(source_doc()).encode())
    sources = {"src-chw": source}
    return MapInput("Search test", sites, reports, allegations=[], sources=sources, site_types=SITE_TYPES)


@pytest.fixture(scope="module")
def search_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "map.html"
    path.write_text(render_map(build_payload(search_input(), date(2026, 11, 28)))[0], encoding="utf-8")
    return path


def open_map(tab: Any, path: Path, hash: str = "") -> None:
    tab.goto(path.resolve().as_uri() + hash)
    if tab.evaluate("window.heritageReady === true"):  # only the hash changed: the same page
        tab.reload()
    wait_until(tab, "window.heritageReady === true")


def assert_clean(tab: Any, log: PageLog, path: Path) -> None:
    assert log.foreign_requests(path.resolve().as_uri()) == []
    assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []
    assert tab.evaluate("window.__pwned") is None


def search(tab: Any, query: str) -> list[str]:
    """Type `query` (not the one already searched: typing waits out a delay) and wait for the list;
    the names its entries show, in order."""
    assert tab.evaluate("heritageApp.filters.query || ''") != query
    tab.fill("#heritage-search", query)
    wait_until(tab, f"heritageApp.filters.query === {json.dumps(query)}")
    return names(tab)


def names(tab: Any) -> list[str]:
    return list(tab.locator("#heritage-results .heritage-result-name").all_inner_texts())


def test_the_list_shows_the_name_in_the_script_typed(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map)
    assert tab.locator("#heritage-found").is_hidden()
    assert search(tab, "Ղազան") == ["Ղազանչեցոց տաճար"]
    entry = tab.locator("#heritage-results button").first
    assert "Ghazanchetsots Cathedral · Собор Казанчецоц" in entry.locator(".heritage-result-other").inner_text()
    assert entry.locator(".heritage-result-facts").inner_text().strip() == "Destroyed · Church"
    assert entry.locator(".heritage-swatch").count() == 1
    # The condition as of the slider's date: before its one report, none.
    tab.evaluate(f"heritageApp.setDate({(date(2021, 1, 1) - date(1970, 1, 1)).days})")  # as the slider does
    assert entry.locator(".heritage-result-facts").inner_text().strip() == "Unknown / no report · Church"
    tab.locator("text=latest").click()
    assert search(tab, "собор") == ["Собор Казанчецоц"]
    assert search(tab, "yuxari govh") == ["Yuxarı Gövhər Ağa məscidi"]  # accents and ə folded
    assert search(tab, "GÖVHƏR") == ["Yuxarı Gövhər Ağa məscidi"]
    assert search(tab, "govhar") == ["Upper Govhar Agha Mosque"]
    # The search still filters the map.
    assert tab.evaluate("heritageApp.data.sites.id.filter((id, i) => heritageApp.visible[i])") == ["yukhari-mosque"]
    assert search(tab, "no such name") == []
    assert tab.locator("#heritage-results-more").inner_text() == "No site shown has this name."
    search(tab, "")
    assert tab.locator("#heritage-found").is_hidden()
    assert_clean(tab, log, search_map)


def test_best_matches_first_and_what_is_left_out(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map)
    # A name that starts with it, then a word that does, then a name that holds it.
    assert search(tab, "gre") == ["Gregory Chapel", "Lost Church of Saint Gregory", "Xagregat"]
    assert search(tab, "mosque") == ["Upper Govhar Agha Mosque", "Aghdam Mosque"]  # alike: catalogue order
    tab.locator("[data-filter=condition] label", has_text="Destroyed").locator("input").uncheck()
    assert names(tab) == ["Upper Govhar Agha Mosque"]  # the list follows the filters at once
    assert tab.locator("#heritage-results-more").inner_text() == "1 more match but are hidden by the filters"
    tab.evaluate("heritageApp.foundQuery = ''")  # at most 50 are drawn: the rest are said in a number
    many = tab.evaluate(
        """() => { const a = heritageApp; a.found = Array.from({length: 120}, () => 4); a.foundHidden = 0;
        a.foundQuery = 'gre'; for (const f of a.listeners) f();
        return document.querySelectorAll('#heritage-results li').length; }"""
    )
    assert many == 50
    assert tab.locator("#heritage-results-more").inner_text() == "and 70 more: type more of the name"
    assert_clean(tab, log, search_map)


def test_clicking_an_entry_opens_the_site(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map)
    tab.evaluate("heritageApp.map.setView([20, 0], 3, {animate: false})")
    search(tab, "aghdam")
    tab.locator("#heritage-results button").first.click()
    popup = tab.locator(".heritage-popup .heritage-site")
    popup.wait_for()
    assert popup.get_attribute("data-site") == "aghdam-mosque"
    view = tab.evaluate("({z: heritageApp.map.getZoom(), b: heritageApp.map.getBounds().contains([39.99, 46.93])})")
    assert view == {"z": 13, "b": True}
    assert tab.evaluate("location.hash") == "#site=aghdam-mosque"
    # A site with no location opens in the panel.
    search(tab, "Սուրբ Գրիգոր")
    tab.locator("#heritage-results button").first.click()
    assert tab.locator("#heritage-detail .heritage-site").get_attribute("data-site") == "lost-church"
    assert "no location" in tab.locator("#heritage-results .heritage-result-facts").inner_text()
    assert_clean(tab, log, search_map)


def test_arrow_keys_and_enter(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map)
    search(tab, "gre")
    box = tab.locator("#heritage-search")
    box.press("ArrowDown")
    assert tab.evaluate("document.activeElement.dataset.site") == "gregory-chapel"
    for key in ("ArrowDown", "ArrowDown", "ArrowDown", "ArrowUp"):
        tab.keyboard.press(key)
    assert tab.evaluate("document.activeElement.dataset.site") == "lost-church"
    tab.keyboard.press("Enter")
    wait_until(tab, "document.querySelector('#heritage-detail .heritage-site') !== null")
    assert tab.locator("#heritage-detail .heritage-site").get_attribute("data-site") == "lost-church"
    tab.locator("#heritage-results button").first.focus()
    tab.keyboard.press("Escape")
    assert tab.evaluate("document.activeElement.id") == "heritage-search"
    # Enter in the box opens the best match, even before the typing delay is over.
    box.fill("xagre")
    box.press("Enter")
    tab.locator(".heritage-popup .heritage-site[data-site=xagregat]").wait_for()
    assert_clean(tab, log, search_map)


def counts(tab: Any, key: str) -> dict[str, int]:
    labels = tab.locator(f"[data-filter={key}] label").all()
    return {x.locator("span").nth(-2).inner_text(): int(x.locator(".heritage-n").inner_text()) for x in labels}


def test_counts_and_the_unlocated_list_follow_filters_and_search(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map)
    tab.locator("summary", has_text="Site type").click()
    before = counts(tab, "condition")
    assert [before[k] for k in ("Intact", "Severe damage", "Destroyed", "Unknown / no report")] == [2, 1, 2, 4]
    assert counts(tab, "type") == {"Chapel": 2, "Church": 3, "Mosque": 2, "Shrine": 1, "Synagogue": 1}
    unlocated = tab.locator("#heritage-unlocated button")
    assert unlocated.all_inner_texts() == ["Lost Church of Saint Gregory", "Hidden shrine"]
    assert tab.locator("#heritage-unlocated-heading").inner_text() == "Sites without location (2)"

    # Unticking an option leaves its own count (what ticking it again would show); others follow.
    tab.locator("[data-filter=condition] label", has_text="Destroyed").locator("input").uncheck()
    assert counts(tab, "condition") == before
    assert counts(tab, "type") == {"Chapel": 2, "Church": 2, "Mosque": 1, "Shrine": 1, "Synagogue": 1}
    tab.locator("[data-filter=type] label", has_text="Mosque").locator("input").uncheck()
    after = counts(tab, "condition")
    assert (after["Severe damage"], after["Destroyed"], after["Intact"]) == (0, 1, 2)
    assert counts(tab, "type")["Mosque"] == 1  # the one not destroyed
    tab.locator("[data-filter=type] label", has_text="Mosque").locator("input").check()
    tab.locator("[data-filter=condition] label", has_text="Destroyed").locator("input").check()

    search(tab, "gregory")
    assert counts(tab, "type") == {"Chapel": 1, "Church": 1, "Mosque": 0, "Shrine": 0, "Synagogue": 0}
    assert counts(tab, "condition")["Intact"] == 1
    assert unlocated.all_inner_texts() == ["Lost Church of Saint Gregory"]
    assert tab.locator("#heritage-unlocated-heading").inner_text() == "Sites without location (1 of 2)"
    tab.locator("[data-filter=type] label", has_text="Church").locator("input").uncheck()
    assert unlocated.count() == 0
    assert tab.locator("#heritage-unlocated li").inner_text() == "none that pass the filters and the search"
    assert tab.locator("#heritage-unlocated-heading").inner_text() == "Sites without location (0 of 2)"
    assert_clean(tab, log, search_map)


def test_right_to_left_names_are_aligned_right(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map)
    for query, name in [("مسجد", "مسجد أغدام"), ("הכנסת", "בית הכנסת הישן")]:
        assert search(tab, query) == [name]
        assert tab.evaluate("getComputedStyle(document.getElementById('heritage-search')).direction") == "rtl"
        placed = tab.evaluate(
            """() => { const name = document.querySelector('#heritage-results .heritage-result-name');
            const range = document.createRange(); range.selectNodeContents(name);
            const text = range.getBoundingClientRect(), box = name.getBoundingClientRect();
            return {dir: getComputedStyle(name).direction, right: box.right - text.right,
              left: text.left - box.left}; }"""
        )
        assert placed["dir"] == "rtl" and placed["right"] < 2 and placed["left"] > 50, placed
    search(tab, "aghdam")  # a Latin query in the same box is left to right again
    assert tab.evaluate("getComputedStyle(document.getElementById('heritage-search')).direction") == "ltr"
    assert_clean(tab, log, search_map)


def test_hostile_names_are_listed_as_text(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map)
    assert search(tab, "onerror") == [HOSTILE[0]]
    assert HOSTILE[1] in tab.locator("#heritage-results .heritage-result-other").inner_text()
    assert tab.locator("#heritage-found img, #heritage-found script, #heritage-found svg").count() == 0
    tab.locator("#heritage-results button").first.click()
    tab.locator(".heritage-popup .heritage-site").wait_for()
    assert_clean(tab, log, search_map)


def test_the_address_opens_a_view_or_a_site_and_follows_the_map(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map, "#12/39.75/46.75")
    view = tab.evaluate("(() => {const m = heritageApp.map, c = m.getCenter(); return [m.getZoom(), c.lat, c.lng]})()")
    assert view[0] == 12 and abs(view[1] - 39.75) < 1e-6 and abs(view[2] - 46.75) < 1e-6
    assert tab.evaluate("location.hash") == "#12/39.75/46.75"  # as typed, until the user moves

    # The user drags the map: the address follows, replaced rather than added to the history.
    length = tab.evaluate("history.length")
    tab.mouse.move(400, 400)
    tab.mouse.down()
    tab.mouse.move(300, 350, steps=5)
    tab.mouse.up()
    wait_until(tab, "location.hash !== '#12/39.75/46.75'")
    zoom, lat, lon = tab.evaluate("location.hash.slice(1).split('/').map(Number)")
    centre = tab.evaluate("(() => { const c = heritageApp.map.getCenter(); return [c.lat, c.lng]; })()")
    assert zoom == 12 and abs(lat - centre[0]) < 1e-3 and abs(lon - centre[1]) < 1e-3 and lon > 46.75
    assert tab.evaluate("history.length") == length

    # The user edits the hash: the map moves there.
    tab.evaluate("location.hash = '#9/39.9/46.9'")
    wait_until(tab, "heritageApp.map.getZoom() === 9")
    assert abs(tab.evaluate("heritageApp.map.getCenter().lat") - 39.9) < 1e-6
    tab.evaluate("location.hash = '#site=gregory-chapel'")
    tab.locator(".heritage-popup .heritage-site[data-site=gregory-chapel]").wait_for()
    assert_clean(tab, log, search_map)


def test_a_site_in_the_address_opens_and_stays_named(page: tuple[Any, PageLog], search_map: Path) -> None:
    tab, log = page
    open_map(tab, search_map, "#site=old-synagogue")
    tab.locator(".heritage-popup .heritage-site[data-site=old-synagogue]").wait_for()
    tab.wait_for_timeout(700)  # the popup has made room for itself: a move the user did not make
    assert tab.evaluate("location.hash") == "#site=old-synagogue"
    # An address that names nothing: the map opens on the sites.
    for hash in ("#site=nobody", "#3/95/10", "#3/10/181", "#abc", "#site=%E0%A4%A"):
        open_map(tab, search_map, hash)
        assert tab.evaluate("heritageApp.map.getBounds().contains([39.99, 46.93])"), hash
    assert_clean(tab, log, search_map)


def test_view_opens_on_that_box(page: tuple[Any, PageLog], invoke: Invoke, catalogue: Catalogue) -> None:
    tab, log = page
    plain, boxed, across = (catalogue.root / "maps" / name for name in ("plain.html", "boxed.html", "across.html"))
    assert invoke("map", "-o", str(plain), catalogue=catalogue).exit_code == 0
    result = invoke("map", "-o", str(boxed), "--view", "44,38,50,42", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    open_map(tab, plain)  # one site: a sensible zoom around it, not the deepest
    assert 10 <= tab.evaluate("heritageApp.map.getZoom()") <= 14
    assert_clean(tab, log, plain)
    log.requests.clear()
    open_map(tab, boxed)
    shown = tab.evaluate(
        "(() => { const b = heritageApp.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    assert shown[0] <= 44 and shown[1] <= 38 and shown[2] >= 50 and shown[3] >= 42
    assert shown[2] - shown[0] < 20 and tab.evaluate("heritageApp.map.getZoom()") < 10
    assert_clean(tab, log, boxed)
    # West greater than east: the box across 180.
    assert invoke("map", "-o", str(across), "--view", "170,-20,-170,-10", catalogue=catalogue).exit_code == 0
    open_map(tab, across)
    shown = tab.evaluate("(() => { const b = heritageApp.map.getBounds(); return [b.getWest(), b.getEast()]; })()")
    assert 150 < shown[0] <= 170 and 190 <= shown[1] < 230, shown


@pytest.mark.parametrize(
    ("view", "message"),
    [
        ("44,38,50", "is not four numbers W,S,E,N"),
        ("44,38,50,x", "north 'x' is not a number of degrees"),
        ("44,38,190,42", "east 190 is outside [-180, 180]"),
        ("44,42,50,38", "south 42 is not below north 38"),
        ("44,38,44,42", "west and east are both 44"),
        ("44,nan,50,42", "south 'nan' is not a number of degrees"),
    ],
)
def test_a_bad_view_is_refused_clearly(invoke: Invoke, catalogue: Catalogue, view: str, message: str) -> None:
    output = catalogue.root / "maps" / "bad.html"
    result = invoke("map", "-o", str(output), "--view", view, catalogue=catalogue)
    assert result.exit_code == 2 and message in result.output and "--view" in result.output
    assert not output.exists()


def test_the_library_checks_a_view_too() -> None:
    assert check_view((170, -20, -170, -10)) == (170.0, -20.0, -170.0, -10.0)
    for bad, message in [((0, 0, 5), "four numbers"), ((0, 5, 5, 5), "not below"), ((0, float("nan"), 5, 6), "south")]:
        with pytest.raises(InvalidInput, match=message):
            check_view(bad)  # type: ignore[arg-type]


def test_on_a_phone_the_sites_open_above_the_panel(browser: Any, search_map: Path) -> None:
    context = browser.new_context(viewport={"width": 400, "height": 800})
    tab = context.new_page()
    log = watch(tab)
    open_map(tab, search_map)
    lowest, panel_top = tab.evaluate(
        """(() => { const a = heritageApp, s = a.data.sites; let low = 0;
        for (let i = 0; i < a.n; i++) if (s.x[i] !== null)
          low = Math.max(low, a.map.latLngToContainerPoint([s.y[i] / 1e5, s.x[i] / 1e5]).y);
        return [low, document.getElementById('heritage-panel').getBoundingClientRect().top]; })()"""
    )
    assert lowest < panel_top
    assert_clean(tab, log, search_map)
    context.close()


def test_sites_on_both_sides_of_180_open_close_up_and_drawn(page: tuple[Any, PageLog], tmp_path: Path) -> None:
    """A catalogue across the 180th meridian opens on the narrow box across it, not on the whole
    world; the sites east of 180 are drawn on the next copy of the world, and a popup opens beside
    the site on screen, not at its twin a world away."""
    tab, log = page
    sites = [
        decode(Site, json.dumps(site_doc(f"s-{k}", geometry={"type": "Point", "coordinates": [lon, -17.5]})).encode())
        for k, lon in enumerate((179.4, -179.6, 178.2))
    ]
    source = decode(Source, json.dumps(source_doc()).encode())
    data = MapInput("Fiji", sites, {}, allegations=[], sources={"src-chw": source})
    path = tmp_path / "fiji.html"
    path.write_text(render_map(build_payload(data, date(2026, 11, 28)))[0], encoding="utf-8")
    open_map(tab, path)
    assert tab.evaluate("heritageApp.map.getZoom()") >= 6
    west, east = tab.evaluate("[heritageApp.map.getBounds().getWest(), heritageApp.map.getBounds().getEast()]")
    assert west < 178.2 and east > 180.4 and east - west < 20
    assert tab.evaluate("heritageMap.drawn + heritageMap.clustered") == 3
    tab.evaluate("heritageApp.openSite(heritageApp.data.sites.id.indexOf('s-1'))")
    wait_until(tab, "document.querySelector('.heritage-popup') !== null")
    popup = "heritageApp.map._popup"
    assert tab.evaluate(f"heritageApp.map.hasLayer({popup}) && {popup}.getLatLng().lng") == 180.4
    assert_clean(tab, log, path)


def test_on_a_phone_the_scale_is_not_under_the_panel(browser: Any, search_map: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    log = watch(tab)
    open_map(tab, search_map)
    scale, zoom, panel = tab.evaluate(
        """(() => { const box = s => { const b = document.querySelector(s).getBoundingClientRect();
          return [b.left, b.top, b.right, b.bottom]; };
        return [box('.leaflet-control-scale'), box('.leaflet-control-zoom'), box('#heritage-panel')]; })()"""
    )
    assert scale[3] < panel[1] and scale[1] >= zoom[3]  # between the zoom buttons and the panel
    assert tab.locator(".leaflet-control-scale").is_visible()
    assert_clean(tab, log, search_map)
    context.close()

"""`heritage map`, opened in Debian's Chromium: offline, complete, working controls, nothing injected."""

from __future__ import annotations

import json
import re
import sqlite3
import struct
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Invoke, report_doc, site_doc, source_doc
from heritage import mapdata
from heritage.browser import PageLog, load, wait_until
from heritage.cli import ExitCode
from heritage.codec import decode
from heritage.mapdata import MapInput, build_payload, load_map_input
from heritage.models import Allegation, ConditionReport, Site, Source
from heritage.store import Catalogue
from heritage.webmap import build_map, render_map

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=2;alert(2)</script>",
    "${window.__pwned=3}`)",
    "\\x3cimg src=x onerror=alert(4)\\x3e",
    "<svg onload=alert(5)>",
    "&lt;b&gt;entity&lt;/b&gt; and a \\u2028 escape",
    "{{ 7*7 }} {% if true %}jinja{% endif %} {# comment #} {{ this.__class__ }}",
]


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("map") / "index.html"
    (output.parent / "dossiers").mkdir()
    # A dossier of the map's own edition (the default, mission): the map links to it.
    (output.parent / "dossiers" / "dadivank.html").write_text('<meta name="heritage-audience" content="mission">')
    build_map(Catalogue.open(REPO), output, as_of=date(2026, 11, 28))
    return output


def assert_clean(log: PageLog, path: Path) -> None:
    assert log.foreign_requests(path.resolve().as_uri()) == []
    assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []


def test_the_map_is_one_file_with_no_link_to_the_network(sample_map: Path) -> None:
    html = sample_map.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?https?:", html)
    for host in ("cdn.jsdelivr", "code.jquery", "cdnjs", "bootstrapcdn", "fontawesome", "unpkg"):
        assert host not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "L.Icon.Default.mergeOptions" in html and '"iconUrl": "data:image/png;base64,' in html


def test_the_sample_map_in_chromium(page: tuple[Any, PageLog], sample_map: Path) -> None:
    tab, log = page
    load(tab, sample_map)
    assert_clean(log, sample_map)
    state = tab.evaluate(
        "({n: heritageApp.n, shown: heritageApp.shown, located: heritageApp.shownLocated,"
        " title: document.getElementById('heritage-title').textContent})"
    )
    assert state["n"] == 34 and state["shown"] == 34 and state["located"] == 33
    assert "sample catalogue" in state["title"] and "as of 2026-11-28" in state["title"]
    assert "34 of 34 sites shown (1 without location)" in state["title"]
    unlocated = tab.locator("#heritage-unlocated button").all_inner_texts()
    assert unlocated == ["Holy Resurrection Church (Surb Harutyun), Hadrut"]
    legend = tab.locator("[data-filter=condition] label").all_inner_texts()
    assert [line.split("\n")[0].strip() for line in legend][:2] == ["Intact", "Minor damage"]
    # The canvas really has coloured pixels where the sites are.
    drawn = tab.evaluate("""() => {
        const c = document.querySelector('canvas.heritage-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 200) n++; return n; }""")
    assert drawn > 500


def site_point(tab: Any, site_id: str) -> dict[str, float]:
    return tab.evaluate(
        """id => { const a = heritageApp, i = a.data.sites.id.indexOf(id);
        const p = a.map.latLngToContainerPoint([a.data.sites.y[i] / 1e5, a.data.sites.x[i] / 1e5]);
        const box = a.map.getContainer().getBoundingClientRect();
        return {x: p.x + box.left, y: p.y + box.top}; }""",
        site_id,
    )


def test_clicking_a_site_opens_everything_about_it(page: tuple[Any, PageLog], sample_map: Path) -> None:
    tab, log = page
    load(tab, sample_map)
    tab.evaluate("heritageApp.map.setView([40.1614, 46.288], 12, {animate: false})")
    tab.wait_for_timeout(250)  # let Leaflet settle the view before a person would click
    point = site_point(tab, "dadivank")
    tab.mouse.click(point["x"], point["y"])
    popup = tab.locator(".heritage-popup .heritage-site")
    popup.wait_for()
    text = popup.inner_text()
    for expected in (
        "Dadivank Monastery (Khutavank)",
        "Դադիվանք (Խութավանք)",
        "Xudavəng monastırı",
        "Monastery",
        "Armenian Apostolic Christianity",
        "observed 2020-11-25",
        "document review",
        "reliability F",
        "1 condition report(s) in force by 2026-11-28 (1 recorded in all) · 3 allegation(s)",
        "Mubariz Gurbanli",
        "reported",
    ):
        assert expected in text, expected
    assert popup.locator("a.heritage-dossier").get_attribute("href") == "dossiers/dadivank.html"
    assert popup.locator("a[href^='https://sv.wiki7.org']").count() == 1
    assert_clean(log, sample_map)


def test_filters_search_and_the_date_slider(page: tuple[Any, PageLog], sample_map: Path) -> None:
    tab, log = page
    load(tab, sample_map)

    def shown() -> int:
        return int(tab.evaluate("heritageApp.shown"))

    destroyed = tab.locator("[data-filter=condition] label", has_text="Destroyed").locator("input")
    destroyed.uncheck()
    assert shown() == 30
    destroyed.check()
    assert shown() == 34
    tab.locator("[data-filter=status] label", has_text="no allegation").locator("input").uncheck()
    assert shown() == 27
    tab.locator("[data-filter=status] label", has_text="no allegation").locator("input").check()
    tab.locator("summary", has_text="Site type").click()
    tab.locator("[data-filter=type] label", has_text="Mosque").locator("input").uncheck()
    assert shown() == 29
    tab.locator("[data-filter=type] label", has_text="Mosque").locator("input").check()
    for query, expected in [
        ("Դադիվանք", {"dadivank"}),
        ("xudaveng", {"dadivank"}),
        ("Gövhər", {"yukhari-govhar-agha-mosque", "ashaghi-govhar-agha-mosque"}),
        ("govhar agha", {"yukhari-govhar-agha-mosque", "ashaghi-govhar-agha-mosque"}),
        ("kanach zham", {"kanach-zham"}),
        ("dadivank", {"dadivank"}),
    ]:
        tab.fill("#heritage-search", query)
        wait_until(tab, f"heritageApp.filters.query === {json.dumps(query)}")  # past the typing delay
        ids = tab.evaluate("heritageApp.data.sites.id.filter((id, i) => heritageApp.visible[i])")
        assert set(ids) == expected, query
    tab.fill("#heritage-search", "")
    wait_until(tab, "heritageApp.shown === 34")

    def condition_of(site_id: str) -> str:
        return str(
            tab.evaluate(
                "id => heritageApp.data.vocab.condition[heritageApp.cond[heritageApp.data.sites.id.indexOf(id)]][0]",
                site_id,
            )
        )

    slider = tab.locator("#heritage-slider")
    for day, expected in [
        (date(2022, 1, 1), "severe_damage"),
        (date(2024, 4, 3), "severe_damage"),
        (date(2024, 4, 4), "destroyed"),
        (date(2020, 1, 1), "unknown"),
    ]:
        slider.fill(str((day - date(1970, 1, 1)).days))
        wait_until(tab, f"document.getElementById('heritage-date').textContent === '{day.isoformat()}'")
        assert condition_of("kanach-zham") == expected, day
    assert "as of 2020-01-01" in tab.locator("#heritage-title").inner_text()
    # Allegations made after the date are not yet on the map.
    assert tab.evaluate("heritageApp.status[heritageApp.data.sites.id.indexOf('kanach-zham')]") == -1
    tab.locator("text=latest").click()
    assert condition_of("kanach-zham") == "destroyed"
    assert_clean(log, sample_map)


def hostile_input() -> MapInput:
    now = "2026-01-01T00:00:00Z"
    names = [
        {"lang": "en", "text": PAYLOADS[0]},
        {"lang": "hy", "text": PAYLOADS[1]},
        {"lang": "ru", "text": "Шуша " + PAYLOADS[2]},
        {"lang": "az", "text": PAYLOADS[3]},
        {"lang": "en-GB", "text": PAYLOADS[6]},
    ]
    site = decode(
        Site, json.dumps(site_doc("evil", names=names, period={"label": PAYLOADS[4]}, type="church")).encode()
    )
    # The models refuse javascript: links; the page must not rely on that alone.
    source = decode(Source, json.dumps(source_doc(title=PAYLOADS[5], publisher=PAYLOADS[0])).encode())
    source = source.model_copy(update={"url": "javascript:window.__pwned=6"})
    report = decode(ConditionReport, json.dumps(report_doc(site="evil", notes=PAYLOADS[1] + "\u2028next")).encode())
    allegation = decode(
        Allegation,
        json.dumps(
            {
                "id": "a-evil",
                "claimant": {"name": PAYLOADS[1], "kind": "person"},
                "made_on": "2021",
                "source": {"source": "src-chw"},
                "sites": ["evil"],
                "acts": ["vandalism"],
                "summary": PAYLOADS[0],
                "recorded_at": now,
                "recorded_by": "x",
            }
        ).encode(),
    )
    return MapInput(
        name=PAYLOADS[0] + " catalogue",
        sites=[site],
        reports={"evil": [report]},
        allegations=[allegation],
        sources={"src-chw": source},
        parties={},
        site_types={"church": PAYLOADS[4]},
        traditions={"armenian_apostolic": PAYLOADS[2]},
    )


@pytest.mark.parametrize("packed", [False, True])
def test_hostile_catalogue_text_executes_nothing(
    page: tuple[Any, PageLog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packed: bool
) -> None:
    tab, log = page
    path = tmp_path / "evil.html"
    if packed:  # a large catalogue's data go in gzipped, unescaped inside
        monkeypatch.setattr(mapdata, "COMPRESS_ABOVE", 1000)
    html, encoding = render_map(build_payload(hostile_input(), date(2026, 11, 28)))
    assert encoding == ("gzip-base64" if packed else "json")
    path.write_text(html, encoding="utf-8")
    assert "</script><script>window.__pwned" not in html
    load(tab, path)
    tab.evaluate("heritageApp.openSite(0)")
    popup = tab.locator(".heritage-popup .heritage-site")
    popup.wait_for()
    tab.fill("#heritage-search", "шуша")
    wait_until(tab, "heritageApp.shown === 1")
    tab.wait_for_timeout(200)
    assert tab.evaluate("window.__pwned") is None
    assert log.dialogs == [] and log.page_errors == []
    text = popup.inner_text()
    for payload in (*PAYLOADS[:4], PAYLOADS[6]):
        assert payload in text  # shown as typed: not markup, not a template
    assert tab.locator(".heritage-popup img, .heritage-popup svg, .heritage-popup script").count() == 0
    assert popup.locator("a").count() == 0  # the javascript: link is shown as text, not as a link
    assert PAYLOADS[0] in tab.locator("#heritage-title h1").inner_text()
    assert PAYLOADS[0] in tab.title()


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x40\x80\xc0" * 256 for _ in range(256))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_local_mbtiles_basemap_is_carried_inside_the_page(
    page: tuple[Any, PageLog], invoke: Invoke, tmp_path: Path
) -> None:
    tab, log = page
    mbtiles = tmp_path / "base.mbtiles"
    with sqlite3.connect(mbtiles) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.executemany(
            "INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("attribution", "<b>Test</b> tiles &copy; us")]
        )
        for z in range(0, 8):
            for x in range(max(0, int((46.0 + 180) / 360 * 2**z) - 1), min(2**z, int((47.5 + 180) / 360 * 2**z) + 2)):
                for y in range(2**z):
                    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, tiny_png()))
    output = tmp_path / "tiled.html"
    result = invoke("map", "-o", str(output), "--tiles", str(mbtiles), catalogue=REPO)
    assert result.exit_code == 0, result.output
    load(tab, output)
    wait_until(tab, "document.querySelectorAll('.heritage-local-tiles img[src^=\"data:image/png\"]').length > 0")
    assert "Test tiles © us" in tab.locator(".leaflet-control-attribution").inner_text()
    assert tab.locator(".leaflet-control-attribution b").count() == 0
    assert_clean(log, output)


def test_online_tiles_are_only_added_when_asked(invoke: Invoke, tmp_path: Path) -> None:
    offline, online = tmp_path / "offline.html", tmp_path / "online.html"
    assert invoke("map", "-o", str(offline), catalogue=REPO).exit_code == 0
    assert invoke("map", "-o", str(online), "--online-tiles", catalogue=REPO).exit_code == 0
    assert "tile.openstreetmap.org" not in offline.read_text() and "arcgisonline" not in offline.read_text()
    text = online.read_text()
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in text and "World_Imagery" in text
    assert "img-src data: blob: https://tile.openstreetmap.org https://server.arcgisonline.com" in text


def test_a_large_catalogue_is_compressed_and_still_opens(
    page: tuple[Any, PageLog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab, log = page
    monkeypatch.setattr(mapdata, "COMPRESS_ABOVE", 1000)
    output = tmp_path / "packed.html"
    result = build_map(Catalogue.open(REPO), output)
    assert result.encoding == "gzip-base64"
    load(tab, output)
    assert tab.evaluate("heritageApp.n") == 34
    assert_clean(log, output)


def test_map_command(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("map", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert (catalogue.root / "maps" / "index.html").is_file()
    assert "1 site on the map" in result.output  # one site, said in the singular
    bad = invoke("map", "--as-of", "2021-02-30", catalogue=catalogue)
    assert bad.exit_code == 2 and "is not a date" in bad.output
    missing = invoke("map", "--tiles", str(catalogue.root / "nope.mbtiles"), catalogue=catalogue)
    assert missing.exit_code == 2


def test_payload_is_compact_and_complete() -> None:
    payload = build_payload(load_map_input(Catalogue.open(REPO)), date(2026, 11, 28))
    sites = payload["sites"]
    assert len(sites["id"]) == 34 and sites["x"][sites["id"].index("holy-resurrection-hadrut")] is None
    i = sites["id"].index("kanach-zham")
    scale = [c[0] for c in payload["vocab"]["condition"]]
    history = json.loads(sites["hist"][i])
    assert [scale[h[2]] for h in history] == ["severe_damage", "severe_damage", "destroyed"]
    assert [len(h) for h in history] == [5, 5, 5]  # no certainty stated: none carried
    assert len(sites["alg"][i]) == 4
    assert payload["meta"]["firstDay"] == (date(1930, 1, 1) - date(1970, 1, 1)).days


def test_an_outline_of_the_catalogues_areas_is_drawn(page: tuple[Any, PageLog], tmp_path: Path) -> None:
    import shutil

    tab, log = page
    root = tmp_path / "cat"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", "heritage", "tests", "maps", "*.md"))
    outline = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": PAYLOADS[1]},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[46.2, 39.4], [47.2, 39.4], [47.2, 40.3], [46.2, 40.3], [46.2, 39.4]]],
                },
            }
        ],
    }
    (root / "areas.geojson").write_text(json.dumps(outline), encoding="utf-8")
    output = tmp_path / "map.html"
    build_map(Catalogue.open(root), output)
    assert "</script><script>window.__pwned" not in output.read_text()  # names are not carried at all
    load(tab, output)
    outlines = tab.evaluate(
        "(() => { let n = 0; heritageApp.map.eachLayer(l => { if (l instanceof L.Polygon) n++; }); return n; })()"
    )
    assert outlines == 1
    assert_clean(log, output)


def test_a_tile_folder_is_read_like_an_mbtiles_file(tmp_path: Path) -> None:
    from heritage.errors import InvalidInput
    from heritage.webmap.tiles import read_tiles

    for z, x, y in [(0, 0, 0), (1, 1, 0), (1, 1, 1)]:
        (tmp_path / "tiles" / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (tmp_path / "tiles" / str(z) / str(x) / f"{y}.png").write_bytes(tiny_png())
    (tmp_path / "tiles" / "README.txt").write_text("not a tile")
    pyramid = read_tiles(tmp_path / "tiles")
    assert set(pyramid.tiles) == {"0/0/0", "1/1/0", "1/1/1"} and pyramid.max_zoom == 1
    assert pyramid.media_type == "image/png"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match="no tiles found"):
        read_tiles(tmp_path / "empty")
    (tmp_path / "bad.mbtiles").write_text("not sqlite")
    with pytest.raises(InvalidInput, match="MBTiles"):
        read_tiles(tmp_path / "bad.mbtiles")


def test_a_change_map_shows_before_and_after(page: tuple[Any, PageLog], tmp_path: Path) -> None:
    tab, log = page
    output = tmp_path / "changes.html"
    result = build_map(Catalogue.open(REPO), output, changes=(date(2020, 11, 10), date(2024, 12, 31)))
    assert result.sites == 3
    load(tab, output)
    tab.evaluate("heritageApp.openSite(heritageApp.data.sites.id.indexOf('ghazanchetsots-cathedral'))")
    change = tab.locator(".heritage-popup .heritage-change")
    change.wait_for()
    assert change.inner_text() == (
        "Between 2020-11-10 and 2024-12-31: Moderate damage → Altered (rebuilt, converted, markers removed)"
    )
    assert "changes 2020-11-10 → 2024-12-31" in tab.locator("#heritage-title").inner_text()
    assert_clean(log, output)


JINJA_ATTACK = "{{ lipsum.__globals__.os.mkdir(dict(pwned=1)|first) }}{{ 7*7 }}{# x"


def test_outlines_and_tiles_never_reach_a_template(invoke: Invoke, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "cat"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", "heritage", "tests", "maps", "*.md", "docs"))
    outline = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"x": JINJA_ATTACK},
                "geometry": {
                    "type": "Polygon",
                    "note": JINJA_ATTACK,
                    "coordinates": [[[46.2, 39.4], [47.2, 39.4], [47.2, 40.3], [46.2, 39.4]]],
                },
            }
        ],
    }
    (root / "areas.geojson").write_text(json.dumps(outline))
    mbtiles = tmp_path / "evil.mbtiles"
    with sqlite3.connect(mbtiles) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column, tile_row INTEGER, tile_data BLOB)")
        db.execute("INSERT INTO metadata VALUES ('format', 'png'), ('attribution', ?)", (JINJA_ATTACK,))
        db.execute("INSERT INTO tiles VALUES (0, 0, 0, ?)", (tiny_png(),))
    output = tmp_path / "map.html"
    result = invoke("map", "-o", str(output), "--tiles", str(mbtiles), catalogue=root)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    page = output.read_text()
    outline_script = page[page.index("L.geoJSON(") :].split("interactive", 1)[0]
    assert "49" not in re.findall(r"attribution: ([^,]*)", page)[0] and "note" not in outline_script
    with sqlite3.connect(mbtiles) as db:
        db.execute("INSERT INTO tiles VALUES (1, ?, 0, ?)", (JINJA_ATTACK, tiny_png()))
    bad = invoke("map", "-o", str(output), "--tiles", str(mbtiles), catalogue=root)
    assert bad.exit_code == ExitCode.INVALID and "impossible address" in bad.output


@pytest.mark.parametrize("geometry", ['"x"', '{"type": "Blob"}', '{"type": "Polygon", "coordinates": [[[NaN, 1]]]}'])
def test_a_malformed_outline_is_refused(invoke: Invoke, tmp_path: Path, geometry: str) -> None:
    import shutil

    root = tmp_path / "cat"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", "heritage", "tests", "maps", "*.md", "docs"))
    (root / "areas.geojson").write_text('{"type": "Feature", "properties": {}, "geometry": ' + geometry + "}")
    result = invoke("map", "-o", str(tmp_path / "m.html"), catalogue=root)
    assert result.exit_code == ExitCode.INVALID and "areas.geojson" in result.output
    assert not (tmp_path / "m.html").exists()


def test_each_audience_sees_only_what_it_may(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    add = [
        (
            "site",
            "add",
            "--id",
            "secret-shrine",
            "--name",
            "en=SECRET-SHRINE-NAME",
            "--lat",
            "39.612345",
            "--lon",
            "46.923456",
            "--type",
            "shrine",
            "--sensitivity",
            "confidential",
        ),
        (
            "site",
            "add",
            "--id",
            "guarded-church",
            "--name",
            "en=Guarded church",
            "--lat",
            "39.654321",
            "--lon",
            "46.987654",
            "--type",
            "church",
            "--sensitivity",
            "restricted",
            "--location-source",
            "RESTRICTED-COORDINATE-SOURCE",
        ),
        (
            "source",
            "add",
            "--id",
            "src-witness",
            "--title",
            "WITNESS-STATEMENT-TITLE",
            "--kind",
            "testimony",
            "--sensitivity",
            "confidential",
        ),
        (
            "report",
            "add",
            "--site",
            "guarded-church",
            "--observed",
            "2022-01-01",
            "--condition",
            "destroyed",
            "--method",
            "testimony",
            "--source",
            "src-witness",
        ),
    ]
    for command in add:
        assert invoke(*command, catalogue=catalogue).exit_code == 0
    pages = {}
    for audience in ("public", "mission", "internal"):
        output = tmp_path / f"{audience}.html"
        assert invoke("map", "-o", str(output), "--audience", audience, catalogue=catalogue).exit_code == 0
        pages[audience] = output.read_text(encoding="utf-8")
    assert "SECRET-SHRINE-NAME" in pages["internal"] and "WITNESS-STATEMENT-TITLE" in pages["internal"]
    for audience in ("public", "mission"):
        assert "SECRET-SHRINE-NAME" not in pages[audience] and "WITNESS-STATEMENT-TITLE" not in pages[audience]
        secret = (str(round(46.923456 * 1e5)), str(round(39.612345 * 1e5)))
        assert secret[0] in pages["internal"] and secret[1] in pages["internal"]
        assert secret[0] not in pages[audience] and secret[1] not in pages[audience]
    guarded = (str(round(46.987654 * 1e5)), str(round(39.654321 * 1e5)))
    assert guarded[0] in pages["mission"]  # a mission sees restricted sites where they are
    assert guarded[0] not in pages["public"] and guarded[1] not in pages["public"]
    assert "4700000" in pages["public"] and "3970000" in pages["public"]  # at about 10 km
    assert "RESTRICTED-COORDINATE-SOURCE" not in pages["public"]
    assert "public edition" in pages["public"] or '"audience":"public"' in pages["public"]


def test_the_popup_says_a_site_has_competing_corrections(page: tuple[Any, PageLog], tmp_path: Path) -> None:
    tab, log = page
    payload = build_payload(hostile_input(), date(2026, 11, 28))
    payload["disputed"] = {"0": 2}  # as `build_payload` writes it for a site whose report has two rivals
    path = tmp_path / "disputed.html"
    path.write_text(render_map(payload)[0], encoding="utf-8")
    load(tab, path)
    tab.evaluate("heritageApp.openSite(0)")
    popup = tab.locator(".heritage-popup .heritage-site")
    popup.wait_for()
    assert "2 competing corrections of one report, not yet settled" in popup.inner_text()
    assert log.page_errors == []

"""The mission package's front page: the allegations it lists, the two root hashes it names, and
the dossiers' name badges as Chromium lays them out."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, Invoke, allegation_doc, site_doc, source_doc
from heritage.codec import decode
from heritage.integrity import root_hash_of
from heritage.mission import export_mission
from heritage.mission_page import CATALOGUE_ROOT_WORDS, PACKAGE_ROOT_WORDS
from heritage.models import Allegation, Site, Source
from heritage.store import Catalogue

HOSTILE = '<script>alert("x")</script>'


def text_of(html: str) -> str:
    """What a reader sees of some HTML: its text, without the markup."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def add(catalogue: Catalogue, kind: type, document: dict[str, Any]) -> None:
    record = decode(kind, json.dumps(document).encode())
    {Site: catalogue.add_site, Source: catalogue.add_source, Allegation: catalogue.add_allegation}[kind](record)


@pytest.fixture
def claims(catalogue: Catalogue) -> Catalogue:
    """The test catalogue with a hostile site and claimant, a claim about a site beyond the
    package, a witness's claim, and claims a mission may not see."""
    names = [{"lang": "en", "text": f"Mosque {HOSTILE}"}, {"lang": "az", "text": "Cümə məscidi"}]
    add(catalogue, Site, site_doc("mosque-x", names=names, type="mosque", tradition="shia_islam"))
    add(catalogue, Site, site_doc("far-away", names=[{"lang": "en", "text": "Far Away Chapel"}]))
    add(catalogue, Source, source_doc("src-hidden", sensitivity="confidential"))
    claimant = {"name": f"Office {HOSTILE}", "kind": "organisation", "party": "side-b"}
    both = allegation_doc(
        "a-both",
        claimant=claimant,
        made_on="2021-03",
        sites=["st-sargis", "mosque-x", "far-away"],
        acts=["damage_by_shelling", "looting"],
    )
    add(catalogue, Allegation, both)
    witness = {"name": "Jane Witness", "kind": "person"}
    add(catalogue, Allegation, allegation_doc("a-witness", claimant=witness, sites=["mosque-x"], acts=["vandalism"]))
    add(catalogue, Allegation, allegation_doc("a-secret", sensitivity="confidential"))
    add(catalogue, Allegation, allegation_doc("a-in-hidden-source", source={"source": "src-hidden"}))
    return catalogue


def front_page(catalogue: Catalogue, folder: Path, site_ids: set[str]) -> str:
    sites = [s for s in catalogue.sites() if s.id in site_ids]
    export_mission(catalogue, "Test", sites, folder, pdf=False, today=date(2026, 1, 5))
    return (folder / "data" / "index.html").read_text(encoding="utf-8")


def test_the_front_page_lists_the_packages_allegations_escaped(claims: Catalogue, tmp_path: Path) -> None:
    page = front_page(claims, tmp_path / "pkg", {"st-sargis", "mosque-x"})
    section = page[page.index('<section id="allegations">') : page.index("</section>", page.index('id="allegations"'))]
    # Each allegation the mission may see, once, oldest first; none it may not see, not even by id.
    listed = [chunk.split('"', 1)[0] for chunk in section.split('data-allegation="')[1:]]
    assert listed == ["a-both", "a-1", "a-witness"]
    assert "a-secret" not in page and "a-in-hidden-source" not in page and "Jane Witness" not in page
    text = text_of(section)
    assert "Allegations (3)" in text
    both = text[text.index(f"Office {HOSTILE}") : text.index("a-both")]
    assert "(Side B), 2021-03 — damage by shelling, looting · damage reported · attribution reported" in both
    assert "Ministry A (Side A), 2022-07-10 — destruction" in text
    assert "a person (name withheld) (no party)" in text
    # The sites in the package with their names in every language; the one beyond it is not named.
    assert f"Mosque {HOSTILE} [en] · Cümə məscidi [az]" in text and "St Sargis [en] · Սուրբ Սարգիս [hy]" in text
    assert "and site(s) outside this package" in text and "Far Away" not in page
    assert "<script>" not in page.split("<script>\n(function")[0]  # the page's own script only
    assert "Office &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in section
    # The chart counts allegations, each once however many of the package's sites it is about.
    chart = unescape(page[page.index("Allegations by claimant") : page.index("</svg>", page.index("Allegations by"))])
    assert ">Side B</text>" in chart and ">no party</text>" in chart and ">Side A</text>" in chart
    assert chart.count(">1</text>") == 3


def test_the_sample_package_lists_its_allegations(tmp_path: Path) -> None:
    catalogue = Catalogue.open(REPO)
    sites = [s for s in catalogue.sites() if s.id in {"kanach-zham", "ghazanchetsots-cathedral"}]
    export_mission(catalogue, "Shusha", sites, tmp_path / "pkg", pdf=False)
    text = text_of((tmp_path / "pkg" / "data" / "index.html").read_text(encoding="utf-8"))
    assert "Allegations (7)" in text and "a-kanach-zham-2020-11-19-06" in text
    assert "Կանաչ Ժամ (Սուրբ Հովհաննես Մկրտիչ եկեղեցի) [hy]" in text


def test_one_wording_for_each_root_hash(claims: Catalogue, tmp_path: Path, invoke: Invoke) -> None:
    folder = tmp_path / "pkg"
    result = invoke(
        "mission", "export", "--name", "T", "--sites", "st-sargis", "-o", str(folder), "--no-pdf", catalogue=claims
    )
    assert result.exit_code == 0, result.output
    package_root = json.loads((folder / "manifest.json").read_text())["root"]
    catalogue_root = root_hash_of(claims)
    assert package_root != catalogue_root
    lines = result.output.splitlines()
    assert f"package root {package_root}: {PACKAGE_ROOT_WORDS}" in lines
    assert f"catalogue root {catalogue_root}: {CATALOGUE_ROOT_WORDS}" in lines
    # The page names both in the same words; only the catalogue's hash can be on it.
    page = text_of((folder / "data" / "index.html").read_text(encoding="utf-8"))
    assert PACKAGE_ROOT_WORDS in page and f"Catalogue root {catalogue_root}: {CATALOGUE_ROOT_WORDS}." in page
    assert "Catalogue root hash" not in page
    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    assert f": {PACKAGE_ROOT_WORDS}\n" in guide and f": {CATALOGUE_ROOT_WORDS}\n" in guide
    assert "keep it, or send it to whoever" not in guide
    # And they are what they say: verify-package takes the one, and refuses the other.
    assert invoke("verify-package", str(folder), "--root", package_root).exit_code == 0
    assert invoke("verify-package", str(folder), "--root", catalogue_root).exit_code != 0


def test_name_badges_are_laid_out_apart(browser: Any, invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("dossier", "gtichavank", "-o", str(tmp_path), catalogue=REPO)
    assert result.exit_code == 0, result.output
    page = browser.new_page()
    try:
        page.goto((tmp_path / "gtichavank.html").as_uri())
        boxes = page.eval_on_selector_all(
            ".names .lang",
            """badges => badges.map(b => {
                const r = b.getBoundingClientRect(), name = b.closest("tr").cells[1].getBoundingClientRect();
                return {top: r.top, bottom: r.bottom, right: r.right, text: b.textContent, name: name.left,
                        background: getComputedStyle(b).backgroundColor};
            })""",
        )
    finally:
        page.close()
    assert [b["text"] for b in boxes] == ["en", "hy", "az", "az"]
    assert all(b["background"] != "rgba(0, 0, 0, 0)" for b in boxes)  # still drawn as badges
    for upper, lower in pairwise(boxes):
        assert lower["top"] - upper["bottom"] >= 4, (upper, lower)  # apart, not one dark column
    assert all(b["name"] - b["right"] >= 4 for b in boxes)  # and apart from the name beside each


def test_the_front_page_shows_the_sites_on_the_basemap_each_opening_its_dossier(
    claims: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xml.etree import ElementTree

    from basemap_layers import HOSTILE_TOWN, SVG, hostile_layers, labels, svgs

    monkeypatch.setattr("heritage.context.naturalearth.basemap", hostile_layers)
    page = front_page(claims, tmp_path / "pkg", {"st-sargis", "mosque-x"})
    overview = svgs(page[page.index('id="overview"') :])[0]
    links = {a.attrib["href"]: a for a in ElementTree.fromstring(overview).iter(f"{SVG}a")}
    assert set(links) == {"dossiers/st-sargis.html", "dossiers/mosque-x.html"}
    title = next(links["dossiers/mosque-x.html"].iter(f"{SVG}title")).text or ""
    assert HOSTILE in title  # the site's name as text, never as markup
    assert "<script>" not in page.split("<script>\n(function")[0]  # the page's own script is the only one
    assert any(HOSTILE_TOWN in label for label in labels(overview))
    assert "Basemap: Natural Earth (public domain)" in text_of(page)
    for href in links:
        assert (tmp_path / "pkg" / "data" / href).is_file()


def test_a_public_front_page_shows_a_restricted_site_only_where_the_public_may_see_it(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    from xml.etree import ElementTree

    from basemap_layers import SVG, svgs
    from heritage.context.naturalearth import grow
    from heritage.context.svgmap import Frame
    from heritage.mission_page import OVERVIEW_SIZE

    point = {"type": "Point", "coordinates": [46.7437, 39.7613]}
    add(catalogue, Site, site_doc("guarded", sensitivity="restricted", geometry=point))
    sites = [s for s in catalogue.sites() if s.id in {"st-sargis", "guarded"}]
    export_mission(catalogue, "Test", sites, tmp_path / "pkg", pdf=False, audience="public", today=date(2026, 1, 5))
    page = (tmp_path / "pkg" / "data" / "index.html").read_text(encoding="utf-8")
    circles = {
        a.attrib["href"]: next(a.iter(f"{SVG}circle")).attrib
        for a in ElementTree.fromstring(svgs(page[page.index('id="overview"') :])[0]).iter(f"{SVG}a")
    }
    lons, lats = (46.93, 46.7), (39.57, 39.8)  # st-sargis, and the restricted site to the nearest 0.1 degree
    frame = Frame.around(grow((min(lons), min(lats), max(lons), max(lats)), 0.1, 0.03), *OVERVIEW_SIZE)
    x, y = frame.xy(46.7, 39.8)
    assert (circles["dossiers/guarded.html"]["cx"], circles["dossiers/guarded.html"]["cy"]) == (f"{x:.1f}", f"{y:.1f}")

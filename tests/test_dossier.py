"""Site dossiers: complete, escaped, offline in Chromium, and a PDF whose Armenian text is real text."""

from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path
from typing import Any

import pytest

from basemap_layers import HOSTILE_LOCAL, HOSTILE_TOWN, hostile_layers, labels, site_dots, svgs
from conftest import REPO, Invoke, report_doc, site_doc, write
from heritage.browser import watch
from heritage.cli import ExitCode
from heritage.context import STYLES
from heritage.dossier import Shared, build_dossier, dossier_context, render_dossier
from heritage.store import Catalogue

HOSTILE = '<img src=x onerror="window.__pwned=1;alert(1)"></script>{{ 7*7 }}'


@pytest.fixture(scope="module")
def dossier_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("dossiers")
    result = build_dossier(Catalogue.open(REPO), "kanach-zham", folder, pdf=True, root_hash="f" * 64)
    assert result.pdf is not None
    return {"html": result.html, "pdf": result.pdf}


def test_the_dossier_holds_everything_about_the_site(dossier_files: dict[str, Path]) -> None:
    page = dossier_files["html"].read_text(encoding="utf-8")
    for expected in (
        "Kanach Zham (St John the Baptist Church)",
        "Կանաչ Ժամ",
        "Destroyed",
        "2023-12/2024-04-04",
        "Mother See of Holy Etchmiadzin",
        "An Azerbaijani news agency",
        "held by azerbaijan",
        "src-nok-armenien-kirche-in-schuschi-zerstort",
        "sample build (scripts/build_sample.py)",
        "f" * 64,
        "Condition over time",
        "<svg",
    ):
        assert expected in page, expected
    assert "<a " not in page.split("<h2>Sources</h2>")[0]  # links only to sources, which are checked http(s)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_the_pdf_has_real_armenian_text(dossier_files: dict[str, Path]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(dossier_files["pdf"]))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Կանաչ Ժամ" in text and "Kanach Zham" in text
    assert len(reader.pages) >= 2
    # The stylesheet reaches WeasyPrint as written (its quoted values were once HTML-escaped and
    # dropped): the fonts it names and the page numbers it prints.
    assert f"page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()


def test_hostile_text_is_escaped(catalogue: Catalogue) -> None:
    write(
        catalogue.root / "sites" / "evil.geojson",
        site_doc("evil", names=[{"lang": "en", "text": HOSTILE}], description=HOSTILE),
    )
    from heritage.codec import decode, encode
    from heritage.models import Site

    path = catalogue.root / "sites" / "evil.geojson"
    path.write_bytes(encode(decode(Site, path.read_bytes())))  # sealed like any record
    page = render_dossier(dossier_context(catalogue, "evil", "internal"))
    assert "<img src=x" not in page and "</script>{{" not in page
    assert "&lt;img src=x onerror=" in page and "{{ 7*7 }}" in page


def test_the_dossier_opens_offline_in_chromium(browser: Any, dossier_files: dict[str, Path]) -> None:
    page = browser.new_page()
    log = watch(page)
    page.goto(dossier_files["html"].resolve().as_uri())
    page.wait_for_load_state("load")
    assert log.foreign_requests(dossier_files["html"].resolve().as_uri()) == []
    assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []
    assert "Kanach Zham" in page.title()
    assert page.locator("svg").count() >= 2  # the locator map and the chart
    page.close()


def test_audiences(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    for command in (
        (
            "site",
            "add",
            "--id",
            "guarded",
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
            "--description",
            "RESTRICTED-DESCRIPTION",
        ),
        (
            "source",
            "add",
            "--id",
            "src-witness",
            "--title",
            "WITNESS-NAME",
            "--kind",
            "testimony",
            "--sensitivity",
            "confidential",
        ),
        (
            "report",
            "add",
            "--site",
            "guarded",
            "--observed",
            "2022-01-01",
            "--condition",
            "destroyed",
            "--method",
            "testimony",
            "--source",
            "src-witness",
            "--note",
            "WITNESS-ACCOUNT",
            "--sensitivity",
            "confidential",
        ),
    ):
        assert invoke(*command, catalogue=catalogue).exit_code == 0
    pages = {}
    for audience in ("public", "mission", "internal"):
        result = invoke(
            "dossier", "guarded", "-o", str(tmp_path / audience), "--audience", audience, catalogue=catalogue
        )
        assert result.exit_code == 0, result.output
        pages[audience] = (tmp_path / audience / "guarded.html").read_text(encoding="utf-8")
    assert "WITNESS-NAME" in pages["internal"] and "WITNESS-ACCOUNT" in pages["internal"]
    for audience in ("public", "mission"):
        assert "WITNESS-NAME" not in pages[audience] and "WITNESS-ACCOUNT" not in pages[audience]
    assert "39.65432" in pages["mission"] and "RESTRICTED-DESCRIPTION" in pages["mission"]
    assert "39.65432" not in pages["public"] and "RESTRICTED-DESCRIPTION" not in pages["public"]
    assert "39.70000, 47.00000" in pages["public"] and "public edition" in pages["public"]


def test_dossier_command(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    result = invoke("dossier", "--all", "-o", str(tmp_path / "d"), catalogue=catalogue)
    assert result.exit_code == 0 and "wrote 1 dossier(s)" in result.output
    assert (tmp_path / "d" / "st-sargis.html").is_file()
    assert invoke("dossier", "ghost", "-o", str(tmp_path / "d"), catalogue=catalogue).exit_code == ExitCode.NOT_FOUND
    assert invoke("dossier", catalogue=catalogue).exit_code == ExitCode.USAGE
    assert (
        invoke("dossier", "st-sargis", "-o", str(catalogue.root / "reports"), catalogue=catalogue).exit_code
        == ExitCode.INVALID
    )


def test_all_dossiers_skip_what_the_audience_may_not_see(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    assert (
        invoke(
            "site",
            "add",
            "--id",
            "secret",
            "--name",
            "en=Secret",
            "--type",
            "shrine",
            "--sensitivity",
            "confidential",
            catalogue=catalogue,
        ).exit_code
        == 0
    )
    result = invoke("dossier", "--all", "-o", str(tmp_path / "d"), catalogue=catalogue)
    assert result.exit_code == 0 and "wrote 1 dossier(s)" in result.output
    assert not (tmp_path / "d" / "secret.html").exists()
    named = invoke("dossier", "st-sargis", "nope", "-o", str(tmp_path / "e"), catalogue=catalogue)
    assert named.exit_code == ExitCode.NOT_FOUND and not (tmp_path / "e").exists()


def test_a_huge_image_gets_no_thumbnail_and_no_traceback(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    from PIL import Image

    big = tmp_path / "big.png"
    Image.new("1", (14000, 14000)).save(big, "PNG")  # 196 million pixels, a few kilobytes
    added = invoke("evidence", "add", str(big), "--source", "src-chw", catalogue=catalogue)
    assert added.exit_code == 0, added.output
    sha = added.output.split()[0]
    assert (
        invoke(
            "report",
            "add",
            "--site",
            "st-sargis",
            "--observed",
            "2022-01-01",
            "--condition",
            "intact",
            "--method",
            "remote_sensing",
            "--source",
            "src-chw",
            "--evidence",
            sha,
            catalogue=catalogue,
        ).exit_code
        == 0
    )
    result = invoke("dossier", "st-sargis", "-o", str(tmp_path / "d"), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert sha in (tmp_path / "d" / "st-sargis.html").read_text()


def test_the_locator_shows_other_sites_as_the_audience_may_see_them(catalogue: Catalogue) -> None:
    for site_id, level, point in (
        ("open", "public", [46.51, 39.81]),
        ("guarded", "restricted", [46.7437, 39.7613]),
        ("secret", "confidential", [47.1234, 40.2345]),
    ):
        write(
            catalogue.root / "sites" / f"{site_id}.geojson",
            site_doc(site_id, sensitivity=level, geometry={"type": "Point", "coordinates": point}),
        )

    past = time.time_ns() - 3600 * 10**9  # all written an hour ago: no time too recent to trust
    for folder, _, files in os.walk(catalogue.root):
        for name in [*files, "."]:
            os.utime(Path(folder) / name, ns=(past, past))

    def others(audience: str) -> set[tuple[float, float]]:
        return {(lon, lat) for _, lon, lat in Shared.load(catalogue).nearby("st-sargis", audience)}

    assert others("internal") == {(46.51, 39.81), (46.7437, 39.7613), (47.1234, 40.2345)}
    assert others("mission") == {(46.51, 39.81), (46.7437, 39.7613)}
    assert others("public") == {(46.51, 39.81), (46.7, 39.8)}  # a restricted site to the nearest 0.1 degree
    maps = dossier_context(catalogue, "st-sargis", "mission")["locator"].maps
    assert len(site_dots(maps[0])) == 2  # the two others, in the region
    # Made confidential in place (same folder listing): it leaves the next dossier's locator.
    path = catalogue.root / "sites" / "open.geojson"
    text = path.read_text()
    with path.open("r+", encoding="utf-8") as handle:
        handle.write(text.replace('"public"', '"confidential"', 1))
    assert others("mission") == {(46.7437, 39.7613)}


def test_the_dossier_and_the_form_say_how_sure_the_condition_is(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.forms import write_form
    from heritage.recording import add_report

    add_report(
        catalogue,
        {
            "site": "st-sargis",
            "observed": "2022-08~",
            "condition": "damaged",
            "certainty": "possible",
            "method": "remote_sensing",
            "sources": [{"source": "src-chw"}],
        },
        "tester",
    )
    page = render_dossier(dossier_context(catalogue, "st-sargis", "internal"))
    assert "Damaged (extent not known), possible" in page  # the condition now
    assert "damaged (possible)" in page and "2022-08~" in page  # its row, with the date as written
    assert 'stroke-dasharray="2 1.5"' in page  # drawn tentative on the chart
    form = write_form(catalogue, catalogue.site("st-sargis"), tmp_path / "forms", "internal").read_text()
    assert "last known condition: Damaged (extent not known), possible (2022-08~)" in form
    assert "How sure are you of that condition?" in form and "Probable: more likely than not" in form


@pytest.fixture
def basemap(monkeypatch: pytest.MonkeyPatch) -> None:
    """The small hostile basemap of `basemap_layers` in place of Natural Earth's."""
    monkeypatch.setattr("heritage.context.naturalearth.basemap", hostile_layers)


def test_the_locator_draws_the_basemap_with_escaped_labels_and_its_credit(catalogue: Catalogue, basemap: None) -> None:
    page = render_dossier(dossier_context(catalogue, "st-sargis", "mission"))
    region, close = svgs(page)[:2]  # the region (catalogue's), and a close-up at a town's scale
    coast, lake = STYLES["coast"]["stroke"], STYLES["lake"]["fill"]
    assert f'stroke="{coast}"' in region and f'fill="{lake}"' in region  # coast and lake
    assert "StepanakertՍտեփանակերտ" in labels(region)
    assert HOSTILE_TOWN + HOSTILE_LOCAL in labels(close)  # beside the site, as text
    assert "<script" not in page and "onload" not in page.replace("&lt;b onload", "")
    assert "Basemap: Natural Earth (public domain)" in page and "imply no position on the status" in page
    assert "5 km" in labels(close) and "50 km" in labels(region)


def test_the_locator_colours_other_sites_by_their_condition_as_the_audience_sees_it(catalogue: Catalogue) -> None:
    write(
        catalogue.root / "sites" / "near.geojson",
        site_doc("near", geometry={"type": "Point", "coordinates": [46.6, 39.7]}),
    )
    hidden = report_doc("r-near", site="near", condition="destroyed", sensitivity="confidential")
    write(catalogue.root / "reports" / "near" / "r-near.json", hidden)
    colours = {
        audience: re.findall(
            r'data-sites="1" stroke="(#[0-9a-f]+)"',
            dossier_context(catalogue, "st-sargis", audience)["locator"].maps[0],
        )
        for audience in ("internal", "mission")
    }
    assert colours == {"internal": ["#5c0f0f"], "mission": ["#909aa3"]}  # destroyed; unknown without the report


def test_a_public_locator_leaves_restricted_positions_out(catalogue: Catalogue) -> None:
    from heritage.context.svgmap import Frame
    from heritage.dossier.locator import REGION_SIZE

    for site_id, level, point in (
        ("guarded", "restricted", [46.7437, 39.7613]),
        ("secret", "confidential", [47.1234, 40.2345]),
    ):
        write(
            catalogue.root / "sites" / f"{site_id}.geojson",
            site_doc(site_id, sensitivity=level, geometry={"type": "Point", "coordinates": point}),
        )
    frame = Frame.around(catalogue.info.region, *REGION_SIZE)  # type: ignore[arg-type]
    at = {
        name: tuple(round(v, 1) for v in frame.xy(*p))
        for name, p in (("exact", (46.7437, 39.7613)), ("coarse", (46.7, 39.8)), ("secret", (47.1234, 40.2345)))
    }
    drawn = {
        a: set(site_dots(dossier_context(catalogue, "st-sargis", a)["locator"].maps[0])) for a in ("public", "mission")
    }
    assert drawn["public"] == {at["coarse"]}  # to the nearest 0.1 degree, as on the public map
    assert drawn["mission"] == {at["exact"]}  # and the confidential site in neither


def test_a_dossier_weighs_under_300_kb_in_a_catalogue_of_20000_sites(catalogue: Catalogue, basemap: None) -> None:
    from heritage.models.vocab import Sensitivity

    shared = Shared.load(catalogue)
    rng = random.Random(3)
    west, south, east, north = catalogue.info.region  # type: ignore[misc]
    shared.points += [
        (f"syn-{i}", rng.uniform(west, east), rng.uniform(south, north), Sensitivity.public) for i in range(20_000)
    ]
    page = render_dossier(dossier_context(catalogue, "st-sargis", "mission", shared=shared))
    region, close = svgs(page)[:2]
    assert len(site_dots(region)) == 2000 and 0 < len(site_dots(close)) <= 2000
    assert len(page.encode()) <= 300_000


def test_the_pdf_dossier_draws_the_basemap(catalogue: Catalogue, basemap: None, tmp_path: Path) -> None:
    from pypdf import PdfReader

    result = build_dossier(catalogue, "st-sargis", tmp_path, pdf=True)
    assert result.pdf is not None
    text = PdfReader(str(result.pdf)).pages[0].extract_text()
    assert "Stepanakert" in text and "Ստեփանակերտ" in text and "50 km" in text
    assert "Natural Earth" in text


def test_a_site_without_location_has_no_map_and_no_caption_for_one(catalogue: Catalogue, basemap: None) -> None:
    write(catalogue.root / "sites" / "lost.geojson", site_doc("lost", geometry=None, location={"precision": "unknown"}))
    page = render_dossier(dossier_context(catalogue, "lost", "mission"))
    assert "location unknown" in svgs(page)[0]
    assert "Red ring" not in page and "Natural Earth" not in page

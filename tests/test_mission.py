"""Mission packages: complete, linked, readable by GIS tools, self-verifying, and leak-free in public."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pyogrio
import pytest

from conftest import REPO, Invoke, allegation_doc, report_doc, site_doc, source_doc
from heritage.browser import wait_until, watch
from heritage.cli import ExitCode
from heritage.store import Catalogue


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from heritage.cli import cli

    folder = tmp_path_factory.mktemp("mission") / "shusha"
    result = CliRunner().invoke(
        cli,
        [
            "--catalogue",
            str(REPO),
            "mission",
            "export",
            "--name",
            "Shusha <b>visit</b>",
            "--bbox",
            "46.70,39.70,46.80,39.80",
            "-o",
            str(folder),
            "--zip",
            "--no-pdf",
        ],
    )
    assert result.exit_code == 0, result.output
    return folder


def test_the_package_holds_everything(package: Path) -> None:
    names = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    assert {
        "index.html",
        "bagit.txt",
        "manifest-sha256.txt",
        "data/index.html",
        "data/map.html",
        "manifest.json",
        "data/gis/sites.gpkg",
        "data/gis/sites.geojson",
        "data/gis/sites.csv",
        "data/gis/sites.kml",
    } <= names
    assert {f"data/dossiers/{s}.html" for s in ("kanach-zham", "ghazanchetsots-cathedral")} <= names
    assert len([n for n in names if n.startswith("data/forms/") and n.endswith(".html")]) == 10
    assert "data/forms/condition.xlsx" in names
    index = (package / "data" / "index.html").read_text(encoding="utf-8")
    assert "Shusha &lt;b&gt;visit&lt;/b&gt;" in index and "<b>visit</b>" not in index
    manifest = json.loads((package / "manifest.json").read_text())
    assert set(manifest["files"]) == names - {"manifest.json", "tagmanifest-sha256.txt"}


def test_the_phone_form_offers_the_package_sites(package: Path) -> None:
    from heritage.fieldform import NOT_LISTED
    from test_xlsform import XForm

    form = XForm(package / "data" / "forms" / "condition.xlsx")
    assert form.warnings == []
    dossiers = sorted(p.stem for p in (package / "data" / "dossiers").glob("*.html"))
    assert sorted(name for name, _ in form.choices("sites")) == sorted([*dossiers, NOT_LISTED])
    assert form.title() == "Shusha <b>visit</b>"  # the package's name, shown as written (not as markup)
    index = (package / "data" / "index.html").read_text(encoding="utf-8")
    assert 'href="forms/condition.xlsx"' in index and "ODK Central or KoboToolbox" in index


@pytest.mark.parametrize("name", ["sites.gpkg", "sites.geojson", "sites.kml"])
def test_gis_tools_open_the_data(package: Path, name: str) -> None:
    """Read as GDAL reads them (the KML's first folder is its "Now" view, one placemark a site)."""
    frame = pyogrio.read_dataframe(package / "data" / "gis" / name, layer=0)
    assert len(frame) == 10
    if name != "sites.kml":  # KML keeps names and descriptions only
        assert set(frame["condition"]) >= {"destroyed", "intact"}
        assert "Կանաչ Ժամ" in str(frame["names"].tolist())


def test_the_csv_is_plain(package: Path) -> None:
    with (package / "data" / "gis" / "sites.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10 and {"id", "condition", "certainty", "lon", "lat"} <= set(rows[0])
    assert {row["certainty"] for row in rows} == {""}  # the sample's reports state none


def test_verify_package_names_every_change(package: Path, tmp_path: Path, invoke: Invoke) -> None:
    import shutil

    assert invoke("verify-package", str(package)).exit_code == 0
    assert invoke("verify-package", str(package.with_suffix(".zip"))).exit_code == 0
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    (copy / "data" / "dossiers" / "kanach-zham.html").write_text("changed")
    (copy / "data" / "forms" / "saatli-mosque.html").unlink()
    (copy / "extra.txt").write_text("added")
    result = invoke("verify-package", str(copy))
    assert result.exit_code == ExitCode.INVALID
    for line in (
        "changed: data/dossiers/kanach-zham.html",
        "missing: data/forms/saatli-mosque.html",
        "added: extra.txt",
    ):
        assert line in result.output
    archive = tmp_path / "copy.zip"
    with zipfile.ZipFile(package.with_suffix(".zip")) as source, zipfile.ZipFile(archive, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            target.writestr(item, b"tampered" if item.endswith("map.html") else data)
    tampered = invoke("verify-package", str(archive))
    assert tampered.exit_code == ExitCode.INVALID and "changed: data/map.html" in tampered.output
    assert invoke("verify-package", str(tmp_path / "nothing")).exit_code == ExitCode.INVALID


def test_export_refuses_what_it_cannot_do(invoke: Invoke, package: Path, tmp_path: Path) -> None:
    again = invoke("mission", "export", "--name", "x", "--has-allegation", "-o", str(package), catalogue=REPO)
    assert again.exit_code == ExitCode.INVALID and "not empty" in again.output
    none = invoke("mission", "export", "--name", "x", "-o", str(tmp_path / "n"), catalogue=REPO)
    assert none.exit_code == ExitCode.USAGE and "choose the sites" in none.output
    unknown = invoke("mission", "export", "--name", "x", "--sites", "ghost", "-o", str(tmp_path / "g"), catalogue=REPO)
    assert unknown.exit_code == ExitCode.INVALID and "unknown site(s): ghost" in unknown.output


def test_map_table_and_dossiers_link_up_offline(browser: Any, package: Path) -> None:
    page = browser.new_page()
    log = watch(page)
    index = (package / "data" / "index.html").resolve().as_uri()
    page.goto(index)
    page.wait_for_load_state("load")
    page.locator("th", has_text="allegations").click()
    page.locator("th", has_text="allegations").click()  # descending: the most alleged first
    assert page.locator("#sites tbody tr").first.get_attribute("data-site") == "kanach-zham"
    page.locator("#sites tbody tr").first.locator("a", has_text="dossier").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("dossiers/kanach-zham.html") and "Kanach Zham" in page.title()
    page.go_back()
    page.locator("tr[data-site='ghazanchetsots-cathedral'] a", has_text="map").click()
    wait_until(page, "window.heritageReady === true")
    popup = page.locator(".heritage-popup .heritage-site")
    popup.wait_for()
    assert "Ghazanchetsots" in popup.inner_text()
    popup.locator("a.heritage-dossier").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("dossiers/ghazanchetsots-cathedral.html")
    files = {Path(p).name for p in (index, *(f.as_uri() for f in package.rglob("*.html")))}
    assert all(Path(url).name in files or url.startswith("file://") for url in log.requests)
    assert [u for u in log.requests if not u.startswith("file://") and not u.startswith("data:")] == []
    assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []
    page.close()


def planted_catalogue(root: Path, invoke: Invoke, tmp_path: Path) -> Catalogue:
    from PIL import Image

    assert (
        invoke(
            "init", str(root), "--name", "Leak test", "--region", "45,38,48,41", "--party", "a=A", "--party", "b=B"
        ).exit_code
        == 0
    )
    photo = tmp_path / "LEAK-EVIDENCE.jpg"
    Image.new("RGB", (16, 16), (200, 30, 30)).save(photo, "JPEG")
    commands = [
        "source add --id src-public --title Public --kind news",
        "source add --id src-conf --title LEAK-CONF-SOURCE --kind testimony --sensitivity confidential",
        "site add --id open --name en=Open --lat 39.5 --lon 46.5 --type church",
        "site add --id conf --name en=LEAK-CONF-SITE --lat 39.612345 --lon 46.923456 --type shrine "
        "--sensitivity confidential",
        "site add --id guarded --name en=Guarded --lat 39.654321 --lon 46.987654 --type church "
        "--sensitivity restricted --description LEAK-RESTRICTED-DESC --location-source LEAK-RESTRICTED-COORDSRC",
        "report add --site open --observed 2022-01-01 --condition destroyed --method testimony --source src-public "
        "--observer LEAK-WITNESS --position 46.531975 39.518642 --accuracy 7",
        "report add --site open --observed 2022-02-01 --condition destroyed --method testimony --source src-conf "
        "--note LEAK-RESTRICTED-NOTE --sensitivity restricted",
        "report add --site guarded --observed 2022-01-01 --condition intact --method remote_sensing "
        "--source src-public",
        "allegation add --claimant LEAK-CONF-CLAIMANT --party a --made 2022-03-01 --source src-public --site open "
        "--act destruction --summary S --quote LEAK-CONF-QUOTE --sensitivity confidential",
        "allegation add --claimant Ministry --party b --made 2022-03-02 --source src-public --site open "
        "--act destruction --summary 'A public claim'",
    ]
    import shlex

    for command in commands:
        result = invoke(*shlex.split(command), catalogue=root)
        assert result.exit_code == 0, (command, result.output)
    result = invoke(
        "evidence", "add", str(photo), "--source", "src-conf", "--captured-by", "LEAK-WITNESS", catalogue=root
    )
    sha = result.output.split()[0]
    assert (
        invoke(
            "report",
            "add",
            "--site",
            "open",
            "--observed",
            "2022-04-01",
            "--condition",
            "destroyed",
            "--method",
            "field_visit",
            "--source",
            "src-public",
            "--evidence",
            sha,
            catalogue=root,
        ).exit_code
        == 0
    )
    return Catalogue.open(root)


def test_public_dossiers_hide_what_pins_a_restricted_site_and_hidden_sources(invoke: Invoke, tmp_path: Path) -> None:
    catalogue = planted_catalogue(tmp_path / "cat", invoke, tmp_path)
    commands = [
        (
            "site",
            "add",
            "--id",
            "pinned",
            "--name",
            "en=Pinned",
            "--lat",
            "39.7",
            "--lon",
            "46.7",
            "--type",
            "church",
            "--sensitivity",
            "restricted",
            "--area",
            "LEAK-VILLAGE",
            "--external-id",
            "osm=LEAK-OSM-NODE",
        ),
        (
            "report",
            "add",
            "--site",
            "pinned",
            "--observed",
            "2022-01-01",
            "--condition",
            "intact",
            "--method",
            "testimony",
            "--source",
            "src-conf",
        ),
        (
            "allegation",
            "add",
            "--claimant",
            "LEAK-PERSON",
            "--claimant-kind",
            "person",
            "--made",
            "2022-01-01",
            "--source",
            "src-conf",
            "--site",
            "pinned",
            "--act",
            "damage",
            "--summary",
            "LEAK-CONF-SOURCED-CLAIM",
        ),
        (
            "allegation",
            "add",
            "--claimant",
            "A witness",
            "--claimant-kind",
            "person",
            "--made",
            "2022-01-01",
            "--source",
            "src-public",
            "--site",
            "pinned",
            "--act",
            "damage",
            "--summary",
            "A public claim by a person",
        ),
    ]
    for command in commands:
        assert invoke(*command, catalogue=catalogue).exit_code == 0
    out = tmp_path / "d"
    assert invoke("dossier", "pinned", "--audience", "public", "-o", str(out), catalogue=catalogue).exit_code == 0
    page = (out / "pinned.html").read_text(encoding="utf-8")
    for leak in ("LEAK-VILLAGE", "LEAK-OSM-NODE", "src-conf", "LEAK-CONF-SOURCED-CLAIM", "LEAK-PERSON", "A witness"):
        assert leak not in page, leak
    assert "a person (name withheld)" in page and "A public claim by a person" in page


def test_verify_package_needs_the_root_to_catch_a_relisted_package(
    invoke: Invoke, package: Path, tmp_path: Path
) -> None:
    import shutil

    from heritage import bag
    from heritage.mission import write_manifest
    from heritage.package_check import verify_package

    root = verify_package(package).root
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    (copy / "data" / "index.html").write_text("<h1>EVIL</h1>")
    # Whoever edited it listed it again, in the bag's manifests and in heritage's.
    bag.write_bag(copy, name="forged", description="forged", agent="forged", today=date(2026, 5, 1))
    write_manifest(copy, "forged")
    bag.write_tag_manifest(copy)
    assert invoke("verify-package", str(copy)).exit_code == 0
    caught = invoke("verify-package", str(copy), "--root", root)
    assert caught.exit_code == ExitCode.INVALID and "files were changed and listed again" in caught.output
    assert invoke("verify-package", str(package), "--root", root).exit_code == 0


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the test writes the duplicate on purpose
def test_verify_package_refuses_ambiguous_or_broken_packages(invoke: Invoke, package: Path, tmp_path: Path) -> None:
    import shutil

    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(package.with_suffix(".zip")) as source, zipfile.ZipFile(twice, "w") as target:
        target.writestr(f"{package.name}/index.html", "<h1>EVIL</h1>")
        for item in source.namelist():
            target.writestr(item, source.read(item))
    result = invoke("verify-package", str(twice))
    assert result.exit_code == ExitCode.INVALID and "two entries with the same name" in result.output
    linked = tmp_path / "linked"
    shutil.copytree(package, linked)
    (linked / "index.html").unlink()
    (linked / "index.html").symlink_to(tmp_path / "elsewhere.html")
    assert "symbolic link" in invoke("verify-package", str(linked)).output
    for number, content in enumerate((b"{bad", b"[]", b'{"files": [1, 2]}', b"\xff\xfe")):
        broken = tmp_path / f"broken-{number}"
        shutil.copytree(package, broken)
        (broken / "manifest.json").write_bytes(content)
        result = invoke("verify-package", str(broken))
        assert result.exit_code == ExitCode.INVALID and "manifest.json" in result.output
        assert "Traceback" not in result.output


def test_export_never_overwrites_and_never_leaves_half_a_package(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "keep.zip").write_text("precious")
    result = invoke(
        "mission",
        "export",
        "--name",
        "x",
        "--sites",
        "dadivank",
        "-o",
        str(tmp_path / "keep"),
        "--zip",
        "--no-pdf",
        catalogue=REPO,
    )
    assert result.exit_code == ExitCode.INVALID and (tmp_path / "keep.zip").read_text() == "precious"
    first = invoke(
        "mission",
        "export",
        "--name",
        "x",
        "--sites",
        "dadivank",
        "-o",
        str(tmp_path / "pkg.v1"),
        "--zip",
        "--no-pdf",
        catalogue=REPO,
    )
    assert first.exit_code == 0 and (tmp_path / "pkg.v1.zip").is_file() and "package root" in first.output

    import heritage.mission

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(heritage.mission, "export", fail)
    with pytest.raises(RuntimeError):
        from heritage.mission import Selection, export_mission, select_sites

        catalogue = Catalogue.open(REPO)
        export_mission(
            catalogue,
            "x",
            select_sites(catalogue, Selection(sites={"dadivank"}), date.today()),
            tmp_path / "half",
            pdf=False,
        )
    assert not (tmp_path / "half").exists() and not list(tmp_path.glob(".half.*"))
    bad = invoke(
        "mission", "export", "--name", "\x1b[2Jred", "--sites", "dadivank", "-o", str(tmp_path / "n"), catalogue=REPO
    )
    assert bad.exit_code == ExitCode.USAGE and "\x1b" not in bad.output


def _quiet_site_known_only_in_hidden_records(catalogue: Catalogue) -> None:
    """st-quiet: altered, and the subject of an allegation, only in confidential records."""
    from heritage.codec import decode
    from heritage.models import Allegation, ConditionReport, Site, Source

    as_bytes = lambda d: json.dumps(d).encode()  # noqa: E731
    catalogue.add_site(
        decode(Site, as_bytes(site_doc("st-quiet", geometry={"type": "Point", "coordinates": [46.5, 39.5]})))
    )
    catalogue.add_source(
        decode(Source, as_bytes(source_doc("src-secret", kind="testimony", sensitivity="confidential")))
    )
    secret = {"sources": [{"source": "src-secret"}], "sensitivity": "confidential"}
    catalogue.add_report(
        decode(ConditionReport, as_bytes(report_doc("r-secret", site="st-quiet", condition="altered", **secret)))
    )
    catalogue.add_allegation(
        decode(Allegation, as_bytes(allegation_doc("a-secret", sites=["st-quiet"], sensitivity="confidential")))
    )


@pytest.mark.parametrize("selection", [["--has-allegation"], ["--condition", "altered"]])
@pytest.mark.parametrize("audience", ["public", "mission", "internal"])
def test_a_package_is_chosen_by_what_its_audience_may_see(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path, selection: list[str], audience: str
) -> None:
    """Being in a package named "Allegations" or "Altered sites" tells what the records say that
    put the site there: a site is chosen by the records its audience may see, as the package then
    shows them (not taken in with 0 allegations, or as `unknown`)."""
    _quiet_site_known_only_in_hidden_records(catalogue)
    out = tmp_path / "pkg"
    args = ("mission", "export", "--name", "x", *selection, "--audience", audience, "--no-pdf", "-o", str(out))
    result = invoke(*args, catalogue=catalogue)
    if audience == "internal":
        with (out / "data" / "gis" / "sites.csv").open(encoding="utf-8-sig") as table:
            assert "st-quiet" in {row["id"] for row in csv.DictReader(table)}
    elif selection[0] == "--has-allegation":  # st-sargis has a public allegation
        with (out / "data" / "gis" / "sites.csv").open(encoding="utf-8-sig") as table:
            assert [row["id"] for row in csv.DictReader(table)] == ["st-sargis"]
    else:  # no site is altered as the audience sees it: nothing to write
        assert result.exit_code != 0 and "Traceback" not in result.output and not out.exists()


def test_a_packages_rows_say_how_sure_each_condition_is(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.recording import add_report

    report = {"site": "st-sargis", "observed": "2022-08", "condition": "damaged", "certainty": "probable"}
    add_report(catalogue, {**report, "method": "remote_sensing", "sources": [{"source": "src-chw"}]}, "tester")
    folder = tmp_path / "m"
    chosen = ("--condition", "damaged")  # chosen by the new value, as a coordinator would
    result = invoke("mission", "export", "--name", "m", *chosen, "-o", str(folder), "--no-pdf", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    with (folder / "data" / "gis" / "sites.csv").open(encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    assert (row["condition"], row["certainty"]) == ("damaged", "probable")
    assert "Damaged (extent not known), probable</td>" in (folder / "data" / "index.html").read_text(encoding="utf-8")

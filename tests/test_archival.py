"""Archival packages: a mission package is a BagIt bag that standard tools check without heritage,
and its dossier PDFs are PDF/A-3b files that carry the records they show."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import bagit
import pytest
from pypdf import PdfReader

from conftest import REPO, Invoke
from heritage import layout
from heritage.audience import site_for
from heritage.codec import content_hash, encode, from_document, loads
from heritage.dossier import build_dossier, dossier_context, dossier_records
from heritage.models import Sensitivity, Site
from heritage.store import Catalogue

SITES = ("ghazanchetsots-cathedral", "kanach-zham")
TOP = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "manifest.json", "index.html"}
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A public package with PDFs, named as docs/format.md names it, and its zip beside it."""
    from click.testing import CliRunner

    from heritage.cli import cli

    folder = tmp_path_factory.mktemp("archival") / "shusha-2026-05"
    args = ["--catalogue", str(REPO), "mission", "export", "--name", "Shusha, May 2026", "--sites", ",".join(SITES),
            "--audience", "public", "-o", str(folder), "--zip"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return folder


def _tools_env() -> dict[str, str]:
    """The environment with this Python's scripts (bagit.py) first on the path."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def _bagit_cli(bag: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bagit", "--validate", str(bag)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _sha256sum(bag: Path, manifest: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sha256sum", "--strict", "-c", manifest], cwd=bag, capture_output=True, text=True)


def test_the_package_is_a_bag_with_its_content_as_payload(package: Path) -> None:
    assert {p.name for p in package.iterdir()} == {*TOP, "data"}
    assert (package / "bagit.txt").read_bytes() == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    payload = {p.relative_to(package).as_posix() for p in (package / "data").rglob("*") if p.is_file()}
    assert {"data/index.html", "data/map.html", "data/datapackage.json", "data/gis/sites.csv"} <= payload
    assert {f"data/dossiers/{s}.{kind}" for s in SITES for kind in ("html", "pdf")} <= payload
    lines = (package / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert all(re.fullmatch(r"[0-9a-f]{64}  data/[^*\s]\S*", line) for line in lines)
    assert {line[66:] for line in lines} == payload
    info = dict(line.split(": ", 1) for line in (package / "bag-info.txt").read_text(encoding="utf-8").splitlines())
    octets = sum((package / p).stat().st_size for p in payload)
    assert info["Payload-Oxum"] == f"{octets}.{len(payload)}"
    assert info["External-Identifier"] == "Shusha, May 2026" and info["Bag-Software-Agent"].startswith("heritage ")
    # A person who opens the folder finds the front page.
    assert 'url=data/index.html"' in (package / "index.html").read_text(encoding="utf-8")


def test_standard_tools_validate_the_bag(package: Path) -> None:
    bagit.Bag(str(package)).validate()
    assert _bagit_cli(package).returncode == 0
    for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        checked = _sha256sum(package, manifest)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_changed_payload_file_fails_every_check(package: Path, tmp_path: Path, invoke: Invoke) -> None:
    bag = tmp_path / "copy"
    shutil.copytree(package, bag)
    sites = bag / "data" / "gis" / "sites.csv"
    data = bytearray(sites.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")  # same size: only the checksum can tell
    sites.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()
    assert _bagit_cli(bag).returncode != 0
    assert _sha256sum(bag, "manifest-sha256.txt").returncode != 0
    result = invoke("verify-package", str(bag))
    assert result.exit_code != 0
    assert "changed: data/gis/sites.csv" in result.output
    assert "bag: data/gis/sites.csv does not match manifest-sha256.txt" in result.output


def test_a_file_added_to_the_payload_fails_the_bag(package: Path, tmp_path: Path, invoke: Invoke) -> None:
    bag = tmp_path / "copy"
    shutil.copytree(package, bag)
    (bag / "data" / "note.txt").write_text("added\n", encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()
    result = invoke("verify-package", str(bag))
    assert result.exit_code != 0
    assert "added: data/note.txt" in result.output and "bag: data/note.txt is in the payload" in result.output


def test_a_relisted_bag_manifest_is_caught_by_heritage(package: Path, tmp_path: Path, invoke: Invoke) -> None:
    """The bag's manifests are covered by manifest.json and the root: listing a changed file again
    in manifest-sha256.txt satisfies bagit, not verify-package."""
    bag = tmp_path / "copy"
    shutil.copytree(package, bag)
    (bag / "data" / "map.html").write_text("<p>another map</p>", encoding="utf-8")
    shutil.rmtree(bag / "data" / "dossiers")
    bagit.Bag(str(bag)).save(manifests=True)  # bagit lists the payload again, and its tag files
    bagit.Bag(str(bag)).validate()
    result = invoke("verify-package", str(bag))
    assert result.exit_code != 0
    assert "changed: manifest-sha256.txt" in result.output and "changed: data/map.html" in result.output


def test_the_zip_holds_the_bag_in_one_top_folder(package: Path, tmp_path: Path, invoke: Invoke) -> None:
    archive = package.with_name("shusha-2026-05.zip")
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        assert all(name.startswith("shusha-2026-05/") for name in names)
        bundle.extractall(tmp_path)
    bagit.Bag(str(tmp_path / "shusha-2026-05")).validate()
    result = invoke("verify-package", str(archive))
    assert result.exit_code == 0, result.output


def _xmp(reader: PdfReader) -> ElementTree.Element:
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    return ElementTree.fromstring(metadata.get_data())


def _claims(xmp: ElementTree.Element) -> dict[str, str]:
    return {
        key.removeprefix(PDFAID): value
        for element in xmp.iter()
        for key, value in element.attrib.items()
        if key.startswith(PDFAID)
    }


def _fonts(reader: PdfReader) -> list[Any]:
    """Every font's descriptor (a composite font's is in its descendant)."""
    descriptors = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for each in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                if "/FontDescriptor" in each:
                    descriptors.append(each["/FontDescriptor"].get_object())
    return descriptors


def test_the_dossier_pdfs_claim_pdf_a_3b(package: Path) -> None:
    catalogue = Catalogue.open(REPO)
    for site_id in SITES:
        reader = PdfReader(package / "data" / "dossiers" / f"{site_id}.pdf")
        xmp = _xmp(reader)
        assert _claims(xmp) == {"part": "3", "conformance": "B"}
        texts = {element.tag.rsplit("}", 1)[-1]: element.text or "" for element in xmp.iter()}
        assert catalogue.site(site_id).display_name() in next(
            e.text or "" for e in xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")
        )
        assert texts["CreatorTool"].startswith("heritage ") and texts["CreateDate"] and texts["ModifyDate"]
        (intent,) = reader.trailer["/Root"]["/OutputIntents"]
        intent = intent.get_object()
        assert intent["/S"] == "/GTS_PDFA1"
        assert intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"  # an ICC profile
        fonts = _fonts(reader)
        assert fonts and all({"/FontFile", "/FontFile2", "/FontFile3"} & set(d) for d in fonts)


def test_the_dossier_pdf_carries_its_records_as_its_audience_sees_them(package: Path) -> None:
    catalogue = Catalogue.open(REPO)
    for site_id in SITES:
        attached = PdfReader(package / "data" / "dossiers" / f"{site_id}.pdf").attachments
        expected = dossier_records(dossier_context(catalogue, site_id, "public"))
        assert set(attached) == set(expected)
        assert f"site-{site_id}.geojson" in attached and any(n.startswith("report-") for n in attached)
        for name, [data] in attached.items():
            document = loads(data.decode("utf-8"))
            assert data == expected[name][1]
            seal = document.get("properties", document)["sha256"]
            assert seal == content_hash(document)  # each file is sealed as the catalogue seals it
        site = from_document(Site, loads(attached[f"site-{site_id}.geojson"][0].decode("utf-8")))
        shown = site_for(catalogue.site(site_id), "public")
        assert shown is not None
        assert site.model_dump(exclude={"sha256"}) == shown.model_dump(exclude={"sha256"})


def test_a_public_dossier_pdf_attaches_only_what_the_public_sees(sample: Path, tmp_path: Path) -> None:
    """A report made confidential is in the internal PDF's attachments, not in the public one's."""
    catalogue = Catalogue.open(sample)
    report = next(iter(catalogue.reports("kanach-zham")))
    hidden = report.model_copy(update={"sensitivity": Sensitivity.confidential})
    layout.report_file(sample, "kanach-zham", report.id).write_bytes(encode(hidden))
    catalogue = Catalogue.open(sample)
    editions = {}
    for audience in ("public", "internal"):
        result = build_dossier(catalogue, "kanach-zham", tmp_path / audience, pdf=True, audience=audience)
        assert result.pdf is not None
        editions[audience] = PdfReader(result.pdf).attachments
    assert f"report-{report.id}.json" in editions["internal"]
    assert f"report-{report.id}.json" not in editions["public"]
    assert not any(report.id.encode() in data for [data] in editions["public"].values())


def _documented_commands() -> list[tuple[str, list[str]]]:
    """docs/format.md's commands for checking a package without heritage, with the output shown."""
    text = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    section = text.split("### Checking a package without heritage", 1)[1]
    block = section.split("```\n", 2)[1]
    commands: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            commands[-1][1].append(line)
    return commands


def test_the_documented_outside_checks_pass_as_written(package: Path, tmp_path: Path, invoke: Invoke) -> None:
    """Each command of docs/format.md runs in the folder that holds the package, as a shell runs
    it, and prints what the page shows (`...` stands for any lines)."""
    package = shutil.copytree(package, tmp_path / package.name)  # the commands write into it
    commands = _documented_commands()
    assert any("bagit.py" in c for c, _ in commands) and any("pdfdetach" in c for c, _ in commands)
    script = "set -e\n"
    for number, (command, _) in enumerate(commands):
        script += f"{command} > {package.parent}/.out{number}\n"
    done = subprocess.run(["bash", "-c", script], cwd=package.parent, env=_tools_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for number, (command, shown) in enumerate(commands):
        printed = (package.parent / f".out{number}").read_text(encoding="utf-8")
        pattern = "\n".join(shown).replace("...", "*")
        assert fnmatch.fnmatchcase(printed.rstrip("\n"), pattern), (command, printed)
    # The checks leave the package as it was: its own root still holds (nothing added to it).
    root = json.loads((package / "manifest.json").read_text(encoding="utf-8"))["root"]
    again = invoke("verify-package", str(package), "--root", root)
    assert again.exit_code == 0, again.output


def test_the_package_as_exported_verifies_with_its_bag(package: Path, invoke: Invoke) -> None:
    result = invoke("verify-package", str(package), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["failures"] == []
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == 2
    assert set(manifest["files"]) >= TOP - {"manifest.json", "tagmanifest-sha256.txt"}
    assert not {"manifest.json", "tagmanifest-sha256.txt"} & set(manifest["files"])


def test_a_format_1_package_still_verifies(tmp_path: Path, invoke: Invoke) -> None:
    """A package written before packages were bags: its content at the top, no bag files."""
    from heritage import hashing

    folder = tmp_path / "old"
    (folder / "data").mkdir(parents=True)
    (folder / "index.html").write_text("<p>front</p>", encoding="utf-8")
    (folder / "data" / "sites.csv").write_text("id\nx\n", encoding="utf-8")
    files = {p: hashing.file_sha256(folder / p) for p in ("index.html", "data/sites.csv")}
    hashing.write_manifest(folder / "manifest.json", hashing.manifest(files, format=1, package="old"))
    result = invoke("verify-package", str(folder), "--root", hashing.root_hash(files))
    assert result.exit_code == 0, result.output


def test_a_file_named_like_the_tag_manifest_is_checked_outside_a_bag(tmp_path: Path, invoke: Invoke) -> None:
    """`format` is not covered by the root: set to 2 in a package that is no bag, it must not let a
    tagmanifest-sha256.txt (which could carry any text) in unlisted."""
    from heritage import hashing

    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "index.html").write_text("<p>front</p>", encoding="utf-8")
    files = {"index.html": hashing.file_sha256(folder / "index.html")}
    hashing.write_manifest(folder / "manifest.json", hashing.manifest(files, format=2, package="old"))
    (folder / "tagmanifest-sha256.txt").write_text("THE WITNESS IS ...\n", encoding="utf-8")
    result = invoke("verify-package", str(folder), "--root", hashing.root_hash(files))
    assert result.exit_code != 0 and "added: tagmanifest-sha256.txt" in result.output

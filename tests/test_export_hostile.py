"""`heritage export` against hostile catalogues: no hidden record named by a link, no seal that
confirms a guess at what was withheld, and files that every reader of the format can still write
back out (an RDF serializer, an XML parser)."""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from conftest import allegation_doc, report_doc, source_doc
from heritage.audience import allegation_for, report_for
from heritage.codec import content_hash, from_document, to_document
from heritage.exports import Scope, export
from heritage.models import Allegation, CatalogueInfo, ConditionReport, Source
from heritage.store import Catalogue


def add(catalogue: Catalogue, model: type[Any], document: dict[str, Any]) -> None:
    adders = {Source: catalogue.add_source, ConditionReport: catalogue.add_report, Allegation: catalogue.add_allegation}
    adders[model](from_document(model, document, catalogue.context))


def exported(catalogue: Catalogue, tmp_path: Path, name: str, audience: str) -> Path:
    path = tmp_path / audience / f"out.{name}"
    export(Scope.load(catalogue, catalogue.sites(), audience), name, path)
    return path


def test_json_ld_names_no_hidden_report_a_shown_one_corrects(catalogue: Catalogue, tmp_path: Path) -> None:
    add(catalogue, ConditionReport, report_doc("r-secret", observed="2022-01-01", sensitivity="confidential"))
    add(catalogue, ConditionReport, report_doc("r-fix", observed="2022-01-02", supersedes="r-secret"))
    add(catalogue, ConditionReport, report_doc("r-fix2", observed="2022-08-01", supersedes="r-2"))
    for audience in ("public", "mission"):
        text = exported(catalogue, tmp_path, "jsonld", audience).read_text(encoding="utf-8")
        assert "r-secret" not in text, audience
        nodes = {node["id"].rsplit("/", 1)[1]: node for node in json.loads(text)["@graph"]}
        assert "wasRevisionOf" not in nodes["r-fix"]
        assert nodes["r-fix2"]["wasRevisionOf"]["id"].endswith("/report/r-2")  # a shown one is still named
    internal = json.loads(exported(catalogue, tmp_path, "jsonld", "internal").read_text(encoding="utf-8"))
    (fix,) = [node for node in internal["@graph"] if node["id"].endswith("/report/r-fix")]
    assert fix["wasRevisionOf"]["id"].endswith("/report/r-secret")


def test_no_seal_lets_anyone_confirm_a_guess_at_what_was_withheld(catalogue: Catalogue) -> None:
    """A seal is the SHA-256 of the whole record: beside a record with a field withheld it is an
    oracle (hash the record with a guessed login or witness name, compare). Records shown with
    anything withheld carry none; a record shown whole keeps its own."""
    stored = next(a for a in catalogue.allegations() if a.id == "a-1")
    document = to_document(stored)
    assert content_hash({**document, "recorded_by": "tester"}) == stored.sha256  # the oracle
    public = allegation_for(stored, "public", {"src-chw"})
    mission = allegation_for(stored, "mission", {"src-chw"})
    assert public is not None and public.recorded_by != "tester" and public.sha256 is None
    assert mission is not None and mission.sha256 == stored.sha256  # nothing withheld from a mission
    add(catalogue, Allegation, allegation_doc("a-witness", claimant={"name": "Jane Witness", "kind": "person"}))
    witness = next(a for a in catalogue.allegations() if a.id == "a-witness")
    shown = allegation_for(witness, "mission", {"src-chw"})
    assert shown is not None and shown.claimant.name != "Jane Witness" and shown.sha256 is None
    report = from_document(ConditionReport, {**report_doc(observed_by="Observer"), "sha256": "0" * 64})
    shown_report = report_for(report, "mission", {"src-chw"})
    assert shown_report is not None and shown_report.observed_by is None and shown_report.sha256 is None


@pytest.mark.parametrize("audience", ["public", "mission"])
def test_the_geopackage_holds_no_seal_of_a_record_with_something_withheld(
    catalogue: Catalogue, tmp_path: Path, audience: str
) -> None:
    add(catalogue, Allegation, allegation_doc("a-witness", claimant={"name": "Jane Witness", "kind": "person"}))
    path = exported(catalogue, tmp_path, "gpkg", audience)
    with sqlite3.connect(path) as db:
        seals = dict(db.execute("SELECT id, sha256 FROM allegations").fetchall())
        report_seals = [seal for (seal,) in db.execute("SELECT sha256 FROM condition_reports")]
    if audience == "public":  # every login is withheld from the public
        assert set(seals.values()) == {None} and set(report_seals) == {None}
    else:
        assert seals["a-witness"] is None
        assert seals["a-1"] == next(a for a in catalogue.allegations() if a.id == "a-1").sha256
        assert None not in report_seals


def test_json_ld_with_any_source_address_can_be_written_as_rdf(catalogue: Catalogue, tmp_path: Path) -> None:
    url = 'https://example.org/a?b="<x>"&c={1}|\\^`Шуша%20'
    add(catalogue, Source, source_doc("src-odd", url=url))
    add(catalogue, ConditionReport, report_doc("r-odd", sources=[{"source": "src-odd"}]))
    text = exported(catalogue, tmp_path, "jsonld", "mission").read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="json-ld")
    written = graph.serialize(format="nt")  # raised: no serializer could write such an IRI
    assert "https://example.org/a?b=%22%3Cx%3E%22&c=%7B1%7D%7C%5C%5E%60%D0%A8%D1%83%D1%88%D0%B0%20" in written


def test_the_geopackage_styles_stay_xml_whatever_the_catalogue_is_called(tmp_path: Path) -> None:
    from conftest import site_doc
    from heritage.codec import decode
    from heritage.models import Site

    name = "Sites <&> \ufffe\uffff ]]>"
    cat = Catalogue.create(tmp_path / "cat", CatalogueInfo(name=name, region=(45.0, 38.5, 48.0, 41.0)))
    cat.add_site(decode(Site, json.dumps(site_doc()).encode()))
    path = exported(cat, tmp_path, "gpkg", "internal")
    with sqlite3.connect(path) as db:
        styles = db.execute("SELECT styleSLD FROM layer_styles").fetchall()
    for (sld,) in styles:
        title = ET.fromstring(sld.encode("utf-8")).find(".//{http://www.opengis.net/se}Title")
        assert title is not None and title.text is not None and title.text.startswith("Sites <&> \ufffd\ufffd ]]>")


def test_a_source_names_no_file_whose_own_record_is_hidden(catalogue: Catalogue, tmp_path: Path) -> None:
    """A source that lists its files itself, one of them a confidential file: the public's
    GeoPackage names that file nowhere, the source's row included."""
    from heritage import layout
    from heritage.codec import encode
    from heritage.evidence import add_evidence
    from heritage.models import Sensitivity

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"a photo nobody may see")
    record = add_evidence(catalogue, photo, "src-chw", recorded_by="tester")
    hidden = record.model_copy(update={"sensitivity": Sensitivity.confidential})
    layout.evidence_record_file(catalogue.root, record.file_sha256).write_bytes(encode(hidden))
    listed = [
        {"sha256": record.file_sha256, "size": 22, "media_type": "image/jpeg"},
        {"sha256": "1" * 64, "size": 1, "media_type": "text/plain"},
    ]
    add(catalogue, Source, source_doc("src-files", evidence=listed))
    add(catalogue, ConditionReport, report_doc("r-files", sources=[{"source": "src-files"}]))
    for audience, named in (("public", False), ("mission", False), ("internal", True)):
        path = exported(catalogue, tmp_path, "gpkg", audience)
        with sqlite3.connect(path) as db:
            (files,) = db.execute("SELECT evidence FROM sources WHERE id = 'src-files'").fetchone()
        assert (record.file_sha256 in files) is named, audience
        assert "1" * 64 in files  # a file with no record of its own is the source's to list


def test_an_allegation_about_a_hidden_site_carries_no_seal_to_guess_it_by(catalogue: Catalogue, tmp_path: Path) -> None:
    from conftest import site_doc
    from heritage.codec import decode
    from heritage.models import Site

    catalogue.add_site(decode(Site, json.dumps(site_doc("secret-church", sensitivity="confidential")).encode()))
    add(catalogue, Allegation, allegation_doc("a-both", sites=["st-sargis", "secret-church"]))
    path = exported(catalogue, tmp_path, "gpkg", "mission")
    with sqlite3.connect(path) as db:
        seals = dict(db.execute("SELECT id, sha256 FROM allegations").fetchall())
    assert seals["a-both"] is None and seals["a-1"] is not None


def test_no_allegation_about_hidden_sites_only_is_named_by_one_shown(catalogue: Catalogue, tmp_path: Path) -> None:
    """An allegation about a confidential site only is hidden with it (its words may name the
    site): one that answers it, or that it answers, does not name it either."""
    from conftest import site_doc
    from heritage.codec import decode
    from heritage.models import Site

    catalogue.add_site(decode(Site, json.dumps(site_doc("secret-church", sensitivity="confidential")).encode()))
    add(catalogue, Allegation, allegation_doc("a-about-secret", sites=["secret-church"]))
    add(catalogue, Allegation, allegation_doc("a-reply", responds_to="a-about-secret"))
    add(catalogue, Allegation, allegation_doc("a-counter", sites=["secret-church"], responds_to="a-1"))
    for audience in ("public", "mission"):
        path = exported(catalogue, tmp_path, "gpkg", audience)
        with sqlite3.connect(path) as db:
            rows = {row[0]: row[1:] for row in db.execute("SELECT id, responds_to, responses FROM allegations")}
        assert rows["a-reply"] == (None, None) and rows["a-1"] == (None, None), audience
    path = exported(catalogue, tmp_path, "gpkg", "internal")
    with sqlite3.connect(path) as db:
        rows = {row[0]: row[1:] for row in db.execute("SELECT id, responds_to, responses FROM allegations")}
    assert rows["a-reply"][0] == "a-about-secret" and "a-counter" in rows["a-1"][1]


def test_a_review_names_the_evidence_files_it_relies_on_that_are_shown(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.evidence import add_evidence
    from heritage.models import Review

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"a photo anyone may see")
    record = add_evidence(catalogue, photo, "src-chw", recorded_by="tester")
    add(catalogue, ConditionReport, report_doc("r-photo", evidence=[record.file_sha256]))
    review = {"id": "v-1", "allegation": "a-1", "status": "corroborated", "standard": "balance", "rationale": "Seen"}
    relies_on = ["r-photo", record.id]
    catalogue.add_review(from_document(Review, {**review, "reviewer": "rv", "relies_on": relies_on, **STAMP}))
    path = exported(catalogue, tmp_path, "gpkg", "public")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT relies_on FROM reviews").fetchall() == [(f"r-photo, {record.id}",)]


STAMP = {"recorded_at": "2026-01-02T03:04:05Z", "recorded_by": "tester"}


def test_the_previous_seal_goes_with_the_seal_from_a_record_with_something_withheld() -> None:
    """`resealed.previous` hashes the whole stored record (under the old scheme): as much an oracle
    for a withheld field as the seal. In the sample, every record was migrated."""
    from conftest import REPO

    sample = Catalogue.open(REPO)
    stored = next(r for r in sample.reports() if r.resealed is not None)
    sources = {s.id for s in sample.sources()}
    public = report_for(stored, "public", sources)  # the login that recorded it is withheld
    internal = report_for(stored, "internal", sources)
    assert public is not None and public.sha256 is None and public.resealed is None
    assert internal is not None and (internal.sha256, internal.resealed) == (stored.sha256, stored.resealed)

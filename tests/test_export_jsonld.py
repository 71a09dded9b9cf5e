"""`heritage export jsonld`: Linked Art JSON-LD that expands to RDF offline (inline context, no
document loader, the network shut) and whose triples say what the catalogue says."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from conftest import report_doc, site_doc, source_doc
from heritage.codec import decode
from heritage.exports import Scope, export
from heritage.models import ConditionReport, Site, Source
from heritage.models.catalogue_info import CatalogueInfo
from heritage.store import Catalogue

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
PROV = Namespace("http://www.w3.org/ns/prov#")
LA = Namespace("https://linked.art/ns/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
BASE = "urn:heritage:test/"
SITE = URIRef(BASE + "site/st-sargis")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the JSON-LD must expand without the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def add(catalogue: Catalogue, *reports: dict[str, object]) -> None:
    for report in reports:
        catalogue.add_report(decode(ConditionReport, json.dumps(report).encode()))


def exported(catalogue: Catalogue, tmp_path: Path, audience: str = "mission") -> tuple[dict[str, Any], Graph]:
    scope = Scope.load(catalogue, catalogue.sites(), audience)
    path = tmp_path / "sites.jsonld"
    export(scope, "jsonld", path)
    text = path.read_text(encoding="utf-8")
    return json.loads(text), Graph().parse(data=text, format="json-ld")


@pytest.fixture
def wikidata_catalogue(tmp_path: Path) -> Catalogue:
    """The shared catalogue's site with a Wikidata id and a description to mind."""
    cat = Catalogue.create(tmp_path / "cat", CatalogueInfo(name="Test", region=(45.0, 38.5, 48.0, 41.0)))
    site = site_doc(external_ids={"wikidata": "Q42"}, description='He said "}]} </script>')
    cat.add_site(decode(Site, json.dumps(site).encode()))
    cat.add_source(decode(Source, json.dumps(source_doc()).encode()))
    add(
        cat,
        report_doc(),
        report_doc("r-2", observed="2022-03-05/2022-07-06", condition="destroyed", certainty="probable"),
        report_doc("r-3", condition="damaged", supersedes="r-1"),
    )
    return cat


def test_the_context_is_inline_and_nothing_is_fetched(wikidata_catalogue: Catalogue, tmp_path: Path) -> None:
    doc, graph = exported(wikidata_catalogue, tmp_path)
    assert isinstance(doc["@context"], dict)
    assert len(graph) > 0


def test_a_report_is_a_condition_assessment_of_the_site(wikidata_catalogue: Catalogue, tmp_path: Path) -> None:
    _, graph = exported(wikidata_catalogue, tmp_path)
    report = URIRef(BASE + "report/r-2")
    assert (report, RDF.type, CRM.E14_Condition_Assessment) in graph
    assert (report, CRM.P34_concerned, SITE) in graph
    (state,) = graph.objects(report, CRM.P35_has_identified)
    assert (state, RDF.type, CRM.E3_Condition_State) in graph
    types = set(graph.objects(state, CRM.P2_has_type))
    assert URIRef(BASE + "vocab/condition/destroyed") in types
    eamena = {t for t in types if (t, RDFS.label, Literal("Destroyed")) in graph}
    assert len(eamena) == 1
    listed = URIRef("https://database.eamena.org/7120badf-3b0f-4a18-b460-79c6810e833b")
    assert (eamena.pop(), CRM.P71i_is_listed_in, listed) in graph


def test_the_observed_window_and_the_provenance(wikidata_catalogue: Catalogue, tmp_path: Path) -> None:
    _, graph = exported(wikidata_catalogue, tmp_path)
    report = URIRef(BASE + "report/r-2")
    (span,) = graph.objects(report, URIRef(str(CRM) + "P4_has_time-span"))
    assert (span, CRM.P82a_begin_of_the_begin, Literal("2022-03-05T00:00:00Z", datatype=XSD.dateTime)) in graph
    assert (span, CRM.P82b_end_of_the_end, Literal("2022-07-06T23:59:59Z", datatype=XSD.dateTime)) in graph
    source = URIRef(BASE + "source/src-chw")
    assert (report, PROV.wasDerivedFrom, source) in graph
    assert (source, RDF.type, CRM.E33_Linguistic_Object) in graph
    assert (source, RDFS.label, Literal("CHW storymap")) in graph
    (carrier,) = graph.objects(source, LA.digitally_carried_by)
    assert (carrier, LA.access_point, URIRef("https://example.org/chw")) in graph
    (generated,) = graph.objects(report, PROV.generatedAtTime)
    assert generated.datatype == XSD.dateTime
    (agent,) = graph.objects(report, PROV.wasAttributedTo)
    assert (agent, RDFS.label, Literal("tester")) in graph
    assert (URIRef(BASE + "report/r-3"), PROV.wasRevisionOf, URIRef(BASE + "report/r-1")) in graph


def test_a_condition_without_an_eamena_term_has_only_ours(wikidata_catalogue: Catalogue, tmp_path: Path) -> None:
    _, graph = exported(wikidata_catalogue, tmp_path)
    (state,) = graph.objects(URIRef(BASE + "report/r-3"), CRM.P35_has_identified)
    assert set(graph.objects(state, CRM.P2_has_type)) == {URIRef(BASE + "vocab/condition/damaged")}


def test_the_public_gets_no_login(wikidata_catalogue: Catalogue, tmp_path: Path) -> None:
    doc, graph = exported(wikidata_catalogue, tmp_path, "public")
    assert not list(graph.triples((None, PROV.wasAttributedTo, None)))
    assert "tester" not in json.dumps(doc)


def test_the_site_its_names_ids_wikidata_and_place(wikidata_catalogue: Catalogue, tmp_path: Path) -> None:
    _, graph = exported(wikidata_catalogue, tmp_path)
    assert (SITE, RDF.type, CRM["E22_Human-Made_Object"]) in graph
    assert (SITE, LA.equivalent, URIRef("http://www.wikidata.org/entity/Q42")) in graph
    names = {
        str(graph.value(n, CRM.P190_has_symbolic_content)): str(
            graph.value(graph.value(n, CRM.P72_has_language), RDFS.label)
        )
        for n in graph.objects(SITE, CRM.P1_is_identified_by)
        if (n, RDF.type, CRM.E33_E41_Linguistic_Appellation) in graph
    }
    assert names == {"St Sargis": "en", "Սուրբ Սարգիս": "hy"}
    ids = {
        str(graph.value(n, CRM.P190_has_symbolic_content))
        for n in graph.objects(SITE, CRM.P1_is_identified_by)
        if (n, RDF.type, CRM.E42_Identifier) in graph
    }
    assert ids == {"st-sargis", "Q42"}
    place = graph.value(SITE, CRM.P55_has_current_location)
    assert (place, RDF.type, CRM.E53_Place) in graph
    assert str(graph.value(place, CRM.P168_place_is_defined_by)) == "POINT(46.93 39.57)"
    (church,) = [t for t in graph.objects(SITE, CRM.P2_has_type) if str(t).startswith("http://vocab.getty.edu/")]
    assert church == URIRef("http://vocab.getty.edu/aat/300007466")


def test_text_survives_exactly(wikidata_catalogue: Catalogue, tmp_path: Path) -> None:
    _, graph = exported(wikidata_catalogue, tmp_path)
    (note,) = graph.objects(SITE, CRM.P67i_is_referred_to_by)
    assert str(graph.value(note, CRM.P190_has_symbolic_content)) == 'He said "}]} </script>'

"""Nothing hidden from an audience reaches an output made for it, not even by name or id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from heritage.codec import from_document
from heritage.models import Allegation, ConditionReport, Retraction, Review, Site, Source
from heritage.store import Catalogue
from tests.conftest import NOW, allegation_doc, report_doc, source_doc

AUDIENCES = ("public", "mission", "internal")


def _record(catalogue: Catalogue, model: type[Any], document: dict[str, Any]) -> Any:
    document = {"recorded_at": NOW, "recorded_by": "tester", **document}
    if model is Site:
        geometry = document.pop("geometry")
        document = {"type": "Feature", "id": document.pop("id"), "geometry": geometry, "properties": document}
    record = from_document(model, document, catalogue.context)
    add = {
        Site: catalogue.add_site,
        Source: catalogue.add_source,
        ConditionReport: catalogue.add_report,
        Allegation: catalogue.add_allegation,
        Review: catalogue.add_review,
        Retraction: catalogue.add_retraction,
    }[model]
    add(record)
    return record


def _add(catalogue: Catalogue, model: type[Any], document: dict[str, Any]) -> None:
    _record(catalogue, model, document)


def test_the_public_map_names_no_person_who_made_a_claim(catalogue: Catalogue) -> None:
    from heritage.mapdata import build_payload, load_map_input

    claim = allegation_doc("a-person", claimant={"name": "Jane Witness", "kind": "person", "party": "side-a"})
    _add(catalogue, Allegation, claim)
    payloads = {
        audience: json.dumps(build_payload(load_map_input(catalogue, audience=audience), audience=audience))
        for audience in AUDIENCES
    }
    assert "Jane Witness" in payloads["internal"]
    for audience in ("public", "mission"):
        assert "Jane Witness" not in payloads[audience] and "a person (name withheld)" in payloads[audience]
        assert "Ministry A" in payloads[audience]  # a government is named as before


def test_a_map_links_only_to_dossiers_of_its_own_edition(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.dossier import build_dossier
    from heritage.webmap import build_map

    build_dossier(catalogue, "st-sargis", tmp_path / "dossiers", audience="internal")
    for audience, linked in (("public", 0), ("mission", 0), ("internal", 1)):
        build_map(catalogue, tmp_path / "map.html", audience=audience)
        assert f'"dossier":[{linked}]' in (tmp_path / "map.html").read_text(encoding="utf-8"), audience
    build_dossier(catalogue, "st-sargis", tmp_path / "dossiers", audience="public")
    build_map(catalogue, tmp_path / "map.html", audience="public")
    assert '"dossier":[1]' in (tmp_path / "map.html").read_text(encoding="utf-8")
    page = (tmp_path / "dossiers" / "st-sargis.html").read_text(encoding="utf-8")
    assert '<meta name="heritage-audience" content="public">' in page[:300]


def test_a_dossier_never_names_a_hidden_record_by_id(catalogue: Catalogue) -> None:
    from heritage.dossier import dossier_context, render_dossier

    _add(catalogue, Source, source_doc("src-secret", sensitivity="confidential"))
    _add(catalogue, ConditionReport, report_doc("r-secret", sensitivity="confidential"))
    _add(catalogue, Allegation, allegation_doc("a-secret", sensitivity="confidential"))
    _add(catalogue, Allegation, allegation_doc("a-denial", responds_to="a-1"))
    _add(catalogue, Allegation, allegation_doc("a-reply", responds_to="a-secret"))
    _add(catalogue, Allegation, allegation_doc("a-counter", responds_to="a-1", source={"source": "src-secret"}))
    review = {"status": "corroborated", "standard": "reasonable grounds", "rationale": "Seen", "reviewer": "rv"}
    _add(catalogue, Review, {"id": "v-1", "allegation": "a-1", "relies_on": ["r-2", "r-secret", "a-secret"], **review})
    pages = {audience: render_dossier(dossier_context(catalogue, "st-sargis", audience)) for audience in AUDIENCES}
    for hidden in ("r-secret", "a-secret", "a-counter", "src-secret"):
        assert hidden in pages["internal"]
    for audience in ("public", "mission"):
        page = pages[audience]
        assert not [i for i in ("r-secret", "a-secret", "a-counter", "src-secret") if i in page], audience
        assert "answers an allegation withheld from this edition" in page
        assert "answered by a-denial, and by allegations withheld from this edition" in page
        assert "Relies on r-2, and on records withheld from this edition." in page
    assert "withheld" not in pages["internal"]

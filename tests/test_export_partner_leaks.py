"""The partner exports (`eamena`, `jsonld`) hold only what the audience may see: a restricted
site's exact point, its external ids, a restricted source and a confidential report stay out of
the public's file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import report_doc, site_doc, source_doc
from heritage.codec import decode
from heritage.exports import Scope, export
from heritage.models import ConditionReport, Site, Source
from heritage.store import Catalogue

SECRETS = ["46.93871", "39.57413", "Q987654", "Secret cable", "internal-only.example", "Hidden observation"]


@pytest.fixture
def guarded(catalogue: Catalogue) -> Catalogue:
    def put(model: type, doc: dict[str, object]) -> None:
        record = decode(model, json.dumps(doc).encode())
        {Site: catalogue.add_site, Source: catalogue.add_source, ConditionReport: catalogue.add_report}[model](record)

    site = site_doc(
        "guarded",
        geometry={"type": "Point", "coordinates": [46.93871, 39.57413]},
        sensitivity="restricted",
        external_ids={"wikidata": "Q987654"},
    )
    put(Site, site)
    put(
        Source,
        source_doc("src-secret", title="Secret cable", url="https://internal-only.example/c", sensitivity="restricted"),
    )
    put(ConditionReport, report_doc("r-g1", site="guarded", sources=[{"source": "src-secret"}, {"source": "src-chw"}]))
    put(ConditionReport, report_doc("r-g2", site="guarded", notes="Hidden observation", sensitivity="confidential"))
    return catalogue


@pytest.mark.parametrize("name", ["eamena", "jsonld"])
def test_the_public_file_holds_nothing_hidden(guarded: Catalogue, tmp_path: Path, name: str) -> None:
    def text(audience: str) -> str:
        path = tmp_path / f"{audience}.{name}"
        export(Scope.load(guarded, guarded.sites(), audience), name, path)
        return path.read_text(encoding="utf-8-sig")

    held = [secret for secret in SECRETS if secret in text("internal")]
    assert {"46.93871", "39.57413"} <= set(held)  # the team's file holds them: the check below can fail
    public = text("public")
    assert "guarded" in public
    assert [secret for secret in held if secret in public] == []

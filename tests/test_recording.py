"""Putting one record in, without the command line: ids derived and freed, stamps, validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import allegation_doc, report_doc, site_doc, source_doc, write
from heritage.errors import InvalidInput, RecordExists
from heritage.ids import base_id, free_id, site_id_for, source_id_for
from heritage.models import ConditionReport
from heritage.recording import add_allegation, add_report, add_site, add_source, build, read_json_file, stamp
from heritage.store import Catalogue


def test_free_id_numbers_from_two_and_base_id_undoes_it() -> None:
    taken = {"st-sargis", "st-sargis-2"}
    assert free_id("kanach-zham", taken.__contains__) == "kanach-zham"
    assert free_id("st-sargis", taken.__contains__) == "st-sargis-3"
    assert base_id("st-sargis-3") == "st-sargis" and base_id("st-sargis") == "st-sargis"
    assert base_id("-3") == "-3"  # nothing before the number: not one of ours


def test_a_site_id_comes_from_its_english_name_first() -> None:
    nobody = lambda _: False  # noqa: E731
    names = [{"lang": "hy", "text": "Սուրբ Սարգիս"}, {"lang": "en", "text": "St Sargis, Mokhrenes"}]
    assert site_id_for(names, nobody) == "st-sargis-mokhrenes"
    assert site_id_for(names[:1], nobody) == "surb-sargis"
    assert site_id_for([], nobody).startswith("site-")
    assert site_id_for("not a list", nobody).startswith("site-")


def test_a_source_id_comes_from_its_title() -> None:
    taken = {"src-chw-storymap"}
    assert source_id_for("CHW storymap", taken.__contains__) == "src-chw-storymap-2"
    assert source_id_for("", taken.__contains__).startswith("src-")


def test_a_record_file_is_one_json_object(tmp_path: Path) -> None:
    assert read_json_file(write(tmp_path / "ok.json", {"a": 1})) == {"a": 1}
    for name, text, message in (
        ("list.json", "[1]", "must hold one JSON object"),
        ("twice.json", '{"a": 1, "a": 2}', "'a' appears twice"),
        ("bad.json", "{", "is not valid JSON"),
    ):
        (tmp_path / name).write_text(text)
        with pytest.raises(InvalidInput, match=message):
            read_json_file(tmp_path / name)
    with pytest.raises(InvalidInput, match="file not found"):
        read_json_file(tmp_path / "missing.json")


def test_heritage_stamps_who_and_when_unless_told_to_keep_them() -> None:
    stamped = stamp({"id": "r-9"}, "tester")
    assert stamped["recorded_by"] == "tester" and stamped["recorded_at"]
    with pytest.raises(InvalidInput, match="recorded_by is set by heritage"):
        stamp({"id": "r-9", "recorded_by": "someone"}, "tester")
    assert stamp({"recorded_by": "someone"}, "tester", as_recorded=True)["recorded_by"] == "someone"


def test_an_error_leaves_out_an_id_made_up_a_moment_ago(catalogue: Catalogue) -> None:
    document = report_doc("r-made-up", observed="2021-02-30")
    with pytest.raises(InvalidInput) as given:
        build(ConditionReport, dict(document), catalogue.context)
    assert given.value.problem.record == "r-made-up"
    with pytest.raises(InvalidInput) as made_up:
        build(ConditionReport, dict(document), catalogue.context, generated_id=True)
    assert made_up.value.problem.record is None and made_up.value.problem.field == "observed"


def test_a_site_without_an_id_takes_the_next_free_one(catalogue: Catalogue) -> None:
    flat = {"names": [{"lang": "en", "text": "St Sargis"}], "location": {"precision": "unknown"}, "type": "church"}
    chosen = {**flat, "id": "st-sargis"}
    site = add_site(catalogue, flat, "tester")
    assert site.id == "st-sargis-2" and catalogue.site("st-sargis-2").recorded_by == "tester"
    with pytest.raises(RecordExists):  # an id given is never changed
        add_site(catalogue, chosen, "tester")


def test_a_site_file_must_be_a_feature(catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    with pytest.raises(InvalidInput, match="one GeoJSON Feature"):
        add_site(catalogue, {"id": "x", "names": []}, "tester", file=path)
    feature = site_doc("kanach-zham")
    feature["properties"].pop("recorded_at")
    feature["properties"].pop("recorded_by")
    assert add_site(catalogue, feature, "tester", file=path).id == "kanach-zham"


def test_sources_reports_and_allegations_are_appended(catalogue: Catalogue) -> None:
    def fresh(document: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in document.items() if k not in ("id", "recorded_at", "recorded_by")}

    source = add_source(catalogue, fresh(source_doc(title="Monitoring report, May 2021")), "tester")
    assert source.id == "src-monitoring-report-may-2021" and catalogue.has_source(source.id)
    report = add_report(catalogue, fresh(report_doc()), "tester")
    assert report.id.startswith("r-") and report.id in {r.id for r in catalogue.reports("st-sargis")}
    allegation = add_allegation(catalogue, fresh(allegation_doc()), "tester")
    assert allegation.id.startswith("a-") and catalogue.has_allegation(allegation.id)
    kept = add_report(catalogue, report_doc("r-kept"), "importer", as_recorded=True)
    assert kept.recorded_by == "tester"  # the document's own, as a migration keeps it
    assert json.loads((catalogue.root / "reports" / "st-sargis" / "r-kept.json").read_text())["id"] == "r-kept"

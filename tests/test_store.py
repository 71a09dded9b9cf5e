"""Appends: atomic, never overwriting, safe when several processes write at once."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from conftest import report_doc, snapshot
from heritage import layout
from heritage.atomic import create_file
from heritage.codec import decode
from heritage.errors import CatalogueNotFound, InvalidInput, RecordExists, RecordNotFound
from heritage.ids import new_id, slugify, ulid
from heritage.models import ConditionReport
from heritage.store import Catalogue
from heritage.validate import validate_catalogue


def report(**fields: object) -> ConditionReport:
    return decode(ConditionReport, json.dumps(report_doc(**fields)).encode())


def test_append_writes_one_new_file_and_touches_nothing_else(catalogue: Catalogue) -> None:
    before = snapshot(catalogue.root)
    path = catalogue.add_report(report(id="r-3", observed="2023-01-01", condition="destroyed"))
    after = snapshot(catalogue.root)
    assert set(after) - set(before) == {str(path.relative_to(catalogue.root))}
    assert all(after[name] == data for name, data in before.items())
    assert path == layout.report_file(catalogue.root, "st-sargis", "r-3")


def test_append_never_replaces_an_existing_record(catalogue: Catalogue) -> None:
    original = layout.report_file(catalogue.root, "st-sargis", "r-1").read_bytes()
    with pytest.raises(RecordExists):
        catalogue.add_report(report(id="r-1", condition="destroyed"))
    assert layout.report_file(catalogue.root, "st-sargis", "r-1").read_bytes() == original


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"site": "nowhere"}, "site", "unknown site 'nowhere'"),
        ({"sources": [{"source": "src-missing"}]}, "sources", "unknown source 'src-missing'"),
        ({"supersedes": "r-404"}, "supersedes", "not a report of site"),
    ],
)
def test_append_refuses_dangling_references_and_writes_nothing(
    catalogue: Catalogue, fields: dict[str, object], field: str, message: str
) -> None:
    before = snapshot(catalogue.root)
    with pytest.raises(InvalidInput) as caught:
        catalogue.add_report(report(id="r-9", **fields))
    assert caught.value.problem.field == field and message in str(caught.value)
    assert snapshot(catalogue.root) == before


def test_create_file_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.json"
    create_file(target, b"{}\n")
    assert [p.name for p in target.parent.iterdir()] == ["b.json"]
    with pytest.raises(RecordExists):
        create_file(target, b"other\n")
    assert target.read_bytes() == b"{}\n"
    assert [p.name for p in target.parent.iterdir()] == ["b.json"]


def test_readers_skip_a_temporary_file_left_by_a_crash(catalogue: Catalogue) -> None:
    folder = layout.site_reports_folder(catalogue.root, "st-sargis")
    (folder / f"{layout.TEMP_PREFIX}deadbeef-r-5.json").write_bytes(b'{"half": ')
    assert sorted(r.id for r in catalogue.reports("st-sargis")) == ["r-1", "r-2"]
    result = validate_catalogue(catalogue)
    assert result.ok and [p.code for p in result.warnings] == ["leftover-temp"]


def _append_many(root: str, worker: int, count: int) -> None:
    catalogue = Catalogue.open(root)
    for n in range(count):
        catalogue.add_report(report(id=new_id("r"), observed="2022-01-01", notes=f"worker {worker} #{n}"))


def test_concurrent_appends_from_four_processes_lose_nothing(catalogue: Catalogue) -> None:
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(catalogue.root), w, 50)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    reports = list(catalogue.reports("st-sargis"))
    assert len(reports) == 2 + 4 * 50
    assert {r.notes for r in reports} - {None} == {f"worker {w} #{n}" for w in range(4) for n in range(50)}
    assert validate_catalogue(catalogue).ok


def test_open_names_a_missing_catalogue(tmp_path: Path) -> None:
    with pytest.raises(CatalogueNotFound, match=r"catalogue\.json not found"):
        Catalogue.open(tmp_path)


def test_unknown_and_unsafe_ids_are_not_found(catalogue: Catalogue) -> None:
    for bad in ("nowhere", "../catalogue", ".hidden", "a/b"):
        with pytest.raises(RecordNotFound):
            catalogue.site(bad)
        assert not catalogue.has_site(bad)


def test_ids_are_unique_sortable_and_safe() -> None:
    ids = [ulid(now_ms=1_700_000_000_000 + n) for n in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 50 and all(len(i) == 26 for i in ids)
    assert slugify("Kanach Zham (St John), Shushi") == "kanach-zham-st-john-shushi"
    assert slugify("Ağdam məscidi / Cümə məscidi") == "agdam-mescidi-cume-mescidi"
    assert slugify("Սուրբ Սարգիս") == "surb-sargis"
    assert slugify("Шуша") == "shusha"
    assert slugify("one two three four", 9) == "one-two"

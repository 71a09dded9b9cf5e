"""`validate_catalogue` finds every problem, each with its code, file, record and field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import NOW, REPO, allegation_doc, report_doc, site_doc, source_doc, write
from heritage import layout
from heritage.examine import MODELS
from heritage.integrity import verify_catalogue
from heritage.store import Catalogue, read_unique
from heritage.validate import validate_catalogue


def test_a_valid_catalogue_has_no_problem(catalogue: Catalogue) -> None:
    result = validate_catalogue(catalogue)
    assert result.ok and result.problems == []
    assert result.counts == {"sites": 1, "sources": 1, "reports": 2, "allegations": 1}


def test_counts_kept_in_the_index_follow_the_files(catalogue: Catalogue) -> None:
    validate_catalogue(catalogue)  # counted, and the counts kept
    write(layout.report_file(catalogue.root, "st-sargis", "r-9"), report_doc("r-9"))
    assert validate_catalogue(catalogue).counts["reports"] == 3
    layout.report_file(catalogue.root, "st-sargis", "r-1").write_text("{")  # a record that cannot be read
    assert validate_catalogue(catalogue).counts["reports"] == 2


RECORDED = {"recorded_at": NOW, "recorded_by": "tester"}
SHA = "a" * 64  # an evidence file the catalogue does not hold


def retraction_doc(retraction_id: str, retracts: str) -> dict[str, object]:
    return {"id": retraction_id, "site": "st-sargis", "retracts": retracts, "reason": "withdrawn", **RECORDED}


def review_doc(review_id: str, allegation: str) -> dict[str, object]:
    return {
        "id": review_id,
        "allegation": allegation,
        "status": "under_review",
        "rationale": "opened",
        "reviewer": "R. Analyst",
        **RECORDED,
    }


def reports_dir(root: Path) -> Path:
    return layout.site_reports_folder(root, "st-sargis")


# Each case breaks a valid catalogue in one way, as a hand edit or a bad merge would.
BREAKAGES: list[tuple[str, Callable[[Path], object], str, str | None, str | None]] = [
    (
        "invalid-record",
        lambda root: write(
            layout.site_file(root, "bad-lat"),
            site_doc("bad-lat", geometry={"type": "Point", "coordinates": [46.0, 95.0]}),
        ),
        "sites/bad-lat.geojson",
        "bad-lat",
        "geometry.coordinates",
    ),
    (
        "invalid-record",
        lambda root: layout.source_file(root, "src-broken").write_text("{not json"),
        "sources/src-broken.json",
        None,
        None,
    ),
    (
        "invalid-record",
        lambda root: write(layout.report_file(root, "st-sargis", "r-typo"), {**report_doc("r-typo"), "condtion": "x"}),
        "reports/st-sargis/r-typo.json",
        "r-typo",
        "condtion",
    ),
    (
        "id-mismatch",
        lambda root: write(layout.source_file(root, "src-other"), source_doc("src-renamed")),
        "sources/src-other.json",
        "src-renamed",
        "id",
    ),
    (
        "duplicate-id",
        lambda root: write(layout.report_file(root, "st-sargis", "r-1").with_name("r-1b.json"), report_doc("r-1")),
        "reports/st-sargis/r-1b.json",
        "r-1",
        "id",
    ),
    (
        "unknown-site",
        lambda root: write(layout.report_file(root, "ghost", "r-ghost"), report_doc("r-ghost", site="ghost")),
        "reports/ghost/r-ghost.json",
        "r-ghost",
        "site",
    ),
    (
        "misfiled-report",
        lambda root: (
            shutil.copytree(reports_dir(root), root / "reports" / "elsewhere"),
            *(p.unlink() for p in reports_dir(root).iterdir()),
        ),
        "reports/elsewhere/r-1.json",
        "r-1",
        "site",
    ),
    (
        "misfiled-record",
        lambda root: write(layout.retraction_file(root, "elsewhere", "x-1"), retraction_doc("x-1", retracts="r-1")),
        "retractions/elsewhere/x-1.json",
        "x-1",
        "site",
    ),
    (
        "misfiled-record",
        lambda root: write(layout.review_file(root, "a-other", "rv-1"), review_doc("rv-1", allegation="a-1")),
        "reviews/a-other/rv-1.json",
        "rv-1",
        "allegation",
    ),
    (
        "unknown-source",
        lambda root: write(
            layout.report_file(root, "st-sargis", "r-3"), report_doc("r-3", sources=[{"source": "src-gone"}])
        ),
        "reports/st-sargis/r-3.json",
        "r-3",
        "sources",
    ),
    (
        "unknown-superseded",
        lambda root: write(layout.report_file(root, "st-sargis", "r-3"), report_doc("r-3", supersedes="r-404")),
        "reports/st-sargis/r-3.json",
        "r-3",
        "supersedes",
    ),
    (
        "unknown-site",
        lambda root: write(layout.allegation_file(root, "a-2"), allegation_doc("a-2", sites=["st-sargis", "ghost"])),
        "allegations/a-2.json",
        "a-2",
        "sites[1]",
    ),
    (
        "unknown-party",
        lambda root: write(
            layout.allegation_file(root, "a-2"),
            allegation_doc("a-2", claimant={"name": "X", "kind": "government", "party": "side-z"}),
        ),
        "allegations/a-2.json",
        "a-2",
        "claimant.party",
    ),
    (
        "unknown-allegation",
        lambda root: write(layout.allegation_file(root, "a-2"), allegation_doc("a-2", responds_to="a-404")),
        "allegations/a-2.json",
        "a-2",
        "responds_to",
    ),
    (
        "supersession-loop",
        lambda root: (
            write(layout.report_file(root, "st-sargis", "r-3"), report_doc("r-3", supersedes="r-4")),
            write(layout.report_file(root, "st-sargis", "r-4"), report_doc("r-4", supersedes="r-3")),
        ),
        "reports/st-sargis/r-3.json",
        "r-3",
        "supersedes",
    ),
    (
        "superseded-twice",
        lambda root: (
            write(layout.report_file(root, "st-sargis", "r-3"), report_doc("r-3", supersedes="r-1")),
            write(layout.report_file(root, "st-sargis", "r-4"), report_doc("r-4", supersedes="r-1")),
        ),
        "reports/st-sargis/r-4.json",
        "r-4",
        "supersedes",
    ),
    (
        "unknown-source",
        lambda root: write(
            layout.site_file(root, "disputed"),
            site_doc("disputed", disputes=[{"aspect": "builder", "claim": "built in 1200", "sources": ["src-gone"]}]),
        ),
        "sites/disputed.geojson",
        "disputed",
        "disputes[0].sources",
    ),
    (
        "unknown-source",
        lambda root: write(layout.allegation_file(root, "a-2"), allegation_doc("a-2", source={"source": "src-gone"})),
        "allegations/a-2.json",
        "a-2",
        "source.source",
    ),
    (
        "unknown-source",
        lambda root: write(
            layout.evidence_record_file(root, SHA),
            {"id": "ev-1", "file_sha256": SHA, "size": 3, "media_type": "image/jpeg", "source": "src-gone", **RECORDED},
        ),
        f"evidence/{SHA[:2]}/{SHA}.json",
        "ev-1",
        "source",
    ),
    (
        "unknown-evidence",
        lambda root: write(layout.report_file(root, "st-sargis", "r-3"), report_doc("r-3", evidence=[SHA])),
        "reports/st-sargis/r-3.json",
        "r-3",
        "evidence[0]",
    ),
    (
        "unknown-evidence",
        lambda root: write(layout.allegation_file(root, "a-2"), allegation_doc("a-2", evidence=[SHA, "b" * 64])),
        "allegations/a-2.json",
        "a-2",
        "evidence[1]",
    ),
    (
        "unknown-retracted",
        lambda root: write(layout.retraction_file(root, "st-sargis", "x-1"), retraction_doc("x-1", retracts="r-404")),
        "retractions/st-sargis/x-1.json",
        "x-1",
        "retracts",
    ),
    (
        "retracted-twice",
        lambda root: [
            write(layout.retraction_file(root, "st-sargis", f"x-{n}"), retraction_doc(f"x-{n}", retracts="r-1"))
            for n in (1, 2)
        ],
        "retractions/st-sargis/x-2.json",
        "x-2",
        "retracts",
    ),
    (
        "unknown-allegation",
        lambda root: write(layout.review_file(root, "a-404", "rv-1"), review_doc("rv-1", allegation="a-404")),
        "reviews/a-404/rv-1.json",
        "rv-1",
        "allegation",
    ),
    (
        "swapped-coordinates",
        lambda root: write(
            layout.site_file(root, "swapped"),
            site_doc("swapped", geometry={"type": "Point", "coordinates": [39.57, 46.93]}),
        ),
        "sites/swapped.geojson",
        "swapped",
        "geometry",
    ),
    (
        "swapped-coordinates",  # a sign flipped (W for E) is the same slip, refused by `site add` too
        lambda root: write(
            layout.site_file(root, "flipped"),
            site_doc("flipped", geometry={"type": "Point", "coordinates": [-46.93, 39.57]}),
        ),
        "sites/flipped.geojson",
        "flipped",
        "geometry",
    ),
]


@pytest.mark.parametrize(
    ("code", "breakage", "file", "record", "field"), BREAKAGES, ids=[f"{b[0]}-{n}" for n, b in enumerate(BREAKAGES)]
)
def test_each_problem_is_found_and_located(
    catalogue: Catalogue,
    code: str,
    breakage: Callable[[Path], object],
    file: str,
    record: str | None,
    field: str | None,
) -> None:
    breakage(catalogue.root)
    result = validate_catalogue(Catalogue.open(catalogue.root))
    assert not result.ok
    located = [(p.code, p.file, p.record, p.field) for p in result.errors]
    assert (code, file, record, field) in located, located


def test_every_problem_is_reported_not_just_the_first(catalogue: Catalogue) -> None:
    for _code, breakage, *_ in BREAKAGES[:6]:
        breakage(catalogue.root)
    result = validate_catalogue(Catalogue.open(catalogue.root))
    assert {p.code for p in result.errors} >= {"invalid-record", "id-mismatch", "duplicate-id", "unknown-site"}
    assert len(result.errors) >= 6


def test_warnings_do_not_make_a_catalogue_invalid(catalogue: Catalogue) -> None:
    write(layout.site_file(catalogue.root, "lost"), site_doc("lost", geometry=None, location={"precision": "unknown"}))
    (catalogue.root / "sites" / "notes.txt").write_text("scratch")
    result = validate_catalogue(catalogue)
    assert result.ok
    assert sorted(p.code for p in result.warnings) == ["no-location", "stray-file"]


def test_future_dates_are_judged_against_today(catalogue: Catalogue) -> None:
    from datetime import date

    write(layout.report_file(catalogue.root, "st-sargis", "r-3"), report_doc("r-3", observed="2026-06-01"))
    assert validate_catalogue(Catalogue.open(catalogue.root), today=date(2026, 7, 1)).ok
    result = validate_catalogue(Catalogue.open(catalogue.root), today=date(2026, 5, 1))
    assert [(p.record, p.field) for p in result.warnings] == [("r-3", "observed")]


def _with_a_key_twice(text: str, key: str, value: str) -> str:
    """The JSON text with `key` given once more, just before its first appearance."""
    at = text.index(f'"{key}"')
    return f"{text[:at]}{value}, {text[at:]}"


DUPLICATED = [
    # (file, how the text is changed, the key named)
    ("reports/st-sargis/r-1.json", lambda t: _with_a_key_twice(t, "observed", '"observed": "2021"'), "observed"),
    # ...inside a citation, which only the count of the citation's own keys can tell
    ("reports/st-sargis/r-1.json", lambda t: _with_a_key_twice(t, "source", '"source": "src-chw"'), "source"),
    # ...written with a space before the colon, as some tools write JSON
    ("reports/st-sargis/r-1.json", lambda t: _with_a_key_twice(t, "method", '"method" : "site_visit"'), "method"),
    ("sources/src-chw.json", lambda t: _with_a_key_twice(t, "title", '"title": "Other"'), "title"),
    # ...inside an allegation's claimant, a model inside the record, and inside its source
    ("allegations/a-1.json", lambda t: _with_a_key_twice(t, "kind", '"kind": "media"'), "kind"),
    ("allegations/a-1.json", lambda t: _with_a_key_twice(t, "locator", '"locator": "p. 3"'), "locator"),
    ("sites/st-sargis.geojson", lambda t: _with_a_key_twice(t, "type", '"type": "church"'), "type"),
]


@pytest.mark.parametrize(("file", "change", "key"), DUPLICATED, ids=[f"{d[0]}-{d[2]}" for d in DUPLICATED])
def test_a_key_given_twice_in_a_stored_record_is_an_error(
    catalogue: Catalogue, file: str, change: Callable[[str], str], key: str
) -> None:
    path = catalogue.root / file
    path.write_text(change(path.read_text()))
    result = validate_catalogue(Catalogue.open(catalogue.root))
    problems = [(p.code, p.file, p.message) for p in result.errors]
    assert ("invalid-record", file, f"the key {key!r} appears twice in one object") in problems, problems


def test_no_record_model_adds_keys_before_it_checks_them() -> None:
    """A key given twice is found by counting the keys of the models read (see
    `heritage.store.read_unique`): that count is the text's only if no validator runs before a
    model's own, where it could add or rename keys, and only the date type has a validator of
    its own that takes the place of pydantic's (it reads a text, never an object). A model that
    set one of its own fields after it is checked (`model_post_init`, or an after-validator
    assigning one) would count a key the text did not give: none does, and none may."""

    def functions(node: object, found: set[str]) -> set[str]:
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, str) and kind.startswith("function-") and kind != "function-after":
                found.add(f"{kind} {node['function']['function'].__qualname__}")
            for key, value in node.items():
                if key != "serialization":  # how values are written out, not read
                    functions(value, found)
        elif isinstance(node, list | tuple):
            for value in node:
                functions(value, found)
        return found

    for model in MODELS.values():
        model.model_rebuild()
        found = functions(model.__pydantic_core_schema__, set())
        assert found <= {"function-plain When.__get_pydantic_core_schema__.<locals>.validate"}, (model, found)
        assert model.model_post_init is BaseModel.model_post_init, model


def test_every_record_of_the_sample_is_read_the_quick_way() -> None:
    """Counting the keys of the models read must give the text's count for a record as written
    (with citations, claimants, areas, satellite images...): else every one is read twice."""
    sample = Catalogue.open(REPO)
    read = 0
    for kind, model in MODELS.items():
        for path in sorted((REPO / kind).rglob("*.*json")):
            assert read_unique(model, path.read_bytes(), sample.context) is not None, path
            read += 1
    assert read > 100


DEEP = b'{"id": "r-3", "notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"  # deeper than Python's parser goes


def test_a_record_nested_too_deeply_to_parse_is_an_error_not_a_crash(catalogue: Catalogue) -> None:
    layout.report_file(catalogue.root, "st-sargis", "r-3").write_bytes(DEEP)
    result = validate_catalogue(Catalogue.open(catalogue.root))
    problems = [(p.code, p.file, p.message) for p in result.errors]
    message = "is not valid JSON (arrays or objects nested too deeply, line 1)"
    assert problems == [("invalid-record", "reports/st-sargis/r-3.json", message)]
    checked = [(p.code, p.file) for p in verify_catalogue(Catalogue.open(catalogue.root)).problems]
    assert ("unreadable", "reports/st-sargis/r-3.json") in checked


def test_a_translation_no_label_has_is_said_with_the_key_meant(catalogue: Catalogue) -> None:
    """A misspelt key in catalogue.json's translations would leave the English on every phone."""
    info = json.loads((catalogue.root / "catalogue.json").read_text(encoding="utf-8"))
    info["translations"] = {"ru": {"form.condition": "Состояние", "form.nots.hint": "Всё остальное"}}
    (catalogue.root / "catalogue.json").write_text(json.dumps(info), encoding="utf-8")
    found = [p for p in validate_catalogue(Catalogue.open(catalogue.root)).problems if p.code == "unknown-translation"]
    assert [(p.file, p.field, p.severity) for p in found] == [("catalogue.json", "translations.ru", "warning")]
    assert "'form.nots.hint'" in found[0].message and "did you mean form.notes.hint?" in found[0].message

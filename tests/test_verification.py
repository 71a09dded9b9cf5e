"""Verifications: how a statement was checked, recorded, validated, and shown with the reviews
that rest on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from heritage import layout
from heritage.codec import from_document
from heritage.evidence import add_evidence
from heritage.models import Verification
from heritage.store import Catalogue
from heritage.validate import validate_catalogue
from tests.conftest import NOW, Invoke

CHECK = ["--method", "landmark matching", "--checked-on", "2022-08-01", "--checked-by", "A. Analyst"]


def _doc(**fields: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": "vf-1",
        "subject_kind": "report",
        "subject": "r-1",
        "step": "geolocation",
        "method": "shadow analysis",
        "result": "confirmed",
        "checked_on": "2022-08-01",
        "checked_by": "A. Analyst",
        "recorded_at": NOW,
        "recorded_by": "tester",
    }
    doc.update(fields)
    return doc


def _add(invoke: Invoke, catalogue: Catalogue, *args: str) -> str:
    result = invoke("verification", "add", *args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _review(invoke: Invoke, catalogue: Catalogue, status: str, *relies_on: str) -> str:
    relied = [x for ref in relies_on for x in ("--relies-on", ref)]
    args = ["allegation", "review", "a-1", "--status", status, "--standard", "reasonable grounds to believe"]
    result = invoke(*args, "--rationale", "Imagery", "--reviewer", "R. Viewer", *relied, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"location": {"type": "Point", "coordinates": [46.9, 39.5]}, "step": "chronolocation"}, "location"),
        ({"date_found": "2022-07", "step": "geolocation"}, "date_found"),
        ({"step": "technical_verification"}, "technical verification checks a file"),
        ({"subject_kind": "evidence", "subject": "r-1"}, "SHA-256"),
        ({"supersedes": "vf-1"}, "cannot supersede itself"),
        ({"result": "true"}, "result"),
        ({"checked_on": "2999-01-01"}, "future"),
    ],
)
def test_a_verification_says_only_what_its_step_can_find(fields: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        Verification.model_validate(_doc(**fields), context={})


def test_a_verification_round_trips_with_what_each_step_found(catalogue: Catalogue, invoke: Invoke) -> None:
    found = _add(invoke, catalogue, "--subject", "r-1", "--step", "geolocation", "--result", "confirmed",
                 *CHECK, "--location", "46.93", "39.57", "--source", "src-chw:p. 4")  # fmt: skip
    when = _add(invoke, catalogue, "--subject", "r-1", "--step", "chronolocation", "--result", "consistent",
                *CHECK, "--date-found", "2022-03/2022-07-06")  # fmt: skip
    first = catalogue.verification(found)
    assert (first.subject_kind.value, first.subject, first.location.coordinates) == ("report", "r-1", [46.93, 39.57])
    assert first.sources[0].locator == "p. 4" and first.recorded_by == "tester" and first.sha256
    assert str(catalogue.verification(when).date_found) == "2022-03/2022-07-06"
    shown = json.loads(invoke("verification", "list", "--subject", "r-1", "--json", catalogue=catalogue).stdout)
    assert [v["id"] for v in shown] == sorted([found, when])
    text = invoke("verification", "show", found, catalogue=catalogue).stdout
    assert "point found: 39.570000, 46.930000" in text and "A. Analyst" in text


def test_evidence_is_checked_by_its_file_and_an_id_two_kinds_share_must_say_which(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.bin"
    photo.write_bytes(b"a photo")
    record = add_evidence(catalogue, photo, "src-chw", recorded_by="tester")
    made = _add(invoke, catalogue, "--subject", record.id, "--step", "technical_verification", "--result",
                "consistent", *CHECK)  # fmt: skip
    assert catalogue.verification(made).subject == record.file_sha256
    # an allegation whose id is a source's too
    (catalogue.root / "allegations" / "a-1.json").rename(catalogue.root / "allegations" / "src-chw.json")
    result = invoke("verification", "add", "--subject", "src-chw", "--step", "content_verification",
                    "--result", "confirmed", *CHECK, catalogue=catalogue)  # fmt: skip
    assert result.exit_code != 0 and "subject_kind" in result.output
    result = invoke("verification", "add", "--subject", "nothing", "--step", "geolocation",
                    "--result", "confirmed", *CHECK, catalogue=catalogue)  # fmt: skip
    assert result.exit_code != 0 and "no source, evidence file, report or allegation" in result.output


def test_a_verification_from_a_file_and_its_correction(catalogue: Catalogue, invoke: Invoke, tmp_path: Path) -> None:
    document = {k: v for k, v in _doc().items() if k not in ("recorded_at", "recorded_by", "subject_kind")}
    result = invoke("verification", "add", "--file", "-", input=json.dumps(document), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    correct = ["--subject", "r-1", "--step", "geolocation", "--result", "inconclusive", *CHECK]
    second = _add(invoke, catalogue, *correct, "--supersedes", "vf-1")
    result = invoke("verification", "add", *correct, "--supersedes", "vf-1", catalogue=catalogue)
    assert result.exit_code != 0 and f"already superseded by {second!r}" in result.output
    result = invoke("verification", "add", *correct[:1], "r-2", *correct[2:], "--supersedes", second,
                    catalogue=catalogue)  # fmt: skip
    assert result.exit_code != 0 and "checks another record" in result.output


def test_validate_checks_what_verifications_and_reviews_name(catalogue: Catalogue) -> None:
    folder = catalogue.root / layout.VERIFICATIONS
    for doc in (
        _doc(id="vf-gone", subject="r-9"),
        _doc(id="vf-file", evidence=["ab" * 32], sources=[{"source": "src-none"}]),
        _doc(id="vf-wrong", subject="r-2", supersedes="vf-file"),
    ):
        (folder / f"{doc['id']}.json").write_text(json.dumps(doc), encoding="utf-8")
    review = {"id": "v-1", "allegation": "a-1", "status": "under_review", "rationale": "x", "reviewer": "r",
              "relies_on": ["vf-file", "vf-none"], "recorded_at": NOW, "recorded_by": "tester"}  # fmt: skip
    (catalogue.root / "reviews" / "a-1").mkdir(parents=True)
    (catalogue.root / "reviews" / "a-1" / "v-1.json").write_text(json.dumps(review), encoding="utf-8")
    found = {(p.code, p.record, p.field) for p in validate_catalogue(catalogue).errors}
    assert found == {
        ("unknown-subject", "vf-gone", "subject"),
        ("unknown-evidence", "vf-file", "evidence[0]"),
        ("unknown-source", "vf-file", "sources"),
        ("unknown-superseded", "vf-wrong", "supersedes"),
        ("unknown-reference", "v-1", "relies_on[1]"),
    }


def test_a_finding_for_the_claim_that_rests_on_no_check_is_named(catalogue: Catalogue, invoke: Invoke) -> None:
    bare = _review(invoke, catalogue, "corroborated", "r-2")
    warned = lambda: {p.record for p in validate_catalogue(catalogue).warnings if p.code == "unchecked-finding"}  # noqa: E731
    assert warned() == {bare}
    # A check that does not support it does not count; one of a source the report cites does.
    _add(invoke, catalogue, "--subject", "r-2", "--step", "chronolocation", "--result", "inconsistent", *CHECK)
    assert warned() == {bare}
    _add(invoke, catalogue, "--subject", "src-chw", "--step", "source_identification", "--result", "confirmed", *CHECK)
    assert warned() == set()
    # A review may name a verification itself, and `allegation show` lists the checks behind it.
    named = _add(invoke, catalogue, "--subject", "a-1", "--step", "content_verification", "--result", "consistent",
                 *CHECK)  # fmt: skip
    review = _review(invoke, catalogue, "verified", named)
    assert warned() == set()
    shown = invoke("allegation", "show", "a-1", catalogue=catalogue).stdout
    assert "checked: a-1 content verification: consistent (landmark matching; 2022-08-01, A. Analyst)" in shown
    data = json.loads(invoke("allegation", "show", "a-1", "--json", catalogue=catalogue).stdout)
    behind = {r["id"]: [v["id"] for v in r["checks_behind"]] for r in data["reviews"]}
    assert behind[review] == [named] and len(behind[bare]) == 2  # the check against it is shown too


def test_dossiers_show_the_checks_as_each_audience_may_see_them(catalogue: Catalogue, invoke: Invoke) -> None:
    from heritage.dossier import dossier_context, render_dossier

    made = _add(invoke, catalogue, "--subject", "r-1", "--step", "geolocation", "--result", "confirmed", *CHECK,
                "--note", "Bell tower <b>matches</b>", "--location", "46.93", "39.57")  # fmt: skip
    _review(invoke, catalogue, "corroborated", "r-1")
    internal = render_dossier(dossier_context(catalogue, "st-sargis", "internal"))
    public = render_dossier(dossier_context(catalogue, "st-sargis", "public"))
    assert "How the records were checked" in internal and made in internal and made in public
    assert "Bell tower &lt;b&gt;matches&lt;/b&gt;" in internal and "Bell tower" not in public
    assert "A. Analyst" in internal and "A. Analyst" not in public
    assert "point found 39.57000, 46.93000" in internal and "point found" not in public
    assert "Checked: report <code>r-1</code>, geolocation: confirmed" in internal


def test_the_public_does_not_see_a_check_of_a_hidden_source(catalogue: Catalogue, invoke: Invoke) -> None:
    from heritage.models import Source
    from tests.conftest import source_doc

    catalogue.add_source(from_document(Source, source_doc("src-secret", sensitivity="restricted"), {}))
    made = _add(invoke, catalogue, "--subject", "src-secret", "--step", "source_identification",
                "--result", "confirmed", *CHECK)  # fmt: skip
    assert invoke("verification", "list", "--audience", "mission", "--json", catalogue=catalogue).stdout.count(made)
    assert (
        json.loads(invoke("verification", "list", "--audience", "public", "--json", catalogue=catalogue).stdout) == []
    )
    result = invoke("verification", "show", made, "--audience", "public", catalogue=catalogue)
    assert result.exit_code != 0 and "no such verification" in result.output


def test_a_verification_shown_with_its_checker_withheld_carries_no_seal(catalogue: Catalogue, invoke: Invoke) -> None:
    """As every record (audience.shown_as): its seal beside it would confirm a guess at the name."""
    from heritage.audience import verification_for

    stored = catalogue.verification(
        _add(invoke, catalogue, "--subject", "r-1", "--step", "geolocation", "--result", "confirmed", *CHECK)
    )
    public = verification_for(stored, "public", True, {"src-chw"})
    internal = verification_for(stored, "internal", True, {"src-chw"})
    assert public is not None and public.checked_by != stored.checked_by and public.sha256 is None
    assert internal is not None and internal.sha256 == stored.sha256

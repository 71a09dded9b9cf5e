"""Chain of custody: the intake read off the evidence record, events appended under custody/,
checked by validate and verify, and shown to each audience as it may see it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from heritage import layout
from heritage.codec import encode
from heritage.custody import find_chain, record_event
from heritage.dossier import dossier_context, render_dossier
from heritage.errors import InvalidInput, RecordNotFound
from heritage.evidence import Received, add_evidence
from heritage.integrity import verify_catalogue
from heritage.models import CustodyAction, CustodyEvent, Evidence, Sensitivity
from heritage.store import Catalogue
from heritage.validate import validate_catalogue
from tests.conftest import Invoke


def _photo(path: Path, serial: str = "BODY-4711") -> Path:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "Apple", "iPhone 13", "17.4.1"
    exif.get_ifd(0x8769)[0xA431] = serial
    Image.new("RGB", (16, 12), (90, 120, 60)).save(path, "JPEG", exif=exif)
    return path


@pytest.fixture
def photo(catalogue: Catalogue, tmp_path: Path) -> Evidence:
    """A photo added with where it came from, and cited by a report of the catalogue's site."""
    record = add_evidence(
        catalogue,
        _photo(tmp_path / "IMG_2041.jpg"),
        "src-chw",
        recorded_by="analyst",
        received=Received("Field team 2", "USB handover", None),
    )
    return record


def _cite(catalogue: Catalogue, sha: str) -> None:
    from heritage.codec import decode
    from heritage.models import ConditionReport
    from tests.conftest import report_doc

    report = decode(ConditionReport, json.dumps(report_doc("r-photo", evidence=[sha])).encode())
    catalogue.add_report(report)


def test_the_intake_keeps_where_the_file_came_from_and_the_device(photo: Evidence) -> None:
    assert photo.name == "IMG_2041.jpg"
    assert photo.camera == "Apple iPhone 13"
    assert photo.software == "17.4.1"
    assert photo.device_serial == "BODY-4711"
    assert (photo.received_from, photo.received_via) == ("Field team 2", "USB handover")


def test_evidence_add_takes_received_from_via_and_url(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    result = invoke(
        "evidence", "add", str(_photo(tmp_path / "a.jpg")), "--source", "src-chw",
        "--received-from", "Journalist X", "--via", "download", "--url", "https://example.org/a.jpg",
        catalogue=catalogue,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sha = result.output.split()[0]
    record = catalogue.read(Evidence, layout.evidence_record_file(catalogue.root, sha))
    assert (record.received_from, record.received_via, record.received_url) == (
        "Journalist X",
        "download",
        "https://example.org/a.jpg",
    )
    bad = invoke(
        "evidence", "add", str(tmp_path / "a.jpg"), "--source", "src-chw", "--url", "ftp://x", catalogue=catalogue
    )
    assert bad.exit_code != 0 and "http" in bad.output


def test_events_are_appended_beside_nothing_else_and_the_chain_starts_with_the_intake(
    catalogue: Catalogue, photo: Evidence, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(layout.evidence_file(catalogue.root, photo.file_sha256).read_bytes())
    moved = record_event(
        catalogue, photo.id, CustodyAction.transferred, recorded_by="analyst", from_holder="Field team 2",
        to_holder="HQ evidence officer", where="USB stick S/N 4C53", check=copy,
    )  # fmt: skip
    assert moved.hash_checked == photo.file_sha256 and moved.hash_matches is True
    assert layout.custody_file(catalogue.root, photo.file_sha256, moved.id).is_file()
    assert moved.by == "analyst"  # who did it defaults to who records it
    chain = find_chain(catalogue, photo.file_sha256, "internal")
    assert [link.action for link in chain.links] == ["intake", "transferred"]
    intake = chain.links[0]
    assert (intake.from_holder, intake.by, intake.matches) == ("Field team 2", "analyst", True)
    assert "IMG_2041.jpg" in (intake.notes or "") and "BODY-4711" in (intake.notes or "")
    # The intake is not stored twice: the only file under custody/ is the event.
    assert [p.name for p in layout.custody_files(catalogue.root)] == [f"{moved.id}.json"]


def test_an_event_names_an_evidence_file_the_catalogue_holds(catalogue: Catalogue) -> None:
    with pytest.raises(RecordNotFound):
        record_event(catalogue, "ev-00000000000000000000", CustodyAction.stored, recorded_by="a")
    event = CustodyEvent.model_validate(
        {"id": "cu-1", "evidence": "0" * 64, "action": "stored", "at": "2025-01-01T00:00:00Z", "by": "a",
         "recorded_at": "2025-01-01T00:00:00Z", "recorded_by": "a"}
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="unknown evidence"):
        catalogue.add_custody_event(event)


def test_a_change_of_hands_says_to_whom_and_the_intake_is_never_stored() -> None:
    base = {"id": "cu-1", "evidence": "0" * 64, "at": "2025-01-01T00:00:00Z", "by": "a",
            "recorded_at": "2025-01-01T00:00:00Z", "recorded_by": "a"}  # fmt: skip
    with pytest.raises(ValidationError, match="to_holder"):
        CustodyEvent.model_validate({**base, "action": "transferred"})
    with pytest.raises(ValidationError, match="intake"):
        CustodyEvent.model_validate({**base, "action": "intake"})
    with pytest.raises(ValidationError):
        CustodyEvent.model_validate({**base, "action": "lost"})
    assert CustodyEvent.model_validate({**base, "action": "stored"}).hash_matches is None


def test_cli_adds_and_lists_the_chain(invoke: Invoke, catalogue: Catalogue, photo: Evidence, tmp_path: Path) -> None:
    other = tmp_path / "other.bin"
    other.write_bytes(b"not the photo")
    added = invoke(
        "evidence", "custody", "add", photo.id, "--action", "copied", "--to", "ICC OTP", "--where", "court portal",
        "--check", str(other), "--at", "2026-01-05T10:00:00+04:00", "--note", "copy for the court",
        catalogue=catalogue,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "is not the file's" in added.stderr  # a mismatch is recorded, and said
    missing = invoke("evidence", "custody", "add", photo.id, "--action", "transferred", catalogue=catalogue)
    assert missing.exit_code != 0 and "to_holder" in missing.output
    no_zone = invoke("evidence", "custody", "add", photo.id, "--action", "stored", "--at", "2026-01-05T10:00",
                     catalogue=catalogue)  # fmt: skip
    assert no_zone.exit_code != 0 and "time zone" in no_zone.output
    shown = invoke("evidence", "custody", photo.file_sha256, catalogue=catalogue)
    assert shown.exit_code == 0, shown.output
    assert "intake" in shown.output and "ICC OTP" in shown.output and "DID NOT MATCH" in shown.output
    data = json.loads(invoke("evidence", "custody", photo.id, "--json", catalogue=catalogue).output)
    assert data["intake"]["received_from"] == "Field team 2"
    assert [e["action"] for e in data["events"]] == ["copied"]
    assert data["events"][0]["notes"] == "copy for the court"
    assert "chain of custody" in invoke("evidence", "show", photo.id, catalogue=catalogue).output
    unknown = invoke("evidence", "custody", "ev-00000000000000000000", catalogue=catalogue)
    assert unknown.exit_code != 0 and "no such evidence" in unknown.output


def test_audiences_see_what_was_done_not_who_held_it(catalogue: Catalogue, photo: Evidence) -> None:
    record_event(catalogue, photo.id, CustodyAction.transferred, recorded_by="analyst", by="Anna Witness",
                 from_holder="Field team 2", to_holder="Ruben Holder", where="Stepanakert office",
                 notes="handed over in person")  # fmt: skip
    hidden = record_event(catalogue, photo.id, CustodyAction.copied, recorded_by="analyst", to_holder="Secret Unit",
                          sensitivity=Sensitivity.restricted)  # fmt: skip
    internal = find_chain(catalogue, photo.id, "internal")
    assert [e.id for e in internal.events][-1] == hidden.id
    for audience in ("mission", "public"):
        chain = find_chain(catalogue, photo.id, audience)
        assert chain.names_withheld
        text = repr([vars(link) for link in chain.links])
        for name in ("Anna Witness", "Field team 2", "Ruben Holder", "Stepanakert", "in person", "IMG_2041",
                     "BODY-4711", "USB handover"):  # fmt: skip
            assert name not in text, (audience, name)
        assert "transferred" in text
        assert "Secret Unit" not in text
    assert hidden.id in [e.id for e in find_chain(catalogue, photo.id, "mission").events]
    assert hidden.id not in [e.id for e in find_chain(catalogue, photo.id, "public").events]
    # The chain of a hidden file is hidden with it.
    path = layout.evidence_record_file(catalogue.root, photo.file_sha256)
    path.unlink()
    path.write_bytes(encode(photo.model_copy(update={"sensitivity": Sensitivity.confidential})))
    with pytest.raises(RecordNotFound):
        find_chain(catalogue, photo.id, "mission")


def test_dossiers_show_each_files_chain_as_the_audience_may_see_it(catalogue: Catalogue, photo: Evidence) -> None:
    _cite(catalogue, photo.file_sha256)
    record_event(catalogue, photo.id, CustodyAction.exported, recorded_by="analyst", to_holder="Ruben Holder",
                 where="court <portal>")  # fmt: skip
    internal = render_dossier(dossier_context(catalogue, "st-sargis", "internal"))
    assert "Chain of custody" in internal and "Ruben Holder" in internal and "exported" in internal
    assert "court &lt;portal&gt;" in internal  # escaped as all catalogue text
    public = render_dossier(dossier_context(catalogue, "st-sargis", "public"))
    assert "exported" in public and "Ruben Holder" not in public and "withheld in this edition" in public


def test_validate_checks_the_chain(catalogue: Catalogue, photo: Evidence) -> None:
    first = record_event(catalogue, photo.id, CustodyAction.stored, recorded_by="a", where="safe")
    late = record_event(catalogue, photo.id, CustodyAction.checked, recorded_by="a", checked_sha256="1" * 64,
                        at=photo.recorded_at.replace(year=2020))  # fmt: skip
    stray_sha = "ab" * 32
    orphan = first.model_copy(update={"id": "cu-orphan", "evidence": stray_sha})
    misfiled = first.model_copy(update={"id": "cu-misfiled"})
    (catalogue.root / "custody" / stray_sha).mkdir()
    layout.custody_file(catalogue.root, stray_sha, orphan.id).write_bytes(encode(orphan))
    layout.custody_file(catalogue.root, stray_sha, misfiled.id).write_bytes(encode(misfiled))
    report = validate_catalogue(catalogue)
    codes = {(p.code, p.record) for p in report.problems}
    assert ("unknown-evidence", "cu-orphan") in codes
    assert ("misfiled-record", "cu-misfiled") in codes
    assert ("custody-order", late.id) in codes
    assert ("custody-hash-mismatch", late.id) in codes
    assert not any(p.record == first.id for p in report.problems)


def test_verify_covers_custody_events(catalogue: Catalogue, photo: Evidence) -> None:
    event = record_event(catalogue, photo.id, CustodyAction.stored, recorded_by="a", where="safe")
    assert verify_catalogue(catalogue).ok
    path = layout.custody_file(catalogue.root, photo.file_sha256, event.id)
    moved = catalogue.root / "custody" / ("cd" * 32) / path.name
    moved.parent.mkdir()
    path.rename(moved)
    problems = {(p.code, p.record) for p in verify_catalogue(catalogue).problems}
    assert ("moved", event.id) in problems
    moved.rename(path)
    path.write_text(path.read_text(encoding="utf-8").replace('"safe"', '"elsewhere"'), encoding="utf-8")
    problems = {(p.code, p.record) for p in verify_catalogue(catalogue).problems}
    assert ("modified", event.id) in problems
    layout.evidence_file(catalogue.root, photo.file_sha256).unlink()
    assert "missing" in {p.code for p in verify_catalogue(catalogue).problems}

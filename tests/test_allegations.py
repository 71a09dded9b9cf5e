"""Allegations, reviews and evidence: what each party claims, and who decided what, on what basis."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import REPO, Invoke, allegation_doc, snapshot, write
from heritage.cli import ExitCode
from heritage.store import Catalogue

REVIEW = (
    "allegation review a-1 --standard 'reasonable grounds to believe' --rationale 'Imagery shows rubble' "
    "--reviewer 'A. Analyst'"
)


def run(invoke: Invoke, command: str, catalogue: Catalogue):  # type: ignore[no-untyped-def]
    return invoke(*shlex.split(command), catalogue=catalogue)


def test_status_moves_only_through_recorded_reviews(invoke: Invoke, catalogue: Catalogue) -> None:
    def status() -> dict[str, str]:
        shown = json.loads(run(invoke, "allegation show a-1 --json", catalogue).output)
        return dict(shown["status"])

    assert status() == {"damage": "reported", "attribution": "reported"}
    assert (
        run(
            invoke,
            "allegation review a-1 --status under_review --rationale 'Looking at imagery' --reviewer 'A. Analyst'",
            catalogue,
        ).exit_code
        == 0
    )
    first = run(invoke, f"{REVIEW} --status corroborated --relies-on r-2", catalogue)
    assert first.exit_code == 0, first.output
    assert status() == {"damage": "corroborated", "attribution": "reported"}
    # Damage and attribution are reviewed apart: the damage is verified, who did it stays open.
    assert run(invoke, f"{REVIEW} --status verified --relies-on r-2 --relies-on src-chw", catalogue).exit_code == 0
    assert run(invoke, f"{REVIEW} --status not_corroborated --aspect attribution", catalogue).exit_code == 0
    assert status() == {"damage": "verified", "attribution": "not_corroborated"}
    shown = json.loads(run(invoke, "allegation show a-1 --json", catalogue).output)
    assert [r["status"] for r in shown["reviews"]] == ["under_review", "corroborated", "verified", "not_corroborated"]
    text = run(invoke, "allegation show a-1", catalogue).output
    assert "damage → verified" in text and "reasonable grounds to believe" in text and "relies on: r-2, src-chw" in text


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        (f"{REVIEW} --status verified", ExitCode.INVALID, "must say what it relies on"),
        (f"{REVIEW} --status refuted", ExitCode.INVALID, "must say what it relies on"),
        (
            "allegation review a-1 --status corroborated --relies-on r-2 --rationale x --reviewer y",
            ExitCode.INVALID,
            "must name the standard of proof",
        ),
        (f"{REVIEW} --status reported", ExitCode.USAGE, "Invalid value for '--status'"),
        (f"{REVIEW} --status dubious", ExitCode.USAGE, "Invalid value for '--status'"),
        (f"{REVIEW} --status corroborated --relies-on r-404", ExitCode.INVALID, "relies on 'r-404'"),
        (REVIEW.replace("a-1", "a-404") + " --status under_review", ExitCode.NOT_FOUND, "no such allegation"),
        ("allegation show a-404", ExitCode.NOT_FOUND, "no such allegation"),
        ("allegation list --party side-z", ExitCode.USAGE, "unknown party 'side-z'"),
        ("allegation list --made-from yesterday", ExitCode.USAGE, "is not a date"),
        ("evidence add /nonexistent.jpg --source src-chw", ExitCode.INVALID, "file not found"),
        (
            "allegation add --claimant M --made 2022-07-10 --source src-chw --site st-sargis --act destruction "
            "--summary S --file /nonexistent.json",
            ExitCode.INVALID,
            "file not found",
        ),
    ],
)
def test_reviews_that_make_no_sense_are_refused(
    invoke: Invoke, catalogue: Catalogue, command: str, code: ExitCode, message: str
) -> None:
    before = snapshot(catalogue.root)
    result = run(invoke, command, catalogue)
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(catalogue.root) == before


def test_an_allegation_citing_unknown_things_is_refused(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    for document, message in [
        (allegation_doc("a-x", sites=["ghost"]), "unknown site 'ghost'"),
        (allegation_doc("a-x", source={"source": "src-ghost"}), "unknown source 'src-ghost'"),
        (allegation_doc("a-x", evidence=["e" * 64]), "unknown evidence file"),
    ]:
        del document["recorded_at"], document["recorded_by"]
        before = snapshot(catalogue.root)
        result = invoke("allegation", "add", "--file", str(write(tmp_path / "a.json", document)), catalogue=catalogue)
        assert result.exit_code == ExitCode.INVALID and message in result.output, result.output
        assert snapshot(catalogue.root) == before


def make_photo(path: Path) -> Path:
    from PIL import Image

    image = Image.new("RGB", (32, 24), (180, 60, 40))
    exif = Image.Exif()
    exif[271], exif[272] = "Canon", "EOS 5D"
    exif.get_ifd(0x8769).update({36867: "2022:07:06 10:15:00", 36881: "+04:00"})
    exif.get_ifd(0x8825).update({1: "N", 2: (39.0, 34.0, 10.0), 3: "E", 4: (46.0, 55.0, 47.0)})
    image.save(path, "JPEG", exif=exif)
    return path


def test_evidence_add_stores_the_exact_bytes_and_reads_the_photo(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    photo = make_photo(tmp_path / "IMG_2041.jpg")
    result = invoke(
        "evidence", "add", str(photo), "--source", "src-chw", "--captured-by", "Mission team 2", catalogue=catalogue
    )
    assert result.exit_code == 0, result.output
    sha, evidence_id = result.output.split()
    assert sha == subprocess.run(["sha256sum", str(photo)], capture_output=True, text=True).stdout.split()[0]
    stored = catalogue.root / "evidence" / sha[:2] / sha
    assert stored.read_bytes() == photo.read_bytes()
    record = json.loads((stored.parent / f"{sha}.json").read_text())
    assert (
        record["id"] == evidence_id and record["media_type"] == "image/jpeg" and record["size"] == photo.stat().st_size
    )
    assert record["captured_at"] == "2022-07-06T10:15:00+04:00" and record["camera"] == "Canon EOS 5D"
    lon, lat = record["location"]["coordinates"]
    assert abs(lat - 39.5694) < 1e-3 and abs(lon - 46.9297) < 1e-3
    assert record["captured_by"] == "Mission team 2"
    again = invoke("evidence", "add", str(photo), "--source", "src-chw", catalogue=catalogue)
    assert again.exit_code == ExitCode.CONFLICT and "already in the catalogue" in again.output
    cited = invoke(
        "report",
        "add",
        "--site",
        "st-sargis",
        "--observed",
        "2022-07-06",
        "--condition",
        "destroyed",
        "--method",
        "field_visit",
        "--source",
        "src-chw",
        "--evidence",
        sha,
        catalogue=catalogue,
    )
    assert cited.exit_code == 0, cited.output
    reviewed = run(invoke, f"{REVIEW} --status corroborated --relies-on {evidence_id}", catalogue)
    assert reviewed.exit_code == 0, reviewed.output
    from heritage.integrity import verify_catalogue
    from heritage.validate import validate_catalogue

    assert verify_catalogue(catalogue).ok and validate_catalogue(catalogue).ok


def test_a_file_without_exif_and_a_photo_without_a_time_zone(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    from PIL import Image

    plain = tmp_path / "statement.pdf"
    plain.write_bytes(b"%PDF-1.4 not really")
    assert invoke("evidence", "add", str(plain), "--source", "src-chw", catalogue=catalogue).exit_code == 0
    photo = tmp_path / "local.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2021:03:25 09:00:00"
    Image.new("RGB", (8, 8)).save(photo, "JPEG", exif=exif)
    result = invoke("evidence", "add", str(photo), "--source", "src-chw", catalogue=catalogue)
    sha = result.output.split()[0]
    record = json.loads((catalogue.root / "evidence" / sha[:2] / f"{sha}.json").read_text())
    assert "captured_at" not in record and record["camera_time"].startswith("2021-03-25T09:00:00 (camera clock")
    future = datetime(2999, 1, 1, tzinfo=UTC).isoformat()
    late = invoke(
        "evidence",
        "add",
        str(make_photo(tmp_path / "x.jpg")),
        "--source",
        "src-chw",
        "--captured-at",
        future,
        catalogue=catalogue,
    )
    assert late.exit_code == ExitCode.INVALID and "captured_at" in late.output
    naive = invoke(
        "evidence",
        "add",
        str(photo),
        "--source",
        "src-chw",
        "--captured-at",
        "2021-03-25T09:00:00",
        catalogue=catalogue,
    )
    assert naive.exit_code == ExitCode.USAGE and "time zone" in naive.output


def test_allegation_list_filters_and_stats(invoke: Invoke) -> None:
    def ids(command: str) -> set[str]:
        result = invoke(*shlex.split(f"allegation list --json {command}"), catalogue=REPO)
        assert result.exit_code == 0, result.output
        return {a["id"] for a in json.loads(result.output)}

    everything = ids("")
    assert len(everything) == 50
    armenian, azerbaijani = ids("--party armenia"), ids("--party azerbaijan")
    assert armenian and azerbaijani and not armenian & azerbaijani
    assert ids("--site ghazanchetsots-cathedral") == {
        "a-ghazanchetsots-cathedral-2020-10-08-01",
        "a-ghazanchetsots-cathedral-2020-10-08-02",
        "a-ghazanchetsots-cathedral-2021-05-04-04",
    }
    assert ids("--perpetrator azerbaijan --act damage_by_shelling") == {"a-ghazanchetsots-cathedral-2020-10-08-01"}
    assert ids("--made-from 2023-01-01 --made-to 2023-12-31") <= everything
    assert "a-tsitsernavank-2025-05-28-27" in ids("--made-from 2025-01-01")
    assert ids("--status verified") == set()
    counts = json.loads(invoke("stats", "--json", catalogue=REPO).output)
    assert sum(sum(c.values()) for c in counts.values()) == 50
    assert counts["armenia"]["reported"] == len(armenian) and counts["azerbaijan"]["reported"] == len(azerbaijani)


def mirrored(text: str) -> str:
    """The same text with the two parties' names swapped: for comparing outputs side for side."""
    swap = {
        "side-a": "side-b",
        "side-b": "side-a",
        "Side A": "Side B",
        "Side B": "Side A",
        "a-1": "a-2",
        "a-2": "a-1",
        "Ministry A": "Ministry B",
        "Ministry B": "Ministry A",
    }
    return re.sub("|".join(map(re.escape, swap)), lambda m: swap[m.group()], text)


def test_no_output_treats_one_partys_claims_differently(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    """Party B makes exactly the claim party A made, against A. Every output about the pair must be
    the mirror image of itself: the same words, marks and order for each side."""
    document = allegation_doc(
        "a-2",
        claimant={"name": "Ministry B", "kind": "government", "party": "side-b"},
        alleged_perpetrator={"party": "side-a"},
        summary="Says the church was destroyed.",
        source={"source": "src-chw", "locator": "p. 2"},
    )
    mine = json.loads((catalogue.root / "allegations" / "a-1.json").read_text())
    del document["recorded_at"], document["recorded_by"]
    document["made_on"] = mine["made_on"]
    assert (
        invoke("allegation", "add", "--file", str(write(tmp_path / "a2.json", document)), catalogue=catalogue).exit_code
        == 0
    )
    for command in (["allegation", "list"], ["stats"], ["show", "st-sargis"]):
        output = invoke(*command, catalogue=catalogue).output
        lines = [line for line in output.splitlines() if "a-1" in line or "a-2" in line or "side-" in line]
        for line in lines:
            assert mirrored(line) in output.splitlines() or mirrored(line).strip() in output, (command, line)
    first = json.loads(invoke("allegation", "show", "a-1", "--json", catalogue=catalogue).output)
    second = json.loads(invoke("allegation", "show", "a-2", "--json", catalogue=catalogue).output)
    for record in (first, second):
        for volatile in ("recorded_at", "sha256", "recorded_by"):
            record.pop(volatile)
    assert json.loads(mirrored(json.dumps(second))) == first
    from heritage.mapdata import build_payload, load_map_input

    payload = build_payload(load_map_input(catalogue))
    claims = payload["sites"]["alg"][payload["sites"]["id"].index("st-sargis")]
    parties = [payload["vocab"]["party"][c[1]][0] for c in claims]
    assert sorted(parties) == ["side-a", "side-b"]
    first_claim, second_claim = (c[2:] for c in claims)
    assert first_claim == second_claim  # same status, date and acts: the same marks on the map

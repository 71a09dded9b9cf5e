"""Hostile use of what issue 19 added beside imports: odd regions, vocabulary terms written at
once by two processes, renamed flags, and the error each names. Each test here failed once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heritage import layout
from heritage.store import Catalogue
from tests.conftest import Invoke, allegation_doc, report_doc, snapshot, write


def settings(catalogue: Catalogue) -> dict[str, object]:
    return json.loads(layout.catalogue_file(catalogue.root).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        (["nan", "38", "48", "41"], "west 'nan' is not a number of degrees"),
        (["45", "38", "1e999", "41"], "east '1e999' is not a number of degrees"),
        (["45", "3_8", "48", "41"], "south '3_8' is not a number of degrees"),  # float() reads 38
        (["\u0664\u0665", "38", "48", "41"], "is not a number of degrees"),  # Arabic-Indic 45
        (["-200", "38", "48", "41"], "west -200 is outside [-180, 180]"),
        (["170", "-10", "-170", "10"], "across the antimeridian is not supported"),
        (["45", "41", "48", "38"], "south 41 is greater than north 38"),
    ],
)
def test_an_odd_region_is_refused_saying_which_number_and_why(
    invoke: Invoke, catalogue: Catalogue, bounds: list[str], message: str
) -> None:
    before = snapshot(catalogue.root)
    result = invoke("catalogue", "set", "region", *bounds, catalogue=catalogue)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "catalogue.json" not in result.output  # the typed numbers are wrong, not the file
    assert snapshot(catalogue.root) == before


def test_minus_zero_is_written_as_zero(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    result = invoke("catalogue", "set", "region", "-0", "-0", "1", "1", catalogue=catalogue)
    assert result.exit_code == 0 and "region (W S E N): 0 0 1 1" in result.output, result.output
    assert "-0" not in layout.catalogue_file(catalogue.root).read_text(encoding="utf-8")
    made = invoke("init", str(tmp_path / "new"), "--region=-0,-0,1,1")
    assert made.exit_code == 0, made.output
    assert json.loads((tmp_path / "new" / "catalogue.json").read_text())["region"] == [0, 0, 1, 1]
    assert "-0" not in (tmp_path / "new" / "catalogue.json").read_text()


@pytest.mark.parametrize("flag", ["--region", "--bbox"])
def test_init_names_region_in_its_errors_whichever_name_was_typed(invoke: Invoke, tmp_path: Path, flag: str) -> None:
    for value in ("1,2,3", "1,2,3,nan", "3,2,1,4"):
        result = invoke("init", str(tmp_path / "new"), flag, value)
        assert result.exit_code == 2 and "--region" in result.output and "--bbox" not in result.output, result.output
    assert not (tmp_path / "new").exists()


# -- growing the region while another command changes it ---------------------------------------


def test_site_add_grow_region_keeps_what_another_command_grew_meanwhile(
    invoke: Invoke, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`site add --grow-region` judged the region as read when it opened the catalogue: a region
    grown by another process meanwhile was written back to what it was."""
    import heritage.cli.records as records
    from heritage.settings import set_region

    real = records.add_site

    def add_while_another_grows(*args: Any, **kwargs: Any) -> Any:
        record = real(*args, **kwargs)
        set_region(catalogue.root, (40.0, 38.5, 48.0, 41.0))  # another process took in a site to the west
        return record

    monkeypatch.setattr(records, "add_site", add_while_another_grows)
    args = ("site", "add", "--name", "en=Far", "--type", "church", "--lat", "40.5", "--lon", "49.5", "--grow-region")
    result = invoke(*args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert settings(catalogue)["region"] == [40.0, 38.5, 49.55, 41.0]


def test_an_import_growing_the_region_keeps_what_another_command_grew_meanwhile(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    from heritage.importing import ImportOptions, Profile, run_import
    from heritage.settings import set_region

    opened = Catalogue.open(catalogue.root)
    assert opened.info.region == (45.0, 38.5, 48.0, 41.0)
    set_region(catalogue.root, (40.0, 38.5, 48.0, 41.0))  # after the importer read catalogue.json
    table = tmp_path / "sites.csv"
    table.write_text("id,name:en,type,lat,lon\nfar-east,Far,church,40.5,49.5\n", encoding="utf-8")
    result = run_import(opened, "sites", table, Profile(), ImportOptions("tester", grow_region=True))
    assert result.written == ["far-east"]
    assert settings(catalogue)["region"] == [40.0, 38.5, 49.55, 41.0]


# -- vocab add -----------------------------------------------------------------------------------


def test_a_label_with_a_control_character_is_the_labels_error(invoke: Invoke, catalogue: Catalogue) -> None:
    before = snapshot(catalogue.root)
    result = invoke("vocab", "add", "site_type", "khan", "--label", "Khan\x1b[31m", catalogue=catalogue)
    assert result.exit_code != 0
    assert result.output.startswith("error: field site_type: the label contains the control character U+001B")
    assert "catalogue.json" not in result.output
    assert snapshot(catalogue.root) == before


def test_a_long_label_is_listed_whole(invoke: Invoke, catalogue: Catalogue) -> None:
    label = "Karvansaray-" * 20 + "END"  # one word: rich cuts a word that does not fit, unless told to fold
    assert invoke("vocab", "add", "site_type", "caravanserai", "--label", label, catalogue=catalogue).exit_code == 0
    shown = invoke("vocab", "site_type", catalogue=catalogue).output
    assert "END" in shown and "…" not in shown


# -- evidence named as `evidence add` printed it -------------------------------------------------


def record_file(path: Path, document: dict[str, Any]) -> Path:
    """A record as a person writes it for --file: heritage stamps who recorded it and when."""
    return write(path, {k: v for k, v in document.items() if k not in ("recorded_at", "recorded_by")})


def test_a_record_file_names_evidence_by_its_ev_id_as_imports_do(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"not really a photo")
    sha, evidence_id = invoke("evidence", "add", str(photo), "--source", "src-chw", catalogue=catalogue).output.split()
    report = record_file(tmp_path / "r.json", report_doc("r-file", evidence=[evidence_id.upper()]))
    allegation = record_file(tmp_path / "a.json", allegation_doc("a-file", evidence=[evidence_id]))
    for kind, path in (("report", report), ("allegation", allegation)):
        result = invoke(kind, "add", "--file", str(path), catalogue=catalogue)
        assert result.exit_code == 0, result.output
    assert catalogue.find_report("r-file").evidence == [sha]
    assert json.loads(layout.allegation_file(catalogue.root, "a-file").read_text())["evidence"] == [sha]
    unknown = record_file(tmp_path / "u.json", report_doc("r-u", evidence=["ev-" + "0" * 20]))
    result = invoke("report", "add", "--file", str(unknown), catalogue=catalogue)
    assert result.exit_code != 0 and "field evidence[0]: no evidence 'ev-00000000000000000000'" in result.output


# -- renamed flags ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--notes", "A", "--note", "B"], "'--notes'"),
        (["--observer", "X", "--observed-by", "Y"], "'--observed-by'"),
        (["--damage-extent", "11-30%", "--extent", "31-60%"], "'--damage-extent'"),
        (["--notes", "A", "--notes", "B"], "'--notes'"),
    ],
)
def test_a_flag_given_twice_under_its_old_and_new_name_is_refused(
    invoke: Invoke, catalogue: Catalogue, flags: list[str], named: str
) -> None:
    """Click kept the last value and dropped the first without a word."""
    before = snapshot(catalogue.root)
    report = ["report", "add", "--site", "st-sargis", "--observed", "2023", "--condition", "moderate_damage"]
    report += ["--method", "field_visit", "--source", "src-chw"]
    result = invoke(*report, *flags, catalogue=catalogue)
    assert result.exit_code == 2 and named in result.output and "given 2 times" in result.output, result.output
    assert snapshot(catalogue.root) == before


def test_init_with_region_and_its_old_name_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "new"), "--region", "1,2,3,4", "--bbox", "1,2,3,5")
    assert result.exit_code == 2 and "'--region'" in result.output and "given 2 times" in result.output
    assert not (tmp_path / "new").exists()


# -- vocab --json --------------------------------------------------------------------------------


def test_vocab_json_names_the_fields_as_paths_a_script_can_follow(invoke: Invoke, catalogue: Catalogue) -> None:
    """`fields` was a phrase ("report condition", "sensitivity of every record"): each is now a
    list of kind.field paths, and every path is a field of that kind's model."""
    from pydantic import BaseModel

    from heritage.models import Allegation, ConditionReport, Evidence, Review, Site, Source, Verification

    kinds: dict[str, type[BaseModel]] = {
        "site": Site,
        "source": Source,
        "report": ConditionReport,
        "allegation": Allegation,
        "review": Review,
        "evidence": Evidence,
        "verification": Verification,
    }
    result = invoke("vocab", "--json", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    for name, vocabulary in document.items():
        assert isinstance(vocabulary["fields"], list) and vocabulary["fields"], name
        for path in vocabulary["fields"]:
            kind, *parts = path.split(".")
            model: Any = kinds[kind]
            for part in parts:
                annotation = model.model_fields[part].annotation  # KeyError: no such field
                # The next part is a field of the model this one holds (Location, list[Dispute]...).
                held = [annotation, *getattr(annotation, "__args__", ())]
                model = next((a for a in held if isinstance(a, type) and issubclass(a, BaseModel)), None)
    assert document["sensitivity"]["fields"] == [
        "site.sensitivity",
        "source.sensitivity",
        "report.sensitivity",
        "allegation.sensitivity",
        "evidence.sensitivity",
        "verification.sensitivity",
    ]
    assert document["condition"]["fields"] == ["report.condition"] and not document["condition"]["open"]


def test_relies_on_takes_evidence_as_evidence_does(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    """--evidence took 'EV-…' and ' ev-… ' (as a person copies it); --relies-on refused both as
    'not a valid id'."""
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"not really a photo")
    sha, evidence_id = invoke("evidence", "add", str(photo), "--source", "src-chw", catalogue=catalogue).output.split()
    review = ["allegation", "review", "a-1", "--status", "under_review", "--rationale", "R", "--reviewer", "A"]
    for reference in (evidence_id.upper(), f" {evidence_id} ", sha.upper()):
        result = invoke(*review, "--relies-on", reference, catalogue=catalogue)
        assert result.exit_code == 0, (reference, result.output)
        stored = json.loads(layout.review_file(catalogue.root, "a-1", result.output.strip()).read_text())
        assert stored["relies_on"] == [evidence_id], reference


# -- changes -------------------------------------------------------------------------------------


def test_changes_csv_has_the_same_header_when_nothing_changed(invoke: Invoke, catalogue: Catalogue) -> None:
    """With no change the header was 'site' alone: a script reading the columns by name broke on
    the one period where nothing happened."""
    changed = invoke("changes", "--from", "2021-11-01", "--to", "2023-01-01", "--csv", catalogue=catalogue)
    unchanged = invoke("changes", "--from", "2023-02-01", "--to", "2023-03-01", "--csv", catalogue=catalogue)
    assert changed.exit_code == unchanged.exit_code == 0
    header = changed.output.splitlines()[0]
    assert "before_certainty" in header and "after_observed" in header
    assert unchanged.output.splitlines() == [header]

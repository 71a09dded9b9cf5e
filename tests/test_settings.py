"""catalogue.json settings (region, own vocabulary), `heritage vocab`, the region warning, the
flags named after their fields (old names still working) and ids taken as they were printed."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from heritage import journal, layout
from heritage.errors import InvalidInput
from heritage.models.labels import LABELS, vocabularies
from heritage.settings import MARGIN_DEGREES, add_vocabulary_term, grown_region, region_command, set_region
from heritage.store import Catalogue
from heritage.validate import validate_catalogue
from tests.conftest import Invoke, snapshot

REGION = (45.0, 38.5, 48.0, 41.0)


def settings(catalogue: Catalogue) -> dict[str, object]:
    return json.loads(layout.catalogue_file(catalogue.root).read_text(encoding="utf-8"))


# -- grown_region ------------------------------------------------------------------------------


def test_a_region_holding_every_position_is_returned_as_it_is() -> None:
    assert grown_region(REGION, [(46.0, 39.0), (45.0, 41.0)]) == REGION
    assert grown_region(REGION, []) == REGION


def test_only_the_sides_that_must_grow_do_with_a_margin_rounded_outwards() -> None:
    west, south, east, north = grown_region(REGION, [(49.123, 38.0)])
    assert (west, north) == (45.0, 41.0)
    assert east == 49.18 and east >= 49.123 + MARGIN_DEGREES
    assert south == 37.95
    assert grown_region((west, south, east, north), [(49.123, 38.0)]) == (west, south, east, north)  # no creep


def test_without_a_region_one_is_made_around_the_positions_and_kept_on_the_globe() -> None:
    assert grown_region(None, [(46.0, 39.0), (47.0, 40.0)]) == (45.95, 38.95, 47.05, 40.05)
    assert grown_region(None, [(179.99, 89.99)]) == (179.94, 89.94, 180.0, 90.0)
    with pytest.raises(InvalidInput, match="no region to grow"):
        grown_region(None, [])


def test_the_fix_is_one_line_a_person_can_type() -> None:
    assert region_command((2.3, 38.5, 48.0, 48.9)) == "heritage catalogue set region 2.3 38.5 48 48.9"


# -- set_region and add_vocabulary_term ---------------------------------------------------------


def test_set_region_keeps_every_other_setting(catalogue: Catalogue) -> None:
    before = settings(catalogue)
    set_region(catalogue.root, (44.0, 38.0, 49.0, 42.0))
    after = settings(catalogue)
    assert after.pop("region") == [44.0, 38.0, 49.0, 42.0]
    before.pop("region")
    assert after == before
    assert Catalogue.open(catalogue.root).info.region == (44.0, 38.0, 49.0, 42.0)


def test_set_region_waits_for_the_write_lock(catalogue: Catalogue) -> None:
    done = threading.Event()
    with journal.shared(catalogue.root):  # an append under way
        worker = threading.Thread(target=lambda: (set_region(catalogue.root, (1.0, 2.0, 3.0, 4.0)), done.set()))
        worker.start()
        time.sleep(0.2)
        assert not done.is_set() and settings(catalogue)["region"] == list(REGION)
    worker.join(5)
    assert done.is_set() and settings(catalogue)["region"] == [1.0, 2.0, 3.0, 4.0]


def test_an_invalid_region_writes_nothing(catalogue: Catalogue) -> None:
    before = snapshot(catalogue.root)
    with pytest.raises(InvalidInput, match=r"latitude 95\.0"):
        set_region(catalogue.root, (1.0, 2.0, 3.0, 95.0))
    assert snapshot(catalogue.root) == before


def test_vocabulary_terms_are_added_once_and_relabelled_only_by_force(catalogue: Catalogue) -> None:
    assert add_vocabulary_term(catalogue.root, "site_type", "caravanserai", "Caravanserai")
    assert not add_vocabulary_term(catalogue.root, "site_type", "caravanserai", "Caravanserai")
    with pytest.raises(InvalidInput, match="--force"):
        add_vocabulary_term(catalogue.root, "site_type", "caravanserai", "Inn")
    with pytest.raises(InvalidInput, match="built in already"):
        add_vocabulary_term(catalogue.root, "site_type", "church", "Kirk")
    assert add_vocabulary_term(catalogue.root, "site_type", "caravanserai", "Inn", force=True)
    assert add_vocabulary_term(catalogue.root, "tradition", "molokan", "Molokan Christianity")
    info = Catalogue.open(catalogue.root).info
    assert info.site_types == {"caravanserai": "Inn"} and info.traditions == {"molokan": "Molokan Christianity"}
    assert info.region == REGION and info.party_ids() == {"side-a", "side-b"}


@pytest.mark.parametrize(
    ("vocabulary", "key", "message"),
    [
        ("condition", "gone", "condition vocabulary is fixed: its values map onto the EAMENA and UNOSAT"),
        ("method", "guess", "is fixed"),
        ("colour", "red", "unknown vocabulary 'colour'"),
        ("site_type", "Big Church", "'Big Church' is not a valid key: use lowercase letters"),
    ],
)
def test_closed_vocabularies_and_bad_keys_are_refused(
    catalogue: Catalogue, vocabulary: str, key: str, message: str
) -> None:
    before = snapshot(catalogue.root)
    with pytest.raises(InvalidInput, match=message):
        add_vocabulary_term(catalogue.root, vocabulary, key, "A label")
    assert snapshot(catalogue.root) == before


def test_every_closed_value_has_a_label_of_its_own() -> None:
    for name, (info, labels) in vocabularies().items():
        assert set(labels) == set(info.values), name
        if not info.open:
            assert all(value in LABELS for value in info.values), name


# -- the commands ----------------------------------------------------------------------------


def test_vocab_lists_every_vocabulary_and_one_by_name(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("vocab", "--json", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    every = json.loads(result.output)
    expected = {"condition", "method", "site_type", "tradition", "damage_extent", "damage_effect", "damage_cause"}
    expected |= {"source_kind", "reliability", "credibility", "claimant_kind", "alleged_act", "allegation_status"}
    expected |= {"sensitivity", "location_precision", "disputed_aspect"}
    assert expected <= set(every)
    assert every["reliability"]["values"]["F"] == "Reliability cannot be judged"
    assert every["site_type"]["open"] and not every["condition"]["open"]
    one = invoke("vocab", "site_type", catalogue=catalogue)
    assert one.exit_code == 0 and "khachkar" in one.output and "condition" not in one.output
    table = invoke("vocab", catalogue=catalogue)
    assert "Remote sensing" in table.output and "alleged_act" in table.output
    assert invoke("vocab", "colour", catalogue=catalogue).exit_code == 2


def test_vocab_add_extends_the_catalogue_and_the_models_take_it(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("vocab", "add", "site_type", "caravanserai", "--label", "Caravanserai", catalogue=catalogue)
    assert result.exit_code == 0 and "added" in result.output
    assert "caravanserai" in invoke("vocab", "site_type", catalogue=catalogue).output
    site = invoke("site", "add", "--name", "en=Inn", "--type", "caravanserai", catalogue=catalogue)
    assert site.exit_code == 0, site.output
    refused = invoke("vocab", "add", "condition", "gone", "--label", "Gone", catalogue=catalogue)
    assert refused.exit_code == 1 and "is fixed" in refused.output


def test_catalogue_set_region_and_show(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("catalogue", "set", "region", "-3.5", "38", "48", "41", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert settings(catalogue)["region"] == [-3.5, 38.0, 48.0, 41.0]
    shown = invoke("catalogue", "show", catalogue=catalogue)
    assert "region (W S E N): -3.5 38 48 41" in shown.output and "side-a" in shown.output
    assert invoke("catalogue", "set", "region", "1", "2", "3", catalogue=catalogue).exit_code == 2
    assert invoke("catalogue", "set", "region", "3", "2", "1", "4", catalogue=catalogue).exit_code == 2
    assert invoke("catalogue", "set", "region", catalogue=catalogue).exit_code == 2


def test_a_site_outside_the_region_is_added_with_the_fix_named(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("site", "add", "--name", "en=Far", "--type", "church", "--lat", "48.85", "--lon", "2.35",
                    catalogue=catalogue)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: site far: coordinates [2.35, 48.85] are outside" in result.output
    fix = "heritage catalogue set region 2.3 38.5 48 48.9"
    assert fix in result.output
    assert layout.site_file(catalogue.root, "far").exists()
    report = validate_catalogue(Catalogue.open(catalogue.root))
    assert report.ok
    [warning] = [p for p in report.problems if p.code == "outside-region"]
    assert warning.severity == "warning" and fix in warning.message
    fitted = invoke("catalogue", "set", "region", "--fit", catalogue=catalogue)
    assert fitted.exit_code == 0, fitted.output
    assert not [p for p in validate_catalogue(Catalogue.open(catalogue.root)).problems if p.code == "outside-region"]


def test_grow_region_takes_the_site_in(invoke: Invoke, catalogue: Catalogue) -> None:
    args = ("site", "add", "--name", "en=Far", "--type", "church", "--lat", "48.85", "--lon", "2.35", "--grow-region")
    result = invoke(*args, catalogue=catalogue)
    assert result.exit_code == 0 and "warning" not in result.output
    assert settings(catalogue)["region"] == [2.3, 38.5, 48.0, 48.9]


def test_swapped_coordinates_are_still_refused_unless_meant(invoke: Invoke, catalogue: Catalogue) -> None:
    args = ("site", "add", "--name", "en=X", "--type", "church", "--lat", "46.9", "--lon", "39.5")
    result = invoke(*args, catalogue=catalogue)
    assert result.exit_code == 1 and "look swapped" in result.output and "--grow-region" in result.output
    assert invoke(*args, "--grow-region", catalogue=catalogue).exit_code == 0


HIDDEN = {
    ("site", "add"): ["--uncertainty"],
    ("source", "add"): ["--note"],
    ("report", "add"): ["--extent", "--effect", "--cause", "--observer", "--note", "--accuracy"],
    ("report", "correct"): ["--extent"],
    ("allegation", "add"): ["--made", "--party", "--perpetrator", "--perpetrator-party", "--period", "--legal-ref"],
    ("evidence", "add"): ["--note"],
}


@pytest.mark.parametrize("command", list(HIDDEN), ids=" ".join)
def test_help_shows_the_field_names_only(invoke: Invoke, command: tuple[str, str]) -> None:
    from heritage.cli.common import RENAMED_FLAGS

    shown = invoke(*command, "--help").output
    options = {word.rstrip(",") for line in shown.splitlines() for word in line.split()[:2] if word.startswith("--")}
    for old in HIDDEN[command]:
        assert old not in options, (command, old)
        assert RENAMED_FLAGS[old] in options, (command, old)


def test_a_bad_value_is_reported_under_the_new_name(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("report", "add", "--extent", "bad", catalogue=catalogue)
    assert result.exit_code == 2 and "'--damage-extent'" in result.output and "'--extent'" not in result.output


def test_old_and_new_flag_names_make_the_same_record(invoke: Invoke, catalogue: Catalogue) -> None:
    common = ["report", "add", "--site", "st-sargis", "--observed", "2023", "--condition", "moderate_damage"]
    common += ["--method", "field_visit", "--source", "src-chw", "--position", "46.93", "39.57"]
    new = ["--damage-extent", "11-30%", "--damage-effect", "collapse", "--damage-effect", "burning"]
    new += ["--damage-cause", "fire", "--observed-by", "Team 2", "--notes", "Roof burnt", "--accuracy-m", "5"]
    old = ["--extent", "11-30%", "--effect", "collapse", "--effect", "burning"]
    old += ["--cause", "fire", "--observer", "Team 2", "--note", "Roof burnt", "--accuracy", "5"]
    records = []
    for flags in (new, old):
        result = invoke(*common, *flags, catalogue=catalogue)
        assert result.exit_code == 0, result.output
        records.append(catalogue.find_report(result.output.strip()))
    fields = ("damage_extent", "damage_effects", "damage_causes", "observed_by", "notes", "position")
    assert [getattr(records[0], f) for f in fields] == [getattr(records[1], f) for f in fields]
    assert records[0].damage_effects == ["collapse", "burning"] and records[0].notes == "Roof burnt"


def test_allegation_flags_old_and_new(invoke: Invoke, catalogue: Catalogue) -> None:
    base = ["allegation", "add", "--claimant", "C", "--source", "src-chw", "--site", "st-sargis", "--act", "damage"]
    base += ["--summary", "S"]
    new = ["--made-on", "2022-01-02", "--claimant-party", "side-a", "--alleged-perpetrator", "Unit 1"]
    new += ["--alleged-perpetrator-party", "side-b", "--alleged-period", "2021", "--legal-reference", "Hague art. 4"]
    old = ["--made", "2022-01-02", "--party", "side-a", "--perpetrator", "Unit 1", "--perpetrator-party", "side-b"]
    old += ["--period", "2021", "--legal-ref", "Hague art. 4"]
    made = []
    for flags in (new, old):
        result = invoke(*base, *flags, catalogue=catalogue)
        assert result.exit_code == 0, result.output
        made.append(json.loads(layout.allegation_file(catalogue.root, result.output.strip()).read_text()))
    for key in ("made_on", "claimant", "alleged_perpetrator", "alleged_period", "legal_references"):
        assert made[0][key] == made[1][key], key
    assert made[0]["claimant"]["party"] == "side-a" and made[0]["alleged_perpetrator"]["party"] == "side-b"


def test_evidence_is_taken_by_its_id_or_its_sha256_everywhere(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"not really a photo")
    added = invoke("evidence", "add", str(photo), "--source", "src-chw", catalogue=catalogue)
    assert added.exit_code == 0, added.output
    sha, evidence_id = added.output.split()
    report = ["report", "add", "--site", "st-sargis", "--observed", "2023", "--condition", "intact"]
    report += ["--method", "field_visit", "--source", "src-chw"]
    for reference in (sha, evidence_id, evidence_id.upper()):
        result = invoke(*report, "--evidence", reference, catalogue=catalogue)
        assert result.exit_code == 0, result.output
        assert catalogue.find_report(result.output.strip()).evidence == [sha]
    unknown = invoke(*report, "--evidence", "ev-00000000000000000000", catalogue=catalogue)
    assert unknown.exit_code == 2 and "no evidence 'ev-00000000000000000000'" in unknown.output
    allegation = ["allegation", "add", "--claimant", "C", "--made-on", "2022", "--source", "src-chw"]
    allegation += ["--site", "st-sargis", "--act", "damage", "--summary", "S", "--evidence", evidence_id]
    result = invoke(*allegation, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    stored = json.loads(layout.allegation_file(catalogue.root, result.output.strip()).read_text())
    assert stored["evidence"] == [sha]
    review = ["allegation", "review", "a-1", "--status", "under_review", "--rationale", "R", "--reviewer", "A"]
    result = invoke(*review, "--relies-on", sha, catalogue=catalogue)
    assert result.exit_code == 0, result.output


def test_changes_that_find_nothing_for_want_of_earlier_reports_say_so(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("changes", "--from", "2020-01-01", "--to", "2023-01-01", catalogue=catalogue)
    assert result.exit_code == 0
    assert "0 site(s) changed between 2020-01-01 and 2023-01-01\n" in result.output  # a line, no empty table
    assert "no site reported on or before 2020-01-01 changed" in result.output and "--first-reports" in result.output
    listed = invoke("changes", "--from", "2020-01-01", "--to", "2023-01-01", "--first-reports", catalogue=catalogue)
    assert "st-sargis" in listed.output and "note:" not in listed.output
    changed = invoke("changes", "--from", "2021-11-01", "--to", "2023-01-01", catalogue=catalogue)
    assert "st-sargis" in changed.output and "note:" not in changed.output


def test_the_region_is_shown_with_every_digit_it_holds(invoke: Invoke, catalogue: Catalogue) -> None:
    result = invoke("catalogue", "set", "region", "44.123456", "38.5", "48", "42.000001", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "region (W S E N): 44.123456 38.5 48 42.000001" in result.output
    assert "region (W S E N): 44.123456 38.5 48 42.000001" in invoke("catalogue", "show", catalogue=catalogue).output

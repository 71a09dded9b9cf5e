"""The sample catalogue shipped in the repository: complete, valid, reproducible, even-handed."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, Invoke, snapshot
from heritage import layout
from heritage.models import ConditionReport
from heritage.store import Catalogue
from heritage.validate import validate_catalogue

REFERENCE = REPO / "scripts" / "sample" / "reference"  # kept in the repository: see its README


@pytest.fixture(scope="module")
def sample() -> Catalogue:
    return Catalogue.open(REPO)


def test_the_sample_validates_clean(sample: Catalogue) -> None:
    result = validate_catalogue(sample)
    assert result.errors == []
    # The one site the reference leaves without coordinates stays, flagged, not dropped.
    assert [(p.code, p.record) for p in result.warnings] == [("no-location", "holy-resurrection-hadrut")]
    assert result.counts == {"sites": 34, "sources": 66, "reports": 24, "allegations": 50}


def test_every_reference_event_is_in_the_sample(sample: Catalogue) -> None:
    events = list(csv.DictReader((REFERENCE / "nk_events.csv").open(encoding="utf-8")))
    kinds = Counter(e["observed_or_alleged"] for e in events)
    allegations = list(sample.allegations())
    from_letter = [a for a in allegations if a.source.source == "src-un-letter-2021-01-12"]
    assert len(list(sample.reports())) == kinds["observed"]
    # Each alleged event is one allegation; the disputed photo is a claim plus its rebuttal.
    assert len(allegations) - len(from_letter) == kinds["alleged"] + 2 * kinds["disputed"]
    urls = {s.url for s in sample.sources()}
    assert {e["source_url"] for e in events} <= urls


def test_names_keep_their_scripts(sample: Catalogue) -> None:
    sites = {s.id: s for s in sample.sites()}
    ghazanchetsots = {n.lang: n.text for n in sites["ghazanchetsots-cathedral"].names}
    assert ghazanchetsots["hy"] == "Սուրբ Ամենափրկիչ մայր տաճար (Ղազանչեցոց)"
    assert ghazanchetsots["az"] == "Qazançı"
    assert [n.text for n in sites["aghdam-mosque"].names if n.lang == "az"] == ["Ağdam məscidi", "Cümə məscidi"]
    assert sites["holy-resurrection-hadrut"].geometry is None
    assert sites["st-sargis-mokhrenes"].location.precision.value == "settlement"


def test_both_parties_claims_are_recorded_the_same_way(sample: Catalogue) -> None:
    claims = {a.id: a for a in sample.allegations()}
    shelling = claims["a-ghazanchetsots-cathedral-2020-10-08-01"]
    denial = claims["a-ghazanchetsots-cathedral-2020-10-08-02"]
    assert shelling.claimant.party == "armenia" and denial.claimant.party == "azerbaijan"
    assert denial.responds_to == shelling.id
    assert type(shelling) is type(denial)
    parties = Counter(a.claimant.party for a in claims.values() if a.claimant.party)
    assert parties["armenia"] > 0 and parties["azerbaijan"] > 0
    contested = [d for s in sample.sites() for d in s.disputes if d.aspect.value == "attribution"]
    assert {tuple(d.held_by) for d in contested} == {("armenia",), ("azerbaijan",)}


def test_history_of_a_demolished_church(sample: Catalogue) -> None:
    from datetime import date

    from heritage.history import condition_as_of

    reports: list[ConditionReport] = list(sample.reports("kanach-zham"))
    assert condition_as_of(reports, date(2020, 10, 1)) is None
    assert condition_as_of(reports, date(2022, 1, 1)).condition.value == "severe_damage"  # type: ignore[union-attr]
    assert condition_as_of(reports, date(2024, 4, 3)).condition.value == "severe_damage"  # type: ignore[union-attr]
    assert condition_as_of(reports, date(2024, 4, 4)).condition.value == "destroyed"  # type: ignore[union-attr]


def test_the_build_script_reproduces_the_sample_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "rebuilt"
    out.mkdir()
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_sample.py"), "--reference", str(REFERENCE), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    rebuilt = snapshot(out)
    shipped = {
        name: data
        for name, data in snapshot(REPO).items()
        if name == "catalogue.json" or name.split("/")[0] in ("sites", "sources", "reports", "allegations")
    }
    assert rebuilt == shipped


def test_init_makes_the_folders_the_sample_has(tmp_path: Path, invoke: Invoke) -> None:
    """The repository's root is a catalogue laid out as `heritage init` lays out a new one."""
    assert invoke("init", str(tmp_path / "new")).exit_code == 0
    made = {p.name for p in (tmp_path / "new").iterdir() if p.is_dir()}
    shipped = {p.name for p in REPO.iterdir() if p.is_dir() and (p / ".gitkeep").is_file()}
    assert made == shipped == {*layout.FOLDERS, layout.CHECKPOINTS, layout.MAPS}

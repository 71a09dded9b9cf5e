"""`heritage import sources` and `heritage import allegations`: the same rules as sites and
reports (all rows or none, reruns add nothing, grouped errors, kill safety)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Invoke, snapshot
from heritage import layout
from heritage.cli import ExitCode
from heritage.importing import ImportOptions, Profile, run_import, with_flags
from heritage.store import Catalogue

SOURCES = (
    "Title,Link,Date,Type,Speaks for\n"
    "Letter to the Secretary-General,https://example.org/a-75-700,2021-01-12,un_document,Side A\n"
    "Monitoring report 2022,https://example.org/r22,2022-11,NGO report,\n"
)
SOURCE_FLAGS = ["--column", "title=Title", "--column", "url=Link", "--column", "published=Date"]
SOURCE_FLAGS += ["--column", "kind=Type", "--column", "party=Speaks for", "--map", "kind:NGO report=ngo_report"]

ALLEGATIONS = (
    "id,claimant.name,claimant.kind,claimant.party,made_on,source,sites,acts,summary,alleged_perpetrator.party,"
    "responds_to,area\n"
    "a-claim,Ministry A,government,side-a,2021-01-12,src-chw:p. 2,st-sargis,shelling;vandalism,"
    "Says the church was shelled.,side-b,,\n"
    "a-denial,Ministry B,government,side-b,2021-01-20,src-chw,st-sargis,attribution,Denies it.,,a-claim,\n"
    'a-area,NGO X,organisation,,2022-03-01,src-chw,,destruction,Cemeteries razed.,,,"POLYGON((46.7 39.7, '
    '46.8 39.7, 46.8 39.8, 46.7 39.7))"\n'
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sources_in_bulk_with_ids_from_their_titles(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = write(tmp_path, "sources.csv", SOURCES)
    result = invoke("import", "sources", str(path), *SOURCE_FLAGS, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "imported 2 source(s): 2 new, 0 already in the catalogue" in result.output
    letter = catalogue.source("src-letter-to-the-secretary-general")
    assert letter.party == "side-a" and letter.kind.value == "un_document"  # "Side A": the declared name of side-a
    assert catalogue.source("src-monitoring-report-2022").kind.value == "ngo_report"
    again = invoke("import", "sources", str(path), *SOURCE_FLAGS, catalogue=catalogue)
    assert "imported 0 source(s): 0 new, 2 already in the catalogue" in again.output


def test_satellite_fields_are_dotted_columns(catalogue: Catalogue, tmp_path: Path) -> None:
    text = "id,kind,title,satellite.provider,satellite.acquired_on,reliability\n"
    text += "src-img,satellite_image,Scene of 6 July,Maxar,2022-07-06,b\n"
    result = run_import(catalogue, "sources", write(tmp_path, "s.csv", text), Profile(), ImportOptions("tester"))
    source = catalogue.source("src-img")
    assert result.written == ["src-img"] and source.satellite is not None and source.satellite.provider == "Maxar"
    assert source.reliability.value == "B"


def test_allegations_in_bulk_with_a_response_to_an_earlier_row(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    path = write(tmp_path, "claims.csv", ALLEGATIONS)
    args = ["--map", "acts:shelling=damage_by_shelling"]
    result = invoke("import", "allegations", str(path), *args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "imported 3 allegation(s): 3 new, 0 already in the catalogue" in result.output
    claim = next(a for a in catalogue.allegations() if a.id == "a-claim")
    assert [a.value for a in claim.acts] == ["damage_by_shelling", "vandalism"]
    assert claim.source.locator == "p. 2" and claim.alleged_perpetrator is not None
    assert next(a for a in catalogue.allegations() if a.id == "a-denial").responds_to == "a-claim"
    area = next(a for a in catalogue.allegations() if a.id == "a-area").area
    assert area is not None and area.type == "Polygon"
    again = invoke("import", "allegations", str(path), *args, catalogue=catalogue)
    assert "imported 0 allegation(s): 0 new, 3 already in the catalogue" in again.output


def test_allegation_rows_that_cite_what_is_not_there_are_grouped(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    text = ALLEGATIONS.replace("src-chw:p. 2", "src-letter").replace(",a-claim,", ",a-nowhere,")
    path = write(tmp_path, "claims.csv", text.replace("shelling;", "damage_by_shelling;"))
    before = snapshot(catalogue.root)
    result = invoke("import", "allegations", str(path), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID
    assert "  field source 'src-letter': unknown source (1 row(s): line 2 (a-claim))" in result.output
    assert (
        "`heritage import sources FILE`" in result.output
        and "`heritage source add --id src-letter ...`" in result.output
    )
    assert "  field responds_to 'a-nowhere': unknown allegation (1 row(s): line 3 (a-denial))" in result.output
    assert snapshot(catalogue.root) == before


def test_a_missing_required_field_names_the_column_to_map(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.importing import RowsRefused

    path = write(tmp_path, "claims.csv", "Who,When,Src,Sites,What\nMinistry A,2021-01-12,src-chw,st-sargis,looting\n")
    profile = with_flags(
        Profile(), columns=["claimant.name=Who", "made_on=When", "source=Src", "sites=Sites", "acts=What"]
    )
    with pytest.raises(RowsRefused) as refused:
        run_import(catalogue, "allegations", path, profile, ImportOptions("tester"))
    fields = {group.field: group for group in refused.value.groups}
    assert set(fields) == {"claimant.kind", "summary"}
    assert fields["summary"].fix is not None and "--column summary=COLUMN" in fields["summary"].fix


def _kill(root: Path, kind: str, path: Path, kill_at: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HERITAGE_USER": "tester", "HERITAGE_KILL_AT": kill_at}
    command = [sys.executable, "-m", "heritage", "--catalogue", str(root), "import", kind, str(path)]
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True, check=False).returncode


@pytest.mark.parametrize(("kill_at", "landed"), [("stage:20", False), ("commit:0", True), ("move:20", True)])
def test_sources_and_allegations_killed_land_whole_or_not_at_all(
    catalogue: Catalogue, tmp_path: Path, kill_at: str, landed: bool
) -> None:
    rows = 40
    sources = "id,kind,title\n" + "".join(f"src-{n},news,Article {n}\n" for n in range(rows))
    claims = "claimant.name,claimant.kind,made_on,source,sites,acts,summary\n"
    claims += "".join(f"Ministry A,government,2021-01-12,src-chw,st-sargis,looting,Claim {n}\n" for n in range(rows))
    for kind, text, folder in (("sources", sources, layout.SOURCES), ("allegations", claims, layout.ALLEGATIONS)):
        before = len(list((catalogue.root / folder).glob("*.json")))
        assert _kill(catalogue.root, kind, write(tmp_path, f"{kind}.csv", text), kill_at) == -signal.SIGKILL
        Catalogue.open(catalogue.root)  # settles the journal: finished or taken back
        assert len(list((catalogue.root / folder).glob("*.json"))) == before + (rows if landed else 0)
        again = run_import(catalogue, kind, tmp_path / f"{kind}.csv", Profile(), ImportOptions("tester"))
        assert len(again.written) == (0 if landed else rows)


def test_reports_name_evidence_by_its_ev_id_or_its_sha256(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.evidence import add_evidence
    from heritage.importing import RowsRefused

    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"a photo of the west door")
    record = add_evidence(catalogue, photo, "src-chw", recorded_by="t")
    sha = record.file_sha256
    text = "site,observed,condition,method,sources,evidence\n"
    text += f"st-sargis,2022-01-01,intact,field_visit,src-chw,{record.id}\n"
    text += f"st-sargis,2022-01-02,intact,field_visit,src-chw,{sha}\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    result = run_import(catalogue, "reports", path, Profile(), ImportOptions(recorded_by="t"))
    assert len(result.written) == 2
    assert {tuple(r.evidence) for r in catalogue.reports("st-sargis") if r.id in result.written} == {(sha,)}
    path.write_text(text.replace(record.id, "ev-" + "0" * 20), encoding="utf-8")
    with pytest.raises(RowsRefused) as refused:
        run_import(catalogue, "reports", path, Profile(), ImportOptions(recorded_by="t"))
    assert [(g.field, g.value, g.message) for g in refused.value.groups] == [
        ("evidence", "ev-" + "0" * 20, "unknown evidence file")
    ]

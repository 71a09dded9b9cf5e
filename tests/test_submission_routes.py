"""The same three submissions, as ODK Collect, ODK Central and KoboToolbox each hand them over
(tests/data/submissions/ours, made by its build_fixtures.py), make the same records in a copy of
the sample catalogue: the route changes how a report came in, never what it says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, Invoke
from heritage.store import Catalogue

OURS = REPO / "tests" / "data" / "submissions" / "ours"
ROUTES = {
    "odk_collect": [str(OURS / "collect")],
    "odk_central": [str(OURS / "central" / "heritage_condition.zip")],
    "kobotoolbox": [str(OURS / "kobo" / "heritage_condition.xlsx"), "--media", str(OURS / "kobo" / "media.zip")],
}


def _sample(tmp_path: Path) -> Catalogue:
    root = tmp_path / "cat"
    root.mkdir(parents=True)
    shutil.copy(REPO / "catalogue.json", root)
    for folder in ("sites", "sources", "reports", "allegations"):
        shutil.copytree(REPO / folder, root / folder)
    return Catalogue.open(root)


def _said(catalogue: Catalogue) -> dict[str, tuple[object, ...]]:
    """What each imported report says, leaving out how it came in and when it was recorded."""
    said = {}
    for site in catalogue.sites():
        for report in catalogue.reports(site.id):
            if report.submission is None:
                continue
            said[report.id] = (
                report.site, str(report.observed), report.visited_at, report.access, report.access_reason,
                report.condition, report.certainty, report.damage_extent, report.damage_effects, report.damage_causes,
                report.observed_by, report.position, report.notes, report.supersedes, sorted(report.evidence),
                [w.code for w in report.warnings], report.submission.device,
            )  # fmt: skip
    return said


@pytest.mark.parametrize("route", list(ROUTES))
def test_each_route_makes_the_same_reports(invoke: Invoke, tmp_path: Path, route: str) -> None:
    reference = _sample(tmp_path / "collect")
    assert invoke("import", "submissions", *ROUTES["odk_collect"], catalogue=reference).exit_code == 0
    catalogue = _sample(tmp_path / route)
    result = invoke("import", "submissions", *ROUTES[route], catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "left out" not in result.output  # start, end and deviceid are the form's own
    said = _said(catalogue)
    assert len(said) == 3 and said == _said(reference)
    assert {facts[-1] for facts in said.values()} == {"collect:Xq3dK2mPz8TbW1cA", "collect:Lw7pN4sRt2VbY9dE"}
    vias = {r.submission.via for s in catalogue.sites() for r in catalogue.reports(s.id) if r.submission}
    assert vias == {route}

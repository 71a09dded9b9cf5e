"""What a field visit brings (visit time, access, position, submission, warnings), shown by `show`,
`history`, `validate` and dossiers, and kept from those who may not see it."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoke, report_doc, site_doc, snapshot, source_doc
from heritage.audience import report_for, source_for, withheld_warning
from heritage.cli import ExitCode
from heritage.codec import decode
from heritage.dossier import Shared, dossier_context, render_dossier
from heritage.models import ConditionReport, RecordedWarning, Site, Source
from heritage.store import Catalogue
from heritage.validate import validate_catalogue

# Where the observer stood, as the position and as a warning's message give it: neither may reach
# anyone beyond the team.
STOOD = (39.574321, 46.936543)
FAR = (
    "the observer stood 1.2 km from the site's point, more than the 500 m allowed (GPS accuracy ±4.8 m; the site's "
    "location is exact)"
)  # as heritage.submissions.checks.far_from_site writes it
PHOTO = (
    "photo IMG_20250502_1804.jpg was taken on 2025-05-02 (EXIF 2025-05-02T18:04:00+04:00); the visit was on 2025-05-03"
)


def field_report_doc(report_id: str = "fv-1", **fields: Any) -> dict[str, Any]:
    """A report from a phone form with every field a field visit brings."""
    doc = report_doc(
        report_id,
        observed="2025-05-03",
        method="field_visit",
        condition="moderate_damage",
        observed_by="Anna Witness",
        position={"coordinates": [STOOD[1], STOOD[0]], "accuracy_m": 6.5},
        visited_at="2025-05-03T10:12:00+04:00",
        access="partial",
        access_reason="The north side was fenced off.",
        submission={
            "instance_id": "uuid:0b3a7c1e-2f4d-4e43-9a55-0d2f6e1c9b11",
            "form_id": "heritage_condition",
            "form_version": "2025050101",
            "replaces": "uuid:77aa",
            "via": "odk_central",
            "submitted_at": "2025-05-04T08:01:55Z",
            "submitted_by": "team-3-phone",
            "device": "collect:Xq3dK2mPz8TbW1cA",
        },
        warnings=[{"code": "far-from-site", "message": FAR}, {"code": "photo-other-day", "message": PHOTO}],
    )
    doc.update(fields)
    return doc


def add_field_report(catalogue: Catalogue, **fields: Any) -> ConditionReport:
    report = decode(ConditionReport, json.dumps(field_report_doc(**fields)).encode())
    catalogue.add_report(report)
    return report


SUBMISSION = (
    "ODK Central, instance uuid:0b3a7c1e-2f4d-4e43-9a55-0d2f6e1c9b11, form heritage_condition version "
    "2025050101, an edit of uuid:77aa, received 2025-05-04 08:01 UTC, sent by team-3-phone, device "
    "collect:Xq3dK2mPz8TbW1cA"
)


def flat(text: str) -> str:
    """Terminal output with its folded lines joined again."""
    return re.sub(r"\s+", " ", text)


def test_show_gives_every_fact_of_the_visit_and_its_warnings(invoke: Invoke, catalogue: Catalogue) -> None:
    add_field_report(catalogue)
    result = invoke("show", "st-sargis", catalogue=catalogue)
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "visited: 2025-05-03 10:12 (UTC+04:00)" in out
    assert "access: partial: The north side was fenced off." in out
    assert f"position: {STOOD[0]:.6f}, {STOOD[1]:.6f} ± 6.5 m" in out
    assert f"submission: {SUBMISSION}" in out
    assert f"warning: far-from-site: {FAR}" in out and f"warning: photo-other-day: {PHOTO}" in out


def test_history_marks_the_report_and_gives_the_visit_below_the_table(invoke: Invoke, catalogue: Catalogue) -> None:
    add_field_report(catalogue)
    out = flat(invoke("history", "st-sargis", catalogue=catalogue).output)
    assert "2 warning(s)," in out  # in the table's status cell, folded at any width
    below = out[out.index("fv-1 (field_visit, 2025-05-03)") :]
    for expected in ("visited: 2025-05-03 10:12 (UTC+04:00)", "access: partial: The north side", SUBMISSION):
        assert expected in below
    assert f"warning: far-from-site: {FAR}" in below


def test_a_report_without_a_visit_adds_no_line(invoke: Invoke, catalogue: Catalogue) -> None:
    out = (
        invoke("history", "st-sargis", catalogue=catalogue).output
        + invoke("show", "st-sargis", catalogue=catalogue).output
    )
    assert "visited" not in out and "warning" not in out and "submission" not in out


@pytest.mark.parametrize("command", ["show", "history"])
def test_json_carries_the_new_fields_as_stored(invoke: Invoke, catalogue: Catalogue, command: str) -> None:
    add_field_report(catalogue)
    data = json.loads(invoke(command, "st-sargis", "--json", catalogue=catalogue).output)
    entry = next(e for e in data["reports" if command == "show" else "timeline"] if e["id"] == "fv-1")
    stored = field_report_doc()
    for key in ("position", "access", "access_reason", "warnings"):
        assert entry[key] == stored[key], key
    assert entry["visited_at"] == "2025-05-03T10:12:00+04:00"
    assert entry["submission"]["device"] == "collect:Xq3dK2mPz8TbW1cA"
    assert entry["submission"]["submitted_at"] == "2025-05-04T08:01:55Z"


def test_validate_shows_each_recorded_warning_with_file_record_and_field(invoke: Invoke, catalogue: Catalogue) -> None:
    add_field_report(catalogue)
    report = validate_catalogue(catalogue)
    assert report.ok
    found = [(p.code, p.file, p.record, p.field, p.severity, p.message) for p in report.recorded]
    assert found == [
        ("field-far-from-site", "reports/st-sargis/fv-1.json", "fv-1", "warnings[0]", "warning", FAR),
        ("field-photo-other-day", "reports/st-sargis/fv-1.json", "fv-1", "warnings[1]", "warning", PHOTO),
    ]
    result = invoke("validate", catalogue=catalogue)
    assert result.exit_code == 0
    assert "warning field-far-from-site: reports/st-sargis/fv-1.json: record fv-1: field warnings[0]:" in result.output
    assert result.output.strip().endswith("0 error(s), 2 warning(s) (2 recorded on reports when they came in)")
    data = json.loads(invoke("validate", "--json", catalogue=catalogue).output)
    assert [p["code"] for p in data["problems"]] == ["field-far-from-site", "field-photo-other-day"]


def test_validate_sees_a_warning_added_to_a_file_the_index_knew(catalogue: Catalogue) -> None:
    """The warnings are the file's own problems, kept in the index: an edit must bring them."""
    assert validate_catalogue(catalogue).recorded == []
    path = catalogue.root / "reports" / "st-sargis" / "r-1.json"
    document = json.loads(path.read_text())
    document["warnings"] = [{"code": "new-site", "message": "added from this visit"}]
    del document["sha256"]
    path.write_text(json.dumps(document))
    assert [p.code for p in validate_catalogue(catalogue).recorded] == ["field-new-site"]


def _seen(audience: str) -> ConditionReport:
    report = decode(ConditionReport, json.dumps(field_report_doc()).encode())
    shown = report_for(report, audience, {"src-chw"})
    assert shown is not None
    return shown


def test_the_public_keeps_access_and_visit_but_not_who_stood_where_or_sent_it() -> None:
    public = _seen("public")
    assert public.access is not None and public.access.value == "partial"
    assert public.access_reason == "The north side was fenced off."
    assert public.visited_at is not None and public.visited_at.isoformat() == "2025-05-03T10:12:00+04:00"
    assert public.observed_by is None and public.position is None
    assert public.submission is not None
    assert public.submission.submitted_by is None and public.submission.device is None
    assert public.submission.instance_id.startswith("uuid:0b3a") and public.submission.form_version == "2025050101"
    assert [w.code for w in public.warnings] == ["far-from-site", "photo-other-day"]
    text = " ".join(w.message for w in public.warnings)
    assert str(STOOD[0]) not in text and str(STOOD[1]) not in text and "IMG_" not in text
    assert "1.2 km" in text and "2025-05-02" in text


def test_a_mission_sees_the_submission_but_not_where_the_observer_stood() -> None:
    mission = _seen("mission")
    assert mission.submission is not None and mission.submission.device == "collect:Xq3dK2mPz8TbW1cA"
    assert mission.submission.submitted_by == "team-3-phone"
    assert mission.position is None and mission.observed_by is None
    assert str(STOOD[0]) not in mission.warnings[0].message


@pytest.mark.parametrize("audience", ["mission", "public"])
def test_a_field_visit_source_names_its_observer_to_the_team_only(audience: str) -> None:
    doc = source_doc("src-fv-1", kind="field_visit", title="Field visit to St Sargis", author="Team B (A. P.)")
    source = decode(Source, json.dumps(doc).encode())
    shown = source_for(source, audience)
    assert shown is not None and shown.author is None and shown.title == "Field visit to St Sargis"
    internal = source_for(source, "internal")
    assert internal is not None and internal.author == "Team B (A. P.)"


def test_every_warning_the_import_records_has_words_for_those_beyond_the_team() -> None:
    from heritage.models import report

    codes = [report.FAR_FROM_SITE, report.PHOTO_OTHER_DAY, report.PHOTO_MISSING, report.NEW_SITE]
    said = [withheld_warning(RecordedWarning(code=code, message="IMG_1.jpg at 39.1 46.2")) for code in codes]
    assert len(set(said)) == len(codes) and not any("kept for the team" in words for words in said)


def test_every_route_a_submission_takes_has_its_words() -> None:
    from typing import get_args

    from heritage.models.report import Via
    from heritage.visits import VIA

    assert set(VIA) == set(get_args(Via))


def test_the_team_sees_everything_as_recorded() -> None:
    internal = _seen("internal")
    assert internal.model_dump() == decode(ConditionReport, json.dumps(field_report_doc()).encode()).model_dump()


@pytest.mark.parametrize(
    ("code", "message", "said"),
    [
        ("far-from-site", FAR, "the observer stood 1.2 km from the site's recorded location"),
        ("far-from-site", "at 39.1 46.2", "where the observer stood was far from the site's recorded location"),
        ("photo-other-day", PHOTO, "a photo was taken on 2025-05-02, the visit was on 2025-05-03"),
        ("photo-other-day", "IMG_1.jpg: 2025-05-02", "a photo was taken on another day than the visit"),
        ("photo-missing", "IMG_1.jpg is not in the export", "a photo named in the submission was not brought in"),
        ("another-check", "at 39.1 46.2 by Anna", "noted when the report came in; the details are kept for the team"),
    ],
)  # fmt: skip
def test_a_warning_beyond_the_team_names_at_most_a_distance_and_dates(code: str, message: str, said: str) -> None:
    assert withheld_warning(RecordedWarning(code=code, message=message)) == said


def test_the_distance_withheld_is_the_one_the_observer_stood_not_the_largest_named() -> None:
    """The intake's own message also names the limit, the GPS accuracy and the site's uncertainty;
    a site known only to ±20 km must not be said to have been stood 20 km from."""
    from heritage.submissions.answers import Fix
    from heritage.submissions.checks import far_from_site

    site = decode(Site, json.dumps(site_doc(location={"precision": "approximate", "uncertainty_m": 20_000})).encode())
    warning = far_from_site(site, Fix(lon=46.93, lat=39.5755, accuracy_m=4.8), 500)
    assert warning is not None and "20.0 km" in warning.message
    assert withheld_warning(warning) == "the observer stood 612 m from the site's recorded location"


def _dossier(catalogue: Catalogue, audience: str) -> str:
    return render_dossier(dossier_context(catalogue, "st-sargis", audience, shared=Shared.load(catalogue)))


def test_the_dossier_shows_the_visit_and_its_warnings_as_each_audience_may_see_them(catalogue: Catalogue) -> None:
    add_field_report(catalogue)
    pages = {audience: _dossier(catalogue, audience) for audience in ("public", "mission", "internal")}
    for audience, page in pages.items():
        assert "<dt>Visited</dt><dd>2025-05-03 10:12 (UTC+04:00)</dd>" in page, audience
        assert (
            "<dt>Access</dt><dd>Partial: part of the site could be reached or seen. The north side was fenced off.</dd>"
        ) in page, audience
        assert page.count('<p class="warning"><strong>Warning</strong> <code>far-from-site</code>') == 1, audience
        assert "form heritage_condition version 2025050101" in page, audience
        assert ("team-3-phone" in page) is ("collect:Xq3dK2mPz8TbW1cA" in page) is (audience != "public"), audience
        stood = str(STOOD[0]) in page or f"{STOOD[0]:.6f}" in page
        assert stood is ("IMG_20250502_1804.jpg" in page) is ("Anna Witness" in page) is (audience == "internal")
    assert "<dt>Observed from</dt>" in pages["internal"] and "<dt>Observed from</dt>" not in pages["mission"]
    assert "the observer stood 1.2 km from the site&#39;s recorded location" in pages["public"]


def test_the_damage_the_form_asks_is_in_the_dossier_for_every_audience(catalogue: Catalogue) -> None:
    add_field_report(catalogue, damage_extent="31-60%", damage_effects=["collapse"], damage_causes=["vandalism"])
    for audience in ("public", "mission", "internal"):
        page = _dossier(catalogue, audience)
        assert "<dt>Damage extent</dt><dd>31-60% of the site</dd>" in page, audience
        assert "<dt>Damage seen</dt><dd>Collapse or structural damage</dd>" in page
        assert "<dt>Caused by</dt><dd>Vandalism</dd>" in page


def test_field_text_in_a_dossier_is_escaped(catalogue: Catalogue) -> None:
    hostile = '<img src=x onerror="alert(1)"></td><script>alert(2)</script>'
    add_field_report(catalogue, access_reason=hostile, warnings=[{"code": "far-from-site", "message": hostile}])
    page = _dossier(catalogue, "internal")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") == 2


def test_report_add_takes_the_visit_time_with_its_offset_and_access(invoke: Invoke, catalogue: Catalogue) -> None:
    base = "report add --site st-sargis --observed 2025-05-03 --condition intact --method field_visit --source src-chw "
    result = invoke(
        *shlex.split(base + "--visited-at 2025-05-03T10:12+04:00 --access refused --access-reason 'Turned away'"),
        catalogue=catalogue,
    )
    assert result.exit_code == 0, result.output
    report = next(r for r in catalogue.reports("st-sargis") if r.id == result.output.strip())
    assert report.visited_at is not None and report.visited_at.isoformat() == "2025-05-03T10:12:00+04:00"
    assert report.access is not None and report.access.value == "refused" and report.access_reason == "Turned away"


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        ("--visited-at 2025-05-03T10:12", "'2025-05-03T10:12' has no offset from UTC"),
        ("--visited-at noon", "'noon' is not a time; write it as 2025-05-03T10:12+04:00"),
        ("--access-reason 'Mined'", "--access-reason explains --access: give both"),
        ("--access ajar", "Invalid value for '--access'"),
        ("--visited-at 2025-05-04T01:00+04:00", "is not on the day observed (2025-05-03)"),
    ],
)
def test_report_add_refuses_a_visit_it_cannot_place(
    invoke: Invoke, catalogue: Catalogue, flags: str, said: str
) -> None:
    before = snapshot(catalogue.root)
    base = "report add --site st-sargis --observed 2025-05-03 --condition intact --method field_visit --source src-chw "
    result = invoke(*shlex.split(base + flags), catalogue=catalogue)
    assert result.exit_code in (ExitCode.USAGE, ExitCode.INVALID)
    assert said in flat(result.output)
    assert "Traceback" not in result.output and "pydantic" not in result.output.lower()
    assert snapshot(catalogue.root) == before


def test_a_table_import_maps_access_and_reads_visit_times(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    table = tmp_path / "visits.csv"
    table.write_text(
        "Site,Date,Access,Why,On site\n"
        "st-sargis,2025-05-03,Teilweise,Fenced off,2025-05-03T10:12:00+04:00\n"
        "st-sargis,2025-05-04,Voll,,2025-05-04T09:00:00Z\n",
        encoding="utf-8",
    )
    profile = tmp_path / "visits.toml"
    profile.write_text(
        'kind = "reports"\n[columns]\nsite = "Site"\nobserved = "Date"\naccess = "Access"\n'
        'access_reason = "Why"\nvisited_at = "On site"\n'
        '[fixed]\nmethod = "field_visit"\nsources = "src-chw"\ncondition = "intact"\n'
        '[map.access]\n"Teilweise" = "partial"\n"Voll" = "full"\n',
        encoding="utf-8",
    )
    result = invoke("import", "reports", str(table), "--profile", str(profile), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    visits = sorted((r for r in catalogue.reports("st-sargis") if r.access), key=lambda r: str(r.observed))
    assert [(r.access.value if r.access else None, r.access_reason) for r in visits] == [
        ("partial", "Fenced off"),
        ("full", None),
    ]
    assert [r.visited_at.isoformat() if r.visited_at else None for r in visits] == [
        "2025-05-03T10:12:00+04:00",
        "2025-05-04T09:00:00+00:00",
    ]
    naive = tmp_path / "naive.csv"
    naive.write_text("Site,Date,Access,Why,On site\nst-sargis,2025-05-05,Voll,,2025-05-05T09:00:00\n", encoding="utf-8")
    before = snapshot(catalogue.root)
    refused = invoke("import", "reports", str(naive), "--profile", str(profile), catalogue=catalogue)
    assert refused.exit_code == ExitCode.INVALID
    assert "field visited_at '2025-05-05T09:00:00': needs a time zone" in refused.output and "line 2" in refused.output
    assert snapshot(catalogue.root) == before


def test_times_keep_their_own_offset_and_a_phone_copy_names_no_server() -> None:
    from datetime import datetime

    from heritage.models.report import FieldSubmission
    from heritage.visits import submission_text, visit_time

    assert visit_time(datetime.fromisoformat("2025-05-03T06:12:00Z")) == "2025-05-03 06:12 (UTC)"
    assert visit_time(datetime.fromisoformat("2025-05-03T06:12:00-03:30")) == "2025-05-03 06:12 (UTC-03:30)"
    copied = FieldSubmission(instance_id="uuid:1", form_id="heritage_condition", via="odk_collect")
    assert submission_text(copied) == "ODK Collect, copied off the phone, instance uuid:1, form heritage_condition"

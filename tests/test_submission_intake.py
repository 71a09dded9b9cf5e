"""Field submissions made into records: reports, field-visit sources, evidence, new sites; the
warnings kept on the reports; reruns, edits, and batches refused whole."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import snapshot
from fieldvisits import DAY, SITE_LAT, SITE_LON, UUID, jpeg, submission
from heritage import layout
from heritage.fieldform import NOT_LISTED
from heritage.models import ConditionReport, Evidence, Site, Source
from heritage.models.geometry import Point, Polygon
from heritage.store import Catalogue
from heritage.submissions import Photo
from heritage.submissions.checks import EARTH_RADIUS_M, distance_m, haversine_m
from heritage.submissions.intake import IntakeOptions, SubmissionsRefused, import_submissions
from heritage.validate import validate_catalogue

OPTIONS = IntakeOptions(recorded_by="analyst")
UUID2 = "5d6e7f80-1a2b-4c3d-8e9f-a0b1c2d3e4f5"
UUID3 = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
METRES_PER_DEGREE = EARTH_RADIUS_M * 3.141592653589793 / 180


def _report(catalogue: Catalogue, report_id: str, site: str = "st-sargis") -> ConditionReport:
    return catalogue.read(ConditionReport, layout.report_file(catalogue.root, site, report_id))


def _north_of_site(metres: float) -> str:
    return f"{SITE_LAT + metres / METRES_PER_DEGREE} {SITE_LON} 1430 4.8"


def test_a_submission_becomes_a_report_citing_a_field_visit_with_its_photos(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    nave, apse = jpeg(tmp_path / "nave.jpg"), jpeg(tmp_path / "apse.jpg", shade=60)
    photos = [Photo("1732090000.jpg", nave, "The nave from the west door"), Photo("1732090100.jpg", apse)]
    result = import_submissions(catalogue, [submission(photos=photos)], OPTIONS)

    assert result.reports == [f"fv-{UUID}"] and result.sources == [f"src-fv-{UUID}"] and result.already == []
    report = _report(catalogue, f"fv-{UUID}")
    assert (report.site, str(report.observed), report.observed_by) == ("st-sargis", DAY, "Team B (A. Petrosyan)")
    assert report.method.value == "field_visit"
    assert (report.condition.value, report.certainty and report.certainty.value) == ("severe_damage", "confirmed")
    assert report.damage_extent is not None and report.damage_extent.value == "31-60%"
    assert [e.value for e in report.damage_effects] == ["collapse", "burning"]
    assert [c.value for c in report.damage_causes] == ["explosion_heavy_weaponry"]
    assert report.access is not None and report.access.value == "partial"
    assert report.access_reason == "The north side was fenced off."
    assert report.visited_at == datetime(2026, 11, 20, 10, 15, tzinfo=timezone(timedelta(hours=4)))
    assert report.position is not None
    assert report.position.coordinates == [SITE_LON, SITE_LAT + 0.001] and report.position.accuracy_m == 4.8
    assert [c.source for c in report.sources] == [f"src-fv-{UUID}"]
    assert report.notes == "Roof of the nave gone; the apse stands."
    assert report.recorded_by == "analyst" and report.sensitivity.value == "public"
    assert report.submission is not None
    assert report.submission.instance_id == f"uuid:{UUID}" and report.submission.via == "odk_collect"
    assert (report.submission.form_id, report.submission.form_version) == ("heritage_condition", "2026112001")
    assert report.submission.device == "collect:Xy12AbCd" and report.submission.replaces is None
    assert report.warnings == [] and report.supersedes is None

    hashes = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (nave, apse)]
    assert report.evidence == hashes == result.evidence
    for sha, original in zip(hashes, (nave, apse), strict=True):
        assert layout.evidence_file(catalogue.root, sha).read_bytes() == original.read_bytes()
    first = catalogue.read(Evidence, layout.evidence_record_file(catalogue.root, hashes[0]))
    assert first.captured_at == datetime(2026, 11, 20, 10, 20, tzinfo=timezone(timedelta(hours=4)))
    assert (first.camera, first.media_type, first.source) == ("Google Pixel 7", "image/jpeg", f"src-fv-{UUID}")
    assert (first.notes, first.captured_by, first.name) == (
        "The nave from the west door",
        "Team B (A. Petrosyan)",
        "nave.jpg",
    )

    source = catalogue.source(f"src-fv-{UUID}")
    assert source.kind.value == "field_visit" and source.reliability.value == "F"
    assert source.title == f"Field visit to St Sargis on {DAY}"  # the observer is the author only
    assert (source.author, str(source.published)) == ("Team B (A. Petrosyan)", DAY)
    assert validate_catalogue(Catalogue.open(catalogue.root)).errors == []


def test_a_rerun_adds_nothing_and_a_batch_names_each_submission_once(catalogue: Catalogue, tmp_path: Path) -> None:
    photo = Photo("p.jpg", jpeg(tmp_path / "p.jpg"))
    batch = [submission(photos=[photo]), submission(UUID2), submission(UUID2)]
    first = import_submissions(catalogue, batch, OPTIONS)
    assert (len(first.reports), first.repeated) == (2, 1)
    before = snapshot(catalogue.root)

    again = import_submissions(catalogue, batch, OPTIONS)
    assert (again.reports, sorted(again.already)) == ([], sorted([f"fv-{UUID}", f"fv-{UUID2}"]))
    assert snapshot(catalogue.root) == before


def test_an_edit_supersedes_the_report_it_edits_in_one_batch_or_the_next(catalogue: Catalogue) -> None:
    original, edit = submission(UUID), submission(UUID2, replaces=UUID, condition="destroyed", damage_extent="91-100%")
    result = import_submissions(catalogue, [edit, original], OPTIONS)  # the edit first: it still comes second
    assert result.reports == [f"fv-{UUID}", f"fv-{UUID2}"]
    assert _report(catalogue, f"fv-{UUID2}").supersedes == f"fv-{UUID}"
    assert _report(catalogue, f"fv-{UUID2}").submission.replaces == f"uuid:{UUID}"  # type: ignore[union-attr]

    later = submission(UUID3, replaces=UUID2, condition="destroyed", damage_extent="91-100%", notes="Rubble cleared.")
    import_submissions(catalogue, [later], OPTIONS)
    assert _report(catalogue, f"fv-{UUID3}").supersedes == f"fv-{UUID2}"
    assert validate_catalogue(Catalogue.open(catalogue.root)).errors == []


def test_an_edit_of_a_submission_never_imported_is_a_report_of_its_own(catalogue: Catalogue) -> None:
    # ODK Central exports only the latest version of an edited submission.
    import_submissions(catalogue, [submission(UUID2, replaces=UUID)], OPTIONS)
    assert _report(catalogue, f"fv-{UUID2}").supersedes is None


def test_an_edit_that_moves_the_report_to_another_site_is_refused(catalogue: Catalogue) -> None:
    import_submissions(catalogue, [submission(UUID)], OPTIONS)
    moved = submission(
        UUID2, replaces=UUID, site=NOT_LISTED, new_site_name="Kanach Zham", new_site_position="39.58 46.94 1400 6"
    )
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, [moved], OPTIONS)
    assert "retract the earlier report" in (refused.value.groups[0].fix or "")

    from heritage.corrections import retract_report

    retract_report(catalogue, f"fv-{UUID}", "the team was at another church", "analyst")
    import_submissions(catalogue, [moved], OPTIONS)  # nothing left to correct: a report of its own
    assert _report(catalogue, f"fv-{UUID2}", "kanach-zham").supersedes is None


def test_an_edit_of_a_report_already_corrected_is_refused(catalogue: Catalogue) -> None:
    import_submissions(catalogue, [submission(UUID), submission(UUID2, replaces=UUID)], OPTIONS)
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, [submission(UUID3, replaces=UUID)], OPTIONS)
    (group,) = refused.value.groups
    assert (group.field, group.value) == ("meta/deprecatedID", f"fv-{UUID}")
    assert "already superseded" in group.message


def test_far_from_site_at_the_edge_of_the_limit(catalogue: Catalogue) -> None:
    near, far = submission(UUID, position=_north_of_site(490)), submission(UUID2, position=_north_of_site(510))
    result = import_submissions(catalogue, [near, far], OPTIONS)
    assert _report(catalogue, f"fv-{UUID}").warnings == []
    (warning,) = _report(catalogue, f"fv-{UUID2}").warnings
    assert warning.code == "far-from-site"
    assert "510 m from the site's point, more than the 500 m allowed" in warning.message
    assert "GPS accuracy ±5 m" in warning.message and "location is exact" in warning.message
    assert [(w[1], w[2].code) for w in result.warnings] == [(f"fv-{UUID2}", "far-from-site")]


def test_an_accuracy_is_rounded_up_in_a_warning(catalogue: Catalogue) -> None:
    position = f"{SITE_LAT + 0.01} {SITE_LON} 1430 6.5"  # ODK's accuracy in metres, with a decimal
    import_submissions(catalogue, [submission(UUID, position=position)], OPTIONS)
    (warning,) = _report(catalogue, f"fv-{UUID}").warnings
    assert "GPS accuracy ±7 m" in warning.message  # not ±6: an uncertainty is never said smaller


def test_distance_to_a_point_and_to_an_outline() -> None:
    pyproj = pytest.importorskip("pyproj")  # installed with geopandas: the ellipsoid's own geodesic
    _, _, geodesic = pyproj.Geod(ellps="WGS84").inv(46.93, 39.57, 46.95, 39.58)
    assert haversine_m(46.93, 39.57, 46.95, 39.58) == pytest.approx(geodesic, rel=0.005)
    square = Polygon(
        type="Polygon", coordinates=[[[46.0, 39.0], [46.01, 39.0], [46.01, 39.01], [46.0, 39.01], [46.0, 39.0]]]
    )
    assert distance_m(square, 46.005, 39.005) == 0.0  # inside
    _, _, to_edge = pyproj.Geod(ellps="WGS84").inv(46.005, 39.02, 46.005, 39.01)
    assert distance_m(square, 46.005, 39.02) == pytest.approx(to_edge, rel=0.005)
    assert distance_m(Point(type="Point", coordinates=[46.0, 39.0]), 46.0, 39.0) == 0.0


def test_photo_taken_on_another_day(catalogue: Catalogue, tmp_path: Path) -> None:
    same = jpeg(tmp_path / "same.jpg", "2026:11:20 23:50:00", "+04:00")
    other = jpeg(tmp_path / "other.jpg", "2026:11:18 09:00:00", "+04:00", shade=10)
    no_zone = jpeg(tmp_path / "nozone.jpg", "2026:11:21 08:00:00", None, shade=20)
    photos = [Photo("same.jpg", same), Photo("other.jpg", other), Photo("nozone.jpg", no_zone)]
    import_submissions(catalogue, [submission(photos=photos)], OPTIONS)
    warnings = _report(catalogue, f"fv-{UUID}").warnings
    assert [w.code for w in warnings] == ["photo-other-day", "photo-other-day"]
    assert warnings[0].message == (
        "photo other.jpg was taken on 2026-11-18 (EXIF 2026-11-18T09:00:00+04:00); the visit was on 2026-11-20"
    )
    assert "nozone.jpg was taken on 2026-11-21 (the camera's clock, no time zone in the file)" in warnings[1].message


def test_a_missing_photo_refuses_the_batch_unless_without_photos(catalogue: Catalogue, tmp_path: Path) -> None:
    batch = [submission(UUID), submission(UUID2, photos=[Photo("1732090000.jpg", None, "west door")])]
    before = snapshot(catalogue.root)
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, batch, OPTIONS)
    (group,) = refused.value.groups
    assert (group.field, group.value, group.message) == ("photo", "1732090000.jpg", "file not found")
    assert group.labels == [batch[1].where] and "--without-photos" in (group.fix or "")
    assert "1 of 2 submission(s) failed; nothing was written" in str(refused.value)
    assert snapshot(catalogue.root) == before

    import_submissions(catalogue, batch, IntakeOptions(recorded_by="analyst", without_photos=True))
    report = _report(catalogue, f"fv-{UUID2}")
    assert report.evidence == [] and [w.code for w in report.warnings] == ["photo-missing"]
    assert "1732090000.jpg" in report.warnings[0].message


def test_the_same_photo_in_two_submissions_is_one_evidence_file(catalogue: Catalogue, tmp_path: Path) -> None:
    photo = jpeg(tmp_path / "shared.jpg")
    batch = [submission(UUID, photos=[Photo("a.jpg", photo)]), submission(UUID2, photos=[Photo("b.jpg", photo)])]
    result = import_submissions(catalogue, batch, OPTIONS)
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert result.evidence == [sha] and result.photos == 2
    assert _report(catalogue, f"fv-{UUID}").evidence == _report(catalogue, f"fv-{UUID2}").evidence == [sha]
    # and one already in the catalogue is cited, not stored again
    third = import_submissions(catalogue, [submission(UUID3, photos=[Photo("c.jpg", photo)])], OPTIONS)
    assert third.evidence == [] and _report(catalogue, f"fv-{UUID3}").evidence == [sha]


def test_a_site_not_on_the_list_becomes_one_new_site(catalogue: Catalogue) -> None:
    new = {"site": NOT_LISTED, "new_site_name": "Kanach Zham", "new_site_position": "39.7581 46.7514 1420 7.2"}
    batch = [submission(UUID, **new, position="39.7581 46.7514 1420 7.2"), submission(UUID2, **new, position="")]
    result = import_submissions(catalogue, batch, OPTIONS)
    assert result.sites == ["kanach-zham"]
    site = catalogue.site("kanach-zham")
    assert site.geometry is not None and site.geometry.representative == (46.7514, 39.7581)
    assert (site.location.precision.value, site.location.uncertainty_m) == ("approximate", 8)
    # 8 m is the phone's 7.2 m rounded up, and the words say so rather than that the phone gave 8 m
    assert (
        site.location.source is not None
        and "±8 m, the phone's GPS accuracy of 7.2 m rounded up" in site.location.source
    )
    warning = _report(catalogue, f"fv-{UUID}", "kanach-zham").warnings[0].message
    assert "(±8 m, the phone's GPS accuracy rounded up)" in warning
    assert (site.type, site.names[0].lang, site.names[0].text) == ("other", "und", "Kanach Zham")
    assert site.sensitivity == "restricted"  # exact position, checked by no one yet: not for the public
    assert [_report(catalogue, f"fv-{u}", "kanach-zham").site for u in (UUID, UUID2)] == ["kanach-zham"] * 2
    assert [w.code for w in _report(catalogue, f"fv-{UUID}", "kanach-zham").warnings] == ["new-site"]
    assert catalogue.source(f"src-fv-{UUID}").title.startswith("Field visit to Kanach Zham on")

    again = submission(UUID3, **new)
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, [again], OPTIONS)
    (group,) = refused.value.groups
    assert group.field == "new_site_name" and "'kanach-zham', which the catalogue holds already" in group.message
    assert "answer the site question with kanach-zham" in (group.fix or "")


@pytest.mark.parametrize(
    ("given", "field", "value", "message"),
    [
        ({"condition": "ruined"}, "condition", "ruined", "not one of the form's condition choices"),
        (
            {"damage_effects": "collapse smoke"},
            "damage_effects",
            "smoke",
            "not one of the form's damage_effect choices",
        ),
        ({"site": "st-nowhere"}, "site", "st-nowhere", "unknown site"),
        ({"position": "39.57"}, "position", "39.57", "is not a GPS position"),
        (
            {"position": "139.57 46.93 0 5"},
            "position",
            "139.57 46.93 0 5",
            "is not a position on Earth (latitude first, then longitude)",
        ),
        ({"visit_date": "20/11/2026"}, "visit_date", "20/11/2026", "is not a date (YYYY-MM-DD)"),
        ({"visit_date": "2026-02-30"}, "visit_date", "2026-02-30", "is not a date (YYYY-MM-DD)"),
        ({"visit_time": "noon"}, "visit_time", "noon", "is not a time of day (HH:MM:SS, with its offset)"),
        ({"observer": ""}, "observer", None, "is required and empty"),
    ],
)
def test_a_bad_answer_refuses_the_whole_batch(
    catalogue: Catalogue, given: dict[str, str], field: str, value: str | None, message: str
) -> None:
    before = snapshot(catalogue.root)
    batch = [submission(UUID), submission(UUID2, **given), submission(UUID3, **given)]
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, batch, OPTIONS)
    (group,) = refused.value.groups
    assert (group.field, group.value, group.message, group.count) == (field, value, message, 2)
    assert group.labels == [batch[1].where, batch[2].where] and group.fix
    assert snapshot(catalogue.root) == before


def test_a_date_in_the_future_and_a_contradiction_are_said_in_the_forms_words(catalogue: Catalogue) -> None:
    batch = [submission(UUID, visit_date="2099-01-01", visit_time=""), submission(UUID2, condition="intact")]
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, batch, OPTIONS)
    fields = {g.field: g.message for g in refused.value.groups}
    assert "in the future" in fields["visit_date"]
    assert "condition 'intact' contradicts damage_extent" in str(refused.value.groups)


def test_a_time_without_its_offset_is_left_out_and_options_apply(catalogue: Catalogue) -> None:
    from heritage.models.vocab import Reliability, Sensitivity

    options = IntakeOptions(recorded_by="a", sensitivity=Sensitivity.restricted, reliability=Reliability.B)
    import_submissions(catalogue, [submission(visit_time="10:15:00", damage_extent="pct_31_60")], options)
    report = _report(catalogue, f"fv-{UUID}")
    assert report.visited_at is None and report.sensitivity.value == "restricted"
    assert report.damage_extent is not None and report.damage_extent.value == "31-60%"  # a choice by its key
    source = catalogue.source(f"src-fv-{UUID}")
    assert (source.reliability.value, source.sensitivity.value) == ("B", "restricted")


def test_a_dry_run_writes_nothing_and_says_what_would_be(catalogue: Catalogue, tmp_path: Path) -> None:
    before = snapshot(catalogue.root)
    new = {"site": NOT_LISTED, "new_site_name": "Kanach Zham", "new_site_position": "39.7581 46.7514 1420 0"}
    batch = [submission(UUID, photos=[Photo("p.jpg", jpeg(tmp_path / "p.jpg"))]), submission(UUID2, **new)]
    result = import_submissions(catalogue, batch, IntakeOptions(recorded_by="a", dry_run=True))
    assert snapshot(catalogue.root) == before
    assert (len(result.reports), result.sites, result.photos, len(result.warnings)) == (2, ["kanach-zham"], 1, 2)
    assert [s.get("id") for s in result.samples] == [f"fv-{UUID}", "kanach-zham", f"fv-{UUID2}"]
    assert "sha256" not in result.samples[0] and result.samples[1]["properties"]["location"]["precision"] == "exact"


def test_records_are_parsed_back_as_written(catalogue: Catalogue) -> None:
    new = {"site": NOT_LISTED, "new_site_name": "Kanach Zham", "new_site_position": "39.7581 46.7514 1420 7.2"}
    import_submissions(catalogue, [submission(**new)], OPTIONS)
    reopened = Catalogue.open(catalogue.root)
    assert isinstance(reopened.site("kanach-zham"), Site) and isinstance(reopened.source(f"src-fv-{UUID}"), Source)
    assert validate_catalogue(reopened).errors == []


def test_one_run_names_every_problem_of_a_submission(catalogue: Catalogue) -> None:
    bad = submission(UUID, site="st-nowhere", condition="ruined", photos=[Photo("1732091000001.jpg", None)])
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, [bad], OPTIONS)
    assert [(g.field, g.value) for g in refused.value.groups] == [
        ("condition", "ruined"),
        ("site", "st-nowhere"),
        ("photo", "1732091000001.jpg"),
    ]


def test_hostile_answers_are_refused_or_kept_as_text(catalogue: Catalogue) -> None:
    bad = submission(UUID, observer="Team\x1b[31m B")
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, [bad], OPTIONS)
    assert {g.field for g in refused.value.groups} == {"observer"}
    assert all("U+001B" in g.message for g in refused.value.groups)

    markup = "<script>alert(1)</script> ${x} </textarea>"
    import_submissions(catalogue, [submission(UUID2, notes=markup, access_reason=markup)], OPTIONS)
    report = _report(catalogue, f"fv-{UUID2}")
    assert report.notes == markup and report.access_reason == markup  # escaped wherever shown, stored as given


@pytest.mark.parametrize("audience", ["mission", "public"])
def test_the_observer_is_named_to_the_team_only(catalogue: Catalogue, tmp_path: Path, audience: str) -> None:
    from heritage.dossier import build_dossier

    observer = "Observer Zqx"
    new = {"site": NOT_LISTED, "new_site_name": "Kanach Zham", "new_site_position": "39.7581 46.7514 1420 7.2"}
    batch = [submission(UUID, observer=observer), submission(UUID2, observer=observer, **new)]
    import_submissions(catalogue, batch, OPTIONS)
    for site in ("st-sargis", "kanach-zham"):
        team = build_dossier(catalogue, site, tmp_path / "internal", audience="internal").html.read_text()
        assert observer in team  # so that the search below can fail
        shown = build_dossier(catalogue, site, tmp_path / audience, audience=audience).html.read_text()
        assert observer not in shown, site

"""Clocks that disagree: a record stamped ahead of this machine, reviews ordered by their links,
records kept as recorded elsewhere."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from conftest import NOW, Invoke, report_doc, write
from heritage import layout, recording
from heritage.allegations import current_status, review_order
from heritage.corrections import review_allegation
from heritage.dossier import dossier_context, render_dossier
from heritage.errors import InvalidInput
from heritage.evidence import add_evidence
from heritage.models import AllegationStatus, Review, base
from heritage.recording import add_report
from heritage.store import Catalogue
from heritage.validate import validate_catalogue


def _dossier(catalogue: Catalogue, audience: str) -> str:
    return render_dossier(dossier_context(Catalogue.open(catalogue.root), "st-sargis", audience))


def _ahead(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def _plant_future_report(catalogue: Catalogue) -> None:
    """A report from a colleague whose laptop clock runs three hours ahead, merged in by git."""
    document = report_doc("r-ahead", observed="2023-01-01", condition="destroyed", recorded_at=_ahead(3))
    write(layout.report_file(catalogue.root, "st-sargis", "r-ahead"), document)


def test_a_record_from_the_future_stops_no_reader(catalogue: Catalogue, tmp_path: Path, invoke: Invoke) -> None:
    _plant_future_report(catalogue)
    listed = invoke("list", catalogue=catalogue)
    assert listed.exit_code == 0 and "destroyed" in listed.output
    assert invoke("map", "-o", str(tmp_path / "m.html"), catalogue=catalogue).exit_code == 0
    assert "r-ahead" in _dossier(catalogue, "internal")
    assert invoke("history", "st-sargis", catalogue=catalogue).exit_code == 0


def test_validate_reports_a_record_from_the_future_as_a_warning(catalogue: Catalogue) -> None:
    _plant_future_report(catalogue)
    result = validate_catalogue(Catalogue.open(catalogue.root))
    assert result.ok
    ahead = [p for p in result.warnings if p.code == "from-the-future"]
    assert [(p.file, p.record, p.field) for p in ahead] == [
        ("reports/st-sargis/r-ahead.json", "r-ahead", "recorded_at")
    ]


def test_the_future_warning_goes_once_the_clock_has_caught_up(catalogue: Catalogue) -> None:
    write(layout.report_file(catalogue.root, "st-sargis", "r-3"), report_doc("r-3", observed="2026-06-01"))
    early = validate_catalogue(Catalogue.open(catalogue.root), today=date(2026, 5, 1))
    assert [(p.code, p.field) for p in early.warnings] == [("from-the-future", "observed")]
    assert validate_catalogue(Catalogue.open(catalogue.root), today=date(2026, 7, 1)).problems == []


def test_a_new_record_from_the_future_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidInput, match="in the future"):
        add_report(catalogue, report_doc("r-new", recorded_at=_ahead(3)), "tester", as_recorded=True)


def test_as_recorded_refuses_a_time_ahead_of_now_even_within_the_skew(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidInput, match="in the future") as caught:
        add_report(catalogue, report_doc("r-new", recorded_at=_ahead(0.5)), "tester", as_recorded=True)
    assert caught.value.problem.field == "recorded_at"


def test_a_record_kept_as_recorded_is_marked_and_shown(catalogue: Catalogue, invoke: Invoke, tmp_path: Path) -> None:
    kept = add_report(catalogue, report_doc("r-kept", observed="2023-01-01"), "migrator", as_recorded=True)
    assert kept.recorded_by == "tester" and kept.recorded_at == datetime.fromisoformat(NOW)
    assert kept.migrated is not None and kept.migrated.by == "migrator"
    assert abs(kept.migrated.at - datetime.now(UTC)) < timedelta(minutes=5)
    assert "put in by migrator" in invoke("show", "st-sargis", catalogue=catalogue).output
    assert "put in by migrator" in invoke("history", "st-sargis", catalogue=catalogue).output
    assert "put in by migrator" in _dossier(catalogue, "internal")
    assert "migrator" not in _dossier(catalogue, "public")


def test_a_migration_mark_cannot_be_given(catalogue: Catalogue) -> None:
    forged = report_doc("r-forged", migrated={"at": NOW, "by": "someone else"})
    with pytest.raises(InvalidInput, match="migrated is set by heritage"):
        add_report(catalogue, forged, "tester", as_recorded=True)


def _review(review_id: str, recorded_at: str, status: str, supersedes: str | None = None) -> Review:
    return Review.model_validate(
        {
            "id": review_id,
            "allegation": "a-1",
            "status": status,
            "rationale": "why",
            "reviewer": "R",
            "recorded_at": recorded_at,
            "recorded_by": "tester",
        }
        | ({"supersedes": supersedes} if supersedes else {})
    )


def test_a_review_stamped_ahead_does_not_outrank_the_one_written_after_it(catalogue: Catalogue) -> None:
    # Written on a laptop whose clock runs 55 minutes ahead: still within the skew allowed.
    ahead = _review("v-ahead", _ahead(55 / 60), "under_review")
    catalogue.add_review(ahead)
    later = review_allegation(
        catalogue,
        "a-1",
        status="not_corroborated",
        aspect="damage",
        rationale="nothing found",
        reviewer="R",
        user="u",
        standard="reasonable grounds to believe",
    )
    assert later.supersedes == "v-ahead"
    reviews = list(catalogue.reviews("a-1"))
    assert [r.id for r in review_order(reviews)] == ["v-ahead", later.id]
    assert current_status(reviews) is AllegationStatus.not_corroborated


def test_reviews_without_links_keep_their_order_by_time() -> None:
    first = _review("v-b", "2024-01-01T00:00:00Z", "under_review")
    second = _review("v-a", "2024-02-01T00:00:00Z", "under_review")
    assert [r.id for r in review_order([second, first])] == ["v-b", "v-a"]


def test_two_reviews_superseding_one_are_reported(catalogue: Catalogue) -> None:
    folder = catalogue.root / "reviews" / "a-1"
    for review in (
        _review("v-1", NOW, "under_review"),
        _review("v-2", NOW, "under_review", supersedes="v-1"),
        _review("v-3", NOW, "under_review", supersedes="v-1"),
    ):
        catalogue.add_review(review)
    assert folder.is_dir()
    result = validate_catalogue(Catalogue.open(catalogue.root))
    assert [(p.code, p.record) for p in result.warnings] == [("competing-reviews", "v-3")]


def test_two_first_reviews_written_apart_compete(catalogue: Catalogue, invoke: Invoke) -> None:
    # Two laptops each reviewed the not-yet-reviewed a-1; git merged both, neither links the other.
    catalogue.add_review(_review("v-laptop-a", "2026-06-01T10:55:00Z", "under_review"))
    catalogue.add_review(_review("v-laptop-b", "2026-06-01T10:30:00Z", "under_review"))
    result = validate_catalogue(Catalogue.open(catalogue.root))
    assert result.ok
    [warning] = result.warnings
    assert (warning.code, warning.record) == ("competing-reviews", "v-laptop-b")
    assert "v-laptop-a, v-laptop-b" in warning.message
    shown = invoke("allegation", "show", "a-1", catalogue=catalogue).output
    assert "competing reviews v-laptop-a, v-laptop-b" in " ".join(shown.split())
    listed = json.loads(invoke("allegation", "list", "--json", catalogue=catalogue).output)
    assert listed[0]["competing_reviews"] == {"damage": ["v-laptop-a", "v-laptop-b"]}
    assert "damage reviews compete (v-laptop-a, v-laptop-b" in _dossier(catalogue, "public")


def test_a_later_review_linking_one_of_two_still_leaves_two_chains(catalogue: Catalogue) -> None:
    for review in (
        _review("v-1", NOW, "under_review"),
        _review("v-2", NOW, "under_review"),
        _review("v-3", NOW, "under_review", supersedes="v-1"),
    ):
        catalogue.add_review(review)
    [warning] = validate_catalogue(Catalogue.open(catalogue.root)).warnings
    assert (warning.code, warning.record) == ("competing-reviews", "v-3") and "v-2, v-3" in warning.message
    catalogue.add_review(_review("v-4", NOW, "under_review", supersedes="v-3"))
    assert validate_catalogue(Catalogue.open(catalogue.root)).warnings  # v-2 is still apart


def test_a_loop_of_reviews_is_an_error_that_stops_no_reader(catalogue: Catalogue, invoke: Invoke) -> None:
    catalogue.add_review(_review("v-1", NOW, "under_review", supersedes="v-2"))
    catalogue.add_review(_review("v-2", NOW, "under_review", supersedes="v-1"))
    result = validate_catalogue(Catalogue.open(catalogue.root))
    assert [(p.code, p.record) for p in result.errors] == [("supersession-loop", "v-1")]
    assert "v-1, v-2" in result.errors[0].message
    shown = invoke("allegation", "show", "a-1", catalogue=catalogue)
    assert shown.exit_code == 0 and "competing reviews v-1, v-2" in " ".join(shown.output.split())


def test_a_time_with_no_utc_instant_is_one_clear_error(catalogue: Catalogue, invoke: Invoke) -> None:
    # Year 1 at +05:00 is before the first UTC instant Python knows: ordering by it crashed every reader.
    document = report_doc("r-year-one", recorded_at="0001-01-01T00:00:00+05:00")
    write(layout.report_file(catalogue.root, "st-sargis", "r-year-one"), document)
    result = invoke("list", catalogue=catalogue)
    assert result.exit_code == 1 and result.output.startswith("error: reports/st-sargis/r-year-one.json")
    assert "out of range once converted to UTC" in result.output
    problems = validate_catalogue(Catalogue.open(catalogue.root)).errors
    assert [(p.code, p.record, p.field) for p in problems] == [("invalid-record", "r-year-one", "recorded_at")]


def test_reviews_are_ordered_by_instant_not_by_the_text_of_their_offsets() -> None:
    east = _review("v-east", "2024-01-01T10:00:00+04:00", "under_review")  # 06:00 UTC
    west = _review("v-west", "2024-01-01T07:00:00Z", "under_review")
    assert [r.id for r in review_order([west, east])] == ["v-east", "v-west"]


class _Evening(datetime):
    """21:30 UTC on 2 December 2026: already 3 December east of UTC+2:30."""

    @classmethod
    def now(cls, tz: object = None) -> _Evening:  # type: ignore[override]
        return cls(2026, 12, 2, 21, 30, tzinfo=UTC)


def _stop_clocks_at_evening(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every clock the write path reads: the validators' and the one that stamps a migration, so
    # that the test holds on any real date, not only on the evening it stands for.
    monkeypatch.setattr(base, "datetime", _Evening)
    monkeypatch.setattr(recording, "utc_now", lambda: _Evening.now(UTC))


def test_today_east_of_greenwich_is_not_the_future(catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    _stop_clocks_at_evening(monkeypatch)
    report = add_report(catalogue, report_doc("r-east", observed="2026-12-03", recorded_at=NOW), "t", as_recorded=True)
    assert str(report.observed) == "2026-12-03"
    with pytest.raises(InvalidInput, match="in the future"):
        add_report(catalogue, report_doc("r-later", observed="2026-12-04"), "t", as_recorded=True)


def test_no_output_is_dated_tomorrow(catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    # A date east of Greenwich is accepted, yet a dossier made at 21:30 UTC is as of the UTC day,
    # and the report dated "tomorrow" in UTC counts from that day on.
    _stop_clocks_at_evening(monkeypatch)
    document = report_doc("r-east", observed="2026-12-03", condition="destroyed", recorded_at=NOW)
    add_report(catalogue, document, "t", as_recorded=True)
    context = dossier_context(Catalogue.open(catalogue.root), "st-sargis")
    assert context["today"] == "2026-12-02"
    assert "Condition as of 2026-12-02" in render_dossier(context)
    assert context["current"] is not None and context["current"].id != "r-east"


def test_a_report_observed_after_today_is_not_the_condition_now(catalogue: Catalogue, invoke: Invoke) -> None:
    # Observed "tomorrow" by a laptop whose date runs ahead: read, warned about, not yet current.
    tomorrow = (base.latest_today() + timedelta(days=1)).isoformat()
    document = report_doc("r-tomorrow", observed=tomorrow, condition="intact")
    write(layout.report_file(catalogue.root, "st-sargis", "r-tomorrow"), document)
    listed = json.loads(invoke("list", "--json", catalogue=catalogue).output)
    shown = json.loads(invoke("show", "st-sargis", "--json", catalogue=catalogue).output)
    assert listed[0]["condition_report"] == shown["condition_report"] == "r-2"
    warnings = validate_catalogue(Catalogue.open(catalogue.root)).warnings
    assert [(p.code, p.record, p.field) for p in warnings] == [("from-the-future", "r-tomorrow", "observed")]


def test_a_photo_from_a_camera_whose_clock_runs_ahead_is_still_evidence(catalogue: Catalogue, tmp_path: Path) -> None:
    from PIL import Image

    photo = tmp_path / "ahead.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769).update({36867: "2999:01:01 10:00:00", 36881: "+04:00"})
    Image.new("RGB", (8, 8)).save(photo, "JPEG", exif=exif)
    record = add_evidence(catalogue, photo, "src-chw", recorded_by="t")
    assert record.captured_at is None and record.camera_time is not None
    assert record.camera_time.startswith("2999-01-01T10:00:00+04:00 (camera clock")


def test_a_chart_of_a_report_from_year_one_is_drawn(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.chart import condition_chart
    from heritage.history import site_history
    from heritage.models import ConditionReport

    ancient = ConditionReport.model_validate(report_doc("r-old", observed="../0001-01-01"))
    path = condition_chart("Old", site_history([ancient, catalogue.find_report("r-1")]), tmp_path / "c.svg")
    assert path.read_bytes().startswith(b"<?xml")


def test_the_maps_review_trail_dates_a_review_by_its_utc_day(catalogue: Catalogue) -> None:
    from heritage.mapdata import build_payload, day_number, load_map_input

    catalogue.add_review(_review("v-evening", "2024-01-01T23:30:00-05:00", "under_review"))  # 2 January in UTC
    payload = build_payload(load_map_input(catalogue), date(2026, 1, 1))
    trail = payload["sites"]["alg"][0][0][7]
    assert trail == [[day_number(date(2024, 1, 2)), trail[0][1], 0]]


def test_history_and_show_print_times_in_utc_as_they_say(catalogue: Catalogue, invoke: Invoke) -> None:
    document = report_doc("r-east", observed="2023-01-01", recorded_at="2025-01-01T10:00:00+04:00")
    write(layout.report_file(catalogue.root, "st-sargis", "r-east"), document)
    for command in ("history", "show"):
        printed = "".join(invoke(command, "st-sargis", catalogue=catalogue).output.split())  # tables fold
        assert "2025-01-0106:00UTC" in printed and "10:00UTC" not in printed

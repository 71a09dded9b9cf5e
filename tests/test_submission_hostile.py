"""Submissions as a hostile file or a tired field team brings them: files nested to exhaust the
stack, zips that unpack a thousandfold, tables too large to hold, two copies of one form that
disagree, a form imported before and changed since, another form's instances in the same folder,
photos cut short or empty, a position never taken. Each is refused with a word, or passed over
with one, and nothing is half-written."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest

from conftest import Invoke, snapshot
from fieldvisits import UUID, collect_folder, jpeg, submission
from heritage.errors import InvalidInput
from heritage.store import Catalogue
from heritage.submissions import Photo, Submission, intake, tabular
from heritage.submissions.intake import IntakeOptions, SubmissionsRefused, import_from, import_submissions
from heritage.submissions.readers import read_submissions

OPTIONS = IntakeOptions(recorded_by="analyst")
UUID2 = "5d6e7f80-1a2b-4c3d-8e9f-a0b1c2d3e4f5"


def _instance(phone: Path) -> Path:
    return next((phone / "instances").glob("*/*.xml"))


def _refused(catalogue: Catalogue, batch: list[Submission]) -> list[tuple[str | None, str | None, str]]:
    before = snapshot(catalogue.root)
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, batch, OPTIONS)
    assert snapshot(catalogue.root) == before
    return [(g.field, g.value, g.message) for g in refused.value.groups]


def test_answers_nested_past_any_form_are_refused_not_a_crash(tmp_path: Path) -> None:
    phone = collect_folder(tmp_path / "phone", [submission()])
    xml = _instance(phone)
    xml.write_text(xml.read_text().replace("<notes>", "<x>" + "<a>" * 5000 + "</a>" * 5000 + "</x><notes>"))
    with pytest.raises(InvalidInput) as refused:  # was a RecursionError and its traceback
        read_submissions(phone, tmp_path / "scratch")
    assert "nests its answers more than 16 levels deep" in str(refused.value)
    assert refused.value.problem.record == f"uuid:{UUID}" and refused.value.problem.field == "x"


def test_two_copies_of_one_form_that_disagree_are_refused(catalogue: Catalogue) -> None:
    edited = submission(condition="destroyed", damage_extent="91-100%")
    problems = _refused(catalogue, [submission(), edited])
    assert problems == [
        (
            "meta/instanceID",
            f"uuid:{UUID}",
            f"has the instanceID of {submission().where}, but other answers (condition, damage_extent)",
        )
    ]
    same = import_submissions(catalogue, [submission(), submission()], OPTIONS)  # a copy copied twice is fine
    assert (len(same.reports), same.repeated) == (1, 1)


def test_a_form_imported_before_and_changed_since_is_said(catalogue: Catalogue) -> None:
    import_submissions(catalogue, [submission()], OPTIONS)
    again = import_submissions(catalogue, [submission()], OPTIONS)
    assert (again.already, again.notices) == ([f"fv-{UUID}"], [])

    changed = submission(condition="intact", damage_extent=None, damage_effects=None, damage_causes=None)
    before = snapshot(catalogue.root)
    result = import_submissions(catalogue, [changed], OPTIONS)
    assert snapshot(catalogue.root) == before and result.already == [f"fv-{UUID}"]
    assert result.notices == [
        f"{changed.where}: its instanceID was imported before as report fv-{UUID}, whose answers differ "
        "(condition, damage_extent, damage_effects, damage_causes): it is not imported again; if these answers "
        f"are the right ones, record them with heritage report correct fv-{UUID}"
    ]


def test_another_forms_instances_on_the_phone_are_passed_over_with_a_word(catalogue: Catalogue, tmp_path: Path) -> None:
    phone = collect_folder(tmp_path / "phone", [submission(), submission(UUID2)])
    other = sorted((phone / "instances").glob("*/*.xml"))[1]
    other.write_text(
        f'<?xml version="1.0"?><household id="household_survey" version="3"><members>4</members>'
        f"<meta><instanceID>uuid:{UUID2}</instanceID></meta></household>"
    )
    result = import_from(catalogue, phone, OPTIONS)
    assert result.reports == [f"fv-{UUID}"]
    shown = other.relative_to(tmp_path).as_posix()
    assert result.notices == [
        f"{shown}: skipped: an instance of the form 'household_survey', not of 'heritage_condition'"
    ]

    # KoboToolbox deploys a form under an id of its own: an instance holding our questions is ours.
    ours = submission(UUID2)
    ours.form_id = "aB3dEfGh7iJkLmNoPqRs"
    assert import_submissions(catalogue, [ours], OPTIONS).reports == [f"fv-{UUID2}"]


@pytest.mark.parametrize(
    ("name", "cut", "message"),
    [
        ("empty.jpg", 0, "is empty (0 bytes)"),
        ("short.jpg", 300, "is a damaged or incomplete image"),
        ("text.jpg", None, "is not the image its name says: its bytes are no JPEG or PNG"),
    ],
)
def test_a_photo_cut_short_empty_or_not_an_image_is_refused(
    catalogue: Catalogue, tmp_path: Path, name: str, cut: int | None, message: str
) -> None:
    path = jpeg(tmp_path / name)
    path.write_bytes(path.read_bytes()[:cut] if cut is not None else b"IMG_0001 could not be saved")
    problems = _refused(catalogue, [submission(photos=[Photo(name, path)])])
    assert [(field, value) for field, value, _ in problems] == [("photo", name)]
    assert problems[0][2].startswith(message)


def test_a_photo_of_a_kind_not_known_is_stored_as_it_is(catalogue: Catalogue, tmp_path: Path) -> None:
    heic = tmp_path / "1732091000.heic"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))
    assert import_submissions(catalogue, [submission(photos=[Photo(heic.name, heic)])], OPTIONS).photos == 1


@pytest.mark.parametrize("question", ["position", "new_site_position"])
def test_a_position_at_zero_zero_is_refused(catalogue: Catalogue, question: str) -> None:
    given = {question: "0 0 0 0"}
    if question == "new_site_position":
        given |= {"site": "_not_listed", "new_site_name": "Kanach Zham"}
    problems = _refused(catalogue, [submission(**given)])
    assert [(field, value) for field, value, _ in problems] == [(question, "0 0 0 0")]
    assert "position never taken" in problems[0][2]


def test_a_table_too_large_to_hold_is_refused_but_a_large_zip_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_TEXT", 4096)
    table = tmp_path / "export.csv"
    table.write_text("SubmissionDate,KEY\n" + "2026-11-20T10:00:00Z,uuid:x\n" * 400)
    with pytest.raises(InvalidInput, match="more than the 0 MiB an export's table or a filled form can be"):
        read_submissions(table, tmp_path / "scratch")

    # A zip is looked at by its first bytes, never read whole: its photos may be gigabytes.
    photo = jpeg(tmp_path / "camera" / "p.jpg")
    phone = collect_folder(tmp_path / "phone", [submission(photos=[Photo("p.jpg", photo)])])
    (next((phone / "instances").iterdir()) / "p.jpg").write_bytes(photo.read_bytes() + bytes(8192))
    bundle = tmp_path / "phone.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(phone.rglob("*")):
            archive.write(path, path.relative_to(phone).as_posix())
    assert bundle.stat().st_size > 4096
    assert [s.instance_id for s in read_submissions(bundle, tmp_path / "scratch")] == [f"uuid:{UUID}"]


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "BOMB_SIZE", 1024**2)
    bundle = tmp_path / "export.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.csv", bytes(4 * 1024**2))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(InvalidInput, match=r"holds 'export.csv', which unpacks to 4 MiB from \d+ KiB"):
        read_submissions(bundle, scratch)
    assert list(scratch.iterdir()) == []


def test_photos_are_staged_from_their_files_and_a_change_meanwhile_writes_nothing(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = jpeg(tmp_path / "p.jpg")
    decide = intake._decide

    def then_changed(*args: object) -> list[tuple[Path, bytes | Path]]:
        files = decide(*args)  # type: ignore[arg-type]
        # The batch holds the photo's file, not its bytes: a mission's photos are never all in memory.
        assert [data for _, data in files if isinstance(data, Path)] == [photo]
        jpeg(photo, shade=90)
        return files

    monkeypatch.setattr(intake, "_decide", then_changed)
    before = snapshot(catalogue.root)
    with pytest.raises(InvalidInput, match="changed while it was being imported; nothing was written"):
        import_submissions(catalogue, [submission(photos=[Photo("p.jpg", photo)])], OPTIONS)
    assert snapshot(catalogue.root) == before


def test_answers_given_but_not_recorded_are_said(catalogue: Catalogue) -> None:
    customised = submission(visit_time="10:15", weather="rain, then fog", witness="")
    result = import_submissions(catalogue, [customised], OPTIONS)
    assert result.reports == [f"fv-{UUID}"]
    assert result.notices == [
        f"{customised.where}: visit_time '10:15' has no UTC offset, which ODK always writes: left out, not guessed",
        f"{customised.where}: answers to questions not on heritage's form are left out: weather",
    ]


def test_the_metadata_a_phone_fills_by_itself_is_no_answer_left_out(catalogue: Catalogue) -> None:
    # ODK Collect fills the form's start, end and deviceid in every instance: no word about them.
    filled = submission(
        start="2026-11-20T10:01:12.345+04:00", end="2026-11-20T10:19:40.002+04:00", deviceid="collect:Xy12AbCd"
    )
    result = import_submissions(catalogue, [filled], OPTIONS)
    assert result.reports == [f"fv-{UUID}"] and result.notices == []


def test_the_command_says_what_it_passed_over(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    phone = collect_folder(tmp_path / "phone", [submission(), submission(UUID2)])
    other = sorted((phone / "instances").glob("*/*.xml"))[1]
    other.write_text(f'<household id="household_survey"><meta><instanceID>uuid:{UUID2}</instanceID></meta></household>')
    result = invoke("import", "submissions", str(phone), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    assert "skipped: an instance of the form 'household_survey', not of 'heritage_condition'" in result.output
    assert "imported 1 submission(s): 1 new, 0 already in the catalogue" in result.output


def test_a_file_name_is_shown_never_obeyed(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    phone = collect_folder(tmp_path / "phone", [submission()])
    folder = next((phone / "instances").iterdir())
    hostile = folder.rename(folder.with_name("x\x1b[2J\nerror: all is well\u202e"))
    next(hostile.glob("*.xml")).write_text("<data>")
    result = invoke("import", "submissions", str(phone), catalogue=catalogue)
    assert result.exit_code != 0
    assert result.output.splitlines() == [
        "error: phone/instances/x\\x1b[2J\\nerror: all is well\\u202e/heritage_condition_2026-11-20_10-00-00.xml: "
        "is not well-formed XML (line 1, column 7)"
    ]


def test_an_instances_folder_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    elsewhere = collect_folder(tmp_path / "elsewhere", [submission()])
    phone = tmp_path / "phone"
    phone.mkdir()
    (phone / "instances").symlink_to(elsewhere / "instances")
    with pytest.raises(InvalidInput, match="holds no instance XML"):
        read_submissions(phone, tmp_path / "scratch")


def test_a_workbook_that_is_a_zip_bomb_is_refused_before_it_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import Workbook

    monkeypatch.setattr(tabular, "BOMB_SIZE", 1024**2)
    book = Workbook()
    book.active.append(["_uuid", "_submission_time"])
    export = tmp_path / "export.xlsx"
    book.save(export)
    with zipfile.ZipFile(export, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(4 * 1024**2))
    with pytest.raises(InvalidInput, match=r"holds 'xl/media/padding.bin', which unpacks to 4 MiB"):
        read_submissions(export, tmp_path / "scratch")


def test_a_new_site_named_in_arabic_is_one_site_across_batches(catalogue: Catalogue) -> None:
    new = {
        "site": "_not_listed",
        "new_site_name": "كنيسة القديس جاورجيوس",
        "new_site_position": "39.7581 46.7514 1420 7",
    }
    first = import_submissions(catalogue, [submission(**new)], OPTIONS)
    assert len(first.sites) == 1 and first.sites[0].startswith("site-")
    problems = _refused(catalogue, [submission(UUID2, **new)])  # Tuesday's visit to the same new site
    assert [(field, message.split(",")[0]) for field, _, message in problems] == [
        ("new_site_name", f"makes the site id {first.sites[0]!r}")
    ]


def test_a_draft_left_on_the_phone_is_named_with_the_way_out(catalogue: Catalogue) -> None:
    draft = submission(condition="", certainty="", observer="")  # saved, not finalised: the rest still empty
    problems = _refused(catalogue, [draft])
    assert [field for field, _, _ in problems] == ["condition", "certainty", "observer"]
    with pytest.raises(SubmissionsRefused) as refused:
        import_submissions(catalogue, [draft], OPTIONS)
    assert all(
        "finalise it in Collect and copy it again, or leave its folder out" in (g.fix or "")
        for g in refused.value.groups
    )


def test_a_photo_of_many_megapixels_is_read_without_a_word_on_the_terminal(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    # 16 x 16 pixels stand for a 108-megapixel phone photo: past Pillow's warning limit, under its error.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 200)
    photo = jpeg(tmp_path / "big.jpg", taken="2026:11:19 17:02:44")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the library never prints, not even through Python's warnings
        result = import_submissions(catalogue, [submission(photos=[Photo("big.jpg", photo)])], OPTIONS)
    assert [warning.code for _, _, warning in result.warnings] == ["photo-other-day"]  # its EXIF was read


@pytest.mark.parametrize("day", ["1970-01-01", "1900-01-01", "0001-01-01"])
def test_a_visit_date_from_an_unset_phone_clock_is_refused(catalogue: Catalogue, day: str) -> None:
    problems = _refused(catalogue, [submission(visit_date=day)])
    assert [(field, value) for field, value, _ in problems] == [("visit_date", day)]
    assert problems[0][2].startswith("is before 2000, a date a phone whose clock was never set gives")


def test_an_empty_zip_is_called_one(tmp_path: Path) -> None:
    empty = tmp_path / "export.zip"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(InvalidInput, match="is an empty zip: the download did not finish, or nothing was exported"):
        read_submissions(empty, tmp_path / "scratch")

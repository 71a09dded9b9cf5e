"""The readers of field submissions: ODK Collect's instance folders, ODK Central's CSV-with-media
zip and KoboToolbox's XLSX/CSV exports, on real examples from ODK's own repositories
(tests/data/submissions/real) and on our own forms in each exact shape (tests/data/submissions/ours,
made by build_fixtures.py beside them)."""

from __future__ import annotations

import io
import runpy
import shutil
import stat
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook

from heritage.errors import InvalidInput
from heritage.submissions import Submission
from heritage.submissions.kobo import answers as kobo_answers
from heritage.submissions.readers import read_submissions

DATA = Path(__file__).parent / "data" / "submissions"
OURS, REAL = DATA / "ours", DATA / "real"
BUILT = runpy.run_path(str(DATA / "build_fixtures.py"), run_name="fixtures")
EXPECTED = BUILT["SUBMISSIONS"]
COLLECT = OURS / "collect" / "instances"


@pytest.fixture
def read(tmp_path: Path):
    def run(path: Path, media: Path | None = None) -> list[Submission]:
        scratch = tmp_path / f"scratch{len(list(tmp_path.glob('scratch*')))}"
        scratch.mkdir()
        return read_submissions(path, scratch, media)

    return run


def check_ours(found: list[Submission], via: str) -> None:
    """Every answer of our three submissions as the XForm instance writes it, and their photos."""
    assert [s.instance_id for s in found] == [e["instanceID"] for e in EXPECTED]
    for submission, expected in zip(found, EXPECTED, strict=True):
        assert submission.via == via
        assert submission.answers == expected["answers"]
        assert [(p.name, p.caption) for p in submission.photos] == [(n, c) for n, c, _ in expected["photos"]]
        for photo in submission.photos:
            folder = COLLECT / expected["folder"]
            assert photo.path is not None and photo.path.read_bytes() == (folder / photo.name).read_bytes()


# ODK Collect ------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", [OURS / "collect", COLLECT], ids=["parent-of-instances", "instances"])
def test_collect_folder_read_whole(read, given: Path) -> None:
    found = read(given)
    check_ours(found, "odk_collect")
    first, edited, unlisted = found
    assert first.form_id == "heritage_condition" and first.form_version == "2026050101"
    assert first.where.endswith(
        "instances/heritage_condition_2026-05-01_10-15-00/heritage_condition_2026-05-01_10-15-00.xml"
    )
    assert first.answers["damage_effects"].split() == ["collapse", "surface_loss"]
    assert edited.replaces == "uuid:a18e6b50-2e9d-4f1a-8b7c-6d5e4f3a2b1c" and not first.replaces
    assert unlisted.answers["site"] == "_not_listed"
    assert first.submitted_at is None  # a phone's own copy was never received by a server


def test_collect_one_instance_folder_or_file(read) -> None:
    folder = COLLECT / EXPECTED[0]["folder"]
    by_folder = read(folder)
    by_file = read(folder / f"{EXPECTED[0]['folder']}.xml")
    assert [s.answers for s in by_folder] == [s.answers for s in by_file] == [EXPECTED[0]["answers"]]
    assert len(by_file[0].photos) == 2 and all(p.path for p in by_file[0].photos)


def test_collect_photo_not_beside_the_instance_has_no_path(read, tmp_path: Path) -> None:
    folder = tmp_path / "instances" / EXPECTED[0]["folder"]
    shutil.copytree(COLLECT / EXPECTED[0]["folder"], folder)
    (folder / "1777630534567.jpg").unlink()
    [submission] = read(folder)
    assert [p.path is not None for p in submission.photos] == [True, False]


def test_real_briefcase_instances_every_answer(read) -> None:
    [all_types] = read(REAL / "briefcase" / "all-data-types-submission.xml")
    assert all_types.instance_id == "uuid:39f3dd36-161e-45cb-a1a4-395831d253a7"
    assert all_types.form_id == "all-data-types"
    assert all_types.submitted_at == datetime(2018, 4, 26, 8, 58, 20, 525000, tzinfo=UTC)
    assert all_types.answers["some_geopoint"] == "43.3149254 -1.9869671 71.80000305175781 15.478"
    assert all_types.answers["some_time"] == "08:56:00.000Z"
    assert set(all_types.answers) == {
        "some_string", "some_int", "some_decimal", "some_date", "some_time", "some_date_time",
        "some_geopoint", "some_geotrace", "some_geoshape", "some_barcode",
    }  # fmt: skip
    [media] = read(REAL / "briefcase" / "media-files-submission.xml")
    assert media.answers == {"image": "1524644764247.jpg"}
    assert media.submitted_at == datetime(2018, 4, 18, 9, 34, 28, 849000, tzinfo=timezone(timedelta(hours=2)))
    [nested] = read(REAL / "briefcase" / "nested-repeats-submission.xml")
    assert nested.form_version == "2018012404"
    assert nested.answers["g1[1]/g2[1]/g3/t3"] == "some text 1.1.1"
    assert nested.answers["g1[3]/g2/g3[4]/t3"] == "some text 3.1.4"
    assert len(nested.answers) == 12


def test_real_collect_draft_without_instance_id_is_refused(read) -> None:
    with pytest.raises(InvalidInput, match=r"no meta/instanceID.*finalise it") as caught:
        read(REAL / "collect")
    assert "One Question_2021-06-22_15-55-50.xml" in str(caught.value)


def test_encrypted_instances_are_refused_with_the_way_out(read, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Briefcase and the form's private key"):
        read(REAL / "briefcase" / "encrypted-form-media-submission.xml")
    folder = tmp_path / "instances" / "enc_2026-05-01_10-00-00"
    folder.mkdir(parents=True)
    (folder / "submission.xml.enc").write_bytes(b"\x00\x01")
    (folder / "1526413928119.jpg.enc").write_bytes(b"\x00\x01")
    with pytest.raises(InvalidInput, match="encrypted"):
        read(tmp_path / "instances")
    with pytest.raises(InvalidInput, match="encrypted"):
        read(folder / "submission.xml.enc")


def test_a_blank_form_is_not_a_filled_one(read, tmp_path: Path) -> None:
    form = tmp_path / "form.xml"
    form.write_text('<h:html xmlns:h="http://www.w3.org/1999/xhtml"><h:head/></h:html>')
    with pytest.raises(InvalidInput, match="blank form"):
        read(form)


# ODK Central ------------------------------------------------------------------------------------


def test_central_zip_of_our_form(read) -> None:
    found = read(OURS / "central" / "heritage_condition.zip")
    check_ours(found, "odk_central")
    first, edited, _ = found
    assert first.where == "heritage_condition.zip: heritage_condition.csv line 2"
    assert first.submitted_at == datetime(2026, 5, 3, 8, 12, 44, 120000, tzinfo=UTC)
    assert (first.submitted_by, first.device, first.form_id, first.form_version) == (
        "Team phone 1",
        "collect:Xq3dK2mPz8TbW1cA",
        "heritage_condition",
        "2026050101",
    )
    # Central keys an edited submission by its first version: that is what the edit replaces.
    assert edited.replaces == "uuid:a18e6b50-2e9d-4f1a-8b7c-6d5e4f3a2b1c"
    assert not first.replaces


def zip_of(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path


def central_members(edit=lambda text: text) -> dict[str, str | bytes]:
    with zipfile.ZipFile(OURS / "central" / "heritage_condition.zip") as bundle:
        members: dict[str, str | bytes] = {name: bundle.read(name) for name in bundle.namelist()}
    members["heritage_condition.csv"] = edit(members["heritage_condition.csv"].decode())  # type: ignore[union-attr]
    return members


def test_real_central_exports(read, tmp_path: Path) -> None:
    data = REAL / "central"
    [row] = read(
        zip_of(tmp_path / "all-data-types.zip", {"all-data-types.csv": (data / "all-data-types.csv").read_text()})
    )
    assert row.instance_id == "uuid:39f3dd36-161e-45cb-a1a4-395831d253a7" and row.form_id == "all-data-types"
    assert row.answers["some_geopoint"] == "43.3149254 -1.9869671 71.80000305175781 15.478"
    assert row.answers["some_barcode"] == "000049499094" and len(row.answers) == 10
    assert row.submitted_at == datetime(2018, 4, 26, 8, 58, 20, 525000, tzinfo=UTC)
    repeat = zip_of(
        tmp_path / "singlerepeat.zip",
        {name: (data / name).read_text() for name in ("singlerepeat.csv", "singlerepeat-child.csv")},
    )
    found = read(repeat)
    assert [(s.instance_id, s.answers, s.form_version) for s in found] == [
        ("one", {"name": "Alice", "age": "30"}, "version"),
        ("two", {"name": "Bob", "age": "34"}, "version"),
        ("three", {"name": "Chelsea", "age": "38"}, "version"),
    ]


def test_central_rejected_submissions_are_named_and_refused(read, tmp_path: Path) -> None:
    members = central_members(lambda text: text.replace(",,edited,", ",,rejected,"))
    with pytest.raises(InvalidInput, match=r"1 submission\(s\) were marked rejected.*line 4.*review state"):
        read(zip_of(tmp_path / "heritage_condition.zip", members))


def test_central_undecrypted_submission_is_refused(read, tmp_path: Path) -> None:
    members = central_members(lambda text: text.replace(",2,2,,,", ",2,2,not decrypted,,"))
    with pytest.raises(InvalidInput, match="passphrase"):
        read(zip_of(tmp_path / "heritage_condition.zip", members))


def test_central_missing_attachment_has_no_path(read, tmp_path: Path) -> None:
    members = central_members()
    del members["media/1777630534567.jpg"]
    first = read(zip_of(tmp_path / "heritage_condition.zip", members))[0]
    assert [(p.name, p.path is None) for p in first.photos] == [
        ("1777630512345.jpg", False),
        ("1777630534567.jpg", True),
    ]


def test_central_plain_csv_of_our_form_points_to_the_zip(read, tmp_path: Path) -> None:
    plain = tmp_path / "heritage_condition.csv"
    plain.write_bytes(central_members()["heritage_condition.csv"].encode())  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match=r"CSV with media, a \.zip"):
        read(plain)


def test_central_csv_without_instance_id_column(read, tmp_path: Path) -> None:
    members = central_members(lambda text: text.replace("meta-instanceID", "meta-other"))
    with pytest.raises(InvalidInput, match="no meta-instanceID column"):
        read(zip_of(tmp_path / "heritage_condition.zip", members))


# KoboToolbox ------------------------------------------------------------------------------------


def test_kobo_xlsx_with_media_zip(read) -> None:
    found = read(OURS / "kobo" / "heritage_condition.xlsx", OURS / "kobo" / "media.zip")
    check_ours(found, "kobotoolbox")
    first = found[0]
    assert first.where == "heritage_condition.xlsx, sheet Heritage condition row 2"
    assert first.submitted_at == datetime(2026, 5, 3, 8, 12, 44, tzinfo=UTC)
    assert (first.submitted_by, first.form_version) == ("fieldteam", "vQk2dL9mRt7sXy3ZbN4cWp")
    # The server renamed two of the files; the answers keep the phone's names.
    assert [p.path.name for s in found for p in s.photos if p.path] == [
        "1777630512345.jpg",
        "1777630534567_Qm3xT8a.jpg",
        "site_photo_1.jpg",
    ]


def test_kobo_media_as_a_folder_or_absent(read, tmp_path: Path) -> None:
    with zipfile.ZipFile(OURS / "kobo" / "media.zip") as bundle:
        bundle.extractall(tmp_path / "media")
    found = read(OURS / "kobo" / "heritage_condition.xlsx", tmp_path / "media")
    check_ours(found, "kobotoolbox")
    without = read(OURS / "kobo" / "heritage_condition.xlsx")
    assert [p.path for s in without for p in s.photos] == [None, None, None]


def test_kobo_csv_of_our_form_points_to_xlsx(read) -> None:
    with pytest.raises(InvalidInput, match=r"leaves out repeat groups.*XLS"):
        read(OURS / "kobo" / "heritage_condition.csv")


def test_kobo_labels_export_is_refused_naming_the_option(read) -> None:
    with pytest.raises(InvalidInput, match='"XML values and headers"') as caught:
        read(OURS / "kobo" / "labels-export.csv")
    assert "Which parts of the building stand?" in str(caught.value)


def test_kobo_csv_in_xml_values(read, tmp_path: Path) -> None:
    # The labels export made with XML names as headers, as "XML values and headers" writes them.
    text = (OURS / "kobo" / "labels-export.csv").read_text()
    for label, _tag, name in sorted(BUILT["LABELLED"], key=lambda column: -len(column[0])):
        text = text.replace(f'"{label}"', f'"{name}"')
    export = tmp_path / "export.csv"
    export.write_text(text)
    first, second = read(export)
    assert first.instance_id == "uuid:6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"
    assert first.submitted_at == datetime(2025, 4, 14, 4, 10, 3, tzinfo=UTC)
    assert first.answers == {
        "start": "2025-04-14T08:05:12.000+04:00",
        "end": "2025-04-14T08:09:47.000+04:00",
        "parts": "Nave Dome Belfry",
        "doors": "2",
        "roof": "Yes, and freshly patched",
        "inside": "No",
    }
    assert second.answers["parts"] == "Dome" and second.answers["doors"] == "0"
    assert second.where == "export.csv line 4"  # the HXL row under the header holds no submission


def test_kobo_xlsx_with_a_repeat_of_another_form(read, tmp_path: Path) -> None:
    # A form of our own with a repeat, in the sheets KoboToolbox's XLSX export writes: the main
    # sheet named after the form, one sheet per repeat pointing back to its submission.
    book = Workbook()
    main = book.active
    main.title = "Bell survey"
    uuid = "3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b"
    copied = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by"]
    main.append([*copied, "_tags", "_index"])
    main.append([4321, uuid, "2025-03-02T17:45:09", "", "", "submitted_via_web", "", "", 1])
    bell = book.create_sheet("bell")
    bell.append(["inscription", "weight_kg", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"])
    bell.append(["None legible", "120", 1, "Bell survey", 1, uuid])
    book.save(tmp_path / "export.xlsx")
    [submission] = read(tmp_path / "export.xlsx")
    assert submission.instance_id == f"uuid:{uuid}"
    assert submission.submitted_at == datetime(2025, 3, 2, 17, 45, 9, tzinfo=UTC)
    assert submission.answers == {} and submission.photos == []


def test_kobo_not_approved_is_named_and_refused(read, tmp_path: Path) -> None:
    text = (OURS / "kobo" / "heritage_condition.csv").read_bytes().decode("utf-8")
    header, *rows = text.split("\r\n")
    rows[0] = rows[0].replace('"";"";"submitted_via_web"', '"validation_status_not_approved";"";"submitted_via_web"', 1)
    columns = header.replace('"site";', '"place";')  # not our form, so that the CSV is read at all
    export = tmp_path / "export.csv"
    export.write_bytes("\r\n".join([columns, *rows]).encode("utf-8"))
    with pytest.raises(InvalidInput, match=r'1 submission\(s\) are marked "Not approved".*line 2'):
        read(export)


def test_kobo_choices_in_separate_columns_only() -> None:
    columns = ["damage_effects/collapse", "damage_effects/graffiti", "observer", "_uuid"]
    cells = {"damage_effects/collapse": "1", "damage_effects/graffiti": "1", "observer": "T", "_uuid": "x"}
    assert kobo_answers(columns, cells) == {"damage_effects": "collapse graffiti", "observer": "T"}


def test_kobo_header_without_instance_id(read, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text('"q";"_submission_time"\r\n"a";"2021-06-30T22:12:56"\r\n')
    with pytest.raises(InvalidInput, match="no _uuid or meta/instanceID column"):
        read(export)


# Hostile and broken input -----------------------------------------------------------------------

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<heritage_condition id="heritage_condition"><notes>&lol3;</notes></heritage_condition>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file://SECRET">]>
<heritage_condition id="heritage_condition"><notes>&secret;</notes></heritage_condition>"""


@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_dtds_and_entities_are_refused(read, tmp_path: Path, text: str) -> None:
    secret = tmp_path / "secret.txt"  # a file the entity names, beside the input: never read into it
    secret.write_text("not for the catalogue")
    instance = tmp_path / "x.xml"
    instance.write_text(text.replace("SECRET", secret.as_posix()))
    with pytest.raises(InvalidInput, match="DTD or entities"):
        read(instance)


def test_broken_xml_names_file_and_line(read, tmp_path: Path) -> None:
    instance = tmp_path / "x_2026.xml"
    instance.write_text('<heritage_condition id="heritage_condition">\n<site>amaras</sit>\n</heritage_condition>')
    with pytest.raises(InvalidInput, match=r"x_2026\.xml: is not well-formed XML \(line 2"):
        read(instance)


def test_photo_name_leaving_the_folder_is_refused(read, tmp_path: Path) -> None:
    folder = tmp_path / "instances" / "x_2026"
    folder.mkdir(parents=True)
    (tmp_path / "outside.jpg").write_bytes(b"a file the name reaches, outside the instance's folder")
    source = (COLLECT / EXPECTED[0]["folder"] / f"{EXPECTED[0]['folder']}.xml").read_text()
    (folder / "x_2026.xml").write_text(source.replace(">1777630512345.jpg<", ">../../outside.jpg<"))
    with pytest.raises(InvalidInput, match=r"photos\[1\]/photo.*not a plain file name"):
        read(tmp_path / "instances")


def test_photo_that_is_a_link_is_not_followed(read, tmp_path: Path) -> None:
    folder = tmp_path / "instances" / EXPECTED[0]["folder"]
    shutil.copytree(COLLECT / EXPECTED[0]["folder"], folder)
    (folder / "1777630512345.jpg").unlink()
    (tmp_path / "outside.jpg").write_bytes(b"a file the link reaches, outside the instance's folder")
    (folder / "1777630512345.jpg").symlink_to(tmp_path / "outside.jpg")
    [submission] = read(folder)
    assert submission.photos[0].path is None


@pytest.mark.parametrize("name", ["../escaped.csv", "ABSOLUTE/escaped.csv", "media/../../escaped.jpg", "C:evil.csv"])
def test_zip_member_escaping_the_scratch_folder_is_refused(read, tmp_path: Path, name: str) -> None:
    # An absolute name points into tmp_path, so that a reader that honoured it would write there.
    name = name.replace("ABSOLUTE", tmp_path.as_posix())
    members = central_members()
    members[name] = "x"
    with pytest.raises(InvalidInput, match="outside the folder"):
        read(zip_of(tmp_path / "heritage_condition.zip", members))
    assert not list(tmp_path.rglob("escaped.*")) and not list(tmp_path.glob("scratch*/export"))


def test_zip_link_member_and_twin_names_are_refused(read, tmp_path: Path) -> None:
    members = central_members()
    link = zipfile.ZipInfo("media/link.jpg")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        bundle.writestr(link, "../../outside.jpg")
    with pytest.raises(InvalidInput, match="as a link"):
        read(tmp_path / "link.zip")
    with zipfile.ZipFile(tmp_path / "twins.zip", "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        with pytest.warns(UserWarning):  # zipfile itself warns of a duplicate name
            bundle.writestr("media/1777630512345.jpg", b"other bytes")
    with pytest.raises(InvalidInput, match="two members named"):
        read(tmp_path / "twins.zip")


def test_formula_cells_are_plain_text(read) -> None:
    found = read(OURS / "central" / "heritage_condition.zip")
    assert '"=HYPERLINK(1)"' in found[0].answers["notes"]


def test_text_in_another_encoding_is_refused_with_its_line(read, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes('"q";"_uuid"\r\n"a";"x"\r\n"Café";"y"\r\n'.encode("cp1252"))
    with pytest.raises(InvalidInput, match=r"not UTF-8 text \(line 3"):
        read(export)
    export.write_bytes('"q";"_uuid"\r\n"Ամարաս";"x"\r\n'.encode("utf-16"))
    assert read(export)[0].answers == {"q": "Ամարաս"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "holds no instance XML"),
        (lambda p: p.write_text("name,lat,lon\nx,1,2\n"), "neither KoboToolbox's columns"),
        (lambda p: zip_of(p, {"notes.txt": "hello"}), "not ODK Central's export"),
        (lambda p: p.write_bytes(b"PK\x03\x04 broken"), "not a readable zip"),
    ],
    ids=["empty-folder", "other-csv", "other-zip", "broken-zip"],
)
def test_none_of_the_shapes(read, tmp_path: Path, make, message: str) -> None:
    target = tmp_path / "given"
    make(target)
    with pytest.raises(InvalidInput, match=message):
        read(target)


def test_xlsx_that_is_not_kobos(read, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["name", "lat"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(InvalidInput, match="not a KoboToolbox export"):
        read(tmp_path / "x.xlsx")


def test_media_zip_for_kobo_is_checked_too(read, tmp_path: Path) -> None:
    bad = zip_of(tmp_path / "media.zip", {"../evil.jpg": io.BytesIO(b"x").getvalue()})
    with pytest.raises(InvalidInput, match="outside the folder"):
        read(OURS / "kobo" / "heritage_condition.xlsx", bad)


def test_zip_of_collect_instances(read, tmp_path: Path) -> None:
    files = [p for p in COLLECT.rglob("*") if p.is_file()]
    members = {f"instances/{p.relative_to(COLLECT).as_posix()}": p.read_bytes() for p in files}
    found = read(zip_of(tmp_path / "phone.zip", members))
    check_ours(found, "odk_collect")
    assert found[0].where.startswith("phone.zip: instances/heritage_condition_2026-05-01_10-15-00/")


def test_xlsx_cells_saved_as_dates_and_numbers(read, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["visit_date", "count", "share", "_uuid"])
    book.active.append([datetime(2026, 5, 1), 3.0, 0.25, "x"])
    book.save(tmp_path / "export.xlsx")
    assert read(tmp_path / "export.xlsx")[0].answers == {"visit_date": "2026-05-01", "count": "3", "share": "0.25"}


def test_formula_starting_a_cell_is_kept_as_text(read, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text('"q";"_uuid"\r\n"=HYPERLINK(""http://example.org/x"",""open"")";"x"\r\n"@SUM(1)";"y"\r\n')
    first, second = read(export)
    assert first.answers == {"q": '=HYPERLINK("http://example.org/x","open")'}
    assert second.answers == {"q": "@SUM(1)"}


def test_instance_xml_in_another_encoding_names_the_line(read, tmp_path: Path) -> None:
    instance = tmp_path / "x_2026.xml"
    text = '<heritage_condition id="heritage_condition">\n<notes>Caf\xe9</notes>\n</heritage_condition>'
    instance.write_bytes(text.encode("latin-1"))
    with pytest.raises(InvalidInput, match=r"not well-formed XML \(line 2"):
        read(instance)


def test_kobo_comma_delimiter_and_dot_group_separator(read, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text('"grp.q","grp.sm","grp.sm.a","grp.sm.b","_uuid"\r\n"x, y","a","1","0","u1"\r\n')
    [submission] = read(export)
    assert submission.answers == {"grp.q": "x, y", "grp.sm": "a"}
    assert submission.instance_id == "uuid:u1"

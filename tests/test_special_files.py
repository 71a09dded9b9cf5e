"""Only regular files inside the catalogue count: a link, a pipe or a device is never opened by any
command, and `validate` and `verify` name it. A name that is not UTF-8 is a stray for every reader."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from conftest import Invoke, report_doc, write
from heritage import layout
from heritage.atomic import replace_file
from heritage.cli import ExitCode
from heritage.codec import decode, encode
from heritage.errors import InvalidInput
from heritage.integrity import build_manifest, compare_manifest, verify_catalogue
from heritage.models import ConditionReport
from heritage.store import Catalogue
from heritage.validate import validate_catalogue

PIPE = "reports/st-sargis/r-pipe.json"
ZERO = "sites/zero.geojson"
PIPED_EVIDENCE = f"evidence/ab/ab{'c' * 62}"


class Hung(Exception):
    pass


@pytest.fixture
def watchdog() -> Iterator[None]:
    """A command that waits on a pipe or reads /dev/zero never returns: fail it instead of the run."""

    def hung(signum: int, frame: FrameType | None) -> None:
        raise Hung("a command waited on a pipe or read a device")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_pipe_or_a_link_to_dev_zero_hangs_no_command(
    catalogue: Catalogue, tmp_path: Path, invoke: Invoke, watchdog: None
) -> None:
    before = tmp_path / "before.json"
    assert invoke("manifest", "-o", str(before), catalogue=catalogue).exit_code == 0
    root = catalogue.root
    os.mkfifo(root / PIPE)
    (root / ZERO).symlink_to("/dev/zero")
    (root / PIPED_EVIDENCE).parent.mkdir()
    os.mkfifo(root / PIPED_EVIDENCE)
    (root / layout.AREAS_FILE).symlink_to("/dev/zero")
    os.mkfifo(root / "reports" / "README.md")  # a name that may be there, but only as a regular file
    special = (PIPE, ZERO, PIPED_EVIDENCE, layout.AREAS_FILE, "reports/README.md")

    def run(*args: str) -> str:
        result = invoke(*args, catalogue=catalogue)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.output

    for args in (("validate",), ("verify",), ("verify", "--against", str(before))):
        output = run(*args)
        assert "NOT VERIFIED" in output or "INVALID" in output
        for path in special:
            assert f"special-file: {path}: is a " in output, (args, path)
    assert "not a regular file" in run("manifest", "-o", str(tmp_path / "after.json"))
    assert not (tmp_path / "after.json").exists()
    assert "St Sargis" in run("list")
    assert "r-2" in run("show", "st-sargis")
    assert "r-2" in run("history", "st-sargis")
    assert "wrote" in run("map", "-o", str(tmp_path / "map.html"))
    assert "wrote" in run("dossier", "st-sargis", "-o", str(tmp_path / "dossiers"))
    package = tmp_path / "package"
    assert "wrote" in run("mission", "export", "--name", "x", "--sites", "st-sargis", "--no-pdf", "-o", str(package))
    assert "internally consistent" in run("verify-package", str(package))


def test_a_record_replaced_by_a_link_to_a_copy_elsewhere_fails_verify(
    catalogue: Catalogue, tmp_path: Path, invoke: Invoke
) -> None:
    manifest = build_manifest(catalogue)
    record = layout.report_file(catalogue.root, "st-sargis", "r-2")
    outside = tmp_path / "outside.json"
    shutil.copy(record, outside)
    record.unlink()
    record.symlink_to(outside)  # the same bytes, sealed: it used to pass verify and verify --against
    result = verify_catalogue(catalogue)
    assert not result.ok
    assert [(p.code, p.file) for p in result.problems] == [("special-file", "reports/st-sargis/r-2.json")]
    assert compare_manifest(catalogue, manifest).removed == ["reports/st-sargis/r-2.json"]
    codes = {(p.code, p.file) for p in validate_catalogue(catalogue).errors}
    assert ("special-file", "reports/st-sargis/r-2.json") in codes
    assert [r.id for r in catalogue.reports()] == ["r-1"]  # no reader follows it
    assert "r-2" not in invoke("show", "st-sargis", catalogue=catalogue).output


def test_a_linked_site_folder_is_read_by_no_command_and_named_by_validate_and_verify(
    catalogue: Catalogue, tmp_path: Path, invoke: Invoke
) -> None:
    folder = layout.site_reports_folder(catalogue.root, "st-sargis")
    elsewhere = tmp_path / "elsewhere"
    folder.rename(elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    assert list(layout.record_files(catalogue.root)) == [
        p for p in layout.record_files(catalogue.root) if "reports" not in p.parts
    ]
    for problems in (verify_catalogue(catalogue).problems, validate_catalogue(catalogue).errors):
        assert ("special-file", "reports/st-sargis") in {(p.code, p.file) for p in problems}
    assert list(catalogue.reports("st-sargis")) == [] and list(catalogue.reports()) == []
    show = invoke("show", "st-sargis", catalogue=catalogue)
    assert show.exit_code == 0 and "r-1" not in show.output and "r-2" not in show.output
    listed = invoke("list", "--json", catalogue=catalogue)
    assert json.loads(listed.output)[0]["condition"] == "unknown"


def test_a_linked_kind_folder_is_not_read(catalogue: Catalogue, tmp_path: Path) -> None:
    reports = catalogue.root / layout.REPORTS
    reports.rename(tmp_path / "reports")
    reports.symlink_to(tmp_path / "reports", target_is_directory=True)
    assert list(catalogue.reports()) == [] and list(catalogue.reports("st-sargis")) == []
    assert ("special-file", "reports") in {(p.code, p.file) for p in verify_catalogue(catalogue).problems}
    assert ("special-file", "reports") in {(p.code, p.file) for p in validate_catalogue(catalogue).errors}


def test_a_name_that_is_not_utf8_is_a_stray_for_every_reader(catalogue: Catalogue, invoke: Invoke) -> None:
    folder = layout.site_reports_folder(catalogue.root, "st-sargis")
    name = os.fsdecode(b"r-\xff.json")
    report = decode(ConditionReport, json.dumps(report_doc("r-3", condition="severe_damage")).encode())
    (folder / name).write_bytes(encode(report))
    assert [r.id for r in catalogue.reports("st-sargis")] == ["r-1", "r-2"]
    strays = {p.file for p in validate_catalogue(catalogue).warnings if p.code == "stray-file"}
    assert strays == {"reports/st-sargis/r-\ufffd.json"}
    problems = verify_catalogue(catalogue).problems
    assert [p.code for p in problems] == ["unexpected"]  # not read as a renamed record
    show = invoke("show", "st-sargis", catalogue=catalogue)
    assert show.exit_code == 0 and "severe" not in show.output
    assert invoke("dossier", "st-sargis", catalogue=catalogue).exit_code == 0


def test_a_file_swapped_for_a_pipe_after_the_listing_is_refused_not_waited_on(
    catalogue: Catalogue, watchdog: None
) -> None:
    from heritage.errors import SpecialFile

    path = layout.report_file(catalogue.root, "st-sargis", "r-2")
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(SpecialFile, match="named pipe"):
        catalogue.read(ConditionReport, path)
    with pytest.raises(SpecialFile, match="named pipe"):
        layout.read_regular(path)


def test_a_folder_where_a_record_file_should_be_is_a_stray(catalogue: Catalogue) -> None:
    (layout.site_reports_folder(catalogue.root, "st-sargis") / "r-9.json").mkdir()
    assert [p.code for p in verify_catalogue(catalogue).problems] == ["unexpected"]
    strays = [p.file for p in validate_catalogue(catalogue).warnings if p.code == "stray-file"]
    assert strays == ["reports/st-sargis/r-9.json"]


def test_a_hard_link_is_a_regular_file_and_its_bytes_are_checked(catalogue: Catalogue, tmp_path: Path) -> None:
    # A hard link is the file itself (one inode, two names): it counts, and a change to it shows.
    path = layout.report_file(catalogue.root, "st-sargis", "r-2")
    twin = tmp_path / "twin.json"
    os.link(path, twin)
    assert verify_catalogue(catalogue).ok
    write(twin, {**json.loads(twin.read_text()), "condition": "intact"})  # written in place, through the other name
    assert [p.code for p in verify_catalogue(catalogue).problems] == ["modified"]


# -- outputs: they replace only a regular file --------------------------------------------------------

OUTPUTS = {
    "map": ["map", "-o", "{out}"],
    "manifest": ["manifest", "--force", "-o", "{out}"],
    "chart": ["history", "st-sargis", "--chart", "{out}.svg"],
    "package": ["mission", "export", "--name", "x", "--sites", "st-sargis", "--no-pdf", "-o", "{out}"],
    "zip": ["mission", "export", "--name", "x", "--sites", "st-sargis", "--no-pdf", "--zip", "-o", "{out}"],
}


@pytest.mark.parametrize("made", ["pipe", "link"])
@pytest.mark.parametrize("command", OUTPUTS.values(), ids=OUTPUTS.keys())
def test_an_output_never_replaces_a_link_or_a_pipe(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path, command: list[str], made: str
) -> None:
    """`heritage map -o /dev/null`, run as root, put a regular file in the device's place: an
    output was renamed over whatever was at its path. A pipe stands in for the device here."""
    args = [part.format(out=tmp_path / "out") for part in command]
    target = Path(f"{args[-1]}.zip" if "--zip" in args else args[-1])
    pointed = tmp_path / "elsewhere.txt"
    pointed.write_text("untouched")
    if made == "pipe":
        os.mkfifo(target)
    else:
        target.symlink_to(pointed)
    result = invoke(*args, catalogue=catalogue)
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    assert made == "link" or "is a named pipe: an output goes only to" in result.output  # click may see a link first
    assert target.is_fifo() if made == "pipe" else target.is_symlink()
    assert pointed.read_text() == "untouched"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["cat", "elsewhere.txt", target.name])


def test_a_dossier_never_replaces_a_pipe_in_its_folder(catalogue: Catalogue, invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "dossiers"
    folder.mkdir()
    os.mkfifo(folder / "st-sargis.html")
    result = invoke("dossier", "st-sargis", "-o", str(folder), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "is a named pipe" in result.output, result.output
    assert (folder / "st-sargis.html").is_fifo()
    assert [p.name for p in folder.iterdir()] == ["st-sargis.html"]


def test_an_output_folder_that_is_a_link_is_refused(catalogue: Catalogue, invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "dossiers").symlink_to(tmp_path / "real")
    result = invoke("dossier", "st-sargis", "-o", str(tmp_path / "dossiers"), catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "is a symbolic link" in result.output
    assert not any((tmp_path / "real").iterdir())


def test_a_link_or_pipe_put_there_after_the_check_is_refused_at_the_write(tmp_path: Path) -> None:
    """The library looks again as it writes: what appeared after the command's own check stays."""
    os.mkfifo(tmp_path / "pipe.html")
    (tmp_path / "link.html").symlink_to(tmp_path / "pipe.html")
    for name in ("pipe.html", "link.html"):
        with pytest.raises(InvalidInput, match="an output goes only to"):
            replace_file(tmp_path / name, b"<h1>map</h1>")
    assert (tmp_path / "pipe.html").is_fifo() and (tmp_path / "link.html").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "pipe.html"]
    replace_file(tmp_path / "new.html", b"new")
    replace_file(tmp_path / "new.html", b"newer")  # a regular file is replaced as before
    assert (tmp_path / "new.html").read_bytes() == b"newer"


@pytest.mark.parametrize(
    "command", [OUTPUTS[name] for name in ("map", "manifest", "chart")], ids=["map", "manifest", "chart"]
)
def test_a_file_output_ending_in_a_slash_is_refused(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path, command: list[str]
) -> None:
    """`map -o dir/` wrote a file named `dir`: a trailing slash names a folder, not a file."""
    args = [part.format(out=tmp_path / "out") for part in command]
    args[-1] = f"{tmp_path / 'out'}/"
    result = invoke(*args, catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID and "ends in '/'" in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat"]


# -- inputs named on the command line: only a regular file is read ------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["import", "sites", "{pipe}"],
        ["import", "reports", "{pipe}"],
        ["mission", "export", "--name", "x", "--area", "{pipe}", "--no-pdf", "-o", "{out}"],
    ],
    ids=["sites", "reports", "area"],
)
def test_an_input_that_is_a_pipe_is_refused_not_waited_on(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path, watchdog: None, command: list[str]
) -> None:
    """`import sites FIFO` (or /dev/zero) waited for ever: the file is looked at before it is read."""
    pipe = tmp_path / "rows.csv"
    os.mkfifo(pipe)
    result = invoke(*[part.format(pipe=pipe, out=tmp_path / "out") for part in command], catalogue=catalogue)
    assert result.exit_code == ExitCode.INVALID, result.output
    assert f"{pipe}: is a named pipe, not a regular file" in result.output
    assert not (tmp_path / "out").exists()

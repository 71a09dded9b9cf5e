"""verify-package: a zip is checked as `unzip` would write it, and nothing hides in it."""

from __future__ import annotations

import stat
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Invoke
from heritage.cli import ExitCode
from heritage.errors import InvalidInput
from heritage.mission import write_manifest
from heritage.package_check import verify_package

TOP = "p"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small package folder with its manifest, as `mission export` lays one out."""
    package = tmp_path / TOP
    (package / "dossiers").mkdir(parents=True)
    (package / "index.html").write_text("<h1>index</h1>")
    (package / "map.html").write_text("<h1>map</h1>")
    (package / "dossiers" / "kanach-zham.html").write_text("<h1>dossier</h1>")
    write_manifest(package, "test")
    return package


def zipped(
    folder: Path, target: Path, extra: Callable[[zipfile.ZipFile], None] | None = None, first: bool = False
) -> Path:
    """The package as `mission export --zip` writes it, with `extra` entries written before or after."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        if extra and first:
            extra(archive)
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, f"{TOP}/{path.relative_to(folder).as_posix()}")
        if extra and not first:
            extra(archive)
    return target


def refused(path: Path, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        verify_package(path)
    assert words in str(caught.value)


def test_the_package_as_exported_verifies(folder: Path, tmp_path: Path) -> None:
    assert verify_package(folder).ok
    assert verify_package(zipped(folder, tmp_path / "p.zip")).ok


def test_an_entry_outside_the_top_folder_that_collides_once_stripped_is_refused(folder: Path, tmp_path: Path) -> None:
    # Stripping 'p/' from every name used to turn 'index.html' into a second 'index.html'.
    archive = zipped(folder, tmp_path / "p.zip", lambda z: z.writestr("index.html", "<h1>EVIL</h1>"), first=True)
    refused(archive, "outside the package folder")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_folder_entry_that_shadows_a_listed_file_is_refused(folder: Path, tmp_path: Path) -> None:
    archive = zipped(folder, tmp_path / "p.zip", lambda z: z.writestr(f"{TOP}/map.html/", ""), first=True)
    refused(archive, "both as a file and as a folder")


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    ("name", "words"),
    [
        (f"{TOP}/index.html", "two entries with the same name"),
        (f"{TOP}/Index.html", "one file on many systems"),  # unzip on macOS or Windows writes one over the other
        (f"{TOP}/dossiers/../index.html", "'..'"),
        (f"{TOP}//index.html", "empty"),
        (f"{TOP}/./x.html", "'.'"),
        ("/etc/passwd", "outside the package folder"),
        (f"{TOP}/a\\b.html", "backslash"),
        (f"{TOP}/bell\x07.html", "control character"),
    ],
)
def test_entries_that_land_elsewhere_or_twice_are_refused(folder: Path, tmp_path: Path, name: str, words: str) -> None:
    archive = zipped(folder, tmp_path / "p.zip", lambda z: z.writestr(name, "<h1>EVIL</h1>"))
    refused(archive, words)


def test_a_name_with_a_nul_is_refused(folder: Path, tmp_path: Path) -> None:
    # The zip module cuts a name at a NUL ('p/evil' here), a trick to show one name and write another.
    archive = zipped(folder, tmp_path / "p.zip", lambda z: z.writestr(f"{TOP}/evilX.html", "x"))
    archive.write_bytes(archive.read_bytes().replace(b"evilX", b"evil\x00"))
    refused(archive, "control character")


def test_a_symbolic_link_entry_is_refused(folder: Path, tmp_path: Path) -> None:
    def link(archive: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(f"{TOP}/dossiers/link.html")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")

    refused(zipped(folder, tmp_path / "p.zip", link), "symbolic link")


def _set_flag(path: Path, name: str, bit: int) -> None:
    """Set a general-purpose flag bit of one entry, in its local and its central header."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    local = info.header_offset
    data[local + 6 : local + 8] = struct.pack("<H", struct.unpack("<H", data[local + 6 : local + 8])[0] | bit)
    central = data.index(b"PK\x01\x02")  # the first central header; then each in turn
    while True:
        length = struct.unpack("<H", data[central + 28 : central + 30])[0]
        if bytes(data[central + 46 : central + 46 + length]) == name.encode():
            break
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 8 : central + 10] = struct.pack("<H", struct.unpack("<H", data[central + 8 : central + 10])[0] | bit)
    path.write_bytes(bytes(data))


def test_an_encrypted_entry_is_one_clear_error(folder: Path, tmp_path: Path, invoke: Invoke) -> None:
    archive = zipped(folder, tmp_path / "p.zip")
    _set_flag(archive, f"{TOP}/map.html", 0x1)
    refused(archive, "encrypted")
    result = invoke("verify-package", str(archive))
    assert result.exit_code == ExitCode.INVALID and "encrypted" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_compression_unzip_may_not_read_is_one_clear_error(folder: Path, tmp_path: Path, method: int) -> None:
    def squeezed(archive: zipfile.ZipFile) -> None:
        archive.writestr(f"{TOP}/more.html", "x" * 100, compress_type=method)

    refused(zipped(folder, tmp_path / "p.zip", squeezed), f"method {method}")


def test_bytes_that_belong_to_no_entry_are_refused(folder: Path, tmp_path: Path) -> None:
    plain = zipped(folder, tmp_path / "p.zip").read_bytes()
    before = tmp_path / "before.zip"
    before.write_bytes(b"<html>hidden</html>" + plain)  # a zip reader finds the entries all the same
    refused(before, "belong to no entry")
    after = tmp_path / "after.zip"
    after.write_bytes(plain + b"hidden")
    refused(after, "after the end")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(plain[: len(plain) // 2])
    refused(cut, "cut short")
    commented = zipped(folder, tmp_path / "c.zip")
    with zipfile.ZipFile(commented, "a") as archive:
        archive.comment = b"hidden"
    refused(commented, "comment")


def test_an_unlisted_file_or_empty_folder_is_added(folder: Path, tmp_path: Path) -> None:
    archive = zipped(folder, tmp_path / "p.zip", lambda z: z.writestr(f"{TOP}/extra.html", "x"))
    assert verify_package(archive).added == ["extra.html"]
    empty = zipped(folder, tmp_path / "e.zip", lambda z: z.writestr(f"{TOP}/nothing/", ""))
    assert verify_package(empty).added == ["nothing/"]
    (folder / "nothing").mkdir()
    assert verify_package(folder).added == ["nothing/"]


def test_an_unlisted_folder_fails_verify_package_with_the_root(folder: Path, tmp_path: Path, invoke: Invoke) -> None:
    """A folder's name can carry any text (`p/data/THE-WITNESS-IS-.../`): the package with it must
    not verify, as a zip entry or as a folder on disk, even against the root printed at export."""
    root = verify_package(folder).root
    archive = zipped(folder, tmp_path / "p.zip", lambda z: z.writestr(f"{TOP}/dossiers/a-message/", ""))
    (folder / "a-message").mkdir()
    for package in (archive, folder):
        result = invoke("verify-package", str(package), "--root", root)
        assert result.exit_code == ExitCode.INVALID and "a-message/" in result.output, result.output


def test_a_folder_entry_spelled_unlike_the_folder_of_its_files_is_refused(folder: Path, tmp_path: Path) -> None:
    """`p/DOSSIERS/` beside `p/dossiers/kanach-zham.html`: one folder where case is ignored, and an
    extra, unlisted one where it is not."""
    archive = zipped(folder, tmp_path / "p.zip", lambda z: z.writestr(f"{TOP}/DOSSIERS/", ""))
    refused(archive, "holds folders 'DOSSIERS' and 'dossiers'")
    first = zipped(folder, tmp_path / "f.zip", lambda z: z.writestr(f"{TOP}/Dossiers/", ""), first=True)
    refused(first, "one folder on many systems")


def test_entries_are_hashed_in_constant_memory(folder: Path, tmp_path: Path) -> None:
    size = 32 << 20

    def large(archive: zipfile.ZipFile) -> None:
        with archive.open(f"{TOP}/large.bin", "w") as entry:
            for _ in range(size >> 20):
                entry.write(bytes(1 << 20))

    archive = zipped(folder, tmp_path / "p.zip", large)
    tracemalloc.start()
    try:
        assert verify_package(archive).added == ["large.bin"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < size / 4


def test_without_the_root_the_output_says_only_consistency_was_checked(
    folder: Path, tmp_path: Path, invoke: Invoke
) -> None:
    archive = zipped(folder, tmp_path / "p.zip")
    alone = invoke("verify-package", str(archive))
    assert alone.exit_code == 0 and "internally consistent only" in alone.output
    assert "package verified" not in alone.output
    root = verify_package(archive).root
    given = invoke("verify-package", str(archive), "--root", root)
    assert given.exit_code == 0 and "package verified" in given.output
    assert "internally consistent only" not in given.output


def test_a_special_file_in_a_package_folder_is_named_never_opened(folder: Path, tmp_path: Path) -> None:
    import os

    os.mkfifo(folder / "dossiers" / "pipe.html")
    refused(folder, "named pipe")
    (folder / "dossiers" / "pipe.html").unlink()
    (folder / "dossiers" / "zero.html").symlink_to("/dev/zero")
    refused(folder, "symbolic link")

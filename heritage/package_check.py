"""Checking a mission package (a folder, or the zip `mission export --zip` writes) against the
`manifest.json` inside it.

What is checked is what a person gets when they open the package: the folder's regular files, or
exactly what `unzip` would write. So a zip is refused, as one clear error, if anything in it could
make two readers see two different packages, or make `unzip` write something the manifest does
not vouch for:

- an entry outside the one top folder, or with a name that is absolute, holds `..`, `.`, an empty
  part, a backslash, a NUL or another control character, or is not marked as UTF-8 when it is not
  ASCII (unzip and other tools would read it in another code page);
- two entries that land on the same path (the same name twice, `index.html` beside `p/index.html`,
  names that differ only in case or Unicode normalisation, which one file system keeps apart and
  another writes over), a folder spelled two ways (`p/DATA/` beside `p/data/sites.csv`), or a
  folder entry where a file is listed (`p/map.html/`);
- a symbolic link, device or other special entry;
- an encrypted entry, or a compression other than stored and deflate;
- bytes that belong to no entry: before the first, between entries, a zip comment, or anything
  after the end of the archive (another archive can hide there).

Every remaining file entry must then be listed in the manifest with its SHA-256, and every listed
file must be there. Entries are hashed as they are read, a megabyte at a time.

A package of format 2 is also a BagIt bag (`heritage.bag`): its manifest lists every file but
itself and `tagmanifest-sha256.txt` (which lists the manifest), and the bag's own manifests must
agree with the files too. A package of format 1 (no bag, no bagit.txt listed) is checked as it
always was.
"""

from __future__ import annotations

import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heritage import bag, hashing, layout
from heritage.codec import loads
from heritage.errors import InvalidInput, SpecialFile

MANIFEST = "manifest.json"
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}  # what unzip reads everywhere
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_DESCRIPTOR_FLAG = 0x8
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # a local file header (APPNOTE 4.3.7)
_LOCAL_SIGNATURE = b"PK\x03\x04"
_END = struct.Struct("<4s4H2LH")  # the end of central directory record (APPNOTE 4.3.16)
_END_SIGNATURE = b"PK\x05\x06"


@dataclass
class PackageCheck:
    changed: list[str]
    missing: list[str]
    added: list[str]
    root_ok: bool
    root: str = ""
    bag: list[str] = field(default_factory=list)  # what disagrees with the BagIt manifests

    @property
    def ok(self) -> bool:
        return self.root_ok and not (self.changed or self.missing or self.added or self.bag)


def _unlisted(files: dict[str, str]) -> set[str]:
    """The files a manifest does not list: itself, and in a bag the tag manifest that lists it. A
    bag is told by its listed bagit.txt, which the root covers, not by `format`, which it does not:
    a package of format 1 with `format` changed may not carry an unchecked file by that name."""
    return {MANIFEST, bag.TAG_MANIFEST} if bag.DECLARATION in files else {MANIFEST}


def verify_package(path: Path) -> PackageCheck:
    """Compare a package (folder or zip) with its own manifest. A package edited and re-listed by
    whoever edited it agrees with itself: compare its root with the one printed at export."""
    if path.is_file() and zipfile.is_zipfile(path):
        manifest, every, tags = _read_zip(path)
    elif path.is_file():
        raise InvalidInput("is not a zip file, or one cut short or damaged: no package to check", file=path)
    elif path.is_dir():
        manifest, every, tags = _read_folder(path)
    else:
        raise InvalidInput("no package folder or zip file here", file=path)
    files: dict[str, str] = manifest["files"]
    actual = {name: digest for name, digest in every.items() if name not in _unlisted(files)}
    return PackageCheck(
        changed=sorted(p for p in set(files) & set(actual) if files[p] != actual[p]),
        missing=sorted(set(files) - set(actual)),
        added=sorted(set(actual) - set(files)),
        root_ok=hashing.root_hash(files) == manifest.get("root"),
        root=hashing.root_hash(files),
        bag=bag.check_bag(every, tags.get),
    )


_TAGS = (bag.DECLARATION, bag.PAYLOAD_MANIFEST, bag.TAG_MANIFEST)  # read whole for `bag.check_bag`
_TAG_LIMIT = 1 << 26  # read no more of a tag file: 64 MiB lists some 600,000 files


def _read_manifest(data: bytes, where: Path) -> dict[str, Any]:
    try:
        manifest = loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"its manifest.json cannot be read ({exc})", file=where) from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise InvalidInput("its manifest.json is not a heritage package manifest", file=where)
    checked: dict[str, Any] = manifest
    return checked


def _read_folder(path: Path) -> tuple[dict[str, Any], dict[str, str], dict[str, bytes]]:
    """The manifest, every file's SHA-256 and the bag's tag files that are there. Only regular
    files and real folders may be in it: a link, a pipe or a device is refused by name, never opened."""
    actual: dict[str, str] = {}
    folders = [path]
    while folders:
        folder = folders.pop()
        entries = list(os.scandir(folder))
        if not entries and folder != path:  # unzip would make it too; the manifest lists files only
            actual[f"{folder.relative_to(path).as_posix()}/"] = ""
        for entry in entries:
            full = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                folders.append(full)
            elif not entry.is_file(follow_symlinks=False):
                what = layout.special(full) or "not a regular file"
                raise InvalidInput(f"holds {what} ({entry.name}): a package must hold its own files", file=full)
            else:
                try:
                    with layout.open_regular(full) as handle:
                        actual[full.relative_to(path).as_posix()] = hashing.stream_digest(handle)[0]
                except SpecialFile as error:  # swapped in since the listing
                    raise InvalidInput(f"holds {error.what}: a package must hold its own files", file=full) from None
    if MANIFEST not in actual:
        raise InvalidInput("holds no manifest.json: not a heritage mission package", file=path)
    tags = {}
    for name in (MANIFEST, *_TAGS):
        if name in actual:
            with layout.open_regular(path / name) as handle:
                tags[name] = handle.read(_TAG_LIMIT)
    return _read_manifest(tags.pop(MANIFEST), path), actual, tags


def _read_zip(path: Path) -> tuple[dict[str, Any], dict[str, str], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _whole(path, archive, infos)
            prefix = _top(path, infos)
            files: dict[str, zipfile.ZipInfo] = {}
            for info in infos:
                _entry_is_plain(path, info)
                if not info.is_dir():
                    files[info.filename.removeprefix(prefix)] = info
            empty = _no_collisions(path, infos, prefix)
            if MANIFEST not in files:
                raise InvalidInput("holds no manifest.json: not a heritage mission package", file=path)
            manifest = _read_manifest(archive.read(files[MANIFEST]), path)
            tags = {name: _entry_head(archive, files[name]) for name in _TAGS if name in files}
            actual = {name: _entry_sha256(archive, info) for name, info in files.items()}
            actual.update({f"{folder}/": "" for folder in empty})  # unzip makes them; the manifest lists files
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, struct.error) as exc:
        raise InvalidInput(f"is a damaged zip file ({exc})", file=path) from None
    return manifest, actual, tags


def _entry_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as entry:
        return entry.read(_TAG_LIMIT)


def _entry_sha256(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """A zip entry's SHA-256, read in chunks: a large entry is never held in memory whole. The
    zip module checks the entry's CRC and size as it reaches its end."""
    with archive.open(info) as entry:
        return hashing.stream_digest(entry)[0]


def _top(path: Path, infos: list[zipfile.ZipInfo]) -> str:
    """The one top folder every entry sits in ('name/'), or '' if the manifest is at the top."""
    manifests = [i.filename for i in infos if i.filename == MANIFEST or i.filename.endswith(f"/{MANIFEST}")]
    if not manifests:
        raise InvalidInput("holds no manifest.json: not a heritage mission package", file=path)
    prefix = min(manifests, key=len).removesuffix(MANIFEST)
    if prefix.count("/") > 1:
        raise InvalidInput("its manifest.json is not in the package's top folder", file=path)
    for info in infos:
        if not info.filename.startswith(prefix):
            raise InvalidInput(f"holds an entry outside the package folder {prefix!r}: {info.filename!r}", file=path)
    return prefix


def _entry_is_plain(path: Path, info: zipfile.ZipInfo) -> None:
    """One entry's name, kind, encryption and compression, as a reader of any make sees them."""
    raw = info.orig_filename  # before the zip module cut it at a NUL
    name = info.filename

    def refuse(why: str) -> None:
        raise InvalidInput(f"holds an entry {why}: {raw!r}", file=path)

    if "\x00" in raw or any(unicodedata.category(c) == "Cc" for c in raw):
        refuse("whose name holds a control character")
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        refuse("with an absolute name or a backslash")
    parts = name.removesuffix("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        refuse("with an empty, '.' or '..' part in its name")
    if not name.isascii() and not info.flag_bits & _UTF8_FLAG:
        refuse("whose name is not marked as UTF-8 (readers would decode it differently)")
    if info.flag_bits & _ENCRYPTED_FLAG:
        refuse("that is encrypted (a package is never encrypted: it cannot be checked)")
    if info.compress_type not in _METHODS:
        refuse(f"compressed with method {info.compress_type}, not stored or deflate")
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode:  # Unix: the file's type is in the high bits
        kind = stat.S_IFMT(mode)
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR) or (kind == stat.S_IFDIR) != info.is_dir():
            refuse("that is a symbolic link or another special file")
    if info.is_dir() and info.file_size:
        refuse("that is a folder with content")


def _no_collisions(path: Path, infos: list[zipfile.ZipInfo], prefix: str) -> list[str]:
    """No two entries land on one path, on any file system: not the same name twice, not two
    names equal but for case or Unicode normalisation, and no file where a folder is needed.
    Returns the folder entries that no file is in (empty folders)."""
    seen: dict[str, tuple[str, bool]] = {}  # key -> (name, a folder entry)
    files: set[str] = set()
    folders: set[str] = set()  # every folder some file or folder entry is in
    entries: dict[str, str] = {}  # folder entries: key -> name
    spelled: dict[str, set[str]] = {}  # every folder, entry or implied: key -> its names as written
    for info in infos:
        name = info.filename.removeprefix(prefix).removesuffix("/")
        if not name:
            continue  # the top folder's own entry
        key = unicodedata.normalize("NFC", name).casefold()
        if key in seen:
            other, was_folder = seen[key]
            if was_folder != info.is_dir():
                raise InvalidInput(f"holds {name!r} both as a file and as a folder", file=path)
            if other == name:
                raise InvalidInput(
                    f"holds two entries with the same name: which one is read is anyone's guess: {name!r}", file=path
                )
            raise InvalidInput(f"holds entries {other!r} and {name!r}, one file on many systems", file=path)
        seen[key] = (name, info.is_dir())
        if info.is_dir():
            entries[key] = name
        else:
            files.add(key)
        parts, written = key.split("/"), name.split("/")
        folders.update("/".join(parts[:n]) for n in range(1, len(parts)))
        for n in range(1, len(parts) + info.is_dir()):
            spelled.setdefault("/".join(parts[:n]), set()).add("/".join(written[:n]))
    clash = sorted(files & (folders | entries.keys()))
    if clash:
        raise InvalidInput(f"holds {clash[0]!r} both as a file and as a folder", file=path)
    # `p/DATA/` beside `p/data/sites.csv`: one folder where case is ignored, an unlisted one where not.
    for names in spelled.values():
        if len(names) > 1:
            first, other = sorted(names)[:2]
            raise InvalidInput(f"holds folders {first!r} and {other!r}, one folder on many systems", file=path)
    return sorted(name for key, name in entries.items() if key not in folders)


def _whole(path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Every byte of the file belongs to an entry, the central directory or its end record, in
    order, with no zip comment: nothing hides in the gaps, and no entry overlaps another."""
    if archive.comment:
        raise InvalidInput("has a zip comment: a package has none", file=path)
    size = path.stat().st_size
    fp = archive.fp
    assert fp is not None
    offset = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != offset:
            raise InvalidInput(f"holds bytes that belong to no entry, at offset {offset}", file=path)
        fp.seek(offset)
        header = _LOCAL.unpack(fp.read(_LOCAL.size))
        if header[0] != _LOCAL_SIGNATURE:
            raise InvalidInput(f"has no entry header where {info.filename!r} should begin", file=path)
        name_length, extra_length = header[10], header[11]
        offset += _LOCAL.size + name_length + extra_length + info.compress_size
        if info.flag_bits & _DESCRIPTOR_FLAG:
            fp.seek(offset)
            wide = info.compress_size >= 0xFFFFFFFF or info.file_size >= 0xFFFFFFFF
            signed = fp.read(4) == b"PK\x07\x08"
            offset += (4 if signed else 0) + 4 + (16 if wide else 8)
    if offset != archive.start_dir:
        raise InvalidInput(f"holds bytes that belong to no entry, at offset {offset}", file=path)
    central = sum(
        46 + len(_stored_name(info)) + len(info.extra) + len(info.comment) for info in infos
    )  # each central directory header (APPNOTE 4.3.12)
    end = archive.start_dir + central
    fp.seek(end)
    if fp.read(4) == b"PK\x06\x06":  # a zip64 end record and its locator (many entries, or large ones)
        fp.seek(end + 4)
        (record_size,) = struct.unpack("<Q", fp.read(8))
        end += 12 + record_size + 20
    fp.seek(end)
    record = fp.read(_END.size)
    if len(record) != _END.size or _END.unpack(record)[0] != _END_SIGNATURE or end + _END.size != size:
        raise InvalidInput("holds bytes after the end of the archive, or a central directory out of place", file=path)


def _stored_name(info: zipfile.ZipInfo) -> bytes:
    """An entry's name as the archive holds it."""
    return info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8_FLAG else "cp437")

"""A mission package is a BagIt bag (RFC 8493), so that an archive checks it with its own tools.

    bagit.txt               the bag declaration (BagIt 1.0, tag files in UTF-8)
    bag-info.txt            who made the bag and when, the package's name, its Payload-Oxum
    manifest-sha256.txt     the SHA-256 of every payload file, as `sha256sum -c` reads it
    index.html              a tag file: a page that sends a person to data/index.html
    manifest.json           heritage's own manifest and the package root (`heritage.package_check`)
    tagmanifest-sha256.txt  the SHA-256 of each tag file above
    data/                   the payload: the package's content (`heritage.mission`)

Manifest lines are `<sha256>  <path>` sorted by path, the bytes `sha256sum` writes for names that
need no escaping; RFC 8493 asks for CR, LF and `%` in a path to be written `%0D`, `%0A`, `%25`.
`check_bag` compares a bag's two manifests with the files it holds, for `verify-package`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

from heritage import hashing
from heritage.atomic import replace_file

PAYLOAD = "data"
DECLARATION = "bagit.txt"
BAG_INFO = "bag-info.txt"
PAYLOAD_MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
FRONT = "index.html"
_DECLARATION_TEXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_ESCAPE = re.compile(r"%(0[DdAa]|25)")
_LINE = re.compile(r"([0-9a-fA-F]{64})[ \t]+\*?(.+)")

_FRONT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<meta http-equiv="refresh" content="0; url=data/index.html">
<title>Mission package</title>
</head>
<body>
<p><a href="data/index.html">Open the mission package</a> (data/index.html).</p>
<p>This folder is a BagIt bag (RFC 8493): its content is in data/, and manifest-sha256.txt lists
the SHA-256 of every file there.</p>
</body>
</html>
"""


def _escaped(path: str) -> str:
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _unescaped(path: str) -> str:
    return _ESCAPE.sub(lambda match: {"0d": "\r", "0a": "\n", "25": "%"}[match[1].lower()], path)


def manifest_lines(files: dict[str, str]) -> str:
    """A BagIt manifest of these files (path -> SHA-256)."""
    return "".join(f"{digest}  {_escaped(path)}\n" for path, digest in sorted(files.items()))


def _one_line(text: str) -> str:
    """Catalogue text made fit for one bag-info value: no control character, no line break."""
    return " ".join("".join(" " if unicodedata.category(c).startswith("C") else c for c in text).split())


def write_bag(folder: Path, *, name: str, description: str, agent: str, today: date) -> dict[str, str]:
    """Make `folder` a bag around its `data/` folder: the declaration, the payload manifest,
    bag-info.txt and the front page. The tag manifest comes last (`write_tag_manifest`), once
    every other tag file is written. Returns the payload's SHA-256s (path -> digest), so that
    heritage's own manifest need not read the payload a second time."""
    payload = {
        path.relative_to(folder).as_posix(): hashing.file_digest(path)
        for path in sorted((folder / PAYLOAD).rglob("*"))
        if path.is_file()
    }
    octets = sum(size for _, size in payload.values())
    replace_file(folder / DECLARATION, _DECLARATION_TEXT.encode("utf-8"))
    replace_file(
        folder / PAYLOAD_MANIFEST, manifest_lines({p: digest for p, (digest, _) in payload.items()}).encode("utf-8")
    )
    info = [
        ("Bag-Software-Agent", agent),
        ("Bagging-Date", today.isoformat()),
        ("External-Identifier", _one_line(name)),
        ("External-Description", _one_line(description)),
        ("Payload-Oxum", f"{octets}.{len(payload)}"),
    ]
    replace_file(folder / BAG_INFO, "".join(f"{label}: {value}\n" for label, value in info).encode("utf-8"))
    replace_file(folder / FRONT, _FRONT_PAGE.encode("utf-8"))
    return {path: digest for path, (digest, _) in payload.items()}


def write_tag_manifest(folder: Path) -> None:
    """List every tag file (every file outside data/ but this one) with its SHA-256."""
    tags = {
        path.name: hashing.file_sha256(path)
        for path in folder.iterdir()
        if path.is_file() and path.name != TAG_MANIFEST
    }
    replace_file(folder / TAG_MANIFEST, manifest_lines(tags).encode("utf-8"))


def _parse(text: bytes, label: str, problems: list[str]) -> dict[str, str]:
    listed: dict[str, str] = {}
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), 1):
        match = _LINE.fullmatch(line.rstrip("\r"))
        if match is None:
            problems.append(f"{label} line {number} is not '<sha256>  <path>'")
            continue
        listed[_unescaped(match[2])] = match[1].lower()
    return listed


def check_bag(actual: dict[str, str], read: Callable[[str], bytes | None]) -> list[str]:
    """What is wrong with a bag whose files (path -> SHA-256, every file) are `actual`; `read`
    gives the bytes of a top-level tag file, or None. Nothing when it is no bag (no bagit.txt)."""
    declaration = read(DECLARATION)
    if declaration is None:
        return []
    problems: list[str] = []
    if not declaration.decode("utf-8", "replace").startswith("BagIt-Version: "):
        problems.append(f"{DECLARATION} does not declare a BagIt version")
    manifest = read(PAYLOAD_MANIFEST)
    if manifest is None:
        return [*problems, f"the bag has no {PAYLOAD_MANIFEST}"]
    listed = _parse(manifest, PAYLOAD_MANIFEST, problems)
    payload = {path: digest for path, digest in actual.items() if path.startswith(f"{PAYLOAD}/")}
    for path in sorted(set(listed) | set(payload)):
        if path not in payload:
            problems.append(f"{path} is in {PAYLOAD_MANIFEST} but not in the bag")
        elif path not in listed:
            problems.append(f"{path} is in the payload but not in {PAYLOAD_MANIFEST}")
        elif listed[path] != payload[path]:
            problems.append(f"{path} does not match {PAYLOAD_MANIFEST}")
    tags = read(TAG_MANIFEST)
    if tags is not None:
        for path, digest in sorted(_parse(tags, TAG_MANIFEST, problems).items()):
            if path not in actual:
                problems.append(f"{path} is in {TAG_MANIFEST} but not in the bag")
            elif actual[path] != digest:
                problems.append(f"{path} does not match {TAG_MANIFEST}")
    return problems

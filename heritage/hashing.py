"""File hashes, root hashes and manifests: each defined once, for the catalogue and for packages.

A file's hash is the SHA-256 of its exact bytes, as `sha256sum` prints it. A root hash is the
SHA-256 of the lines `<sha256>  <path>\\n` (the format `sha256sum` writes and `sha256sum -c`
reads), sorted by path, so that one value changes if any file is added, removed, renamed or
changed. A manifest is a JSON object holding `files` (path -> SHA-256) and `root` (see
`write_manifest` for its bytes). Record seals are not
here: they hash a record's canonical JSON (`heritage.codec.content_hash`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

from heritage.atomic import replace_file

CHUNK = 1 << 20  # bytes read at a time: a large video is hashed in constant memory


def stream_digest(handle: IO[bytes], copy_to: IO[bytes] | None = None) -> tuple[str, int]:
    """The SHA-256 and size of what `handle` holds from where it stands, read in chunks (and
    written to `copy_to` on the way, if given)."""
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest(), size


def file_digest(path: Path | str) -> tuple[str, int]:
    """The SHA-256 of a file's exact bytes and its size."""
    with open(path, "rb") as handle:
        return stream_digest(handle)


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's exact bytes, as sha256sum prints it."""
    return file_digest(path)[0]


def root_hash(files: dict[str, str]) -> str:
    """One hash over every file's (path -> SHA-256), see the module's docstring."""
    lines = "".join(f"{digest}  {path}\n" for path, digest in sorted(files.items()))
    # A name that is not UTF-8 goes in as the bytes it has on disk.
    return hashlib.sha256(lines.encode("utf-8", "surrogateescape")).hexdigest()


def manifest(files: dict[str, str], **about: Any) -> dict[str, Any]:
    """A manifest of these files: what it is about (format, name, time...), the root, the files."""
    return {**about, "root": root_hash(files), "files": dict(sorted(files.items()))}


def write_manifest(path: Path, document: dict[str, Any]) -> None:
    """Write a manifest whole or not at all: sorted keys, two-space indentation, and every
    character past ASCII escaped, so that a file name that is not UTF-8 on disk survives as the
    `\\udcXX` escapes Python reads it back with."""
    replace_file(path, manifest_text(document).encode("ascii"))


def manifest_text(document: dict[str, Any]) -> str:
    """A manifest as `write_manifest` writes it (for `manifest -o -`): ASCII, a newline at the end."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True, allow_nan=False) + "\n"

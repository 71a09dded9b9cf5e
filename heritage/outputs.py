"""Where a command may write what it makes (maps, dossiers, manifests, packages): never over the
catalogue's own files."""

from __future__ import annotations

from pathlib import Path

from heritage import layout
from heritage.errors import InvalidInput


def output_path(catalogue_root: Path, path: Path, *, overwrite: bool = True) -> Path:
    """Refuse an output that would land on the catalogue's own files (a map written over a report,
    a manifest over catalogue.json), or, when asked, on any existing file."""
    target = path.resolve()
    root = catalogue_root.resolve()
    protected = {root / layout.CATALOGUE_FILE, root / layout.AREAS_FILE}
    inside = [root / folder for folder in layout.FOLDERS]
    if target in protected or any(target == f or f in target.parents for f in inside):
        raise InvalidInput("is part of the catalogue itself; write outputs elsewhere", file=path)
    if not overwrite and target.exists():
        raise InvalidInput("already exists; choose another name (or pass --force)", file=path)
    return path

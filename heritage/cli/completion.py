"""Shell completion of record ids (click's own completion: `_HERITAGE_COMPLETE=bash_source heritage`).

Ids come from the names of the files in the catalogue's flat record folders (`sites/`, `sources/`,
`allegations/`), listed once without reading a file (`layout.record_ids_starting`): always
current, and under a tenth of a second at 100,000 sites. The index is not used: it may lag behind
the folders until a command brings it up to date, and completion must neither write it nor wait
for another command that is writing it.

A completion runs at every press of Tab: it never prints, never fails and never writes. Outside a
catalogue, or if anything goes wrong, it offers nothing and the shell falls back to its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from heritage import layout

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def catalogue_root(ctx: click.Context) -> Path | None:
    """The catalogue the command line names (--catalogue, HERITAGE_CATALOGUE, or the current
    folder), if there is one there."""
    given = ctx.find_root().params.get("catalogue") or os.environ.get("HERITAGE_CATALOGUE") or "."
    root = Path(given)
    return root if layout.regular_file(layout.catalogue_file(root)) else None


def record_ids(folder: str, suffix: str, separator: str | None = None) -> Completer:
    """A completer of the ids in `folder`. With `separator`, the option takes a list (`--sites
    a,b,c`) and the last item of it is completed, the ones before kept as typed."""

    def complete(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        head, prefix = "", incomplete
        if separator is not None and separator in incomplete:
            before, _, prefix = incomplete.rpartition(separator)
            head = before + separator
        try:
            root = catalogue_root(ctx)
            ids = layout.record_ids_starting(root, folder, suffix, prefix) if root is not None else []
        except Exception:  # a Tab press must never show a traceback
            return []
        return [CompletionItem(head + i) for i in ids]

    return complete


site_ids = record_ids(layout.SITES, layout.SITE_SUFFIX)
site_id_lists = record_ids(layout.SITES, layout.SITE_SUFFIX, separator=",")
source_ids = record_ids(layout.SOURCES, layout.RECORD_SUFFIX)
allegation_ids = record_ids(layout.ALLEGATIONS, layout.RECORD_SUFFIX)

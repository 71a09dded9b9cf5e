"""The sites as CSV (`heritage export csv`): the site records as `heritage import sites` reads them
back (`heritage.sitecsv`), then what the export says of each (`summary.SUMMARY`), which an import
leaves out with --ignore-unmapped. Written by the one CSV writer (`heritage.csvfile`): UTF-8 with a
byte-order mark, formula-like text neutralised."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from heritage.csvfile import write_csv
from heritage.exports.summary import SUMMARY
from heritage.sitecsv import site_table

if TYPE_CHECKING:
    from heritage.exports import Scope


def write(scope: Scope, path: Path) -> None:
    header, records = site_table(scope.sites)
    rows = scope.summaries
    body = ([*cells, *(row[key] for key in SUMMARY)] for cells, row in zip(records, rows, strict=True))
    write_csv(path, [*header, *SUMMARY], body)

"""How long the phone form (an XLSForm) takes to build and write for many sites, against the ways
a form designer would script the same workbook, measured in the same run.

    python benchmarks/xlsform_benchmark.py [--sizes 1000 10000 100000]

Sites are made in memory with names in four scripts as benchmarks/synthetic.py names them (about
2.8 names a site, so four language columns), each with an area. The rows of the three sheets
(survey, choices, settings) are built once by `xlsform.form_sheets`; then every contender writes
the same rows to an .xlsx file:
- heritage: the whole `write_xlsform` (rows built, openpyxl's write-only mode, cyclic garbage
  collector paused), and `xlsx_bytes` alone on the rows built beforehand, collector running;
- baseline: pandas `DataFrame.to_excel(engine="openpyxl")`, one frame a sheet, the way a form
  designer scripts a form;
- baseline: openpyxl's normal (not write-only) mode, `Worksheet.append` of each row.

A time counts only once its file is read back (openpyxl, read-only) with each sheet holding the
rows it was given, header included.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from heritage.xlsform import Sheets

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SHEETS = ("survey", "choices", "settings")


def sheet_rows(path: Path) -> dict[str, int]:
    """How many rows each sheet of the workbook holds, header included."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {name: sum(1 for _ in book[name].iter_rows(values_only=True)) for name in SHEETS}
    finally:
        book.close()


def with_heritage(sheets: Sheets, path: Path) -> None:
    from heritage.xlsform import xlsx_bytes

    path.write_bytes(xlsx_bytes(sheets))


def with_pandas(rows: dict[str, list[list[str]]], path: Path) -> None:
    import pandas as pd

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name in SHEETS:
            pd.DataFrame(rows[name][1:], columns=rows[name][0]).to_excel(writer, sheet_name=name, index=False)


def with_openpyxl(rows: dict[str, list[list[str]]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name in SHEETS:
        sheet = book.create_sheet(name)
        for row in rows[name]:
            sheet.append([value or None for value in row])
    book.save(path)


def timed(write: Callable[[Path], object], path: Path, expected: dict[str, int]) -> float:
    """Seconds of one write, trusted only once its file holds every row it was given."""
    gc.collect()
    started = time.perf_counter()
    write(path)
    seconds = time.perf_counter() - started
    found = sheet_rows(path)
    if found != expected:
        raise RuntimeError(f"{path.name}: rows {found}, expected {expected}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = parser.parse_args()
    import openpyxl
    import pandas
    from synthetic import _names

    from heritage.models import CatalogueInfo, Site
    from heritage.store import Catalogue
    from heritage.xlsform import form_sheets, write_xlsform

    loop = "import time; t = time.perf_counter(); sum(range(10**8)); print(time.perf_counter() - t)"
    speed = subprocess.run([sys.executable, "-c", loop], capture_output=True, text=True, check=True).stdout
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"openpyxl {openpyxl.__version__}, pandas {pandas.__version__}, "
          f"calibration sum(range(10**8)) {float(speed):.2f} s\n")  # fmt: skip
    print("| sites | contender | seconds | size MB | rows (survey, choices, settings) |")
    print("|---:|---|---:|---:|---|")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as work:
        catalogue = Catalogue.create(Path(work) / "cat", CatalogueInfo(name="Bench"))
        for size in args.sizes:
            sites = [
                Site.model_validate(
                    {
                        "id": f"site-{n:06d}",
                        "names": _names(rng, n),
                        "location": {"precision": "exact"},
                        "geometry": {"type": "Point", "coordinates": [46.5, 39.5]},
                        "type": "church",
                        "areas": ["Shusha"],
                        "recorded_at": "2026-01-01T00:00:00Z",
                        "recorded_by": "bench",
                    }
                )
                for n in range(size)
            ]
            sheets = form_sheets(catalogue.info, sites)
            rows = {"survey": sheets.survey, "choices": sheets.choices, "settings": sheets.settings}
            expected = {name: len(rows[name]) for name in SHEETS}
            shown = f"{expected['survey']:,}, {expected['choices']:,}, {expected['settings']:,}"

            contenders: list[tuple[str, Callable[[Path], object]]] = [
                ("heritage `write_xlsform` (builds the rows too; gc paused)", partial(write_xlsform, catalogue, sites)),
                ("heritage `xlsx_bytes` (write-only openpyxl, rows given)", partial(with_heritage, sheets)),
                ("baseline: pandas `to_excel(engine='openpyxl')`, rows given", partial(with_pandas, rows)),
                ("baseline: openpyxl normal mode, `append`, rows given", partial(with_openpyxl, rows)),
            ]  # fmt: skip
            for number, (label, write) in enumerate(contenders):
                path = Path(work) / f"form-{size}-{number}.xlsx"
                seconds = timed(write, path, expected)
                megabytes = path.stat().st_size / 1e6
                print(f"| {size:,} | {label} | {seconds:.2f} | {megabytes:.1f} | {shown} |", flush=True)
                path.unlink()


if __name__ == "__main__":
    main()

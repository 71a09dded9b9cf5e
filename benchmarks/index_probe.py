"""What an index for issue 7 has to beat: the cost of each step of reading stored records, and of
looking for files that changed, measured on this machine.

    python benchmarks/index_probe.py [--sites 10000] [--walk-sites 100000] [--work /tmp/heritage-probe]

Part one writes a synthetic catalogue of --sites sites (10 reports per site) and times, per report
file: reading the bytes, `json.loads`, pydantic validation, and a pickle round trip of the
validated objects (a naive cache). Part two lays out --walk-sites sites with 10 empty report files
each in the real folder layout and times finding changed files: a `stat` of every file (one
process, then two), against a `stat` of each site's report folder only. The page cache is warm:
every step runs once before it is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def timed(step: Callable[[], Any]) -> tuple[float, Any]:
    step()  # warm the page cache and the imports
    start = time.perf_counter()
    result = step()
    return time.perf_counter() - start, result


def stat_folders(folders: list[str]) -> int:
    count = 0
    for folder in folders:
        with os.scandir(folder) as entries:
            for entry in entries:
                entry.stat()
                count += 1
    return count


def record_costs(work: Path, sites: int) -> list[tuple[str, float, int]]:
    from synthetic import generate

    from heritage.models import ConditionReport
    from heritage.store import Catalogue, read_fast

    root = work / "catalogue"
    if not root.exists():
        generate(root, sites, reports_per_site=10.0)
    catalogue = Catalogue.open(root)
    files = sorted((root / "reports").glob("*/*.json"))
    n = len(files)
    rows: list[tuple[str, float, int]] = []
    seconds, blobs = timed(lambda: [f.read_bytes() for f in files])
    rows.append(("read the file", seconds, n))
    seconds, _ = timed(lambda: [json.loads(b) for b in blobs])
    rows.append(("json.loads", seconds, n))
    seconds, records = timed(lambda: [read_fast(ConditionReport, b, catalogue.context) for b in blobs])
    rows.append(("pydantic validation from JSON", seconds, n))
    seconds, _ = timed(lambda: pickle.loads(pickle.dumps(records)))
    rows.append(("pickle dump + load of the validated records", seconds, n))
    return rows


def walk_costs(work: Path, sites: int) -> list[tuple[str, float, int]]:
    root = work / "walk"
    reports = root / "reports"
    if not reports.exists():
        (root / "sites").mkdir(parents=True)
        for s in range(sites):
            (root / "sites" / f"site-{s:07d}.json").touch()
            folder = reports / f"site-{s:07d}"
            folder.mkdir(parents=True)
            for r in range(10):
                (folder / f"r-{s:07d}-{r:02d}.json").touch()
    folders = [str(root / "sites"), *sorted(e.path for e in os.scandir(reports))]
    n = sites * 11
    rows: list[tuple[str, float, int]] = []
    seconds, _ = timed(lambda: stat_folders(folders))
    rows.append(("stat every file, one process", seconds, n))

    def two_processes() -> int:
        parts = [folders[i::8] for i in range(8)]
        with ProcessPoolExecutor(2) as pool:
            return sum(pool.map(stat_folders, parts))

    seconds, _ = timed(two_processes)
    rows.append(("stat every file, two processes", seconds, n))
    seconds, _ = timed(lambda: [os.stat(f) for f in folders])
    rows.append(("stat each report folder only", seconds, len(folders)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--walk-sites", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-probe"))
    parser.add_argument("--keep", action="store_true", help="keep the files written under --work")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    try:
        rows = record_costs(args.work, args.sites) + walk_costs(args.work, args.walk_sites)
    finally:
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    print("| step | items | seconds | µs per item |")
    print("|---|---:|---:|---:|")
    for name, seconds, n in rows:
        print(f"| {name} | {n:,} | {seconds:.2f} | {seconds / n * 1e6:.1f} |")


if __name__ == "__main__":
    main()

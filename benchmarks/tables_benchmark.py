"""Time and peak memory of reading a large file to import with `heritage.tables.read_table`.

    python benchmarks/tables_benchmark.py [--rows 100000 1000000] [--runs 3]

Each size is a CSV of sites (eight columns, one quoted cell with a comma in each row, about 120
bytes a row) written once to a temporary folder, then read --runs times in a new process; the
table gives the median wall seconds and the largest peak memory of those processes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

READ = """
import resource, sys, time
from pathlib import Path
from heritage.tables import read_table
start = time.perf_counter()
table = read_table(Path(sys.argv[1]))
seconds = time.perf_counter() - start
print(len(table.rows), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def write_sites(path: Path, rows: int) -> None:
    chance = random.Random(19)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,name:en,lat,lon,type,tradition,areas,description\n")
        for number in range(rows):
            lat, lon = 39 + chance.random(), 46 + chance.random()
            handle.write(
                f"site-{number},Church number {number},{lat:.6f},{lon:.6f},church,armenian_apostolic,"
                f'Shusha;Karabakh,"A church, with a comma"\n'
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'rows':>10} {'MB on disk':>11} {'seconds':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"sites-{rows}.csv"
            write_sites(path, rows)
            times, peaks = [], []
            for _ in range(args.runs):
                out = subprocess.run(
                    [sys.executable, "-c", READ, str(path)], capture_output=True, text=True, check=True
                ).stdout.split()
                assert int(out[0]) == rows
                times.append(float(out[1]))
                peaks.append(float(out[2]))
            size = path.stat().st_size / 1e6
            print(f"{rows:>10,} {size:>11.0f} {statistics.median(times):>8.2f} {max(peaks):>8.0f}")


if __name__ == "__main__":
    main()

"""The floor under the first `validate` of a big catalogue, measured step by step.

    python benchmarks/first_build.py [--sites 100000] [--reports-per-site 10] [--processes 2]

On the catalogue that commands_benchmark.py writes (made here if it is missing), with every file
read once first so that each step finds it in the file cache, each step on --processes processes:

- read: each record file's bytes and nothing else (the floor for touching every file);
- examine: each file read and checked as the first build checks it (`heritage.examine`), with
  nothing kept (the floor for checking every file with no index written);
- first build: the index built from nothing (`Index.full_scan`, `.heritage` deleted first), what a
  cold `validate` does before its checks across records and its output.

The table gives wall seconds and the CPU of all processes per file; the last column is the
machine's speed just before the step (see commands_benchmark.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def spread(work: Callable[[str], object], paths: list[str], processes: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `work` over the paths, shared among forked processes."""
    before, start = os.times(), time.perf_counter()
    children = []
    for share in range(processes):
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                for path in paths[share::processes]:
                    work(path)
            except BaseException:
                status = 1
            os._exit(status)
        children.append(pid)
    failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    if failed:
        raise RuntimeError(f"{len(failed)} process(es) failed")
    return time.perf_counter() - start, cpu_since(before)


def cpu_since(before: os.times_result) -> float:
    now = os.times()
    return sum(now[:4]) - sum(before[:4])  # user and system, this process and its children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=100000)
    parser.add_argument("--reports-per-site", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-bench"))
    args = parser.parse_args()
    from commands_benchmark import machine_speed, read_every_file
    from synthetic import generate

    from heritage.examine import examine
    from heritage.index import Index
    from heritage.layout import record_files
    from heritage.store import Catalogue, read_whole

    root = args.work / f"cmd-{args.sites}-{args.reports_per_site:g}"
    if not (root / "catalogue.json").is_file():
        root.mkdir(parents=True, exist_ok=True)
        generate(root, args.sites, args.reports_per_site)
    catalogue = Catalogue.open(root)
    paths = sorted(path.relative_to(root).as_posix() for path in record_files(root))
    read_every_file(root)
    text = str(root)
    rows = []
    for name, work in (
        ("read: each file's bytes", lambda path: read_whole(f"{text}/{path}")),
        ("examine: each file read and checked, nothing kept", lambda path: examine(catalogue, path)),
    ):
        speed = machine_speed()
        rows.append((name, *spread(work, paths, args.processes), speed))
    shutil.rmtree(root / ".heritage", ignore_errors=True)
    speed = machine_speed()
    before, start = os.times(), time.perf_counter()
    with Index.open(catalogue, refresh=False) as index:
        index.full_scan()
    rows.append(
        (
            "first build: the index from nothing, as `validate` makes it",
            time.perf_counter() - start,
            cpu_since(before),
            speed,
        )
    )

    print(f"{args.sites:,} sites, {len(paths):,} record files, {args.processes} processes, files in the cache")
    print()
    print("| step | wall s | CPU µs a file | speed s |")
    print("|---|---:|---:|---:|")
    for name, wall, cpu, speed in rows:
        print(f"| {name} | {wall:.1f} | {cpu / len(paths) * 1e6:.0f} | {speed:.2f} |")


if __name__ == "__main__":
    main()

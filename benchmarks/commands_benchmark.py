"""Wall time and peak memory of the everyday commands on big synthetic catalogues.

    python benchmarks/commands_benchmark.py [--sizes 10000 100000] [--reports-per-site 10] [--runs 3]

Each command runs as a person would run it (a new process), --runs times; the table gives the
median wall seconds and the largest peak memory (GNU time). Baseline in the same run: reading the
same sites from a GeoPackage with geopandas (the floor for loading them at all). "cold" is the
first run after the catalogue was written; the operating system's file cache is not dropped.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TIME = shutil.which("time") or "/usr/bin/time"


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of one process."""
    result = subprocess.run([TIME, "-f", "%e %M", *command], capture_output=True, text=True)
    if result.returncode != 0:  # the synthetic catalogue is valid: any failure is a real one
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr[-500:]}")
    wall, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(peak_kb) / 1024


def measure(command: list[str], runs: int) -> tuple[float, float]:
    results = [run(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--reports-per-site", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-bench"))
    args = parser.parse_args()
    from synthetic import generate

    heritage = [sys.executable, "-m", "heritage"]
    rows = []
    for sites in args.sizes:
        folder = args.work / f"cmd-{sites}-{args.reports_per_site:g}"
        if not (folder / "catalogue.json").is_file():
            folder.mkdir(parents=True, exist_ok=True)
            counts = generate(folder, sites, args.reports_per_site)
        else:
            counts = {"sites": sites, "reports": sum(1 for _ in (folder / "reports").rglob("*.json"))}
        cat = [*heritage, "--catalogue", str(folder)]
        site = "site-0000042"
        gpkg = args.work / f"cmd-{sites}.gpkg"
        if not gpkg.exists():
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    (
                        "import sys; from heritage.store import Catalogue; from heritage.frame import sites_frame; "
                        f"sites_frame(Catalogue.open({str(folder)!r})).to_file({str(gpkg)!r}, engine='pyogrio')"
                    ),
                ],
                check=True,
            )
        label = f"{counts['sites']:,} sites, {counts['reports']:,} reports"
        cold = run([*cat, "validate"])
        rows.append((label, "validate (cold: first run)", *cold))
        steps = [
            ("validate", [*cat, "validate"]),
            ("list --json", [*cat, "list", "--json"]),
            ("show SITE", [*cat, "show", site]),
            ("history SITE", [*cat, "history", site]),
            ("changes --from --to", [*cat, "changes", "--from", "2018-01-01", "--to", "2024-01-01", "--csv"]),
            ("map", [*cat, "map", "-o", str(args.work / f"cmd-map-{sites}.html")]),
            ("dossier SITE", [*cat, "dossier", site, "-o", str(args.work / f"cmd-dossiers-{sites}")]),
            (
                "baseline: geopandas reads the sites from a GeoPackage",
                [sys.executable, "-c", f"import geopandas; geopandas.read_file({str(gpkg)!r}, engine='pyogrio')"],
            ),
        ]
        for name, command in steps:
            rows.append((label, name, *measure(command, args.runs)))
        # report add last: it adds records (a new one per run)
        add = [
            *cat,
            "report",
            "add",
            "--site",
            site,
            "--observed",
            "2025-01-01",
            "--condition",
            "intact",
            "--method",
            "remote_sensing",
            "--source",
            "src-000001",
        ]
        rows.append((label, "report add", *measure(add, args.runs)))
        print(f"done: {label}", file=sys.stderr)
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}; median of {args.runs} runs")
    print()
    print("| catalogue | command | wall s | peak MB |")
    print("|---|---|---:|---:|")
    for label, name, wall, peak in rows:
        print(f"| {label} | {name} | {wall:.2f} | {peak:.0f} |")
    print(json.dumps({"rows": rows}), file=sys.stderr)


if __name__ == "__main__":
    main()

"""Wall time and peak memory of the everyday commands on big synthetic catalogues.

    python benchmarks/commands_benchmark.py [--sizes 10000 100000] [--reports-per-site 10] [--runs 3]

Each command runs as a person would run it (a new process), --runs times; the table gives the
median wall seconds and the largest peak memory (GNU time). Baselines in the same run: reading
the same sites from a GeoPackage with geopandas (the floor for loading them at all), and plain
folium drawing them (a Marker with a Popup per site, and FastMarkerCluster; stopped at 120 s).

"cold" is `validate` with no index (the .heritage folder deleted first): every file is read and
checked. "warm" runs find the index up to date. A dossier carries the catalogue's root hash: the
first one hashes every file, later ones hash only the files that changed. "after report add" is a `validate` right after
one report was added. The operating system's file cache is not dropped: every file of the
catalogue is read once just before the cold run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TIME = shutil.which("time") or "/usr/bin/time"
BASELINE_LIMIT = 120.0  # seconds: plain folium at 100,000 markers runs far longer
# Commands run as an installed copy runs them, from compiled bytecode. A shell that sets
# PYTHONDONTWRITEBYTECODE (this machine's did) has every run compile the package from source
# again: 0.2 to 0.3 s added to each command (measured: `report add` 0.69 s against 0.38 s).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of one process."""
    result = subprocess.run([TIME, "-f", "%e %M", *command], capture_output=True, text=True, env=ENV)
    if result.returncode != 0:  # the synthetic catalogue is valid: any failure is a real one
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr[-500:]}")
    wall, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(peak_kb) / 1024


def measure(command: list[str], runs: int) -> tuple[float, float]:
    return summary([run(command) for _ in range(runs)])


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop: the same on a quiet machine from run to run, longer
    when the shared machine is slowed down. Measured before each row, to read the row by."""
    return run([sys.executable, "-c", "sum(range(10**8))"])[0]


def summary(results: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def read_every_file(folder: Path) -> None:
    """Read the whole catalogue once, so that the cold run finds it in the file cache as the
    docstring says, however long ago it was generated (this machine lets go of files it has not
    used for a while: a catalogue of 100,000 sites read from the disk took 205 s to validate
    cold, against 117 s from the cache)."""
    for parent, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(parent, name), "rb") as handle:
                handle.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--reports-per-site", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-bench"))
    args = parser.parse_args()
    from synthetic import generate

    heritage = [sys.executable, "-m", "heritage"]
    rows: list[tuple[str, str, float | None, float | None, float]] = []
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
                        "import heritage; "
                        f"heritage.open({str(folder)!r}, audience='internal').sites()"
                        f".to_file({str(gpkg)!r}, engine='pyogrio')"
                    ),
                ],
                check=True,
            )
        label = f"{counts['sites']:,} sites, {counts['reports']:,} reports"
        shutil.rmtree(folder / ".heritage", ignore_errors=True)
        read_every_file(folder)
        speed = machine_speed()
        rows.append((label, "validate (cold: no index)", *run([*cat, "validate"]), speed))
        steps = [
            ("validate (warm)", [*cat, "validate"]),
            ("list --json", [*cat, "list", "--json"]),
            ("show SITE", [*cat, "show", site]),
            ("history SITE", [*cat, "history", site]),
            ("changes --from --to (warm)", [*cat, "changes", "--from", "2018-01-01", "--to", "2024-01-01", "--csv"]),
            (
                "map (audience mission, the default: every file compared)",
                [*cat, "map", "-o", str(args.work / f"cmd-map-{sites}.html")],
            ),
            (
                "map --audience internal",
                [*cat, "map", "--audience", "internal", "-o", str(args.work / f"cmd-map-internal-{sites}.html")],
            ),
            ("dossier SITE", [*cat, "dossier", site, "-o", str(args.work / f"cmd-dossiers-{sites}")]),
            (
                "baseline: geopandas reads the sites from a GeoPackage",
                [sys.executable, "-c", f"import geopandas; geopandas.read_file({str(gpkg)!r}, engine='pyogrio')"],
            ),
        ]
        for name, command in steps:
            if name == "dossier SITE":  # the first one hashes every file (for the root hash); later ones reuse them
                shutil.rmtree(args.work / f"cmd-dossiers-{sites}", ignore_errors=True)
                speed = machine_speed()
                rows.append((label, "dossier SITE (first: every file hashed)", *run(command), speed))
            speed = machine_speed()
            rows.append((label, name, *measure(command, args.runs), speed))
        points = args.work / f"cmd-points-{sites}.json"
        subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import json, geopandas; frame = geopandas.read_file("
                    f"{str(gpkg)!r}, engine='pyogrio').dropna(subset=['geometry']); "
                    "print(json.dumps([[p.y, p.x, n] for p, n in zip(frame.geometry, frame['name'])]))"
                ),
            ],
            check=True,
            stdout=points.open("w"),
        )
        from map_benchmark import build_baseline

        for kind, name in (("markers", "folium Marker + Popup"), ("fastcluster", "folium FastMarkerCluster")):
            speed = machine_speed()
            seconds = build_baseline(kind, points, args.work / f"cmd-{kind}-{sites}.html", BASELINE_LIMIT)
            rows.append((label, f"baseline: plain {name} (no filters, slider or history)", seconds, None, speed))
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
        speed = machine_speed()
        rows.append((label, "report add", *measure(add, args.runs), speed))
        speed = machine_speed()
        after_add = []
        for _ in range(args.runs):
            run(add)
            after_add.append(run([*cat, "validate"]))
        rows.append((label, "validate (warm, after one report add)", *summary(after_add), speed))
        print(f"done: {label}", file=sys.stderr)
    cores = os.cpu_count()
    print(
        f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}; median of {args.runs} runs"
    )
    print("'speed' is the seconds `sum(range(10**8))` took just before the row: larger when the shared")
    print("machine was slowed down, and every figure of the row with it.")
    print()
    print("| catalogue | command | wall s | peak MB | speed s |")
    print("|---|---|---:|---:|---:|")
    for label, name, wall, peak, speed in rows:
        wall_text = f">{BASELINE_LIMIT:.0f}" if wall is None else f"{wall:.2f}"
        peak_text = "" if peak is None else f"{peak:.0f}"
        print(f"| {label} | {name} | {wall_text} | {peak_text} | {speed:.2f} |")
    print(json.dumps({"rows": rows}), file=sys.stderr)


if __name__ == "__main__":
    main()

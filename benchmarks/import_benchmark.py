"""How long `heritage import` takes, against the floor of doing the same work with no checks.

    python benchmarks/import_benchmark.py [--sites 5000] [--reports 20000] [--list-sites 4000]

Writes two CSV files as a team's own data would look: N sites (names in four scripts, lat/lon
columns, no ids: heritage makes them from the English names) and M condition reports spread over
those sites, citing one source. Each is imported with the real command (`python -m heritage import
sites|reports FILE` in a new process, into a fresh catalogue made with `heritage init`), as a
person runs it.

The floor, measured in the same run in this process: read the same CSV, validate each row with
the same pydantic model and write one file per record with the same serializer, with no
duplicate check, no journal, no fsync and no index. It shows how far the import is above the
least any import of one file per record could cost. A contender counts only if it wrote as many
record files as the CSV has rows.

`--list-sites` also times `heritage list` (table, --limit, --json) on a synthetic catalogue of
that many sites (`benchmarks/synthetic.py`), each command in a new process, median of 3.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from heritage.codec import encode
from heritage.ids import slugify
from heritage.models import ConditionReport, Site
from heritage.models.vocab import SITE_TYPES, TRADITIONS, Condition, Method

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import REGION, _names  # noqa: E402

# As in commands_benchmark: commands run from compiled bytecode, as an installed copy does.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
SOURCE = "src-benchmark-imagery"
TARGETS = {"sites": 20.0 / 100_000, "reports": 180.0 / 1_000_000}  # seconds a row: issue 19's targets


def write_sites_csv(path: Path, count: int, seed: int = 1) -> list[str]:
    """The CSV of `count` sites; returns the ids heritage will give them (slugs of English names,
    unique because each name ends in its number)."""
    rng = random.Random(seed)
    types, traditions = list(SITE_TYPES), list(TRADITIONS)
    ids = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["name:en", "name:hy", "name:az", "name:ru", "lat", "lon", "type", "tradition", "areas"])
        for n in range(count):
            names = {name["lang"]: name["text"] for name in _names(rng, n)}
            lon = round(rng.uniform(REGION[0], REGION[2]), 6)
            lat = round(rng.uniform(REGION[1], REGION[3]), 6)
            row = [names.get(lang, "") for lang in ("en", "hy", "az", "ru")]
            out.writerow([*row, lat, lon, rng.choice(types), rng.choice(traditions), f"District {n % 300}"])
            ids.append(slugify(names["en"]))
    return ids


def write_reports_csv(path: Path, count: int, site_ids: list[str], seed: int = 2) -> None:
    rng = random.Random(seed)
    conditions, methods = [c.value for c in Condition], [m.value for m in Method]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["site", "observed", "condition", "method", "credibility", "sources"])
        for n in range(count):
            day = f"{rng.randint(2014, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            site = site_ids[n % len(site_ids)]
            out.writerow(
                [site, day, rng.choice(conditions), rng.choice(methods), rng.randint(1, 6), f"{SOURCE}:p. {n}"]
            )


def heritage(catalogue: Path, *args: str) -> float:
    """Wall seconds of one command in a new process; a failure stops the benchmark."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "heritage", "--catalogue", str(catalogue), *args],
        capture_output=True,
        text=True,
        env=ENV,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"heritage {' '.join(args)} failed: {result.stderr[-800:]}")
    return elapsed


def fresh_catalogue(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    west, south, east, north = REGION
    subprocess.run(
        [sys.executable, "-m", "heritage", "init", str(folder), "--region", f"{west},{south},{east},{north}"],
        check=True,
        capture_output=True,
        env=ENV,
    )
    heritage(folder, "source", "add", "--id", SOURCE, "--title", "Benchmark imagery", "--kind", "satellite_image")
    return folder


def count_files(folder: Path) -> int:
    return sum(len([n for n in names if not n.startswith(".")]) for _, _, names in os.walk(folder))


def floor(csv_path: Path, out: Path, kind: str) -> float:
    """The least an import costs: parse, validate, serialize, write one file per row."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    start = time.perf_counter()
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            if kind == "sites":
                names = [{"lang": k[5:], "text": v} for k, v in row.items() if k.startswith("name:") and v]
                document = {
                    "id": f"site-{number}",
                    "names": names,
                    "geometry": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]},
                    "location": {"precision": "exact"},
                    "type": row["type"],
                    "tradition": row["tradition"],
                    "areas": [row["areas"]],
                    "recorded_at": "2026-01-01T00:00:00Z",
                    "recorded_by": "floor",
                }
                site = Site.model_validate(document)
                (out / f"{site.id}.geojson").write_bytes(encode(site))
            else:
                source, _, locator = row["sources"].partition(":")
                report = ConditionReport.model_validate(
                    {
                        "id": f"r-{number}",
                        "site": row["site"],
                        "observed": row["observed"],
                        "condition": row["condition"],
                        "method": row["method"],
                        "credibility": int(row["credibility"]),
                        "sources": [{"source": source, "locator": locator or None}],
                        "recorded_at": "2026-01-01T00:00:00Z",
                        "recorded_by": "floor",
                    }
                )
                folder = out / report.site
                folder.mkdir(exist_ok=True)
                (folder / f"{report.id}.json").write_bytes(encode(report))
    return time.perf_counter() - start


def median_of(runs: int, catalogue: Path, *args: str) -> float:
    return statistics.median(heritage(catalogue, *args) for _ in range(runs))


def show(row: list[str]) -> list[str]:
    """Print a row of the table as soon as it is measured (a full run takes many minutes)."""
    print("| " + " | ".join(row) + " |", flush=True)
    return row


def import_rows(args: argparse.Namespace) -> list[list[str]]:
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    sites_csv, reports_csv = work / "sites.csv", work / "reports.csv"
    site_ids = write_sites_csv(sites_csv, args.sites)
    write_reports_csv(reports_csv, args.reports, site_ids)
    catalogue = fresh_catalogue(work / "catalogue")
    rows = []
    for kind, csv_path, n in (("sites", sites_csv, args.sites), ("reports", reports_csv, args.reports)):
        seconds = heritage(catalogue, "import", kind, str(csv_path))
        written = count_files(catalogue / kind)
        if written != n:
            raise RuntimeError(f"import {kind} wrote {written} files for {n} rows")
        floor_seconds = floor(csv_path, work / f"floor-{kind}", kind)
        if count_files(work / f"floor-{kind}") != n:
            raise RuntimeError(f"the floor for {kind} did not write {n} files")
        target = TARGETS[kind] * n
        for label, s in (
            (f"heritage import {kind}", seconds),
            (f"floor: parse + validate + write ({kind})", floor_seconds),
        ):
            shown_target = f"{target:.1f}" if label.startswith("heritage") else ""
            rows.append(show([label, f"{n:,}", f"{s:.1f}", f"{n / s:,.0f}", shown_target]))
    return rows


def list_rows(args: argparse.Namespace) -> list[list[str]]:
    from synthetic import generate

    catalogue = args.work / f"list-{args.list_sites}"
    if not (catalogue / "catalogue.json").exists():
        generate(catalogue, args.list_sites, 3.0)
    heritage(catalogue, "validate")  # the index is built once, as by any earlier command
    rows = []
    for label, extra in (
        ("list (table, default limit)", ()),
        ("list --limit 0 (table, every site)", ("--limit", "0")),
        ("list --limit 50", ("--limit", "50")),
        ("list --json", ("--json",)),
    ):
        seconds = median_of(3, catalogue, "list", *extra)
        rows.append(show([label, f"{args.list_sites:,}", f"{seconds:.2f}", "", "1.0" if "json" not in label else ""]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--reports", type=int, default=20000)
    parser.add_argument("--list-sites", type=int, default=4000, help="0: no list benchmark")
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-import-bench"))
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| what | rows | seconds | rows/s | target s |")
    print("|---|---:|---:|---:|---:|")
    rows = import_rows(args) if args.sites else []
    if args.list_sites:
        rows += list_rows(args)


if __name__ == "__main__":
    main()

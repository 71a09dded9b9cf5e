"""How long `heritage export FORMAT` takes: reading the catalogue for an audience, then each
format's writer apart, with what a GIS user would otherwise do measured in the same run.

    python benchmarks/export_benchmark.py [--sites 10000] [--reports-per-site 10] [--runs 3]
        [--audience mission] [--work /tmp/heritage-bench]

On a synthetic catalogue (benchmarks/synthetic.py, kept under --work so reruns are cheap):

- read: `Catalogue.open`, `sites()` and `Scope.load` for the audience, in this process (what the
  command does before any writer runs);
- each format's writer (`FORMATS[name].write`) on that scope, so that writing is timed apart from
  reading; the file size of each output;
- the whole command for one format, as a person runs it (`python -m heritage -C CAT export gpkg`,
  a new process: start-up, imports, reading and writing);
- baselines: geopandas writing the same sites' points and four attribute columns with pyogrio to a
  GeoPackage and to GeoJSON (`GeoDataFrame.to_file(engine="pyogrio")`), and a plain `json.dumps`
  of as many simple point features written to a file. The GeoDataFrame and the feature dicts are
  built before the clock starts, as the writers find their scope built.

Every contender runs --runs times, interleaved (one round of all of them, then the next), and the
table gives the median with the min-max. Before a time is trusted its output is read back: the
number of sites in it (gpkg: the "sites" layer's features; geojson: features; csv: rows; kml:
placemarks in the "Now" folder; jsonld: HumanMadeObject nodes; eamena: distinct UNIQUEID) must be
the number of sites the audience sees. `sum(range(10**8))` in a new process is timed before and
after the rounds: a slower figure after means the shared machine was slowed down meanwhile.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TIME = shutil.which("time") or "/usr/bin/time"
# As commands_benchmark: commands run from compiled bytecode, as an installed copy does.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
KML = "{http://www.opengis.net/kml/2.2}"


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop in a new process: the same on a quiet machine."""
    return seconds(lambda: subprocess.run([sys.executable, "-c", "sum(range(10**8))"], check=True))


def run_command(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of one process, by GNU time."""
    result = subprocess.run([TIME, "-f", "%e %M", *command], capture_output=True, text=True, env=ENV)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr[-500:]}")
    wall, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(peak_kb) / 1024


def sites_in(kind: str, path: Path) -> int:
    """How many sites the output at `path` holds, read back as its reader would."""
    if kind == "gpkg":
        import pyogrio

        return int(pyogrio.read_info(path, layer="sites")["features"])
    if kind == "geojson":
        return len(json.loads(path.read_bytes())["features"])
    if kind == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return sum(1 for _ in csv.reader(handle)) - 1
    if kind == "eamena":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return len({row["UNIQUEID"] for row in csv.DictReader(handle)})
    if kind == "kml":
        document = ET.parse(path).getroot().find(f"{KML}Document")
        assert document is not None
        for folder in document.findall(f"{KML}Folder"):
            if (folder.findtext(f"{KML}name") or "").startswith("Now"):
                return len(folder.findall(f"{KML}Placemark"))
        raise RuntimeError(f"{path}: no Now folder")
    if kind == "jsonld":
        return sum(1 for node in json.loads(path.read_bytes())["@graph"] if node.get("type") == "HumanMadeObject")
    if kind == "json":  # the baseline's plain list of features
        return len(json.loads(path.read_bytes())["features"])
    raise ValueError(kind)


def catalogue_folder(work: Path, sites: int, reports_per_site: float) -> Path:
    from synthetic import generate

    folder = work / f"export-{sites}-{reports_per_site:g}"
    if not (folder / "catalogue.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        counts = generate(folder, sites, reports_per_site)
        print(f"generated {counts} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder


def baseline_inputs(scope: Any) -> tuple[Any, list[dict[str, Any]]]:
    """The sites as a GeoDataFrame of points with four columns, and as simple GeoJSON features."""
    import geopandas
    from shapely.geometry import shape

    rows = []
    for site in scope.sites:
        geometry = None
        if site.geometry is not None:
            geometry = shape(site.geometry.model_dump(mode="json", exclude_none=True))
            if geometry.geom_type != "Point":
                geometry = geometry.representative_point()
        current = scope.current(site.id)
        rows.append(
            {
                "id": site.id,
                "name": site.display_name(),
                "type": site.type,
                "condition": current.condition.value if current else "unknown",
                "geometry": geometry,
            }
        )
    frame = geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    features = [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": None if (at := row["geometry"]) is None else {"type": "Point", "coordinates": [at.x, at.y]},
            "properties": {key: row[key] for key in ("name", "type", "condition")},
        }
        for row in rows
    ]
    return frame, features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=10000)
    parser.add_argument("--reports-per-site", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--audience", default="mission")
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-bench"))
    args = parser.parse_args()

    from heritage.exports import FORMATS, Scope
    from heritage.store import Catalogue

    folder = catalogue_folder(args.work, args.sites, args.reports_per_site)
    out = args.work / f"exports-{args.sites}-{args.reports_per_site:g}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    def read() -> Scope:
        catalogue = Catalogue.open(folder)
        return Scope.load(catalogue, list(catalogue.sites()), args.audience)

    # Whatever the first read of a catalogue builds (its index) is built here, outside the rounds.
    first_read = seconds(read)
    scope = read()
    expected = len(scope.sites)
    reports = sum(len(rs) for rs in scope.reports.values())
    frame, features = baseline_inputs(scope)

    def plain_json(path: Path) -> None:
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))

    cli = [sys.executable, "-m", "heritage", "-C", str(folder), "export", "gpkg", "--audience", args.audience, "-q"]
    contenders: list[tuple[str, str, str, Callable[[Path], object]]] = [
        (f"writer: {name}", name, f.suffix, lambda path, f=f: f.write(scope, path)) for name, f in FORMATS.items()
    ]
    contenders += [
        (
            "baseline: geopandas to_file GeoPackage (pyogrio)",
            "gpkg",
            ".gpkg",
            lambda path: frame.to_file(path, layer="sites", engine="pyogrio"),
        ),
        (
            "baseline: geopandas to_file GeoJSON (pyogrio)",
            "geojson",
            ".geojson",
            lambda path: frame.to_file(path, engine="pyogrio"),
        ),
        ("baseline: json.dumps of simple point features", "json", ".json", plain_json),
    ]
    times: dict[str, list[float]] = {"read": []}
    sizes: dict[str, int] = {}
    cli_runs: list[tuple[float, float]] = []
    speed_before = machine_speed()
    for round_number in range(args.runs):
        times["read"].append(seconds(read))
        for label, kind, suffix, write in contenders:
            path = out / f"{label.split(':')[0]}-{kind}{suffix}"
            path.unlink(missing_ok=True)  # GDAL adds layers to a GeoPackage left there
            times.setdefault(label, []).append(seconds(lambda write=write, path=path: write(path)))
            found = sites_in(kind, path)
            if found != expected:
                raise RuntimeError(f"{label}: {found} sites in {path}, expected {expected}")
            sizes[label] = path.stat().st_size
        target = out / f"cli-{round_number}.gpkg"
        cli_runs.append(run_command([*cli, "-o", str(target)]))
        if (found := sites_in("gpkg", target)) != expected:
            raise RuntimeError(f"heritage export gpkg: {found} sites, expected {expected}")
        sizes["cli"] = target.stat().st_size
        done = {label: round(values[-1], 2) for label, values in times.items()}
        print(f"round {round_number + 1} of {args.runs}: {json.dumps(done)}", file=sys.stderr)
    speed_after = machine_speed()

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.runs} interleaved runs"
    )
    print(
        f"Catalogue: {args.sites:,} sites, --reports-per-site {args.reports_per_site:g}; the {args.audience} "
        f"audience sees {expected:,} sites, {reports:,} reports, {len(scope.allegations):,} allegations"
    )
    print(f"`sum(range(10**8))`: {speed_before:.2f} s before the rounds, {speed_after:.2f} s after")
    print(f"First read (untimed in the table: builds what a first read builds): {first_read:.2f} s")
    print()
    print("| what | median s | min-max s | output MB |")
    print("|---|---:|---:|---:|")

    def line(label: str, values: list[float], size: int | None) -> None:
        mb = "" if size is None else f"{size / 1e6:.1f}"
        print(f"| {label} | {statistics.median(values):.2f} | {min(values):.2f}-{max(values):.2f} | {mb} |")

    line(f"read: Catalogue.open + sites() + Scope.load ({args.audience})", times["read"], None)
    for label, *_ in contenders:
        line(label, times[label], sizes[label])
    walls = [wall for wall, _ in cli_runs]
    line(
        f"`heritage export gpkg` end to end (new process; peak {max(p for _, p in cli_runs):.0f} MB)",
        walls,
        sizes["cli"],
    )


if __name__ == "__main__":
    main()

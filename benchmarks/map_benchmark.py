"""How fast `heritage map` builds and opens, against plain folium, in one run.

    python benchmarks/map_benchmark.py [--sizes 1000 10000 100000] [--work /tmp/heritage-bench] [--limit 120]

For each size, a synthetic catalogue (benchmarks/synthetic.py, 3 reports per site on average) is
loaded once; then, from the same records in memory:
- heritage: the offline map (payload, page, file), with every popup, filter and the date slider;
- folium Marker: plain folium, one folium.Marker with a Popup per site;
- folium FastMarkerCluster: folium's plugin for many points (no per-site popups or filters).
Baselines get the same Leaflet inlined from the XStatic packages (a CDN page cannot open here), and
run in a child process stopped after --limit seconds. "ready" is the time from navigation until the
sites are drawn in headless Chromium: `window.heritageReady` for heritage; the load event plus two
animation frames for folium. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def ensure_catalogue(work: Path, sites: int) -> Path:
    from synthetic import generate

    folder = work / f"sites-{sites}"
    if not (folder / "catalogue.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, sites, reports_per_site=3.0)
    return folder


def build_heritage(data: Any, output: Path) -> None:
    from heritage.mapdata import build_payload, paused_gc
    from heritage.webmap import render_map

    with paused_gc():  # as `heritage map` does
        page, _ = render_map(build_payload(data, date(2026, 1, 1)))
    output.write_text(page, encoding="utf-8")


def _baseline(kind: str, points_file: str, output: str) -> None:
    import folium
    from folium.plugins import FastMarkerCluster

    from heritage.offline import make_offline

    points = json.loads(Path(points_file).read_text(encoding="utf-8"))
    the_map = folium.Map(location=[48, 35], zoom_start=5, tiles=None, max_zoom=19)
    if kind == "markers":
        for lat, lon, name in points:
            folium.Marker([lat, lon], popup=folium.Popup(html.escape(name))).add_to(the_map)
    else:
        FastMarkerCluster([[lat, lon] for lat, lon, _ in points]).add_to(the_map)
    make_offline(the_map)
    the_map.save(output)


def build_baseline(kind: str, points_file: Path, output: Path, limit: float) -> float | None:
    """Seconds to build, or None if it ran past the limit."""
    process = multiprocessing.get_context("spawn").Process(target=_baseline, args=(kind, str(points_file), str(output)))
    started = time.perf_counter()
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    if process.exitcode != 0:
        raise RuntimeError(f"{kind} baseline failed (exit {process.exitcode})")
    return time.perf_counter() - started


def ready_seconds(browser: Any, page_file: Path, ours: bool, limit: float) -> float | None:
    from heritage.browser import wait_until

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(page_file.resolve().as_uri(), wait_until="commit", timeout=limit * 1000)
        if ours:
            wait_until(page, "window.heritageReady === true", int(limit * 1000))
            return float(page.evaluate("window.heritageReadyAt")) / 1000
        page.wait_for_load_state("load", timeout=limit * 1000)
        after = page.evaluate(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
        )
        return float(after) / 1000
    except Exception as error:  # a timeout, or a page that crashed under the load
        if "Timeout" in type(error).__name__ or "timeout" in str(error).lower():
            return None
        raise
    finally:
        context.close()


def fmt(value: float | None, limit: float, digits: int = 1) -> str:
    return f">{limit:.0f} s" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-bench"))
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from heritage.browser import CHROMIUM_ARGS, chromium_path
    from heritage.mapdata import load_map_input
    from heritage.store import Catalogue

    rows = []
    chromium = subprocess.run([chromium_path(), "--version"], capture_output=True, text=True).stdout.strip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for sites in args.sizes:
            folder = ensure_catalogue(args.work, sites)
            started = time.perf_counter()
            data = load_map_input(Catalogue.open(folder))
            load_seconds = time.perf_counter() - started
            out = args.work / f"maps-{sites}"
            out.mkdir(exist_ok=True)
            points = [
                [s.geometry.representative[1], s.geometry.representative[0], s.display_name()]
                for s in data.sites
                if s.geometry
            ]
            points_file = out / "points.json"
            points_file.write_text(json.dumps(points), encoding="utf-8")

            ours = out / "heritage.html"
            started = time.perf_counter()
            build_heritage(data, ours)
            build = time.perf_counter() - started
            rows.append(
                (
                    sites,
                    "heritage",
                    build,
                    ours.stat().st_size / 1e6,
                    ready_seconds(browser, ours, True, args.limit),
                    f"catalogue read in {load_seconds:.1f} s",
                )
            )
            for kind, label in (("markers", "folium Marker + Popup"), ("fastcluster", "folium FastMarkerCluster")):
                target = out / f"{kind}.html"
                target.unlink(missing_ok=True)
                seconds = build_baseline(kind, points_file, target, args.limit)
                size = target.stat().st_size / 1e6 if seconds is not None else None
                ready = ready_seconds(browser, target, False, args.limit) if seconds is not None else None
                rows.append((sites, label, seconds, size, ready, "" if seconds is not None else "build stopped"))
            print(f"done: {sites:,} sites", file=sys.stderr)
        browser.close()

    print(
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}, "
        f"{chromium}"
    )
    print()
    print("| sites | map | build s | file MB | ready s | note |")
    print("|---:|---|---:|---:|---:|---|")
    for sites, label, build, size, ready, note in rows:
        size_text = "-" if size is None else f"{size:.1f}"
        print(f"| {sites:,} | {label} | {fmt(build, args.limit)} | {size_text} | {fmt(ready, args.limit)} | {note} |")


if __name__ == "__main__":
    main()

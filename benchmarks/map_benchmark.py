"""How fast the offline map opens and redraws, beside folium's FastMarkerCluster, in one run.

    python benchmarks/map_benchmark.py [--sizes 1000 10000 100000] [--runs 3] [--work /tmp/heritage-bench]

For each size, a synthetic catalogue (benchmarks/synthetic.py, 3 reports per site on average) is
loaded once; from the same records in memory two pages are built:
- heritage: the offline map (every site on one canvas, stacks, popups, filters, date slider);
- folium FastMarkerCluster: folium's plugin for many points (Leaflet.markercluster), coordinates
  only, with a callback of ours that makes a plain L.marker (its default one needs
  L.AwesomeMarkers, which an offline page does not carry: it would throw and draw nothing).
Both get the same Leaflet, inlined from the XStatic packages. The runs are interleaved (heritage,
FastMarkerCluster, heritage...) in one headless Chromium; each page is first CHECKED to have drawn
what it claims (heritage: window.heritageMap counts dots and stacks in view; FastMarkerCluster:
`.marker-cluster` and marker elements in the page), or the run fails. Then, from one common view:
- ready: navigation until drawn (`window.heritageReadyAt`; load event plus two frames for folium);
- zoom, pan: half a second after the view is set, an animated zoom in by one and an animated
  pan of 300 x 200 pixels; the longest interval between animation frames from the start of the
  move until two frames after `moveend` (a redraw holds up the frame it falls in), and the time
  until that last frame ("done");
- heritage's own last redraw (window.heritageMap.lastRedrawMs).
A CPU calibration loop (`python -c "sum(range(10**8))"`) is timed before and after, to show how
busy the machine was. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

VIEW = [48.0, 35.0, 6]  # lat, lon, zoom: the middle of synthetic.REGION, where both pages start
MARKER = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"

# In the page: the longest frame interval while `act` moves the map, and the time to two frames
# after the move ended.
MEASURE = """async ([act, lat, lon, zoom]) => {
  const map = window.heritageApp ? heritageApp.map : Object.values(window).find(v => v instanceof L.Map);
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  map.setView([lat, lon], zoom, { animate: false });
  await frames();
  await new Promise(r => setTimeout(r, 500));  // as a person would look before moving on
  return await new Promise(resolve => {
    const started = performance.now();
    let last = started, worst = 0, done = false;
    const tick = now => { worst = Math.max(worst, now - last); last = now; if (!done) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    map.once("moveend", () => frames().then(() => {
      done = true;
      resolve({ worst: Math.max(worst, performance.now() - last), done: performance.now() - started });
    }));
    if (act === "zoom") map.setZoom(map.getZoom() + 1, { animate: true });
    else map.panBy([300, 200], { animate: true });
  });
}"""

TWO_FRAMES = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"

# What each page has drawn: dots and stacks (heritage), markers and clusters (markercluster).
DRAWN = """() => window.heritageMap ? { marks: heritageMap.drawn + heritageMap.clusters, stacks: heritageMap.clusters,
    redraw: heritageMap.lastRedrawMs } :
  { marks: document.querySelectorAll(".leaflet-marker-icon").length,
    stacks: document.querySelectorAll(".marker-cluster").length, redraw: null }"""


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


def build_fastcluster(points: list[list[float]], output: Path) -> None:
    import folium
    from folium.plugins import FastMarkerCluster

    from heritage.offline import make_offline

    the_map = folium.Map(location=VIEW[:2], zoom_start=VIEW[2], tiles=None)
    # With no tile layer, folium's max_zoom reaches no Leaflet option, and markercluster throws
    # "Map has no maxZoom specified" (and draws nothing) without one.
    the_map.options["max_zoom"] = 19
    FastMarkerCluster(points, callback=MARKER).add_to(the_map)
    make_offline(the_map)
    the_map.save(str(output))


def calibration() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "sum(range(10**8))"], check=True)
    return time.perf_counter() - started


def open_and_measure(browser: Any, page_file: Path, ours: bool, limit: float) -> dict[str, Any]:
    from heritage.browser import wait_until

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(page_file.resolve().as_uri(), wait_until="commit", timeout=limit * 1000)
        if ours:
            wait_until(page, "window.heritageReady === true", int(limit * 1000))
            ready = float(page.evaluate("window.heritageReadyAt"))
        else:
            page.wait_for_load_state("load", timeout=limit * 1000)
            ready = float(page.evaluate(TWO_FRAMES))
        drawn = page.evaluate(DRAWN)
        if errors or drawn["marks"] == 0 or drawn["stacks"] == 0:
            raise RuntimeError(f"{page_file.name} drew nothing to count: {drawn}, errors {errors}")
        zoom = page.evaluate(MEASURE, ["zoom", *VIEW])
        zoom_redraw = page.evaluate(DRAWN)["redraw"]
        pan = page.evaluate(MEASURE, ["pan", *VIEW])
        return {
            "ready": ready,
            "zoom": zoom,
            "pan": pan,
            "drawn": drawn,
            "zoom_redraw": zoom_redraw,
            "pan_redraw": page.evaluate(DRAWN)["redraw"],
        }
    finally:
        context.close()


def median(runs: list[dict[str, Any]], *path: str) -> float | None:
    values = []
    for run in runs:
        value: Any = run
        for key in path:
            value = value[key]
        if value is not None:
            values.append(float(value))
    return statistics.median(values) if values else None


def fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-bench"))
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from heritage.browser import CHROMIUM_ARGS, chromium_path
    from heritage.mapdata import load_map_input
    from heritage.store import Catalogue

    before = calibration()
    rows = []
    chromium = subprocess.run([chromium_path(), "--version"], capture_output=True, text=True).stdout.strip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for sites in args.sizes:
            data = load_map_input(Catalogue.open(ensure_catalogue(args.work, sites)))
            out = args.work / f"maps-{sites}"
            out.mkdir(exist_ok=True)
            points = [[s.lat, s.lon] for s in data.sites if s.lat is not None and s.lon is not None]
            pages = {"heritage": out / "heritage.html", "folium FastMarkerCluster": out / "fastcluster.html"}
            builds = {}
            for label, target in pages.items():
                started = time.perf_counter()
                build_heritage(data, target) if label == "heritage" else build_fastcluster(points, target)
                builds[label] = time.perf_counter() - started
            runs: dict[str, list[dict[str, Any]]] = {label: [] for label in pages}
            for _ in range(args.runs):
                for label, target in pages.items():  # interleaved: one of each in turn
                    runs[label].append(open_and_measure(browser, target, label == "heritage", args.limit))
            for label, target in pages.items():
                rows.append((sites, label, builds[label], target.stat().st_size / 1e6, runs[label]))
            print(f"done: {sites:,} sites", file=sys.stderr)
        browser.close()
    after = calibration()
    print(
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}, "
        f"{chromium}; calibration loop {before:.2f} s before, {after:.2f} s after; medians of {args.runs} runs"
    )
    print(f"Both pages start at lat {VIEW[0]}, lon {VIEW[1]}, zoom {VIEW[2]}, in a 1280 x 800 window.")
    print()
    print(
        "| sites | map | build s | file MB | ready ms | zoom: worst frame ms | zoom done ms | pan: worst frame ms "
        "| pan done ms | redraw ms (zoom, pan) | drawn in view (marks, of them stacks) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for sites, label, build, size, found in rows:
        redraw = f"{fmt(median(found, 'zoom_redraw'), 1)}, {fmt(median(found, 'pan_redraw'), 1)}"
        drawn = found[0]["drawn"]
        print(
            f"| {sites:,} | {label} | {build:.1f} | {size:.1f} | {fmt(median(found, 'ready'))} "
            f"| {fmt(median(found, 'zoom', 'worst'))} | {fmt(median(found, 'zoom', 'done'))} "
            f"| {fmt(median(found, 'pan', 'worst'))} | {fmt(median(found, 'pan', 'done'))} "
            f"| {redraw if label == 'heritage' else '-'} "
            f"| {drawn['marks']:,}, {drawn['stacks']:,} |"
        )


if __name__ == "__main__":
    main()

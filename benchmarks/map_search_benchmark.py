"""How long the map's search list and counts take per change, at scale, in headless Chromium.

    python benchmarks/map_search_benchmark.py [--sites 100000] [--work /tmp/heritage-search-bench]

The sample catalogue's map data, copied over and over (each copy moved a little) up to --sites
sites: real names in four scripts, real histories. For each query it times one change as typing
makes it after the typing delay: the one pass over every site (filters, search, counts); that and
what the panel does after it (the search list, the counts, the unlocated list); and all of it
with the canvas redrawn. Prints a Markdown table of the median of nine runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["a", "sh", "shushi", "Շուշի", "gövhər", "xudaveng", "no such name"]


def scaled_payload(sites: int) -> dict[str, Any]:
    from heritage.mapdata import build_payload, load_map_input
    from heritage.store import Catalogue

    payload = build_payload(load_map_input(Catalogue.open(ROOT)), date(2026, 11, 28))
    columns = payload["sites"]
    n = len(columns["id"])
    copies = -(-sites // n)
    grown: dict[str, list[Any]] = {key: [] for key in columns}
    for copy in range(copies):
        for key, values in columns.items():
            if key == "id":
                grown[key].extend(f"{v}-{copy}" for v in values)
            elif key in ("x", "y"):
                shift = (copy % 60) * 2000 if key == "x" else (copy // 60) * 2000
                grown[key].extend(None if v is None else v + shift for v in values)
            else:
                grown[key].extend(values)
    payload["sites"] = {key: values[:sites] for key, values in grown.items()}
    payload["disputed"] = {}
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-search-bench"))
    args = parser.parse_args()

    from heritage.browser import open_page
    from heritage.webmap import render_map

    args.work.mkdir(parents=True, exist_ok=True)
    page_path = args.work / f"search-{args.sites}.html"
    page_path.write_text(render_map(scaled_payload(args.sites))[0], encoding="utf-8")
    # Three timings of one change: the pass alone, with the panel and the list, and with the canvas.
    timing = """q => { const a = heritageApp, canvas = a.canvas, listeners = a.listeners, out = {};
      for (const [name, c, l] of [["pass", null, []], ["panel", null, listeners], ["all", canvas, listeners]]) {
        a.canvas = c; a.listeners = l; const runs = [];
        for (let k = 0; k < 9; k++) {
          const t = performance.now(); a.filters.query = q; a.applyFilters(); runs.push(performance.now() - t);
        }
        runs.sort((x, y) => x - y); out[name] = runs[4];
      }
      a.canvas = canvas; a.listeners = listeners;
      out.found = a.found.length; out.listed = document.querySelectorAll('#heritage-results li').length;
      return out; }"""
    print(f"{args.sites:,} sites; one change, median of 9 runs, ms\n")
    print("| query | sites found | listed | pass | + panel and list | + canvas |")
    print("|---|---:|---:|---:|---:|---:|")
    with open_page(page_path, timeout_ms=120_000) as (tab, _log):
        for query in [*QUERIES, ""]:
            r = tab.evaluate(timing, query)
            shown = f"`{query}`" if query else "(none)"
            print(f"| {shown} | {r['found']:,} | {r['listed']} | {r['pass']:.0f} | {r['panel']:.0f} | {r['all']:.0f} |")


if __name__ == "__main__":
    main()

"""Screenshot a heritage map as a person sees it (headless Debian Chromium).

    python scripts/screenshot_map.py maps/index.html docs/map.png [--width 1400 --height 900] [--site ID]

With --site, the site's popup (or panel entry, for a site without location) is opened first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from heritage.browser import open_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--site", help="open this site's details before the screenshot")
    args = parser.parse_args()
    with open_page(args.page, args.width, args.height) as (page, log):
        if args.site:
            page.evaluate(
                """id => { const a = heritageApp, i = a.data.sites.id.indexOf(id);
                if (a.data.sites.x[i] !== null) {
                  const lat = a.data.sites.y[i] / 1e5, lon = a.data.sites.x[i] / 1e5;
                  a.map.setView([lat + 0.012, lon - 0.02], 13, {animate: false});
                }
                a.openSite(i); }""",
                args.site,
            )
        page.wait_for_timeout(800)
        args.png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.png))
    problems = log.foreign_requests(args.page.resolve().as_uri()) + log.console_errors + log.page_errors
    print(f"wrote {args.png}" + (f"; page problems: {problems}" if problems else ""))


if __name__ == "__main__":
    main()

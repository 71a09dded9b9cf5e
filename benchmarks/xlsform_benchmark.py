"""How long the phone form (an XLSForm) takes to build and write for many sites.

    python benchmarks/xlsform_benchmark.py [--sizes 10000 100000]

Sites are made in memory with names in four scripts as benchmarks/synthetic.py names them (about
2.8 names a site, so four language columns), each with an area. Rows: building the sheets' rows
(`xlsform.form_sheets`), writing the .xlsx (openpyxl, write-only), both with the cyclic garbage
collector running, and the whole `write_xlsform` (which pauses it).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    from synthetic import _names

    from heritage.models import CatalogueInfo, Site
    from heritage.store import Catalogue
    from heritage.xlsform import form_sheets, write_xlsform, xlsx_bytes

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as work:
        catalogue = Catalogue.create(Path(work) / "cat", CatalogueInfo(name="Bench"))
        print(f"{'sites':>8} {'rows (s)':>9} {'xlsx (s)':>9} {'write_xlsform (s)':>18} {'size (MB)':>10}")
        for size in args.sizes:
            sites = [
                Site.model_validate(
                    {
                        "id": f"site-{n:06d}",
                        "names": _names(rng, n),
                        "location": {"precision": "exact"},
                        "geometry": {"type": "Point", "coordinates": [46.5, 39.5]},
                        "type": "church",
                        "areas": ["Shusha"],
                        "recorded_at": "2026-01-01T00:00:00Z",
                        "recorded_by": "bench",
                    }
                )
                for n in range(size)
            ]
            started = time.perf_counter()
            sheets = form_sheets(catalogue.info, sites)
            built = time.perf_counter()
            data = xlsx_bytes(sheets)
            written = time.perf_counter()
            path = write_xlsform(catalogue, sites, Path(work) / f"form-{size}.xlsx")
            whole = time.perf_counter() - written
            print(f"{size:>8,} {built - started:>9.2f} {written - built:>9.2f} {whole:>18.2f} {len(data) / 1e6:>10.1f}")
            assert path.stat().st_size > 0


if __name__ == "__main__":
    main()

"""How long dossiers and mission packages take, with their fixed costs measured in the same run.

    python benchmarks/package_benchmark.py [--sites 1000] [--work /tmp/heritage-bench] [--pdf-sample 20]

On a synthetic catalogue (benchmarks/synthetic.py): one dossier as HTML and as PDF (medians), and
a mission package of every site, as HTML only and with PDFs. With PDFs, a package of --pdf-sample
sites is measured and the full package estimated from it (--pdf-sample 0 runs it in full).
Baselines in the same run: loading the map's records through the index (the floor for anything
that reads the whole catalogue) and WeasyPrint rendering a one-line page (the PDF engine's fixed
cost per document).
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def seconds(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-bench"))
    parser.add_argument("--pdf-sample", type=int, default=20)
    args = parser.parse_args()
    from synthetic import generate

    from heritage.dossier import Shared, build_dossier, write_pdf
    from heritage.mapdata import load_map_input
    from heritage.mission import export_mission
    from heritage.store import Catalogue

    folder = args.work / f"sites-{args.sites}"
    if not (folder / "catalogue.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        generate(folder, args.sites, reports_per_site=3.0)
    catalogue = Catalogue.open(folder)
    out = args.work / f"packages-{args.sites}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rows = []
    rows.append(("baseline: the map's records (through the index)", seconds(lambda: load_map_input(catalogue)), ""))
    rows.append(
        (
            "baseline: WeasyPrint, one-line page",
            statistics.median(seconds(lambda: write_pdf("<p>x</p>", out / "x.pdf")) for _ in range(3)),
            "",
        )
    )
    shared = Shared.load(catalogue)
    sites = list(catalogue.sites())
    html = [seconds(lambda s=s: build_dossier(catalogue, s.id, out / "one", shared=shared)) for s in sites[:25]]
    rows.append(("one dossier, HTML (median of 25)", statistics.median(html), ""))
    pdf = [seconds(lambda s=s: build_dossier(catalogue, s.id, out / "one", pdf=True, shared=shared)) for s in sites[:5]]
    rows.append(("one dossier, HTML + PDF (median of 5)", statistics.median(pdf), ""))
    rows.append(
        (
            f"mission package, {len(sites):,} sites, HTML only",
            seconds(lambda: export_mission(catalogue, "bench", sites, out / "html", pdf=False)),
            "",
        )
    )
    html_package = rows[-1][1]
    if args.pdf_sample <= 0:
        rows.append(
            (
                f"mission package, {len(sites):,} sites, with PDFs",
                seconds(lambda: export_mission(catalogue, "bench", sites, out / "pdf", pdf=True)),
                "",
            )
        )
    else:
        sample = sites[: args.pdf_sample]
        with_pdf = seconds(lambda: export_mission(catalogue, "bench", sample, out / "pdf", pdf=True))
        without = seconds(lambda: export_mission(catalogue, "bench", sample, out / "pdf-html", pdf=False))
        rows.append((f"mission package, {len(sample)} sites, with PDFs", with_pdf, ""))
        per_site = (with_pdf - without) / len(sample)
        rows.append(
            (
                f"mission package, {len(sites):,} sites, with PDFs",
                html_package + per_site * len(sites),
                f"estimated: the HTML package + {per_site:.2f} s of PDF per site, as measured on "
                f"{len(sample)} (run --pdf-sample 0 to measure it all)",
            )
        )

    print(f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}")
    print()
    print("| what | seconds | note |")
    print("|---|---:|---|")
    for label, value, note in rows:
        print(f"| {label} | {value:.3f} | {note} |")


if __name__ == "__main__":
    main()

"""How long `heritage import submissions` takes for a phone's worth of filled forms, against
`heritage import reports` of the same reports from a CSV, measured in the same run.

    python benchmarks/submissions_benchmark.py [--sites 10000] [--submissions 1000 10000]

A synthetic catalogue of N sites (`benchmarks/synthetic.py`, 3 reports a site on average) is made
once and indexed by a `heritage validate`; every import then goes into a fresh copy of it. The
submissions are in ODK Collect's folder shape (`instances/<form>_<date>_<time>/<same>.xml` with
the photos beside it), each instance filled from the blank instance that pyxform makes of the
form `heritage.xlsform` writes for the catalogue's sites (as tests/test_field_roundtrip.py does):
a listed site, the observer standing at it, 0 to 2 small JPEG photos with the EXIF a phone
camera writes (about one a submission).

Rows, each a new process (GNU time: wall seconds and peak memory):
- `import submissions` of the folder, first run: every submission becomes a report, a
  field-visit source and its photos' evidence files, in one journal commit;
- the same command again, which finds every submission already in the catalogue and adds nothing;
- baseline: `import reports` of a CSV holding the same reports (site, day, condition, method
  field_visit, one cited source), no photos, into another copy of the same catalogue.

A time counts only once its work is checked: the first import stored M reports and as many
evidence files as there are photos, the rerun stored nothing more, the baseline stored M reports.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from xml.etree import ElementTree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(
    0, str(HERE.parent / "tests")
)  # fieldvisits: a filled form as ODK Collect saves it, as the tests make one

from fieldvisits import collect_instance, primary_instance  # noqa: E402

TIME = shutil.which("time") or "/usr/bin/time"
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
SOURCE = "src-benchmark-visits"
CONDITIONS = ["intact", "minor_damage", "damaged", "severe_damage", "destroyed"]


def run(*command: str) -> tuple[float, float, str]:
    """(wall seconds, peak MB, stdout) of one process; a failure stops the benchmark."""
    result = subprocess.run([TIME, "-f", "%e %M", *command], capture_output=True, text=True, env=ENV)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr[-800:]}")
    wall, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(peak_kb) / 1024, result.stdout


def heritage(catalogue: Path, *args: str) -> tuple[float, float, str]:
    return run(sys.executable, "-m", "heritage", "--catalogue", str(catalogue), *args)


def blank_instance(catalogue: Path, work: Path) -> ElementTree.Element:
    """The blank instance of the XForm that pyxform makes of heritage's form for this catalogue."""
    from pyxform.xls2xform import convert

    from heritage.store import Catalogue
    from heritage.xlsform import write_xlsform

    opened = Catalogue.open(catalogue)
    form = write_xlsform(opened, opened.sites(), work / "condition.xlsx", title="Benchmark")
    converted = convert(xlsform=str(form), warnings=[])
    return primary_instance(converted.xform)


def jpeg(taken: str, number: int) -> bytes:
    """A small real JPEG with a phone camera's EXIF; the number makes each one's bytes its own."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Google", f"Pixel 7 #{number}"
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    exif.get_ifd(0x8769)[0x9011] = "+04:00"  # OffsetTimeOriginal
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (number % 251, (number // 251) % 251, 90)).save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def write_submissions(
    catalogue: Path, blank: ElementTree.Element, count: int, instances: Path, reports_csv: Path, seed: int = 3
) -> int:
    """`count` Collect instances and the CSV of the same reports; returns the number of photos."""
    from heritage.store import Catalogue

    rng = random.Random(seed)
    points = {s.id: s.geometry.coordinates for s in Catalogue.open(catalogue).sites() if s.geometry is not None}
    sites = sorted(points)
    photos = 0
    with reports_csv.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["site", "observed", "condition", "method", "credibility", "sources", "notes"])
        for n in range(count):
            site = sites[rng.randrange(len(sites))]
            lon, lat = points[site][:2]
            day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
            condition = rng.choice(CONDITIONS)
            clock = f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
            answers = {
                "start": f"{day}T{clock}:05.120+04:00",  # the metadata Collect fills by itself
                "end": f"{day}T{clock}:58.940+04:00",
                "deviceid": "collect:BenchmarkPhone01",
                "site": site,
                "visit_date": day,
                "visit_time": f"{clock}:00.000+04:00",
                "access": "full",
                "condition": condition,
                "certainty": "confirmed",
                "observer": f"Team {n % 7}",
                "position": f"{lat} {lon} 900 5",
                "notes": f"Visit {n}: walls checked from the path.",
            }
            shots = [(f"{1770000000000 + n * 10 + k}.jpg", f"Photo {k} of visit {n}") for k in range(rng.randint(0, 2))]
            folder = instances / f"heritage_condition_{day}_{n // 3600:02d}-{n // 60 % 60:02d}-{n % 60:02d}"
            folder.mkdir(parents=True)
            instance = f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
            (folder / f"{folder.name}.xml").write_text(
                collect_instance(blank, answers, shots, instance), encoding="utf-8"
            )
            for name, _caption in shots:
                (folder / name).write_bytes(jpeg(f"{day.replace('-', ':')} 12:00:00", photos))
                photos += 1
            out.writerow([site, day, condition, "field_visit", 5, f"{SOURCE}:visit {n}", answers["notes"]])
    return photos


def count(folder: Path, suffix: str = "") -> int:
    return sum(
        len([n for n in names if not n.startswith(".") and n.endswith(suffix)]) for _, _, names in os.walk(folder)
    )


def fresh_copy(original: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(original, target, symlinks=True)
    return target


def show(row: list[str]) -> None:
    print("| " + " | ".join(row) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, nargs="+", default=[10_000])
    parser.add_argument("--submissions", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/heritage-submissions-bench"))
    args = parser.parse_args()
    from synthetic import generate

    speed = run(sys.executable, "-c", "sum(range(10**8))")[0]
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, ", end="")
    print(f"calibration sum(range(10**8)) {speed:.2f} s\n")
    print("| sites | submissions | what | wall s | per submission ms | peak MB | stored |")
    print("|---:|---:|---|---:|---:|---:|---|")
    for sites in args.sites:
        work = args.work / f"sites-{sites}"
        original = work / "catalogue"
        if not (original / "catalogue.json").exists():
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            generate(original, sites, 3.0)
            heritage(original, "source", "add", "--id", SOURCE, "--title", "Field visits", "--kind", "field_visit")
            heritage(original, "validate")  # the index built once, as by any earlier command
        # A catalogue in use has seen an import before: the one-time filling of the index's content
        # keys (which import reports' duplicate check reads) is not put on the baseline's time.
        warm = work / "warm-up.csv"
        warm.write_text(f"site,observed,condition,method,credibility,sources\nsite-0000000,2020-01-01,intact,"
                        f"field_visit,5,{SOURCE}:warm-up\n", encoding="utf-8")  # fmt: skip
        heritage(original, "import", "reports", str(warm))
        blank = blank_instance(original, work)
        reports_before = count(original / "reports", ".json")
        sources_before = count(original / "sources", ".json")
        for size in args.submissions:
            phone, reports_csv = work / f"phone-{size}", work / f"reports-{size}.csv"
            shutil.rmtree(phone, ignore_errors=True)
            photos = write_submissions(original, blank, size, phone / "instances", reports_csv)
            target = fresh_copy(original, work / "into-submissions")
            label = [f"{sites:,}", f"{size:,}"]
            for what in ("import submissions (first run)", "import submissions (rerun, adds nothing)"):
                wall, peak, _ = heritage(target, "import", "submissions", str(phone / "instances"))
                stored = count(target / "reports", ".json") - reports_before
                records = count(target / "evidence", ".json")
                evidence = count(target / "evidence") - records  # the photos' bytes, beside their records
                visits = count(target / "sources", ".json") - sources_before
                if stored != size or visits != size or evidence != photos or records != photos:
                    raise RuntimeError(
                        f"{what}: {stored} reports, {visits} sources, {evidence} photos, {records} evidence records;"
                        f" wanted {size}, {size}, {photos}, {photos}"
                    )
                done = f"{stored:,} reports, {evidence:,} photos"
                show([*label, what, f"{wall:.1f}", f"{wall / size * 1000:.1f}", f"{peak:.0f}", done])
            baseline = fresh_copy(original, work / "into-reports")
            wall, peak, _ = heritage(baseline, "import", "reports", str(reports_csv))
            stored = count(baseline / "reports", ".json") - reports_before
            if stored != size:
                raise RuntimeError(f"import reports stored {stored} reports for {size} rows")
            what = "baseline: import reports, same reports as CSV, no photos"
            show([*label, what, f"{wall:.1f}", f"{wall / size * 1000:.1f}", f"{peak:.0f}", f"{stored:,} reports"])


if __name__ == "__main__":
    main()

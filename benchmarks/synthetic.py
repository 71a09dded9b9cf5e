"""A realistic synthetic catalogue of N sites, written in the real on-disk layout.

    python benchmarks/synthetic.py OUT --sites 100000 [--reports-per-site 10] [--seed 1]

Names in several scripts (English, Armenian, Azerbaijani Latin, Russian Cyrillic), every site type
and tradition, 2 % without location and 10 % approximate, 1 to 30 reports per site around the
mean asked for (windows between two images, corrections that supersede), allegations by both parties on
about 10 % of sites, and sources shared between reports. Records are written as the tool writes
them (the same serializer), without going through validation, so that big catalogues are quick to
make; `heritage validate` accepts them.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from heritage import layout
from heritage.codec import _prune, dumps
from heritage.models.vocab import SITE_TYPES, TRADITIONS, AllegedAct, Condition, Method

REGION = (22.0, 44.0, 48.0, 52.0)  # a region the size of Ukraine and the Caucasus together
RECORDED_AT = "2026-01-01T00:00:00Z"
ARMENIAN = "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ"
CYRILLIC = "абвгдежзиклмнопрстуфхцчшэюя"
LATIN_AZ = "abcçdeəfgğhxıijkqlmnoöprsştuüvyz"
WORDS = ["church", "monastery", "mosque", "chapel", "cemetery", "bridge", "fortress", "tomb", "shrine", "tower"]


def _word(rng: random.Random, letters: str, low: int = 4, high: int = 9) -> str:
    return "".join(rng.choice(letters) for _ in range(rng.randint(low, high))).capitalize()


def _names(rng: random.Random, n: int) -> list[dict[str, str]]:
    base = _word(rng, "abcdefghijklmnoprstuvyz")
    names = [{"lang": "en", "text": f"{base} {rng.choice(WORDS)} {n}"}]
    if rng.random() < 0.8:
        names.append({"lang": "hy", "text": f"{_word(rng, ARMENIAN)} {_word(rng, ARMENIAN, 3, 6)}"})
    if rng.random() < 0.6:
        names.append({"lang": "az", "text": f"{_word(rng, LATIN_AZ)} {_word(rng, LATIN_AZ, 3, 6)}"})
    if rng.random() < 0.4:
        names.append({"lang": "ru", "text": f"{_word(rng, CYRILLIC)} {_word(rng, CYRILLIC, 3, 6)}"})
    return names


def _write(path: Path, document: dict[str, Any]) -> None:
    path.write_bytes(dumps(_prune(document)))


def generate(out: Path, sites: int, reports_per_site: float = 3.0, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    for folder in layout.FOLDERS:
        (out / folder).mkdir(parents=True, exist_ok=True)
    _write(
        layout.catalogue_file(out),
        {
            "format": 1,
            "name": f"Synthetic catalogue, {sites:,} sites",
            "region": list(REGION),
            "parties": [{"id": "party-a", "name": "Party A"}, {"id": "party-b", "name": "Party B"}],
        },
    )
    source_ids = [f"src-{n:06d}" for n in range(max(10, sites // 20))]
    for number, source_id in enumerate(source_ids):
        kind = rng.choice(["news", "ngo_report", "satellite_image", "government_statement", "photo"])
        document: dict[str, Any] = {
            "id": source_id,
            "kind": kind,
            "title": f"Source {number}: {_word(rng, 'abcdefghiklmnoprstu', 5, 12)}",
            "publisher": rng.choice(["Agency A", "Agency B", "Monitoring Lab", "Ministry A", "Ministry B"]),
            "url": f"https://example.org/source/{number}",
            "reliability": rng.choice("ABCDEF"),
            "recorded_at": RECORDED_AT,
            "recorded_by": "synthetic",
        }
        if kind == "satellite_image":
            document["satellite"] = {"provider": "Provider", "acquired_on": "2022-06-01"}
        if kind == "government_statement":
            document["party"] = rng.choice(["party-a", "party-b"])
        _write(layout.source_file(out, source_id), document)

    types, traditions = list(SITE_TYPES), list(TRADITIONS)
    # How often each condition is drawn; conditions not named here are not drawn.
    shares = {"intact": 30, "minor_damage": 15, "damaged": 5, "moderate_damage": 10, "severe_damage": 10}
    shares |= {"destroyed": 8, "altered": 6, "threatened": 4, "unknown": 17}
    conditions = [c.value for c in Condition if c.value in shares]
    weights = [shares[c] for c in conditions]
    counts = {"sites": 0, "reports": 0, "allegations": 0, "sources": len(source_ids)}
    first, span = date(2014, 1, 1), (date(2025, 12, 31) - date(2014, 1, 1)).days
    for n in range(sites):
        site_id = f"site-{n:07d}"
        roll = rng.random()
        precision = "unknown" if roll < 0.02 else "approximate" if roll < 0.12 else "exact"
        lon = round(rng.uniform(REGION[0], REGION[2]), 6)
        lat = round(rng.uniform(REGION[1], REGION[3]), 6)
        properties: dict[str, Any] = {
            "names": _names(rng, n),
            "type": rng.choice(types),
            "tradition": rng.choice(traditions),
            "location": {
                "precision": precision,
                "uncertainty_m": rng.choice([100, 250, 500, 1000, 2000]) if precision == "approximate" else None,
            },
            "period": {"label": f"{rng.randint(5, 20)}th century"},
            "areas": [f"District {n % 300}"],
            "recorded_at": RECORDED_AT,
            "recorded_by": "synthetic",
        }
        geometry = None if precision == "unknown" else {"type": "Point", "coordinates": [lon, lat]}
        _write(
            layout.site_file(out, site_id),
            {"type": "Feature", "id": site_id, "geometry": geometry, "properties": properties},
        )
        counts["sites"] += 1
        folder = layout.site_reports_folder(out, site_id)
        folder.mkdir(exist_ok=True)
        previous: str | None = None
        # 1 to 30 reports, most sites few, some many (mean close to reports_per_site).
        count = min(30, 1 + int(rng.expovariate(1 / max(reports_per_site - 1, 0.1))))
        days = sorted(rng.randrange(span) for _ in range(count))
        for k, day in enumerate(days):
            report_id = f"r-{n:07d}-{k:02d}"
            end = first + timedelta(days=day)
            observed = (
                f"{(end - timedelta(days=rng.randint(20, 200))).isoformat()}/{end.isoformat()}"
                if rng.random() < 0.2
                else end.isoformat()
            )
            report = {
                "id": report_id,
                "site": site_id,
                "observed": observed,
                "method": rng.choice(list(Method)).value,
                "condition": rng.choices(conditions, weights)[0],
                "credibility": rng.randint(1, 6),
                "sources": [{"source": rng.choice(source_ids)}],
                "recorded_at": RECORDED_AT,
                "recorded_by": "synthetic",
                "supersedes": previous if previous and rng.random() < 0.05 else None,
            }
            _write(folder / f"{report_id}.json", report)
            previous = report_id
            counts["reports"] += 1
        if rng.random() < 0.1:
            claimant, accused = rng.sample(["party-a", "party-b"], 2)
            made = first + timedelta(days=rng.randrange(span))
            _write(
                layout.allegation_file(out, f"a-{n:07d}"),
                {
                    "id": f"a-{n:07d}",
                    "claimant": {"name": f"Ministry of {claimant}", "kind": "government", "party": claimant},
                    "made_on": made.isoformat(),
                    "source": {"source": rng.choice(source_ids)},
                    "sites": [site_id],
                    "acts": [rng.choice(list(AllegedAct)).value],
                    "alleged_perpetrator": {"party": accused},
                    "summary": "Says the site was damaged.",
                    "recorded_at": RECORDED_AT,
                    "recorded_by": "synthetic",
                },
            )
            counts["allegations"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--reports-per-site", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    started = time.perf_counter()
    counts = generate(args.out, args.sites, args.reports_per_site, args.seed)
    print(f"wrote {counts} to {args.out} in {time.perf_counter() - started:.1f} s (pid {os.getpid()})")


if __name__ == "__main__":
    main()

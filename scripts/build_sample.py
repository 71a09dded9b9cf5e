"""Rebuild the sample catalogue (catalogue.json, sites/, sources/, reports/, allegations/).

    python scripts/build_sample.py [--reference scripts/sample/reference] [--out .]

Input: `nk_sites.csv` and `nk_events.csv` in `scripts/sample/reference/` (34 sites and 71 events
compiled from public pages; its README says where they come from) and, in `scripts/sample/`,
every decision those files leave open, as tables an analyst can review in a spreadsheet:

    sites.csv      per site: id, areas, type and tradition keys, location precision, Azerbaijani names
    observed.csv   per observed event (by its line in nk_events.csv): condition, method, effects, causes
    alleged.csv    per alleged event: claimant, party, dates, acts, alleged perpetrator, what it answers
    disputes.json  contested attributions, each side's view with who holds it
    translations.json  the phone form's labels in Russian (catalogue.json `translations`)
    letter.json    the UN letter of 12 January 2021 as a source, and its claims in our own words

The catalogue is built in a temporary folder with the `heritage` command itself (init, source add,
import sites, site add, import reports, allegation add), validated, and only then copied over the
sample in --out. Ids and timestamps are fixed, so a rerun on the same input changes no file.
Nothing is graded (reliability F, credibility 6); a source speaks for a party only when it is an
official body or a state-owned outlet of that party.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from heritage import recording
from heritage.cli import cli
from heritage.ids import slugify

HERE = Path(__file__).resolve().parent
DECISIONS = HERE / "sample"
RECORDED_AT = "2026-11-28T00:00:00Z"
RECORDED_BY = "sample build (scripts/build_sample.py)"
RESEALED_AT = "2026-12-08T03:13:12.743509Z"  # when `heritage migrate` resealed the shipped sample
NAME = "Nagorno-Karabakh and surrounding districts: sample catalogue"
REGION = "45.4,38.8,47.8,40.8"
DESCRIPTION = (
    "34 religious and cultural heritage sites and 71 observed or alleged events compiled from public pages, "
    "with the allegations of the UN letter of 12 January 2021. Sources are not yet graded (reliability F, "
    "credibility 6). A source has a party only when it is an official body or a state-owned outlet of it."
)
PARTIES = {  # id: (name, description)
    "armenia": ("Armenian side", "Armenia, and the de facto Nagorno-Karabakh authorities until 2023"),
    "azerbaijan": ("Azerbaijani side", "Azerbaijan"),
}
# Sources that speak for a party (official bodies, state-owned news outlets), and languages.
PARTY_OUTLETS = {
    "president.az": "azerbaijan",
    "shusha.gov.az": "azerbaijan",
    "azerbaijan.travel": "azerbaijan",
    "religions.az": "azerbaijan",
    "armenpress.am": "armenia",
    "armradio.am": "armenia",
}
LANGUAGES = {
    "noek.info": "de",
    "de.wiki": "de",
    "dnhewrhegkli": "de",
    "defr.abcdef": "de",
    "wiki7.org": "ru",
    "christianophobie": "fr",
    "metbuat.az": "az",
    "report.az/qarabag": "az",
}
NGO_MARKERS = ("storymaps", "monumentwatch", "karabakhrecords", "fip.am", "hakobavank", "heydar-aliyev-foundation")
GOVERNMENT_MARKERS = ("president.az", "shusha.gov.az", "azerbaijan.travel")


def table(name: str) -> list[dict[str, str]]:
    with (DECISIONS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


class Builder:
    """Runs `heritage` commands in this process against one catalogue folder."""

    def __init__(self, folder: Path, work: Path) -> None:
        self.folder, self.work = folder, work

    def run(self, *args: str) -> str:
        result = CliRunner(env={"HERITAGE_USER": RECORDED_BY}).invoke(
            cli, ["--catalogue", str(self.folder), *args], catch_exceptions=False
        )
        if result.exit_code != 0:
            sys.exit(f"heritage {' '.join(args[:3])} ... failed:\n{result.output}")
        return result.output.strip()

    def add_file(self, kind: str, name: str, document: dict[str, Any]) -> str:
        path = self.work / f"{kind}-{name}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return self.run(kind, "add", "--file", str(path), "--as-recorded")


def source_document(url: str, title: str) -> dict[str, Any]:
    text = (title + " " + url).lower()
    if "wikipedia" in text:
        kind = "encyclopedia"
    elif any(marker in text for marker in NGO_MARKERS):
        kind = "ngo_report"
    elif any(marker in text for marker in GOVERNMENT_MARKERS):
        kind = "government_statement"
    elif "ulduztourism" in text:
        kind = "other"
    else:
        kind = "news"
    party = next((p for marker, p in PARTY_OUTLETS.items() if marker in text), None)
    language = next((lang for marker, lang in LANGUAGES.items() if marker in text), "en")
    publisher = (title.split(":")[0] if ":" in title else title.split("(")[0]).strip()
    document = {
        "title": title,
        "url": url,
        "kind": kind,
        "language": language,
        "publisher": publisher,
        "reliability": "F",
        "recorded_at": RECORDED_AT,
    }
    return document | ({"party": party} if party else {})


def add_sources(builder: Builder, events: list[dict[str, str]]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for event in events:
        url = event["source_url"]
        if url not in ids:
            base, number = "src-" + slugify(event["source_title"], 40), 2
            candidate = base
            while candidate in ids.values():
                candidate, number = f"{base}-{number}", number + 1
            ids[url] = builder.add_file(
                "source", candidate, source_document(url, event["source_title"]) | {"id": candidate}
            )
    return ids


def add_sites(builder: Builder, reference: Path) -> dict[str, str]:
    """Sites a CSV row can describe go in through `import sites`; those with several names in one
    language or contested attributions go in whole through `site add --file` (records are never
    rewritten, so nothing can be added to them afterwards)."""
    rows = list(csv.DictReader((reference / "nk_sites.csv").open(encoding="utf-8")))
    decisions = {d["name_en"]: d for d in table("sites.csv")}
    disputes = json.loads((DECISIONS / "disputes.json").read_text(encoding="utf-8"))["disputes"]
    if set(decisions) != {row["name_en"] for row in rows}:
        sys.exit("scripts/sample/sites.csv does not list exactly the sites of nk_sites.csv")
    plain, site_ids = [], {}
    for row in rows:
        decided = decisions[row["name_en"]]
        site_ids[row["name_en"]] = decided["id"]
        az_names = split(decided["az_names"])
        if decided["id"] in disputes or len(az_names) > 1 or decided["az_note"]:
            builder.add_file(
                "site", decided["id"], site_feature(row, decided, az_names, disputes.get(decided["id"], []))
            )
        else:
            plain.append(import_row(row, decided, az_names))
    sites_csv = builder.work / "sites.csv"
    with sites_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(plain[0]))
        writer.writeheader()
        writer.writerows(plain)
    builder.run("import", "sites", str(sites_csv), "--as-recorded")
    return site_ids


def period_years(label: str) -> tuple[int | None, int | None]:
    """'13th (1216-1238)' -> (1201, 1300); '1st c. BCE – 13th/14th CE' -> (-100, 1400)."""
    import re

    found = [(int(m[1]), "BCE" in label[m.end() : m.end() + 8]) for m in re.finditer(r"(\d{1,2})(st|nd|rd|th)", label)]
    if not found:
        return None, None
    (first, first_bce), (last, last_bce) = found[0], found[-1]
    start = -first * 100 if first_bce else (first - 1) * 100 + 1
    end = -(last - 1) * 100 - 1 if last_bce else last * 100
    return start, end


def import_row(row: dict[str, str], decided: dict[str, str], az_names: list[str]) -> dict[str, str]:
    start, end = period_years(row["century"])
    return {
        "id": decided["id"],
        "name:en": row["name_en"],
        "name:hy": row["name_hy"],
        "name:az": az_names[0] if az_names else "",
        "lat": row["lat"],
        "lon": row["lon"],
        "location_source": row["coord_source"],
        "type": decided["type"],
        "tradition": decided["tradition"],
        "period": row["century"],
        "period_start": str(start or ""),
        "period_end": str(end or ""),
        "precision": decided["precision"],
        "uncertainty_m": decided["uncertainty_m"],
        "areas": decided["areas"],
        "description": row["notes"],
        "recorded_at": RECORDED_AT,
    }


def site_feature(
    row: dict[str, str], decided: dict[str, str], az_names: list[str], disputes: list[dict[str, Any]]
) -> dict[str, Any]:
    names = [{"lang": "en", "text": row["name_en"]}]
    names += [{"lang": "hy", "text": row["name_hy"]}] if row["name_hy"] else []
    names += [
        {"lang": "az", "text": text} | ({"note": decided["az_note"]} if decided["az_note"] else {}) for text in az_names
    ]
    located = bool(row["lat"])
    location: dict[str, Any] = {
        "precision": decided["precision"] or ("exact" if located else "unknown"),
        "source": row["coord_source"],
    }
    if decided["uncertainty_m"]:
        location["uncertainty_m"] = float(decided["uncertainty_m"])
    start, end = period_years(row["century"])
    period = {"label": row["century"]} | ({"start_year": start, "end_year": end} if start is not None else {})
    properties = {
        "names": names,
        "location": location,
        "type": decided["type"],
        "tradition": decided["tradition"],
        "areas": split(decided["areas"]),
        "description": row["notes"],
        "disputes": disputes,
        "period": period,
        "recorded_at": RECORDED_AT,
    }
    geometry = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]} if located else None
    return {"type": "Feature", "id": decided["id"], "geometry": geometry, "properties": properties}


def add_reports(
    builder: Builder, events: list[dict[str, str]], site_ids: dict[str, str], source_ids: dict[str, str]
) -> None:
    decided = {int(d["event_line"]): d for d in table("observed.csv")}
    observed = {line for line, e in enumerate(events, start=2) if e["observed_or_alleged"] == "observed"}
    if set(decided) != observed:
        sys.exit("scripts/sample/observed.csv does not cover exactly the observed events")
    reports_csv = builder.work / "reports.csv"
    with reports_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle,
            [
                "id",
                "site",
                "observed",
                "observed_by",
                "method",
                "condition",
                "effects",
                "causes",
                "sources",
                "notes",
                "recorded_at",
            ],
        )
        writer.writeheader()
        for line in sorted(decided):
            event, choice = events[line - 2], decided[line]
            site_id = site_ids[event["site_name_en"]]
            when = choice["observed"] or event["event_date"]
            notes = event["description"] + (f" [{choice['note']}]" if choice["note"] else "")
            writer.writerow(
                {
                    "id": f"r-{site_id}-{slugify(when)}",
                    "site": site_id,
                    "observed": when,
                    "observed_by": event["claimant_or_observer"],
                    "method": choice["method"],
                    "condition": choice["condition"],
                    "effects": choice["effects"],
                    "causes": choice["causes"],
                    "sources": source_ids[event["source_url"]],
                    "notes": notes,
                    "recorded_at": RECORDED_AT,
                }
            )
    builder.run("import", "reports", str(reports_csv), "--as-recorded")


def add_allegations(
    builder: Builder, events: list[dict[str, str]], site_ids: dict[str, str], source_ids: dict[str, str]
) -> None:
    decided = table("alleged.csv")
    claimed = {line for line, e in enumerate(events, start=2) if e["observed_or_alleged"] != "observed"}
    if {int(d["event_line"]) for d in decided} != claimed:
        sys.exit("scripts/sample/alleged.csv does not cover exactly the alleged and disputed events")
    ids: dict[str, str] = {}
    for choice in decided:  # in file order: a response comes after the claim it answers
        event = events[int(choice["event_line"]) - 2]
        site_id = site_ids[event["site_name_en"]]
        suffix = choice["key"].split("-", 1)[1] if "-" in choice["key"] else ""
        allegation_id = f"a-{site_id}-{slugify(choice['made_on'])}-{int(choice['event_line']) - 2:02d}"
        allegation_id += f"-{suffix}" if suffix else ""
        claimant = {"name": choice["claimant"], "kind": choice["claimant_kind"], "party": choice["party"]}
        perpetrator = {"name": choice["perpetrator"], "party": choice["perpetrator_party"]}
        document: dict[str, Any] = {
            "id": allegation_id,
            "claimant": {k: v for k, v in claimant.items() if v},
            "made_on": choice["made_on"],
            "source": {"source": source_ids[event["source_url"]]},
            "sites": [site_id],
            "acts": split(choice["acts"]),
            "summary": choice["summary"] or event["description"],
            "recorded_at": RECORDED_AT,
        }
        if choice["alleged_period"]:
            document["alleged_period"] = choice["alleged_period"]
        if any(perpetrator.values()):
            document["alleged_perpetrator"] = {k: v for k, v in perpetrator.items() if v}
        if choice["responds_to"]:
            document["responds_to"] = ids[choice["responds_to"]]
        ids[choice["key"]] = builder.add_file("allegation", allegation_id, document)


def add_letter(builder: Builder) -> None:
    letter = json.loads((DECISIONS / "letter.json").read_text(encoding="utf-8"))
    builder.add_file("source", "letter", letter["source"] | {"recorded_at": RECORDED_AT})
    for claim in letter["allegations"]:
        document = {
            "id": claim["id"],
            "claimant": {"name": "Ministry of Foreign Affairs of Armenia", "kind": "government", "party": "armenia"},
            "made_on": letter["source"]["published"],
            "source": {"source": letter["source"]["id"], "locator": claim["locator"]},
            "area": {"type": "Polygon", "coordinates": [letter["area"]]},
            "acts": claim["acts"],
            "alleged_perpetrator": {"party": "azerbaijan"},
            "alleged_period": claim["alleged_period"],
            "summary": claim["summary"],
            "legal_references": claim["legal_references"],
            "recorded_at": RECORDED_AT,
        }
        builder.add_file("allegation", claim["id"], {k: v for k, v in document.items() if v})


def build(reference: Path, folder: Path, work: Path) -> None:
    builder = Builder(folder, work)
    CliRunner().invoke(
        cli,
        [
            "init",
            str(folder),
            "--name",
            NAME,
            "--region",
            REGION,
            *(f"--party={key}={name}" for key, (name, _) in PARTIES.items()),
        ],
        catch_exceptions=False,
    )
    info = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    info.pop("seal")  # built under the seals it was first built with, then resealed as it was (below)
    (folder / "catalogue.json").write_text(
        json.dumps(
            info
            | {
                "description": DESCRIPTION,
                "parties": [{"id": key, "name": name, "description": about} for key, (name, about) in PARTIES.items()],
                "translations": json.loads((DECISIONS / "translations.json").read_text(encoding="utf-8")),
            },
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    (folder / "README.md").unlink()  # the repository's README describes the layout
    events = list(csv.DictReader((reference / "nk_events.csv").open(encoding="utf-8")))
    source_ids = add_sources(builder, events)
    site_ids = add_sites(builder, reference)
    add_reports(builder, events, site_ids, source_ids)
    add_allegations(builder, events, site_ids, source_ids)
    add_letter(builder)
    builder.run("validate")
    # The sample shipped with heritage-json-1 seals until heritage migrate resealed it under RFC 8785
    # on RESEALED_AT: each record keeps its first seal in `resealed`, as every migrated catalogue's do.
    recording.utc_now = lambda: datetime.fromisoformat(RESEALED_AT)
    builder.run("migrate")
    builder.run("verify")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, default=HERE / "sample" / "reference")
    parser.add_argument("--out", type=Path, default=HERE.parent)
    args = parser.parse_args()
    # Every record keeps RECORDED_AT and is marked as put in at that time too, so that two builds
    # give the same bytes.
    recording.utc_now = lambda: datetime.fromisoformat(RECORDED_AT)
    with tempfile.TemporaryDirectory() as temp:
        folder, work = Path(temp) / "catalogue", Path(temp) / "work"
        work.mkdir()
        build(args.reference, folder, work)
        for name in ("sites", "sources", "reports", "allegations"):
            shutil.rmtree(args.out / name, ignore_errors=True)
            shutil.copytree(folder / name, args.out / name)
        shutil.copy2(folder / "catalogue.json", args.out / "catalogue.json")
    print(f"sample catalogue written to {args.out}")


if __name__ == "__main__":
    main()

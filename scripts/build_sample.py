"""Rebuild the sample catalogue (catalogue.json, sites/, sources/, reports/, allegations/).

    python scripts/build_sample.py [--reference ../shared/reference] [--out .]

Input: `nk_sites.csv` and `nk_events.csv` of the shared reference folder (34 sites, 71 events
compiled from public pages) and the UN letter of 12 January 2021. The script builds the catalogue
in a temporary folder with the `heritage` command itself (init, source add, import sites,
import reports, allegation add), validates it, and only then replaces the sample in --out. It is
deterministic: ids and timestamps are fixed, so a rerun on the same input changes no file.

What the reference CSVs do not say is decided here, in the tables below, and each decision is
visible in the records it produces:
- condition, method, effects and causes of each observed event (our reading of its description);
- claimant, party, acts, alleged perpetrator and dates of each alleged event;
- party of a source: only official bodies and state-owned news outlets speak for a party;
- reliability F and credibility 6 everywhere: nothing in the sample has been graded yet.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from heritage.cli import cli
from heritage.ids import slugify

RECORDED_AT = "2026-11-28T00:00:00Z"
RECORDED_BY = "sample build (scripts/build_sample.py)"
REGION = "45.4,38.8,47.8,40.8"
NAME = "Nagorno-Karabakh and surrounding districts: sample catalogue"
DESCRIPTION = (
    "34 religious and cultural heritage sites and 71 observed or alleged events compiled from public "
    "pages, with the allegations of the UN letter of 12 January 2021. Sources are not yet graded "
    "(reliability F, credibility 6). A source has a party only when it is an official body or a "
    "state-owned news outlet of that party."
)
PARTIES = {
    "armenia": "Armenian side (Armenia; the de facto Nagorno-Karabakh authorities until 2023)",
    "azerbaijan": "Azerbaijani side (Azerbaijan)",
}

# Site id, areas (both parties' names of a district are listed, so either finds the site),
# type and tradition keys, and location precision with its uncertainty in metres, by CSV row.
SITES: list[tuple[str, list[str], str, str, str | None, float | None]] = [
    ("ghazanchetsots-cathedral", ["Shusha", "Shushi"], "cathedral", "armenian_apostolic", None, None),
    ("kanach-zham", ["Shusha", "Shushi"], "church", "armenian_apostolic", None, None),
    ("dadivank", ["Kalbajar", "Karvachar", "Shahumyan"], "monastery", "armenian_apostolic", None, None),
    ("gandzasar", ["Martakert", "Kalbajar"], "monastery", "armenian_apostolic", None, None),
    ("amaras", ["Martuni", "Khojavend"], "monastery", "armenian_apostolic", "approximate", 150),
    ("tsitsernavank", ["Lachin", "Kashatagh"], "monastery", "armenian_apostolic", "approximate", 100),
    ("zoravor-astvatsatsin-mekhakavan", ["Jabrayil", "Jrakan"], "church", "armenian_apostolic", None, None),
    ("holy-resurrection-hadrut", ["Hadrut", "Khojavend"], "church", "armenian_apostolic", None, None),
    ("gtichavank", ["Hadrut", "Khojavend"], "monastery", "armenian_apostolic", None, None),
    ("hakobavank", ["Martakert", "Kalbajar"], "monastery", "armenian_apostolic", None, None),
    ("katarovank", ["Hadrut", "Khojavend"], "monastery", "armenian_apostolic", None, None),
    ("yerits-mankants", ["Martakert"], "monastery", "armenian_apostolic", None, None),
    ("yeghishe-arakyal", ["Martakert", "Tartar"], "monastery", "armenian_apostolic", None, None),
    ("vankasar", ["Askeran", "Aghdam"], "church", "armenian_apostolic", None, None),
    ("surb-hambardzum-berdzor", ["Lachin", "Berdzor", "Kashatagh"], "church", "armenian_apostolic", "approximate", 500),
    ("st-sargis-mokhrenes", ["Hadrut", "Khojavend", "Susanlıq"], "church", "armenian_apostolic", "settlement", 1000),
    ("aghdam-mosque", ["Aghdam"], "mosque", "shia_islam", "approximate", 2000),
    ("yukhari-govhar-agha-mosque", ["Shusha", "Shushi"], "mosque", "shia_islam", None, None),
    ("ashaghi-govhar-agha-mosque", ["Shusha", "Shushi"], "mosque", "shia_islam", None, None),
    ("saatli-mosque", ["Shusha", "Shushi"], "mosque", "shia_islam", None, None),
    ("mamayi-mosque", ["Shusha", "Shushi"], "mosque", "shia_islam", "approximate", 50),
    ("panah-ali-khan-palace", ["Shusha", "Shushi"], "palace", "secular", None, None),
    ("shusha-fortress", ["Shusha", "Shushi"], "fortress", "secular", "approximate", 300),
    ("natavan-house", ["Shusha", "Shushi"], "historic_house", "secular", None, None),
    ("vagif-mausoleum", ["Shusha", "Shushi"], "mausoleum", "islam", None, None),
    ("imarat-complex", ["Aghdam"], "cemetery", "islam", None, None),
    ("khachin-darbatli-mausoleum", ["Aghdam"], "mausoleum", "islam", None, None),
    ("shahbulag-castle", ["Aghdam", "Askeran"], "castle", "secular", None, None),
    ("askeran-fortress", ["Khojaly", "Askeran"], "fortress", "secular", None, None),
    ("tigranakert-of-artsakh", ["Aghdam", "Askeran"], "archaeological_site", "multiple", None, None),
    ("azykh-cave", ["Khojavend", "Hadrut"], "cave", "prehistoric", None, None),
    ("khudafarin-bridges", ["Jabrayil"], "bridge", "secular", "approximate", 750),
    ("mirali-mausoleum", ["Fuzuli"], "mausoleum", "islam", None, None),
    ("sheykh-babi-yagub-mausoleum", ["Fuzuli"], "mausoleum", "islam", "approximate", 100),
]

# Azerbaijani names as the CSV gives them, cleaned: (name, note) pairs; rows not listed are split
# on " / " into several names.
AZ_NAMES: dict[str, list[tuple[str, str | None]]] = {
    "ghazanchetsots-cathedral": [
        ("Qazançı", "Given by en.wikipedia as the name used in Azerbaijan; seen only in a copy of that text - verify.")
    ],
    "st-sargis-mokhrenes": [],  # the CSV gives only the village's name (Susanlıq), kept as an area
    "panah-ali-khan-palace": [("Pənahəli xanın qəsri / sarayı", None)],
}

# Contested attributions, stored as contested: each side's view, with who holds it.
DISPUTES: dict[str, list[dict[str, Any]]] = {
    **{
        site: [
            {
                "aspect": "attribution",
                "claim": "Armenian Apostolic monastery of Armenian heritage.",
                "held_by": ["armenia"],
            },
            {"aspect": "attribution", "claim": "Caucasian Albanian heritage.", "held_by": ["azerbaijan"]},
        ]
        for site in ("dadivank", "gandzasar", "tsitsernavank")
    },
    "vankasar": [
        {"aspect": "attribution", "claim": "Armenian church of the 7th century.", "held_by": ["armenia"]},
        {
            "aspect": "attribution",
            "claim": "Attributed otherwise in Azerbaijani scholarship.",
            "held_by": ["azerbaijan"],
        },
    ],
    "kanach-zham": [
        {"aspect": "attribution", "claim": "Armenian church.", "held_by": ["armenia"]},
        {"aspect": "attribution", "claim": "Russian (Orthodox) in origin.", "held_by": ["azerbaijan"]},
        {"aspect": "period", "claim": "Built in 1818 (Wikipedia) or 1847 (NÖK; memorial inscription)."},
    ],
    "khachin-darbatli-mausoleum": [
        {"aspect": "builder", "claim": "Built by master Shahbenzer.", "held_by": ["azerbaijan"]},
        {
            "aspect": "builder",
            "claim": "Built by the Armenian architect Vardapet Shahik (later Wikipedia revision).",
            "held_by": ["armenia"],
        },
    ],
}

# Observed events -> condition reports, by CSV row: observed (when the CSV date is not ISO),
# method, condition, effects, causes, extra note.
OBSERVED: dict[int, tuple[str | None, str, str, list[str], list[str], str | None]] = {
    0: (None, "media_review", "moderate_damage", ["broken_or_missing_parts"], ["explosion_heavy_weaponry"], None),
    3: (None, "media_review", "altered", ["structural_alteration"], ["reconstruction"], None),
    5: (
        "../2020-11-15",
        "media_review",
        "severe_damage",
        ["collapse"],
        ["unknown"],
        "Posted on 15 Nov 2020; filming date unknown, so observed on or before that day.",
    ),
    9: (None, "remote_sensing", "severe_damage", [], [], None),
    11: (None, "remote_sensing", "destroyed", ["collapse"], ["demolition"], None),
    12: (None, "media_review", "altered", ["identity_markers_removed"], ["vandalism"], None),
    13: (None, "field_visit", "destroyed", [], ["unknown"], None),
    19: (None, "document_review", "unknown", [], [], "Not a statement about the building's condition."),
    28: (None, "remote_sensing", "threatened", [], ["military_use"], None),
    29: ("2024-01", "media_review", "altered", ["identity_markers_removed"], ["unknown"], None),
    31: (None, "remote_sensing", "destroyed", ["collapse"], ["demolition"], None),
    32: (None, "remote_sensing", "intact", [], [], None),
    33: (None, "remote_sensing", "destroyed", ["collapse"], ["unknown"], None),
    35: ("1977/2019", "remote_sensing", "minor_damage", ["broken_or_missing_parts"], ["unknown"], None),
    36: (None, "media_review", "unknown", [], [], "In use for prayer; no statement about damage."),
    41: (None, "media_review", "intact", [], ["restoration"], "Reported as restored by state media."),
    47: ("1992/2020", "remote_sensing", "intact", [], [], None),
    49: (None, "field_visit", "severe_damage", ["erosion", "collapse"], ["unknown"], None),
    51: (
        "../2004-11-12",
        "remote_sensing",
        "severe_damage",
        ["collapse"],
        ["unknown"],
        "Concerns the Panah Ali Khan Mausoleum within the complex.",
    ),
    52: (
        "2004-11/2021-01",
        "remote_sensing",
        "unknown",
        [],
        [],
        "Concerns only the Ibrahim Khalil Khan Mausoleum, unchanged over the window; says nothing of "
        "the rest of the complex.",
    ),
    57: ("2005/2020", "field_visit", "unknown", [], ["excavation"], "Excavation record, not a damage assessment."),
    62: (
        "1930/1939",
        "document_review",
        "severe_damage",
        ["collapse"],
        ["demolition"],
        "Concerns the 11-arch bridge; the 15-arch bridge is not described.",
    ),
    68: (None, "media_review", "unknown", [], [], "Change of control; no statement about condition."),
    69: (
        "../2020-12-31",
        "document_review",
        "minor_damage",
        ["erosion"],
        ["vegetation", "lack_of_maintenance"],
        "Undated in the source; it describes the state through the 2020 war, so the window closing at "
        "the end of 2020 is our assumption.",
    ),
}

# Alleged events -> allegations, by CSV row: claimant, claimant kind, claimant party, made on,
# alleged period, acts, alleged perpetrator (name, party), the row it responds to.
ALLEGED: dict[
    int, tuple[str, str, str | None, str, str | None, list[str], tuple[str | None, str | None] | None, int | None]
] = {
    1: (
        "Nagorno-Karabakh authorities and the Armenian Unified Infocenter",
        "state_body",
        "armenia",
        "2020-10-08",
        "2020-10-08",
        ["damage_by_shelling"],
        (None, "azerbaijan"),
        None,
    ),
    2: (
        "Ministry of Defence of Azerbaijan",
        "government",
        "azerbaijan",
        "2020-10-08",
        "2020-10-08",
        ["damage_by_shelling"],
        None,
        1,
    ),
    4: (
        "Ministry of Foreign Affairs of Armenia",
        "government",
        "armenia",
        "2021-05-04",
        "2021-05",
        ["alteration", "vandalism"],
        (None, "azerbaijan"),
        None,
    ),
    6: (
        "Mother See of Holy Etchmiadzin",
        "religious_body",
        None,
        "2020-11-19",
        "../2020-11-19",
        ["vandalism", "damage"],
        (None, "azerbaijan"),
        None,
    ),
    7: (
        "Karabakh Records",
        "organisation",
        None,
        "2021-06-23",
        "2020-11-10/2021-06-23",
        ["destruction"],
        (None, "azerbaijan"),
        None,
    ),
    8: (
        "An Azerbaijani news agency and the Baku Eparchy of the Russian Orthodox Church",
        "organisation",
        None,
        "2021",
        None,
        ["damage"],
        None,
        6,
    ),
    10: (
        "Artak Beglaryan, State Minister of the Nagorno-Karabakh authorities",
        "government",
        "armenia",
        "2022-07-05",
        None,
        ["destruction", "alteration"],
        (None, "azerbaijan"),
        None,
    ),
    14: (
        "Azerbaijani police escort interviewed by the BBC",
        "person",
        "azerbaijan",
        "2021-03-25",
        "2020-10/2020-11",
        ["destruction"],
        None,
        None,
    ),
    15: ("Azerbaijani officials", "government", "azerbaijan", "2021", None, ["other"], None, None),
    16: (
        "Social-media material posted by Azerbaijani users",
        "other",
        None,
        "2020-10/2020-11",
        "2020-10-12/2020-11-30",
        ["vandalism", "desecration"],
        (None, "azerbaijan"),
        None,
    ),
    17: (
        "Karabakh Records",
        "organisation",
        None,
        "2022-04-27",
        "../2022-04-27",
        ["desecration", "looting", "vandalism"],
        (None, "azerbaijan"),
        None,
    ),
    18: ("Reports summarised by de.wikipedia", "other", None, "2023", None, ["alteration"], (None, "azerbaijan"), None),
    20: (
        "Albanian-Udi Christian community and the Baku Diocese of the Russian Orthodox Church",
        "religious_body",
        None,
        "2020-12-04",
        None,
        ["attribution"],
        None,
        None,
    ),
    21: ("Azerbaijani media", "media", None, "2020-12-07", None, ["other"], None, None),
    22: (
        "Mubariz Gurbanli, State Committee on Religious Associations of Azerbaijan",
        "government",
        "azerbaijan",
        "2023-05-02",
        None,
        ["attribution"],
        None,
        None,
    ),
    23: (
        "State Service for Protection, Development and Restoration of Cultural Heritage, Ministry of "
        "Culture of Azerbaijan",
        "government",
        "azerbaijan",
        "2023-10-04",
        None,
        ["vandalism", "alteration"],
        (None, "armenia"),
        None,
    ),
    -24: (
        "Photograph circulated online (author unknown)",
        "other",
        None,
        "2023-10-24",
        "2023-09/2023-10-24",
        ["destruction"],
        (None, "azerbaijan"),
        None,
    ),
    24: ("LUYS Foundation", "organisation", None, "2023-10-24", "1990", ["destruction"], (None, "azerbaijan"), -24),
    25: (
        "Armenian organisations",
        "organisation",
        None,
        "2024-01",
        "2023-09/2024-01",
        ["destruction"],
        (None, "azerbaijan"),
        None,
    ),
    26: (
        "Monument Watch",
        "organisation",
        None,
        "2023-04-22",
        "2023-04-22",
        ["damage"],
        ("Organisers of the service of 22 April 2023", None),
        None,
    ),
    27: (
        "Huseyn Guliyev, office of the President of Azerbaijan's special representative in Lachin",
        "government",
        "azerbaijan",
        "2025-05-28",
        "1992/2020",
        ["alteration"],
        (None, "armenia"),
        None,
    ),
    30: (
        "State Service for the Protection of the Historic Environment of the Nagorno-Karabakh authorities",
        "state_body",
        "armenia",
        "2023-06-23",
        "2022-08-25/2023-06-23",
        ["alteration"],
        (None, "azerbaijan"),
        None,
    ),
    34: (
        "Eyewitness and Azerbaijani accounts",
        "other",
        None,
        "1993/..",
        "1993/2020",
        ["vandalism", "desecration"],
        (None, "armenia"),
        None,
    ),
    37: (
        "Presidency of Azerbaijan and the Heydar Aliyev Foundation",
        "government",
        "azerbaijan",
        "2022-02-13",
        None,
        ["restoration"],
        None,
        None,
    ),
    38: (
        "Azerbaijani media",
        "media",
        None,
        "2019-06",
        "2019",
        ["restoration"],
        ("Iranian firm PartSaman Jahan, with the Armenian side's consent", "armenia"),
        None,
    ),
    39: (
        "IDeA Foundation and Revival of Oriental Historical Heritage Foundation",
        "organisation",
        None,
        "2019-10",
        "2014/2019-10",
        ["restoration"],
        None,
        None,
    ),
    40: (
        "Heydar Aliyev Foundation",
        "organisation",
        None,
        "2021-11",
        "1992/2020",
        ["restoration", "destruction"],
        (None, "armenia"),
        None,
    ),
    42: (
        "Azerbaijan Tourism Board",
        "state_body",
        "azerbaijan",
        "1992-05/..",
        "1992-05",
        ["damage"],
        (None, "armenia"),
        None,
    ),
    43: (
        "Azerbaijani visiting delegation",
        "state_body",
        "azerbaijan",
        "2005/2007",
        "../2007",
        ["damage", "neglect"],
        (None, "armenia"),
        None,
    ),
    44: ("Presidency of Azerbaijan", "government", "azerbaijan", "2024-05-10", None, ["restoration"], None, None),
    45: (
        "Shusha city administration",
        "state_body",
        "azerbaijan",
        "2020-11/..",
        "1992/2020",
        ["damage", "looting", "alteration"],
        (None, "armenia"),
        None,
    ),
    46: (
        "Azerbaijani officials",
        "government",
        "azerbaijan",
        "2021-01",
        "1992/2020",
        ["vandalism", "alteration"],
        (None, "armenia"),
        None,
    ),
    48: (
        "Azerbaijani officials and the Shusha administration",
        "state_body",
        "azerbaijan",
        "1992-05/..",
        "1992-05",
        ["looting", "destruction"],
        (None, "armenia"),
        None,
    ),
    50: (
        "Azerbaijani officials (footage released through Trend and News.az)",
        "government",
        "azerbaijan",
        "2020-12-21",
        "1992/2020",
        ["damage", "looting", "vandalism"],
        (None, "armenia"),
        None,
    ),
    53: (
        "Azeri-Press Agency (APA)",
        "media",
        None,
        "2021-04-07",
        "1993/2020",
        ["destruction"],
        (None, "armenia"),
        None,
    ),
    54: (
        "Presidency of Azerbaijan",
        "government",
        "azerbaijan",
        "2022-02-13",
        "1993/2020",
        ["desecration"],
        (None, "armenia"),
        None,
    ),
    55: (
        "Presidency of Azerbaijan",
        "government",
        "azerbaijan",
        "2021-05-28",
        "1993/2020",
        ["alteration", "attribution"],
        (None, "armenia"),
        None,
    ),
    56: ("Nagorno-Karabakh authorities", "state_body", "armenia", "2018", "2018", ["restoration"], None, None),
    58: (
        "Institute of Archaeology and Ethnography, Azerbaijan National Academy of Sciences",
        "state_body",
        "azerbaijan",
        "2020-11-17",
        "2005/2020-07",
        ["illegal_excavation"],
        (None, "armenia"),
        None,
    ),
    59: (
        "Western Armenia TV",
        "media",
        None,
        "2021-10-31",
        "../2021-10-31",
        ["alteration"],
        (None, "azerbaijan"),
        None,
    ),
    60: (
        "Hikmat Hajiyev, spokesman of the Ministry of Foreign Affairs of Azerbaijan",
        "government",
        "azerbaijan",
        "2016-11-28",
        "2002/2016-11-28",
        ["illegal_excavation", "looting"],
        ("Foreign researchers excavating at the cave since 2002", None),
        None,
    ),
    61: (
        "Ministry of Foreign Affairs of Azerbaijan",
        "government",
        "azerbaijan",
        "2017-02-24",
        "2002/2017-02-24",
        ["illegal_excavation"],
        ("Foreign researchers excavating at the cave since 2002", None),
        60,
    ),
    63: ("Anadolu Agency", "media", None, "2020-12-08", "1993/2020", ["neglect"], (None, "armenia"), None),
    64: (
        "Ulduz Tourism (Azerbaijani tourism website)",
        "other",
        None,
        "1993/..",
        "1993/2020",
        ["desecration", "destruction"],
        (None, "armenia"),
        None,
    ),
    65: (
        "Azerbaijani sources cited by en.wikipedia",
        "other",
        None,
        "2020-09-29/..",
        "2020-09-29",
        ["damage_by_shelling"],
        (None, "armenia"),
        None,
    ),
    66: (
        "Hakobavank renovation project (hakobavank.am)",
        "organisation",
        None,
        "2022",
        "2022",
        ["restoration"],
        None,
        None,
    ),
    67: (
        "Head of the Hadrut regional administration",
        "state_body",
        "armenia",
        "2020-11",
        "2020-11",
        ["military_use"],
        ("Armenian units", "armenia"),
        None,
    ),
    70: ("de.wikipedia", "other", None, "2007/..", "2007", ["restoration"], None, None),
}

# Our summary where the CSV's description alone would mislead about who says what.
SUMMARIES = {
    -24: "A photograph shared online is presented as showing the tombstone of St Grigoris destroyed after "
    "the Azerbaijani takeover of September 2023.",
    24: "The LUYS Foundation says the photograph is old: the 1898 tombstone was broken in 1990 (which it "
    "attributes to Azerbaijani special forces) and a copy was installed in the early 2000s.",
}

# The letter of 12 January 2021, summarised in our words. The area is a rough outline of the former
# Nagorno-Karabakh Autonomous Oblast drawn for this sample, not a boundary.
LETTER_SOURCE = {
    "id": "src-un-letter-2021-01-12",
    "kind": "un_document",
    "title": "Letter dated 12 January 2021 from the Permanent Representative of Armenia to the United Nations "
    "addressed to the Secretary-General",
    "author": "Ara Aivazian, Minister for Foreign Affairs of Armenia (annex)",
    "publisher": "United Nations General Assembly and Security Council",
    "published": "2021-01-12",
    "language": "en",
    "party": "armenia",
    "notes": "Circulated under General Assembly agenda items 34, 71, 72, 81 and 135, and as a Security "
    "Council document.",
}
NK_OUTLINE = [
    [46.25, 39.45],
    [46.95, 39.35],
    [47.15, 39.65],
    [47.05, 40.05],
    [46.75, 40.30],
    [46.35, 40.20],
    [46.25, 39.45],
]
LETTER_ALLEGATIONS = [
    {
        "id": "a-letter-2021-01-12-destruction",
        "acts": ["destruction", "vandalism", "desecration"],
        "alleged_period": "2020-09-27/2021-01-12",
        "summary": "Armenia tells the Secretary-General that Armenian religious and cultural sites in the areas "
        "taken by Azerbaijani forces have been deliberately destroyed, vandalised and desecrated.",
        "locator": "annex, para. 2",
        "legal_references": ["International humanitarian law (general reference in the letter)"],
    },
    {
        "id": "a-letter-2021-01-12-unesco-mission",
        "acts": ["denial_of_access"],
        "alleged_period": "2020-11-10/2021-01-12",
        "summary": "Armenia says it supports sending a UNESCO fact-finding mission to the conflict zone and "
        "that Azerbaijan is obstructing such international action to protect cultural heritage.",
        "locator": "annex, para. 10",
        "legal_references": [],
    },
]


def run(*args: str) -> str:
    """Run one `heritage` command in this process; stop the build on any failure."""
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if result.exit_code != 0:
        sys.exit(f"heritage {' '.join(args[:3])} ... failed:\n{result.output}")
    return result.output.strip()


def century_years(label: str) -> tuple[int | None, int | None]:
    """'13th (1216-1238)' -> (1201, 1300); '1st c. BCE – 13th/14th CE' -> (-100, 1400)."""
    centuries = [
        (int(m[1]), "BCE" in label[m.end() : m.end() + 8]) for m in re.finditer(r"(\d{1,2})(st|nd|rd|th)", label)
    ]
    if not centuries:
        return None, None
    first, first_bce = centuries[0]
    last, last_bce = centuries[-1]
    start = -first * 100 if first_bce else (first - 1) * 100 + 1
    end = -(last - 1) * 100 - 1 if last_bce else last * 100
    return start, end


def site_rows(reference: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    rows = list(csv.DictReader((reference / "nk_sites.csv").open(encoding="utf-8")))
    if len(rows) != len(SITES):
        sys.exit(f"nk_sites.csv has {len(rows)} rows; this script knows {len(SITES)}")
    out, ids_by_name = [], {}
    for row, (site_id, areas, site_type, tradition, precision, uncertainty) in zip(rows, SITES, strict=True):
        ids_by_name[row["name_en"]] = site_id
        start, end = century_years(row["century"])
        out.append(
            {
                "id": site_id,
                "name:en": row["name_en"],
                "name:hy": row["name_hy"],
                "lat": row["lat"],
                "lon": row["lon"],
                "location_source": row["coord_source"],
                "type": site_type,
                "tradition": tradition,
                "period": row["century"],
                "period_start": str(start or ""),
                "period_end": str(end or ""),
                "precision": precision or "",
                "uncertainty_m": str(uncertainty or ""),
                "areas": ";".join(areas),
                "description": row["notes"],
                "recorded_at": RECORDED_AT,
            }
        )
    return out, ids_by_name


def source_record(url: str, title: str) -> dict[str, Any]:
    lowered = (title + " " + url).lower()
    if "wikipedia" in lowered:
        kind = "encyclopedia"
    elif any(
        k in lowered
        for k in ("storymaps", "monumentwatch", "karabakhrecords", "fip.am", "hakobavank", "heydar-aliyev-foundation")
    ):
        kind = "ngo_report"
    elif any(k in lowered for k in ("president.az", "shusha.gov.az", "azerbaijan.travel")):
        kind = "government_statement"
    elif "ulduztourism" in lowered:
        kind = "other"
    else:
        kind = "news"
    party = None
    if any(k in lowered for k in ("president.az", "shusha.gov.az", "azerbaijan.travel", "religions.az")):
        party = "azerbaijan"  # official bodies and state media
    elif any(k in lowered for k in ("armenpress.am", "armradio.am")):
        party = "armenia"  # state news agency and public broadcaster
    language = "en"
    for marker, lang in (
        ("noek.info", "de"),
        ("de.wiki", "de"),
        ("dnhewrhegkli", "de"),
        ("defr.abcdef", "de"),
        ("wiki7.org", "ru"),
        ("christianophobie", "fr"),
        ("metbuat.az", "az"),
        ("report.az/qarabag", "az"),
    ):
        if marker in lowered:
            language = lang
    publisher = title.split(":")[0].strip() if ":" in title else title.split("(")[0].strip()
    return {
        "title": title,
        "url": url,
        "kind": kind,
        "party": party,
        "language": language,
        "publisher": publisher,
        "reliability": "F",
        "recorded_at": RECORDED_AT,
    }


def build(reference: Path, folder: Path) -> None:
    parties = [f"--party={key}={name}" for key, name in PARTIES.items()]
    run("init", str(folder), "--name", NAME, "--bbox", REGION, *parties)
    info = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    info["description"] = DESCRIPTION
    (folder / "catalogue.json").write_text(
        json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (folder / "README.md").unlink()  # the repository's README describes the layout
    cat = ["--catalogue", str(folder)]

    events = list(csv.DictReader((reference / "nk_events.csv").open(encoding="utf-8")))
    rows, site_of = site_rows(reference)

    # Sources first: everything else cites them.
    source_ids: dict[str, str] = {}
    work = Path(tempfile.mkdtemp())
    for event in events:
        url = event["source_url"]
        if url in source_ids:
            continue
        record = source_record(url, event["source_title"])
        base = "src-" + slugify(event["source_title"], 40)
        candidate, n = base, 2
        while candidate in source_ids.values():
            candidate, n = f"{base}-{n}", n + 1
        record["id"] = candidate
        path = work / f"{candidate}.json"
        path.write_text(json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False))
        source_ids[url] = run(*cat, "source", "add", "--file", str(path))
    letter = work / "letter.json"
    letter.write_text(json.dumps({**LETTER_SOURCE, "recorded_at": RECORDED_AT}, ensure_ascii=False))
    run(*cat, "source", "add", "--file", str(letter))

    # Sites through `import sites`, except those a CSV row cannot describe (several names in one
    # language, contested attributions): records are never rewritten, so those go in whole, by
    # `site add --file`.
    plain, detailed = [], []
    for row, site_row in zip(rows, csv.DictReader((reference / "nk_sites.csv").open(encoding="utf-8")), strict=True):
        (detailed if row["id"] in DISPUTES or row["id"] in AZ_NAMES or " / " in site_row["name_az"] else plain).append(
            (row, site_row)
        )
    sites_csv = work / "sites.csv"
    columns = [
        "id",
        "name:en",
        "name:hy",
        "name:az",
        "lat",
        "lon",
        "location_source",
        "type",
        "tradition",
        "period",
        "period_start",
        "period_end",
        "precision",
        "uncertainty_m",
        "areas",
        "description",
        "recorded_at",
    ]
    with sites_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row, site_row in plain:
            writer.writerow({**row, "name:az": site_row["name_az"]})
    run(*cat, "import", "sites", str(sites_csv))
    for row, site_row in detailed:
        run(*cat, "site", "add", "--file", str(_site_feature(work, row, site_row)))

    # Observed events -> condition reports, through `import reports`.
    reports_csv = work / "reports.csv"
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
        for index, event in enumerate(events):
            if event["observed_or_alleged"] != "observed":
                continue
            observed, method, condition, effects, causes, extra = OBSERVED[index]
            site_id = site_of[event["site_name_en"]]
            when = observed or event["event_date"]
            notes = event["description"] + (f" [{extra}]" if extra else "")
            writer.writerow(
                {
                    "id": f"r-{site_id}-{slugify(when)}",
                    "site": site_id,
                    "observed": when,
                    "observed_by": event["claimant_or_observer"],
                    "method": method,
                    "condition": condition,
                    "effects": ";".join(effects),
                    "causes": ";".join(causes),
                    "sources": source_ids[event["source_url"]],
                    "notes": notes,
                    "recorded_at": RECORDED_AT,
                }
            )
    run(*cat, "import", "reports", str(reports_csv))

    # Alleged (and the one disputed) events -> allegations, by `allegation add --file`, in an order
    # where a response always comes after the claim it answers.
    ids: dict[int, str] = {}
    for index in sorted(ALLEGED, key=lambda i: (abs(i), i)):
        event = events[abs(index)]
        claimant, kind, party, made, period, acts, perpetrator, answers = ALLEGED[index]
        site_id = site_of[event["site_name_en"]]
        allegation_id = f"a-{site_id}-{slugify(made)}-{abs(index):02d}" + ("-photo" if index < 0 else "")
        document: dict[str, Any] = {
            "id": allegation_id,
            "claimant": {k: v for k, v in {"name": claimant, "kind": kind, "party": party}.items() if v},
            "made_on": made,
            "source": {"source": source_ids[event["source_url"]]},
            "sites": [site_id],
            "acts": acts,
            "summary": SUMMARIES.get(index, event["description"]),
            "recorded_at": RECORDED_AT,
        }
        if period:
            document["alleged_period"] = period
        if perpetrator:
            document["alleged_perpetrator"] = {k: v for k, v in zip(("name", "party"), perpetrator, strict=True) if v}
        if answers is not None:
            document["responds_to"] = ids[answers]
        path = work / f"{allegation_id}.json"
        path.write_text(json.dumps(document, ensure_ascii=False))
        ids[index] = run(*cat, "allegation", "add", "--file", str(path))
    for letter_claim in LETTER_ALLEGATIONS:
        document = {
            "id": letter_claim["id"],
            "claimant": {"name": "Ministry of Foreign Affairs of Armenia", "kind": "government", "party": "armenia"},
            "made_on": "2021-01-12",
            "source": {"source": LETTER_SOURCE["id"], "locator": letter_claim["locator"]},
            "area": {"type": "Polygon", "coordinates": [NK_OUTLINE]},
            "acts": letter_claim["acts"],
            "alleged_perpetrator": {"party": "azerbaijan"},
            "alleged_period": letter_claim["alleged_period"],
            "summary": letter_claim["summary"],
            "legal_references": letter_claim["legal_references"],
            "recorded_at": RECORDED_AT,
        }
        path = work / f"{letter_claim['id']}.json"
        path.write_text(json.dumps({k: v for k, v in document.items() if v}, ensure_ascii=False))
        run(*cat, "allegation", "add", "--file", str(path))
    shutil.rmtree(work)
    run(*cat, "validate")


def _site_feature(work: Path, row: dict[str, str], site_row: dict[str, str]) -> Path:
    site_id = row["id"]
    names = [{"lang": "en", "text": row["name:en"]}]
    if row["name:hy"]:
        names.append({"lang": "hy", "text": row["name:hy"]})
    az = AZ_NAMES.get(site_id)
    if az is None:
        az = [(part.strip(), None) for part in site_row["name_az"].split(" / ") if part.strip()]
    for text, note in az:
        names.append({"lang": "az", "text": text, **({"note": note} if note else {})})
    located = bool(row["lat"])
    properties: dict[str, Any] = {
        "names": names,
        "location": {
            "precision": row["precision"] or ("exact" if located else "unknown"),
            "source": row["location_source"],
        },
        "type": row["type"],
        "tradition": row["tradition"],
        "areas": row["areas"].split(";"),
        "description": row["description"],
        "disputes": DISPUTES.get(site_id, []),
        "period": {"label": row["period"]},
        "recorded_at": RECORDED_AT,
    }
    if row["uncertainty_m"]:
        properties["location"]["uncertainty_m"] = float(row["uncertainty_m"])
    if row["period_start"]:
        properties["period"] |= {"start_year": int(row["period_start"]), "end_year": int(row["period_end"])}
    geometry = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]} if located else None
    path = work / f"site-{site_id}.json"
    path.write_text(
        json.dumps(
            {"type": "Feature", "id": site_id, "geometry": geometry, "properties": properties}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = Path(__file__).resolve().parent.parent
    parser.add_argument("--reference", type=Path, default=here.parent / "shared" / "reference")
    parser.add_argument("--out", type=Path, default=here)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "catalogue"
        build(args.reference, folder)
        for name in ("sites", "sources", "reports", "allegations"):
            shutil.rmtree(args.out / name, ignore_errors=True)
            shutil.copytree(folder / name, args.out / name)
        shutil.copy2(folder / "catalogue.json", args.out / "catalogue.json")
    print(f"sample catalogue written to {args.out}")


if __name__ == "__main__":
    main()

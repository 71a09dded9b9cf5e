"""One table of cases for "a site's condition as of a day", run through every copy of the rule:
`heritage.history.condition_as_of`, the index's SQL (`Index.conditions_on`) and the map's
JavaScript (`app.reportOn`), by tests/test_asof.py.

Each case is one site: its reports and retractions as catalogue records, the day asked about, and
the condition expected then (None: no report in force observed by that day). Record ids are
written short here; `records` makes them the catalogue's (each case's site is named after it, and
its records' ids start with that name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

RECORDED_AT = "2025-06-01T12:00:00+00:00"


def report(
    report_id: str, observed: str, condition: str, recorded_at: str = RECORDED_AT, supersedes: str | None = None
) -> dict[str, Any]:
    """A condition report, as the catalogue holds it (less its site)."""
    doc = {
        "id": report_id,
        "observed": observed,
        "method": "remote_sensing",
        "condition": condition,
        "sources": [{"source": "src-asof"}],
        "recorded_at": recorded_at,
        "recorded_by": "tester",
    }
    if supersedes is not None:
        doc["supersedes"] = supersedes
    return doc


def retraction(retraction_id: str, retracts: str) -> dict[str, Any]:
    """A retraction, as the catalogue holds it (less its site)."""
    return {
        "id": retraction_id,
        "retracts": retracts,
        "reason": "withdrawn",
        "recorded_at": RECORDED_AT,
        "recorded_by": "tester",
    }


@dataclass(frozen=True)
class Case:
    name: str  # also the site's id
    reports: list[dict[str, Any]]  # in the order they are added: a correction after what it corrects
    retractions: list[dict[str, Any]]
    day: date
    expected: str | None

    def records(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The reports and retractions as the catalogue's records: of this case's site, ids prefixed."""

        def own(record_id: str) -> str:
            return f"{self.name}--{record_id}"

        reports = [
            {**r, "id": own(r["id"]), "site": self.name}
            | ({"supersedes": own(r["supersedes"])} if "supersedes" in r else {})
            for r in self.reports
        ]
        retractions = [
            {**x, "id": own(x["id"]), "site": self.name, "retracts": own(x["retracts"])} for x in self.retractions
        ]
        return reports, retractions


INTACT_2023 = report("a", "2023-06-01", "intact")
WINDOW = report("b", "2023-12/2024-04-04", "destroyed")  # between two satellite images
EARLIER = report("a", "2021-01-01", "intact")
LATER = report("b", "2022-03-05", "destroyed")

CASES = [
    Case("no-report", [], [], date(2024, 1, 1), None),
    Case("one-report", [report("a", "2021-10-22", "intact")], [], date(2022, 1, 1), "intact"),
    Case("report-after-the-day", [report("a", "2021-10-22", "intact")], [], date(2021, 10, 21), None),
    Case("report-on-the-day", [report("a", "2021-10-22", "intact")], [], date(2021, 10, 22), "intact"),
    # A window counts from its end: the change is known only once the second image exists.
    Case("window-started-not-ended", [INTACT_2023, WINDOW], [], date(2024, 4, 3), "intact"),
    Case("window-ends-on-the-day", [INTACT_2023, WINDOW], [], date(2024, 4, 4), "destroyed"),
    Case("inside-the-only-window", [WINDOW], [], date(2024, 1, 15), None),
    Case("open-start-before-its-end", [report("a", "../2004-11-12", "moderate_damage")], [], date(2004, 11, 11), None),
    Case(
        "open-start-on-its-end",
        [report("a", "../2004-11-12", "moderate_damage")],
        [],
        date(2004, 11, 12),
        "moderate_damage",
    ),
    # Open at its end ("since 3 May 2021"): it counts from the day it was recorded, its last
    # possible day, as written in the recorder's zone (2025-06-01 here, not 2025-05-31 in UTC).
    Case(
        "open-end-before-it-was-recorded",
        [INTACT_2023, report("b", "2021-05-03/..", "damaged", recorded_at="2025-06-01T02:00:00+04:00")],
        [],
        date(2025, 5, 31),
        "intact",
    ),
    Case(
        "open-end-on-the-day-it-was-recorded",
        [INTACT_2023, report("b", "2021-05-03/..", "damaged", recorded_at="2025-06-01T02:00:00+04:00")],
        [],
        date(2025, 6, 1),
        "damaged",
    ),
    # An approximate or uncertain date counts as the same date unqualified; X digits as their window.
    Case("approximate-year-on-its-last-day", [report("a", "2021~", "destroyed")], [], date(2021, 12, 31), "destroyed"),
    Case("uncertain-year-before-its-last-day", [report("a", "2021?", "destroyed")], [], date(2021, 12, 30), None),
    Case("unknown-day-on-its-months-last", [report("a", "2021-05-XX", "altered")], [], date(2021, 5, 31), "altered"),
    Case("unknown-year-of-a-decade", [report("a", "201X", "threatened")], [], date(2019, 12, 30), None),
    # Qualified windows and open ends with a year: every reader takes the same last day.
    Case("qualified-window-before-its-end", [report("a", "2021-05~/2021-08", "damaged")], [], date(2021, 8, 30), None),
    Case("qualified-window-on-its-end", [report("a", "2021-05~/2021-08", "damaged")], [], date(2021, 8, 31), "damaged"),
    Case("open-start-year-on-its-end", [report("a", "../2021", "destroyed")], [], date(2021, 12, 31), "destroyed"),
    Case("open-start-year-before-its-end", [report("a", "../2021", "destroyed")], [], date(2021, 12, 30), None),
    Case(
        "approximate-year-open-end-before-recorded",
        [INTACT_2023, report("b", "2021~/..", "damaged", recorded_at="2025-06-01T12:00:00+00:00")],
        [],
        date(2025, 5, 31),
        "intact",
    ),
    Case(
        "approximate-year-open-end-on-recorded",
        [INTACT_2023, report("b", "2021~/..", "damaged", recorded_at="2025-06-01T12:00:00+00:00")],
        [],
        date(2025, 6, 1),
        "damaged",
    ),
    Case("unknown-decade-past-its-end", [report("a", "201X", "threatened")], [], date(2019, 12, 31), "threatened"),
    # A month or a year counts from its last day.
    Case("month-before-its-last-day", [report("a", "2021-05", "minor_damage")], [], date(2021, 5, 30), None),
    Case("month-on-its-last-day", [report("a", "2021-05", "minor_damage")], [], date(2021, 5, 31), "minor_damage"),
    Case(
        "year-before-its-last-day",
        [report("a", "2021-06-15", "intact"), report("b", "2021", "severe_damage")],
        [],
        date(2021, 12, 30),
        "intact",
    ),
    Case(
        "year-on-its-last-day",
        [report("a", "2021-06-15", "intact"), report("b", "2021", "severe_damage")],
        [],
        date(2021, 12, 31),
        "severe_damage",
    ),
    # The same day: the one recorded later counts (whatever the ids or the files' order say).
    Case(
        "same-day-recorded-later-wins",
        [
            report("a", "2022-03-05", "intact", recorded_at="2025-01-02T10:00:00+00:00"),
            report("b", "2022-03-05", "destroyed", recorded_at="2025-01-01T10:00:00+00:00"),
        ],
        [],
        date(2022, 3, 5),
        "intact",
    ),
    # ...recorded later in time, not in the text of its time stamp: 10:00+05:00 is 05:00 UTC.
    Case(
        "same-day-recorded-in-other-time-zones",
        [
            report("a", "2022-03-05", "destroyed", recorded_at="2025-01-01T10:00:00+05:00"),
            report("b", "2022-03-05", "intact", recorded_at="2025-01-01T06:00:00+00:00"),
        ],
        [],
        date(2022, 3, 5),
        "intact",
    ),
    # Two writers in the same second: the id decides, alike everywhere.
    Case(
        "same-second-the-greater-id-wins",
        [
            report("b", "2022-03-05", "destroyed", recorded_at="2025-01-01T10:00:00+00:00"),
            report("a", "2022-03-05", "intact", recorded_at="2025-01-01T14:00:00+04:00"),
        ],
        [],
        date(2022, 3, 5),
        "destroyed",
    ),
    # Two corrections of one report (a git merge): shown as competing by every reader; the
    # condition given meanwhile is picked by the same order everywhere.
    Case(
        "competing-corrections",
        [
            EARLIER,
            LATER,
            report("c", "2022-03-05", "severe_damage", recorded_at="2025-01-02T00:00:00+00:00", supersedes="b"),
            report("d", "2022-03-05", "moderate_damage", recorded_at="2025-01-03T00:00:00+00:00", supersedes="b"),
        ],
        [],
        date(2022, 6, 1),
        "moderate_damage",
    ),
    # A loop of corrections (hand-merged files): no link on it corrects anything, both stay in force.
    Case(
        "a-loop-of-corrections",
        [
            EARLIER,
            report("b", "2022-03-05", "destroyed", supersedes="c"),
            report("c", "2022-03-06", "severe_damage", supersedes="b"),
        ],
        [],
        date(2022, 3, 5),
        "destroyed",
    ),
    # A correction of one of two rivals takes its place; the other rival is still in force.
    Case(
        "a-correction-of-one-rival",
        [
            EARLIER,
            LATER,
            report("c", "2022-03-05", "severe_damage", recorded_at="2025-01-02T00:00:00+00:00", supersedes="b"),
            report("d", "2022-03-05", "moderate_damage", recorded_at="2025-01-03T00:00:00+00:00", supersedes="b"),
            report("e", "2022-03-05", "intact", recorded_at="2025-01-04T00:00:00+00:00", supersedes="c"),
        ],
        [],
        date(2022, 6, 1),
        "intact",
    ),
    Case("observed-in-year-one", [report("a", "0001-01-01", "unknown")], [], date(1, 6, 1), "unknown"),
    # A window and a day that end alike: the shorter observation (the later start) counts.
    Case(
        "same-end-the-later-start-wins",
        [
            report("a", "2022-03-05", "intact", recorded_at="2025-01-01T10:00:00+00:00"),
            report("b", "2022-01/2022-03-05", "destroyed", recorded_at="2025-01-02T10:00:00+00:00"),
        ],
        [],
        date(2022, 6, 1),
        "intact",
    ),
    Case(
        "a-report-that-says-unknown", [EARLIER, report("b", "2022-03-05", "unknown")], [], date(2022, 6, 1), "unknown"
    ),
    Case(
        "superseded",
        [EARLIER, LATER, report("c", "2022-03-05", "severe_damage", supersedes="b")],
        [],
        date(2022, 6, 1),
        "severe_damage",
    ),
    # The corrected report counts no more, even before its correction's day.
    Case(
        "superseded-by-a-later-observation",
        [EARLIER, LATER, report("c", "2022-04-01", "severe_damage", supersedes="b")],
        [],
        date(2022, 3, 20),
        "intact",
    ),
    Case(
        "correction-observed-before-what-it-corrects",
        [EARLIER, LATER, report("c", "2022-03-01", "severe_damage", supersedes="b")],
        [],
        date(2022, 6, 1),
        "severe_damage",
    ),
    Case("retracted", [EARLIER, LATER], [retraction("x", "b")], date(2022, 6, 1), "intact"),
    Case("retracted-only-report", [LATER], [retraction("x", "b")], date(2022, 6, 1), None),
    # Retract a correction and the report it corrected is back in force.
    Case(
        "retracted-correction",
        [EARLIER, LATER, report("c", "2022-03-01", "severe_damage", supersedes="b")],
        [retraction("x", "c")],
        date(2022, 6, 1),
        "destroyed",
    ),
]

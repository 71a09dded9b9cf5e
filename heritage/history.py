"""A site's condition as of any date, derived from its reports; never stored twice.

The condition as of D is that of the latest report observed on or before D that is in force: not
superseded by a correction, not withdrawn by a retraction. A window counts from its end: a change
seen between two satellite images is known only once the second image exists; one open at its end
(`2021-05-03/..`) counts from the day it was recorded (`ConditionReport` closes it there). A report's
certainty is shown beside its condition and never changes which report gives it: the latest in
force does, however sure an earlier one was.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import NamedTuple, Protocol, TypeVar

from heritage import chains
from heritage.models import Certainty, Condition, ConditionReport, Retraction
from heritage.models.base import utc_today
from heritage.models.types import When


class Correctable(Protocol):
    """What the in-force rule needs of a report: a stored report, or the index's row of one."""

    @property
    def id(self) -> str: ...

    @property
    def supersedes(self) -> str | None: ...


class Link(NamedTuple):
    """A report's `supersedes` link alone: a `Correctable` for readers that hold only the link
    (the index's rows, `validate`'s facts)."""

    id: str
    supersedes: str | None


class Finding(Protocol):
    """What a change names on each side: the report that gave the condition (a stored report,
    a row of one, or the index's answer for a day)."""

    @property
    def id(self) -> str: ...

    @property
    def observed(self) -> object: ...

    @property
    def condition(self) -> Condition: ...

    @property
    def certainty(self) -> Certainty | None: ...


class Observation(Correctable, Finding, Protocol):
    """What ordering reports by what they observed needs: a stored report, or a row of one."""

    @property
    def observed(self) -> When: ...

    @property
    def recorded_at(self) -> datetime: ...


C = TypeVar("C", bound=Correctable)
Seen = TypeVar("Seen", bound=Observation)
T = TypeVar("T")
D = TypeVar("D", date, int)  # a day, as a date or as a number of days


def _links(reports: Iterable[Correctable], withdrawn: set[str]) -> dict[str, str | None]:
    return {r.id: r.supersedes for r in reports if r.id not in withdrawn}


def correction_loops(reports: Iterable[Correctable], retracted: Iterable[str] = ()) -> list[list[str]]:
    """Reports not retracted whose corrections run in a loop (a supersedes b, b supersedes a:
    hand-merged files), each loop's ids sorted. No link on a loop corrects anything: no clock or
    link says which of them is right, so all stay in force, shown as competing, and `validate`
    reports the loop as an error."""
    return chains.loops(_links(reports, set(retracted)))


def corrections(reports: Iterable[Correctable], retracted: Iterable[str] = ()) -> dict[str, list[str]]:
    """Each corrected report's id -> the ids of the reports that correct it and are not themselves
    retracted (retract a correction, and the report it corrected is back in force), in the order
    given. A valid catalogue has at most one for each. Links on a loop correct nothing."""
    withdrawn = set(retracted)
    reports = [r for r in reports if r.id not in withdrawn]
    looped = {i for loop in chains.loops(_links(reports, set())) for i in loop}
    found: dict[str, list[str]] = {}
    for r in reports:
        if r.supersedes and r.id not in looped:
            found.setdefault(r.supersedes, []).append(r.id)
    return found


def competing_corrections(reports: Iterable[Correctable], retracted: Iterable[str] = ()) -> dict[str, list[str]]:
    """Each report corrected more than once -> its competing corrections, sorted. Two people who
    each corrected the same report on their own machine meet here after a git merge; no clock
    can say which of them is right, so every reader shows both until all but one are retracted.
    A rival corrected in turn is stood for by its correction: what is in force of each side (a
    later correction of one rival does not settle the dispute, and the rival it replaced no
    longer competes). The index applies the same rule (`Index.competing_corrections`)."""
    found = corrections(reports, retracted)

    def standing(report_id: str) -> str:
        seen = {report_id}
        while len(found.get(report_id, [])) == 1 and found[report_id][0] not in seen:
            report_id = found[report_id][0]
            seen.add(report_id)
        return report_id

    return {target: sorted(standing(i) for i in ids) for target, ids in found.items() if len(ids) > 1}


def competing_ids(reports: Iterable[Correctable], retracted: Iterable[str] = ()) -> list[str]:
    """The ids of a site's competing corrections, and of reports on a loop of corrections,
    sorted: what a site's summary shows."""
    reports = list(reports)
    rivals = {i for ids in competing_corrections(reports, retracted).values() for i in ids}
    return sorted(rivals.union(*correction_loops(reports, retracted)))


def superseded_ids(reports: Iterable[Correctable], retracted: Iterable[str] = ()) -> set[str]:
    """Reports corrected by a report that is not itself retracted."""
    return set(corrections(reports, retracted))


def in_force(reports: Iterable[C], retracted: Iterable[str] = ()) -> list[C]:
    """The reports that no other report in force supersedes and no retraction withdraws."""
    reports = list(reports)
    withdrawn = set(retracted)
    out = superseded_ids(reports, withdrawn) | withdrawn
    return [r for r in reports if r.id not in out]


def report_order(report: Observation) -> tuple[date, date, str, str]:
    """The order reports describe a site in: by the last day of the observation, then its first day,
    then when it was recorded (in UTC, so that the text sorts as the instants do), then the id.
    The index's `ord` (`heritage.kinds.order_key`) is this as one string, and the map's history
    is in this order, so that ties resolve alike everywhere."""
    observed = report.observed
    assert observed.end is not None  # the model closes an open end on the day it was recorded
    recorded = report.recorded_at.astimezone(UTC).isoformat()
    return observed.end, observed.start or date.min, recorded, report.id


def timeline(reports: Iterable[ConditionReport]) -> list[ConditionReport]:
    """All reports, superseded ones included, in the order they describe the site."""
    return sorted(reports, key=report_order)


def history_in_force(reports: Iterable[Seen], retracted: Iterable[str] = ()) -> list[Seen]:
    """A site's reports in force in report order: the history the map carries."""
    return sorted(in_force(reports, retracted), key=report_order)


def latest_by(history: Sequence[T], day: D, end: Callable[[T], D]) -> T | None:
    """The rule for the condition as of `day`, given a site's reports in force in report order
    (`history_in_force`, or any form of it): the last one whose observation ended on or before
    `day` (`end` gives that last day). Report order sorts by that day first, so those reports
    come first. The map's JavaScript (`app.reportOn` in heritage-map.js) is a copy of this rule;
    tests/test_asof.py holds them to the same table of cases."""
    count = bisect_right(history, day, key=end)
    return history[count - 1] if count else None


def _end(report: Observation) -> date:
    assert report.observed.end is not None  # the model closes an open end on the day it was recorded
    return report.observed.end


def condition_as_of(reports: Iterable[Seen], when: date | None = None, retracted: Iterable[str] = ()) -> Seen | None:
    """The report that gives the site's condition as of `when` (today if None), or None. Today is
    `utc_today`, the day the index's `list` uses too: a report observed on a later day (from
    a clock that runs ahead, or dated today east of Greenwich) does not count yet."""
    history = history_in_force(reports, retracted)
    return latest_by(history, when or utc_today(), _end)


@dataclass
class Entry:
    """One report in a site's history, with what later records say of it."""

    report: ConditionReport
    superseded_by: str | None = None  # or, corrected more than once, the ids of the corrections, joined
    retraction: Retraction | None = None
    competing_with: list[str] = field(default_factory=list)  # its rivals (`competing_ids`), for one in dispute

    @property
    def status(self) -> str:
        if self.retraction is not None:
            return "retracted"
        if self.superseded_by is not None:
            return "superseded"
        return "in force"


def site_history(reports: Iterable[ConditionReport], retractions: Iterable[Retraction] = ()) -> list[Entry]:
    reports = timeline(reports)
    by_target = {r.retracts: r for r in retractions}
    corrected = {target: ", ".join(sorted(ids)) for target, ids in corrections(reports, by_target).items()}
    rivals: dict[str, list[str]] = {}
    for group in [*competing_corrections(reports, by_target).values(), *correction_loops(reports, by_target)]:
        for report_id in group:
            rivals[report_id] = [i for i in group if i != report_id]
    return [Entry(r, corrected.get(r.id), by_target.get(r.id), rivals.get(r.id, [])) for r in reports]


@dataclass
class Change:
    site: str
    before: Finding | None
    after: Finding | None

    @property
    def before_condition(self) -> Condition:
        return self.before.condition if self.before else Condition.unknown

    @property
    def after_condition(self) -> Condition:
        return self.after.condition if self.after else Condition.unknown


def changes_between(
    reports_by_site: Mapping[str, list[Seen]],
    start: date,
    end: date,
    retracted: Iterable[str] = (),
    first_reports: bool = False,
) -> list[Change]:
    """The sites whose condition as of `end` differs from their condition as of `start`.

    A site with no report at all by `start` has no known condition to change from: it is left out
    unless `first_reports` asks for sites first described in the period too."""
    retracted = set(retracted)
    changes = []
    for site_id, reports in sorted(reports_by_site.items()):
        before = condition_as_of(reports, start, retracted)
        after = condition_as_of(reports, end, retracted)
        change = Change(site_id, before, after)
        if before is None and not first_reports:
            continue
        if change.before_condition is not change.after_condition:
            changes.append(change)
    return changes

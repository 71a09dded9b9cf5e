"""A site's condition as of any date, derived from its reports; never stored twice.

The condition as of D is that of the latest report observed on or before D that is in force: not
superseded by a correction, not withdrawn by a retraction. A window counts from its end: a change
seen between two satellite images is known only once the second image exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from heritage.models import Condition, ConditionReport, Retraction
from heritage.models.types import When


class Correctable(Protocol):
    """What the in-force rule needs of a report: a stored report, or the index's row of one."""

    @property
    def id(self) -> str: ...

    @property
    def supersedes(self) -> str | None: ...


class Finding(Protocol):
    """What a change names on each side: the report that gave the condition (a stored report,
    a row of one, or the index's answer for a day)."""

    @property
    def id(self) -> str: ...

    @property
    def observed(self) -> object: ...

    @property
    def condition(self) -> Condition: ...


class Observation(Correctable, Finding, Protocol):
    """What ordering reports by what they observed needs: a stored report, or a row of one."""

    @property
    def observed(self) -> When: ...

    @property
    def recorded_at(self) -> datetime: ...


C = TypeVar("C", bound=Correctable)
Seen = TypeVar("Seen", bound=Observation)


def superseded_ids(reports: Iterable[Correctable], retracted: Iterable[str] = ()) -> set[str]:
    """Reports corrected by a report that is not itself retracted (retract a correction, and the
    report it corrected is back in force)."""
    withdrawn = set(retracted)
    return {r.supersedes for r in reports if r.supersedes and r.id not in withdrawn}


def in_force(reports: Iterable[C], retracted: Iterable[str] = ()) -> list[C]:
    """The reports that no other report in force supersedes and no retraction withdraws."""
    reports = list(reports)
    withdrawn = set(retracted)
    out = superseded_ids(reports, withdrawn) | withdrawn
    return [r for r in reports if r.id not in out]


def report_order(report: Observation) -> tuple[date, date, str, str]:
    """The order reports describe a site in: by the last day of the observation, then its first day,
    then when it was recorded. The map sorts the same way, so that ties resolve alike everywhere."""
    return _order(report)


def _order(report: Observation) -> tuple[date, date, str, str]:
    observed = report.observed
    assert observed.end is not None  # the model refuses open-ended observations
    return observed.end, observed.start or date.min, report.recorded_at.isoformat(), report.id


def timeline(reports: Iterable[ConditionReport]) -> list[ConditionReport]:
    """All reports, superseded ones included, in the order they describe the site."""
    return sorted(reports, key=_order)


def condition_as_of(reports: Iterable[Seen], when: date | None = None, retracted: Iterable[str] = ()) -> Seen | None:
    """The report that gives the site's condition as of `when` (today if None), or None."""
    candidates = [
        r for r in in_force(reports, retracted) if when is None or (r.observed.end and r.observed.end <= when)
    ]
    return max(candidates, key=_order, default=None)


@dataclass
class Entry:
    """One report in a site's history, with what later records say of it."""

    report: ConditionReport
    superseded_by: str | None = None
    retraction: Retraction | None = None

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
    corrected = {r.supersedes: r.id for r in reports if r.supersedes and r.id not in by_target}
    return [Entry(r, corrected.get(r.id), by_target.get(r.id)) for r in reports]


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

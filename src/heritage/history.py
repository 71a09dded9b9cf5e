"""A site's condition as of any date, derived from its reports; never stored twice.

The condition as of D is that of the latest report observed on or before D that no other report
supersedes. A window counts from its end: a change seen between two satellite images is known
only once the second image exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from heritage.models import ConditionReport


def superseded_ids(reports: Iterable[ConditionReport]) -> set[str]:
    return {r.supersedes for r in reports if r.supersedes}


def in_force(reports: Iterable[ConditionReport]) -> list[ConditionReport]:
    """The reports that no other report supersedes."""
    reports = list(reports)
    replaced = superseded_ids(reports)
    return [r for r in reports if r.id not in replaced]


def _order(report: ConditionReport) -> tuple[date, date, str, str]:
    observed = report.observed
    assert observed.end is not None  # the model refuses open-ended observations
    return observed.end, observed.start or date.min, report.recorded_at.isoformat(), report.id


def timeline(reports: Iterable[ConditionReport]) -> list[ConditionReport]:
    """All reports, superseded ones included, in the order they describe the site."""
    return sorted(reports, key=_order)


def condition_as_of(reports: Iterable[ConditionReport], when: date | None = None) -> ConditionReport | None:
    """The report that gives the site's condition as of `when` (today if None), or None."""
    candidates = [r for r in in_force(reports) if when is None or (r.observed.end and r.observed.end <= when)]
    return max(candidates, key=_order, default=None)

"""The catalogue for Python users: `heritage.open(path, audience=...)`, then tables.

    >>> cat = heritage.open("path/to/catalogue", audience="public")
    >>> sites = cat.sites(as_of="2021-01-01")      # a GeoDataFrame, EPSG:4326
    >>> reports, allegations = cat.reports(), cat.allegations()   # DataFrames
    >>> record = cat.site("kanach-zham")           # the site, its reports and allegations

Everything comes through the audience rules of `heritage.audience`, as the map and the mission
packages take it: a site the audience may not see has no row and is not found by `site()`; a
restricted site is, for the public, a point rounded to 0.1 degree. The default audience is
`public`, the edition that can go anywhere: forgetting to say the audience must never show
confidential records, so seeing more is asked for by name (`audience="mission"` or `"internal"`).

The records are read once, when first asked for; open the catalogue again to see later changes.
pandas and geopandas are imported by the first table asked for, not by `import heritage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from heritage.allegations import ReviewedAllegation
from heritage.audience import hidden, site_for
from heritage.errors import InvalidInput, RecordNotFound
from heritage.history import condition_as_of
from heritage.models import Condition, ConditionReport, Site
from heritage.models.base import utc_today
from heritage.selection import Seen
from heritage.store import Catalogue

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


def open_catalogue(path: str | Path, audience: str) -> CatalogueView:
    """`heritage.open`, which holds the default audience. Nothing is read beyond
    `catalogue.json` until a table is asked for."""
    try:
        hidden(audience)  # the one check of an audience's name
    except ValueError as error:
        raise InvalidInput(str(error), field="audience") from None
    return CatalogueView(Catalogue.open(path), audience)


def as_day(value: str | date | None) -> date:
    """A day from `YYYY-MM-DD` text, a `date` or a `datetime` (its date); None is today (UTC)."""
    if value is None:
        return utc_today()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(f"{value!r} is not a day: give YYYY-MM-DD text or a datetime.date", field="as_of")


@dataclass(frozen=True)
class SiteRecord:
    """One site as an audience sees it: the site, and the reports and allegations about it that
    the audience may see (reports in the order they were read, not yet sorted)."""

    site: Site
    reports: list[ConditionReport]
    allegations: list[ReviewedAllegation]
    retracted: frozenset[str]

    def current(self, as_of: str | date | None = None) -> ConditionReport | None:
        """The report that says the site's condition on `as_of` (today if None), or None."""
        return condition_as_of(self.reports, as_day(as_of), self.retracted)

    def condition(self, as_of: str | date | None = None) -> Condition:
        """The site's condition on `as_of` (today if None); `unknown` if no report says it."""
        current = self.current(as_of)
        return current.condition if current else Condition.unknown


class CatalogueView:
    """A catalogue as one audience sees it. Made by `heritage.open`."""

    def __init__(self, catalogue: Catalogue, audience: str) -> None:
        self._catalogue = catalogue  # the files, unfiltered: only through the audience's rules
        self.audience = audience

    def __repr__(self) -> str:
        return f"<heritage catalogue {self._catalogue.info.name!r} for the {self.audience} audience>"

    @cached_property
    def _sites(self) -> list[Site]:
        return [shown for site in self._catalogue.sites() if (shown := site_for(site, self.audience)) is not None]

    @cached_property
    def _seen(self) -> Seen:
        return Seen.load(self._catalogue, self.audience)

    def sites(self, as_of: str | date | None = None) -> gpd.GeoDataFrame:
        """One row per site the audience may see, with its condition on `as_of` (today if None).

        Columns: `id`; `name` (the English name, else the first) and `name_<lang>` for each
        language any site is named in (the site's first name in it, None if it has none);
        `type`, `tradition`; `condition` (as of the day; `unknown` if no report says),
        `certainty`, `observed_start` and `observed_end` (the window of the report that says it,
        datetime64, NaT where open or there is none); `reports`, `allegations` (how many the
        audience may see); `precision`, `uncertainty_m` (NaN if not known); `geometry` (EPSG:4326,
        None for a site with no location). Where there is no value a cell is missing (None, NaN
        or NaT: `isna()` is true), never "" or 0.
        """
        from heritage.frame import sites_frame

        return sites_frame(self._sites, self._seen, as_day(as_of))

    def reports(self) -> pd.DataFrame:
        """One row per condition report the audience may see, of the sites it may see.

        Columns: `id`, `site`, `condition`, `certainty`, `method`; `observed` (as the source
        gives it, EDTF), `observed_start`, `observed_end` (datetime64, NaT where open);
        `sources` (a list of the cited source ids the audience may see); `supersedes`;
        `retracted` (bool); `sensitivity`; `recorded_at` (datetime64, UTC). Superseded and
        retracted reports are rows too: `site(id).current()` says which one is in force.
        """
        from heritage.frame import reports_frame

        return reports_frame((site.id for site in self._sites), self._seen)

    def allegations(self) -> pd.DataFrame:
        """One row per allegation the audience may see.

        Columns: `id`; `sites` (a list of the ids of the sites it is about that the audience may
        see); `claimant`, `claimant_kind`, `party`; `made` (as written), `made_start`,
        `made_end` (datetime64); `acts` (a list); `damage_status`, `attribution_status` (after
        the latest reviews); `source`; `sensitivity`; `recorded_at` (datetime64, UTC).
        """
        from heritage.frame import allegations_frame

        return allegations_frame((site.id for site in self._sites), self._seen)

    def site(self, site_id: str) -> SiteRecord:
        """The site `site_id` with its reports and allegations, as the audience sees them.

        Raises `RecordNotFound` (a `LookupError`) naming the id if there is no such site, or
        none this audience may see: the two are not told apart, so an id does not reveal that a
        hidden site exists.
        """
        for site in self._sites:
            if site.id == site_id:
                seen = self._seen
                reports, allegations = list(seen.reports[site_id]), list(seen.allegations[site_id])
                return SiteRecord(site, reports, allegations, frozenset(seen.retracted))
        raise RecordNotFound(f"no site {site_id!r} for the {self.audience} audience", record=site_id)

"""The mission package's front page: summary charts, a sortable table, the allegations about the
package's sites, links to everything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from heritage.allegations import ReviewedAllegation
from heritage.context import naturalearth
from heritage.context.svgmap import Dot, Frame, credit, map_svg
from heritage.models import Condition, Site
from heritage.palette import CONDITION_COLOURS

# What each of the two root hashes is, in the same words wherever they are shown: the export's
# output, the front page, docs/guide.md. The package's own root cannot be on the front page, which
# is one of the files it covers; the catalogue's root there is not the one verify-package needs.
PACKAGE_ROOT_WORDS = (
    "the package's own root hash: give it to whoever checks the package (heritage verify-package PACKAGE --root ...)"
)
CATALOGUE_ROOT_WORDS = "the catalogue's root hash: what the package was made from, not the root verify-package needs"


@dataclass
class FrontAllegation:
    """An allegation as the front page lists it, already as the package's audience may see it."""

    reviewed: ReviewedAllegation
    party: str  # the claimant's party, by its name
    sites: list[Site]  # the package's sites it is about
    elsewhere: bool  # it is about other sites too (not named: they may be hidden from this edition)

    @property
    def acts(self) -> str:
        return ", ".join(act.value.replace("_", " ") for act in self.reviewed.allegation.acts)


def front_allegations(
    seen: Mapping[str, list[ReviewedAllegation]], sites: list[Site], party_names: Mapping[str, str]
) -> list[FrontAllegation]:
    """The allegations about the package's `sites`, each once, oldest first: `seen` holds each
    site's allegations as the audience may see them (`heritage.selection.Seen`)."""
    in_package = {site.id: site for site in sites}
    found: dict[str, ReviewedAllegation] = {}
    for site in sites:
        for reviewed in seen.get(site.id, []):
            found.setdefault(reviewed.allegation.id, reviewed)
    shown = []
    for reviewed in found.values():
        allegation = reviewed.allegation
        party = allegation.claimant.party
        shown.append(
            FrontAllegation(
                reviewed,
                party=party_names.get(party, party) if party else "no party",
                sites=[in_package[i] for i in dict.fromkeys(allegation.sites) if i in in_package],
                elsewhere=any(i not in in_package for i in allegation.sites),
            )
        )
    return sorted(shown, key=lambda a: (a.reviewed.allegation.made_on.start or date.min, a.reviewed.allegation.id))


OVERVIEW_SIZE = (900, 440)  # px


def overview_map(rows: list[dict[str, Any]]) -> tuple[str, str]:
    """The package's sites on the basemap, each a dot coloured by its condition that opens its
    dossier, and what is said beneath the map; ('', '') when no site has a point."""
    located = [row for row in rows if row["lon"] is not None and row["lat"] is not None]
    if not located:
        return "", ""
    lons, lats = [row["lon"] for row in located], [row["lat"] for row in located]
    # A margin around the sites, at least about 3 km when they are all in one place (a town's breadth): a wider
    # one left a town's sites a clump of overlapping dots in the middle of an empty map.
    extent = naturalearth.grow((min(lons), min(lats), max(lons), max(lats)), 0.1, 0.03)
    frame = Frame.around(extent, *OVERVIEW_SIZE)
    layers = naturalearth.basemap(frame.extent)
    dots = [
        Dot(
            row["lon"],
            row["lat"],
            CONDITION_COLOURS[Condition(row["condition"])],
            href=f"dossiers/{quote(row['id'], safe='')}.html",
            title=f"{row['name']} ({row['condition'].replace('_', ' ')})",
        )
        for row in located
    ]
    return map_svg(frame, layers, dots, label="The package's sites"), credit(layers)


def write_index(
    path: Path,
    *,
    name: str,
    catalogue_name: str,
    audience: str,
    rows: list[dict[str, Any]],
    charts: list[str],
    labels: dict[str, str],
    allegations: list[FrontAllegation],
    catalogue_root: str,
    today: str,
    pdf: bool,
) -> Path:
    from heritage.dossier import _environment

    overview, overview_credit = overview_map(rows)
    page = (
        _environment()
        .get_template("mission.html")
        .render(
            name=name,
            catalogue_name=catalogue_name,
            audience=audience,
            rows=rows,
            charts=charts,
            labels=labels,
            colours={c.value: CONDITION_COLOURS[c] for c in Condition},
            allegations=allegations,
            overview=overview,
            overview_credit=overview_credit,
            catalogue_root=catalogue_root,
            package_root_words=PACKAGE_ROOT_WORDS,
            catalogue_root_words=CATALOGUE_ROOT_WORDS,
            today=today,
            pdf=pdf,
        )
    )
    path.write_text(page, encoding="utf-8")
    return path

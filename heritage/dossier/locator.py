"""A dossier's locator maps: where the site is among the catalogue's other sites, on the basemap.

Two frames: the catalogue's region (as the locator always showed it) and, where the region is too
wide to find one's way in, a close-up around the site at a town's scale. Each holds at most
`SITE_LIMIT` other sites, the nearest, coloured by their condition as the dossier's audience may see
it; so a dossier weighs the same in a catalogue of a hundred sites or of a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from heritage.audience import may_see, report_for
from heritage.context import VectorLayer, naturalearth
from heritage.context.svgmap import Dot, Frame, credit, map_svg, nearest_inside
from heritage.history import condition_as_of
from heritage.models import Condition, Site
from heritage.palette import CONDITION_COLOURS
from heritage.store import Catalogue

Extent = tuple[float, float, float, float]
REGION_SIZE = (330, 230)  # px: two of them side by side fit an A4 page's width
CLOSE_ZOOM = 10  # a close-up at about 40 km across, where towns have names
SITE_LIMIT = 2000
UNKNOWN = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 150"><text x="105" y="78" \
text-anchor="middle" font-size="11" fill="#868e96">location unknown</text></svg>"""


@dataclass
class Locator:
    maps: list[str]  # SVG documents, the widest first
    credit: str  # what is said beneath them ('' without a basemap)


@dataclass
class Conditions:
    """Each site's condition as an audience may see it (`heritage.audience.report_for`), read once
    per site and audience for all the dossiers of a run."""

    catalogue: Catalogue
    today: date
    found: dict[tuple[str, str], Condition] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=dict)

    def __call__(self, site_id: str, audience: str) -> Condition:
        key = (site_id, audience)
        if key not in self.found:
            if audience not in self.sources:
                seen = {s.id for s in self.catalogue.sources() if may_see(s.sensitivity, audience)}
                self.sources[audience] = seen
            shown = self.sources[audience]
            reports = [r for report in self.catalogue.reports(site_id) if (r := report_for(report, audience, shown))]
            retracted = {r.retracts for r in self.catalogue.retractions(site_id)}
            current = condition_as_of(reports, self.today, retracted)
            self.found[key] = current.condition if current else Condition.unknown
        return self.found[key]


def region_extent(point: tuple[float, float], others: list[tuple[str, float, float]], region: Extent | None) -> Extent:
    """The catalogue's declared region, or the box around every site with a margin."""
    if region is not None:
        return region
    lons = [point[0], *(lon for _, lon, _ in others)]
    lats = [point[1], *(lat for _, _, lat in others)]
    return min(lons) - 0.1, min(lats) - 0.1, max(lons) + 0.1, max(lats) + 0.1


def locator_maps(
    site: Site,
    others: list[tuple[str, float, float]],
    region: Extent | None,
    colour_of: Callable[[str], str],
    layers_for: Callable[[Extent], list[VectorLayer]] | None = None,
) -> Locator:
    """The site's locator maps among `others` (id, longitude, latitude: as the audience may see
    them), each other site's colour from `colour_of(id)`, the basemap from `layers_for(extent)`."""
    if site.geometry is None:
        return Locator([UNKNOWN], "")
    layers_for = layers_for or naturalearth.basemap
    point = site.geometry.representative
    width, height = REGION_SIZE
    frames = [Frame.around(region_extent(point, others, region), width, height)]
    if frames[0].zoom < CLOSE_ZOOM - 1:
        frames.append(Frame.at_zoom(*point, CLOSE_ZOOM, width, height))
    maps, drawn = [], []
    for number, frame in enumerate(frames):
        layers = layers_for(frame.extent)
        drawn += layers
        nearest = nearest_inside(frame, others, point, SITE_LIMIT)
        dots = [Dot(lon, lat, colour_of(site_id)) for site_id, lon, lat in nearest]
        title = "Where the site is in the region" if number == 0 else "The site close up"
        maps.append(map_svg(frame, layers, dots, highlight=point, label=title))
    return Locator(maps, credit(drawn))


def condition_colour(conditions: Conditions, audience: str) -> Callable[[str], str]:
    return lambda site_id: CONDITION_COLOURS[conditions(site_id, audience)]

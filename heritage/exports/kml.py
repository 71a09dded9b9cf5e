"""The sites as KML 2.2 for Google Earth (`heritage export kml`).

The Document holds two folders, of which Google Earth shows one at a time (a `radioFolder` list
style, so that the two never draw over each other):

    Now                  a Placemark per site, undated, styled by its condition as of the export
                         day, with everything the export says of it in its balloon
    Condition over time  a Folder per site, a Placemark per period of one condition with a
                         TimeSpan: Google Earth's time slider then shows each site as it was

A period begins on the day its condition became known, the last day of the observation that
reported it (a change seen between two satellite images is known from the second image), and ends
when the next change became known: the rule of `history.condition_as_of`, so that the slider at
any day shows what `heritage history` says for that day. Superseded and retracted reports count
for nothing. A site is grey ("no report") before its first report.

Catalogue text is untrusted: the balloons are HTML built with every piece of text escaped, then
escaped again as XML text (no CDATA, so no `]]>` can end it early), so a name is always shown as
the characters it holds, never run as markup or script. Only what the `Scope` holds is written.
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from heritage.allegations import ReviewedAllegation
from heritage.exports.geojson import oriented_rings, rounded
from heritage.history import history_in_force
from heritage.models import Condition, ConditionReport, Point, Site, Source
from heritage.models.labels import label
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS, condition_label

if TYPE_CHECKING:
    from heritage.exports import Scope

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
# One of the icons Google Earth ships with: white, so that the style's colour tints it whole.
ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
LABEL_SCALE = "0.8"
FILL_ALPHA = 0x59  # a polygon's fill, about 35% opaque, so the imagery under it stays visible


@dataclass
class Period:
    """A stretch of one condition: from `begin` (None: before the first report) to `end` (None:
    still in force on the export day), and the reports in force that gave it, oldest first."""

    begin: date | None
    end: date | None
    condition: Condition
    reports: list[ConditionReport] = field(default_factory=list)


def condition_periods(reports: Iterable[ConditionReport], retracted: Iterable[str], today: date) -> list[Period]:
    """A site's condition over time, as `condition_as_of` gives it for each day up to `today`: a
    first period with no report, then one per change of condition (a report that says the same
    as the one before extends its period). Of reports that end on the same day, the last in
    report order counts, as it does for `condition_as_of`."""
    steps: list[tuple[date, ConditionReport]] = []
    for report in history_in_force(reports, retracted):
        day = report.observed.end
        assert day is not None  # the model closes an open end on the day it was recorded
        if day > today:
            break  # report order runs by that day: the rest are later still
        if steps and steps[-1][0] == day:
            steps[-1] = (day, report)
        else:
            steps.append((day, report))
    periods: list[Period] = []
    for day, report in steps:
        if periods and periods[-1].condition is report.condition:
            periods[-1].reports.append(report)
            continue
        if periods:
            periods[-1].end = day
        periods.append(Period(day, None, report.condition, [report]))
    if periods:
        periods.insert(0, Period(None, periods[0].begin, Condition.unknown))
    return periods


def kml_colour(hex_colour: str, alpha: int = 0xFF) -> str:
    """`#rrggbb` as KML writes a colour: aabbggrr."""
    red, green, blue = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"{alpha:02x}{blue}{green}{red}".lower()


def style_id(condition: Condition) -> str:
    return f"condition-{condition.value}"


# What XML 1.0 cannot hold at all, escaped or not. The models refuse control characters, but not
# the noncharacters U+FFFE and U+FFFF, which would leave the file unreadable: shown as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: xml_text(value) for name, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _number(value: float) -> str:
    """A coordinate in plain decimals (never `1e-07`), at most 7 of them."""
    return f"{value:.7f}".rstrip("0").rstrip(".")


def _coordinates(ring: Iterable[list[float]]) -> str:
    return " ".join(f"{_number(p[0])},{_number(p[1])}" for p in ring)


def _geometry(parent: ET.Element, site: Site) -> None:
    """A point as a Point; a polygon as the polygon with a Point inside it, so that it has an
    icon to click and a label. No geometry for a site whose location is unknown."""
    geometry = site.geometry
    if geometry is None:
        return
    if isinstance(geometry, Point):
        _el(_el(parent, "Point"), "coordinates", _coordinates([rounded(geometry.coordinates)]))
        return
    shapes = _el(parent, "MultiGeometry")
    lon, lat = geometry.representative
    _el(_el(shapes, "Point"), "coordinates", _coordinates([rounded([lon, lat])]))
    polygon = _el(shapes, "Polygon")
    outer, *holes = oriented_rings(geometry)  # KML too wants the outer ring counter-clockwise
    _el(_el(_el(polygon, "outerBoundaryIs"), "LinearRing"), "coordinates", _coordinates(outer))
    for hole in holes:
        _el(_el(_el(polygon, "innerBoundaryIs"), "LinearRing"), "coordinates", _coordinates(hole))


def _extended(parent: ET.Element, data: list[tuple[str, object]]) -> None:
    extended = _el(parent, "ExtendedData")
    for name, value in data:
        if value is not None and value != "":
            _el(_el(extended, "Data", name=name), "value", str(value))


def _styles(document: ET.Element) -> None:
    one_view = _el(document, "Style", id="one-view")
    _el(_el(one_view, "ListStyle"), "listItemType", "radioFolder")
    for condition in Condition:
        colour = CONDITION_COLOURS[condition]
        style = _el(document, "Style", id=style_id(condition))
        icon = _el(style, "IconStyle")
        _el(icon, "color", kml_colour(colour))
        _el(icon, "scale", "1.1")
        _el(_el(icon, "Icon"), "href", ICON)
        _el(_el(style, "LabelStyle"), "scale", LABEL_SCALE)
        line = _el(style, "LineStyle")
        _el(line, "color", kml_colour(colour))
        _el(line, "width", "2")
        _el(_el(style, "PolyStyle"), "color", kml_colour(colour, FILL_ALPHA))


# The balloons' HTML. `e` escapes every piece of catalogue text; `dir="auto"` keeps a right-to-left
# name from reordering the text around it.
e = html.escape


def _swatch(condition: Condition) -> str:
    return f'<span style="color:{CONDITION_COLOURS[condition]}">&#9632;</span>'


def _link(url: str, text: str) -> str:
    return f'<a href="{e(url)}">{e(text)}</a>'


def _source_html(source: Source) -> str:
    parts = [f'<span dir="auto">{e(source.title)}</span>']
    if source.publisher:
        parts.append(f'<span dir="auto">{e(source.publisher)}</span>')
    if source.published:
        parts.append(e(str(source.published)))
    if source.url:
        parts.append(_link(source.url, source.url))
    return ", ".join(parts)


def _report_html(report: ConditionReport, scope: Scope) -> str:
    cited = [scope.sources[c.source] for c in report.sources if c.source in scope.sources]
    sources = "".join(f"<li>{_source_html(s)}</li>" for s in cited)
    return (
        f"<p>{_swatch(report.condition)} <b>{e(condition_label(report.condition, report.certainty))}</b>, "
        f"observed {e(str(report.observed))} ({e(label(report.method.value))}; report {e(report.id)})</p>"
        + (f"<ul>{sources}</ul>" if sources else "")
    )


def _report_line(report: ConditionReport, scope: Scope) -> str:
    """A report in a period's balloon, short: a site's periods are many, its sources in full are
    in its balloon under Now."""
    titles = "; ".join(scope.sources[c.source].title for c in report.sources if c.source in scope.sources)
    return (
        f"<li>{e(condition_label(report.condition, report.certainty))}, observed {e(str(report.observed))} "
        f'(report {e(report.id)}): <span dir="auto">{e(titles)}</span></li>'
    )


def _allegation_html(reviewed: ReviewedAllegation, scope: Scope) -> str:
    claim = reviewed.allegation
    party = scope.parties.get(claim.claimant.party, claim.claimant.party) if claim.claimant.party else None
    claimant = e(claim.claimant.name) + (f" ({e(party)})" if party else "")
    acts = ", ".join(label(a.value) for a in claim.acts)
    return (
        f'<li>{e(str(claim.made_on))}, <span dir="auto">{claimant}</span>: {e(acts)}. '
        f'<span dir="auto">{e(claim.summary)}</span> '
        f"Damage status: <b>{e(label(reviewed.damage_status.value))}</b>; "
        f"attribution: {e(label(reviewed.attribution_status.value))}.</li>"
    )


def _site_html(
    site: Site, scope: Scope, current: ConditionReport | None, periods: list[Period], claims: list[ReviewedAllegation]
) -> str:
    parts = []
    if current is None:
        parts.append(f"<p>{_swatch(Condition.unknown)} <b>No condition report</b></p>")
    else:
        parts.append(_report_html(current, scope))
    words = scope.vocabulary
    about = [words.site_types.get(site.type, label(site.type))]
    if site.tradition:
        about.append(words.traditions.get(site.tradition, label(site.tradition)))
    if site.period:
        about.append(site.period.label)
    parts.append(f"<p>{e(' · '.join(about))}</p>")
    names = "".join(f'<li><span dir="auto">{e(n.text)}</span> <i>[{e(n.lang)}]</i></li>' for n in site.names)
    parts.append(f"<p><b>Names</b></p><ul>{names}</ul>")
    location = site.location
    where = label(location.precision.value)
    if location.uncertainty_m is not None:
        where += f", within {location.uncertainty_m:g} m"
    parts.append(f"<p><b>Location</b>: {e(where)}</p>")
    if site.areas:
        parts.append(f"<p><b>Areas</b>: {e('; '.join(site.areas))}</p>")
    cited = [c.source for period in periods for r in period.reports for c in r.sources]
    cited += [c.allegation.source.source for c in claims]
    sources = [scope.sources[i] for i in dict.fromkeys(cited) if i in scope.sources]
    if sources:
        parts.append("<p><b>Sources cited</b></p><ul>" + "".join(f"<li>{_source_html(s)}</li>" for s in sources))
        parts.append("</ul>")
    if claims:
        parts.append("<p><b>Allegations</b></p><ul>" + "".join(_allegation_html(c, scope) for c in claims) + "</ul>")
    if (link := scope.dossier_link(site.id)) is not None:
        parts.append(f"<p>{_link(link, 'Dossier of this site')}</p>")
    parts.append(f"<p>Site {e(site.id)}; {len(scope.reports[site.id])} condition report(s).</p>")
    return "".join(parts)


def _site_data(
    site: Site, scope: Scope, current: ConditionReport | None, claims: list[ReviewedAllegation]
) -> list[tuple[str, object]]:
    data: list[tuple[str, object]] = [
        ("id", site.id),
        ("condition", (current.condition if current else Condition.unknown).value),
        ("certainty", current.certainty.value if current and current.certainty else None),
        ("observed", str(current.observed) if current else None),
        ("type", site.type),
        ("tradition", site.tradition),
        ("period", site.period.label if site.period else None),
        ("areas", "; ".join(site.areas)),
        ("precision", site.location.precision.value),
        ("uncertainty_m", site.location.uncertainty_m),
        ("reports", len(scope.reports[site.id])),
        ("allegations", len(claims)),
    ]
    seen: dict[str, int] = {}
    for name in site.names:
        seen[name.lang] = seen.get(name.lang, 0) + 1
        suffix = f":{seen[name.lang]}" if seen[name.lang] > 1 else ""
        data.append((f"name:{name.lang}{suffix}", name.text))
    data += [(f"external_id:{scheme}", value) for scheme, value in sorted(site.external_ids.items())]
    data.append(("dossier", scope.dossier_link(site.id)))
    return data


def _snippet(parent: ET.Element, text: str) -> None:
    _el(parent, "Snippet", text, maxLines="1")


def _now(folder: ET.Element, site: Site, scope: Scope, periods: list[Period], claims: list[ReviewedAllegation]) -> None:
    current = scope.current(site.id)
    condition = current.condition if current else Condition.unknown
    placemark = _el(folder, "Placemark")
    _el(placemark, "name", site.display_name())
    summary = condition_label(condition, current.certainty if current else None)
    _snippet(placemark, f"{summary}, observed {current.observed}" if current else "No condition report")
    _el(placemark, "description", _site_html(site, scope, current, periods, claims))
    _el(placemark, "styleUrl", f"#{style_id(condition)}")
    _extended(placemark, _site_data(site, scope, current, claims))
    _geometry(placemark, site)


def _over_time(folder: ET.Element, site: Site, scope: Scope, periods: list[Period]) -> None:
    site_folder = _el(folder, "Folder")
    _el(site_folder, "name", site.display_name())
    if not periods:  # no report at all: undated, so that the slider shows it at every date
        periods = [Period(None, None, Condition.unknown)]
    for period in periods:
        placemark = _el(site_folder, "Placemark")
        latest = period.reports[-1] if period.reports else None
        words = condition_label(period.condition, latest.certainty) if latest else "No condition report"
        _el(placemark, "name", f"{site.display_name()}: {words}")
        since = f"from {period.begin}" if period.begin else "before the first report" if period.end else ""
        until = f" until {period.end}" if period.begin and period.end else ""
        _snippet(placemark, (since + until) or "no report at any date")
        body = "".join(_report_line(r, scope) for r in period.reports)
        body = f"<ul>{body}</ul>" if body else "<p>No condition report for this time.</p>"
        when = f", {e(since + until)}" if since or until else ""
        _el(placemark, "description", f"<p><b>{e(site.display_name())}</b>{when}</p>{body}")
        if period.begin or period.end:
            span = _el(placemark, "TimeSpan")
            if period.begin:
                _el(span, "begin", period.begin.isoformat())
            if period.end:
                _el(span, "end", period.end.isoformat())
        _el(placemark, "styleUrl", f"#{style_id(period.condition)}")
        _extended(
            placemark,
            [
                ("id", site.id),
                ("condition", period.condition.value),
                ("certainty", latest.certainty.value if latest and latest.certainty else None),
            ],
        )
        _geometry(placemark, site)


def _legend(scope: Scope) -> str:
    rows = "".join(f"<tr><td>{_swatch(c)}</td><td>{e(CONDITION_LABELS[c])}</td></tr>" for c in Condition)
    return (
        f"<p>{len(scope.sites)} site(s) of {e(scope.catalogue_name)}, {e(scope.audience)} edition, "
        f"as of {scope.today.isoformat()}.</p>"
        f"<table>{rows}</table>"
        "<p><b>Now</b> shows each site in its condition as of that day. Choose <b>Condition over time</b> "
        "instead and move the time slider: each site shows its condition at the chosen date, from the day "
        "it became known (the last day of the observation that reported it) until the next change; grey "
        "before its first report. Corrected and retracted reports do not count.</p>"
    )


def kml_document(scope: Scope) -> ET.Element:
    root = ET.Element("kml", xmlns=KML_NAMESPACE)
    document = _el(root, "Document")
    _el(document, "name", f"{scope.catalogue_name}: heritage sites ({scope.audience} edition)")
    _el(document, "open", "1")
    _el(document, "description", _legend(scope))
    _el(document, "styleUrl", "#one-view")
    _styles(document)
    claims: dict[str, list[ReviewedAllegation]] = {site.id: [] for site in scope.sites}
    for reviewed in scope.allegations:
        for site_id in reviewed.allegation.sites:
            claims[site_id].append(reviewed)
    now = _el(document, "Folder")
    _el(now, "name", f"Now ({scope.today.isoformat()})")
    _el(now, "open", "1")
    over_time = _el(document, "Folder")
    _el(over_time, "name", "Condition over time (time slider)")
    _el(over_time, "visibility", "0")
    for site in scope.sites:
        periods = condition_periods(scope.reports[site.id], scope.retracted, scope.today)
        _now(now, site, scope, periods, claims[site.id])
        _over_time(over_time, site, scope, periods)
    return root


def write(scope: Scope, path: Path) -> None:
    """The KML document, or for a name ending in `.kmz` the same zipped as `doc.kml` (what Google
    Earth opens as KMZ): a tenth of the size, which counts at thousands of sites with their history."""
    root = kml_document(scope)
    ET.indent(root, space=" ")
    if path.name.lower().endswith(".kmz"):
        text = io.BytesIO()
        ET.ElementTree(root).write(text, encoding="utf-8", xml_declaration=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("doc.kml", text.getvalue() + b"\n")
        return
    with path.open("wb") as out:
        ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
        out.write(b"\n")

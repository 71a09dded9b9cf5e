"""The whole scope as one GeoPackage (`heritage export gpkg`), for QGIS, ArcGIS and GDAL:

    sites              point layer: every site at its representative point (a polygon site at
                       the mean of its outline's corners, as every export places it), a site with
                       no location with no geometry; its record, its condition now, its counts
    site_outlines      polygon layer: the outline of each site that has one, keyed by `id`
    condition_reports, allegations, allegation_sites, reviews, sources, evidence
                       tables without geometry, one row per record the scope holds
    layer_styles       the QGIS style table: `sites` and `site_outlines` coloured by condition

Points and outlines are two layers because a GeoPackage layer holds one geometry type: a layer
of mixed points and polygons opens in QGIS as two sublayers to pick from, and draws with neither
style. Every site is in `sites`, so a count, a join or a style needs that layer alone.

Dates are DATE, times DATETIME (UTC), yes/no BOOLEAN, counts INTEGER, and an absent value is NULL,
never '' or 0. Only what the scope holds is written: it is already what its audience may see.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heritage.exports.styles import Shape, condition_qml, condition_sld
from heritage.frame import ColumnKind, write_table
from heritage.models import Site, When

if TYPE_CHECKING:
    from heritage.exports import Scope

Columns = list[tuple[str, ColumnKind]]
GEOMETRY_COLUMN = "geom"  # what GDAL names it in a GeoPackage


def write(scope: Scope, path: Path) -> None:
    path.unlink(missing_ok=True)  # GDAL would add the layers to a file left there
    with warnings.catch_warnings():
        # A name not ending in .gpkg: GDAL warns on every layer; the command has said so once.
        warnings.filterwarnings("ignore", message=".*(extension|non conformant)", category=RuntimeWarning)
        _write_sites(scope, path)
        _write_reports(scope, path)
        _write_allegations(scope, path)
        _write_sources(scope, path)
        _write_evidence(scope, path)
        _write_styles(scope, path)


def _joined(values: Iterable[str], separator: str = ", ") -> str | None:
    return separator.join(values) or None


def _column_name(text: str) -> str:
    """A language tag or an id scheme as a column name: `hy-Latn` -> `hy_latn`."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


def _when(when: When | None) -> list[Any]:
    """A date as the source gave it, then its first and last possible day."""
    return [str(when), when.start, when.end] if when is not None else [None, None, None]


def _recorded(record: Any) -> list[Any]:
    return [record.recorded_at, record.recorded_by, record.sha256]


STAMP: Columns = [("recorded_at", "datetime"), ("recorded_by", "text"), ("sha256", "text")]


def _designation(designation: Any) -> str:
    details = [d for d in (designation.level, f"since {designation.since}" if designation.since else None) if d]
    text = f"{designation.scheme} {designation.reference}" if designation.reference else designation.scheme
    return f"{text} ({', '.join(details)})" if details else text


def _write_sites(scope: Scope, path: Path) -> None:
    sites = scope.sites
    languages = sorted({n.lang for site in sites for n in site.names})
    schemes = sorted({scheme for site in sites for scheme in site.external_ids})
    columns: Columns = [("id", "text"), ("name", "text")]
    columns += [(f"name_{_column_name(lang)}", "text") for lang in languages]
    columns += [
        ("names", "text"),
        ("type", "text"),
        ("tradition", "text"),
        ("period", "text"),
        ("period_start_year", "integer"),
        ("period_end_year", "integer"),
        ("precision", "text"),
        ("uncertainty_m", "real"),
        ("location_source", "text"),
        ("areas", "text"),
        ("designations", "text"),
        ("description", "text"),
        ("sensitivity", "text"),
        ("condition", "text"),
        ("certainty", "text"),
        ("observed", "text"),
        ("observed_start", "date"),
        ("observed_end", "date"),
        ("reports", "integer"),
        ("allegations", "integer"),
        ("allegation_status", "text"),
        ("claimant_parties", "text"),
    ]
    if scope.dossiers is not None:
        columns.append(("dossier", "text"))
    taken = {name for name, _ in columns} | {"fid", GEOMETRY_COLUMN}
    scheme_columns = {}
    for scheme in schemes:
        column = _column_name(scheme)
        while column in taken:  # a scheme called `name`, or `OSM` beside `osm`
            column = f"external_{column}"
        taken.add(column)
        scheme_columns[scheme] = column
    columns += [(scheme_columns[s], "text") for s in schemes]
    columns += [("recorded_at", "datetime"), ("recorded_by", "text")]

    summaries = scope.summaries
    rows, points = [], []
    for site, summary in zip(sites, summaries, strict=True):
        first: dict[str, str] = {}
        for name in site.names:
            first.setdefault(name.lang, name.text)
        period = site.period
        row = [site.id, summary["name"], *(first.get(lang) for lang in languages)]
        row += [
            summary["names"],
            site.type,
            site.tradition,
            period.label if period else None,
            period.start_year if period else None,
            period.end_year if period else None,
            site.location.precision.value,
            site.location.uncertainty_m,
            site.location.source,
            _joined(site.areas, "; "),
            _joined((_designation(d) for d in site.designations), "; "),
            site.description,
            site.sensitivity.value,
            summary["condition"],
            summary["certainty"],
            summary["observed"],
            summary["observed_start"],
            summary["observed_end"],
            summary["reports"],
            summary["allegations"],
            summary["allegation_status"],
            summary["claimant_parties"],
        ]
        if scope.dossiers is not None:
            row.append(scope.dossier_link(site.id))
        row += [site.external_ids.get(s) for s in schemes]
        row += [site.recorded_at, site.recorded_by]
        rows.append(row)
        has_point = summary["lon"] is not None
        points.append({"type": "Point", "coordinates": [summary["lon"], summary["lat"]]} if has_point else None)
    write_table(path, "sites", columns, rows, geometries=points, geometry_type="Point")

    outlined = [(site, summary) for site, summary in zip(sites, summaries, strict=True) if _outline(site)]
    write_table(
        path,
        "site_outlines",
        [("id", "text"), ("name", "text"), ("condition", "text"), ("certainty", "text")],
        [[s.id, row["name"], row["condition"], row["certainty"]] for s, row in outlined],
        geometries=[_outline(s) for s, _ in outlined],
        geometry_type="Polygon",
    )


def _outline(site: Site) -> dict[str, Any] | None:
    """A polygon site's outline in two dimensions (an altitude a source gave is left out: the
    layer is 2D, and one 3D outline would make every other one so)."""
    geometry = site.geometry
    if geometry is None or geometry.type != "Polygon":
        return None
    rings = [[[p[0], p[1]] for p in ring] for ring in geometry.coordinates]
    return {"type": "Polygon", "coordinates": rings}


def _write_reports(scope: Scope, path: Path) -> None:
    columns: Columns = [
        ("id", "text"),
        ("site", "text"),
        ("observed", "text"),
        ("observed_start", "date"),
        ("observed_end", "date"),
        ("observed_by", "text"),
        ("method", "text"),
        ("condition", "text"),
        ("certainty", "text"),
        ("damage_extent", "text"),
        ("damage_effects", "text"),
        ("damage_causes", "text"),
        ("credibility", "integer"),
        ("sources", "text"),
        ("citations", "text"),
        ("evidence", "text"),
        ("notes", "text"),
        ("access", "text"),
        ("access_reason", "text"),
        ("visited_at", "datetime"),
        ("supersedes", "text"),
        ("retracted", "boolean"),
        ("sensitivity", "text"),
        *STAMP,
    ]
    rows = []
    for site in scope.sites:
        reports = scope.reports[site.id]
        ids = {r.id for r in reports}
        for report in reports:
            cited = [c for c in report.sources if c.source in scope.sources]
            rows.append(
                [
                    report.id,
                    report.site,
                    *_when(report.observed),
                    report.observed_by,
                    report.method.value,
                    report.condition.value,
                    report.certainty.value if report.certainty else None,
                    report.damage_extent.value if report.damage_extent else None,
                    _joined(e.value for e in report.damage_effects),
                    _joined(c.value for c in report.damage_causes),
                    report.credibility,
                    _joined(c.source for c in cited),
                    _joined((f"{c.source} ({c.locator})" if c.locator else c.source for c in cited), "; "),
                    _joined((h for h in report.evidence if h in scope.evidence), " "),
                    report.notes,
                    report.access.value if report.access else None,
                    report.access_reason,
                    report.visited_at,
                    report.supersedes if report.supersedes in ids else None,  # never name a hidden one
                    report.id in scope.retracted,
                    report.sensitivity.value,
                    *_recorded(report),
                ]
            )
    write_table(path, "condition_reports", columns, rows)


def _party(scope: Scope, party: str | None) -> list[str | None]:
    return [party, scope.parties.get(party, party) if party else None]


def _write_allegations(scope: Scope, path: Path) -> None:
    columns: Columns = [
        ("id", "text"),
        ("claimant", "text"),
        ("claimant_kind", "text"),
        ("claimant_party", "text"),
        ("claimant_party_name", "text"),
        ("made", "text"),
        ("made_start", "date"),
        ("made_end", "date"),
        ("source", "text"),
        ("source_locator", "text"),
        ("acts", "text"),
        ("alleged_perpetrator", "text"),
        ("alleged_perpetrator_party", "text"),
        ("alleged_perpetrator_party_name", "text"),
        ("alleged_period", "text"),
        ("alleged_period_start", "date"),
        ("alleged_period_end", "date"),
        ("summary", "text"),
        ("quote", "text"),
        ("legal_references", "text"),
        ("evidence", "text"),
        ("responds_to", "text"),
        ("responses", "text"),
        ("damage_status", "text"),
        ("attribution_status", "text"),
        ("sensitivity", "text"),
        *STAMP,
    ]
    visible = {reviewed.allegation.id for reviewed in scope.seen.claims}
    rows, links, reviews = [], [], []
    for reviewed in scope.allegations:
        allegation = reviewed.allegation
        perpetrator = allegation.alleged_perpetrator
        in_shown_source = allegation.source.source in scope.sources
        rows.append(
            [
                allegation.id,
                allegation.claimant.name,
                allegation.claimant.kind.value,
                *_party(scope, allegation.claimant.party),
                *_when(allegation.made_on),
                allegation.source.source if in_shown_source else None,
                allegation.source.locator if in_shown_source else None,
                _joined(a.value for a in allegation.acts),
                perpetrator.name if perpetrator else None,
                *_party(scope, perpetrator.party if perpetrator else None),
                *_when(allegation.alleged_period),
                allegation.summary,
                allegation.quote,
                _joined(allegation.legal_references, "; "),
                _joined((h for h in allegation.evidence if h in scope.evidence), " "),
                allegation.responds_to if allegation.responds_to in visible else None,
                _joined(reviewed.responses),
                reviewed.damage_status.value,
                reviewed.attribution_status.value,
                allegation.sensitivity.value,
                *_recorded(allegation),
            ]
        )
        links += [[allegation.id, site] for site in allegation.sites]
        reviews += [
            [
                review.id,
                review.allegation,
                review.aspect.value,
                review.status.value,
                review.standard,
                review.rationale,
                _joined(review.relies_on),
                review.reviewer,
                review.supersedes,
                *_recorded(review),
            ]
            for review in reviewed.reviews
        ]
    write_table(path, "allegations", columns, rows)
    write_table(path, "allegation_sites", [("allegation", "text"), ("site", "text")], links)
    review_columns: Columns = [
        ("id", "text"),
        ("allegation", "text"),
        ("aspect", "text"),
        ("status", "text"),
        ("standard", "text"),
        ("rationale", "text"),
        ("relies_on", "text"),
        ("reviewer", "text"),
        ("supersedes", "text"),
        *STAMP,
    ]
    write_table(path, "reviews", review_columns, reviews)


def _write_sources(scope: Scope, path: Path) -> None:
    columns: Columns = [
        ("id", "text"),
        ("kind", "text"),
        ("title", "text"),
        ("author", "text"),
        ("publisher", "text"),
        ("published", "text"),
        ("published_start", "date"),
        ("published_end", "date"),
        ("url", "text"),
        ("archived_url", "text"),
        ("accessed", "date"),
        ("language", "text"),
        ("party", "text"),
        ("party_name", "text"),
        ("reliability", "text"),
        ("notes", "text"),
        ("satellite_provider", "text"),
        ("satellite_acquired_on", "date"),
        ("satellite_sensor", "text"),
        ("satellite_scene_id", "text"),
        ("evidence", "text"),
        ("sensitivity", "text"),
        *STAMP,
    ]
    rows = []
    for source in scope.sources.values():
        satellite = source.satellite
        rows.append(
            [
                source.id,
                source.kind.value,
                source.title,
                source.author,
                source.publisher,
                *_when(source.published),
                source.url,
                source.archived_url,
                source.accessed,
                source.language,
                *_party(scope, source.party),
                source.reliability.value,
                source.notes,
                satellite.provider if satellite else None,
                satellite.acquired_on if satellite else None,
                satellite.sensor if satellite else None,
                satellite.scene_id if satellite else None,
                _joined((f.sha256 for f in source.evidence), " "),
                source.sensitivity.value,
                *_recorded(source),
            ]
        )
    write_table(path, "sources", columns, rows)


def _write_evidence(scope: Scope, path: Path) -> None:
    columns: Columns = [
        ("sha256", "text"),  # of the file's bytes
        ("id", "text"),
        ("size", "integer"),
        ("media_type", "text"),
        ("name", "text"),
        ("source", "text"),
        ("captured_at", "datetime"),
        ("captured_by", "text"),
        ("camera_time", "text"),
        ("camera", "text"),
        ("lon", "real"),
        ("lat", "real"),
        ("notes", "text"),
        ("sensitivity", "text"),
        ("recorded_at", "datetime"),
        ("recorded_by", "text"),
        ("record_sha256", "text"),  # the record's seal
    ]
    rows = [
        [
            record.file_sha256,
            record.id,
            record.size,
            record.media_type,
            record.name,
            record.source if record.source in scope.sources else None,
            record.captured_at,
            record.captured_by,
            record.camera_time,
            record.camera,
            record.location.coordinates[0] if record.location else None,
            record.location.coordinates[1] if record.location else None,
            record.notes,
            record.sensitivity.value,
            *_recorded(record),
        ]
        for record in scope.evidence.values()
    ]
    write_table(path, "evidence", columns, rows)


STYLED: list[tuple[str, Shape]] = [("sites", "point"), ("site_outlines", "polygon")]


def _write_styles(scope: Scope, path: Path) -> None:
    """QGIS's `layer_styles` table, as QGIS itself makes it in a GeoPackage: each layer's default
    style, which QGIS applies when it opens the layer. QGIS finds a layer's styles by an empty
    `f_table_schema` (so '' here, where NULL would hide them), its name and geometry column."""
    columns: Columns = [
        ("f_table_catalog", "text"),
        ("f_table_schema", "text"),
        ("f_table_name", "text"),
        ("f_geometry_column", "text"),
        ("styleName", "text"),
        ("styleQML", "text"),
        ("styleSLD", "text"),
        ("useAsDefault", "boolean"),
        ("description", "text"),
        ("owner", "text"),
        ("ui", "text"),
        ("update_time", "datetime"),
    ]
    now = datetime.now(UTC)
    title = f"{scope.catalogue_name}: condition now ({scope.today}), {scope.audience} edition"
    rows = [
        [
            "",
            "",
            layer,
            GEOMETRY_COLUMN,
            "condition",
            condition_qml(shape),
            condition_sld(layer, shape, title),
            True,
            title,
            None,
            None,
            now,
        ]
        for layer, shape in STYLED
    ]
    write_table(path, "layer_styles", columns, rows, fid="id")

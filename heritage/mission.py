"""The mission package: everything a field team carries, in one folder that proves its own integrity.

The folder is a BagIt bag (`heritage.bag`: bagit.txt, bag-info.txt, manifest-sha256.txt and
tagmanifest-sha256.txt, and an index.html that leads to data/index.html), with heritage's own
manifest.json beside them: the SHA-256 of every other file but the tag manifest, and one root
hash over them. The content is the bag's payload, in data/:

    data/index.html            the front page: summary charts, a sortable table of the sites, links
    data/map.html              the offline map of the selected sites (popups link to the dossiers)
    data/dossiers/<id>.html    a dossier per site, and a PDF/A-3 with it that holds its records
    data/forms/<id>.html       a printable blank condition form per site, for the field
    data/forms/condition.xlsx  the same form for phones (XLSForm: ODK Collect, KoboCollect), its sites
    data/gis/                  the sites in every format of `heritage export` (DATA_FILES): a GeoPackage
                               with every record about them, GeoJSON, CSV, KML, EAMENA's sheet, JSON-LD
    data/datapackage.json      those tables described as a Frictionless Data Package (heritage.datapackage)

Everything is filtered for the package's audience before anything is written.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heritage import __version__, bag, hashing, layout, leftovers
from heritage.atomic import put_in_place
from heritage.datapackage import GIS, write_datapackage
from heritage.errors import InvalidInput
from heritage.exports import Scope, export
from heritage.models import Condition, Site
from heritage.models.base import utc_today
from heritage.package_check import MANIFEST
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS
from heritage.selection import Seen, in_area, in_box
from heritage.store import Catalogue

if TYPE_CHECKING:
    from heritage.dossier import DossierRecords

# The package's GIS folder: each format of `heritage export`, for the same sites and audience.
DATA_FILES = {
    "gpkg": "sites.gpkg",
    "geojson": "sites.geojson",
    "csv": "sites.csv",
    "kml": "sites.kml",
    "eamena": "eamena-heritage-places.csv",
    "jsonld": "sites.jsonld",
}


@dataclass
class Selection:
    area: list[Any] | None = None  # shapely polygons (selection.read_area)
    bbox: tuple[float, float, float, float] | None = None
    sites: set[str] | None = None
    has_allegation: bool = False
    conditions: set[Condition] | None = None


def select_sites(
    catalogue: Catalogue, selection: Selection, today: date, audience: str = "mission", seen: Seen | None = None
) -> list[Site]:
    """The sites of the selection. Chosen by allegation or condition, a site is chosen by what this
    audience may see of it (`heritage.selection.Seen`, loaded here unless given), as the package then
    shows it: being in a package of "destroyed" sites must not tell what a hidden report says."""
    if seen is None and (selection.has_allegation or selection.conditions):
        seen = Seen.load(catalogue, audience)
    chosen = []
    for site in catalogue.sites():
        if selection.sites is not None and site.id not in selection.sites:
            continue
        if seen is not None and selection.has_allegation and not seen.allegations[site.id]:
            continue
        if seen is not None and selection.conditions and seen.condition(site.id, today) not in selection.conditions:
            continue
        # `is not None`: an empty area or box selects nothing, never everything.
        if selection.bbox is not None or selection.area is not None:
            if site.geometry is None:
                continue
            lon, lat = site.geometry.representative
            if selection.bbox is not None and not in_box(selection.bbox, lon, lat):
                continue
            if selection.area is not None and not in_area(selection.area, lon, lat):
                continue
        chosen.append(site)
    if selection.sites is not None:
        missing = selection.sites - {s.id for s in chosen}
        narrowed = selection.bbox is not None or selection.area is not None
        if missing and not (selection.has_allegation or selection.conditions or narrowed):
            raise InvalidInput(f"unknown site(s): {', '.join(sorted(missing))}", field="sites")
    return chosen


def _bars(title: str, counts: Counter[str], colours: dict[str, str] | None = None) -> str:
    """A small horizontal bar chart as SVG, numbers and escaped labels only."""
    from html import escape

    items = counts.most_common()
    width, row = 320, 18
    biggest = max((n for _, n in items), default=1)
    bars = []
    for number, (label, count) in enumerate(items):
        y = 22 + number * row
        length = max(2, int(180 * count / biggest))
        colour = (colours or {}).get(label, "#5c7cfa")
        bars.append(
            f'<text x="0" y="{y + 12}" font-size="11">{escape(label.replace("_", " "))}</text>'
            f'<rect x="120" y="{y + 2}" width="{length}" height="12" fill="{colour}"/>'
            f'<text x="{126 + length}" y="{y + 12}" font-size="11">{count}</text>'
        )
    height = 30 + len(items) * row
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img"><text x="0" y="12" font-size="12" font-weight="bold">{escape(title)}</text>'
        + "".join(bars)
        + "</svg>"
    )


MANIFEST_FORMAT = 2  # 1: no bag, the content at the top and every file but manifest.json listed


def write_manifest(folder: Path, name: str, hashed: dict[str, str] | None = None) -> dict[str, Any]:
    """heritage's manifest of a bag: every file but itself and the tag manifest, which lists it.
    `hashed`: SHA-256s already computed (path -> digest: the payload's, from `bag.write_bag`)."""
    known = hashed or {}
    files = {}
    for directory, folders, names in sorted(os.walk(folder)):
        folders.sort()
        for file_name in sorted(names):
            path = Path(directory) / file_name
            relative = path.relative_to(folder).as_posix()
            if relative not in (MANIFEST, bag.TAG_MANIFEST):
                files[relative] = known.get(relative) or hashing.file_sha256(path)
    document = hashing.manifest(
        files,
        format=MANIFEST_FORMAT,
        package=name,
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        tool=f"heritage {__version__}",
    )
    hashing.write_manifest(folder / MANIFEST, document)
    return document


def _pdf_from_html(html_path: str, records: DossierRecords) -> str:
    from heritage.dossier import write_pdf

    path = Path(html_path)
    write_pdf(path.read_text(encoding="utf-8"), path.with_suffix(".pdf"), records)
    return html_path


def _render_pdfs(pages: list[tuple[Path, DossierRecords]]) -> Iterator[Path]:
    """PDFs take most of a package's time, one document per core: use every core there is."""
    workers = min(len(pages), os.cpu_count() or 1)
    if workers <= 1:
        for page, records in pages:
            yield Path(_pdf_from_html(str(page), records))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for done in as_completed([pool.submit(_pdf_from_html, str(page), records) for page, records in pages]):
            yield Path(done.result())


def export_mission(
    catalogue: Catalogue,
    name: str,
    sites: list[Site],
    folder: Path,
    *,
    audience: str = "mission",
    pdf: bool = True,
    as_zip: bool = False,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    seen: Seen | None = None,
) -> PackageResult:
    """Write the package for `sites` into `folder` (new, or empty). Nothing is left half-written.
    `seen`: the audience's view of the catalogue, if the caller has loaded it already."""

    today = today or utc_today()
    step = progress or (lambda _: None)
    if layout.check_output(folder, folder=True) and any(folder.iterdir()):
        raise InvalidInput("already exists and is not empty; choose a new folder", file=folder)
    archive = Path(f"{folder}.zip")
    if as_zip and layout.check_output(archive):
        raise InvalidInput("already exists; choose another name for the package", file=archive)
    scope = Scope.load(catalogue, sites, audience, today=today, dossiers="../dossiers/", seen=seen)
    if not scope.sites:
        raise InvalidInput("the selection holds no site this audience may see")
    # Written in a hidden folder beside the target (and the zip under a hidden name), each moved
    # into place only when whole: a run that fails (a full disk) or is interrupted leaves the
    # previous state; one killed outright leaves hidden names that the next run here removes.
    folder.parent.mkdir(parents=True, exist_ok=True)
    leftovers.clean(folder.parent)
    work = folder.parent / leftovers.temp_name(folder.name)
    bundle = folder.parent / leftovers.temp_name(archive.name)
    work.mkdir()
    try:
        catalogue_root = _write_package(catalogue, name, scope, work / bag.PAYLOAD, pdf=pdf, step=step)
        payload = bag.write_bag(
            work,
            name=name,
            description=f"A heritage mission package of the catalogue {catalogue.info.name!r}, "
            f"for the {audience} audience ({len(scope.sites)} site(s)).",
            agent=f"heritage {__version__}",
            today=today,
        )
        manifest = write_manifest(work, name, payload)
        bag.write_tag_manifest(work)
        if as_zip:
            _zip_folder(work, folder.name, bundle)
        if layout.check_output(folder, folder=True):
            folder.rmdir()  # it was empty
        os.replace(work, folder)  # fails if anything but an empty folder has appeared there
        if as_zip:
            put_in_place(bundle, archive)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        bundle.unlink(missing_ok=True)
        raise
    return PackageResult(archive if as_zip else folder, len(scope.sites), str(manifest["root"]), catalogue_root)


def _zip_folder(folder: Path, top: str, target: Path) -> None:
    """Zip a package folder under the top folder name `top`, synced to disk before it is renamed."""
    with open(target, "xb") as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                bundle.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
        handle.flush()
        os.fsync(handle.fileno())


@dataclass
class PackageResult:
    path: Path
    sites: int
    root: str  # the package's own root hash: give it to whoever must check the package later
    catalogue_root: str  # the catalogue's root hash, what the package was made from


def _write_package(
    catalogue: Catalogue, name: str, scope: Scope, folder: Path, *, pdf: bool, step: Callable[[str], None]
) -> str:
    """Write the package's files into `folder`; return the catalogue's root hash they were made from."""
    from heritage.dossier import Shared, build_dossier
    from heritage.forms import write_form
    from heritage.integrity import root_hash_of
    from heritage.mapdata import load_map_input
    from heritage.mission_page import front_allegations, write_index
    from heritage.webmap import build_map
    from heritage.xlsform import FORM_FILE, write_xlsform

    folder.mkdir(exist_ok=True)
    root_hash = root_hash_of(catalogue)
    visible, audience, seen = scope.sites, scope.audience, scope.seen
    ids = {s.id for s in visible}
    shared = Shared.load(catalogue)
    pages: list[tuple[Path, DossierRecords]] = []
    for site in visible:
        result = build_dossier(
            catalogue,
            site.id,
            folder / "dossiers",
            audience=audience,
            root_hash=root_hash,
            shared=shared,
            with_records=pdf,
        )
        write_form(catalogue, site, folder / "forms", audience, sources=seen.sources)
        pages.append((result.html, result.records))
        if not pdf:
            step(site.id)
    if pdf:
        for page in _render_pdfs(pages):
            step(page.stem)
    write_xlsform(catalogue, visible, folder / "forms" / FORM_FILE, audience=audience, title=name)
    data = load_map_input(catalogue, audience=audience)
    data.sites = [s for s in data.sites if s.id in ids]
    build_map(catalogue, folder / "map.html", data=data, audience=audience)
    rows = scope.summaries
    for format_name, file_name in DATA_FILES.items():
        export(scope, format_name, folder / GIS / file_name)
    write_datapackage(folder, name, catalogue_name=catalogue.info.name, audience=audience)
    party_names = {p.id: p.name for p in catalogue.info.parties}
    allegations = front_allegations(seen.allegations, visible, party_names)
    # Each allegation once, however many of the package's sites it is about.
    parties = Counter(a.party for a in allegations)
    charts = [
        _bars("Condition", Counter(r["condition"] for r in rows), {c.value: CONDITION_COLOURS[c] for c in Condition}),
        _bars("Site type", Counter(r["type"] for r in rows)),
        _bars("Allegations by claimant's party", parties),
    ]
    labels = {c.value: CONDITION_LABELS[c] for c in Condition}
    write_index(
        folder / "index.html",
        name=name,
        catalogue_name=catalogue.info.name,
        audience=audience,
        rows=rows,
        charts=charts,
        labels=labels,
        allegations=allegations,
        catalogue_root=root_hash,
        today=scope.today.isoformat(),
        pdf=pdf,
    )
    return root_hash

"""A mission package's `datapackage.json`: its tables described as a Frictionless Data Package
(https://specs.frictionlessdata.io/data-package/), so that tools which read Data Packages
(frictionless, Open Data portals, R's and Python's readers) open the package's data by itself.

    gis/sites.csv        the sites table: a tabular resource, with its Table Schema
    gis/sites.geojson    the same rows as GeoJSON Features: its properties and its geometry
    gis/sites.gpkg       the same rows for GIS tools (its layer `sites`), with every record about
                         them in further tables (`heritage export gpkg`)
    gis/sites.kml        the same sites for Google Earth
    gis/eamena-heritage-places.csv, gis/sites.jsonld
                         the sites for EAMENA and for linked-data partners

Paths are relative to the folder that holds `datapackage.json`: the package's payload folder
`data/` (a mission package is a BagIt bag, see `heritage.bag`).

Everything is read off the files as written: the columns from each file's own header, their
types from the GeoPackage's typed layer (a CSV cell has no type), and each file's size and
SHA-256. The catalogue records no licence (catalogue.json has no such field), so the package
names none: `licenses` is left out rather than guessed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from heritage import codec
from heritage.atomic import replace_file
from heritage.ids import slugify

DATAPACKAGE = "datapackage.json"
GIS = "gis"  # the package content's folder of GIS files (inside the bag's data/)
SITES_LAYER = "sites"

# A file of the package's data folder: its format, media type, text encoding (None when binary),
# whether it is a table Frictionless reads, and what it is.
_FILES: dict[str, tuple[str, str, str | None, bool, str]] = {
    "sites.csv": ("csv", "text/csv", "utf-8", True, "The package's sites, one row each (UTF-8, byte-order mark)."),
    "sites.geojson": ("geojson", "application/geo+json", "utf-8", False, "The sites table as GeoJSON Features."),
    "sites.gpkg": ("gpkg", "application/geopackage+sqlite3", None, False, "The sites and every record about them."),
    "sites.kml": ("kml", "application/vnd.google-earth.kml+xml", "utf-8", False, "The sites as KML placemarks."),
    "eamena-heritage-places.csv": (
        "csv",
        "text/csv",
        "utf-8",
        False,  # a site's repeated groups take more rows under one UNIQUEID: no row per record
        "The sites as the Heritage Place sheet of EAMENA's bulk upload template.",
    ),
    "sites.jsonld": (
        "jsonld",
        "application/ld+json",
        "utf-8",
        False,
        "The sites and their condition assessments as Linked Art JSON-LD.",
    ),
}
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


def _field_type(dtype: str) -> str:
    """A Table Schema type for a column type as pyogrio gives it (numpy's names)."""
    if dtype.startswith(("int", "uint")):
        return "integer"
    if dtype.startswith("float"):
        return "number"
    if dtype == "bool":
        return "boolean"
    if dtype.startswith("datetime64"):
        return "datetime"
    return "string"


def _layer_types(path: Path) -> dict[str, str]:
    import pyogrio

    info = pyogrio.read_info(path, layer=SITES_LAYER)
    return {str(name): _field_type(str(dtype)) for name, dtype in zip(info["fields"], info["dtypes"], strict=True)}


def _csv_columns(path: Path) -> tuple[list[str], list[list[str]]]:
    with io.StringIO(path.read_text(encoding="utf-8-sig"), newline="") as handle:
        rows = list(csv.reader(handle))
    return (rows[0], rows[1:]) if rows else ([], [])


def _csv_fields(path: Path, types: dict[str, str]) -> list[dict[str, str]]:
    """The CSV's columns in order. A column the typed layer lacks (the CSV's `lon` and `lat`, which
    the GeoPackage keeps as its geometry) is a number if every cell it fills reads as one."""
    header, rows = _csv_columns(path)
    fields = []
    for number, name in enumerate(header):
        kind = types.get(name)
        if kind is None:
            cells = [row[number] for row in rows if number < len(row) and row[number] != ""]
            kind = "number" if cells and all(_NUMBER.match(cell) for cell in cells) else "string"
        fields.append({"name": name, "type": kind})
    return fields


def _geojson_fields(path: Path) -> list[dict[str, str]]:
    fields = [{"name": name, "type": kind} for name, kind in _layer_types(path).items()]
    return [*fields, {"name": "geometry", "type": "geojson"}]


def _resource(folder: Path, file_name: str, types: dict[str, str]) -> dict[str, Any] | None:
    path = folder / GIS / file_name
    if not path.is_file():
        return None
    data_format, mediatype, encoding, tabular, description = _FILES[file_name]
    data = path.read_bytes()
    resource: dict[str, Any] = {
        "name": file_name.replace(".", "-"),
        "path": f"{GIS}/{file_name}",
        "format": data_format,
        "mediatype": mediatype,
        "description": description,
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
    }
    if encoding:
        resource["encoding"] = encoding
    if tabular:
        resource["profile"] = "tabular-data-resource"
        resource["schema"] = {"fields": _csv_fields(path, types), "primaryKey": ["id"]}
    elif data_format == "geojson":
        resource["schema"] = {"fields": _geojson_fields(path)}
    elif data_format == "gpkg":
        resource["description"] += f" Layers and tables: {', '.join(_layers(path))}."
    return resource


def _layers(path: Path) -> list[str]:
    """The GeoPackage's layers and tables, as GDAL lists them (its styles table among them)."""
    import pyogrio

    return [str(name) for name, _ in pyogrio.list_layers(path)]


def describe_package(
    folder: Path, title: str, *, catalogue_name: str, audience: str, created: datetime | None = None
) -> dict[str, Any]:
    """The Data Package descriptor of the package written in `folder` (its data tables as they are)."""
    layer = folder / GIS / "sites.gpkg"
    types = _layer_types(layer) if layer.is_file() else {}
    resources = [r for name in _FILES if (r := _resource(folder, name, types)) is not None]
    moment = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "profile": "data-package",
        "name": slugify(title) or "mission-package",
        "title": title,
        "description": f"A heritage mission package of the catalogue {catalogue_name!r}, for the {audience} audience.",
        "created": moment.isoformat().replace("+00:00", "Z"),
        "resources": resources,
    }


def write_datapackage(folder: Path, title: str, *, catalogue_name: str, audience: str) -> dict[str, Any]:
    """Write `datapackage.json` into the package folder; call it once the data tables are written."""
    descriptor = describe_package(folder, title, catalogue_name=catalogue_name, audience=audience)
    replace_file(folder / DATAPACKAGE, codec.dumps(descriptor))
    return descriptor

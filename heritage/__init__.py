"""heritage: a sourced, append-only catalogue of heritage sites in conflict zones."""

from __future__ import annotations

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from heritage.api import CatalogueView


def open(path: str | Path, audience: str = "public") -> CatalogueView:
    """Open the catalogue at `path` as `audience` ("public", "mission" or "internal") sees it.

    "public" unless you say otherwise: a forgotten audience then shows the least. Raises
    `CatalogueNotFound` if there is no catalogue there, `InvalidInput` for an unknown audience.
    The API module, pandas and geopandas are loaded here and by the first table, never by
    `import heritage`, so that the command line stays quick.
    """
    from heritage.api import open_catalogue

    return open_catalogue(path, audience)

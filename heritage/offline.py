"""Pages that need no network: Leaflet and its plugins inlined from the XStatic packages.

folium's pages load ten files from CDNs and are blank offline. `make_offline` walks a folium figure,
takes every CDN link off its elements (per instance: folium keeps the lists on the class, and a
class-level change would leak into every later map), and puts the same libraries in the page
itself, read from the XStatic packages installed from PyPI. Images the stylesheets point to become
data: URIs. An element asking for a library we cannot inline is an error, never a silent CDN link.
Bootstrap, Font Awesome and awesome-markers are dropped: nothing of ours uses them.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from branca.element import Element, Figure
from jinja2 import Template


class OfflineError(Exception):
    """An element needs a library that is not available for inlining."""


@dataclass(frozen=True)
class Asset:
    kind: str  # "js" or "css"
    text: str


def _read(base: str, name: str) -> str:
    return (Path(base) / name).read_text(encoding="utf-8")


def _data_uri(path: Path) -> str:
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{media};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_urls(css: str, base: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        target = match.group(1).strip("'\"")
        path = base / target
        return f"url({_data_uri(path)})" if path.is_file() else match.group(0)

    return re.sub(r"url\(([^)#]+)\)", replace, css)


@cache
def leaflet_assets() -> dict[str, Asset]:
    import xstatic.pkg.leaflet as leaflet

    base = Path(leaflet.BASE_DIR)
    images = base / "images"
    icons = {
        "iconUrl": _data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png"),
    }
    # Leaflet finds its default marker images from the stylesheet's URL; an inlined stylesheet has
    # none, so the icon's images are given explicitly.
    icon_fix = "L.Icon.Default.mergeOptions(" + repr(icons).replace("'", '"') + ");"
    return {
        "leaflet": Asset("js", _read(leaflet.BASE_DIR, "leaflet.js") + "\n" + icon_fix),
        "leaflet_css": Asset("css", _inline_urls(_read(leaflet.BASE_DIR, "leaflet.css"), base)),
    }


@cache
def markercluster_assets() -> dict[str, Asset]:
    import xstatic.pkg.leaflet_markercluster as cluster

    return {
        "markerclusterjs": Asset("js", _read(cluster.BASE_DIR, "leaflet.markercluster.js")),
        "markerclustercss": Asset("css", _read(cluster.BASE_DIR, "MarkerCluster.css")),
        "markerclusterdefaultcss": Asset("css", _read(cluster.BASE_DIR, "MarkerCluster.Default.css")),
    }


@cache
def jquery_assets() -> dict[str, Asset]:
    """jQuery, for folium's own Popup (it builds content with $()); only if xstatic-jquery is installed."""
    try:
        import xstatic.pkg.jquery as jquery
    except ImportError:
        return {}
    return {"jquery": Asset("js", _read(jquery.BASE_DIR, "jquery.min.js"))}


# folium asks for these; nothing that heritage draws needs them, so they are left out.
DROPPED = frozenset(
    {
        "bootstrap",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers",
        "awesome_markers_css",
        "awesome_markers_font_css",
        "awesome_rotate_css",
    }
)


def available_assets() -> dict[str, Asset]:
    return {**leaflet_assets(), **markercluster_assets(), **jquery_assets()}


def script_text(js: str) -> str:
    """JavaScript made safe to sit inside <script>...</script>."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def jinja_inert(json_text: str) -> str:
    """JSON text that Jinja will not read as a template.

    folium and branca render an element's macros to a string and then compile that string as a
    Jinja template again; catalogue text containing '{{' or '{%' would be evaluated, with Python
    objects in reach. JSON never needs these pairs outside strings, and inside strings the second
    character can be written as a \\u escape, which JSON decodes back to the same text.
    """
    return json_text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")


def style_text(css: str) -> str:
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


class InlineAssets(Element):  # type: ignore[misc]
    """The libraries a page needs, written into its <head> (a plain element: it lives there)."""

    _template = Template(
        """{% for asset in this.assets %}{% if asset.kind == "css" %}<style>{{ asset.text }}</style>
{% else %}<script>{{ asset.text }}</script>
{% endif %}{% endfor %}"""
    )

    def __init__(self, assets: list[Asset]) -> None:
        super().__init__()
        self._name = "InlineAssets"
        self.assets = [Asset(a.kind, script_text(a.text) if a.kind == "js" else style_text(a.text)) for a in assets]


def _walk(element: Element) -> list[Element]:
    found = [element]
    for child in list(element._children.values()):
        found.extend(_walk(child))
    return found


def make_offline(root: Element, drop: set[str] | frozenset[str] = DROPPED) -> Figure:
    """Take every CDN link off the elements under `root`; inline what they need instead.

    Call after the map is complete and before rendering. Returns the figure, ready to render.
    """
    figure = root.get_root()
    if not isinstance(figure, Figure):
        raise OfflineError("the element is not part of a figure")
    wanted: list[str] = []
    for element in _walk(figure):
        for attribute in ("default_js", "default_css"):
            links: Any = getattr(element, attribute, None)
            if links:
                wanted.extend(name for name, _url in links if name not in wanted)
                setattr(element, attribute, [])  # on the instance: the class keeps folium's list
    assets = available_assets()
    needed = [name for name in wanted if name not in drop]
    missing = [name for name in needed if name not in assets]
    if missing:
        raise OfflineError(f"cannot inline {', '.join(missing)}: install its XStatic package")
    # Scripts in a stable order: Leaflet first, then plugins.
    ordered = sorted(needed, key=lambda name: (name not in ("leaflet", "leaflet_css", "jquery"), needed.index(name)))
    figure.header.add_child(InlineAssets([assets[name] for name in ordered]), name="inline_assets", index=0)
    return figure


CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:{tiles}; font-src data:; connect-src data: blob:"
)


class ContentSecurityPolicy(Element):  # type: ignore[misc]
    """A Content-Security-Policy that forbids the page any network request (tile hosts excepted
    when the user asks for online tiles). The browser enforces what the tests check."""

    _template = Template(
        """<meta http-equiv="Content-Security-Policy" content="{{ this.policy }}">
"""
    )

    def __init__(self, tile_hosts: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._name = "ContentSecurityPolicy"
        self.policy = CSP.format(tiles="".join(f" {host}" for host in tile_hosts))

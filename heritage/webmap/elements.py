"""The map's parts, each a folium element with a class-level template (after folium's own).

`SiteLayer` carries the data and the drawing code (static/heritage-map.js) and starts the page.
The others each add a piece of interface: their markup is in their template, their behaviour in
their own file under static/, which registers a component with the page (`heritageApp.use`) that
runs once the data is loaded. Catalogue text never passes through these templates: it travels
inside the JSON payload and reaches the page through textContent.
"""

from __future__ import annotations

import base64
import gzip
import json
from functools import cache
from importlib import resources
from typing import Any, ClassVar

from branca.element import Element, MacroElement
from jinja2 import Template

from heritage.offline import jinja_inert, script_text, style_text


@cache
def static_text(name: str) -> str:
    return resources.files("heritage.webmap").joinpath("static", name).read_text(encoding="utf-8")


class Part(MacroElement):  # type: ignore[misc]
    """A piece of the page: optional markup, and a component script from static/."""

    markup: ClassVar[str] = ""
    script_file: ClassVar[str] = ""
    _template = Template(
        """{% macro html(this, kwargs) %}{{ this.markup }}
{% endmacro %}
{% macro script(this, kwargs) %}{{ this.component }}
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.component = script_text(static_text(self.script_file)) if self.script_file else ""


class Payload(Element):  # type: ignore[misc]
    """The data, in the page's body. A plain element, rendered once: macros' output is compiled
    as a template again by branca, and catalogue text must never be template source."""

    _template = Template(
        '<script type="application/json" id="heritage-data" data-encoding="{{ this.encoding }}">\n'
        "{{ this.payload }}</script>\n"
    )

    def __init__(self, payload: str, encoding: str) -> None:
        super().__init__()
        self._name = "Payload"
        self.payload = payload  # JSON with every '<' escaped, or base64: nothing can end the script
        self.encoding = encoding


class SiteLayer(MacroElement):  # type: ignore[misc]
    """Every site on one canvas, single or stacked; the data; and the code that draws, filters
    and replays it."""

    _template = Template(
        """{% macro header(this, kwargs) %}<style>{{ this.css }}</style>
<script>{{ this.js }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}heritageApp.start({{ this._parent.get_name() }}, {{ this.options }});
{% endmacro %}"""
    )

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__()
        self._name = "SiteLayer"
        self.options = json.dumps(options)
        self.css = style_text(static_text("heritage-map.css"))
        # The stacks (sites too close to tell apart) and a site's details are part of it, each in
        # its own file.
        parts = ("heritage-map.js", "stacks.js", "site-details.js")
        self.js = script_text("\n".join(static_text(name) for name in parts))


class TitleBar(Part):
    """The catalogue's name, the date the map shows, and how many sites are on it."""

    markup = (
        '<header class="heritage-title" id="heritage-title"><h1></h1>'
        '<span class="heritage-asof"></span><span class="heritage-count"></span></header>'
    )
    script_file = "title-bar.js"


class FilterPanel(Part):
    """Legend and filters in one: the condition scale, allegation rings, site types, traditions,
    search by name in any script, and the sites that have no location."""

    markup = '<aside class="heritage-panel" id="heritage-panel"></aside>'
    script_file = "filter-panel.js"


class SearchList(Part):
    """Under the search box, the sites that match what is typed, best first, each to open."""

    script_file = "search-list.js"


class MapView(Part):
    """Where the map opens (the address's site or view, `--view`, or the sites) and the address
    that follows the view, so that it can be shared."""

    script_file = "map-view.js"


class TimeSlider(Part):
    """'The catalogue as of date D': recolours every site from the history in the page."""

    script_file = "time-slider.js"


class LocalTiles(MacroElement):  # type: ignore[misc]
    """A basemap from a local tile pyramid, carried inside the page: no tile server needed."""

    _template = Template(
        """{% macro script(this, kwargs) %}(function () {
  const tiles = {{ this.tiles }};
  const Local = L.GridLayer.extend({
    createTile: function (coords) {
      const img = document.createElement("img");
      const data = tiles[coords.z + "/" + coords.x + "/" + coords.y];
      if (data) img.src = "data:{{ this.media_type }};base64," + data;
      img.alt = "";
      return img;
    }
  });
  new Local({ minZoom: 0, maxNativeZoom: {{ this.max_zoom }}, maxZoom: 19, attribution: {{ this.attribution }},
    className: "heritage-local-tiles" }).addTo({{ this._parent.get_name() }});
})();
{% endmacro %}"""
    )

    def __init__(self, tiles: dict[str, str], media_type: str, max_zoom: int, attribution: str) -> None:
        super().__init__()
        self._name = "LocalTiles"
        self.tiles = jinja_inert(script_text(json.dumps(tiles, separators=(",", ":"))))
        self.media_type = media_type  # one of our own fixed values (tiles.MEDIA_TYPES)
        self.max_zoom = int(max_zoom)
        self.attribution = jinja_inert(script_text(json.dumps(attribution).replace("<", "\\u003c")))


class Outline(MacroElement):  # type: ignore[misc]
    """The outlines of the catalogue's areas: geometry only, never text, drawn under the sites."""

    _template = Template(
        """{% macro script(this, kwargs) %}L.geoJSON({{ this.data }}, { interactive: false,
  style: function () { return { color: "#5c6b7a", weight: 1.5, fill: false }; } }).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, geometries: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "Outline"
        collection = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries],
        }
        self.data = jinja_inert(script_text(json.dumps(collection, allow_nan=False, separators=(",", ":"))))


class VectorLayerDrawing(Part):
    """Draws the layers of `VectorLayers` beneath the sites, lists them in the panel with on/off,
    credits their data and says the border note (static/vector-layers.js)."""

    script_file = "vector-layers.js"


LAYERS_OPENING = '<script type="application/json" id="heritage-layers"'


class VectorLayers(Element):  # type: ignore[misc]
    """The layers beneath the sites (heritage.context: the basemap and the user's own) as one
    document in the page's body: a plain element, as `Payload`, since text from a user's file must
    never be template source. Large documents are gzipped and base64-encoded, as the sites are."""

    COMPRESS_ABOVE = 100_000  # bytes of JSON; below this, inflating costs more than it saves

    _template = Template(
        "<style>{{ this.css }}</style>\n" + LAYERS_OPENING + ' data-encoding="{{ this.encoding }}">\n'
        "{{ this.document }}</script>\n"
    )

    def __init__(self, json_text: str) -> None:
        super().__init__()
        self._name = "VectorLayers"
        if len(json_text) <= self.COMPRESS_ABOVE:
            # encode_layers escaped every '<'; the '{{' pairs are Jinja's (see jinja_inert).
            self.document, self.encoding = jinja_inert(json_text), "json"
        else:
            packed = gzip.compress(json_text.encode("utf-8"), compresslevel=6, mtime=0)
            self.document, self.encoding = base64.b64encode(packed).decode("ascii"), "gzip-base64"
        self.css = style_text(static_text("vector-layers.css"))

    @property
    def bytes(self) -> int:
        """What the document adds to the page."""
        return len(self.document.encode("utf-8"))

"""The offline HTML map: folium for the page, one canvas for the sites, everything inlined."""

from heritage.webmap.build import MapResult, build_map, render_map

__all__ = ["MapResult", "build_map", "render_map"]

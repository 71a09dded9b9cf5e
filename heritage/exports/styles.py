"""Map styles for GIS tools, drawn from the one palette (`heritage.palette`): sites coloured by
their condition now, as a QGIS style (QML) and as an OGC Symbology Encoding style (SLD 1.1), the
two a GeoPackage's `layer_styles` table carries.

Both are built with ElementTree, which escapes every text and attribute; the only text here that
comes from a catalogue is its name, in the SLD's title, where what XML cannot hold at all is
replaced as the KML does (`kml.xml_text`).
"""

from __future__ import annotations

from typing import Literal
from xml.etree import ElementTree as ET

from heritage.exports.kml import xml_text
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS

Shape = Literal["point", "polygon"]

STYLE_ATTRIBUTE = "condition"  # the column both styles classify on
QGIS_VERSION = "3.34.0"  # the QML format written; later versions read it as it is
MARKER_SIZE_MM = 3.0
OUTLINE = "#343a40"

SLD = "http://www.opengis.net/sld"
SE = "http://www.opengis.net/se"
OGC = "http://www.opengis.net/ogc"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# ElementTree keeps prefixes in one table for the whole process; these URIs mean the same
# everywhere, and SLD's elements are written unprefixed, as SLD documents usually are.
for _prefix, _uri in (("", SLD), ("se", SE), ("ogc", OGC), ("xsi", XSI)):
    ET.register_namespace(_prefix, _uri)


def _rgba(colour: str, alpha: int = 255) -> str:
    """'#2f9e44' as QGIS writes colours: '47,158,68,255'."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{alpha}"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    options = ET.SubElement(parent, "Option", type="Map")
    for key, value in values.items():
        ET.SubElement(options, "Option", name=key, type="QString", value=value)


def _qml_symbol(parent: ET.Element, name: str, colour: str, shape: Shape) -> None:
    if shape == "point":
        symbol = ET.SubElement(parent, "symbol", type="marker", name=name, alpha="1", clip_to_extent="1")
        layer = ET.SubElement(symbol, "layer", {"class": "SimpleMarker", "enabled": "1", "locked": "0", "pass": "0"})
        values = {
            "name": "circle",
            "color": _rgba(colour),
            "outline_color": _rgba(OUTLINE),
            "outline_style": "solid",
            "outline_width": "0.3",
            "outline_width_unit": "MM",
            "size": str(MARKER_SIZE_MM),
            "size_unit": "MM",
        }
    else:
        symbol = ET.SubElement(parent, "symbol", type="fill", name=name, alpha="1", clip_to_extent="1")
        layer = ET.SubElement(symbol, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"})
        values = {
            "color": _rgba(colour, 96),
            "style": "solid",
            "outline_color": _rgba(colour),
            "outline_style": "solid",
            "outline_width": "0.6",
            "outline_width_unit": "MM",
        }
    _options(layer, values)


def _qml_labels(root: ET.Element, shape: Shape) -> None:
    """Each site labelled with its name, in dark grey on a white halo, beside a point or inside an
    outline; QGIS leaves out the labels that would overlap."""
    settings = ET.SubElement(ET.SubElement(root, "labeling", type="simple"), "settings", calloutType="simple")
    ET.SubElement(
        settings,
        "text-style",
        fieldName="name",
        isExpression="0",
        fontSize="8",
        fontSizeUnit="Point",
        textColor="40,40,40,255",
        textOpacity="1",
    )
    ET.SubElement(
        settings, "text-buffer", bufferDraw="1", bufferSize="0.8", bufferSizeUnits="MM", bufferColor="255,255,255,255"
    )
    # QGIS's placement codes: 0 around a point, 1 over the polygon's centroid.
    ET.SubElement(settings, "placement", placement="0" if shape == "point" else "1", dist="1", distUnits="MM")


def condition_qml(shape: Shape) -> str:
    """A QGIS layer style: a categorized renderer on `condition`, one category per condition of
    the scale, each with its palette colour and label."""
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling", labelsEnabled="1")
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="categorizedSymbol",
        attr=STYLE_ATTRIBUTE,
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
    )
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for number, (condition, colour) in enumerate(CONDITION_COLOURS.items()):
        ET.SubElement(
            categories,
            "category",
            value=condition.value,
            label=CONDITION_LABELS[condition],
            symbol=str(number),
            render="true",
        )
        _qml_symbol(symbols, str(number), colour, shape)
    source = ET.SubElement(renderer, "source-symbol")
    _qml_symbol(source, "0", CONDITION_COLOURS[next(iter(CONDITION_COLOURS))], shape)
    _qml_labels(root, shape)
    ET.SubElement(root, "layerGeometryType").text = "0" if shape == "point" else "2"
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n{body}\n"


def _se(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SE}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _svg(parent: ET.Element, name: str, value: str) -> None:
    _se(parent, "SvgParameter", value, name=name)


def condition_sld(layer: str, shape: Shape, title: str) -> str:
    """An SLD 1.1 style for `layer`: one rule per condition of the scale, each selecting its
    features with an ogc:PropertyIsEqualTo filter on `condition`."""
    root = ET.Element(
        f"{{{SLD}}}StyledLayerDescriptor",
        {
            "version": "1.1.0",
            f"{{{XSI}}}schemaLocation": f"{SLD} http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd",
        },
    )
    named = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    _se(named, "Name", layer)
    style = ET.SubElement(named, f"{{{SLD}}}UserStyle")
    _se(style, "Name", layer)
    _se(_se(style, "Description"), "Title", xml_text(title))
    feature_style = _se(style, "FeatureTypeStyle")
    for condition, colour in CONDITION_COLOURS.items():
        rule = _se(feature_style, "Rule")
        _se(rule, "Name", condition.value)
        _se(_se(rule, "Description"), "Title", CONDITION_LABELS[condition])
        equal = ET.SubElement(ET.SubElement(rule, f"{{{OGC}}}Filter"), f"{{{OGC}}}PropertyIsEqualTo")
        ET.SubElement(equal, f"{{{OGC}}}PropertyName").text = STYLE_ATTRIBUTE
        ET.SubElement(equal, f"{{{OGC}}}Literal").text = condition.value
        if shape == "point":
            graphic = _se(_se(rule, "PointSymbolizer"), "Graphic")
            mark = _se(graphic, "Mark")
            _se(mark, "WellKnownName", "circle")
            _svg(_se(mark, "Fill"), "fill", colour)
            stroke = _se(mark, "Stroke")
            _svg(stroke, "stroke", OUTLINE)
            _svg(stroke, "stroke-width", "1")
            _se(graphic, "Size", "11")
        else:
            symbolizer = _se(rule, "PolygonSymbolizer")
            fill = _se(symbolizer, "Fill")
            _svg(fill, "fill", colour)
            _svg(fill, "fill-opacity", "0.38")
            stroke = _se(symbolizer, "Stroke")
            _svg(stroke, "stroke", colour)
            _svg(stroke, "stroke-width", "2")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'

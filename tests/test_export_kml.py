"""`heritage export kml`: valid against OGC's KML 2.2 schema (tests/data/kml), styled from the one
palette, its time slider giving the condition `heritage history` gives, and catalogue text shown as
text whatever it holds."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from shapely.geometry import LinearRing

from heritage.codec import from_document
from heritage.exports import Scope
from heritage.exports.kml import kml_document
from heritage.history import condition_as_of
from heritage.models import Allegation, Condition, ConditionReport, Retraction, Site, Source
from heritage.palette import CONDITION_COLOURS
from heritage.selection import Seen
from heritage.store import Catalogue
from tests.conftest import REPO, Invoke, allegation_doc, report_doc, site_doc, source_doc
from tests.test_export_geojson import CLOCKWISE, HOLE, sample_copy

SCHEMAS = REPO / "tests" / "data" / "kml"
# ogckml22.xsd imports xAL from OASIS's site: read from the copy beside it, and nothing from the network.
XAL = "http://docs.oasis-open.org/election/external/xAL.xsd"
NS = {"k": "http://www.opengis.net/kml/2.2"}
BALLOON_TAGS = {"p", "b", "i", "ul", "li", "span", "a", "table", "tr", "td"}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(
        str(SCHEMAS / "ogckml22.xsd"), uri_mapper={XAL: (SCHEMAS / "xAL.xsd").as_uri()}, allow="local"
    )


def add(catalogue: Catalogue, model: type[Any], document: dict[str, Any]) -> None:
    adders = {
        Site: catalogue.add_site,
        Source: catalogue.add_source,
        ConditionReport: catalogue.add_report,
        Allegation: catalogue.add_allegation,
        Retraction: catalogue.add_retraction,
    }
    adders[model](from_document(model, document, catalogue.context))


def export(invoke: Invoke, root: Path | Catalogue, out: Path, *args: str) -> ET.Element:
    result = invoke("export", "kml", *args, "-o", str(out), catalogue=root)
    assert result.exit_code == 0, result.output
    return ET.parse(out).getroot()


def folders(root: ET.Element) -> tuple[ET.Element, ET.Element]:
    now, over_time = root.findall("k:Document/k:Folder", NS)
    return now, over_time


def data(element: ET.Element) -> dict[str, str]:
    return {d.attrib["name"]: d.findtext("k:value", "", NS) for d in element.findall("k:ExtendedData/k:Data", NS)}


class Tags(HTMLParser):
    """The elements and the text of a balloon, as the browser in Google Earth would read them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        assert not [name for name, _ in attrs if name.startswith("on")], (tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text += data


def test_the_sample_is_valid_kml_22(schema: xmlschema.XMLSchema, invoke: Invoke, tmp_path: Path) -> None:
    root_dir = sample_copy(tmp_path)
    out = tmp_path / "sites.kml"
    root = export(invoke, root_dir, out, "--dossier-links", "https://example.org/d/")
    schema.validate(str(out))
    sites = list(Catalogue.open(root_dir).sites())
    now, over_time = folders(root)
    assert [data(p)["id"] for p in now.findall("k:Placemark", NS)] == [s.id for s in sites]
    assert len(over_time.findall("k:Folder", NS)) == len(sites)
    assert over_time.findtext("k:visibility", "", NS) == "0"  # one view at a time: Now first
    assert root.findtext("k:Document/k:Style[@id='one-view']/k:ListStyle/k:listItemType", "", NS) == "radioFolder"
    for placemark in now.findall("k:Placemark", NS):
        assert placemark.findtext("k:styleUrl", "", NS) == f"#condition-{data(placemark)['condition']}"
        assert data(placemark)["dossier"] == f"https://example.org/d/{data(placemark)['id']}.html"
    hadrut = next(p for p in now.findall("k:Placemark", NS) if data(p)["id"] == "holy-resurrection-hadrut")
    assert hadrut.find("k:Point", NS) is None and hadrut.find("k:MultiGeometry", NS) is None


def test_one_style_per_condition_in_the_palette_colours(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    root = export(invoke, catalogue, tmp_path / "a.kml")
    for condition in Condition:
        style = root.find(f"k:Document/k:Style[@id='condition-{condition.value}']", NS)
        assert style is not None, condition
        red, green, blue = (CONDITION_COLOURS[condition][i : i + 2] for i in (1, 3, 5))
        assert style.findtext("k:IconStyle/k:color", "", NS) == f"ff{blue}{green}{red}"
        assert style.findtext("k:LabelStyle/k:scale", "", NS)


def test_the_time_slider_shows_the_condition_history_gives(
    schema: xmlschema.XMLSchema, invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    """A corrected report and a retracted one count for nothing; a report that repeats the
    condition before it extends its period; between any two days the slider can show, the
    condition is `condition_as_of` that day."""
    reports = [
        report_doc("r-3", observed="2022-09-01", condition="destroyed"),  # repeats r-2
        report_doc("r-4", observed="2023-01-01/2023-02-10", condition="severe_damage"),
        report_doc("r-5", observed="2023-02-15", condition="intact", supersedes="r-4"),  # corrects r-4
        report_doc("r-6", observed="2023-06-01", condition="altered"),
        report_doc("r-7", observed="2023-08-01", condition="threatened"),
    ]
    for document in reports:
        add(catalogue, ConditionReport, document)
    add(catalogue, Retraction, {"id": "x-1", "site": "st-sargis", "retracts": "r-7", "reason": "wrong site",
                                "recorded_at": "2026-01-02T03:04:05Z", "recorded_by": "tester"})  # fmt: skip
    out = tmp_path / "a.kml"
    root = export(invoke, catalogue, out)
    schema.validate(str(out))
    _, over_time = folders(root)
    (site,) = over_time.findall("k:Folder", NS)
    spans = []
    for placemark in site.findall("k:Placemark", NS):
        begin = placemark.findtext("k:TimeSpan/k:begin", None, NS)
        end = placemark.findtext("k:TimeSpan/k:end", None, NS)
        spans.append((begin, end, data(placemark)["condition"]))
    assert spans == [
        (None, "2021-10-22", "unknown"),
        ("2021-10-22", "2022-07-06", "intact"),
        ("2022-07-06", "2023-02-15", "destroyed"),
        ("2023-02-15", "2023-06-01", "intact"),
        ("2023-06-01", None, "altered"),
    ]
    stored = [r for r in catalogue.reports() if r.site == "st-sargis"]
    for begin, end, condition in spans:
        first = date.fromisoformat(begin) if begin else date(2000, 1, 1)
        last = date.fromisoformat(end) - timedelta(days=1) if end else date(2026, 1, 1)
        for day in (first, last):
            found = condition_as_of(stored, day, {"r-7"})
            assert (found.condition.value if found else "unknown") == condition, day


def test_a_polygon_has_an_icon_and_its_rings_the_right_way_round(
    schema: xmlschema.XMLSchema, invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    add(catalogue, Site, site_doc("walls", geometry={"type": "Polygon", "coordinates": [CLOCKWISE, HOLE]}))
    out = tmp_path / "a.kml"
    root = export(invoke, catalogue, out)
    schema.validate(str(out))
    now, _ = folders(root)
    walls = next(p for p in now.findall("k:Placemark", NS) if data(p)["id"] == "walls")
    shapes = walls.find("k:MultiGeometry", NS)
    assert shapes is not None and shapes.find("k:Point", NS) is not None

    def ring(path: str) -> list[tuple[float, float]]:
        text = shapes.findtext(f"k:Polygon/{path}/k:LinearRing/k:coordinates", "", NS)
        return [(float(x), float(y)) for x, y in (p.split(",") for p in text.split())]

    assert LinearRing(ring("k:outerBoundaryIs")).is_ccw and not LinearRing(ring("k:innerBoundaryIs")).is_ccw


HOSTILE = [
    "<script>alert('name')</script>",
    "]]><script>alert(1)</script><![CDATA[",
    "Tom & Jerry &amp; &lt;b&gt;",
    "\"double\" and 'single' quotes",
    "مسجد الجمعة",  # right to left
    "כנסייה <img src=x onerror=alert(2)>",
]


def test_hostile_text_comes_out_as_text(
    schema: xmlschema.XMLSchema, invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    languages = ["en", "hy", "az", "ru", "ar", "he"]
    names = [{"lang": lang, "text": text} for lang, text in zip(languages, HOSTILE, strict=True)]
    add(catalogue, Site, site_doc("hostile", names=names, areas=[HOSTILE[1]], external_ids={"osm": HOSTILE[2]}))
    add(catalogue, Source, source_doc("src-hostile", title=HOSTILE[1], publisher=HOSTILE[0],
                                      url="https://example.org/?a=1&b=\"><script>alert(3)</script>"))  # fmt: skip
    add(catalogue, ConditionReport, report_doc("r-hostile", site="hostile", sources=[{"source": "src-hostile"}]))
    add(catalogue, Allegation, allegation_doc("a-hostile", sites=["hostile"], summary=HOSTILE[5],
                                              claimant={"name": HOSTILE[3], "kind": "government"}))  # fmt: skip
    out = tmp_path / "a.kml"
    root = export(invoke, catalogue, out)
    schema.validate(str(out))
    now, _ = folders(root)
    placemark = next(p for p in now.findall("k:Placemark", NS) if data(p)["id"] == "hostile")
    assert placemark.findtext("k:name", "", NS) == HOSTILE[0]  # the display name, in English
    assert [data(placemark)[f"name:{lang}"] for lang in languages] == HOSTILE
    balloon = Tags(placemark.findtext("k:description", "", NS))
    assert balloon.tags <= BALLOON_TAGS, balloon.tags
    for text in HOSTILE:
        assert text in balloon.text, text
    for element in root.iter(f"{{{NS['k']}}}description"):
        assert Tags(element.text or "").tags <= BALLOON_TAGS
    assert b"<script" not in out.read_bytes() and b"]]>" not in out.read_bytes()


def test_a_public_kml_carries_nothing_restricted(
    schema: xmlschema.XMLSchema, invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    exact = {"type": "Point", "coordinates": [46.987654, 39.654321]}
    add(catalogue, Site, site_doc("guarded", geometry=exact, sensitivity="restricted", areas=["HIDDENAREA"],
                                  names=[{"lang": "en", "text": "Guarded"}]))  # fmt: skip
    add(catalogue, Source, source_doc("src-hidden", title="HIDDENTITLE", publisher="HIDDENPUBLISHER",
                                      url="https://example.org/HIDDENURL", sensitivity="restricted"))  # fmt: skip
    add(catalogue, ConditionReport, report_doc("r-hiddenreport", observed="2023-01-01", condition="altered",
                                               sources=[{"source": "src-hidden"}]))  # fmt: skip
    add(catalogue, ConditionReport, report_doc("r-secretreport", observed="2023-02-01", condition="threatened",
                                               sensitivity="confidential"))  # fmt: skip
    add(catalogue, Allegation, allegation_doc("a-hiddenclaim", summary="HIDDENCLAIM", sensitivity="restricted"))
    markers = ["46.987654", "HIDDENAREA", "HIDDENTITLE", "HIDDENPUBLISHER", "HIDDENURL", "r-hiddenreport",
               "HIDDENCLAIM"]  # fmt: skip
    texts, conditions = {}, {}
    for audience in ("public", "mission", "internal"):
        out = tmp_path / f"{audience}.kml"
        now, _ = folders(export(invoke, catalogue, out, "--audience", audience))
        schema.validate(str(out))
        texts[audience] = out.read_text(encoding="utf-8")
        conditions[audience] = {data(p)["id"]: data(p)["condition"] for p in now.findall("k:Placemark", NS)}
    assert [m for m in markers if m in texts["public"]] == []
    assert [m for m in markers if m not in texts["mission"]] == []  # the search can fail
    assert "r-secretreport" not in texts["mission"] and "r-secretreport" in texts["internal"]
    assert [c["st-sargis"] for c in conditions.values()] == ["destroyed", "altered", "threatened"]


def test_nothing_hidden_from_an_audience_reaches_its_geojson_or_kml(
    schema: xmlschema.XMLSchema, invoke: Invoke, tmp_path: Path
) -> None:
    """The catalogue of tests/test_leaks.py, with a marker in every field of every hidden thing:
    neither format shows a public or mission reader any marker hidden from it, and the team's
    edition shows the markers of the fields these formats carry, so the search can fail."""
    from tests.test_leaks import CONFIDENTIAL_PLACES, OBSERVER_PLACES, RESTRICTED_PLACES, markers, planted

    catalogue, hidden_files, restricted_files = planted(tmp_path / "cat", tmp_path)
    texts = {}
    for audience in ("public", "mission", "internal"):
        kml, geojson = tmp_path / f"{audience}.kml", tmp_path / f"{audience}.geojson"
        export(invoke, catalogue, kml, "--audience", audience)
        schema.validate(str(kml))
        result = invoke("export", "geojson", "--audience", audience, "-o", str(geojson), catalogue=catalogue)
        assert result.exit_code == 0, result.output
        texts[audience] = (kml.read_text(encoding="utf-8") + geojson.read_text(encoding="utf-8")).lower()
    hidden_everywhere = markers("I") + CONFIDENTIAL_PLACES + OBSERVER_PLACES + hidden_files
    for_mission = markers("M") + RESTRICTED_PLACES + restricted_files
    assert [m for m in hidden_everywhere if m.lower() in texts["mission"]] == []
    assert [m for m in hidden_everywhere + for_mission if m.lower() in texts["public"]] == []
    shown = ["LEAKI02", "LEAKI07", "LEAKI08", "LEAKI11", "LEAKI16", "LEAKI18", "LEAKI19", "39.2717"]
    assert [m for m in shown if m.lower() not in texts["internal"]] == []
    shown_to_mission = ["LEAKM03", "LEAKM04", "LEAKM12", "LEAKM13", "LEAKM14", "39.6543"]
    assert [m for m in shown_to_mission if m.lower() not in texts["mission"]] == []


PIECES = ["<", ">", "&", "]]>", "<![CDATA[", '"', "'", "<script>", "&amp;", "-->", "\uffff", "\ufffe", "א", "ب"]
# Any letters but those the models refuse anyway (control and format characters, line breaks), so
# that nearly every example reaches the writer.
LETTERS = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), min_size=1, max_size=4)
HOSTILE_TEXT = st.lists(st.sampled_from(PIECES) | LETTERS, min_size=1, max_size=8).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=HOSTILE_TEXT, title=HOSTILE_TEXT)
def test_any_text_stays_text_in_a_valid_file(schema: xmlschema.XMLSchema, name: str, title: str) -> None:
    """Whatever a name or a source's title holds, the file validates and Google Earth's balloon
    shows the characters (XML's forbidden U+FFFE and U+FFFF as U+FFFD), never markup."""
    try:
        site = from_document(Site, site_doc(names=[{"lang": "en", "text": name}], areas=[title]))
        source = from_document(Source, source_doc(title=title, publisher=name))
    except ValidationError:
        assume(False)
        return
    report = from_document(ConditionReport, report_doc())
    reports = defaultdict(list, {site.id: [report]})
    seen = Seen({source.id}, reports, defaultdict(list), set(), [])
    scope = Scope("Test", "public", date(2026, 1, 1), [site], seen, dict(reports), [], {source.id: source}, {}, {})
    text = ET.tostring(kml_document(scope), encoding="unicode")
    schema.validate(text)
    placemark = ET.fromstring(text).find("k:Document/k:Folder/k:Placemark", NS)
    assert placemark is not None
    shown = site.display_name().replace("\uffff", "\ufffd").replace("\ufffe", "\ufffd")
    assert placemark.findtext("k:name", "", NS) == shown
    balloon = Tags(placemark.findtext("k:description", "", NS))
    assert balloon.tags <= BALLOON_TAGS, balloon.tags
    assert shown in balloon.text
    assert source.title.replace("\uffff", "\ufffd").replace("\ufffe", "\ufffd") in balloon.text


def test_a_kmz_name_gives_the_same_document_zipped(
    schema: xmlschema.XMLSchema, invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    plain = export(invoke, catalogue, tmp_path / "a.kml")
    result = invoke("export", "kml", "-o", str(tmp_path / "a.kmz"), catalogue=catalogue)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "a.kmz") as bundle:
        assert bundle.namelist() == ["doc.kml"]
        document = bundle.read("doc.kml")
    schema.validate(io.BytesIO(document))
    assert ET.tostring(ET.fromstring(document)) == ET.tostring(plain)

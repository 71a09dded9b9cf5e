"""`heritage export gpkg`: one GeoPackage with every record of the scope, typed as GIS tools read
them, styled for QGIS from the one palette, and holding nothing its audience may not see."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pyogrio
import pytest

from conftest import REPO, Invoke, allegation_doc, report_doc, site_doc, source_doc
from heritage.codec import decode
from heritage.models import (
    Allegation,
    CatalogueInfo,
    Condition,
    ConditionReport,
    Party,
    Retraction,
    Review,
    Site,
    Source,
)
from heritage.palette import CONDITION_COLOURS, CONDITION_LABELS
from heritage.store import Catalogue

NOW = "2026-01-02T03:04:05Z"
HOSTILE = "<script>alert(1)</script> ]]> & &amp; \"'"
OUTLINE = [[46.75, 39.76], [46.76, 39.76], [46.76, 39.77], [46.75, 39.77], [46.75, 39.76]]
TABLES = ["condition_reports", "allegations", "allegation_sites", "reviews", "sources", "evidence", "layer_styles"]


def _add(catalogue: Catalogue, model: type[Any], document: dict[str, Any]) -> None:
    record = decode(model, json.dumps(document).encode())
    adder = {
        Site: catalogue.add_site,
        Source: catalogue.add_source,
        ConditionReport: catalogue.add_report,
        Allegation: catalogue.add_allegation,
        Review: catalogue.add_review,
        Retraction: catalogue.add_retraction,
    }[model]
    adder(record)


@pytest.fixture
def catalogue(tmp_path: Path, invoke: Invoke) -> Catalogue:
    """Sites of each kind (a point, a polygon with a hostile name, a restricted one), reports with
    and without certainty, one retracted, one restricted, one citing a confidential source only,
    an allegation with a review, and an evidence file."""
    info = CatalogueInfo(
        name=f"Test {HOSTILE}",
        region=(45.0, 38.5, 48.0, 41.0),
        parties=[Party(id="side-a", name="Side A"), Party(id="side-b", name="Side B")],
    )
    cat = Catalogue.create(tmp_path / "cat", info)
    _add(
        cat,
        Site,
        site_doc(external_ids={"wikidata": "Q123", "osm": "way/1"}, period={"label": "13th", "start_year": 1201}),
    )
    outline = site_doc(
        "hostile",
        names=[{"lang": "en", "text": HOSTILE}, {"lang": "hy-Latn", "text": "Surb"}],
        geometry={"type": "Polygon", "coordinates": [OUTLINE]},
        location={"precision": "approximate", "uncertainty_m": 50},
        type="monastery",
    )
    _add(cat, Site, outline)
    _add(cat, Site, site_doc("guarded", names=[{"lang": "en", "text": "Guarded"}], sensitivity="restricted",
                             areas=["SECRET-VILLAGE"], external_ids={"osm": "SECRET-NODE"}))  # fmt: skip
    _add(cat, Source, source_doc(published="2021-10", accessed="2022-01-05", party="side-a"))
    _add(cat, Source, source_doc("src-conf", title="SECRET-SOURCE", sensitivity="confidential"))
    _add(
        cat,
        Source,
        source_doc(
            "src-sat",
            kind="satellite_image",
            title="Scene",
            satellite={"provider": "Maxar", "acquired_on": "2022-07-06", "scene_id": "abc"},
        ),
    )
    _add(
        cat,
        ConditionReport,
        report_doc("r-1", certainty="confirmed", sources=[{"source": "src-chw", "locator": "p. 3"}]),
    )
    _add(cat, ConditionReport, report_doc("r-2", observed="2022-03-05/2022-07-06", condition="destroyed",
                                          damage_effects=["collapse"], sources=[{"source": "src-sat"}]))  # fmt: skip
    _add(cat, ConditionReport, report_doc("r-3", observed="2022-08-01", condition="severe_damage", certainty="probable",
                                          notes="SECRET-RESTRICTED-NOTE", sensitivity="restricted"))  # fmt: skip
    _add(cat, ConditionReport, report_doc("r-4", observed="2022-09-01", condition="altered", notes="SECRET-CONF-REPORT",
                                          sources=[{"source": "src-conf"}]))  # fmt: skip
    _add(cat, ConditionReport, report_doc("r-8", observed="2022-08-02", condition="severe_damage", supersedes="r-3"))
    _add(cat, ConditionReport, report_doc("r-5", site="hostile", observed="2023-01-01", condition="threatened",
                                          notes=HOSTILE))  # fmt: skip
    _add(cat, ConditionReport, report_doc("r-6", site="guarded", observed="2023-02-01", condition="intact"))
    _add(cat, Retraction, {"id": "x-1", "site": "st-sargis", "retracts": "r-1", "reason": "Wrong church",
                           "recorded_at": NOW, "recorded_by": "tester"})  # fmt: skip
    _add(cat, Allegation, allegation_doc(sites=["st-sargis", "hostile"]))
    _add(cat, Allegation, allegation_doc("a-2", summary="SECRET-CLAIM", source={"source": "src-conf"}))
    _add(cat, Review, {"id": "rv-1", "allegation": "a-1", "status": "corroborated", "standard": "reasonable grounds",
                       "rationale": "Seen on imagery.", "relies_on": ["r-2", "r-4"], "reviewer": "analyst",
                       "recorded_at": NOW, "recorded_by": "tester"})  # fmt: skip
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"not really a photo")
    added = invoke("evidence", "add", str(photo), "--source", "src-chw", catalogue=cat)
    assert added.exit_code == 0, added.output
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"SECRET-FILE")
    hidden = invoke("evidence", "add", str(secret), "--source", "src-conf", catalogue=cat)
    assert hidden.exit_code == 0, hidden.output
    files = [added.output.split()[0], hidden.output.split()[0]]
    _add(cat, ConditionReport, report_doc("r-7", site="guarded", observed="2023-03-01", condition="intact",
                                          evidence=files))  # fmt: skip
    return Catalogue.open(cat.root)


def _file_hash(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def export(invoke: Invoke, catalogue: Catalogue, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out" / "export.gpkg"
    result = invoke("export", "gpkg", "-o", str(out), *args, catalogue=catalogue)
    assert result.exit_code == 0, result.output
    return out


def rows(path: Path, table: str, where: str = "") -> list[dict[str, Any]]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(f'SELECT * FROM "{table}" {where}')]


def declared(path: Path, table: str) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}


def test_every_layer_and_table_is_there_and_sound(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = export(invoke, catalogue, tmp_path, "--audience", "internal")
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"sites": "Point", "site_outlines": "Polygon", **dict.fromkeys(TABLES)}
    for layer in layers:  # GDAL reads every one
        pyogrio.read_dataframe(path, layer=layer)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA application_id").fetchone() == (int.from_bytes(b"GPKG", "big"),)
        contents = {
            name: (kind, srs)
            for name, kind, srs in db.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents")
        }
        assert contents == {"sites": ("features", 4326), "site_outlines": ("features", 4326),
                            **{t: ("attributes", 0) for t in TABLES}}  # fmt: skip
        columns = set(
            db.execute("SELECT table_name, column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns")
        )
        assert columns == {("sites", "geom", "POINT", 4326), ("site_outlines", "geom", "POLYGON", 4326)}
        assert db.execute("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = 4326").fetchone() == (1,)


def test_fields_have_their_types(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = export(invoke, catalogue, tmp_path, "--audience", "internal")
    sites = pyogrio.read_info(path, layer="sites")
    dtypes = dict(zip(sites["fields"], sites["dtypes"], strict=True))
    assert dtypes["observed_start"] == dtypes["observed_end"] == "datetime64[D]"  # DATE, not text
    assert dtypes["reports"] == dtypes["allegations"] == dtypes["period_start_year"] == "int64"
    assert dtypes["uncertainty_m"] == "float64"
    reports = pyogrio.read_info(path, layer="condition_reports")
    subtypes = dict(zip(reports["fields"], reports["ogr_subtypes"], strict=True))
    assert subtypes["retracted"] == "OFSTBoolean"  # QGIS shows a checkbox
    assert (declared(path, "condition_reports") | declared(path, "sources")).items() >= {
        "observed_start": "DATE",
        "retracted": "BOOLEAN",
        "recorded_at": "DATETIME",
        "credibility": "INTEGER",
        "accessed": "DATE",
        "published_start": "DATE",
        "satellite_acquired_on": "DATE",
    }.items()
    assert declared(path, "evidence")["size"] == "INTEGER"
    assert declared(path, "layer_styles")["useAsDefault"] == "BOOLEAN"


def test_values_read_back_with_nulls_for_what_is_absent(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = export(invoke, catalogue, tmp_path, "--audience", "internal")
    sites = {r["id"]: r for r in rows(path, "sites")}
    sargis, hostile = sites["st-sargis"], sites["hostile"]
    assert sargis["uncertainty_m"] is None and hostile["uncertainty_m"] == 50.0  # NULL, not 0
    assert sargis["wikidata"] == "Q123" and sargis["osm"] == "way/1" and hostile["wikidata"] is None
    assert sargis["period_start_year"] == 1201 and sargis["period_end_year"] is None
    assert sargis["name_hy"] == "Սուրբ Սարգիս" and hostile["name_hy_latn"] == "Surb" and hostile["name_hy"] is None
    assert sargis["condition"] == "altered" and sargis["certainty"] is None  # r-4, which states none
    assert sargis["observed_start"] == sargis["observed_end"] == "2022-09-01"
    assert sargis["reports"] == 5 and sargis["allegations"] == 2 and sites["guarded"]["allegations"] == 0
    assert sites["guarded"]["allegation_status"] is None and sargis["tradition"] == "armenian_apostolic"
    assert "dossier" not in sargis
    reports = {r["id"]: r for r in rows(path, "condition_reports")}
    assert reports["r-8"]["supersedes"] == "r-3" and reports["r-1"]["supersedes"] is None
    assert reports["r-1"]["retracted"] == 1 and reports["r-2"]["retracted"] == 0
    assert reports["r-1"]["certainty"] == "confirmed" and reports["r-2"]["certainty"] is None
    assert reports["r-2"]["observed_start"] == "2022-03-05" and reports["r-2"]["observed_end"] == "2022-07-06"
    assert reports["r-2"]["damage_effects"] == "collapse" and reports["r-2"]["damage_extent"] is None
    assert reports["r-1"]["citations"] == "src-chw (p. 3)" and reports["r-1"]["notes"] is None
    assert reports["r-1"]["recorded_at"] == "2026-01-02T03:04:05Z" and len(reports["r-1"]["sha256"]) == 64
    sources = {r["id"]: r for r in rows(path, "sources")}
    chw = sources["src-chw"]
    assert (chw["published"], chw["published_start"], chw["published_end"]) == ("2021-10", "2021-10-01", "2021-10-31")
    assert chw["accessed"] == "2022-01-05" and chw["party_name"] == "Side A" and chw["satellite_provider"] is None
    assert sources["src-sat"]["satellite_acquired_on"] == "2022-07-06" and sources["src-sat"]["accessed"] is None
    frame = pyogrio.read_dataframe(path, layer="condition_reports")
    assert frame["retracted"].dtype == bool and frame["observed_start"].dtype.kind == "M"
    assert frame.set_index("id")["retracted"].to_dict() == {r: r == "r-1" for r in reports}


def test_allegations_reviews_and_evidence(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = export(invoke, catalogue, tmp_path, "--audience", "internal")
    (claim,) = [r for r in rows(path, "allegations") if r["id"] == "a-1"]
    assert claim["damage_status"] == "corroborated" and claim["attribution_status"] == "reported"
    assert claim["claimant_party_name"] == "Side A" and claim["alleged_perpetrator_party"] == "side-b"
    assert claim["made_start"] == claim["made_end"] == "2022-07-10" and claim["alleged_period"] is None
    assert sorted((r["allegation"], r["site"]) for r in rows(path, "allegation_sites")) == [
        ("a-1", "hostile"), ("a-1", "st-sargis"), ("a-2", "st-sargis")]  # fmt: skip
    (review,) = rows(path, "reviews")
    assert (review["allegation"], review["status"], review["relies_on"]) == ("a-1", "corroborated", "r-2, r-4")
    evidence = {r["sha256"]: r for r in rows(path, "evidence")}
    assert set(evidence) == {_file_hash(b"not really a photo"), _file_hash(b"SECRET-FILE")}
    assert set(rows(path, "condition_reports", "WHERE id = 'r-7'")[0]["evidence"].split()) == set(evidence)
    evidence = evidence[_file_hash(b"not really a photo")]
    assert evidence["size"] == len(b"not really a photo") and evidence["source"] == "src-chw"
    assert evidence["captured_at"] is None and evidence["lon"] is None and len(evidence["sha256"]) == 64


def test_polygon_sites_have_their_outline_and_a_point(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = export(invoke, catalogue, tmp_path, "--audience", "internal")
    outlines = pyogrio.read_dataframe(path, layer="site_outlines")
    assert list(outlines["id"]) == ["hostile"] and outlines.geometry[0].geom_type == "Polygon"
    assert outlines.geometry[0].bounds == (46.75, 39.76, 46.76, 39.77)
    points = pyogrio.read_dataframe(path, layer="sites").set_index("id")
    assert points.loc["hostile", "geometry"].within(outlines.geometry[0])
    assert points.loc["st-sargis", "geometry"].coords[0] == (46.93, 39.57)


def test_sites_are_styled_by_condition_from_the_palette(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = export(invoke, catalogue, tmp_path)
    styles = {r["f_table_name"]: r for r in rows(path, "layer_styles")}
    assert set(styles) == {"sites", "site_outlines"}
    for layer, style in styles.items():
        assert style["useAsDefault"] == 1 and style["f_geometry_column"] == "geom"
        assert style["f_table_schema"] == style["f_table_catalog"] == ""  # QGIS looks for '', not NULL
        assert datetime.fromisoformat(style["update_time"]).tzinfo is not None
        qml = ET.fromstring(style["styleQML"].split("\n", 1)[1])  # after its DOCTYPE line
        renderer = qml.find("renderer-v2")
        assert (
            renderer is not None and renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "condition"
        )
        text = qml.find("labeling/settings/text-style")  # sites labelled by name
        assert qml.get("labelsEnabled") == "1" and text is not None and text.get("fieldName") == "name"
        listed = renderer.find("symbols")
        assert listed is not None
        symbols = {s.get("name"): s for s in listed}
        categories = {c.get("value"): c for c in renderer.iter("category")}
        assert set(categories) == {c.value for c in Condition}
        for condition, colour in CONDITION_COLOURS.items():
            category = categories[condition.value]
            assert category.get("label") == CONDITION_LABELS[condition]
            options = {o.get("name"): o.get("value") for o in symbols[category.get("symbol")].iter("Option")}
            red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
            expected = "outline_color" if layer == "site_outlines" else "color"
            assert options[expected] == f"{red},{green},{blue},255"
        sld = ET.fromstring(style["styleSLD"].encode())
        se, ogc = "{http://www.opengis.net/se}", "{http://www.opengis.net/ogc}"
        rules = {}
        for rule in sld.iter(f"{se}Rule"):
            assert rule.findtext(f"{ogc}Filter/{ogc}PropertyIsEqualTo/{ogc}PropertyName") == "condition"
            literal = rule.findtext(f"{ogc}Filter/{ogc}PropertyIsEqualTo/{ogc}Literal")
            rules[literal] = [p.text for p in rule.iter(f"{se}SvgParameter") if p.get("name") in ("fill", "stroke")]
            assert rule.findtext(f"{se}Description/{se}Title") == CONDITION_LABELS[Condition(literal)]
        assert {k: CONDITION_COLOURS[Condition(k)] in v for k, v in rules.items()} == {c.value: True for c in Condition}
        assert sld.findtext(f".//{se}Title", "").startswith(f"Test {HOSTILE}")  # catalogue text, escaped


def test_hostile_text_comes_out_as_data(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    path = export(invoke, catalogue, tmp_path, "--audience", "public")
    sites = {r["id"]: r for r in rows(path, "sites")}
    assert sites["hostile"]["name"] == HOSTILE and sites["hostile"]["name_en"] == HOSTILE
    assert [r["notes"] for r in rows(path, "condition_reports", "WHERE id = 'r-5'")] == [HOSTILE]
    assert pyogrio.read_dataframe(path, layer="site_outlines")["name"].tolist() == [HOSTILE]
    (style, _) = rows(path, "layer_styles")
    assert style["description"].startswith(f"Test {HOSTILE}")


def test_public_export_holds_nothing_hidden_from_the_public(
    invoke: Invoke, catalogue: Catalogue, tmp_path: Path
) -> None:
    internal = export(invoke, catalogue, tmp_path / "internal", "--audience", "internal")
    path = export(invoke, catalogue, tmp_path / "public", "--audience", "public")
    everything = _dump(internal)
    assert all(secret in everything for secret in ("SECRET-RESTRICTED-NOTE", "SECRET-CONF-REPORT", "SECRET-CLAIM"))
    text = _dump(path)
    for secret in ("SECRET", "src-conf", "r-3", "r-4", "a-2", "tester"):
        assert secret not in text, secret
    reports = {r["id"] for r in rows(path, "condition_reports")}
    assert reports == {"r-1", "r-2", "r-5", "r-6", "r-7", "r-8"}
    assert _file_hash(b"SECRET-FILE") not in text and _file_hash(b"not really a photo") in text
    (review,) = rows(path, "reviews")
    assert review["relies_on"] == "r-2" and review["reviewer"] == "(name withheld)"
    guarded = rows(path, "sites", "WHERE id = 'guarded'")[0]
    assert guarded["precision"] == "approximate" and guarded["osm"] is None and guarded["areas"] is None
    point = pyogrio.read_dataframe(path, layer="sites").set_index("id").loc["guarded", "geometry"]
    assert (round(point.x, 6), round(point.y, 6)) == (46.9, 39.6)  # rounded, as the public sees it


def _dump(path: Path) -> str:
    """Every value of every table, as text, to search for what must not be there."""
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute("SELECT table_name FROM gpkg_contents")]
        return "\n".join(repr(row) for name in names for row in db.execute(f'SELECT * FROM "{name}"'))


def test_dossier_links_and_the_sample_catalogue(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "sample.gpkg"
    result = invoke("export", "gpkg", "--dossier-links", "../dossiers/", "-o", str(out), catalogue=REPO)
    assert result.exit_code == 0, result.output
    sites = rows(out, "sites")
    assert len(sites) == len(list((REPO / "sites").glob("*.geojson")))
    assert all(s["dossier"] == f"../dossiers/{s['id']}.html" for s in sites)
    reports = rows(out, "condition_reports")
    assert len(reports) == sum(s["reports"] for s in sites) > 0
    with sqlite3.connect(out) as db:
        cited = {i for (text,) in db.execute("SELECT sources FROM condition_reports") for i in text.split(", ")}
        assert cited <= {i for (i,) in db.execute("SELECT id FROM sources")}
        assert db.execute("SELECT count(*) FROM sites WHERE geom IS NULL").fetchone() == (1,)  # kept, not dropped
    assert date.fromisoformat(min(r["observed_start"] for r in reports if r["observed_start"])) < date(2021, 1, 1)


# GDAL's own GeoPackage validator: pure Python over sqlite3 (its raster checks alone need GDAL's
# bindings), shipped by Debian's python3-gdal, which .ci/run installs. Run as a script, by the
# interpreter running the tests, so that it needs nothing from Debian's own Python.
GDAL_VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
# Debian 12's validator (GDAL 3.6) predates two changes the GDAL inside pyogrio (3.10+) makes, as
# GeoPackage 1.4 allows: the R-tree update triggers 1 and 3 are replaced by 6 and 7 (checked
# below), and a time with no milliseconds is written without them. The validator of GDAL 3.13
# accepts both; every other message fails the test.
_OLDER_VALIDATOR = re.compile(
    r"Req 75: rtree_\w+_geom_update[13] trigger missing"
    r"|In column \w+, text \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ found which is not a valid DATETIME"
)


def test_gdal_validator_finds_nothing_wrong(invoke: Invoke, catalogue: Catalogue, tmp_path: Path) -> None:
    assert GDAL_VALIDATOR.is_file(), "GDAL's validator is missing: apt-get install python3-gdal (.ci/run does)"
    for audience in ("internal", "public"):
        path = export(invoke, catalogue, tmp_path / audience, "--audience", audience)
        command = [sys.executable, str(GDAL_VALIDATOR), "-k", "--extra", "--warning-as-error", str(path)]
        checked = subprocess.run(command, capture_output=True, text=True, check=False)
        said = (checked.stdout + checked.stderr).splitlines()
        assert [line for line in said if not _OLDER_VALIDATOR.fullmatch(line)] == [], audience
        assert any("DATETIME" in line for line in said)  # the validator did read the rows
        with sqlite3.connect(path) as db:
            triggers = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {f"rtree_sites_geom_update{n}" for n in (2, 4, 6, 7)} <= triggers

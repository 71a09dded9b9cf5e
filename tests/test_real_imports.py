"""The "bring your own data" walkthroughs, end to end through the command line, on real public
datasets (tests/data/real/, see its README for origins and licences) with the profiles that
docs/examples/ ships: a fresh catalogue, the sites, the sources, the reports, and a rerun that
adds nothing. Counts and a few known records are checked field by field."""

from __future__ import annotations

from pathlib import Path

from conftest import Invoke
from heritage.models import ConditionReport
from heritage.store import Catalogue

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"
EXAMPLES = ROOT / "docs" / "examples"


def run(invoke: Invoke, root: Path, *args: str) -> str:
    result = invoke(*args, catalogue=root)
    assert result.exit_code == 0, result.output
    return result.output


def fresh(invoke: Invoke, tmp_path: Path, name: str, *init: str) -> Path:
    root = tmp_path / "catalogue"
    result = invoke("init", str(root), "--name", name, *init)
    assert result.exit_code == 0, result.output
    return root


def the_report(catalogue: Catalogue, site: str) -> ConditionReport:
    (report,) = catalogue.reports(site)
    return report


def test_historic_england_heritage_at_risk_register(invoke: Invoke, tmp_path: Path) -> None:
    root = fresh(invoke, tmp_path, "England: heritage at risk")
    data, sites = str(REAL / "historic_england_har.csv"), str(EXAMPLES / "historic_england_har_sites.toml")
    run(invoke, root, "vocab", "add", "site_type", "battlefield", "--label", "Battlefield")
    run(invoke, root, "vocab", "add", "site_type", "park_garden", "--label", "Park or garden")
    dry = run(invoke, root, "import", "sites", data, "--profile", sites, "--dry-run")
    assert "would import 24 site(s): 24 new, 0 already in the catalogue" in dry
    assert "type: church 7, archaeological_site 5, historic_building 3" in dry
    assert list((root / "sites").glob("*.geojson")) == []  # a dry run writes nothing
    done = run(invoke, root, "import", "sites", data, "--profile", sites)
    assert "imported 24 site(s): 24 new, 0 already in the catalogue" in done
    again = run(invoke, root, "import", "sites", data, "--profile", sites)
    assert "imported 0 site(s): 0 new, 24 already in the catalogue" in again
    assert "region (W S E N): -5.2 50.14 1.27 54.57" in run(invoke, root, "catalogue", "set", "region", "--fit")

    title = "Heritage at Risk Register 2024"
    run(
        invoke,
        root,
        "source",
        "add",
        "--id",
        "src-har-2024",
        "--title",
        title,
        "--kind",
        "other",
        "--published",
        "2024",
    )
    reports = str(EXAMPLES / "historic_england_har_reports.toml")
    dry = run(invoke, root, "import", "reports", data, "--profile", reports, "--dry-run")
    assert "condition: damaged 10, moderate_damage 4, minor_damage 4, severe_damage 4, intact 1, unknown 1" in dry
    assert "imported 24 report(s): 24 new" in run(invoke, root, "import", "reports", data, "--profile", reports)
    again = run(invoke, root, "import", "reports", data, "--profile", reports)
    assert "imported 0 report(s): 0 new, 24 already in the catalogue" in again

    catalogue = Catalogue.open(root)
    church = catalogue.site("1079392")
    assert [(n.lang, n.text) for n in church.names] == [("en", "Christ the Saviour Church, New Broadway, Ealing")]
    assert church.geometry is not None and church.geometry.coordinates == [-0.30496, 51.513514]
    assert church.type == "church" and church.external_ids == {"nhle": "1079392"}
    assert church.areas == ["London and South East", "Ealing"]
    assert catalogue.site("1000000").type == "battlefield"  # Battle of Adwalton Moor
    very_bad = the_report(catalogue, "1353769")  # Church of St Mary the Virgin: "Very bad"
    assert very_bad.condition == "severe_damage" and very_bad.certainty is None
    assert str(very_bad.observed) == "../2024-09-26" and very_bad.method == "document_review"
    assert very_bad.notes is not None and very_bad.notes.startswith("Place of worship; Very bad; A - Immediate risk")
    assert the_report(catalogue, "1424711").condition == "damaged"  # archaeology: extent not graded
    assert the_report(catalogue, "1433819").condition == "unknown"  # "Unknown"


def test_volunteer_list_of_damaged_sites_in_ukraine(invoke: Invoke, tmp_path: Path) -> None:
    root = fresh(invoke, tmp_path, "Ukraine: damaged cultural sites", "--region", "30.5,50.9,33.5,52.4")
    data = str(REAL / "unesco_ukraine_volunteers.csv")
    sites = str(EXAMPLES / "ukraine_volunteers_sites.toml")
    run(invoke, root, "vocab", "add", "site_type", "religious_site", "--label", "Religious site (kind not stated)")
    dry = run(invoke, root, "import", "sites", data, "--profile", sites, "--dry-run")
    # Five Kyiv sites, south and west of the box: one warning line, and the command that holds them.
    assert "warning: field geometry: outside the catalogue's region [30.5, 50.9, 33.5, 52.4] (5 row(s): line 27" in dry
    assert "to take in every site outside it: heritage catalogue set region 29.85 50.46 33.5 52.4 (or" in dry
    assert "would import 27 site(s): 27 new, 0 already in the catalogue, 2 heading row(s) skipped" in dry
    done = run(invoke, root, "import", "sites", data, "--profile", sites, "--grow-region")
    assert "grew the catalogue's region to [29.85, 50.46, 33.5, 52.4]" in done
    assert "imported 27 site(s): 27 new, 0 already in the catalogue, 2 heading row(s) skipped" in done
    again = run(invoke, root, "import", "sites", data, "--profile", sites)
    assert "imported 0 site(s): 0 new, 27 already in the catalogue, 2 heading row(s) skipped" in again

    sources = run(invoke, root, "import", "sources", str(EXAMPLES / "ukraine_volunteers_sources.csv"))
    assert "imported 2 source(s): 2 new" in sources
    reports = str(EXAMPLES / "ukraine_volunteers_reports.toml")
    done = run(invoke, root, "import", "reports", data, "--profile", reports)
    assert "imported 27 report(s): 27 new, 0 already in the catalogue, 2 heading row(s) skipped" in done
    again = run(invoke, root, "import", "reports", data, "--profile", reports)
    assert "imported 0 report(s): 0 new, 27 already in the catalogue, 2 heading row(s) skipped" in again

    catalogue = Catalogue.open(root)
    placeless = [site.id for site in catalogue.sites() if site.geometry is None]
    assert len(placeless) == 4 and "former-district-court-house-in-chernihiv" in placeless  # "not found"
    church = catalogue.site("church-of-st-theodosius")
    assert [(n.lang, n.text) for n in church.names] == [
        ("en", "Church of St. Theodosius"),
        ("uk", "Церква святителя Феодосія"),
    ]
    assert church.geometry is not None and church.geometry.coordinates == [31.3653939, 51.5333489]
    assert church.type == "religious_site" and church.areas == ["Chernihiv region"]
    report = the_report(catalogue, "church-of-st-theodosius")
    assert (report.condition, report.certainty, str(report.observed)) == ("damaged", "confirmed", "2022-03-13")
    unesco, volunteers = "src-unesco-damaged-sites-ukraine", "src-disperseart-unesco-damage-sites"
    assert [c.source for c in report.sources] == [unesco, volunteers]
    undated = the_report(catalogue, "former-district-court-house-in-chernihiv")
    assert str(undated.observed) == "2022-02-24/.."  # the list gives no date: since the invasion


def test_json_tracker_of_statuses_stand_in(invoke: Invoke, tmp_path: Path) -> None:
    root = fresh(invoke, tmp_path, "Nagorno-Karabakh: tracker", "--region", "45.0,38.8,47.8,40.9")
    data = str(REAL / "nk_status_standin.json")
    sites = str(EXAMPLES / "nk_tracker_sites.toml")
    assert "imported 8 site(s): 8 new" in run(invoke, root, "import", "sites", data, "--profile", sites)
    again = run(invoke, root, "import", "sites", data, "--profile", sites)
    assert "imported 0 site(s): 0 new, 8 already in the catalogue" in again

    title = "Status list of Nagorno-Karabakh sites (stand-in for a volunteer tracker)"
    run(invoke, root, "source", "add", "--id", "src-nk-status-tracker", "--title", title, "--kind", "other")
    reports = str(EXAMPLES / "nk_tracker_reports.toml")
    dry = run(invoke, root, "import", "reports", data, "--profile", reports, "--dry-run")
    assert "condition: destroyed 4, damaged 2, severe_damage 1" in dry
    done = run(invoke, root, "import", "reports", data, "--profile", reports)
    assert "imported 7 report(s): 7 new, 0 already in the catalogue, 1 row(s) filtered out" in done  # "disputed"
    again = run(invoke, root, "import", "reports", data, "--profile", reports)
    assert "imported 0 report(s): 0 new, 7 already in the catalogue, 1 row(s) filtered out" in again

    catalogue = Catalogue.open(root)
    kanach = catalogue.site("kanach-zham")
    assert [(n.lang, n.text) for n in kanach.names] == [
        ("en", "Kanach Zham (St John the Baptist Church)"),
        ("hy", "Կանաչ Ժամ"),
    ]
    assert kanach.geometry is not None and kanach.geometry.coordinates == [46.74361, 39.7625]
    assert catalogue.site("holy-resurrection-hadrut").geometry is None  # "coordinates": null
    cathedral = the_report(catalogue, "ghazanchetsots")
    assert cathedral.id.startswith("r-")  # the tracker's "id" is the site's, not the report's
    assert (cathedral.condition, str(cathedral.observed)) == ("severe_damage", "2020-10-08")
    assert cathedral.notes is not None and cathedral.notes.startswith("https://www.canyon-news.com/")
    mosque = the_report(catalogue, "aghdam-mosque")
    assert (mosque.condition, mosque.certainty, str(mosque.observed)) == ("damaged", None, "2019")
    assert list(catalogue.reports("mamayi-mosque")) == []  # "disputed": not a condition


def test_openstreetmap_places_of_worship_in_lviv(invoke: Invoke, tmp_path: Path) -> None:
    root = fresh(invoke, tmp_path, "Lviv: places of worship", "--region", "23.9,49.75,24.15,49.9")
    data, sites = str(REAL / "osm_lviv_churches.geojson"), str(EXAMPLES / "osm_lviv_churches_sites.toml")
    run(invoke, root, "vocab", "add", "site_type", "place_of_worship", "--label", "Place of worship (kind not stated)")
    run(invoke, root, "vocab", "add", "tradition", "greek_catholic", "--label", "Greek Catholic")
    refused = invoke("import", "sites", data, "--profile", sites, catalogue=root)
    assert refused.exit_code != 0 and "7 row(s) failed; nothing was written" in refused.output  # no name
    done = run(invoke, root, "import", "sites", data, "--profile", sites, "--skip-invalid", "--grow-region")
    assert "grew the catalogue's region to [23.9, 49.75, 24.15, 49.96]" in done
    assert "imported 10 site(s): 10 new, 0 already in the catalogue, skipped 7 invalid row(s)" in done
    again = run(invoke, root, "import", "sites", data, "--profile", sites, "--skip-invalid")
    assert "imported 0 site(s): 0 new, 10 already in the catalogue, skipped 7 invalid row(s)" in again

    church = Catalogue.open(root).site("node-3734462654")
    assert [(n.lang, n.text) for n in church.names][:2] == [
        ("uk", "Церква святих Ольги і Єлизавети"),
        ("en", "Church of St. Olha and Elizabeth"),
    ]
    assert church.geometry is not None and church.geometry.coordinates == [24.0045575, 49.8368588]
    assert (church.type, church.tradition) == ("place_of_worship", "greek_catholic")
    assert church.external_ids == {"osm": "node/3734462654"}

"""Nothing hidden from an audience reaches any byte of any output made for it.

One catalogue carries a marker in every field of every hidden or withheld thing. Every public and
mission output is made from it (maps, dossiers as HTML and PDF, mission packages with their pages,
forms on paper and for phones, GIS layers, CSV, manifest and zip), and every byte and every file
name of them is searched: as written, case-folded, inside zip entries and workbooks, base64 and
gzip payloads decoded, PDF text extracted and PDF attachments read, images' metadata read. The
internal edition must show the same markers, so the search can fail.

Markers are `LEAKI<n>` (the team only may see it) and `LEAKM<n>` (a mission may see it, the public
not). They are letters and digits only, so HTML, JSON and URL encodings leave them as they are;
ids are lower case, hence the case-folded search.
"""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from click.testing import CliRunner

from heritage import layout
from heritage.audience import edition_of
from heritage.cli import cli
from heritage.codec import encode, from_document
from heritage.custody import record_event
from heritage.errors import InvalidInput
from heritage.evidence import Received, add_evidence
from heritage.models import (
    Allegation,
    CatalogueInfo,
    ConditionReport,
    CustodyAction,
    CustodyEvent,
    Party,
    Retraction,
    Review,
    Sensitivity,
    Site,
    Source,
    Verification,
)
from heritage.store import Catalogue
from tests.conftest import NOW, Invoke, allegation_doc, report_doc, source_doc

AUDIENCES = ("public", "mission", "internal")
# Fields no output shows to anyone (kept for the team's own use): planted all the same, so that
# an output that starts showing one to a wider audience fails, but not looked for in the internal
# edition.
NOT_SHOWN = {
    "LEAKM08",  # sites' recorded_by
    "LEAKM09",
    "LEAKI12",
    "LEAKM10",  # sources' recorded_by
    "LEAKI13",  # a source's notes
    "LEAKI14",  # the author of a testimony
    "LEAKI66",  # the author of a field visit (the observer)
    "LEAKM18",  # an allegation's recorded_by
    "LEAKM23",  # a review's recorded_by
    "LEAKM24",  # an evidence record's recorded_by
    "LEAKI48",  # camera make and model from a photo's EXIF
    "LEAKI49",
    "LEAKI52",  # an evidence record's notes
    "LEAKM62",  # a custody event's recorded_by
    "LEAKI20",  # a confidential source's notes and evidence list
    "LEAKI21",
    "LEAKI22",
    "LEAKI17",  # a confidential source's author
    "LEAKI38",  # a confidential allegation's legal references
    "LEAKI32",  # a retraction's id
    "LEAKM63",  # a verification's recorded_by
}
CONFIDENTIAL_PLACES = ["39.2717", "46.1719", "3927172", "4617192"]  # a confidential site
OBSERVER_PLACES = ["39.5186", "46.5319", "40.1234", "45.6543"]  # where a witness stood; a photo's GPS
# A restricted site, exactly; and the point a geolocation found (the public never gets it).
RESTRICTED_PLACES = ["39.6543", "46.9876", "3965432", "4698765", "39.4321", "46.2468"]
HIDDEN_COLOURS = [(1, 254, 3), (254, 3, 200)]  # the pixels of hidden photos
RESTRICTED_COLOUR = (20, 200, 200)  # of a photo from a restricted source


def _record(catalogue: Catalogue, model: type[Any], document: dict[str, Any]) -> Any:
    document = {"recorded_at": NOW, "recorded_by": "tester", **document}
    if model is Site:
        geometry = document.pop("geometry")
        document = {"type": "Feature", "id": document.pop("id"), "geometry": geometry, "properties": document}
    record = from_document(model, document, catalogue.context)
    add = {
        Site: catalogue.add_site,
        Source: catalogue.add_source,
        ConditionReport: catalogue.add_report,
        Allegation: catalogue.add_allegation,
        Review: catalogue.add_review,
        Retraction: catalogue.add_retraction,
        Verification: catalogue.add_verification,
    }[model]
    add(record)
    return record


def _photo(path: Path, colour: tuple[int, int, int], make: str = "", model: str = "", device: str = "") -> Path:
    from PIL import Image

    def dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
        degrees, rest = int(value), (value - int(value)) * 60
        return Fraction(degrees), Fraction(int(rest)), Fraction((rest - int(rest)) * 60).limit_denominator(10_000)

    exif = Image.Exif()
    if make:
        exif[0x010F], exif[0x0110] = make, model
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", dms(40.123456), "E", dms(45.654321)
    if device:  # the software that wrote it, and the camera body's serial number
        exif[0x0131], exif.get_ifd(0x8769)[0xA431] = f"{device}a", f"{device}b"
    Image.new("RGB", (24, 24), colour).save(path, "JPEG", exif=exif, quality=95)
    return path


def planted(root: Path, tmp: Path) -> tuple[Catalogue, list[str], list[str]]:
    """The catalogue with every marker planted; and the hashes and ids of the evidence files
    hidden from everyone but the team, and of those hidden from the public only."""
    info = CatalogueInfo(name="Leaks", region=(45.0, 38.0, 48.0, 41.0), parties=[Party(id="a", name="A")])
    cat = Catalogue.create(root, info)
    add = lambda model, **document: _record(cat, model, document)  # noqa: E731
    here = {"type": "Point", "coordinates": [46.5, 39.5]}
    add(Site, id="open", names=[{"lang": "en", "text": "Open"}], geometry=here, location={"precision": "exact"},
        type="church", recorded_by="LEAKM09")  # fmt: skip
    add(Site, id="leaki01", geometry={"type": "Point", "coordinates": [46.171919, 39.271717]},
        names=[{"lang": "en", "text": "LEAKI02", "note": "LEAKI03", "used_by": ["LEAKI04"]}],
        location={"precision": "exact", "source": "LEAKI06"}, type="shrine", description="LEAKI05",
        areas=["LEAKI07"], external_ids={"osm": "LEAKI08"}, designations=[{"scheme": "x", "reference": "LEAKI09"}],
        disputes=[{"aspect": "name", "claim": "LEAKI10", "held_by": ["a"]}], period={"label": "LEAKI11"},
        recorded_by="LEAKI12", sensitivity="confidential")  # fmt: skip
    add(Site, id="guarded", geometry={"type": "Point", "coordinates": [46.987654, 39.654321]},
        names=[{"lang": "en", "text": "Guarded"}], location={"precision": "exact", "source": "LEAKM02"},
        type="church", description="LEAKM01", areas=["LEAKM03"], external_ids={"osm": "LEAKM04"},
        designations=[{"scheme": "x", "reference": "LEAKM05"}],
        disputes=[{"aspect": "name", "claim": "LEAKM06", "held_by": ["LEAKM07"]}], recorded_by="LEAKM08",
        sensitivity="restricted")  # fmt: skip
    add(Source, id="src-public", kind="news", title="Public", recorded_by="LEAKM10", notes="LEAKI13")
    add(Source, id="src-testimony", kind="testimony", title="A testimony", author="LEAKI14")
    add(Source, id="src-visit", kind="field_visit", title="A field visit", author="LEAKI66")  # the observer
    add(Source, id="leaki15", kind="testimony", title="LEAKI16", author="LEAKI17", publisher="LEAKI18",
        url="https://example.org/LEAKI19", archived_url="https://example.org/LEAKI56", notes="LEAKI20",
        evidence=[{"sha256": "0" * 64, "size": 1, "media_type": "image/jpeg", "name": "LEAKI21",
                   "captured_by": "LEAKI22"}], sensitivity="confidential")  # fmt: skip
    add(Source, id="leakm11", kind="ngo_report", title="LEAKM12", publisher="LEAKM13",
        url="https://example.org/LEAKM14", sensitivity="restricted")  # fmt: skip
    shown = add_evidence(cat, _photo(tmp / "LEAKI50.jpg", (200, 30, 30), "LEAKI48", "LEAKI49", "LEAKI67"),
                         "src-public", recorded_by="LEAKM24", captured_by="LEAKI51", notes="LEAKI52",
                         received=Received("LEAKI68", "LEAKI69", "https://example.org/LEAKI70"))  # fmt: skip
    # Its chain of custody: who held it, handed it on, where, are for the team; an event's own
    # sensitivity hides it as a record's does.
    record_event(cat, shown.id, CustodyAction.transferred, recorded_by="LEAKM62", by="LEAKI71",
                 from_holder="LEAKI72", to_holder="LEAKI73", where="LEAKI74", notes="LEAKI75")  # fmt: skip
    for event_id, level in (("leakm63", Sensitivity.restricted), ("leaki76", Sensitivity.confidential)):
        cat.add_custody_event(CustodyEvent(id=event_id, evidence=shown.file_sha256, action=CustodyAction.copied,
                                           at=NOW, by="x", to_holder="LEAKI77", recorded_at=NOW, recorded_by="x",
                                           sensitivity=level))  # type: ignore[arg-type]  # fmt: skip
    secret = add_evidence(cat, _photo(tmp / "LEAKI53.jpg", HIDDEN_COLOURS[0]), "src-public", recorded_by="x",
                          captured_by="LEAKI54")  # fmt: skip
    # `evidence add` has no sensitivity option: the record is marked confidential in its file.
    record = layout.evidence_record_file(root, secret.file_sha256)
    record.write_bytes(encode(secret.model_copy(update={"sensitivity": Sensitivity.confidential})))
    record_event(cat, secret.id, CustodyAction.exported, recorded_by="x", to_holder="LEAKI78")
    of_secret_source = add_evidence(cat, _photo(tmp / "LEAKI55.jpg", HIDDEN_COLOURS[1]), "leaki15", recorded_by="x")
    of_restricted_source = add_evidence(cat, _photo(tmp / "a.jpg", RESTRICTED_COLOUR), "leakm11", recorded_by="x")
    hidden_files = [e.file_sha256 for e in (secret, of_secret_source)] + [e.id for e in (secret, of_secret_source)]
    restricted_files = [of_restricted_source.file_sha256, of_restricted_source.id]
    report = {"site": "open", "method": "testimony", "condition": "destroyed"}
    add(ConditionReport, id="r-public", observed="2022-01-01", observed_by="LEAKI23",
        position={"coordinates": [46.531975, 39.518642], "accuracy_m": 5}, recorded_by="LEAKM15",
        migrated={"at": NOW, "by": "LEAKM57"},  # a login: `report show` shows it to a mission, as audience allows
        submission={"instance_id": "uuid:leak", "form_id": "f", "via": "odk_central", "submitted_by": "LEAKM60",
                    "device": "LEAKM61"},  # the team's phone account and phone: not for the public
        warnings=[{"code": "far-from-site", "message": "stood at 39.518642, 46.531975 (LEAKI62), 612 m away"},
                  {"code": "photo-other-day", "message": "LEAKI63.jpg taken on 2021-12-31"},
                  {"code": "other-check", "message": "LEAKI65"}],  # a code unknown here: its message for the team
        sources=[{"source": "src-public"}, {"source": "src-visit"}, {"source": "leaki15", "locator": "LEAKI24"}],
        evidence=[shown.file_sha256, secret.file_sha256, of_restricted_source.file_sha256], **report)  # fmt: skip
    add(ConditionReport, id="leaki25", observed="2022-02-01", notes="LEAKI26", observed_by="LEAKI27",
        recorded_by="LEAKI28", sources=[{"source": "src-public"}], sensitivity="confidential", **report)  # fmt: skip
    add(ConditionReport, id="leakm16", observed="2022-03-01", notes="LEAKM17", sources=[{"source": "leakm11"}],
        sensitivity="restricted", **report)  # fmt: skip
    add(ConditionReport, id="leaki29", observed="2022-01-01", notes="LEAKI30", sources=[{"source": "src-public"}],
        **{**report, "site": "leaki01"})  # fmt: skip
    add(ConditionReport, id="r-guarded", observed="2022-01-01", sources=[{"source": "src-public"}],
        **{**report, "site": "guarded"})  # fmt: skip
    # Public reports resting only on hidden sources: what they say is the sources', hidden with them.
    add(ConditionReport, id="leaki58", observed="2022-04-01", notes="LEAKI59", sources=[{"source": "leaki15"}],
        **report)  # fmt: skip
    add(ConditionReport, id="leakm25", observed="2022-04-02", notes="LEAKM26",
        sources=[{"source": "leakm11", "locator": "LEAKM27"}], **report)  # fmt: skip
    add(Retraction, id="leaki32", site="open", retracts="leaki25", reason="LEAKI31")
    claim = {"made_on": "2022-05-01", "acts": ["destruction"], "sites": ["open"], "source": {"source": "src-public"}}
    add(Allegation, id="a-person", claimant={"name": "LEAKI33", "kind": "person", "party": "a"},
        summary="A person's claim", recorded_by="LEAKM18", evidence=[of_secret_source.file_sha256],
        **claim)  # fmt: skip
    add(Allegation, id="leaki34", claimant={"name": "LEAKI35", "kind": "government"}, summary="LEAKI36",
        quote="LEAKI37", legal_references=["LEAKI38"], alleged_perpetrator={"name": "LEAKI39"},
        responds_to="a-person", sensitivity="confidential",
        **{**claim, "source": {"source": "src-public", "locator": "LEAKI40"}})  # fmt: skip
    add(Allegation, id="leaki41", claimant={"name": "LEAKI43", "kind": "media"}, summary="LEAKI42",
        **{**claim, "source": {"source": "leaki15"}})  # fmt: skip
    add(Allegation, id="leakm19", claimant={"name": "LEAKM21", "kind": "media"}, summary="LEAKM20",
        sensitivity="restricted", **claim)  # fmt: skip
    add(Allegation, id="a-answer", claimant={"name": "Ministry", "kind": "government"}, summary="A denial",
        responds_to="leaki34", **{**claim, "sites": ["open", "leaki01"]})  # fmt: skip
    add(Allegation, id="leaki44", claimant={"name": "Ministry", "kind": "government"}, summary="LEAKI45",
        **{**claim, "sites": ["leaki01"]})  # fmt: skip
    # Verifications: of a public report (who checked is withheld from the public, the notes and
    # the point found kept for the team and a mission), hidden ones by their own sensitivity, by
    # what they check, or by resting on hidden files only.
    check = {"checked_on": "2022-06-01", "checked_by": "tester", "result": "confirmed"}
    add(Verification, id="vf-open", subject_kind="report", subject="r-public", step="geolocation",
        method="landmark matching", location={"type": "Point", "coordinates": [46.246813, 39.432107]},
        notes="LEAKI67", recorded_by="LEAKM63", sources=[{"source": "src-public"}, {"source": "leaki15"}],
        **{**check, "checked_by": "LEAKM62"})  # fmt: skip
    add(Verification, id="leaki68", subject_kind="source", subject="src-public", step="source_identification",
        method="LEAKI69", sensitivity="confidential", **check)  # fmt: skip
    add(Verification, id="leakm64", subject_kind="source", subject="src-public", step="source_identification",
        method="LEAKM65", checked_by="LEAKM66", sensitivity="restricted",
        **{k: v for k, v in check.items() if k != "checked_by"})  # fmt: skip
    add(Verification, id="leaki70", subject_kind="source", subject="leaki15", step="content_verification",
        method="LEAKI71", **check)  # fmt: skip
    add(Verification, id="leaki72", subject_kind="report", subject="leaki25", step="chronolocation",
        method="LEAKI73", date_found="2022-01", **check)  # fmt: skip
    add(Verification, id="leaki74", subject_kind="evidence", subject=shown.file_sha256, step="technical_verification",
        method="LEAKI75", evidence=[secret.file_sha256], **check)  # fmt: skip
    add(Verification, id="leakm67", subject_kind="evidence", subject=of_restricted_source.file_sha256,
        step="technical_verification", method="LEAKM68", **check)  # fmt: skip
    add(Review, id="v-public", allegation="a-person", status="corroborated", standard="reasonable grounds",
        rationale="Seen", reviewer="LEAKM22", recorded_by="LEAKM23",
        relies_on=["r-public", "leaki25", "leakm16", "leaki15", "leaki44", "leaki29", secret.id,
                   of_secret_source.id, "leaki58", "leakm25", "leaki68", "leakm64"])  # fmt: skip
    add(Review, id="v-hidden", allegation="leaki34", status="disputed", standard="balance", rationale="LEAKI46",
        reviewer="LEAKI47", relies_on=["r-public"])  # fmt: skip
    return Catalogue.open(root), hidden_files, restricted_files


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, (args, result.output)


def invoke_ok(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def produce(catalogue: Catalogue, out: Path, audience: str) -> None:
    """Every output there is for this audience, made as a person would make it."""
    root = ["--catalogue", str(catalogue.root)]
    run(*root, "map", "--audience", audience, "-o", str(out / "map" / "map.html"))
    run(*root, "dossier", "--all", "--audience", audience, "-o", str(out / "dossiers"))
    run(*root, "dossier", "open", "--pdf", "--audience", audience, "-o", str(out / "pdf"))
    bbox = ["--bbox", "45,38,48,41"]
    run(*root, "mission", "export", "--name", "Leaks", *bbox, "--audience", audience, "-o", str(out / "pkg"),
        "--zip", "--no-pdf")  # fmt: skip
    # The map beside dossiers, as the package has it, with the changes between two dates too.
    run(*root, "map", "--audience", audience, "--changes", "2021-12-01", "2022-12-01", "-o", str(out / "changes.html"))
    # What the listings print for this audience, as tables and as JSON, and each record shown.
    listings = out / "listings"
    listings.mkdir()
    for kind in ("source", "report", "evidence", "allegation", "verification"):
        for form in ((), ("--json",)):
            printed = invoke_ok(*root, kind, "list", "--audience", audience, *form)
            (listings / f"{kind}-list{''.join(form)}.txt").write_text(printed, encoding="utf-8")
        shown = json.loads(invoke_ok(*root, kind, "list", "--audience", audience, "--json"))
        for number, record in enumerate(shown):  # files named by number: ids may hold markers
            printed = invoke_ok(*root, kind, "show", record["id"], "--audience", audience)
            (listings / f"{kind}-{number}.txt").write_text(printed, encoding="utf-8")
            if kind == "evidence":  # its chain of custody, as text and as JSON
                for form in ((), ("--json",)):
                    printed = invoke_ok(*root, "evidence", "custody", record["id"], "--audience", audience, *form)
                    (listings / f"custody-{number}{''.join(form)}.txt").write_text(printed, encoding="utf-8")


_DATA = re.compile(rb"base64,([A-Za-z0-9+/=]+)")
_PAYLOAD = re.compile(rb'data-encoding="gzip-base64">\s*([A-Za-z0-9+/=]+)')


class Haystack:
    """Everything an audience's outputs hold, as searchable text; and their images and points."""

    def __init__(self, folder: Path) -> None:
        self.parts: list[str] = []
        self.colours: set[tuple[int, int, int]] = set()  # of the JPEG thumbnails, as planted
        self.exif = 0  # EXIF tags carried by the images inside
        self.pdf_text = ""
        self.attached: list[str] = []  # the names of the PDFs' attachments (their records)
        self.gis: list[Any] = []  # the GeoPackages' points
        self.folder = folder
        self.names = [path.relative_to(folder).as_posix() for path in sorted(folder.rglob("*"))]
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self.add(path.read_bytes(), path.name)
        self.text = "\n".join([*self.parts, *self.names]).lower()

    def add(self, data: bytes, name: str) -> None:
        self.parts.append(name)
        self.parts.append(data.decode("utf-8", errors="ignore"))
        self.parts.append(data.decode("utf-16-le", errors="ignore") + data.decode("utf-16-be", errors="ignore"))
        if name.endswith((".zip", ".xlsx")):  # a workbook (the phone form) is a zip of XML files
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for entry in archive.namelist():
                    self.names.append(entry)
                    self.add(archive.read(entry), entry)
        if name.endswith(".pdf"):
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            self.pdf_text += "".join(page.extract_text() for page in reader.pages)
            self.parts.append(self.pdf_text)
            for attached, contents in reader.attachments.items():  # compressed in the file: read them out
                self.attached.append(attached)
                self.names.append(attached)
                for content in contents:
                    self.add(content, attached)
        if name.endswith(".gpkg"):  # its points are binary: read them as a GIS tool would
            with warnings.catch_warnings():  # read from memory, it has no .gpkg name: GDAL says so
                warnings.simplefilter("ignore", RuntimeWarning)
                layers = pyogrio.list_layers(io.BytesIO(data))
                frames = [pyogrio.read_dataframe(io.BytesIO(data), layer=layer) for layer, _ in layers]
            for frame in frames:  # every layer and table: sites, reports, sources, styles...
                self.parts.append(frame.to_csv())
                points = [g for g in frame.get("geometry", []) if g is not None and g.geom_type == "Point"]
                self.gis.extend(points)
                self.parts.append(" ".join(f"{p.x:.7f} {p.y:.7f}" for p in points))
        for found in _PAYLOAD.findall(data):
            self.parts.append(gzip.decompress(base64.b64decode(found)).decode("utf-8"))
        for found in _DATA.findall(data):
            self._image(base64.b64decode(found))

    def _image(self, data: bytes) -> None:
        from PIL import Image

        self.parts.append(data.decode("latin-1"))  # metadata carried inside an image
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != "JPEG":
                    return  # the map's own icons; photos reach an output as JPEG thumbnails
                self.colours |= {_near(colour) for _, colour in image.convert("RGB").getcolors(1 << 16) or []}
                self.exif += len(image.getexif())  # a photo's own position, camera, time
        except OSError:
            return  # not an image: a font


@dataclass
class Outputs:
    editions: dict[str, Haystack]
    hidden_files: list[str]  # the hidden evidence files' hashes and ids
    restricted_files: list[str]  # those hidden from the public only


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Outputs:
    tmp = tmp_path_factory.mktemp("leaks")
    catalogue, hidden_files, restricted_files = planted(tmp / "cat", tmp)
    for audience in AUDIENCES:
        produce(catalogue, tmp / audience, audience)
    return Outputs({audience: Haystack(tmp / audience) for audience in AUDIENCES}, hidden_files, restricted_files)


def markers(level: str) -> list[str]:
    """Every marker planted at this level (I: the team only; M: a mission too), from the module's
    own source, so that a marker added to the catalogue is looked for without another list."""
    text = Path(__file__).read_text(encoding="utf-8")
    return sorted({m.upper() for m in re.findall(rf"LEAK{level}\d\d", text, flags=re.IGNORECASE)})


def test_no_public_or_mission_output_holds_anything_hidden_from_it(outputs: Outputs) -> None:
    internal_only, mission_too = markers("I"), markers("M")
    assert len(internal_only) >= 50 and len(mission_too) >= 20
    hidden_everywhere = internal_only + CONFIDENTIAL_PLACES + OBSERVER_PLACES + outputs.hidden_files
    for_mission = mission_too + RESTRICTED_PLACES + outputs.restricted_files
    forbidden = {"mission": hidden_everywhere, "public": hidden_everywhere + for_mission}
    public, mission, internal = (outputs.editions[audience] for audience in AUDIENCES)
    for audience, strings in forbidden.items():
        edition = outputs.editions[audience]
        # No file (nor PDF attachment) is named after a hidden thing: a mission's PDFs carry records
        # named after what it may see (`report-leakm16.json`), never after what it may not.
        unnamed = "leak" if audience == "public" else "leaki"
        assert unnamed not in " ".join(edition.names).lower(), audience
        assert [s for s in strings if s.lower() in edition.text] == [], audience
        assert not set(HIDDEN_COLOURS) & edition.colours, audience
        assert (200, 30, 30) in edition.colours, audience  # the photo it may see is there
        assert edition.exif == 0, audience
    assert "a person (name withheld)" in public.pdf_text.lower()  # the PDF's text was read
    assert "site-open.geojson" in public.attached and "report-r-public.json" in public.attached  # and its records
    # The team's PDFs carry how records were checked and each file's custody after its intake.
    assert {name.split("-")[0] for name in internal.attached} >= {"verification", "custody", "evidence"}
    assert {(round(p.x, 6), round(p.y, 6)) for p in public.gis} == {(46.5, 39.5), (47.0, 39.7)}
    # The search can fail: the team's edition shows what is hidden from the others, the mission's
    # what is hidden from the public only.
    assert [m for m in internal_only + mission_too if m not in NOT_SHOWN and m.lower() not in internal.text] == []
    assert all(p.lower() in internal.text for p in CONFIDENTIAL_PLACES + RESTRICTED_PLACES + OBSERVER_PLACES[:2])
    assert {*HIDDEN_COLOURS, RESTRICTED_COLOUR} <= internal.colours
    assert [m for m in mission_too if m not in NOT_SHOWN and m.lower() not in mission.text] == []
    assert all(place in mission.text for place in RESTRICTED_PLACES + outputs.restricted_files[:1])
    assert RESTRICTED_COLOUR in mission.colours and RESTRICTED_COLOUR not in public.colours
    # Nor are hidden records counted: the package's table counts the claims each audience may see.
    for audience, count in (("public", "2"), ("mission", "3"), ("internal", "5")):
        with (outputs.editions[audience].folder / "pkg" / "data" / "gis" / "sites.csv").open(
            encoding="utf-8-sig"
        ) as table:
            assert {row["id"]: row["allegations"] for row in csv.DictReader(table)}["open"] == count, audience
    # Each says what it withheld, without naming it.
    assert "relies on r-public, and on records withheld from this edition" in public.text
    assert "relies on r-public, leakm16, leakm25, leakm64, and on records withheld from this edition" in mission.text
    for edition in (public, mission):
        assert "a person (name withheld)" in edition.text
        assert "answers an allegation withheld from this edition" in edition.text
    assert "(name withheld)" not in internal.text


def _near(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """A JPEG's colour as planted, within what the compression moves it."""
    for planted_colour in [*HIDDEN_COLOURS, RESTRICTED_COLOUR, (200, 30, 30)]:
        if all(abs(a - b) <= 12 for a, b in zip(colour, planted_colour, strict=True)):
            return planted_colour
    return colour


def test_the_public_map_names_no_person_who_made_a_claim(catalogue: Catalogue) -> None:
    from heritage.mapdata import build_payload, load_map_input

    claim = allegation_doc("a-person", claimant={"name": "Jane Witness", "kind": "person", "party": "side-a"})
    _record(catalogue, Allegation, claim)
    payloads = {
        audience: json.dumps(build_payload(load_map_input(catalogue, audience=audience), audience=audience))
        for audience in AUDIENCES
    }
    assert "Jane Witness" in payloads["internal"]
    for audience in ("public", "mission"):
        assert "Jane Witness" not in payloads[audience] and "a person (name withheld)" in payloads[audience]
        assert "Ministry A" in payloads[audience]  # a government is named as before


def test_a_map_links_only_to_dossiers_of_its_own_edition(catalogue: Catalogue, tmp_path: Path) -> None:
    from heritage.dossier import build_dossier
    from heritage.webmap import build_map

    build_dossier(catalogue, "st-sargis", tmp_path / "dossiers", audience="internal")
    for audience, linked in (("public", 0), ("mission", 0), ("internal", 1)):
        build_map(catalogue, tmp_path / "map.html", audience=audience)
        assert f'"dossier":[{linked}]' in (tmp_path / "map.html").read_text(encoding="utf-8"), audience
    with pytest.raises(InvalidInput, match="holds the internal edition of this dossier"):
        build_dossier(catalogue, "st-sargis", tmp_path / "dossiers", audience="public")
    (tmp_path / "dossiers" / "st-sargis.html").unlink()
    build_dossier(catalogue, "st-sargis", tmp_path / "dossiers", audience="public")
    build_map(catalogue, tmp_path / "map.html", audience="public")
    assert '"dossier":[1]' in (tmp_path / "map.html").read_text(encoding="utf-8")
    page = (tmp_path / "dossiers" / "st-sargis.html").read_text(encoding="utf-8")
    assert '<meta name="heritage-audience" content="public">' in page[:300]


def test_a_public_map_never_comes_to_link_a_dossier_of_another_edition(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    """The guide's sequence: public dossiers and a public map, then `heritage dossier SITE` (the
    mission edition, by default into the folder the map links to). Written over the public one, the
    mission dossier would be published with the public map: it is refused, and says where to go."""
    dossiers = tmp_path / "maps" / "dossiers"
    assert invoke("dossier", "--all", "--audience", "public", "-o", str(dossiers), catalogue=catalogue).exit_code == 0
    result = invoke("dossier", "st-sargis", "-o", str(dossiers), catalogue=catalogue)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "holds the public edition of this dossier; write the mission edition elsewhere" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert edition_of((dossiers / "st-sargis.html").read_bytes()) == "public"
    # The same edition is written over as before, and another edition elsewhere.
    assert (
        invoke("dossier", "st-sargis", "--audience", "public", "-o", str(dossiers), catalogue=catalogue).exit_code == 0
    )
    assert invoke("dossier", "st-sargis", "-o", str(tmp_path / "mission"), catalogue=catalogue).exit_code == 0


def test_a_report_resting_only_on_hidden_sources_is_hidden_with_them(
    catalogue: Catalogue, invoke: Invoke, tmp_path: Path
) -> None:
    """A report citing only a confidential testimony says what the witness said: its notes and its
    condition are hidden with the testimony wherever the testimony is, and the site's condition is
    the same on the map, in the dossier and in the package's table. A report citing a visible
    source too is shown, citing that one only."""
    from heritage.dossier import dossier_context, render_dossier
    from heritage.mapdata import build_payload, encode_payload, load_map_input

    witness = [{"source": "src-witness"}]
    _record(catalogue, Source, source_doc("src-witness", kind="testimony", sensitivity="confidential"))
    _record(catalogue, ConditionReport, report_doc("r-witness", observed="2023-02-01", condition="altered",
                                                   notes="WITNESSACCOUNT", sources=witness))  # fmt: skip
    _record(catalogue, ConditionReport, report_doc("r-both", observed="2021-11-01", notes="BOTHSOURCES",
                                                   sources=[{"source": "src-chw"}, *witness]))  # fmt: skip
    review = {"id": "v-1", "allegation": "a-1", "status": "corroborated", "rationale": "Seen", "standard": "balance"}
    _record(catalogue, Review, {**review, "reviewer": "rv", "relies_on": ["r-2", "r-witness"]})
    for audience, condition in (("public", "destroyed"), ("mission", "destroyed"), ("internal", "altered")):
        page = render_dossier(dossier_context(catalogue, "st-sargis", audience))
        assert ("WITNESSACCOUNT" in page) is ("r-witness" in page) is (audience == "internal"), audience
        assert "BOTHSOURCES" in page
        assert ("src-witness" in page) is (audience == "internal"), audience
        text, _ = encode_payload(build_payload(load_map_input(catalogue, audience=audience), audience=audience))
        page = json.loads(text)
        latest = page["sites"]["hist"][page["sites"]["id"].index("st-sargis")][-1]
        assert page["vocab"]["condition"][latest[2]][0] == condition, audience
        out = tmp_path / audience
        args = ("mission", "export", "--name", "x", "--sites", "st-sargis", "--audience", audience, "--no-pdf")
        assert invoke(*args, "-o", str(out), catalogue=catalogue).exit_code == 0
        with (out / "data" / "gis" / "sites.csv").open(encoding="utf-8-sig") as table:
            assert [row["condition"] for row in csv.DictReader(table)] == [condition], audience


def test_a_dossier_never_names_a_hidden_record_by_id(catalogue: Catalogue) -> None:
    from heritage.dossier import dossier_context, render_dossier

    _record(catalogue, Source, source_doc("src-secret", sensitivity="confidential"))
    _record(catalogue, ConditionReport, report_doc("r-secret", sensitivity="confidential"))
    _record(catalogue, Allegation, allegation_doc("a-secret", sensitivity="confidential"))
    _record(catalogue, Allegation, allegation_doc("a-denial", responds_to="a-1"))
    _record(catalogue, Allegation, allegation_doc("a-reply", responds_to="a-secret"))
    _record(catalogue, Allegation, allegation_doc("a-counter", responds_to="a-1", source={"source": "src-secret"}))
    review = {"id": "v-1", "allegation": "a-1", "status": "corroborated", "standard": "reasonable grounds"}
    _record(
        catalogue,
        Review,
        {**review, "rationale": "Seen", "reviewer": "rv", "relies_on": ["r-2", "r-secret", "a-secret"]},
    )
    pages = {audience: render_dossier(dossier_context(catalogue, "st-sargis", audience)) for audience in AUDIENCES}
    for hidden in ("r-secret", "a-secret", "a-counter", "src-secret"):
        assert hidden in pages["internal"]
    for audience in ("public", "mission"):
        page = pages[audience]
        assert not [i for i in ("r-secret", "a-secret", "a-counter", "src-secret") if i in page], audience
        assert "answers an allegation withheld from this edition" in page
        assert "answered by a-denial, and by allegations withheld from this edition" in page
        assert "Relies on r-2, and on records withheld from this edition." in page
    assert "withheld" not in pages["internal"]


def test_the_public_reads_no_login_name_even_where_no_page_shows_it() -> None:
    """Records as the public may see them carry no login: not who recorded them, nor who migrated
    them (a page that starts showing either shows nothing)."""
    from heritage.audience import WITHHELD_LOGIN, report_for

    report = from_document(ConditionReport, report_doc(migrated={"at": NOW, "by": "importer"}, recorded_by="me"))
    public, mission = (report_for(report, audience, {"src-chw"}) for audience in ("public", "mission"))
    assert public is not None and public.migrated is not None and mission is not None
    assert (public.recorded_by, public.migrated.by) == (WITHHELD_LOGIN, WITHHELD_LOGIN)
    assert mission.migrated == report.migrated and mission.recorded_by == "me"

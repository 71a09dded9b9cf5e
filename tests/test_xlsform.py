"""The phone form: an XLSForm that pyxform converts without a warning, asking every question of
`heritage.fieldform`, with our own values, in every language of the sites' names, and showing
every site name as written however hostile."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import REPO, site_doc
from heritage.codec import decode
from heritage.fieldform import FORM_ID, NOT_LISTED, PHOTOS, QUESTIONS, VOCABULARIES
from heritage.models import Site
from heritage.models.labels import vocabularies
from heritage.store import Catalogue
from heritage.xlsform import form_sheets, plain_label, write_xlsform

NS = {"h": "http://www.w3.org/1999/xhtml", "x": "http://www.w3.org/2002/xforms"}
JR_TEMPLATE = "{http://openrosa.org/javarosa}template"


class XForm:
    """The XForm pyxform makes of a workbook, read as ODK Collect reads it."""

    def __init__(self, path: Path) -> None:
        from pyxform.xls2xform import convert

        self.warnings: list[str] = []
        self.xml = convert(xlsform=str(path), warnings=self.warnings).xform
        self.root = ET.fromstring(self.xml)
        self.model = self.root.find("h:head/x:model", NS)
        assert self.model is not None

    def title(self) -> str:
        return self.root.findtext("h:head/h:title", "", NS)

    def data(self) -> ET.Element:
        found = self.model.find("x:instance/x:data", NS)
        assert found is not None
        return found

    def languages(self) -> list[str]:
        return [t.attrib["lang"] for t in self.model.findall("x:itext/x:translation", NS)]

    def text(self, lang: str, text_id: str) -> ET.Element:
        found = self.model.find(f"x:itext/x:translation[@lang='{lang}']/x:text[@id='{text_id}']/x:value", NS)
        assert found is not None, (lang, text_id)
        return found

    def choices(self, list_name: str) -> list[tuple[str, str]]:
        """(name, itext id) of each item of a choice list."""
        items = self.model.findall(f"x:instance[@id='{list_name}']/x:root/x:item", NS)
        return [(item.findtext("x:name", "", NS), item.findtext("x:itextId", "", NS)) for item in items]


def collect_shows(label: str) -> str:
    """What ODK Collect shows of a label: its Markdown reader (HtmlUtils.markdownToHtml in
    getodk/collect, its rules restated here), then Android's HTML reader, which decodes character
    references and obeys tags. Fails if the label would make any markup at all."""
    text = re.sub(r"<([^a-zA-Z/])", r"&lt;\1", label)
    assert not re.search(r"<\s?span", text), label
    for escaped, reference in ((r"\#", "&#35;"), ("\\\\", "&#92;"), (r"\_", "&#95;"), (r"\*", "&#42;")):
        text = text.replace(escaped, reference)
    for markup in (
        r"__(.*?)__",
        r"\*\*(.*?)\*\*",
        r"_([^\s][^_\n]*)_",
        r"\*([^\s][^\*\n]*)\*",
        r"\[([^\]]*)\]\(([^\)]+)\)",
    ):
        assert not re.search(markup, text, re.S), (label, markup)
    assert not re.match(r"#+", text), label  # a heading
    assert not re.search(r"<[a-zA-Z/]", text), label  # a tag Android would obey
    for reference, character in (("&#35;", "#"), ("&#42;", "*"), ("&#95;", "_"), ("&#92;", "\\")):
        text = text.replace(reference, character)
    return html.unescape(text)


def make_site(site_id: str, *names: tuple[str, str], **properties: object) -> Site:
    document = site_doc(site_id, names=[{"lang": lang, "text": text} for lang, text in names], **properties)
    return decode(Site, json.dumps(document).encode())


@pytest.fixture(scope="module")
def sample_form(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalogue, XForm]:
    catalogue = Catalogue.open(REPO)
    path = write_xlsform(catalogue, catalogue.sites(), tmp_path_factory.mktemp("form") / "condition.xlsx")
    return catalogue, XForm(path)


def test_the_sample_form_converts_without_a_warning(sample_form: tuple[Catalogue, XForm]) -> None:
    _, form = sample_form
    assert form.warnings == []
    assert form.data().attrib["id"] == FORM_ID and re.fullmatch(r"[0-9a-f]{12}", form.data().attrib["version"])
    assert form.languages() == ["English (en)", "Azerbaijani (az)", "Armenian (hy)", "Russian (ru)"]


def test_every_question_is_in_the_instance_with_the_photos_as_a_repeat(sample_form: tuple[Catalogue, XForm]) -> None:
    _, form = sample_form
    data = form.data()
    top = {child.tag.split("}")[1] for child in data}
    assert {q.name for q in QUESTIONS if not q.repeat} | {"start", "end", "deviceid", PHOTOS, "meta"} == top
    template = data.find(f"x:{PHOTOS}", NS)
    assert template is not None and template.attrib.get(JR_TEMPLATE) == ""
    assert [child.tag.split("}")[1] for child in template] == [q.name for q in QUESTIONS if q.repeat == PHOTOS]
    body = form.root.find("h:body", NS)
    assert body is not None and body.find(f".//x:repeat[@nodeset='/data/{PHOTOS}']", NS) is not None
    photo = form.model.find(f"x:bind[@nodeset='/data/{PHOTOS}/photo']", NS)
    assert photo is not None and photo.attrib["{http://openrosa.org/xforms}max-pixels"] == "8000"


def test_the_site_list_holds_every_site_and_a_site_not_listed(sample_form: tuple[Catalogue, XForm]) -> None:
    catalogue, form = sample_form
    names = [name for name, _ in form.choices("sites")]
    assert names == [s.id for s in catalogue.sites()] + [NOT_LISTED]
    dadivank = dict(form.choices("sites"))["dadivank"]
    english = form.text("English (en)", dadivank).text or ""
    armenian = form.text("Armenian (hy)", dadivank).text or ""
    assert english.startswith("Dadivank Monastery") and "Դադիվանք" in english  # every name, English first
    assert armenian.startswith("Դադիվանք") and "Dadivank Monastery" in armenian
    not_listed = dict(form.choices("sites"))[NOT_LISTED]
    assert form.text("Russian (ru)", not_listed).text == "Объекта нет в списке"
    assert form.text("Armenian (hy)", not_listed).text == "A site not on the list"  # no Armenian given


def test_each_vocabulary_holds_exactly_our_values(sample_form: tuple[Catalogue, XForm]) -> None:
    _, form = sample_form
    for vocabulary in VOCABULARIES:
        info, labels = vocabularies()[vocabulary]
        assert [name for name, _ in form.choices(vocabulary)] == list(info.values)
        for value, text_id in form.choices(vocabulary):
            assert form.text("English (en)", text_id).text == labels[value]
    selects = {q.name: q.choices for q in QUESTIONS if q.kind.startswith("select")}
    body = form.root.find("h:body", NS)
    assert body is not None
    for name, list_name in selects.items():
        control = body.find(f".//*[@ref='/data/{name}']/x:itemset", NS)
        assert control is not None and control.attrib["nodeset"] == f"instance('{list_name}')/root/item"


def test_russian_labels_come_from_the_catalogue_and_others_fall_back_to_english(
    sample_form: tuple[Catalogue, XForm],
) -> None:
    catalogue, form = sample_form
    russian = catalogue.info.translations["ru"]
    assert form.text("Russian (ru)", "/data/condition:label").text == russian["form.condition"]
    assert form.text("Russian (ru)", "/data/damage_effects:hint").text == russian["form.damage_effects.hint"]
    intact = dict(form.choices("condition"))["intact"]
    assert form.text("Russian (ru)", intact).text == russian["condition.intact"]
    assert form.text("Azerbaijani (az)", "/data/condition:label").text == "Condition of the site"


def test_the_form_is_built_only_of_sites_the_audience_may_see(tmp_path: Path, catalogue: Catalogue) -> None:
    catalogue.add_site(make_site("hidden", ("en", "Hidden chapel"), sensitivity="confidential"))
    path = write_xlsform(catalogue, catalogue.sites(), tmp_path / "f.xlsx", audience="mission")
    form = XForm(path)
    assert [name for name, _ in form.choices("sites")] == ["st-sargis", NOT_LISTED]
    assert "Hidden chapel" not in form.xml and "hidden" not in form.xml.split("<h:body>")[0].split("itext")[0]


def test_script_and_region_variants_read_with_their_language(catalogue: Catalogue) -> None:
    site = make_site("x", ("en", "Church"), ("hy-Latn", "Surb Hovhannes"), ("hy", "Սուրբ Հովհաննես"))
    sheets = form_sheets(catalogue.info, [site])
    header = sheets.choices[0]
    assert header == ["list_name", "name", "label::English (en)", "label::Armenian (hy)"]
    assert sheets.choices[1][3] == "Սուրբ Հովհաննես · Surb Hovhannes · Church"


def test_the_version_changes_with_what_the_phone_shows(catalogue: Catalogue) -> None:
    one = make_site("one", ("en", "One"))
    two = make_site("two", ("en", "Two"))
    version = lambda sites: form_sheets(catalogue.info, sites).settings[1][2]  # noqa: E731
    assert version([one]) == version([one]) != version([one, two])


HOSTILE = [
    "${site}",
    "${nothing_here} and ${visit_date}",
    "*bold* **strong** _it_ __under__ \\*",
    "# Heading",
    '<span style="color:red">red</span>',
    "<b>bold</b> <img src=x onerror=alert(1)> </script>",
    "[click](https://example.org)",
    '=HYPERLINK("https://example.org","x")',
    "&amp; &#36; &lt; & fish",
    "back\\slash\\\\ and \\# and \\_",
    'Tom\'s "quoted" name',
]


def test_hostile_names_convert_and_show_as_written(tmp_path: Path, catalogue: Catalogue) -> None:
    sites = [make_site(f"h{n}", ("en", text), ("ru", f"{text} ru")) for n, text in enumerate(HOSTILE)]
    catalogue.info.translations["ru"] = {"form.condition": "${site} *Состояние*", "condition.intact": "<b>Цел</b>"}
    path = write_xlsform(catalogue, sites, tmp_path / "f.xlsx", title="Mission ${site} <b>x</b>")
    form = XForm(path)
    assert form.warnings == []
    assert form.title() == "Mission ${site} <b>x</b>"  # form lists show a title as plain text
    assert "<output" not in form.xml and "<b>" not in form.xml and "<span" not in form.xml
    for site, (name, text_id) in zip(sites, form.choices("sites"), strict=False):
        assert name == site.id
        shown = collect_shows(form.text("English (en)", text_id).text or "")
        assert shown == f"{site.names[0].text} · {site.names[1].text}"
    assert collect_shows(form.text("Russian (ru)", "/data/condition:label").text or "") == "${site} *Состояние*"
    book = load_workbook(path)
    cell = book["choices"]["C9"]  # the =HYPERLINK name: text, never a formula
    assert cell.value.startswith(HOSTILE[7]) and cell.data_type == "s"


@given(st.text(alphabet=st.sampled_from("ab #*_\\<>&$;{}[]()/!`=.:"), max_size=40))
def test_any_text_shows_as_written_in_collect(text: str) -> None:
    assert collect_shows(plain_label(text)) == text


def test_plain_text_is_left_as_it_is() -> None:
    for text in ("Gandzasar Monastery", "Սուրբ Ամենափրկիչ", "Ağdam məscidi", "St John & St Mary", "1-10% of the site"):
        assert plain_label(text) == text

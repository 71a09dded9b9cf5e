"""The phone form as an XLSForm: the workbook that ODK Central, KoboToolbox and ODK Collect load.

`form_sheets` builds the three sheets as rows of text from `heritage.fieldform` (the questions and
their vocabularies), the sites and the catalogue's translations; `write_xlsform` writes them.
Building is apart from writing so that the rows can be checked without a file.

Labels are shown by ODK Collect (and KoboCollect, its fork) through a small Markdown and HTML
reader, and pyxform reads `${name}` in any label as a reference to an answer. Site names and
translations are catalogue text, so every label goes through `plain_label`, which leaves them to
be shown as written: never as emphasis, a heading, a link, a tag or another answer's value.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from heritage.atomic import replace_file
from heritage.audience import site_for
from heritage.collector import paused_gc
from heritage.fieldform import FORM_ID, METADATA, NOT_LISTED, PHOTOS, QUESTIONS, SITES, VOCABULARIES, Question
from heritage.models import Site
from heritage.models.catalogue_info import CatalogueInfo
from heritage.models.labels import vocabularies
from heritage.store import Catalogue

ENGLISH = "en"
FORM_FILE = "condition.xlsx"  # its name in a mission package's forms/
NOT_LISTED_LABEL = "A site not on the list"
PHOTOS_LABEL = "Photos"
PHOTO_PIXELS = 8000
"""The longest side, in pixels, that Collect may scale a photo down to. Evidence wants the photo
as taken: Collect scales only a larger photo (keeping its EXIF dates and GPS), so a phone's usual
12 to 48 megapixel photos stay as they are; and a form's limit overrides the phone's own "image
size" setting, which could otherwise shrink every photo to 640-3072 pixels (ODK Collect's
ImageCompressionController). pyxform asks every image question for a limit."""


def choices_of(vocabulary: str) -> list[tuple[str, str]]:
    """A vocabulary's values with their English labels, in the order every list of the tool shows
    them (`heritage.models.labels.vocabularies`, which `heritage vocab` shows too)."""
    _, labels = vocabularies()[vocabulary]
    return list(labels.items())


LANGUAGE_NAMES = {
    "am": "Amharic", "ar": "Arabic", "az": "Azerbaijani", "ba": "Bashkir", "be": "Belarusian",
    "bg": "Bulgarian", "bs": "Bosnian", "ckb": "Central Kurdish", "cs": "Czech", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fa": "Persian", "fr": "French", "he": "Hebrew",
    "hr": "Croatian", "hy": "Armenian", "hyw": "Western Armenian", "it": "Italian", "ka": "Georgian",
    "kk": "Kazakh", "ku": "Kurdish", "ky": "Kyrgyz", "lez": "Lezghian", "pl": "Polish", "prs": "Dari",
    "ps": "Pashto", "ro": "Romanian", "ru": "Russian", "sd": "Sindhi", "so": "Somali", "sq": "Albanian",
    "sr": "Serbian", "sw": "Swahili", "syc": "Classical Syriac", "syr": "Syriac", "ti": "Tigrinya",
    "tk": "Turkmen", "tr": "Turkish", "tt": "Tatar", "udi": "Udi", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "yi": "Yiddish", "zh": "Chinese",
}  # fmt: skip
"""English names for the header of a language's columns; a language not here is named by its tag."""


@dataclass
class Sheets:
    """The XLSForm's three sheets, each a header row and then rows of text."""

    survey: list[list[str]]
    choices: list[list[str]]
    settings: list[list[str]]


# What ODK Collect's label reader treats as markup (backslash escapes for Markdown, character
# references for HTML, read back by Android's HTML reader), and pyxform's `${` reference.
_MARKUP = re.compile(r"[\\*_#<]|&(?=[#A-Za-z])|\$(?=\{)|(?<=\])\(")
_NEUTRAL = {"\\": "\\\\", "*": "\\*", "_": "\\_", "#": "\\#", "<": "&lt;", "&": "&amp;", "$": "&#36;", "(": "&#40;"}


def plain_label(text: str) -> str:
    """`text` as a label that Collect shows exactly as written: Markdown emphasis, headings and
    escapes (`* _ # \\`), links (`](`), tags and character references (`<`, `&`) and pyxform's
    references (`${`) each neutralised, and nothing else touched."""
    return _MARKUP.sub(lambda match: _NEUTRAL[match.group()], text)


def primary_language(tag: str) -> str:
    """The language of a BCP 47 tag without its script, region or variant: `hy-Latn` -> `hy`."""
    return tag.split("-", 1)[0]


def form_languages(info: CatalogueInfo, sites: Iterable[Site]) -> list[str]:
    """English, then every language the sites' names or the catalogue's translations use.

    One column per language, not per tag: an Armenian name written in Latin letters (`hy-Latn`) is
    read by whoever reads the Armenian labels, a team picks a language on the phone rather than a
    script, and pyxform accepts only a bare IANA language subtag in a column's header."""
    found = {primary_language(name.lang) for site in sites for name in site.names}
    found |= {primary_language(tag) for tag in info.translations}
    return [ENGLISH, *sorted(found - {ENGLISH})]


def column_name(lang: str) -> str:
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def _translations(info: CatalogueInfo, lang: str) -> dict[str, str]:
    """The catalogue's labels for a language: under its own tag, or under a tag of it with a
    script or region (`sr-Latn`) when the catalogue has only that."""
    if lang in info.translations:
        return info.translations[lang]
    variants = sorted(tag for tag in info.translations if primary_language(tag) == lang)
    return info.translations[variants[0]] if variants else {}


def site_label(site: Site, lang: str) -> str:
    """Every name of the site, so that a search in any script finds it: first those in `lang`,
    then in `lang` written otherwise (`hy-Latn` after `hy`), then the rest; its areas after them,
    to tell apart two sites of one name."""

    def rank(tag: str) -> int:
        return 0 if tag == lang else 1 if primary_language(tag) == lang else 2

    names = [n.text for n in sorted(site.names, key=lambda n: rank(n.lang))]
    text = " · ".join(dict.fromkeys(names))
    return f"{text} ({', '.join(site.areas)})" if site.areas else text


def _localised(english: str, key: str, languages: Sequence[str], words: dict[str, dict[str, str]]) -> list[str]:
    """A label in every language: the catalogue's translation where it has one, else English."""
    return [plain_label(words[lang].get(key, english) if lang != ENGLISH else english) for lang in languages]


def _question_row(question: Question, languages: Sequence[str], words: dict[str, dict[str, str]]) -> list[str]:
    kind = f"{question.kind} {question.choices}" if question.choices else question.kind
    key = f"form.{question.name}"
    hints = _localised(question.hint, f"{key}.hint", languages, words) if question.hint else [""] * len(languages)
    return [
        kind,
        question.name,
        *_localised(question.label, key, languages, words),
        *hints,
        "yes" if question.required else "",
        question.relevant,
        question.default,
        question.appearance,
        f"max-pixels={PHOTO_PIXELS}" if question.kind == "image" else "",
    ]


def translation_keys() -> dict[str, str]:
    """Every label the form shows but a site's name, by its key in `translations`, in English."""
    keys: dict[str, str] = {}
    for question in QUESTIONS:
        if question.repeat and f"form.{question.repeat}" not in keys:
            keys[f"form.{question.repeat}"] = PHOTOS_LABEL
        keys[f"form.{question.name}"] = question.label
        if question.hint:
            keys[f"form.{question.name}.hint"] = question.hint
    keys[f"{SITES}.{NOT_LISTED}"] = NOT_LISTED_LABEL
    for vocabulary in VOCABULARIES:
        keys.update({f"{vocabulary}.{value}": english for value, english in choices_of(vocabulary)})
    return keys


def translation_template(info: CatalogueInfo, lang: str) -> dict[str, str]:
    """Every key with the catalogue's translation into `lang` where it has one, else the English
    to translate: a block to fill in and put under `translations` in catalogue.json."""
    known = info.translations.get(lang, {})
    return {key: known.get(key, english) for key, english in translation_keys().items()}


def survey_rows(languages: Sequence[str], words: dict[str, dict[str, str]]) -> list[list[str]]:
    header = [
        "type",
        "name",
        *(f"label::{column_name(lang)}" for lang in languages),
        *(f"hint::{column_name(lang)}" for lang in languages),
        "required",
        "relevant",
        "default",
        "appearance",
        "parameters",
    ]
    blank = [""] * (len(header) - 2)
    rows = [header, *([kind, kind, *blank] for kind in METADATA)]
    in_repeat = False
    for question in QUESTIONS:
        if question.repeat and not in_repeat:
            photos = _localised(PHOTOS_LABEL, f"form.{PHOTOS}", languages, words)
            rows.append(["begin_repeat", PHOTOS, *photos, *blank[len(languages) :]])
        elif in_repeat and not question.repeat:
            rows.append(["end_repeat", "", *blank])
        in_repeat = bool(question.repeat)
        rows.append(_question_row(question, languages, words))
    if in_repeat:
        rows.append(["end_repeat", "", *blank])
    return rows


def choice_rows(sites: Sequence[Site], languages: Sequence[str], words: dict[str, dict[str, str]]) -> list[list[str]]:
    rows = [["list_name", "name", *(f"label::{column_name(lang)}" for lang in languages)]]
    rows += [[SITES, site.id, *(plain_label(site_label(site, lang)) for lang in languages)] for site in sites]
    rows.append([SITES, NOT_LISTED, *_localised(NOT_LISTED_LABEL, f"{SITES}.{NOT_LISTED}", languages, words)])
    for vocabulary in VOCABULARIES:
        for value, english in choices_of(vocabulary):
            rows.append([vocabulary, value, *_localised(english, f"{vocabulary}.{value}", languages, words)])
    return rows


def form_sheets(info: CatalogueInfo, sites: Sequence[Site], title: str | None = None) -> Sheets:
    """The XLSForm's rows for these sites (already as the form's audience may see them)."""
    languages = form_languages(info, sites)
    words = {lang: _translations(info, lang) for lang in languages}
    survey = survey_rows(languages, words)
    choices = choice_rows(sites, languages, words)
    # A new version whenever anything a phone shows changes (a site added, a label translated),
    # and the same one for the same form: Central takes a new version, and refuses a repeated one.
    digest = hashlib.sha256(json.dumps([survey, choices, title], ensure_ascii=False).encode("utf-8"))
    shown = f"if(${{site}} = '{NOT_LISTED}', ${{new_site_name}}, ${{site}})"
    settings = [
        ["form_title", "form_id", "version", "default_language", "instance_name"],
        [
            title or info.name,  # a plain text line in the form lists, not a label: no Markdown there
            FORM_ID,
            digest.hexdigest()[:12],
            column_name(ENGLISH),
            f"concat({shown}, ' ', ${{visit_date}})",
        ],
    ]
    return Sheets(survey, choices, settings)


def xlsx_bytes(sheets: Sheets) -> bytes:
    """The workbook's bytes, written row by row (openpyxl's write-only mode keeps 100,000 sites
    quick and small in memory). Every cell is text: a name that begins with `=` stays a name and
    never becomes a formula, in pyxform or in a spreadsheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for title, rows in (("survey", sheets.survey), ("choices", sheets.choices), ("settings", sheets.settings)):
        sheet = book.create_sheet(title)
        for row in rows:
            cells: list[object] = []
            for value in row:
                if value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value or None)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsform(
    catalogue: Catalogue, sites: Iterable[Site], path: Path, *, audience: str = "mission", title: str | None = None
) -> Path:
    """Write the phone form for `sites` (each as `audience` may see it; the others left out) to
    `path`, whole or not at all."""
    replace_file(path, xlsform_bytes(catalogue, sites, audience=audience, title=title))
    return path


def xlsform_bytes(
    catalogue: Catalogue, sites: Iterable[Site], *, audience: str = "mission", title: str | None = None
) -> bytes:
    """The .xlsx bytes `write_xlsform` writes (for `form xlsform -o -`)."""
    with paused_gc():  # a million small cells and no cycles: 100,000 sites in 14 s, not 16
        shown = [visible for site in sites if (visible := site_for(site, audience)) is not None]
        return xlsx_bytes(form_sheets(catalogue.info, shown, title))

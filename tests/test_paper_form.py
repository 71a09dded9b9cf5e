"""The printable condition form: it asks what the phone form asks, in the same order and words,
and shows a site's name as text, as a person sees it in Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import site_doc
from heritage.browser import watch
from heritage.codec import decode
from heritage.fieldform import PHOTOS, QUESTIONS
from heritage.forms import ON_THE_SHEET, WHEN, paper_questions, write_form
from heritage.models import Site
from heritage.store import Catalogue

HOSTILE = '<img src=x onerror="document.title=1">${site} *x* <script>alert(1)</script>'


def test_the_paper_asks_the_phone_form_questions_in_order() -> None:
    names = []
    for question in paper_questions():
        names += [part.name for part in question.parts] if question.kind == PHOTOS else [question.name]
    assert names == [q.name for q in QUESTIONS if q.name not in ON_THE_SHEET]
    relevant = {q.relevant for q in QUESTIONS if q.relevant and q.name not in ON_THE_SHEET}
    assert relevant <= set(WHEN)  # every "only if" is in words on paper


def test_a_person_sees_the_questions_and_the_name_as_written(
    browser: Any, catalogue: Catalogue, tmp_path: Path
) -> None:
    document = site_doc("hostile", names=[{"lang": "en", "text": HOSTILE}, {"lang": "hy", "text": "Սուրբ Սարգիս"}])
    catalogue.add_site(decode(Site, json.dumps(document).encode()))
    path = write_form(catalogue, catalogue.site("hostile"), tmp_path / "forms")
    page = browser.new_page()
    log = watch(page)
    page.goto(path.resolve().as_uri())
    assert page.inner_text("h1") == HOSTILE
    assert page.locator("img").count() == 0 and page.locator("body script").count() == 0
    assert page.title() == f"Condition form — {HOSTILE}" and log.dialogs == []
    legends = page.locator("fieldset > legend").all_inner_texts()
    expected = [q.label for q in QUESTIONS if q.name not in ON_THE_SHEET and not q.repeat]
    expected.insert([q.name for q in QUESTIONS if q.name not in ON_THE_SHEET].index("photo"), "Photos")
    assert [text.rstrip(" *").lower() for text in legends] == [text.lower() for text in expected]
    access = page.locator("[data-question=access]")
    assert "Refused: turned away by whoever holds the site" in access.inner_text()
    reason = page.locator("[data-question=access_reason]").inner_text()
    assert "Only if access was not full." in reason
    photos = page.locator("[data-question=photos]")
    assert photos.locator("th").all_inner_texts()[1].startswith("What the photo shows")
    assert photos.locator("tbody tr").count() == 8
    position = page.locator("[data-question=position]").inner_text()
    assert "Latitude" in position and "accuracy" in position
    page.close()

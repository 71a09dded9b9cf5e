"""A printable blank condition form per site, for field teams without phones.

The paper asks what the phone form asks (`heritage.fieldform.QUESTIONS`), in the same order and
words, so that an answer on paper and one from a phone mean the same and are typed in the same
way. Only the site questions are left out: each sheet is printed for one site.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from heritage.audience import may_see, report_for
from heritage.fieldform import PHOTOS, QUESTIONS, Question
from heritage.history import condition_as_of
from heritage.models import Site
from heritage.models.base import utc_today
from heritage.palette import condition_label
from heritage.store import Catalogue
from heritage.xlsform import PHOTOS_LABEL, choices_of

ON_THE_SHEET = ("site", "new_site_name", "new_site_position")
"""The phone's questions that a sheet printed for one site answers itself."""

PHOTO_LINES = 8

WHEN: dict[str, str] = {
    "${access} != 'full'": "Only if access was not full.",
    "${condition} != 'intact'": "Only if the site is not intact.",
}
"""The phone form's relevance rules, in words for the paper."""


@dataclass
class PaperQuestion:
    name: str
    kind: str
    label: str
    hint: str
    required: bool
    when: str
    lines: int = 1
    choices: list[tuple[str, str]] = field(default_factory=list)
    parts: list[PaperQuestion] = field(default_factory=list)  # a repeat's questions: a table's columns


def paper_question(question: Question) -> PaperQuestion:
    choices = choices_of(question.choices) if question.kind.startswith("select") else []
    return PaperQuestion(
        name=question.name,
        kind=question.kind,
        label=question.label,
        hint=question.hint,
        required=question.required,
        when=WHEN.get(question.relevant, ""),
        lines=5 if question.appearance == "multiline" else 1,
        choices=choices,
    )


def paper_questions() -> list[PaperQuestion]:
    """The questions of the sheet in the phone form's order; the photos repeat as one question
    whose parts are a table's columns, one row per photo."""
    asked: list[PaperQuestion] = []
    for question in QUESTIONS:
        if question.name in ON_THE_SHEET:
            continue
        if question.repeat == PHOTOS:
            if not asked or asked[-1].kind != PHOTOS:
                asked.append(PaperQuestion(PHOTOS, PHOTOS, PHOTOS_LABEL, "", False, "", lines=PHOTO_LINES))
            asked[-1].parts.append(paper_question(question))
        else:
            asked.append(paper_question(question))
    return asked


def write_form(
    catalogue: Catalogue,
    site: Site,
    folder: Path,
    audience: str = "mission",
    package: str = "",
    sources: Container[str] | None = None,
) -> Path:
    """The form for `site`, its last condition as this audience may see it (`sources`: the ids of
    the sources it may see, if already known)."""
    from heritage.dossier import _environment

    if sources is None:
        sources = {s.id for s in catalogue.sources() if may_see(s.sensitivity, audience)}
    reports = [shown for r in catalogue.reports(site.id) if (shown := report_for(r, audience, sources)) is not None]
    retracted = {r.retracts for r in catalogue.retractions(site.id)}
    current = condition_as_of(reports, utc_today(), retracted)
    last = f"{condition_label(current.condition, current.certainty)} ({current.observed})" if current else "no report"
    page = (
        _environment()
        .get_template("form.html")
        .render(
            site=site,
            audience=audience,
            package=package or catalogue.info.name,
            point=site.geometry.representative if site.geometry else None,
            last_condition=last,
            questions=paper_questions(),
        )
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{site.id}.html"
    path.write_text(page, encoding="utf-8")
    return path

"""A submission's answers read by the form's own names (`heritage.fieldform`), as the XForm
instance writes them, into one `Visit`: every bad answer noted, not raised, so that one
submission shows all it has wrong.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from heritage.fieldform import METADATA, NOT_LISTED, QUESTIONS, Question
from heritage.importing.problems import RowProblem
from heritage.models.vocab import Access, Certainty, Condition, DamageCause, DamageEffect, DamageExtent

E = TypeVar("E", bound=StrEnum)

FORM_FIX = (
    "the form built by `heritage form xlsform` requires it: a form saved as a draft on the phone has empty "
    "answers, so finalise it in Collect and copy it again, or leave its folder out; otherwise check that "
    "the submissions are of that form (and, from KoboToolbox, exported with XML values and headers)"
)
DATE_FIX = "ODK writes a date as YYYY-MM-DD (2026-11-20): correct the answer, or export the submissions with XML values"
EARLIEST_VISIT = date(2000, 1, 1)
"""No phone form was filled before this: an earlier visit date is a phone's unset clock, not a visit."""
CLOCK_FIX = "correct the visit date to the day of the visit (edit the submission), and set the phone's clock"
TIME_FIX = "ODK writes a time as HH:MM:SS.sss+hh:mm (10:15:00.000+04:00): correct the answer, or leave it empty"
NO_FIX = "record the position again on the phone (edit the submission), or leave the answer empty where it is optional"
GEOPOINT_FIX = "ODK writes a position as 'latitude longitude altitude accuracy', e.g. '39.757 46.751 1420 4.5'"


@dataclass(frozen=True)
class Fix:
    """A GPS position as the phone gave it."""

    lon: float
    lat: float
    accuracy_m: float | None  # None: the phone gave none (0 is what ODK writes for a point placed by hand)


@dataclass
class Visit:
    """One submission's answers, typed."""

    site: str  # a site id, or NOT_LISTED
    day: date
    condition: Condition
    observer: str
    new_site_name: str = ""
    new_site_point: Fix | None = None
    visited_at: datetime | None = None
    access: Access | None = None
    access_reason: str | None = None
    certainty: Certainty | None = None
    damage_extent: DamageExtent | None = None
    damage_effects: list[DamageEffect] = field(default_factory=list)
    damage_causes: list[DamageCause] = field(default_factory=list)
    position: Fix | None = None
    notes: str | None = None
    left_out: list[str] = field(default_factory=list)  # answers given but not recorded, said to the person importing


_RELEVANT = re.compile(r"^\$\{(\w+)\}\s*(=|!=)\s*'([^']*)'$")


def asked(question: Question, answers: dict[str, str]) -> bool:
    """Whether the form asks the question, given the other answers: its relevance, in the two
    shapes the form uses (`${q} = 'v'`, `${q} != 'v'`)."""
    if not question.relevant:
        return True
    match = _RELEVANT.match(question.relevant)
    if match is None:  # a shape this reader does not know: the question is taken as asked
        return True
    name, operator, value = match.groups()
    given = answers.get(name, "").strip()
    return given == value if operator == "=" else given != value


def _choice(enum: type[E], vocabulary: str, name: str, text: str, problems: list[RowProblem]) -> E | None:
    """A choice by its value (`1-10%`) or, as a form may have to name it, its key (`pct_1_10`)."""
    folded = text.strip().casefold()
    for member in enum:
        if folded in (member.value.casefold(), member.name.casefold()):
            return member
    ours = ", ".join(member.value for member in enum)
    fix = f"the form's {vocabulary} choices are: {ours}; check that the form the team used was built by heritage"
    problems.append(RowProblem(name, f"not one of the form's {vocabulary} choices", text, fix))
    return None


def _choices(enum: type[E], vocabulary: str, name: str, text: str, problems: list[RowProblem]) -> list[E]:
    """A select_multiple answer: its values separated by spaces, as the instance writes them."""
    found = [_choice(enum, vocabulary, name, part, problems) for part in text.split()]
    return list(dict.fromkeys(member for member in found if member is not None))


def geopoint(name: str, text: str, problems: list[RowProblem]) -> Fix | None:
    """'lat lon [altitude [accuracy]]', as ODK writes a geopoint."""
    parts = text.split()
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if not 2 <= len(numbers) <= 4 or not all(math.isfinite(n) for n in numbers):
        problems.append(RowProblem(name, "is not a GPS position", text, GEOPOINT_FIX))
        return None
    lat, lon = numbers[0], numbers[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.append(
            RowProblem(name, "is not a position on Earth (latitude first, then longitude)", text, GEOPOINT_FIX)
        )
        return None
    if lat == 0 and lon == 0:  # what a form or an export writes for a position never taken
        message = "is latitude 0, longitude 0 (off West Africa), a position never taken rather than one stood at"
        problems.append(RowProblem(name, message, text, NO_FIX))
        return None
    accuracy = numbers[3] if len(numbers) == 4 and numbers[3] > 0 else None
    return Fix(lon, lat, accuracy)


def _day(text: str, problems: list[RowProblem]) -> date | None:
    value = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):  # [0-9]: no other script's digits
        try:
            day = date.fromisoformat(value)
        except ValueError:  # 2024-02-30
            pass
        else:
            if day >= EARLIEST_VISIT:
                return day
            message = f"is before {EARLIEST_VISIT.year}, a date a phone whose clock was never set gives (1970, 1980)"
            problems.append(RowProblem("visit_date", message, text, CLOCK_FIX))
            return None
    problems.append(RowProblem("visit_date", "is not a date (YYYY-MM-DD)", text, DATE_FIX))
    return None


def _visited_at(day: date, text: str, problems: list[RowProblem], left_out: list[str]) -> datetime | None:
    """The day and the time of day, with the offset the phone wrote. ODK writes one; a time
    without it is left out, with a word, rather than put in a zone we would have to guess."""
    try:
        at = datetime.fromisoformat(f"{day.isoformat()}T{text.strip()}")
    except ValueError:
        problems.append(RowProblem("visit_time", "is not a time of day (HH:MM:SS, with its offset)", text, TIME_FIX))
        return None
    if at.tzinfo is None:
        left_out.append(f"visit_time {text!r} has no UTC offset, which ODK always writes: left out, not guessed")
        return None
    return at


def _required(answers: dict[str, str], problems: list[RowProblem]) -> None:
    for question in QUESTIONS:
        if question.required and not question.repeat and asked(question, answers):
            if not answers.get(question.name, "").strip():
                problems.append(RowProblem(question.name, "is required and empty", None, FORM_FIX))


def read_visit(answers: dict[str, str]) -> tuple[Visit, list[RowProblem]]:
    """The visit the answers describe, and what is wrong with them: with any problem, the visit
    holds what could be read (for the checks that do not depend on the rest) and is not to be
    recorded."""
    problems: list[RowProblem] = []
    _required(answers, problems)
    text = {name: value.strip() for name, value in answers.items()}
    day = _day(text["visit_date"], problems) if text.get("visit_date") else None
    condition = None
    if text.get("condition"):
        condition = _choice(Condition, "condition", "condition", text["condition"], problems)
    visit = Visit(text.get("site", ""), day or date.min, condition or Condition.unknown, text.get("observer", ""))
    if visit.site == NOT_LISTED:
        visit.new_site_name = text.get("new_site_name", "")
        if text.get("new_site_position"):
            visit.new_site_point = geopoint("new_site_position", text["new_site_position"], problems)
    if day is not None and text.get("visit_time"):
        visit.visited_at = _visited_at(day, text["visit_time"], problems, visit.left_out)
    if text.get("access"):
        visit.access = _choice(Access, "access", "access", text["access"], problems)
        visit.access_reason = text.get("access_reason") or None
    if text.get("certainty"):
        visit.certainty = _choice(Certainty, "certainty", "certainty", text["certainty"], problems)
    if text.get("damage_extent"):
        visit.damage_extent = _choice(DamageExtent, "damage_extent", "damage_extent", text["damage_extent"], problems)
    effects, causes = text.get("damage_effects", ""), text.get("damage_causes", "")
    visit.damage_effects = _choices(DamageEffect, "damage_effect", "damage_effects", effects, problems)
    visit.damage_causes = _choices(DamageCause, "damage_cause", "damage_causes", causes, problems)
    if text.get("position"):
        visit.position = geopoint("position", text["position"], problems)
    visit.notes = text.get("notes") or None
    # A form changed by hand (a question added in KoboToolbox's builder) sends answers with no place here.
    unknown = [name for name, value in text.items() if value and name.split("[")[0].split("/")[0] not in _NAMES]
    if unknown:
        visit.left_out.append(f"answers to questions not on heritage's form are left out: {', '.join(unknown)}")
    return visit, problems


# The phone fills the form's metadata (start, end, deviceid) by itself: answers on the form too.
_NAMES = {question.name for question in QUESTIONS} | set(METADATA)

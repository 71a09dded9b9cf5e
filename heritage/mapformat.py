"""How the map's data writes a site's history: one place for the index, which keeps each site's
history ready to send, and `heritage.mapdata`, which writes it from the records when it must.

A history is the site's reports in force in report order (`heritage.history.history_in_force`),
one entry each: [end day, start day or null, condition, method, citation, certainty, marks]. Days
count from 1970-01-01; a condition, method or certainty is its position in the vocabulary; an entry
whose report states no certainty and whose date has no marks ends at the citation (most do: a
million reports are then 3 MB lighter), and one with marks but no certainty has null there; marks
(`date_marks`) say what the days alone cannot: that the source gave the date as approximate or
uncertain, or that the window was written open at its end; the citation is a number the
payload's `cites` table turns into the sources cited (what the audience may see). The page finds
the condition as of a day in it by `heritage.history.latest_by`'s rule.

A report from a field visit that says how much of the site could be reached, when the team was
there, or that carries warnings adds four members (`visit_members`): access (its position in the
vocabulary, or null), the time on site as minutes since 1970-01-01 on the phone's own clock and
that clock's offset from UTC in minutes (both null if not given), and how many warnings were
recorded on it. Numbers only, like the rest: no text of a report reaches the map through them.
Other reports pay nothing for them.
"""

from __future__ import annotations

from datetime import date, datetime

from heritage.models.vocab import Access, Certainty, Condition, Method

CONDITION_INDEX: dict[str, int] = {c: n for n, c in enumerate(Condition)}  # StrEnum: its text finds it too
METHOD_INDEX: dict[str, int] = {m: n for n, m in enumerate(Method)}
CERTAINTY_INDEX: dict[str, int] = {c: n for n, c in enumerate(Certainty)}
ACCESS_INDEX: dict[str, int] = {a: n for n, a in enumerate(Access)}
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH = datetime(1970, 1, 1)
# Entries kept in the index are only right for this order of terms: it is part of the index's stamp.
VOCABULARY = ";".join(",".join(terms) for terms in (Condition, Method, Certainty, Access))
ENTRY_SHAPE = "end,start,condition,method,citation,certainty,marks,access,visited,offset,warnings"
"""The entry's members, for the index's stamp: entries kept in another shape are written again."""

APPROXIMATE, UNCERTAIN, OPEN_END = 1, 2, 4


def date_marks(observed: str) -> int:
    """What an entry's days lose of its date as written (EDTF, as `When` keeps it): `2021~` and
    `2021` cover the same days, and `2021-05-03/..` is closed on the day it was recorded. The page
    says "approximate", "uncertain" or "on or after" from these bits rather than show a window as
    exact as a day. Read from the text, as `When` reads it, so that the index need not parse it."""
    return (
        (APPROXIMATE if "~" in observed or "%" in observed else 0)
        | (UNCERTAIN if "?" in observed or "%" in observed else 0)
        | (OPEN_END if observed.endswith("/..") else 0)
    )


def visit_members(access: str | None, visited_at: datetime | None, warnings: int) -> str:
    """What a field visit adds to a report's entry (see above), as the text that ends it, with its
    leading comma; "" for a report that gives none of it."""
    if access is None and visited_at is None and not warnings:
        return ""
    where = "null" if access is None else str(ACCESS_INDEX[access])
    when = "null,null"
    if visited_at is not None:
        offset = visited_at.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset else 0
        wall = (visited_at.replace(tzinfo=None) - _EPOCH).total_seconds() // 60
        when = f"{int(wall)},{minutes}"
    return f",{where},{when},{warnings}"


def history_entry(
    end: int,
    start: int | None,
    condition: str,
    method: str,
    citation: int,
    certainty: str | None,
    marks: int = 0,
    visit: str = "",
) -> str:
    """One entry as JSON text, from the report's last and first day as date ordinals; `visit` is
    what `visit_members` gave of the report."""
    first = "null" if start is None else str(start - EPOCH_ORDINAL)
    sure = "" if certainty is None else f",{CERTAINTY_INDEX[certainty]}"
    if marks or visit:
        sure = (sure or ",null") + f",{marks}" + visit
    return f"[{end - EPOCH_ORDINAL},{first},{CONDITION_INDEX[condition]},{METHOD_INDEX[method]},{citation}{sure}]"

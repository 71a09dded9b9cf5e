"""How the map's data writes a site's history: one place for the index, which keeps each site's
history ready to send, and `heritage.mapdata`, which writes it from the records when it must.

A history is the site's reports in force in report order (`heritage.history.history_in_force`),
one entry each: [end day, start day or null, condition, method, citation]. Days count from
1970-01-01; a condition or method is its position in the vocabulary; the citation is a number the
payload's `cites` table turns into the sources cited (what the audience may see). The page finds
the condition as of a day in it by `heritage.history.latest_by`'s rule.
"""

from __future__ import annotations

from datetime import date

from heritage.models.vocab import Condition, Method

CONDITION_INDEX: dict[str, int] = {c: n for n, c in enumerate(Condition)}  # StrEnum: its text finds it too
METHOD_INDEX: dict[str, int] = {m: n for n, m in enumerate(Method)}
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Entries kept in the index are only right for this order of terms: it is part of the index's stamp.
VOCABULARY = ",".join(Condition) + ";" + ",".join(Method)


def history_entry(end: int, start: int | None, condition: str, method: str, citation: int) -> str:
    """One entry as JSON text, from the report's last and first day as date ordinals."""
    first = "null" if start is None else str(start - EPOCH_ORDINAL)
    return f"[{end - EPOCH_ORDINAL},{first},{CONDITION_INDEX[condition]},{METHOD_INDEX[method]},{citation}]"

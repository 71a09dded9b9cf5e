"""How the map's data writes a site's history: one place for the index, which keeps each site's
history ready to send, and `heritage.mapdata`, which writes it from the records when it must.

A history is the site's reports in force in report order (`heritage.history.history_in_force`),
one entry each: [end day, start day or null, condition, method, citation, certainty]. Days count
from 1970-01-01; a condition, method or certainty is its position in the vocabulary; an entry whose
report states no certainty ends at the citation (most do: a million reports are then 3 MB lighter);
the citation is a number the
payload's `cites` table turns into the sources cited (what the audience may see). The page finds
the condition as of a day in it by `heritage.history.latest_by`'s rule.
"""

from __future__ import annotations

from datetime import date

from heritage.models.vocab import Certainty, Condition, Method

CONDITION_INDEX: dict[str, int] = {c: n for n, c in enumerate(Condition)}  # StrEnum: its text finds it too
METHOD_INDEX: dict[str, int] = {m: n for n, m in enumerate(Method)}
CERTAINTY_INDEX: dict[str, int] = {c: n for n, c in enumerate(Certainty)}
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Entries kept in the index are only right for this order of terms: it is part of the index's stamp.
VOCABULARY = ",".join(Condition) + ";" + ",".join(Method) + ";" + ",".join(Certainty)


def history_entry(
    end: int, start: int | None, condition: str, method: str, citation: int, certainty: str | None
) -> str:
    """One entry as JSON text, from the report's last and first day as date ordinals."""
    first = "null" if start is None else str(start - EPOCH_ORDINAL)
    sure = "" if certainty is None else f",{CERTAINTY_INDEX[certainty]}"
    return f"[{end - EPOCH_ORDINAL},{first},{CONDITION_INDEX[condition]},{METHOD_INDEX[method]},{citation}{sure}]"

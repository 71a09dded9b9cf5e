"""The mission package's front page: summary charts, a sortable table, links to everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heritage.models import Condition
from heritage.palette import CONDITION_COLOURS


def write_index(
    path: Path,
    *,
    name: str,
    catalogue_name: str,
    audience: str,
    rows: list[dict[str, Any]],
    charts: list[str],
    labels: dict[str, str],
    root_hash: str,
    today: str,
    pdf: bool,
) -> Path:
    from heritage.dossier import _environment

    page = (
        _environment()
        .get_template("mission.html")
        .render(
            name=name,
            catalogue_name=catalogue_name,
            audience=audience,
            rows=rows,
            charts=charts,
            labels=labels,
            colours={c.value: CONDITION_COLOURS[c] for c in Condition},
            root_hash=root_hash,
            today=today,
            pdf=pdf,
        )
    )
    path.write_text(page, encoding="utf-8")
    return path

"""A site's condition over time, as a picture a person reads at a glance (SVG or PNG)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from heritage.atomic import replace_file
from heritage.errors import InvalidInput, MissingExtra
from heritage.history import Entry
from heritage.models import Certainty, Condition
from heritage.models.base import utc_today
from heritage.palette import CONDITION_COLOURS

SCALE = list(Condition)  # top to bottom: intact ... unknown
FORMATS = (".svg", ".png")
GREY = "#868e96"


def condition_chart(title: str, history: list[Entry], path: Path, today: date | None = None) -> Path:
    """Draw every report: a dot at its date (and a bar across a window); hollow if superseded, a
    cross if retracted; the line follows the condition in force from one report to the next."""
    if path.suffix.lower() not in FORMATS:
        raise InvalidInput("the chart must be a .svg or .png file", file=path)
    try:
        import matplotlib
    except ImportError:  # an extra: nothing else in heritage needs it
        raise MissingExtra("a chart file (history --chart)", extra="chart", module="matplotlib") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num
    from matplotlib.lines import Line2D

    def x(day: date) -> float:
        return float(date2num(day))

    rows = {condition: len(SCALE) - 1 - n for n, condition in enumerate(SCALE)}
    figure, axes = plt.subplots(figsize=(9, 3.6), dpi=150)
    steps = [
        (x(e.report.observed.end), rows[e.report.condition])
        for e in history
        if e.status == "in force" and e.report.observed.end
    ]
    if steps:
        steps.append((x(today or utc_today()), steps[-1][1]))
        axes.step([s[0] for s in steps], [s[1] for s in steps], where="post", color="#495057", linewidth=1.2, zorder=1)
    for entry in history:
        report = entry.report
        if report.observed.end is None:
            continue
        end, y = x(report.observed.end), rows[report.condition]
        colour = CONDITION_COLOURS[report.condition]
        start = report.observed.start
        if start is not None and start != report.observed.end:
            axes.plot([x(start), end], [y, y], color=colour, linewidth=4, alpha=0.35, solid_capstyle="butt", zorder=2)
        elif start is None:  # "on or before": an arrow from the past
            axes.annotate(
                "",
                xy=(end, y),
                xytext=(end - 200, y),
                zorder=2,
                arrowprops={"arrowstyle": "->", "color": colour, "alpha": 0.6},
            )
        if entry.status == "retracted":
            axes.scatter([end], [y], marker="x", s=60, color=GREY, zorder=3)
        elif entry.status == "superseded":
            axes.scatter([end], [y], s=60, facecolors="white", edgecolors=GREY, linewidths=1.5, zorder=3)
        elif report.certainty is Certainty.possible:  # tentative, as on the map
            axes.scatter([end], [y], s=70, color=colour, alpha=0.4, edgecolors=colour, linestyles="--", zorder=4)
        else:
            axes.scatter([end], [y], s=70, color=colour, edgecolors="white", linewidths=0.8, zorder=4)
    axes.xaxis_date()
    # Margins and the "on or before" arrows reach before the earliest report: matplotlib's dates
    # stop at years 1 and 9999, and a report from year 1 is a record like any other.
    low, high = axes.get_xlim()
    axes.set_xlim(max(low, x(date(1, 1, 1))), min(high, x(date(9999, 12, 31))))
    axes.set_yticks(range(len(SCALE)), [c.value.replace("_", " ") for c in reversed(SCALE)])
    axes.set_ylim(-0.6, len(SCALE) - 0.4)
    axes.grid(axis="y", color="#e9ecef")
    axes.spines[["top", "right"]].set_visible(False)
    # A '$' starts mathematical notation in matplotlib; a site's name is plain text.
    axes.set_title(title.replace("$", r"\$"), loc="left", fontsize=11, fontweight="bold")
    legend = [
        Line2D([], [], marker="o", linestyle="", color="#495057", label="report in force"),
        Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor=GREY, label="superseded"),
        Line2D([], [], marker="x", linestyle="", color=GREY, label="retracted"),
        Line2D([], [], color="#adb5bd", linewidth=4, label="observed between two dates"),
        Line2D([], [], marker="o", linestyle="", color="#495057", alpha=0.4, label="condition only possible"),
    ]
    axes.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, frameon=False, fontsize=8)
    if not history:
        axes.text(0.5, 0.5, "no condition reports", transform=axes.transAxes, ha="center", color=GREY)
    figure.tight_layout()
    # No creation date in the file: the same history draws the same bytes. Drawn in memory and
    # written whole, like every output: an interrupted run leaves the previous chart.
    picture = io.BytesIO()
    suffix = path.suffix.lower()
    figure.savefig(picture, format=suffix[1:], metadata={"Date": None} if suffix == ".svg" else {"Software": None})
    plt.close(figure)
    replace_file(path, picture.getvalue())
    return path


def condition_svg(history: list[Entry], today: date | None = None, width: int = 640) -> str:
    """The same picture as `condition_chart`, drawn directly as SVG (about a thousand times quicker
    than matplotlib, which matters when a mission package holds a dossier per site). Numbers and
    fixed labels only: no catalogue text goes into it."""
    today = today or utc_today()
    ends = [e.report.observed.end for e in history if e.report.observed.end]
    starts = [e.report.observed.start for e in history if e.report.observed.start]
    first = min([*ends, *starts], default=today.replace(year=today.year - 5))
    first = date(first.year, 1, 1)
    last = date(today.year + 1, 1, 1)
    left, right, top, row = 118, 12, 8, 18
    height = top + row * len(SCALE) + 24
    span = (last - first).days or 1

    def x(day: date) -> float:
        return left + (day - first).days / span * (width - left - right)

    y = {condition: top + row * n + row / 2 for n, condition in enumerate(SCALE)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'font-family="sans-serif" font-size="10">'
    ]
    for condition in SCALE:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y[condition]:.1f}" y2="{y[condition]:.1f}" '
            f'stroke="#e9ecef"/><text x="{left - 6}" y="{y[condition] + 3.5:.1f}" text-anchor="end" '
            f'fill="#495057">{condition.value.replace("_", " ")}</text>'
        )
    step = max(1, (last.year - first.year) // 8)
    for year in range(first.year, last.year + 1, step):
        px = x(date(year, 1, 1))
        parts.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{height - 20}" stroke="#f1f3f5"/>'
            f'<text x="{px:.1f}" y="{height - 6}" text-anchor="middle" fill="#495057">{year}</text>'
        )
    in_force = [e for e in history if e.status == "in force" and e.report.observed.end]
    points: list[str] = []
    for entry in in_force:
        assert entry.report.observed.end is not None
        px, py = x(entry.report.observed.end), y[entry.report.condition]
        if points:
            points.append(f"{px:.1f},{points[-1].split(',')[1]}")
        points.append(f"{px:.1f},{py:.1f}")
    if points:
        points.append(f"{x(today):.1f},{points[-1].split(',')[1]}")
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#495057" stroke-width="1.2"/>')
    for entry in history:
        report = entry.report
        if report.observed.end is None:
            continue
        px, py = x(report.observed.end), y[report.condition]
        colour = CONDITION_COLOURS[report.condition]
        if report.observed.start and report.observed.start != report.observed.end:
            parts.append(
                f'<line x1="{x(report.observed.start):.1f}" x2="{px:.1f}" y1="{py:.1f}" y2="{py:.1f}" '
                f'stroke="{colour}" stroke-width="5" stroke-opacity="0.35"/>'
            )
        if entry.status == "retracted":
            parts.append(f'<path d="M{px - 4:.1f},{py - 4:.1f}l8,8m0,-8l-8,8" stroke="{GREY}" stroke-width="1.6"/>')
        elif entry.status == "superseded":
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#fff" stroke="{GREY}" stroke-width="1.5"/>'
            )
        elif report.certainty is Certainty.possible:  # tentative, as on the map
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="{colour}" fill-opacity="0.4" stroke="{colour}" '
                f'stroke-width="1.5" stroke-dasharray="2 1.5"/>'
            )
        else:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{colour}" stroke="#fff"/>')
    parts.append("</svg>")
    return "".join(parts)

"""Charts drawn on the server with matplotlib (Agg, no display), legible on screen and on A4 paper.

Each chart reads only the report dict's `charts` series. The object API (Figure + FigureCanvasAgg)
is used rather than pyplot, so charts can be drawn in worker threads without shared global state.
matplotlib is imported when the first chart is drawn, not when the server starts (it costs ~50 MB).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.messages import text
from server.reports.definitions import WEEKDAYS

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType



@dataclass(frozen=True)
class Say:
    """A chart's words in one language, from the catalogue (`reports_page.chart_*`)."""

    lang: str = "vi"

    def __call__(self, key: str, **params: Any) -> str:
        return text(f"reports_page.{key}", self.lang, **params)

INK, BLUE, ORANGE, GREEN = "#1b1b1b", "#1f5fa8", "#d9822b", "#2e8b57"
FONT: dict[RcKeyType, Any] = {"font.family": "DejaVu Sans", "font.size": 11}


def _figure(title: str) -> tuple[Figure, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.2), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=13, color=INK, loc="left", fontweight="bold")
    ax.grid(axis="y", color="#cccccc", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _empty(ax: Any, say: Say) -> None:
    ax.text(0.5, 0.5, say("chart_no_data"), ha="center", va="center", transform=ax.transAxes,
            color="#555555")


def hour_bars(report: dict[str, Any]) -> tuple[list[str], list[int]]:
    """Every hour of the office's day (and any hour with arrivals outside it), empty ones as 0: one busy hour
    shows as one bar among the day's hours, not as one bar filling the chart."""
    issued = {r["key"]: r["issued"] for r in report["charts"]["by_hour"] if r["key"] is not None}
    first, last = report["charts"].get("open_hours", (7, 16))
    hours = range(min([first, *issued]), max([last, *issued]) + 1)
    return [f"{h}h" for h in hours], [issued.get(h, 0) for h in hours]


def arrivals_hour(report: dict[str, Any], say: Say) -> Figure:
    fig, ax = _figure(say("chart_arrivals_hour"))
    if not report["charts"]["by_hour"]:
        _empty(ax, say)
    _bars(ax, *hour_bars(report))
    _whole_numbers(ax, say)
    return fig


def arrivals_weekday(report: dict[str, Any], say: Say) -> Figure:
    fig, ax = _figure(say("chart_arrivals_weekday"))
    rows = report["charts"]["by_weekday"]
    if not rows:
        _empty(ax, say)
    names = [WEEKDAYS.get(r["key"], (str(r["key"]),) * 2)[1 if say.lang == "en" else 0] for r in rows]
    _bars(ax, names, [r["issued"] for r in rows])
    _whole_numbers(ax, say)
    return fig


def _whole_numbers(ax: Any, say: Say) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_ylabel(say("chart_tickets"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _bars(ax: Any, names: list[str], values: list[int]) -> None:
    ax.bar(range(len(names)), values, color=BLUE)
    ax.set_xticks(range(len(names)), names)


def _x(report: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """The trend's labels as a person reads dates here: 9h (a single day, by hour), 23/11 (by day) or 11/2026
    (by month)."""
    unit = report["charts"]["trend_unit"]

    def label(key: Any) -> str:
        if unit == "hour":
            return f"{key}h"
        parts = str(key).split("-")  # 2026-11-23 or 2026-11
        return f"{parts[2]}/{parts[1]}" if unit == "day" else f"{parts[1]}/{parts[0]}"

    return [label(r["key"]) for r in rows]


def waits(report: dict[str, Any], say: Say) -> Figure:
    fig, ax = _figure(say("chart_waits"))
    rows = report["charts"]["trend"]
    if not rows:
        _empty(ax, say)
    x = _x(report, rows)
    minutes = lambda k: [(r[k] or 0) / 60 for r in rows]  # noqa: E731
    ax.plot(range(len(x)), minutes("wait_mean"), marker="o", color=BLUE, label=say("chart_mean"), linewidth=2)
    ax.plot(range(len(x)), minutes("wait_median"), marker="s", color=GREEN, label=say("chart_median"), linewidth=2)
    ax.plot(range(len(x)), minutes("wait_p90"), marker="^", color=ORANGE, label=say("chart_p90"), linewidth=2,
            linestyle="--")
    ax.axhline(report["wait_target_min"], color=INK, linewidth=1, linestyle=":",
               label=say("chart_target", minutes=f"{report['wait_target_min']:g}"))
    ax.set_ylabel(say("chart_minutes"))
    top = max([report["wait_target_min"], *minutes("wait_p90"), *minutes("wait_mean")])
    ax.set_ylim(0, top * 1.15)
    _legend_below(ax)
    _thin_labels(ax, x)
    return fig


def satisfaction(report: dict[str, Any], say: Say) -> Figure:
    fig, ax = _figure(say("chart_satisfaction"))
    rows = [r for r in report["charts"]["trend"] if r.get("ratings")]
    if not rows:
        _empty(ax, say)
    x = _x(report, rows)
    ax.plot(range(len(x)), [r["satisfied_share"] for r in rows], marker="o", color=BLUE, linewidth=2,
            label=say("chart_satisfied"))
    ax.plot(range(len(x)), [r["good_share"] for r in rows], marker="s", color=GREEN, linewidth=2,
            label=say("chart_good"))
    from matplotlib.ticker import PercentFormatter

    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    _legend_below(ax)
    _thin_labels(ax, x)
    return fig


def _legend_below(ax: Any) -> None:
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=9, frameon=False)


def _thin_labels(ax: Any, x: list[str]) -> None:
    step = max(1, len(x) // 12)
    ax.set_xticks(range(len(x)), [v if i % step == 0 else "" for i, v in enumerate(x)], rotation=45, ha="right",
                  fontsize=9)


CHARTS: dict[str, Callable[[dict[str, Any], Say], Figure]] = {
    "arrivals_hour": arrivals_hour, "arrivals_weekday": arrivals_weekday, "waits": waits,
    "satisfaction": satisfaction,
}


def render(report: dict[str, Any], name: str, fmt: str = "png", lang: str = "vi") -> bytes:
    """One chart as PNG or SVG bytes, its words in `lang` (the reports page's switch; Vietnamese in the XLSX).
    Unknown names raise KeyError (the API turns it into a 422)."""
    import matplotlib

    with matplotlib.rc_context(FONT):
        fig = CHARTS[name](report, Say(lang))
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata={"Software": None} if fmt == "png" else None)
    return buf.getvalue()

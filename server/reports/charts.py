"""Charts drawn on the server with matplotlib (Agg, no display), legible on screen and on A4 paper.

Each chart reads only the report dict's `charts` series. The object API (Figure + FigureCanvasAgg)
is used rather than pyplot, so charts can be drawn in worker threads without shared global state.
matplotlib is imported when the first chart is drawn, not when the server starts (it costs ~50 MB).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from server.reports.definitions import WEEKDAYS

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

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


def _empty(ax: Any) -> None:
    ax.text(0.5, 0.5, "Không có dữ liệu trong kỳ / No data", ha="center", va="center", transform=ax.transAxes,
            color="#555555")


def hour_bars(report: dict[str, Any]) -> tuple[list[str], list[int]]:
    """Every hour of the office's day (and any hour with arrivals outside it), empty ones as 0: one busy hour
    shows as one bar among the day's hours, not as one bar filling the chart."""
    issued = {r["key"]: r["issued"] for r in report["charts"]["by_hour"] if r["key"] is not None}
    first, last = report["charts"].get("open_hours", (7, 16))
    hours = range(min([first, *issued]), max([last, *issued]) + 1)
    return [f"{h}h" for h in hours], [issued.get(h, 0) for h in hours]


def arrivals_hour(report: dict[str, Any]) -> Figure:
    fig, ax = _figure("Lượt đến theo giờ trong ngày (Arrivals by hour)")
    if not report["charts"]["by_hour"]:
        _empty(ax)
    _bars(ax, *hour_bars(report))
    _whole_numbers(ax)
    return fig


def arrivals_weekday(report: dict[str, Any]) -> Figure:
    fig, ax = _figure("Lượt đến theo thứ trong tuần (Arrivals by weekday)")
    rows = report["charts"]["by_weekday"]
    if not rows:
        _empty(ax)
    _bars(ax, [WEEKDAYS.get(r["key"], (str(r["key"]),))[0] for r in rows], [r["issued"] for r in rows])
    _whole_numbers(ax)
    return fig


def _whole_numbers(ax: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.set_ylabel("Số vé")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _bars(ax: Any, names: list[str], values: list[int]) -> None:
    ax.bar(range(len(names)), values, color=BLUE)
    ax.set_xticks(range(len(names)), names)


def _x(report: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """The trend's labels: 9h (a single day, by hour), 11-23 (by day) or 2026-11 (by month)."""
    unit = report["charts"]["trend_unit"]
    return [f"{r['key']}h" if unit == "hour" else r["key"][5:] if unit == "day" else r["key"] for r in rows]


def waits(report: dict[str, Any]) -> Figure:
    fig, ax = _figure("Thời gian chờ theo thời gian (Waits over time), phút")
    rows = report["charts"]["trend"]
    if not rows:
        _empty(ax)
    x = _x(report, rows)
    minutes = lambda k: [(r[k] or 0) / 60 for r in rows]  # noqa: E731
    ax.plot(range(len(x)), minutes("wait_mean"), marker="o", color=BLUE, label="Trung bình (mean)", linewidth=2)
    ax.plot(range(len(x)), minutes("wait_median"), marker="s", color=GREEN, label="Trung vị (median)", linewidth=2)
    ax.plot(range(len(x)), minutes("wait_p90"), marker="^", color=ORANGE, label="Phân vị 90 (p90)", linewidth=2,
            linestyle="--")
    ax.axhline(report["wait_target_min"], color=INK, linewidth=1, linestyle=":",
               label=f"Mục tiêu {report['wait_target_min']:g} phút")
    ax.set_ylabel("Phút")
    top = max([report["wait_target_min"], *minutes("wait_p90"), *minutes("wait_mean")])
    ax.set_ylim(0, top * 1.15)
    _legend_below(ax)
    _thin_labels(ax, x)
    return fig


def satisfaction(report: dict[str, Any]) -> Figure:
    fig, ax = _figure("Mức độ hài lòng (Satisfaction trend)")
    rows = [r for r in report["charts"]["trend"] if r.get("ratings")]
    if not rows:
        _empty(ax)
    x = _x(report, rows)
    ax.plot(range(len(x)), [r["satisfied_share"] for r in rows], marker="o", color=BLUE, linewidth=2,
            label="Đạt yêu cầu (hài lòng trở lên)")
    ax.plot(range(len(x)), [r["good_share"] for r in rows], marker="s", color=GREEN, linewidth=2,
            label="Mức độ tốt (rất hài lòng)")
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


CHARTS: dict[str, Callable[[dict[str, Any]], Figure]] = {
    "arrivals_hour": arrivals_hour, "arrivals_weekday": arrivals_weekday, "waits": waits,
    "satisfaction": satisfaction,
}


def render(report: dict[str, Any], name: str, fmt: str = "png") -> bytes:
    """One chart as PNG or SVG bytes. Unknown names raise KeyError (the API turns it into a 422)."""
    import matplotlib

    with matplotlib.rc_context(FONT):
        fig = CHARTS[name](report)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata={"Software": None} if fmt == "png" else None)
    return buf.getvalue()

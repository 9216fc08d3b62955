"""Report operations for leaders and admins: the report as JSON, its XLSX/CSV export, its charts,
and the letters report. Figures are computed by SQL in a worker thread (see `server.reports`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from aiohttp import web
from pydantic import ConfigDict, Field

from server.api.common import ok
from server.api.registry import Api, Query
from server.auth import Principal
from server.domain.errors import Invalid
from server.keys import CLOCK, OFFICE_SETTINGS
from server.reports import charts, export, service
from server.reports.monthly import make_monthly
from server.reports.period import check_period

api = Api()

LEADERS = frozenset({"leader", "admin"})
Group = Literal["field", "procedure", "counter", "staff", "session_type", "hour", "weekday", "day", "month"]
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8", "png": "image/png", "svg": "image/svg+xml"}
REPORT = {"type": "object", "required": ["period", "group", "total", "rows", "charts", "figures"]}
FILES = (MIME["csv"].split(";")[0], MIME["xlsx"])  # the exports' content types, as `_file` sends them


class PeriodQuery(Query):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    from_: date = Field(alias="from", description="First day, YYYY-MM-DD (local date)")
    to: date = Field(description="Last day, YYYY-MM-DD, inclusive")


class ReportQuery(PeriodQuery):
    group: Group = Field(default="field", description="Break the figures down by this")


class ExportQuery(ReportQuery):
    format: Literal["xlsx", "csv"] = "xlsx"


class ChartQuery(ReportQuery):
    format: Literal["png", "svg"] = "png"
    lang: Literal["vi", "en"] = Field(default="vi", description="Language of the chart's words (the page's switch)")


class LettersQuery(PeriodQuery):
    format: Literal["json", "xlsx", "csv"] = "json"


def _ctx(request: web.Request, q: PeriodQuery) -> tuple[Path, float, str]:
    check_period(q.from_, q.to)
    config = request.app[OFFICE_SETTINGS].current
    now = request.app[CLOCK].now().astimezone(config.tz).isoformat(timespec="seconds")
    return config.db_file, config.reports.wait_target_min, now


def _file(data: bytes, fmt: str, name: str) -> web.Response:
    return web.Response(body=data, content_type=MIME[fmt].split(";")[0], charset="utf-8" if fmt == "csv" else None,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.operation("getReport", "GET", "/api/reports", "Waits, outcomes and satisfaction for a period, by a grouping",
               tag="reports", query=ReportQuery, response=REPORT, roles=LEADERS)
async def get_report(request: web.Request, principal: Principal, query: ReportQuery) -> web.Response:
    db, target, now = _ctx(request, query)
    return ok(await service.in_thread(service.report, db, query.from_, query.to, query.group, target, now))


@api.operation("exportReport", "GET", "/api/reports/export", "The same report as an XLSX or CSV file",
               tag="reports", query=ExportQuery, response={"type": "string", "format": "binary"}, roles=LEADERS,
               media=FILES)
async def export_report(request: web.Request, principal: Principal, query: ExportQuery) -> web.Response:
    db, target, now = _ctx(request, query)
    since = request.app[OFFICE_SETTINGS].current.reports.letters_since
    data = await service.in_thread(service.render, db, query.from_, query.to, query.group, target, query.format, now,
                                   since)
    return _file(data, query.format, service.filename(query.from_, query.to, query.format))


@api.operation("getReportChart", "GET", "/api/reports/charts/{chart}", "One chart of the report (PNG or SVG)",
               tag="reports", query=ChartQuery, response={"type": "string", "format": "binary"}, roles=LEADERS,
               media=(MIME["png"], MIME["svg"]),
               path_schemas={"chart": {"type": "string", "enum": list(charts.CHARTS)}})
async def get_chart(request: web.Request, principal: Principal, chart: str, query: ChartQuery) -> web.Response:
    if chart not in charts.CHARTS:
        raise Invalid("report_chart_unknown", chart=chart, known=", ".join(charts.CHARTS))
    db, target, now = _ctx(request, query)

    def draw() -> bytes:
        return charts.render(service.report(db, query.from_, query.to, "field", target, now), chart, query.format,
                             query.lang)

    data = await service.in_thread(draw)
    return web.Response(body=data, content_type=MIME[query.format], headers={"Cache-Control": "private, max-age=60"})


@api.operation("getLettersReport", "GET", "/api/reports/letters",
               "Letters report (Hành chính phục vụ người dân): congratulation and condolence letters",
               tag="reports", query=LettersQuery, response={"type": "object"}, roles=LEADERS,
               media=("application/json", *FILES))
async def get_letters(request: web.Request, principal: Principal, query: LettersQuery) -> web.Response:
    db, _, _ = _ctx(request, query)
    since = request.app[OFFICE_SETTINGS].current.reports.letters_since
    letters = await service.in_thread(service.letters, db, query.from_, query.to, since)
    if query.format == "json":
        return ok(letters)
    if query.format == "csv":
        data = export.letters_csv(letters)
    else:
        data = await service.in_thread(service.letters_xlsx, letters)
    return _file(data, query.format, service.filename(query.from_, query.to, query.format, "thu-hcpvnd"))


async def run_monthly(app: web.Application) -> Path | None:
    """The monthly report's timed job (server/scheduler.py): last month's file, unless it exists."""
    return await service.in_thread(make_monthly, app[OFFICE_SETTINGS].current, app[CLOCK])

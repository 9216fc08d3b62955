"""Slogan operations: admins write them, leaders may read them. Each write re-registers the slogan's job."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aiohttp import web
from pydantic import Field

from server.api.common import decide, ok
from server.api.registry import Api, Body
from server.auth import Principal
from server.keys import READER, SERVICES
from server.services import slogans as service
from server.store import slogans as store

api = Api()

ADMIN = frozenset({"admin"})
READERS = frozenset({"admin", "leader"})
CLOCK_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"
SLOGAN = {
    "type": "object",
    "required": ["id", "text", "weekdays", "window_start", "enabled"],
    "properties": {
        "id": {"type": "integer"}, "text": {"type": "string"},
        "every_n_minutes": {"type": ["integer", "null"]}, "times_per_hour": {"type": ["integer", "null"]},
        "start_date": {"type": ["string", "null"]}, "end_date": {"type": ["string", "null"]},
        "weekdays": {"type": "array", "items": {"type": "integer"}}, "window_start": {"type": "string"},
        "window_end": {"type": ["string", "null"]}, "enabled": {"type": "boolean"},
    },
}


class SloganBody(Body):
    """A slogan and its schedule: give either every_n_minutes or times_per_hour."""

    text: str = Field(min_length=1, max_length=300, description="Shown as plain text, never as HTML")
    every_n_minutes: int | None = Field(default=None, ge=1, le=1440)
    times_per_hour: int | None = Field(default=None, ge=1, le=60, description="Must divide 60")
    start_date: date | None = Field(default=None, description="First day it plays (local date)")
    end_date: date | None = Field(default=None, description="Last day it plays, inclusive")
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=lambda: list(range(7)), min_length=1, max_length=7, description="0 = Monday ... 6 = Sunday"
    )
    window_start: str = Field(default="00:00", pattern=CLOCK_TIME, description="Daily window start, HH:MM")
    window_end: str | None = Field(default=None, pattern=CLOCK_TIME, description="Daily window end, HH:MM")
    enabled: bool = True

    def fields(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _reschedule(request: web.Request, row: dict[str, Any] | None, slogan_id: int) -> None:
    jobs = request.app[SERVICES].get("slogans")
    if jobs is None:
        return
    if row is None:
        jobs.unschedule(slogan_id)
    else:
        jobs.schedule(row)


@api.operation("listSlogans", "GET", "/api/slogans", "Slogans for the hall's screens, with their schedules",
               tag="display", roles=READERS,
               response={"type": "object", "required": ["slogans"],
                     "properties": {"slogans": {"type": "array", "items": SLOGAN}}})
async def list_slogans(request: web.Request, principal: Principal) -> web.Response:
    return ok({"slogans": store.all_slogans(request.app[READER])})


@api.operation("createSlogan", "POST", "/api/slogans", "Add a slogan and schedule it", tag="display", roles=ADMIN,
               body=SloganBody, response=SLOGAN, success=201)
async def create_slogan(request: web.Request, principal: Principal, body: SloganBody) -> web.Response:
    row = await decide(request, principal, service.create, body.fields())
    _reschedule(request, row, row["id"])
    return ok(row, status=201)


@api.operation("updateSlogan", "PUT", "/api/slogans/{slogan_id:\\d+}", "Replace a slogan's text and schedule",
               tag="display", roles=ADMIN, body=SloganBody, response=SLOGAN)
async def update_slogan(request: web.Request, principal: Principal, slogan_id: int,
                        body: SloganBody) -> web.Response:
    row = await decide(request, principal, service.update, slogan_id, body.fields())
    _reschedule(request, row, row["id"])
    return ok(row)


@api.operation("deleteSlogan", "DELETE", "/api/slogans/{slogan_id:\\d+}", "Delete a slogan and its schedule",
               tag="display", roles=ADMIN, response={"type": "object", "required": ["deleted"]})
async def delete_slogan(request: web.Request, principal: Principal, slogan_id: int) -> web.Response:
    await decide(request, principal, service.delete, slogan_id)
    _reschedule(request, None, slogan_id)
    return ok({"deleted": slogan_id})

"""The TV page (`/display`), the announcement audio (`/audio/<name>`), the admin's slogan page and the
announcement preview. Pages are Jinja2 with autoescape and no inline script or style (the CSP forbids
them): what an admin typed is always shown as text."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from pydantic import Field, model_validator

from display.service import hall_of
from display.voice.phrases import display_text_for
from display.voice.tts import SpeechError
from server import auth, messages
from server.api.common import ok
from server.api.pairing import renew_device_cookie
from server.api.registry import Api, Body, principal_of
from server.domain.errors import DomainError, Invalid, NotFound
from server.keys import OFFICE_SETTINGS, READER
from server.pages.admin.site import lang_of
from server.pages.pairing.pages import may_pair, unpaired
from server.store import catalog
from server.store import slogans as slogan_store
from server.web.middleware import COOKIE

api = Api()

HERE = Path(__file__).parent
JINJA = web.AppKey("display.jinja", jinja2.Environment)
LAYOUTS = ("hall", "group", "floor")
VIEWERS = frozenset({"display", *auth.STAFF})
_COUNTER_LIST = re.compile(r"^\d{1,3}(,\d{1,3})*$")


def _layout(request: web.Request, device_layout: str) -> dict[str, str]:
    """Query beats the device's `layout` column ("hall", "group:1,2,3", "floor:<grp>")."""
    name, _, arg = (device_layout or "hall").partition(":")
    layout = request.query.get("layout", name)
    counters = request.query.get("counters", arg if name == "group" else "").replace(" ", "")
    floor = request.query.get("floor", arg if name == "floor" else "")
    if layout not in LAYOUTS:
        raise ValueError(f"layout phải là hall, group hoặc floor / layout must be hall, group or floor: {layout!r}")
    if layout == "group" and not _COUNTER_LIST.match(counters):
        raise ValueError("layout=group cần counters=1,2,3 / layout=group needs counters=1,2,3")
    if layout == "floor" and not floor:
        raise ValueError("layout=floor cần floor=<nhóm quầy> / layout=floor needs floor=<counter group>")
    known = {str(c["number"]) for c in catalog.counters(request.app[READER])}
    missing = sorted(set(counters.split(",")) - known - {""})
    if missing:
        raise ValueError(f"không có quầy / no such counter: {', '.join(missing)}")
    return {"layout": layout, "counters": counters if layout == "group" else "", "floor": floor}


async def display_page(request: web.Request) -> web.Response:
    principal = principal_of(request)
    if principal.role not in VIEWERS:
        if may_pair(request):
            raise unpaired(request, "display")
        return _problem(request, 401, "display.problem_no_device")
    try:
        layout = _layout(request, principal.layout)
    except ValueError as exc:
        return _problem(request, 400, "display.problem_bad_layout", str(exc))
    office, settings = catalog.office(request.app[READER]), request.app[OFFICE_SETTINGS].current.office
    context: dict[str, Any] = {
        **layout, "office": office["name"] if office else settings.name,
        "tz": settings.timezone, "slogan": hall_of(request.app).current_slogan() or "",
        "sound": "off" if request.query.get("sound") == "off" else "on", "device_layout": principal.layout,
    }
    response = aiohttp_jinja2.render_template("display.html", request, context, app_key=JINJA)
    renew_device_cookie(response, request)
    return response


def _problem(request: web.Request, status: int, code: str, detail: str = "") -> web.Response:
    """A TV that cannot show the hall says why in Vietnamese; English and the layout's own detail (for whoever
    sets the screen up) sit behind the page's "English" disclosure."""
    return aiohttp_jinja2.render_template("problem.html", request, {"code": code, "detail": detail},
                                          app_key=JINJA, status=status)


async def audio(request: web.Request) -> web.StreamResponse:
    """Only cache names (sha256.wav) and chime.wav; anything else, a path included, is 404."""
    announcer = hall_of(request.app).announcer
    path = announcer.audio_file(request.match_info["name"]) if announcer is not None else None
    if path is None:
        raise web.HTTPNotFound(text="Không có tệp âm thanh này / no such audio file")
    return web.FileResponse(path, headers={"Cache-Control": "public, max-age=86400, immutable"})


async def slogans_page(request: web.Request) -> web.Response:
    """The slogan page speaks the admin pages' language: Vietnamese unless this browser chose English with the
    admin's switch (its cookie covers /admin/slogans); the switch is on this page too."""
    principal = principal_of(request)
    lang = lang_of(request)
    say = {"lang": lang, "say": lambda code, **params: messages.text(code, lang, **params)}
    if principal.role not in ("admin", "leader"):
        return aiohttp_jinja2.render_template("login.html", request, say, app_key=JINJA,
                                              status=401 if principal.role == "public" else 403)
    cookie = request.cookies.get(COOKIE, "")
    context = {
        **say, "slogans": slogan_store.all_slogans(request.app[READER]), "can_edit": principal.role == "admin",
        "csrf": auth.csrf_token(cookie) if cookie else "", "user": principal.display_name,
        "weekday_names": [messages.text(f"weekday_short.{n}", lang) for n in range(1, 8)],
    }
    return aiohttp_jinja2.render_template("slogans.html", request, context, app_key=JINJA)


class PreviewBody(Body):
    number: str = Field(min_length=1, max_length=12, description="A ticket number as printed, e.g. 1025 or A025")
    counter_id: int | None = Field(default=None, ge=1)
    counter_name: str | None = Field(default=None, min_length=1, max_length=80)

    @model_validator(mode="after")
    def one_counter(self) -> PreviewBody:
        if (self.counter_id is None) == (self.counter_name is None):
            raise ValueError("give exactly one of counter_id or counter_name")
        return self


@api.operation("previewAnnouncement", "POST", "/api/announcements/preview",
               "Hear how a call will sound: the phrase and its audio file (not played in the hall)", tag="display",
               body=PreviewBody, roles=frozenset({"admin", "leader"}),
               response={"type": "object", "required": ["text", "display", "audio"]})
async def preview(request: web.Request, principal: auth.Principal, body: PreviewBody) -> web.Response:
    announcer = hall_of(request.app).announcer
    if announcer is None:
        raise DomainError("voice_disabled", status=409)
    name = body.counter_name
    if body.counter_id is not None:
        counter = catalog.counter(request.app[READER], body.counter_id)
        if counter is None:
            raise NotFound("counter_not_found", counter=body.counter_id)
        name = counter["name_vi"]
    assert name is not None
    try:
        spoken = announcer.phrase(body.number, name)
    except ValueError as exc:
        raise Invalid("ticket_unreadable", number=body.number) from exc
    try:
        await asyncio.to_thread(announcer.renderer.render, spoken, announcer.settings)
    except SpeechError as exc:
        raise DomainError("voice_failed", status=503, detail=str(exc)) from exc
    return ok({"text": spoken, "display": display_text_for(body.number, name, announcer.template),
               "audio": f"/audio/{announcer.audio_name_for(spoken)}"})


def setup(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), app_key=JINJA, autoescape=True)
    env.globals.update(messages.template_globals())  # the hall's words come from the one catalogue
    app.router.add_get("/display", display_page, name="display")
    app.router.add_get("/audio/{name}", audio, name="audio")
    app.router.add_get("/admin/slogans", slogans_page, name="admin-slogans")
    app.router.add_static("/display/static/", HERE / "static", name="display-static")

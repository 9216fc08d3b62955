"""The first-run checklist at /admin/setup (and at the head of the overview until it is hidden): after
`motcua init` it walks the admin through the office's setup in order, each step's state read from the database
(services/checklist.py, decided by domain/checklist.py) with a link to the page that does it. It stays in the nav;
once every step is done the admin may hide it from the overview (one audited decision) and show it again later.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.domain import checklist
from server.keys import OFFICE_SETTINGS, READER
from server.messages import text
from server.pages.admin.site import admin_only, decide, form_of, lang_of, render
from server.services import checklist as svc


def describe(step: checklist.Step, lang: str) -> str:
    """The step's state as one sentence in the page's language (the office's missing keys named in words)."""
    p = step.params
    if step.key == "office":
        missing = ", ".join(text(f"setup.key_{key}", lang) for key in p["missing"])
        said = text(f"setup.{step.detail}", lang, missing=missing)
        return said if p["logo"] else f"{said} {text('setup.no_logo', lang)}"
    if step.key == "catalogue":
        code = "catalogue_state" if p["edited"] else "catalogue_sample"
        return text(f"setup.{code}", lang, **p)
    if step.key == "counters":
        parts = [text("setup.counters_state", lang, **p)]
        if p["idle"]:
            parts.append(text("setup.counters_idle", lang, idle=p["idle"]))
        return " ".join(parts)
    if step.key == "devices" and not step.done:
        return f"{text('setup.devices_state', lang, **p)} {text('setup.devices_need', lang)}"
    if step.key == "voice":
        code = "voice_default" if not p["chosen"] else (
            "voice_chosen" if p["enabled"] else "voice_off")
        return text(f"setup.{code}", lang)
    if not step.done:
        return text(f"setup.{step.detail}_none", lang)
    return text(f"setup.{step.detail}", lang, **p)


def view(request: web.Request) -> dict[str, Any]:
    """What checklist.html and the overview show: the steps with their sentences, and whether all are done."""
    facts = svc.facts(request.app[READER], request.app[OFFICE_SETTINGS].current)
    steps = checklist.steps(facts)
    lang = lang_of(request)
    return {"steps": [(step, describe(step, lang)) for step in steps], "all_done": checklist.all_done(steps),
            "done_count": sum(step.done for step in steps), "hidden": facts.dismissed}


async def page(request: web.Request) -> web.StreamResponse:
    return await render(request, "checklist.html", setup=view(request))


async def hide_or_show(request: web.Request) -> web.StreamResponse:
    """Hide the checklist from the overview (only once every step is done) or show it there again."""
    hide = (await form_of(request)).get("hide") == "1"
    setup = view(request)
    if hide and not setup["all_done"]:
        left = sum(not step.done for step, _ in setup["steps"])
        error = {lang: text("setup.hide_refused", lang, left=left) for lang in ("vi", "en")}
        return await render(request, "checklist.html", status=409, setup=setup, error=error)
    await decide(request, svc.set_hidden, hide)
    raise web.HTTPSeeOther("/admin" if hide else "/admin/setup?saved")


async def keep_voice(request: web.Request) -> web.StreamResponse:
    """'Use the default voice' on the voice step: the office's choice, recorded like a save of the voice page."""
    settings = request.app[OFFICE_SETTINGS]
    await decide(request, svc.keep_voice, settings.current)
    settings.refresh(request.app[READER])
    raise web.HTTPSeeOther("/admin/setup?saved")


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/setup", admin_only(page))
    app.router.add_post("/admin/setup/hide", admin_only(hide_or_show))
    app.router.add_post("/admin/setup/voice", admin_only(keep_voice))

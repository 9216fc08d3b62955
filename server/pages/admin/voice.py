"""The admin's voice page (/admin/voice): the hall's voice, number reading, speed, volume, chime and call phrase,
with "Nghe thử" playing a preview on the admin's own computer.

Saving is one writer decision (services/settings.py: the `voice` section, checked by server/config.py's
`VoiceSection`, audited); the announcer takes it at once through the settings' listeners (display/service.py).
"Nghe thử" submits the same form by GET: the page comes back with the values as typed and an <audio> element
fed by /admin/voice/preview.wav, which renders the sample call through display/voice/tts.py with those values,
unsaved. No page script is needed.
"""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from display.service import hall_of
from display.settings import VoiceConfig, voice_config
from display.voice.announcer import CHIME_NAME
from display.voice.chime import chime_wav
from display.voice.phrases import AnnouncementTemplate, phrase_for
from display.voice.tts import SpeechError, SpeechRenderer
from server.config import Config
from server.domain.errors import DomainError, Invalid
from server.keys import OFFICE_SETTINGS, READER
from server.messages import text
from server.pages.admin.site import admin_only, decide, error_text, form_of, render
from server.services import settings
from server.store import catalog

VOICES = ("north", "central", "south")
DIALECTS = ("north", "south")
PLAYERS = ("none", "auto")
SAMPLE_NUMBER = "1025"
LABELS = {"enabled": "voice.enabled", "voice": "voice.voice", "dialect": "voice.dialect", "rate": "voice.rate",
          "volume": "voice.volume", "chime": "voice.chime", "template": "voice.template",
          "digit_by_digit": "voice.reading", "four_as_tu": "voice.four_as_tu", "player": "voice.player",
          "replay_window_s": "voice.replay"}


def _number(raw: str, kind: type) -> Any:
    """Form text as the model's type; text that is not a number goes on as written, for the model to refuse."""
    try:
        return kind(raw.strip().replace(",", "."))
    except ValueError:
        return raw


def parse(form: Mapping[str, str], current: dict[str, Any]) -> dict[str, Any]:
    """The form as a `[voice]` section; what the page does not show (backend, audio folder, a player command
    written in the file) stays as it is."""
    value = dict(current)
    value.update(enabled="enabled" in form, chime="chime" in form, four_as_tu="four_as_tu" in form,
                 voice=form.get("voice", ""), dialect=form.get("dialect", ""), template=form.get("template", ""),
                 digit_by_digit=form.get("reading") == "digits", rate=_number(form.get("rate", ""), int),
                 replay_window_s=_number(form.get("replay_window_s", ""), float))
    volume = _number(form.get("volume", ""), float)
    value["volume"] = round(volume / 100, 3) if isinstance(volume, float) else volume
    if form.get("player") in PLAYERS:  # a command written in the file is kept; none is typed on a web page
        value["player"] = form["player"]
    return value


def checked(request: web.Request, value: dict[str, Any]) -> Config:
    """The whole configuration with this voice, or Invalid naming each refused field in the page's words."""
    try:  # the model says this one in English only
        AnnouncementTemplate(str(value.get("template", "")))
    except ValueError:
        raise Invalid("voice_template_slots") from None
    labels = {key: text(code) for key, code in LABELS.items()}
    return settings.check(request.app[OFFICE_SETTINGS].current, "voice", value, labels)


def _form_values(voice: dict[str, Any], sample_number: str, sample_counter: str) -> dict[str, Any]:
    volume = voice.get("volume")
    replay = voice.get("replay_window_s")
    return {**voice, "volume": round(volume * 100) if isinstance(volume, float | int) else volume,
            "replay_window_s": f"{replay:g}" if isinstance(replay, float | int) else replay,
            "reading": "digits" if voice.get("digit_by_digit") else "full",
            "sample_number": sample_number, "sample_counter": sample_counter}


def _sample_counter(request: web.Request) -> str:
    counters = catalog.counters(request.app[READER])
    return counters[0]["name_vi"] if counters else "Quầy số 1"


async def voice_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                     form: Mapping[str, str] | None = None) -> web.Response:
    current = request.app[OFFICE_SETTINGS].current.voice.model_dump(mode="json")
    source = form if form is not None else request.query
    number = source.get("sample_number", SAMPLE_NUMBER).strip()[:12] or SAMPLE_NUMBER
    counter = source.get("sample_counter", "").strip()[:80] or _sample_counter(request)
    voice, preview, phrase = current, None, None
    if form is not None or "preview" in request.query:
        voice = parse(source, current)
        if error is None:
            try:
                config = checked(request, voice)
                phrase = _phrase(voice_config(config), number, counter)
                preview = "/admin/voice/preview.wav?" + urlencode(
                    [(k, v) for k, v in source.items() if k not in ("csrf", "preview")])
            except DomainError as exc:
                status, error = exc.status, error_text(exc)
    return await render(request, "voice.html", status=status, error=error, voices=VOICES,
                        dialects=DIALECTS, players=PLAYERS, values=_form_values(voice, number, counter),
                        preview=preview, phrase=phrase)


def _phrase(voice: VoiceConfig, number: str, counter: str) -> str:
    try:
        return phrase_for(number, counter, voice.template, voice.dialect, voice.digit_by_digit, voice.four_as_tu)
    except ValueError as exc:
        raise Invalid("ticket_unreadable", number=number) from exc


async def save(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    current = request.app[OFFICE_SETTINGS].current.voice.model_dump(mode="json")
    labels = {key: text(code) for key, code in LABELS.items()}
    try:
        value = parse(form, current)
        checked(request, value)
        await decide(request, settings.save_section, request.app[OFFICE_SETTINGS].boot, "voice", value, labels)
    except DomainError as exc:
        return await voice_page(request, status=exc.status, error=error_text(exc), form=form)
    request.app[OFFICE_SETTINGS].load(request.app[READER])  # the listeners hear of it (not refresh: see printers)
    await hall_of(request.app).voice_settled()
    raise web.HTTPSeeOther("/admin/voice?saved=1")


def _joined(parts: list[Path]) -> bytes:
    """One WAV of the chime then the phrase (both 16-bit mono; the chime is made at espeak-ng's rate). A part in
    another format is left out rather than played at the wrong speed."""
    with wave.open(str(parts[-1]), "rb") as last:
        params = last.getparams()
    out = io.BytesIO()
    with wave.open(out, "wb") as joined:
        joined.setparams(params)
        for part in parts:
            with wave.open(str(part), "rb") as wav:
                if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == params[:3]:
                    joined.writeframes(wav.readframes(wav.getnframes()))
    return out.getvalue()


async def preview_wav(request: web.Request) -> web.StreamResponse:
    """The sample call as the hall would hear it with the settings in the query (not saved), for <audio>."""
    number = request.query.get("sample_number", SAMPLE_NUMBER).strip()[:12] or SAMPLE_NUMBER
    counter = request.query.get("sample_counter", "").strip()[:80] or _sample_counter(request)
    try:
        voice = voice_config(checked(request, parse(request.query, request.app[OFFICE_SETTINGS].current.voice
                                                    .model_dump(mode="json"))))
        spoken = _phrase(voice, number, counter)
        announcer = hall_of(request.app).announcer
        renderer = announcer.renderer if announcer is not None else SpeechRenderer(voice.cache_dir, voice.backend)
        path = await asyncio.to_thread(renderer.render, spoken, voice.settings)
        parts = [path]
        if voice.chime:
            parts.insert(0, await asyncio.to_thread(chime_wav, renderer.cache_dir / CHIME_NAME))
        body = await asyncio.to_thread(_joined, parts)
    except SpeechError as exc:
        raise DomainError("voice_failed", status=503, detail=str(exc)) from exc
    return web.Response(body=body, content_type="audio/wav", headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/voice", admin_only(voice_page))
    r.add_post("/admin/voice", admin_only(save))
    r.add_get("/admin/voice/preview.wav", admin_only(preview_wav))

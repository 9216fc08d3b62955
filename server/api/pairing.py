"""Pairing a screen by a short code (issue 21): the screen's side (ask for a code, wait) and the admin's (confirm).

A screen asks for a code (`POST /api/pair`, or by opening `/pair`): the answer carries the code, and a new device
token in an HttpOnly cookie that only this screen holds. It then polls `GET /api/pair`. When an admin confirms the
code (`POST /api/pair/{code}`, or the devices page), the stored hash becomes a device's, and the same cookie now
signs the screen in: the poll answers `paired` and the page to open. The token is never in an answer's body, an
address, or the admin's page.

Guessing is throttled twice: a machine may ask for 5 codes, then one a minute; wrong codes typed by one admin
(5, then one every 6 s) and by everyone together (20, then one every 6 s) are limited, answered 429 in Vietnamese
and English with `Retry-After`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from server import auth
from server.api.common import ctx_for, ok
from server.api.registry import Api, Body, principal_of
from server.auth import Principal
from server.domain import pairing as rules
from server.domain.errors import DomainError, Invalid, NotFound
from server.keys import READER, RECEIVED_AT, WRITER
from server.services import pairing as svc
from server.store import pairing as store
from server.web.client_address import client_address, reached_over_https
from server.web.lan import public_base
from server.web.middleware import DEVICE_COOKIE
from server.web.security import Bucket

api = Api()

# Chrome keeps a cookie at most 400 days; a paired screen's pages renew it at every load.
COOKIE_MAX_AGE_S = 400 * 24 * 3600
ADMIN = frozenset({"admin"})


class PairingGuard:
    """Token buckets for asking for codes (per machine) and for wrong codes (per admin, and all together)."""

    RULES = {"ask": (5.0, 60.0), "miss": (5.0, 6.0), "miss_all": (20.0, 6.0)}

    def __init__(self) -> None:
        self.buckets: dict[tuple[str, str], Bucket] = {}

    def _bucket(self, rule: str, who: str, now: float) -> Bucket:
        if len(self.buckets) > 5000:  # bounded: a full bucket forgets nothing worth keeping
            self.buckets.clear()
        burst, every = self.RULES[rule]
        return self.buckets.setdefault((rule, who), Bucket(burst, every, burst, now))

    def asking(self, address: str, now: float) -> None:
        wait = self._bucket("ask", address, now).take(now)
        if wait:
            raise DomainError("pair_request_throttled", status=429, retry_after=max(1, math.ceil(wait)))

    def before_try(self, who: str, now: float) -> None:
        """A look, taking nothing: only a miss takes from the buckets."""
        for rule, key in (("miss", who), ("miss_all", "*")):
            wait = replace(self._bucket(rule, key, now)).take(now)
            if wait:
                raise DomainError("pair_throttled", status=429, retry_after=max(1, math.ceil(wait)))

    def missed(self, who: str, now: float) -> None:
        self._bucket("miss", who, now).take(now)
        self._bucket("miss_all", "*", now).take(now)


GUARD = web.AppKey("pairing_guard", PairingGuard)


def set_device_cookie(resp: web.StreamResponse, request: web.Request, token: str) -> None:
    """HttpOnly (no script reads it), SameSite=Strict, `Secure` when the screen reached us over HTTPS."""
    resp.set_cookie(DEVICE_COOKIE, token, httponly=True, samesite="Strict", max_age=COOKIE_MAX_AGE_S, path="/",
                    secure=reached_over_https(request))


def renew_device_cookie(resp: web.StreamResponse, request: web.Request) -> None:
    """A paired screen's page renews its cookie, so a TV left on for years stays paired."""
    token = request.cookies.get(DEVICE_COOKIE)
    if token and principal_of(request).role in auth.DEVICES:
        set_device_cookie(resp, request, token)


def pair_link(request: web.Request, code: str) -> str:
    """What the screen's QR code opens: the admin's dialog for this code (on a phone signed in as admin)."""
    return f"{public_base(request)}/admin/devices/pair/{code}"


def _waiting_row(request: web.Request) -> dict[str, Any] | None:
    token = request.cookies.get(DEVICE_COOKIE)
    return store.by_token(request.app[READER], auth.token_hash(token)) if token else None


async def start(request: web.Request, kind: str, counter_id: int | None) -> tuple[dict[str, Any], str | None]:
    """The code this screen waits under: its own while it is valid (a reload keeps the code), else a new one.
    Answers (code, expires_at) and the new token to set as the cookie (None when the old one stays)."""
    now = request[RECEIVED_AT]
    row = _waiting_row(request)
    if row is not None and row["expires_at"] > now:
        return {"code": row["code"], "expires_at": row["expires_at"]}, None
    address = client_address(request)
    request.app[GUARD].asking(address, now)
    token = auth.new_token()
    found = await request.app[WRITER].run(svc.request_code, ctx_for(request, principal_of(request)),
                                          auth.token_hash(token), kind, counter_id, address,
                                          request.headers.get("User-Agent", ""))
    return found, token


def state_of(request: web.Request) -> dict[str, Any]:
    """Where this screen stands: `paired` (and the page to open), `waiting`, `expired`, or `none`."""
    principal = principal_of(request)
    if principal.role in auth.DEVICES:
        return {"state": "paired", "page": rules.page_for(principal.role, principal.device_counter_id),
                "kind": principal.role, "layout": principal.layout}
    row = _waiting_row(request)
    if row is None:
        return {"state": "none"}
    now = request[RECEIVED_AT]
    if row["expires_at"] <= now:
        return {"state": "expired"}
    return {"state": "waiting", "code": row["code"], "expires_in_s": math.ceil(row["expires_at"] - now)}


def waiting_screen(request: web.Request, principal: Principal, typed: str) -> dict[str, Any]:
    """The admin's look-up of a typed code, throttled: a malformed or unknown code counts as a miss."""
    guard, now, who = request.app[GUARD], request[RECEIVED_AT], principal.actor
    guard.before_try(who, now)
    code = rules.normalise(typed)
    try:
        if code is None:
            raise Invalid("pair_bad_code")
        return svc.waiting_screen(request.app[READER], code, now)
    except DomainError:
        guard.missed(who, now)
        raise


async def confirm(request: web.Request, principal: Principal, typed: str, setup: svc.ScreenSetup,
                  printers: set[str]) -> dict[str, Any]:
    """Pair the screen waiting under `typed` as `setup` (one decision, audited)."""
    screen = waiting_screen(request, principal, typed)
    try:
        return await request.app[WRITER].run(svc.confirm, ctx_for(request, principal), screen["code"], setup,
                                             printers, client_address(request))
    except NotFound as exc:  # used or expired between the look-up and the decision
        if exc.code == "pair_code_unknown":
            request.app[GUARD].missed(principal.actor, request[RECEIVED_AT])
        raise


def printer_ids(app: web.Application) -> set[str]:
    """The printers the server drives now (a kiosk may be given one of them)."""
    from printers.service import service_of

    return set(service_of(app).states())


# --- the API -------------------------------------------------------------------------------------------------

class PairRequest(Body):
    kind: Literal["", "display", "kiosk", "rating"] = Field("", description="What the screen was opened as")
    counter_id: int | None = Field(None, ge=1, description="A rating tablet's counter, when it was opened as one")


PAIR_ANSWER = {"type": "object", "required": ["code", "shown", "expires_at", "pair_url"]}


@api.operation("requestPairing", "POST", "/api/pair",
               "A new screen asks for a pairing code (its device token comes as an HttpOnly cookie, never in the body)",
               tag="devices", body=PairRequest, roles=auth.ANY, response=PAIR_ANSWER)
async def request_pairing(request: web.Request, principal: Principal, body: PairRequest) -> web.Response:
    if principal.role in auth.DEVICES:
        raise DomainError("pair_already_paired", status=409)
    found, token = await start(request, body.kind, body.counter_id)
    resp = ok({"code": found["code"], "shown": rules.shown(found["code"]), "expires_at": found["expires_at"],
               "pair_url": pair_link(request, found["code"])})
    if token is not None:
        set_device_cookie(resp, request, token)
    return resp


@api.operation("pairingState", "GET", "/api/pair", "A waiting screen asks whether it has been paired", tag="devices",
               roles=auth.ANY, response={"type": "object", "required": ["state"]})
async def pairing_state(request: web.Request, principal: Principal) -> web.Response:
    return ok(state_of(request))


class PairBody(Body):
    kind: Literal["display", "kiosk", "rating"]
    name: str = Field(min_length=1, max_length=100, description="Where it stands, e.g. 'TV sảnh chính'")
    device_id: str = Field("", max_length=40, pattern=r"^[A-Za-z0-9._-]*$",
                           description="Its id; empty: tv-1, kiosk-2, rating-3, ...")
    layout: Literal["hall", "group", "counter", "floor"] = Field("hall", description="A TV's layout")
    counters: list[int] = Field([], max_length=200, description="A TV's counters (numbers), for group and counter")
    floor: str = Field("", max_length=40, description="A TV's area (the counters' group), for floor")
    counter_id: int | None = Field(None, ge=1, description="A rating tablet's counter")
    printer_id: str = Field("", max_length=40, description="A kiosk's printer (empty: none)")

    def setup(self) -> svc.ScreenSetup:
        return svc.ScreenSetup(self.kind, self.name, self.device_id,
                               rules.ScreenLayout(self.layout, tuple(self.counters), self.floor), self.counter_id,
                               self.printer_id)


@api.operation("confirmPairing", "POST", "/api/pair/{code:[A-Za-z0-9-]+}",
               "Admin: pair the screen showing this code as a TV, kiosk or rating tablet", tag="devices",
               body=PairBody, roles=ADMIN, response={"type": "object", "required": ["id", "kind", "page"]},
               success=201)
async def confirm_pairing(request: web.Request, principal: Principal, code: str, body: PairBody) -> web.Response:
    device = await confirm(request, principal, code, body.setup(), printer_ids(request.app))
    return ok(device, status=201)


def setup(app: web.Application) -> None:
    app[GUARD] = PairingGuard()

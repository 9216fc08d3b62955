"""Pairing decisions: a screen asks for a code, an admin turns the code into a device, an admin changes what a
paired screen shows. Each runs in the writer; the admin's two leave a line in the audit log.

The screen's future device token is made by the handler and handed to the screen as an HttpOnly cookie; here
only its hash is stored, first with the code, then as the device's token hash. The admin never sees a token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from server.domain import pairing as rules
from server.domain.errors import DomainError, Invalid, NotFound
from server.services.context import Ctx
from server.store import accounts, catalog
from server.store import pairing as store
from server.store.tx import Tx

# More screens than an office has waiting at once means someone is filling the code space.
MAX_WAITING = 200
DEVICE_ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
ID_PREFIX = {"display": "tv", "kiosk": "kiosk", "rating": "rating"}


@dataclass(frozen=True)
class ScreenSetup:
    """What the admin says a screen is. `counters` are counter numbers (as the hall shows them) for a TV;
    `counter_id` is the rating tablet's counter; `printer_id` the kiosk's printer (none: QR on screen)."""

    kind: str
    name: str
    device_id: str = ""
    layout: rules.ScreenLayout = field(default_factory=rules.ScreenLayout)
    counter_id: int | None = None
    printer_id: str = ""


def request_code(tx: Tx, ctx: Ctx, token_hash: str, kind: str, counter_id: int | None, address: str,
                 agent: str) -> dict[str, Any]:
    """A code for a waiting screen, valid `rules.TTL_S`. Expired codes are cleared here, so the table holds
    only the screens waiting now."""
    store.remove_expired(tx, ctx.now)
    if store.waiting(tx, ctx.now) >= MAX_WAITING:
        raise DomainError("pair_too_many", status=429, retry_after=60)
    code = rules.new_code()
    while store.code_taken(tx, code):
        code = rules.new_code()
    expires_at = ctx.now + rules.TTL_S
    store.add(tx, code, token_hash, kind if kind in rules.KINDS else "", counter_id, address[:64], agent[:200],
              ctx.now, expires_at)
    return {"code": code, "expires_at": expires_at}


def waiting_screen(conn: Any, code: str, now: float) -> dict[str, Any]:
    """The screen waiting under `code`; a code not waiting (never given, used, or past its ten minutes) is 404."""
    row = store.by_code(conn, code, now)
    if row is None:
        raise NotFound("pair_code_unknown", pair_code=rules.shown(code), minutes=rules.TTL_S // 60)
    return row


def _checked(tx: Tx, setup: ScreenSetup, printers: set[str]) -> tuple[str, int | None, str]:
    """(layout, counter_id, printer_id) as stored, after the checks a setup must pass."""
    if setup.kind not in rules.KINDS:
        raise Invalid("pair_bad_kind")
    if not setup.name.strip():
        raise Invalid("admin_required_field", label="Tên / vị trí (Name / place)")
    if len(setup.name) > 100:
        raise Invalid("admin_too_long", label="Tên / vị trí (Name / place)", max=100)
    layout, counter_id, printer_id = "", None, ""
    counters = catalog.counters(tx)
    if setup.kind == "display":
        problem = rules.layout_problem(setup.layout, {c["number"] for c in counters},
                                       {c["grp"] for c in counters if c["grp"]})
        if problem:
            raise Invalid(problem)
        layout = setup.layout.stored()
    elif setup.kind == "rating":
        if setup.counter_id not in {c["id"] for c in counters}:
            raise Invalid("pair_rating_needs_counter")
        counter_id = setup.counter_id
    elif setup.printer_id:
        if setup.printer_id not in printers:
            raise Invalid("pair_unknown_printer", printer=setup.printer_id)
        printer_id = setup.printer_id
    return layout, counter_id, printer_id


def _new_id(tx: Tx, kind: str) -> str:
    taken = store.device_ids(tx)
    n = 1
    while f"{ID_PREFIX[kind]}-{n}" in taken:
        n += 1
    return f"{ID_PREFIX[kind]}-{n}"


def confirm(tx: Tx, ctx: Ctx, code: str, setup: ScreenSetup, printers: set[str], ip: str) -> dict[str, Any]:
    """The waiting screen becomes a device with the token it already holds; the code is used up."""
    screen = waiting_screen(tx, code, ctx.now)
    layout, counter_id, printer_id = _checked(tx, setup, printers)
    device_id = setup.device_id.strip() or _new_id(tx, setup.kind)
    if not DEVICE_ID.match(device_id):
        raise Invalid("admin_bad_code", label="Mã thiết bị (Device id)")
    if device_id in store.device_ids(tx):
        raise DomainError("duplicate", status=409, what="Thiết bị", value=device_id)
    accounts.insert_device(tx, device_id, setup.kind, setup.name.strip(), screen["token_hash"], printer_id or None,
                           counter_id, layout)
    store.remove(tx, code)
    device = {"id": device_id, "kind": setup.kind, "name": setup.name.strip(), "layout": layout,
              "counter_id": counter_id, "printer_id": printer_id or None,
              "page": rules.page_for(setup.kind, counter_id)}
    accounts.audit(tx, ctx.now, ctx.actor, "device.pair",
                   {**device, "code": code, "screen_address": screen["address"]}, ip)
    return device


def change(tx: Tx, ctx: Ctx, device_id: str, setup: ScreenSetup, printers: set[str], ip: str) -> dict[str, Any]:
    """A paired screen's name, layout, counter or printer; its kind and token stay."""
    before = store.device(tx, device_id)
    if before is None or not before["active"]:
        raise NotFound("admin_not_found", what="Thiết bị", key=device_id)
    layout, counter_id, printer_id = _checked(tx, ScreenSetup(before["kind"], setup.name, device_id, setup.layout,
                                                              setup.counter_id, setup.printer_id), printers)
    store.set_device(tx, device_id, setup.name.strip(), printer_id or None, counter_id, layout)
    after = {"id": device_id, "kind": before["kind"], "name": setup.name.strip(), "layout": layout,
             "counter_id": counter_id, "printer_id": printer_id or None}
    accounts.audit(tx, ctx.now, ctx.actor, "device.change", after, ip)
    return after

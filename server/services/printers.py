"""Printer decisions: the admin adds, changes or removes a ticket printer and says which kiosks print on it.

A printer is one item of the `printers` settings section (checked by server/config.py's `PrinterConfig` with the
other printers, stored and audited by services/settings.py); which kiosk prints where is the kiosk device's
`printer_id`. Both change in one writer decision, so a kiosk never points at a printer that was not saved.
"""

from __future__ import annotations

from typing import Any

from server.config import Config
from server.domain.errors import DomainError, NotFound
from server.services import settings
from server.services.context import Ctx
from server.settings import compose, section_values
from server.store import accounts
from server.store import admin as store
from server.store import settings as settings_store
from server.store.tx import Tx

WHAT = "Máy in"


def _printers(tx: Tx, boot: Config) -> list[dict[str, Any]]:
    current = compose(boot, settings_store.sections(tx.conn))
    return list(section_values(current, ("printers",))["printers"])


def _labels(index: int, printer_id: str, field_labels: dict[str, str]) -> dict[str, str]:
    """The page's Vietnamese names of the keys, for a refusal of the printer at `index` of the list."""
    return {str(index): f"máy in {printer_id}", **{f"{index}.{key}": label for key, label in field_labels.items()}}


def save_printer(tx: Tx, ctx: Ctx, boot: Config, before_id: str | None, printer: dict[str, Any],
                 kiosk_ids: list[str], field_labels: dict[str, str], ip: str) -> None:
    """Add (`before_id` None) or change one printer, and make `kiosk_ids` the kiosks that print on it."""
    printers = _printers(tx, boot)
    ids = [p["id"] for p in printers]
    if before_id is None:
        if printer["id"] in ids:
            raise DomainError("duplicate", status=409, what=WHAT, value=printer["id"])
        index = len(printers)
        printers.append(printer)
    else:
        if before_id not in ids:
            raise NotFound("admin_not_found", what=WHAT, key=before_id)
        index = ids.index(before_id)
        printers[index] = {**printer, "id": before_id}  # kiosks name it: its id is not changed here
    settings.save_section(tx, ctx, boot, "printers", printers, _labels(index, printers[index]["id"], field_labels),
                          ip)
    assign_kiosks(tx, ctx, printers[index]["id"], kiosk_ids, ip)


def assign_kiosks(tx: Tx, ctx: Ctx, printer_id: str, kiosk_ids: list[str], ip: str) -> None:
    """Exactly `kiosk_ids` print on `printer_id` (a kiosk moved here leaves its old printer)."""
    before = sorted(d["id"] for d in store.kiosks(tx.conn) if d["printer_id"] == printer_id)
    if before == sorted(kiosk_ids):
        return
    store.set_printer_kiosks(tx.conn, printer_id, kiosk_ids)
    accounts.audit(tx.conn, ctx.now, ctx.actor, "printer.kiosks",
                   {"printer_id": printer_id, "before": before, "after": sorted(kiosk_ids)}, ip)


def remove_printer(tx: Tx, ctx: Ctx, boot: Config, printer_id: str, ip: str) -> None:
    """A printer a kiosk still prints on is not removed: the kiosk's tickets would have nowhere to go."""
    printers = _printers(tx, boot)
    if printer_id not in [p["id"] for p in printers]:
        raise NotFound("admin_not_found", what=WHAT, key=printer_id)
    users = [d["name"] or d["id"] for d in store.kiosks(tx.conn) if d["printer_id"] == printer_id]
    if users:
        raise DomainError("printer_in_use", status=409, printer=printer_id, kiosks=", ".join(users))
    settings.save_section(tx, ctx, boot, "printers", [p for p in printers if p["id"] != printer_id], None, ip)

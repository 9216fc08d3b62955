"""The first-run checklist: which setup steps an office has done, decided from facts read out of its database.

After `motcua init` the office has a catalogue skeleton (five fields, the common procedures, six counters) and
one admin account, but no address, staff, printer, screens or voice chosen. The admin's first page lists the
steps in the order a commune office does them, each with its state and the page that does it. Pure rules: the
facts come from store/checklist.py and the office's settings, the words from the message catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The office keys a citizen sees (screens, slips, the QR code's address, the hotline), in the order the page asks.
OFFICE_KEYS = ("name", "code", "address", "hotline", "public_url")


@dataclass(frozen=True)
class Facts:
    """What the checklist needs to know about the office, as counts and flags."""

    office_missing: tuple[str, ...]  # office keys still empty or left at their default (name, code, ...)
    has_logo: bool
    has_footer: bool
    fields: int
    procedures: int
    catalogue_edited: bool  # a portal file was imported, or a field or procedure saved on the admin pages
    counters: int
    counters_idle: int  # active counters that serve no field or procedure (nobody's ticket would reach them)
    staff: int  # active staff and leader accounts
    printers: int
    displays: int
    kiosks: int
    ratings: int
    voice_chosen: bool  # the voice page was saved by a person (not the defaults written at the first start)
    voice_enabled: bool
    tickets: int
    dismissed: bool = False


@dataclass(frozen=True)
class Step:
    """One line of the checklist: `key` names its words (setup.<key> in the message catalogue), `detail` the
    sentence saying its state (setup.<detail>, filled from `params`)."""

    key: str
    done: bool
    href: str
    detail: str
    params: dict[str, Any] = field(default_factory=dict)


def steps(f: Facts) -> list[Step]:
    """The steps in the order an office does them; each is done when the database shows it was done."""
    office_done = not f.office_missing
    catalogue_done = f.catalogue_edited and f.procedures > 0
    counters_done = f.counters > 0 and f.counters_idle == 0 and f.staff > 0
    devices_done = f.displays > 0 and f.kiosks > 0
    return [
        Step("office", office_done, "/admin/office",
             "office_done" if office_done else "office_missing",
             {"missing": f.office_missing, "logo": f.has_logo, "footer": f.has_footer}),
        Step("catalogue", catalogue_done, "/admin/procedures/import", "catalogue_state",
             {"fields": f.fields, "procedures": f.procedures, "edited": f.catalogue_edited}),
        Step("counters", counters_done, "/admin/counters", "counters_state",
             {"counters": f.counters, "idle": f.counters_idle, "staff": f.staff}),
        Step("printers", f.printers > 0, "/admin/printers", "printers_state", {"printers": f.printers}),
        Step("devices", devices_done, "/admin/devices", "devices_state",
             {"displays": f.displays, "kiosks": f.kiosks, "ratings": f.ratings}),
        Step("voice", f.voice_chosen, "/admin/voice", "voice_state",
             {"chosen": f.voice_chosen, "enabled": f.voice_enabled}),
        Step("ticket", f.tickets > 0, "/kiosk", "ticket_state", {"tickets": f.tickets}),
    ]


def office_missing(office: dict[str, Any], defaults: dict[str, Any]) -> tuple[str, ...]:
    """The office keys still empty or still what `motcua init` left (the model's default name and code)."""
    return tuple(key for key in OFFICE_KEYS
                 if not str(office.get(key) or "").strip() or (defaults.get(key) and office.get(key) == defaults[key]))


def all_done(checklist: list[Step]) -> bool:
    return all(step.done for step in checklist)


def shown_on_overview(f: Facts) -> bool:
    """The overview leads with the checklist until the admin hides it (allowed once every step is done)."""
    return not f.dismissed

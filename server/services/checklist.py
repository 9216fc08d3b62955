"""The first-run checklist's facts (read from the database and the office's current settings) and the admin's
decision on it: hide it from the overview once every step is done, or show it again. The decision is one writer
decision with its audit line, like every admin change."""

from __future__ import annotations

from server.config import Config, OfficeSection
from server.domain import checklist
from server.services.context import Ctx
from server.store import accounts
from server.store import checklist as store
from server.store import settings as stored
from server.store.tickets import Conn
from server.store.tx import Tx


def facts(conn: Conn, current: Config) -> checklist.Facts:
    """What the checklist is decided from: the database's counts and the office's settings as they are now."""
    defaults = {key: f.default for key, f in OfficeSection.model_fields.items()}
    office = current.office.model_dump()
    return checklist.Facts(
        office_missing=checklist.office_missing(office, defaults), has_footer=bool(office["slip_footer"].strip()),
        printers=len(current.printers), **store.counts(conn))


def set_hidden(tx: Tx, ctx: Ctx, hidden: bool, ip: str) -> None:
    store.set_hidden(tx.conn, ctx.now if hidden else None)
    accounts.audit(tx.conn, ctx.now, ctx.actor, "setup.hide" if hidden else "setup.show", {}, ip)


def keep_voice(tx: Tx, ctx: Ctx, current: Config, ip: str) -> None:
    """The admin keeps the voice as it is (the defaults): stored under their name, so the step counts as chosen.
    Saving the voice page unchanged writes nothing, so this is the checklist's own way to say "this voice"."""
    value = current.model_dump(mode="json", include={"voice"})["voice"]
    stored.save(tx.conn, "voice", value, ctx.now, ctx.actor)
    accounts.audit(tx.conn, ctx.now, ctx.actor, "settings.voice", {"kept": True}, ip)

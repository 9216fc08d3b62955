"""The office's settings as they are now: one accessor, `app[SETTINGS].current`, a whole `Config`.

Where a setting comes from: the TOML file gives the machine's part (`[server]`, `[mobile]`, `[hub]`:
what the server needs before its database opens); every other section is read from the database's `settings`
table, where the admin pages write it (services/settings.py, validated by server/config.py's models, audited).
Once the database holds settings, it wins: the file's other sections are ignored. On the first start of an
installed office (the database holds none) the file's sections are moved into the database once
(`migrate_from_file`), so an upgrade loses nothing.

How a part reads settings and reacts to a change:

- Read at the moment of use: `app[SETTINGS].current.queue.priority_burst`, `.current.office.name`,
  `.current.tz`. Never keep a copy of a value in a module or a closure; `current` is replaced (never mutated)
  at each change, so holding one `Config` for the length of one request is fine.
- A part that builds state from its section (a queue policy, rate-limit buckets, a printer worker, the hub
  sync client) subscribes: `app[SETTINGS].subscribe(listener)`; `listener(config, changed)` is called on the
  event loop with the new `Config` and the names of the sections that changed (`{"queue"}`), after the change
  is committed, and once at start when the database's settings are loaded over the file's. A listener looks at
  `changed` and rebuilds only what depends on it; it must not block (start a task for slow work). A failing
  listener is logged and does not stop the others.
- The accessor is refreshed after every settings decision: `save()` in server/pages/admin/settings.py runs the
  decision, then `refresh(reader)`, which reads the table again and tells the listeners what differs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from server.config import MACHINE_SECTIONS, STORED_SECTIONS, Config, ConfigError, explain
from server.domain.queue_policy import QueuePolicy
from server.store import accounts
from server.store import settings as store
from server.store.tickets import Conn

log = logging.getLogger(__name__)

Listener = Callable[[Config, frozenset[str]], None]


def compose(boot: Config, stored: dict[str, Any]) -> Config:
    """The machine's part of the file with the database's sections over the file's others."""
    raw: dict[str, Any] = boot.model_dump(include=set(MACHINE_SECTIONS))
    raw.update(section_values(boot))
    raw.update({name: value for name, value in stored.items() if name in STORED_SECTIONS})
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"settings stored in the database: {explain(exc, raw)}") from None


def section_values(config: Config, names: tuple[str, ...] = STORED_SECTIONS) -> dict[str, Any]:
    """The office's sections as plain JSON values (what the settings table holds)."""
    return config.model_dump(mode="json", include=set(names))


def policy_from(config: Config) -> QueuePolicy:
    """The queue rule's parameters from the [queue] section."""
    q = config.queue
    return QueuePolicy(
        priority_burst=q.priority_burst,
        appointment_burst=q.appointment_burst,
        normal_max_wait_s=q.normal_max_wait_min * 60 if q.normal_max_wait_min > 0 else None,
        appointment_early_s=q.appointment_early_min * 60,
    )


class Settings:
    """The current settings and who wants to hear of a change (see the module's docstring). `policy` is the
    queue rule built from `current.queue`, rebuilt with it: every decision's context takes it from here."""

    def __init__(self, boot: Config) -> None:
        self.boot = boot
        self.current = boot
        self.policy = policy_from(boot)
        self.moved: list[str] | None = None  # the file's sections moved into the database at this start
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def load(self, conn: Conn) -> frozenset[str]:
        """Read the database's settings over the file's; tell the listeners what changed."""
        new = compose(self.boot, store.sections(conn))
        old, self.current = self.current, new
        self.policy = policy_from(new)
        changed = frozenset(name for name in STORED_SECTIONS if getattr(old, name) != getattr(new, name))
        if changed:
            self._notify(new, changed)
        return changed

    def refresh(self, conn: Conn) -> frozenset[str]:
        """After a settings decision committed: read the table again (a few rows), notify what changed."""
        return self.load(conn)

    def _notify(self, config: Config, changed: frozenset[str]) -> None:
        for listener in list(self._listeners):
            try:
                listener(config, changed)
            except Exception:
                log.exception("settings: %r failed to apply a change of %s", listener, ", ".join(sorted(changed)))


def start_note(settings: Settings) -> str:
    """What `motcua serve` says about the file's office sections once the database holds the settings."""
    written = file_sections(settings.boot)
    if not written:
        return ""
    names = ", ".join(f"[{name}]" for name in written)
    if settings.moved is not None:
        return (f"motcua: moved {names} from the config file into the database; edit them on the admin pages "
                "(/admin/office, /admin/settings). The file now needs only [server]; those sections of it are ignored.")
    return (f"motcua: {names} in the config file are ignored: the database holds the office's settings (edit them "
            "on the admin pages: /admin/office, /admin/settings). Keep only [server] in the file.")


def file_sections(boot: Config) -> list[str]:
    """The office's sections the TOML file actually wrote (not the defaults)."""
    return [name for name in STORED_SECTIONS if name in boot.model_fields_set]


def migrate_from_file(conn: Conn, boot: Config, at: float) -> list[str] | None:
    """The first start on this database: store every office section of the file (its defaults where the file
    is silent), so the database holds the whole office from now on. Returns the sections the file wrote, or
    None when the database already held settings (nothing done). Runs in the writer (one decision)."""
    if store.any_stored(conn):
        return None
    for name, value in section_values(boot).items():
        store.save(conn, name, value, at, "motcua.toml")
    written = file_sections(boot)
    accounts.audit(conn, at, "system", "settings.migrate", {"from_file": written})
    return written

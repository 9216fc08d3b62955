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
- The accessor is refreshed after every settings decision (`await apply(app)` in services/settings.py does the
  decision and the refresh); `refresh(conn)` also notices a change written by another process (a CLI), by the
  settings table's stamp (row count and last change).
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
        self._stamp: tuple[int, float] | None = None
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def load(self, conn: Conn) -> frozenset[str]:
        """Read the database's settings over the file's; tell the listeners what changed."""
        stamp = store.stamp(conn)
        new = compose(self.boot, store.sections(conn))
        old, self.current, self._stamp = self.current, new, stamp
        self.policy = policy_from(new)
        changed = frozenset(name for name in STORED_SECTIONS if getattr(old, name) != getattr(new, name))
        if changed:
            self._notify(new, changed)
        return changed

    def refresh(self, conn: Conn) -> frozenset[str]:
        """`load` when the settings table changed since the last read (cheap when it did not)."""
        if store.stamp(conn) == self._stamp:
            return frozenset()
        return self.load(conn)

    def _notify(self, config: Config, changed: frozenset[str]) -> None:
        for listener in list(self._listeners):
            try:
                listener(config, changed)
            except Exception:
                log.exception("settings: %r failed to apply a change of %s", listener, ", ".join(sorted(changed)))


def file_sections(boot: Config) -> list[str]:
    """The office's sections the TOML file actually wrote (not the defaults)."""
    return [name for name in STORED_SECTIONS if name in boot.model_fields_set]


def migrate_from_file(conn: Conn, boot: Config, at: float) -> list[str] | None:
    """The first start on this database: store every office section of the file (its defaults where the file
    is silent), so the database holds the whole office from now on. Returns the sections the file wrote, or
    None when the database already held settings (nothing done). Runs in the writer (one decision)."""
    if store.stamp(conn)[0] > 0:
        return None
    for name, value in section_values(boot).items():
        store.save(conn, name, value, at, "motcua.toml")
    written = file_sections(boot)
    accounts.audit(conn, at, "system", "settings.migrate", {"from_file": written})
    return written

"""One configuration, loaded from one TOML file; every key has a default and a doc line.

`SETTINGS_DOC` is data: the README's configuration reference is checked against it by a test.
Unknown keys are refused with a message naming them, so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    pass


def _doc(text: str, default: Any = dataclasses.MISSING, factory: Any = dataclasses.MISSING) -> Any:
    if factory is not dataclasses.MISSING:
        return field(default_factory=factory, metadata={"doc": text})
    return field(default=default, metadata={"doc": text})


@dataclass
class ServerSection:
    host: str = _doc("Address to listen on (0.0.0.0 for the office LAN).", "127.0.0.1")
    port: int = _doc("HTTP port.", 8080)
    data_dir: str = _doc("Folder for the database, audio cache and printed-ticket files.", "./var")
    db_path: str = _doc("SQLite file; empty means <data_dir>/motcua.db.", "")
    public_url: str = _doc("Base URL printed in ticket QR codes, e.g. http://192.168.1.10:8080.", "")
    machine_id: str = _doc("Short id of this machine, kept in every id it makes (mobile laptops differ).", "office")
    max_body_kb: int = _doc("Largest accepted request body, in KiB.", 64)
    token_ttl_hours: int = _doc("How long a staff sign-in token stays valid.", 12)
    group_commit: bool = _doc("Commit concurrent writes together (each still durable before its reply).", True)
    trusted_proxies: list[str] = _doc(
        "Addresses or networks of reverse proxies (Caddy, nginx) whose X-Forwarded-For / X-Real-IP / "
        "X-Forwarded-Proto name the real client, e.g. [\"127.0.0.1\"]; from any other peer they are ignored.",
        factory=list,
    )

    def trusted_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """`trusted_proxies` as networks (a bare address is a network of one); a wrong entry is refused."""
        networks = []
        for entry in self.trusted_proxies:
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError as exc:
                raise ConfigError(f"[server] trusted_proxies: {entry!r} is not an IP address or network "
                                  '(e.g. "127.0.0.1" or "10.0.0.0/8")') from exc
        return tuple(networks)


@dataclass
class OfficeSection:
    code: str = _doc("Office code, unique in the province (used by mobile-session files and the hub).", "demo")
    name: str = _doc("Office name shown on tickets and screens.", "Trung tâm Phục vụ hành chính công xã")
    timezone: str = _doc("Time zone of the office (numbering restarts at local midnight).", "Asia/Ho_Chi_Minh")
    hotline: str = _doc("Hotline printed on tickets and shown on the kiosk.", "")


@dataclass
class QueueSection:
    priority_burst: int = _doc("Priority tickets called in a row at a counter before a waiting walk-in.", 2)
    appointment_burst: int = _doc("Appointment tickets called in a row before a waiting walk-in.", 1)
    normal_max_wait_min: int = _doc("A walk-in waiting this long goes first (0 disables).", 45)
    appointment_early_min: int = _doc("How early a checked-in booking may be called before its slot.", 15)


@dataclass
class Config:
    server: ServerSection = field(default_factory=ServerSection)
    office: OfficeSection = field(default_factory=OfficeSection)
    queue: QueueSection = field(default_factory=QueueSection)
    printers: list[dict[str, Any]] = _doc("[[printers]] tables: one per ticket printer (see printers/).", factory=list)
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.office.timezone)

    @property
    def data_path(self) -> Path:
        return Path(self.server.data_dir)

    @property
    def db_file(self) -> Path:
        return Path(self.server.db_path) if self.server.db_path else self.data_path / "motcua.db"

    def section(self, name: str) -> dict[str, Any]:
        """A section owned by a part (voice, led, hub, ...) that validates its own keys."""
        return self.extra.get(name, {})


SECTIONS = {"server": ServerSection, "office": OfficeSection, "queue": QueueSection}
# Sections whose keys are validated by the part that owns them.
OPEN_SECTIONS = {
    "voice", "led", "slogans", "display", "kiosk", "backup", "hub", "sync", "calendar", "reports", "mobile",
    "security", "appointments", "steps",
}


def _build_section(cls: type, values: dict[str, Any], name: str) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"[{name}]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    for key, value in values.items():
        expected = hints[key]
        if expected is int and (not isinstance(value, int) or isinstance(value, bool)):
            raise ConfigError(f"[{name}] {key} must be a whole number, got {value!r}")
        if expected is bool and not isinstance(value, bool):
            raise ConfigError(f"[{name}] {key} must be true or false, got {value!r}")
        if expected is str and not isinstance(value, str):
            raise ConfigError(f"[{name}] {key} must be text, got {value!r}")
        if expected == list[str] and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise ConfigError(f"[{name}] {key} must be a list of texts, got {value!r}")
    return cls(**values)


def from_dict(raw: dict[str, Any]) -> Config:
    cfg = Config()
    for name, value in raw.items():
        if name in SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"[{name}] must be a table")
            setattr(cfg, name, _build_section(SECTIONS[name], value, name))
        elif name == "printers":
            if not isinstance(value, list):
                raise ConfigError("printers must be a list of [[printers]] tables")
            cfg.printers = value
        elif name in OPEN_SECTIONS:
            cfg.extra[name] = value
        else:
            allowed = sorted([*SECTIONS, "printers", *OPEN_SECTIONS])
            raise ConfigError(f"unknown section [{name}]; known sections: {', '.join(allowed)}")
    validate(cfg)
    return cfg


def validate(cfg: Config) -> None:
    try:
        ZoneInfo(cfg.office.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"[office] timezone {cfg.office.timezone!r} is not a known time zone") from exc
    if not 0 < cfg.server.port < 65536:
        raise ConfigError("[server] port must be between 1 and 65535")
    if cfg.queue.priority_burst < 1 or cfg.queue.appointment_burst < 1:
        raise ConfigError("[queue] priority_burst and appointment_burst must be at least 1")
    if not cfg.server.machine_id.replace("-", "").isalnum():
        raise ConfigError("[server] machine_id may hold only letters, digits and '-'")
    cfg.server.trusted_networks()


def load(path: str | Path | None) -> Config:
    if path is None:
        return from_dict({})
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {p} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {p} is not valid TOML: {exc}") from exc
    return from_dict(raw)


def settings_doc() -> list[tuple[str, str, Any]]:
    """(dotted key, doc, default) for every documented setting."""
    rows: list[tuple[str, str, Any]] = []
    for name, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            rows.append((f"{name}.{f.name}", f.metadata.get("doc", ""), default))
    return rows

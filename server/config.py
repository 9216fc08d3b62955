"""The configuration model: every setting of motcua.toml, one pydantic model per section, in one tree.

This is the schema of every setting wherever it is stored: the server validates its TOML file with it,
each part reads its own section from it (`cfg.voice.rate`, `cfg.security.public_burst`), and no part keeps
defaults of its own. Unknown keys are refused with a message naming them, so a typo never passes silently.
The settings reference (docs/settings.md) is generated from the descriptions here:
`python -m server.config --doc > docs/settings.md`, and a test checks the committed text is that output.
"""

from __future__ import annotations

import contextlib
import ipaddress
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from display.led.protocol import encode_frame
from display.voice.phrases import DEFAULT_TEMPLATE, AnnouncementTemplate
from display.voice.tts import Backend, Voice
from server.reports.definitions import GROUP_NAMES


class ConfigError(ValueError):
    pass


class Section(BaseModel):
    """A table of motcua.toml: strict types (a port written "80" is refused, not guessed) and no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys_only(cls, data: Any) -> Any:
        """Refuse unknown keys in one sentence that lists the known ones (a typo's fix is usually among them)."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(cls.model_fields))
            if unknown:
                raise ValueError(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(cls.model_fields)}")
        return data


def _positive(description: str, default: float) -> Any:
    """A number above 0 (limits and intervals: 0 would divide by zero or refuse everyone)."""
    return Field(default, gt=0, description=description)


class ServerSection(Section):
    host: str = Field("127.0.0.1", description="Address to listen on (`0.0.0.0` for the office LAN).")
    port: int = Field(8080, ge=1, le=65535, description="HTTP port.")
    data_dir: str = Field("./var", description="Folder for the database, audio cache and printed-ticket files.")
    db_path: str = Field("", description="SQLite file; empty means `<data_dir>/motcua.db`.")
    machine_id: str = Field("office", description="Short id of this machine, kept in every event it makes "
                                                  "(mobile laptops differ); letters, digits and `-`.")
    max_body_kb: int = Field(64, ge=1, description="Largest accepted request body, in KiB (larger: HTTP 413).")
    token_ttl_hours: int = Field(12, ge=1, description="How long a staff sign-in token stays valid.")
    group_commit: bool = Field(True, description="Commit concurrent writes together (each still durable before "
                                                 "its reply).")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies (Caddy, nginx) whose `X-Forwarded-For` / `X-Real-IP` "
                    "/ `X-Forwarded-Proto` name the real client, e.g. `[\"127.0.0.1\"]`; ignored from any other "
                    "peer (see docs/operations.md).")

    @field_validator("machine_id")
    @classmethod
    def _machine_id(cls, value: str) -> str:
        if not value.replace("-", "").isalnum():
            raise ValueError(f"may hold only letters, digits and '-', got {value!r}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network (e.g. \"127.0.0.1\" or "
                                 "\"10.0.0.0/8\")") from None
        return value

    def trusted_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """`trusted_proxies` as networks (a bare address is a network of one), checked at load."""
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in self.trusted_proxies)


class OfficeSection(Section):
    code: str = Field("demo", description="Office code, unique in the province (mobile-session files and the hub "
                                          "check it).")
    name: str = Field("Trung tâm Phục vụ hành chính công xã", description="Office name shown on tickets and screens.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone of the office (numbering restarts at local "
                                                          "midnight; opening hours, reports, backup names).")
    hotline: str = Field("", description="Hotline printed on tickets and shown on the kiosk.")
    address: str = Field("", max_length=300, description="Street address, shown on the booking page and slips.")
    public_url: str = Field("", description="Base URL printed in ticket QR codes, e.g. `http://192.168.1.10:8080` "
                                            "(empty: the address the kiosk used). Older files wrote it as "
                                            "`[server] public_url`, still read.")
    slip_footer: str = Field("", max_length=200, description="Line printed at the foot of every ticket slip (a "
                                                             "printer's own footer wins).")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"must start with http:// or https://, got {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone (e.g. \"Asia/Ho_Chi_Minh\")") from None
        return value


class QueueSection(Section):
    priority_burst: int = Field(2, ge=1, description="Priority tickets called in a row at a counter before a "
                                                     "waiting walk-in.")
    appointment_burst: int = Field(1, ge=1, description="Appointment tickets called in a row before a waiting "
                                                        "walk-in.")
    normal_max_wait_min: int = Field(45, ge=0, description="A walk-in waiting this long goes first (0 disables).")
    appointment_early_min: int = Field(15, ge=0, description="How early a checked-in booking may be called before "
                                                             "its slot.")


def _usb_id(value: object) -> object:
    """USB ids are written in hex on labels and in `lsusb` ("0x0416" or "0416"); accept both and whole numbers."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # not hex: refused below with the value as written
            value = int(value, 16)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF:
        return value
    raise ValueError(f"must be a 16-bit id like 0x0416, got {value!r}")


PRINTER_NEEDS: dict[str, tuple[str, ...]] = {
    "network": ("host",), "usb": ("usb_vendor_id", "usb_product_id"), "serial": ("serial_device",),
    "file": ("file_path",), "memory": (),
}


class PrinterConfig(Section):
    """One ticket printer (a `[[printers]]` table); the kiosk's device names it by `id`."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, description="Name of the printer; a kiosk device's printer id names it.")
    kind: Literal["network", "usb", "serial", "file", "memory"] = Field(
        description="How it is reached: `network` (host, port), `usb` (vendor and product id), `serial` "
                    "(serial_device, baudrate), `file` (file_path), `memory` (tests).")
    host: str | None = Field(None, description="network: the printer's IP address or name.")
    port: int = Field(9100, ge=1, le=65535, description="network: TCP port (raw printing).")
    usb_vendor_id: int | None = Field(None, description="usb: vendor id as on `lsusb`, e.g. `\"0x0416\"`.")
    usb_product_id: int | None = Field(None, description="usb: product id as on `lsusb`, e.g. `\"0x5011\"`.")
    serial_device: str | None = Field(None, description="serial: device path, e.g. `/dev/ttyUSB0`.")
    baudrate: int = Field(9600, ge=300, le=921600, description="serial: line speed.")
    file_path: str | None = Field(None, description="file: where the ESC/POS bytes are appended.")
    paper_mm: Literal[58, 80] = Field(80, description="Paper width in mm: 58 or 80.")
    mode: Literal["image", "text"] = Field("image", description="`image`: the ticket as one picture (diacritics "
                                                                "always right); `text`: the printer's own font.")
    profile: str | None = Field(None, description="python-escpos printer profile, e.g. `TM-T88V` (empty: default).")
    timeout_s: float = _positive("Seconds a connection or a print may take before the printer counts as offline.", 10.0)
    header: str | None = Field(None, description="Line printed at the top of the ticket.")
    footer: str | None = Field(None, description="Line printed at the foot of the ticket.")
    logo: str | None = Field(None, description="Picture file printed at the top.")
    show_qr: bool = Field(True, description="Print the QR code of the ticket's status page.")

    @field_validator("usb_vendor_id", "usb_product_id", mode="before")
    @classmethod
    def _usb(cls, value: object) -> object:
        return None if value is None else _usb_id(value)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrinterConfig:
        """One printer table checked alone (tests, tools), with the same sentences as in a whole file."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(explain(exc, {"printers": [data]}, at=("printers", 0))) from None

    @model_validator(mode="after")
    def _needs(self) -> PrinterConfig:
        missing = [key for key in PRINTER_NEEDS[self.kind] if getattr(self, key) in (None, "")]
        if missing:
            raise ValueError(f"kind {self.kind!r} needs {', '.join(missing)}")
        return self


class VoiceSection(Section):
    enabled: bool = Field(True, description="`false`: no speech at all (the TV still shows calls).")
    voice: Voice = Field("north", description="`north`, `central` or `south`.")
    rate: int = Field(150, ge=80, le=450, description="Speaking rate, words per minute.")
    volume: float = Field(1.0, ge=0.0, le=1.0, description="Loudness, 0.0-1.0.")
    dialect: Literal["north", "south"] = Field("north", description="`south` reads 1000 as \"ngàn\" and 105 as "
                                                                    "\"một trăm lẻ năm\".")
    digit_by_digit: bool = Field(False, description="Read numbers digit by digit (\"1025\": \"một không hai năm\").")
    four_as_tu: bool = Field(False, description="Read a final 4 as \"tư\" (24: \"hai mươi tư\").")
    template: str = Field(DEFAULT_TEMPLATE, description="The call phrase; `{number}` and `{counter}` once each.")
    chime: bool = Field(True, description="A ding-dong before each call.")
    player: str = Field("none", min_length=1, description="`none`: the TV pages speak; `auto`: paplay/aplay on the "
                                                          "server; or a command such as `aplay -q`.")
    cache_dir: str = Field("", description="Folder of rendered phrases; empty means `<data_dir>/audio`.")
    backend: Backend = Field(
        "pyttsx3", description="`pyttsx3` (falls back to the espeak-ng command line), `espeak-ng`, or `auto` "
                               "(the old name of pyttsx3).")
    replay_window_s: float = Field(120.0, ge=0, le=3600, description="A TV that was away (restart, Wi-Fi) still "
                                                                     "reads out calls this recent, in seconds.")

    @field_validator("template")
    @classmethod
    def _template(cls, value: str) -> str:
        AnnouncementTemplate(value)  # raises ValueError naming the slot that is missing or doubled
        return value

    @field_validator("player")
    @classmethod
    def _player(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be 'none', 'auto' or a command such as 'aplay -q'")
        return value.strip()


class LedBoard(Section):
    """One LED board (a `[[led.boards]]` table); see display/led/PROTOCOL.md."""

    address: str = Field(description="The board's address on its line, e.g. `Q3` (letters and digits).")
    transport: Literal["tcp", "serial"] = Field("tcp", description="`tcp` (host, port) or `serial` (url).")
    host: str = Field("127.0.0.1", description="tcp: the board's (or its converter's) address.")
    port: int = Field(7000, ge=1, le=65535, description="tcp: TCP port.")
    url: str = Field("", description="serial: `/dev/ttyUSB0` or a pyserial URL such as `socket://10.0.0.9:4001`.")
    baudrate: int = Field(9600, ge=300, le=921600, description="serial: line speed.")
    counter: str | None = Field(None, description="The counter's number it stands over; leave out for the hall's "
                                                  "main board.")
    ascii_only: bool = Field(False, description="The board cannot show Vietnamese letters: send them without marks.")
    timeout: float = _positive("Seconds to wait for the board's answer.", 3.0)

    @field_validator("counter", mode="before")
    @classmethod
    def _counter(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _reachable(self) -> LedBoard:
        encode_frame(self.address, "C")  # raises a ValueError naming what a board cannot take
        if self.transport == "serial" and not self.url:
            raise ValueError(f"serial LED board {self.address!r} needs a url (device path)")
        return self


class LedSection(Section):
    boards: list[LedBoard] = Field(default_factory=list, description="One `[[led.boards]]` table per board.")

    @field_validator("boards")
    @classmethod
    def _distinct(cls, boards: list[LedBoard]) -> list[LedBoard]:
        addresses = [b.address for b in boards]
        if len(set(addresses)) != len(addresses):
            raise ValueError("two boards have the same address")
        return boards


class KioskSection(Section):
    idle_reset_s: int = Field(60, ge=1, le=3600, description="Back to the start screen (and to Vietnamese) after "
                                                             "this many seconds without a touch.")
    ticket_show_s: int = Field(20, ge=1, le=3600, description="The ticket screen stays this long (twice as long "
                                                              "when the printer had a problem).")
    cooldown_s: int = Field(5, ge=1, le=3600, description="After a ticket, the issue buttons wait this long.")
    print_wait_s: int = Field(8, ge=1, le=3600, description="No word from the printer by then: show \"tell the "
                                                            "staff\".")
    default_lang: Literal["vi", "en"] = Field("vi", description="`vi` or `en`.")


class SecuritySection(Section):
    """Hostile input (docs/operations.md): staff, leaders and admins are never rate-limited."""

    kiosk_issue_burst: int = _positive("Tickets one kiosk may issue at once ...", 3)
    kiosk_issue_every_s: float = _positive("... then one more every this many seconds (HTTP 429 + `Retry-After` + "
                                           "a Vietnamese message).", 5.0)
    public_burst: int = _positive("Anonymous requests per client address to the public paths ...", 30)
    public_every_s: float = _positive("... then one more every this many seconds.", 0.5)
    public_paths: list[str] = Field(["/api/public/", "/book", "/api/appointments", "/api/booking"],
                                    description="Path prefixes limited per address for anonymous callers.")
    login_fail_limit: int = _positive("Failed sign-ins per (address, username) ...", 5)
    login_window_s: float = _positive("... within this window before that sign-in must wait.", 300)
    device_flush_s: float = _positive("How often device last-seen times are written, in seconds.", 60)
    checkin_burst: int = _positive("Booking check-in tries one kiosk may make at once ...", 5)
    checkin_every_s: float = _positive("... then one more every this many seconds (429 + `Retry-After`; staff at a "
                                       "counter are never limited).", 6.0)
    checkin_miss_burst: int = _positive("Booking codes not found, all kiosks together (the whole code space) ...", 20)
    checkin_miss_every_s: float = _positive("... then one more every this many seconds; past it the kiosks say "
                                            "\"ask at a counter\" (429 `checkin_throttled`).", 30.0)
    checkin_alert_misses: int = _positive("This many codes not found from one kiosk ...", 10)
    checkin_alert_window_s: float = _positive("... within this window write `appointment.checkin_misses` to the "
                                              "audit log (admin: Nhật ký) and a log warning, once a window.", 600)
    live_per_address: int = _positive("Live-feed WebSockets (`/api/live`) one client address may hold open; the next "
                                      "gets 429 with a message (wide: a guest Wi-Fi behind one NAT shows many "
                                      "phones as one address).", 500)
    live_send_timeout_s: float = _positive("A live client whose send stays blocked this long (it does not read) is "
                                           "cut off ...", 30.0)
    live_max_queued_kb: int = _positive("... as is one with this much text waiting for it, in KiB (our queue and "
                                        "the socket's buffer).", 512)
    counter_idle_lapse_min: int = Field(120, ge=0, le=24 * 60, description="A counter sign-in with no action at "
                                        "the counter for this many minutes lapses: the counter is free again and "
                                        "the console says why (0: never; a leader can still release it).")

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        """A config written for an older motcua is told where a key went, not just refused."""
        if isinstance(data, dict) and "trusted_proxies" in data:
            raise ValueError("trusted_proxies has moved: write it as [server] trusted_proxies")
        return data


class CalendarSection(Section):
    refuse_when_closed: bool = Field(True, description="Refuse tickets while the office is closed (`false`: issue "
                                                       "them into the day's session).")
    at_close: Literal["serve_all", "close_waiting"] = Field(
        "serve_all", description="At the end of the day: `serve_all` (the waiting are still served) or "
                                 "`close_waiting`; the admin's choice on /admin/calendar wins.")
    preset: Literal["", "standard"] = Field("", description="`standard`: install the usual office hours when no "
                                                            "calendar is configured yet.")


class MobileSection(Section):
    enabled: bool = Field(False, description="This machine is a mobile-session laptop (`motcua mobile prepare` "
                                             "writes this section).")
    place: str = Field("", description="Where the mobile session is held, e.g. \"Nhà văn hóa khu vực 4\"; "
                                       "required when enabled.")
    series: str = Field("LD", description="Number series of the mobile session's tickets.")

    @model_validator(mode="after")
    def _place(self) -> MobileSection:
        if self.enabled and not self.place:
            raise ValueError("place is required when enabled (e.g. \"Nhà văn hóa khu vực 4\")")
        return self


class AppointmentsSection(Section):
    early_min: int = Field(60, ge=0, description="How many minutes before the slot a booking may check in.")
    late_min: int = Field(15, ge=0, description="How many minutes after the slot's start it still may.")
    purge_days: int = Field(90, ge=0, description="Names and phone numbers of past bookings are erased after this "
                                                  "many days.")
    reminder_hours: int = Field(24, ge=0, description="Reminder sent this many hours before the slot.")
    max_active_per_phone: int = Field(3, ge=0, description="Upcoming bookings one phone number may hold.")


class StepsSection(Section):
    amber_pct: float = _positive("A step past this share of its target time shows amber.", 100)
    red_pct: float = _positive("A step past this share shows red (above amber_pct).", 150)
    check_seconds: float = _positive("How often overdue steps are looked for, in seconds.", 30)

    @model_validator(mode="after")
    def _order(self) -> StepsSection:
        if self.red_pct <= self.amber_pct:
            raise ValueError("red_pct must be greater than amber_pct")
        return self


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


class ReportsSection(Section):
    wait_target_min: float = Field(15, gt=0, le=480, description="Waits up to this many minutes count as within "
                                                                 "target.")
    monthly: bool = Field(True, description="Write last month's report file on the 1st.")
    monthly_group: str = Field("field", description=f"How the monthly file is grouped: {', '.join(GROUP_NAMES)}.")
    folder: str = Field("", description="Folder of the monthly files; empty means `<data_dir>/reports`.")
    letters_since: str = Field("", description="The day the office began the \"Hành chính phục vụ người dân\" model "
                                               "(YYYY-MM-DD): column (3) of the letters report, sent to the hub.")

    @field_validator("letters_since", mode="before")
    @classmethod
    def _day(cls, value: object) -> object:
        if isinstance(value, date):  # written unquoted in TOML (letters_since = 2024-03-01)
            value = value.isoformat()
        if value != "" and not (isinstance(value, str) and _is_day(value)):
            raise ValueError("must be the day the office began the \"Hành chính phục vụ người dân\" model, as "
                             f"YYYY-MM-DD (e.g. \"2024-03-01\"), got {value!r}")
        return value

    @field_validator("monthly_group")
    @classmethod
    def _group(cls, value: str) -> str:
        if value not in GROUP_NAMES:
            raise ValueError(f"must be one of {', '.join(GROUP_NAMES)}, got {value!r}")
        return value


class SyncSection(Section):
    hub_url: str = Field("", description="The province hub's address; empty: no push.")
    key: str = Field("", description="This centre's key, printed by `motcua hub add-centre` on the hub.")
    centre_code: str = Field("", description="The centre's code at the hub; empty means [office] code.")
    interval_s: float = _positive("Seconds between pushes.", 5.0)
    batch_size: int = Field(1000, ge=1, le=5000, description="Events per request.")
    timeout_s: float = _positive("Seconds before a push counts as failed.", 30.0)
    retry_max_s: float = _positive("Longest wait between retries after failures.", 300.0)

    @model_validator(mode="after")
    def _hub(self) -> SyncSection:
        self.hub_url = self.hub_url.rstrip("/")
        if self.hub_url and not self.hub_url.startswith(("http://", "https://")):
            raise ValueError(f"hub_url must start with http:// or https://, got {self.hub_url!r}")
        if self.hub_url and not self.key:
            raise ValueError("key is required: the key printed by `motcua hub add-centre` on the hub")
        return self


class HubSection(Section):
    """The province hub's own settings (a hub's config file, not an office's)."""

    dsn: str = Field(min_length=1, description="PostgreSQL database, e.g. "
                                               "`postgresql://motcua@localhost/motcua_hub` (required).")
    host: str = Field("127.0.0.1", description="Address the hub listens on.")
    port: int = Field(8090, ge=1, le=65535, description="The hub's HTTP port.")
    silent_after_min: int = Field(30, ge=1, description="A centre silent this long shows as silent.")
    token_ttl_hours: int = Field(12, ge=1, description="How long a province admin's sign-in stays valid.")
    wait_target_min: int = Field(15, ge=1, description="The dashboard's share called within this many minutes.")


class BackupSection(Section):
    """Read by server/ops/backup.py's own small reader too (install.sh runs it with the system Python)."""

    dir: str = Field("/var/backups/motcua", description="Folder of the backups (a second or USB disk).")
    keep_days: int = Field(14, ge=0, description="Backups older than this are deleted; the newest is always kept.")
    hour: int = Field(2, ge=0, le=23, description="Hour of the night (office time) of the nightly backup.")


class Config(Section):
    """The whole file. `[[printers]]` and `[[led.boards]]` are lists of tables; `[hub]` only on the hub."""

    server: ServerSection = Field(default_factory=ServerSection, description="The web server and its files.")
    office: OfficeSection = Field(default_factory=OfficeSection, description="This office.")
    queue: QueueSection = Field(default_factory=QueueSection, description="Which ticket a counter calls next.")
    printers: list[PrinterConfig] = Field(default_factory=list, description="Ticket printers.")
    voice: VoiceSection = Field(default_factory=VoiceSection, description="The hall's voice (display/voice/).")
    led: LedSection = Field(default_factory=LedSection, description="LED boards over the counters and in the hall.")
    kiosk: KioskSection = Field(default_factory=KioskSection, description="The ticket kiosk's screens.")
    security: SecuritySection = Field(default_factory=SecuritySection, description="Rate limits and the sign-in "
                                                                                   "throttle (docs/operations.md).")
    calendar: CalendarSection = Field(default_factory=CalendarSection, description="Opening hours behaviour.")
    mobile: MobileSection = Field(default_factory=MobileSection, description="A mobile-session laptop "
                                                                             "(docs/sessions.md).")
    appointments: AppointmentsSection = Field(default_factory=AppointmentsSection, description="Bookings.")
    steps: StepsSection = Field(default_factory=StepsSection, description="Timed steps at the counter "
                                                                          "(docs/console.md).")
    reports: ReportsSection = Field(default_factory=ReportsSection, description="Reports (docs/reports.md).")
    sync: SyncSection = Field(default_factory=SyncSection, description="Pushing this office's events to the "
                                                                       "province hub (docs/hub.md).")
    hub: HubSection | None = Field(None, description="The province hub (docs/hub.md).")
    backup: BackupSection = Field(default_factory=BackupSection, description="Nightly backups "
                                                                             "(docs/operations.md).")

    @model_validator(mode="before")
    @classmethod
    def _public_url_moved(cls, data: Any) -> Any:
        """`[server] public_url` of an older file is the office's public address now (kept in the database)."""
        if isinstance(data, dict) and isinstance(data.get("server"), dict) and "public_url" in data["server"]:
            server = dict(data["server"])
            office = dict(data.get("office") or {})
            office.setdefault("public_url", server.pop("public_url"))
            data = {**data, "server": server, "office": office}
        return data

    @field_validator("printers")
    @classmethod
    def _distinct_printers(cls, printers: list[PrinterConfig]) -> list[PrinterConfig]:
        ids = [p.id for p in printers]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"two printers have the same id: {', '.join(twice)}")
        return printers

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.office.timezone)

    @property
    def data_path(self) -> Path:
        return Path(self.server.data_dir)

    @property
    def db_file(self) -> Path:
        return Path(self.server.db_path) if self.server.db_path else self.data_path / "motcua.db"


# The machine's part: what the server needs before its database opens (and a mobile laptop's or the hub's own
# description). Every other section is the office's, kept in the database once it is migrated (server/settings.py).
MACHINE_SECTIONS = ("server", "mobile", "hub")
STORED_SECTIONS = tuple(name for name in Config.model_fields if name not in MACHINE_SECTIONS)


# --- errors a person can act on ------------------------------------------------------------------------------

_KINDS = {
    "int_type": "must be a whole number", "bool_type": "must be true or false", "string_type": "must be text",
    "float_type": "must be a number", "list_type": "must be a list", "missing": "is required",
}


def _where(loc: tuple[Any, ...], raw: Any) -> tuple[str, Any]:
    """`[server] port`, `[[printers]] #2 ('kiosk1') port`, `[[led.boards]] #1 address` from pydantic's location,
    with the value found there in the file (to tell a table's problem from a key's)."""
    parts: list[str] = []
    node = raw
    i = 0
    while i < len(loc):
        key = loc[i]
        node = node.get(key) if isinstance(node, dict) else None
        if i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            node = node[index] if isinstance(node, list) and index < len(node) else None
            if not isinstance(node, dict):  # an item of a list of values: `[server] trusted_proxies #2`
                parts += [f"[{key}]" if not parts else str(key), f"#{index + 1}"]
                i += 2
                continue
            name = node.get("id") or node.get("address")
            table = ".".join(str(p) for p in loc[:i + 1])
            parts = [f"[[{table}]] #{index + 1}" + (f" ({name!r})" if isinstance(name, str) and name else "")]
            i += 2
            continue
        parts.append(f"[{key}]" if not parts else str(key))
        i += 1
    return " ".join(parts), node


def _message(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "missing":
        return "is required"
    if kind in _KINDS:
        return f"{_KINDS[kind]}, got {value!r}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a table"
    if kind == "literal_error":
        return f"must be {error['ctx']['expected']}, got {value!r}"
    if kind in _BOUNDS:
        bound = {key: f"{limit:g}" for key, limit in error["ctx"].items()}  # 0, not 0.0
        return f"must be {_BOUNDS[kind].format(**bound)}, got {value!r}"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty"
    return str(error["msg"])


_BOUNDS = {"greater_than_equal": "at least {ge}", "less_than_equal": "at most {le}",
           "greater_than": "above {gt}", "less_than": "below {lt}"}


def explain(exc: ValidationError, raw: Any, at: tuple[Any, ...] = ()) -> str:
    """Every problem of a config, one line each, naming the section and the key. `raw` is the file's text as
    read; `at` is where in it the object that failed sits (a single `[[printers]]` table: `("printers", 0)`)."""
    lines = []
    for error in exc.errors(include_url=False):
        where, node = _where(at + tuple(error["loc"]), raw)
        message = _message(error)
        if not where:
            lines.append(message)
        elif isinstance(node, dict | list):  # a table's own check (unknown keys, keys that go together)
            lines.append(f"{where}: {message}")
        else:
            lines.append(f"{where} {message}")
    return "\n".join(lines)


def from_dict(raw: dict[str, Any]) -> Config:
    unknown = sorted(set(raw) - set(Config.model_fields))
    if unknown:
        raise ConfigError(f"unknown section {', '.join(f'[{name}]' for name in unknown)}; "
                          f"known sections: {', '.join(Config.model_fields)}")
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(explain(exc, raw)) from None


def load(path: str | Path | None) -> Config:
    """The config of the file at `path` (None: every default); a problem names the file and the key."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {p} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {p} is not valid TOML: {exc}") from exc
    try:
        return from_dict(raw)
    except ConfigError as exc:
        raise ConfigError(f"config file {p}: {exc}") from None


# --- the settings reference, generated from the model ----------------------------------------------------------

def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _default(field: Any) -> str:
    if field.is_required():
        return "*(required)*"
    value = field.get_default(call_default_factory=True)
    if value is None or value == "":
        return "*(empty)*"
    return f"`{_toml(value)}`"


def _section_model(annotation: Any) -> tuple[type[Section] | None, bool]:
    """The section model a field holds, and whether it is a list of such tables (`[[printers]]`)."""
    is_list = getattr(annotation, "__origin__", None) is list
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, Section):
            return candidate, is_list
    return None, False


def _table(written: str, dotted: str, about: str, model: type[Section]) -> list[str]:
    """One table of the reference; a list of tables inside it (`[[led.boards]]`) follows as its own."""
    rows, inner = [], []
    for key, field in model.model_fields.items():
        sub, is_list = _section_model(field.annotation)
        if sub is not None:
            inner += _table(f"[[{dotted}.{key}]]" if is_list else f"[{dotted}.{key}]", f"{dotted}.{key}",
                            field.description or "", sub)
            continue
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{dotted}.{key}` | {_default(field)} | {meaning} |")
    if not rows:
        return inner
    if written.startswith("[["):
        about += " A list: one table per item."
    return ["", f"## `{written}`", "", about, "", "| key | default | meaning |", "|---|---|---|", *rows, *inner]


def settings_reference() -> str:
    """docs/settings.md: every section and key with its default and meaning, in the model's order."""
    out = [
        "# Settings reference",
        "",
        "<!-- Generated from server/config.py by `python -m server.config --doc > docs/settings.md`; "
        "do not edit by hand. -->",
        "",
        "One TOML file (`motcua serve --config motcua.toml`); every section and key is optional unless marked "
        "*(required)*. An unknown section or key, or a value of the wrong kind, stops the start with a message "
        "naming the file, the section and the key (`python -m server.config --check motcua.toml` checks a file "
        "without starting). `deploy/motcua.example.toml` shows a whole office.",
        "",
        "## Which source wins",
        "",
        f"The file keeps only the machine's part: {', '.join(f'`[{n}]`' for n in MACHINE_SECTIONS)} (what the "
        "server needs before its database opens; `[mobile]` describes a mobile-session laptop, `[hub]` the "
        "province hub). Every other section is the office's and lives in the database, edited on the admin pages "
        "(*Thông tin đơn vị* /admin/office, *Cài đặt* /admin/settings, and the printers, voice and screens pages), "
        "checked by the same models as the file, written to the audit log and applied at once, without a restart. "
        "**Once the database holds settings, the database wins**: those sections of the file are ignored, and "
        "`motcua serve` says so. On the first start of a database that holds none (a new install, or an upgrade "
        "from a version that kept everything in the file), the file's sections, `[[printers]]` and `[voice]` "
        "included, are moved into the database once, with a log line; the tables below describe the keys "
        "wherever they are kept.",
    ]
    for name, field in Config.model_fields.items():
        model, is_list = _section_model(field.annotation)
        if model is not None:
            out += _table(f"[[{name}]]" if is_list else f"[{name}]", name, field.description or "", model)
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    """`python -m server.config --doc` prints the reference; `--check FILE` loads a config and says what is wrong."""
    if argv[:1] == ["--doc"]:
        sys.stdout.write(settings_reference())
        return 0
    if len(argv) == 2 and argv[0] == "--check":
        try:
            load(argv[1])
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"{argv[1]}: ok")
        return 0
    print("usage: python -m server.config --doc | --check motcua.toml", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

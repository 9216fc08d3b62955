"""Printer configuration and the escpos device behind each printer.

We wrap python-escpos's own devices (Network, Usb, Serial, File) rather than writing sockets ourselves; the
only device of ours is ``MemoryPrinter``, a real escpos printer that keeps its jobs in a list for tests.
"""

from __future__ import annotations

import importlib.util
import socket
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from escpos.escpos import Escpos

Kind = Literal["network", "usb", "serial", "file", "memory"]
KINDS: tuple[str, ...] = ("network", "usb", "serial", "file", "memory")
REQUIRED: dict[str, tuple[str, ...]] = {
    "network": ("host",),
    "usb": ("usb_vendor_id", "usb_product_id"),
    "serial": ("serial_device",),
    "file": ("file_path",),
    "memory": (),
}
OPTIONAL_MODULES = {
    "usb": ("usb", "pyusb (pip install pyusb; apt install libusb-1.0-0)"),
    "serial": ("serial", "pyserial"),
}


@dataclass(frozen=True)
class PrinterConfig:
    """One ticket printer as the admin configures it (a ``[[printers]]`` table in the server's TOML)."""

    id: str
    kind: Kind
    host: str | None = None
    port: int = 9100
    usb_vendor_id: int | None = None
    usb_product_id: int | None = None
    serial_device: str | None = None
    baudrate: int = 9600
    file_path: str | None = None
    paper_mm: int = 80
    mode: Literal["image", "text"] = "image"
    profile: str | None = None
    timeout_s: float = 10.0
    header: str | None = None
    footer: str | None = None
    logo: str | None = None
    show_qr: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrinterConfig:
        """Validate an admin's printer table, naming the key and printer in every error."""
        known = {f.name for f in fields(cls)}
        name = data.get("id")
        if not isinstance(name, str) or not name.strip():
            raise ValueError("printer config needs a non-empty string 'id'")
        where = f"printer {name!r}"
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
            )
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
        missing = [key for key in REQUIRED[kind] if data.get(key) in (None, "")]
        if missing:
            raise ValueError(f"{where}: kind {kind!r} needs {', '.join(missing)}")
        values = dict(data)
        for key in ("usb_vendor_id", "usb_product_id"):
            if values.get(key) is not None:
                values[key] = _usb_id(values[key], f"{where}: {key}")
        for key, low, high in (("port", 1, 65535), ("baudrate", 300, 921600)):
            if key in values and not (isinstance(values[key], int) and low <= values[key] <= high):
                raise ValueError(f"{where}: {key} must be an integer {low}-{high}, got {values[key]!r}")
        if values.get("paper_mm", 80) not in (58, 80):
            raise ValueError(f"{where}: paper_mm must be 58 or 80, got {values['paper_mm']!r}")
        if values.get("mode", "image") not in ("image", "text"):
            raise ValueError(f"{where}: mode must be 'image' or 'text', got {values['mode']!r}")
        timeout = values.get("timeout_s", 10.0)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise ValueError(f"{where}: timeout_s must be a positive number of seconds, got {timeout!r}")
        return cls(**values)


def _usb_id(value: object, where: str) -> int:
    """USB ids are written in hex on labels and in ``lsusb`` ("0x0416" or "0416"); accept both and ints."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF:
        return value
    if isinstance(value, str):
        try:
            number = int(value, 16)
        except ValueError:
            number = -1
        if 0 <= number <= 0xFFFF:
            return number
    raise ValueError(f"{where} must be a 16-bit id like 0x0416, got {value!r}")


class MemoryPrinter(Escpos):
    """An escpos printer whose paper is a list: each open()…close() becomes one entry in ``jobs``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        Escpos.__init__(self, *args, **kwargs)
        self.jobs: list[bytes] = []
        self._buffer: list[bytes] = []

    def open(self) -> None:
        self._buffer = []
        self.device = self

    def _raw(self, msg: bytes) -> None:
        self._buffer.append(msg)

    def close(self) -> None:
        if self._buffer:
            self.jobs.append(b"".join(self._buffer))
            self._buffer = []


@dataclass
class MemoryPrinters:
    """Keeps one MemoryPrinter per printer id so a test can read what a worker 'printed'."""

    devices: dict[str, MemoryPrinter] = field(default_factory=dict)

    def get(self, cfg: PrinterConfig) -> MemoryPrinter:
        return self.devices.setdefault(cfg.id, MemoryPrinter(profile=cfg.profile))


MEMORY = MemoryPrinters()


def _require(kind: str) -> None:
    """Fail when the device is used, not at import: most offices have network printers and no pyusb."""
    module, install = OPTIONAL_MODULES[kind]
    if importlib.util.find_spec(module) is None:
        raise ImportError(f"{kind} printers need the '{module}' module: install {install}")


def open_connector(cfg: PrinterConfig, memory: MemoryPrinters = MEMORY) -> Escpos:
    """Open the escpos device for ``cfg`` (blocking: call it from the worker's thread)."""
    from escpos import printer as devices

    if cfg.kind == "network":
        device: Escpos = devices.Network(cfg.host, port=cfg.port, timeout=cfg.timeout_s, profile=cfg.profile)
    elif cfg.kind == "usb":
        _require("usb")
        device = devices.Usb(cfg.usb_vendor_id, cfg.usb_product_id, timeout=0, profile=cfg.profile)
    elif cfg.kind == "serial":
        _require("serial")
        device = devices.Serial(
            cfg.serial_device, baudrate=cfg.baudrate, timeout=cfg.timeout_s, profile=cfg.profile
        )
    elif cfg.kind == "file":
        device = devices.File(cfg.file_path, profile=cfg.profile)
    else:
        device = memory.get(cfg)
    device.open()
    return device


PaperStatus = Literal["ok", "near_end", "out"]


def paper_status(device: Escpos, timeout_s: float = 0.5) -> PaperStatus | None:
    """Ask a network printer for its paper sensor (DLE EOT 4); ``None`` when it cannot tell.

    Only network devices are asked: they answer on the same socket, while USB/serial answers depend on the
    model's back channel. A printer that stays silent (many cheap ones do) counts as "unknown", never as out;
    so does one that hung up (escpos's own ``paper_status`` reads that empty answer as "plenty of paper").
    """
    from escpos.constants import RT_MASK_LOWPAPER, RT_MASK_NOPAPER, RT_MASK_PAPER, RT_STATUS_PAPER
    from escpos.printer import Network

    if not isinstance(device, Network) or not device.device:
        return None
    sock: socket.socket = device.device  # type: ignore[assignment]
    previous = sock.gettimeout()
    sock.settimeout(timeout_s)
    try:
        answer = device.query_status(RT_STATUS_PAPER)
    except (TimeoutError, OSError):
        return None
    finally:
        sock.settimeout(previous)
    if not answer:
        return None
    if answer[0] & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        return "out"
    if answer[0] & RT_MASK_LOWPAPER == RT_MASK_LOWPAPER:
        return "near_end"
    return "ok" if answer[0] & RT_MASK_PAPER == RT_MASK_PAPER else "out"

"""The escpos device behind each configured printer (the configuration: printers/settings.py).

We wrap python-escpos's own devices (Network, Usb, Serial, File) rather than writing sockets ourselves; the
only device of ours is ``MemoryPrinter``, a real escpos printer that keeps its jobs in a list for tests.
"""

from __future__ import annotations

import importlib.util
import socket
from dataclasses import dataclass, field
from typing import Any, Literal

from escpos.escpos import Escpos

from printers.settings import OPTIONAL_MODULES, PrinterConfig


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
    sock: socket.socket = device.device
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

"""A ticket printer as the admin configures it (a `[[printers]]` table), checked at start-up.

Kept apart from the devices (printers/connectors.py) so the server reads its configuration without
importing python-escpos, Pillow and qrcode: those load only when a printer is actually configured.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

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

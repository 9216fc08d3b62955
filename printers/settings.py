"""A ticket printer as the admin configures it (a `[[printers]]` table), checked at start-up.

The table's keys, defaults and checks are `PrinterConfig` in the configuration model (server/config.py; every
key in docs/settings.md). Kept apart from the devices (printers/connectors.py) so the server reads its
configuration without importing python-escpos, Pillow and qrcode: those load only when a printer is used.
"""

from __future__ import annotations

from server.config import PrinterConfig

__all__ = ["OPTIONAL_MODULES", "PrinterConfig"]

# The Python module a kind of connection needs beyond the base install, and what to install when it is missing.
OPTIONAL_MODULES = {
    "usb": ("usb", "pyusb (pip install pyusb; apt install libusb-1.0-0)"),
    "serial": ("serial", "pyserial"),
}

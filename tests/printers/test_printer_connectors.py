"""Specs for printers/connectors.py: admins' printer tables are checked with messages that say what to fix."""

from __future__ import annotations

import importlib.util

import pytest
from escpos.printer import File, Network

from printers.connectors import MemoryPrinters, PrinterConfig, open_connector, paper_status
from printers.ticket.escpos_bytes import write_ticket
from printers.ticket.layout import TicketLayout
from tests.printers.test_printer_layout import make_slip


def test_network_printer_from_dict_gets_defaults() -> None:
    cfg = PrinterConfig.from_dict({"id": "kiosk-1", "kind": "network", "host": "192.168.1.50"})
    assert (cfg.port, cfg.paper_mm, cfg.mode, cfg.timeout_s) == (9100, 80, "image", 10.0)


def test_usb_ids_are_read_as_hex_like_lsusb_prints_them() -> None:
    cfg = PrinterConfig.from_dict(
        {"id": "u", "kind": "usb", "usb_vendor_id": "0x0416", "usb_product_id": "5011"}
    )
    assert (cfg.usb_vendor_id, cfg.usb_product_id) == (0x0416, 0x5011)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "network", "host": "h"}, "id is required"),
        ({"id": "p", "kind": "bluetooth"}, "kind must be 'network', 'usb', 'serial', 'file' or 'memory'"),
        ({"id": "p", "kind": "network"}, "kind 'network' needs host"),
        ({"id": "p", "kind": "serial"}, "needs serial_device"),
        ({"id": "p", "kind": "network", "host": "h", "port": 70000}, "port must be at most 65535"),
        ({"id": "p", "kind": "network", "host": "h", "paper_mm": 76}, "paper_mm must be 58 or 80"),
        ({"id": "p", "kind": "network", "host": "h", "mode": "pdf"}, "mode must be"),
        ({"id": "p", "kind": "network", "host": "h", "timeout_s": 0}, "timeout_s must be above 0"),
        ({"id": "p", "kind": "network", "host": "h", "hostname": "x"}, "unknown key"),
        (
            {"id": "p", "kind": "usb", "usb_vendor_id": "zz", "usb_product_id": 1},
            "usb_vendor_id must be a 16-bit",
        ),
    ],
)
def test_bad_printer_tables_are_refused_with_the_printer_named(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PrinterConfig.from_dict(data)


def test_memory_printer_keeps_one_entry_per_opened_job() -> None:
    memory = MemoryPrinters()
    cfg = PrinterConfig(id="m", kind="memory")
    for number in ("1", "2"):
        device = open_connector(cfg, memory)
        write_ticket(device, make_slip(number=number), TicketLayout(paper_mm=80), mode="text")
        device.close()
    jobs = memory.devices["m"].jobs
    assert len(jobs) == 2 and all(job.endswith(b"\x1dV\x00") for job in jobs)


def test_file_printer_writes_the_job_to_the_device_file(tmp_path) -> None:
    path = tmp_path / "lp0"
    device = open_connector(PrinterConfig(id="f", kind="file", file_path=str(path)))
    assert isinstance(device, File)
    write_ticket(device, make_slip(), TicketLayout(paper_mm=58))
    device.close()
    assert path.read_bytes().startswith(b"\x1b@\x1dv0")


def test_paper_status_is_unknown_for_devices_that_cannot_answer() -> None:
    device = open_connector(PrinterConfig(id="m", kind="memory"), MemoryPrinters())
    assert paper_status(device) is None
    assert not isinstance(device, Network)


def test_missing_usb_library_is_named_when_a_usb_printer_is_used() -> None:
    if importlib.util.find_spec("usb") is not None:
        pytest.skip("pyusb is installed here")
    cfg = PrinterConfig.from_dict(
        {"id": "u", "kind": "usb", "usb_vendor_id": "0416", "usb_product_id": "5011"}
    )
    with pytest.raises(ImportError, match="pyusb"):
        open_connector(cfg)

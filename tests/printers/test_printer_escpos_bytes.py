"""Specs for printers/escpos_bytes.py: the commands a real printer receives for one ticket."""

from __future__ import annotations

import unicodedata

import pytest
from escpos.capabilities import get_profile

from printers.ticket.escpos_bytes import cp1258_form, ticket_bytes
from printers.ticket.layout import TicketLayout
from tests.printers.test_printer_layout import make_slip

GS_V_0 = b"\x1dv0"
FULL_CUT = b"\x1dV\x00"
CP1258_ON_EPSON = b"\x1bt\x34"  # ESC t 52: CP1258 in the default/Epson profile


@pytest.mark.parametrize(("paper_mm", "width_bytes"), [(58, 48), (80, 72)])
def test_image_mode_sends_one_raster_of_the_paper_width_then_cuts(paper_mm: int, width_bytes: int) -> None:
    data = ticket_bytes(make_slip(), TicketLayout(paper_mm=paper_mm))
    assert data.startswith(b"\x1b@")  # ESC @ resets styles left by an earlier job
    at = data.index(GS_V_0)
    assert int.from_bytes(data[at + 4 : at + 6], "little") == width_bytes
    assert data.endswith(FULL_CUT)


def test_image_mode_has_no_text_code_page_switch() -> None:
    data = ticket_bytes(make_slip(), TicketLayout(paper_mm=80))
    header_end = data.index(GS_V_0)
    assert b"\x1bt" not in data[:header_end]


def test_text_mode_selects_cp1258_and_writes_vietnamese_in_it() -> None:
    data = ticket_bytes(make_slip(), TicketLayout(paper_mm=80), mode="text")
    assert CP1258_ON_EPSON in data
    assert cp1258_form("Số người chờ trước bạn: 7").encode("cp1258") in data
    assert b"\x1d(k" in data  # native QR (GS ( k)
    assert data.endswith(FULL_CUT)


def test_text_mode_code_page_number_follows_the_profile() -> None:
    data = ticket_bytes(make_slip(), TicketLayout(paper_mm=58), mode="text", profile="NT-5890K")
    table = int(get_profile("NT-5890K").get_code_pages()["CP1258"])
    assert table != 52
    assert b"\x1bt" + bytes([table]) in data


def test_text_mode_refuses_a_profile_without_cp1258() -> None:
    with pytest.raises(ValueError, match="CP1258"):
        ticket_bytes(make_slip(), TicketLayout(paper_mm=80), mode="text", profile="TM-T88IV-SA")


def test_cp1258_form_round_trips_every_vietnamese_letter() -> None:
    letters = "aăâeêioôơuưyđ"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    text = "".join(unicodedata.normalize("NFC", base + tone) for base in letters for tone in tones)
    text += text.upper()
    encoded = cp1258_form(text).encode("cp1258")  # raises if any character is missing from CP1258
    assert unicodedata.normalize("NFC", encoded.decode("cp1258")) == text

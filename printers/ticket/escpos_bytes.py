"""Turn a ticket into ESC/POS commands through python-escpos, for any escpos printer object.

Two modes: "image" (default) sends the rendered slip as one GS v 0 raster and works on every printer;
"text" sends printer text in code page CP1258 plus a native QR code, which is smaller and faster but only
right on printers whose CP1258 table really works (see DOMAIN.md on thermal printers).
"""

from __future__ import annotations

import textwrap
import unicodedata
from typing import Literal
from zoneinfo import ZoneInfo

from escpos.escpos import Escpos
from escpos.printer import Dummy
from PIL import Image

from printers.ticket.layout import NUMBER_LABEL, TIME_FORMAT, TicketLayout, TicketSlip, render_ticket

Mode = Literal["image", "text"]
TEXT_CODEPAGE = "CP1258"
FONT_A_DOTS = 12
"""Width of one font-A character; columns per line = paper dots / 12 (48 at 80 mm, 32 at 58 mm)."""

# CP1258 holds Vietnamese base letters (â, ơ, ư, đ...) but writes the five tones as separate combining bytes.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def ticket_bytes(
    slip: TicketSlip,
    layout: TicketLayout,
    mode: Mode = "image",
    profile: str | None = None,
    image: Image.Image | None = None,
) -> bytes:
    """The complete print job for one ticket, collected with escpos's ``Dummy`` printer."""
    printer = Dummy(profile=profile)
    write_ticket(printer, slip, layout, mode, image=image)
    return printer.output


def write_ticket(
    printer: Escpos,
    slip: TicketSlip,
    layout: TicketLayout,
    mode: Mode = "image",
    image: Image.Image | None = None,
) -> None:
    """Send one ticket to ``printer``, ending with a cut so printers (and our emulator) split tickets."""
    _set_paper_width(printer, layout)
    printer.hw("INIT")
    if mode == "image":
        picture = image if image is not None else render_ticket(slip, layout)
        printer.image(picture, impl="bitImageRaster")
    elif mode == "text":
        _write_text(printer, slip, layout)
    else:
        raise ValueError(f"mode must be 'image' or 'text', got {mode!r}")
    printer.cut()


def _set_paper_width(printer: Escpos, layout: TicketLayout) -> None:
    """Give this printer's profile the real paper width.

    escpos checks image width against the profile (and prints a notice to stdout when it is unknown).
    We shadow ``profile_data`` on this instance only, so escpos's shared profile classes are never mutated.
    """
    data = dict(printer.profile.profile_data)
    data["media"] = {"width": {"mm": layout.paper_mm, "pixels": layout.dots}, "dpi": 203}
    printer.profile.profile_data = data


def _write_text(printer: Escpos, slip: TicketSlip, layout: TicketLayout) -> None:
    if TEXT_CODEPAGE not in printer.profile.get_code_pages():
        raise ValueError(
            f"printer profile {printer.profile.profile_data.get('name')!r} has no {TEXT_CODEPAGE} code page; "
            "use mode='image' or a profile that lists it (e.g. 'TM-T88V', 'NT-80-V-UL', 'POS-5890')"
        )
    columns = layout.dots // FONT_A_DOTS
    printer.charcode(TEXT_CODEPAGE)

    def line(text: str, **style: object) -> None:
        printer.set(**style)
        for part in textwrap.wrap(text, columns) or [""]:
            printer.textln(cp1258_form(part))

    printer.set(align="center")
    if layout.header:
        line(layout.header, bold=False)
    line(slip.office_name, bold=True)
    line(slip.procedure_name, bold=False)
    if slip.field_name:
        line(f"Lĩnh vực: {slip.field_name}")
    line(NUMBER_LABEL, bold=True)
    printer.set(custom_size=True, width=4, height=4, bold=True)
    printer.textln(slip.number)
    printer.set(normal_textsize=True, bold=False)
    if slip.priority_label:
        line(f"ƯU TIÊN: {slip.priority_label}", bold=True, invert=True)
        printer.set(invert=False)
    if slip.counter_hint:
        line(slip.counter_hint, bold=True)
    line(slip.issued_at.astimezone(ZoneInfo(layout.timezone)).strftime(TIME_FORMAT), bold=False)
    line(f"Số người chờ trước bạn: {slip.waiting_ahead}")
    if slip.estimated_wait_min is not None:
        line(f"Thời gian chờ dự kiến: ~{slip.estimated_wait_min} phút")
    if layout.show_qr and slip.status_url:
        printer.qr(slip.status_url, native=True, size=6)
        printer.ln()
    if layout.footer:
        line(layout.footer)


def cp1258_form(text: str) -> str:
    """Rewrite Vietnamese so every character exists in CP1258.

    Unicode text is usually precomposed ("ố"); CP1258 has "ô" but no "ố", so the tone mark must follow as a
    combining character. Letters CP1258 holds whole (e.g. "á", "À") stay whole.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if _in_cp1258(char):
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        tones = [mark for mark in decomposed if mark in _TONE_MARKS]
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONE_MARKS))
        out.append(base + "".join(tones))
    return "".join(out)


def _in_cp1258(char: str) -> bool:
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True

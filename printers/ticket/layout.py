"""Ticket layout: what a citizen holds in their hand, drawn as a 1-bit image the width of the paper.

Rendering the whole slip as an image (instead of printer text) is the robust default for Vietnamese: many
ESC/POS printers lack a working CP1258/TCVN-3 table, but every one can print a raster image.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

import qrcode
from PIL import Image, ImageDraw

from printers.jobs import TicketSlip
from printers.ticket.typeface import fit_size, font, text_width, wrap

log = logging.getLogger(__name__)

PAPER_DOTS = {58: 384, 80: 576}
"""Printable width in dots at 203 dpi for the two common roll widths."""

LOGO_MAX_HEIGHT = 160  # dots on 80 mm paper (scaled with the paper): a logo, not a poster
NUMBER_LABEL = "SỐ THỨ TỰ"  # the slip is Vietnamese only: a citizen reads one language
TIME_FORMAT = "%H:%M %d/%m/%Y"


@dataclass(frozen=True)
class TicketLayout:
    """How an office wants its slips to look; one per printer (paper width differs by printer)."""

    paper_mm: int = 80
    logo_path: Path | str | None = None
    header: str | None = None
    footer: str | None = None
    show_qr: bool = True
    timezone: str = "Asia/Ho_Chi_Minh"

    def __post_init__(self) -> None:
        if self.paper_mm not in PAPER_DOTS:
            raise ValueError(f"paper_mm must be one of {sorted(PAPER_DOTS)}, got {self.paper_mm!r}")

    @property
    def dots(self) -> int:
        return PAPER_DOTS[self.paper_mm]


class _Canvas:
    """A tall greyscale strip drawn top to bottom with a cursor, cropped and thresholded at the end."""

    def __init__(self, width: int, scale: float) -> None:
        self.width = width
        self.scale = scale
        self.margin = max(8, round(12 * scale))
        self.image = Image.new("L", (width, 4000), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.y = self.margin

    @property
    def inner(self) -> int:
        return self.width - 2 * self.margin

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    def gap(self, value: float) -> None:
        self.y += self.px(value)

    def text(self, text: str, size: float, bold: bool = False, invert: bool = False) -> None:
        face = font(self.px(size), bold)
        ascent, descent = face.getmetrics()
        line_height = ascent + descent + self.px(4)
        for line in wrap(text, face, self.inner - (self.px(16) if invert else 0)):
            x = (self.width - text_width(line, face)) // 2
            if invert:
                pad = self.px(8)
                box = (x - pad, self.y, x + text_width(line, face) + pad, self.y + line_height)
                self.draw.rectangle(box, fill=0)
            self.draw.text((x, self.y), line, font=face, fill=255 if invert else 0)
            self.y += line_height

    def rule(self) -> None:
        self.gap(6)
        self.draw.line((self.margin, self.y, self.width - self.margin - 1, self.y), fill=0, width=self.px(2))
        self.gap(10)

    def paste_centred(self, picture: Image.Image) -> None:
        self.image.paste(picture, ((self.width - picture.width) // 2, self.y))
        self.y += picture.height

    def finish(self) -> Image.Image:
        height = self.y + self.margin
        cropped = self.image.crop((0, 0, self.width, height))
        # Threshold rather than dither: dithered text prints fuzzy on thermal heads.
        return cropped.point(lambda v: 255 if v >= 150 else 0, mode="1")


def render_ticket(slip: TicketSlip, layout: TicketLayout) -> Image.Image:
    """Draw the slip as a mode "1" image exactly ``layout.dots`` wide."""
    canvas = _Canvas(layout.dots, layout.dots / 576)
    logo = _logo(layout.logo_path or (io.BytesIO(slip.logo) if slip.logo else None), canvas)
    if logo is not None:  # the printer's own logo file, else the office's
        canvas.paste_centred(logo)
        canvas.gap(8)
    if layout.header:
        canvas.text(layout.header, 20)
    canvas.text(slip.office_name, 26, bold=True)
    canvas.rule()
    canvas.text(slip.procedure_name, 24)
    if slip.field_name:
        canvas.text(f"Lĩnh vực: {slip.field_name}", 19)
    canvas.gap(10)
    canvas.text(NUMBER_LABEL, 26, bold=True)
    _draw_number(canvas, slip.number)
    if slip.priority_label:
        canvas.gap(4)
        canvas.text(f"ƯU TIÊN: {slip.priority_label}", 24, bold=True, invert=True)
        canvas.gap(6)
    if slip.counter_hint:
        canvas.text(slip.counter_hint, 24, bold=True)
    canvas.text(f"Giờ lấy số: {slip.issued_at.astimezone(ZoneInfo(layout.timezone)):{TIME_FORMAT}}", 22)
    canvas.text(f"Số người chờ trước bạn: {slip.waiting_ahead}", 24)
    if slip.estimated_wait_min is not None:
        canvas.text(f"Thời gian chờ dự kiến: ~{slip.estimated_wait_min} phút", 24)
    if layout.show_qr and slip.status_url:
        canvas.gap(10)
        canvas.paste_centred(_qr(slip.status_url, canvas))
        canvas.text("Quét mã để theo dõi lượt của bạn", 18)
    footers = [line for line in (layout.footer, slip.footer) if line]
    if footers:
        canvas.rule()
        for line in dict.fromkeys(footers):  # a printer's footer, then the office's (once if they are the same)
            canvas.text(line, 20)
    return canvas.finish()


def _draw_number(canvas: _Canvas, number: str) -> None:
    size = fit_size(number, canvas.inner, start=canvas.px(190))
    face = font(size, bold=True)
    left, top, right, bottom = canvas.draw.textbbox((0, 0), number, font=face)
    x = (canvas.width - (right - left)) // 2 - left
    canvas.draw.text((x, canvas.y - top), number, font=face, fill=0)
    canvas.y += round(bottom - top) + canvas.px(16)


def _qr(url: str, canvas: _Canvas) -> Image.Image:
    """QR drawn from the module matrix so its size is an exact multiple of a dot (crisp on the print head)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    box = max(2, int(canvas.inner * 0.45) // modules)
    small = Image.new("L", (modules, modules), 255)
    small.putdata([0 if cell else 255 for row in matrix for cell in row])
    return small.resize((modules * box, modules * box), Image.Resampling.NEAREST)


def _logo(source: Path | str | BinaryIO | None, canvas: _Canvas) -> Image.Image | None:
    """The logo on white, scaled (up or down) to fit the paper's printable width in dots and at most
    LOGO_MAX_HEIGHT tall, then dithered (Floyd-Steinberg): a thermal head prints only black or white dots, so
    grey and colour become a pattern of dots instead of vanishing at the threshold. A picture that cannot be
    read is left off (logged): the citizen's ticket prints without it."""
    if source is None:
        return None
    try:
        with Image.open(source) as original:
            logo = original.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        log.warning("the logo could not be read; the slip is printed without it", exc_info=True)
        return None
    backdrop = Image.new("RGBA", logo.size, (255, 255, 255, 255))
    logo = Image.alpha_composite(backdrop, logo).convert("L")
    ratio = min(canvas.inner / logo.width, canvas.px(LOGO_MAX_HEIGHT) / logo.height)
    size = (max(1, round(logo.width * ratio)), max(1, round(logo.height * ratio)))
    logo = logo.resize(size, Image.Resampling.LANCZOS)
    return logo.convert("1", dither=Image.Dither.FLOYDSTEINBERG).convert("L")

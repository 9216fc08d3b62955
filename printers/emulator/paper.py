"""The emulator's paper: stacks what one ticket printed (raster images, text lines, QR codes, feeds)."""

from __future__ import annotations

import qrcode
from PIL import Image, ImageDraw, ImageOps

from printers.emulator.escpos_stream import Event, Feed, QrCode, Raster, TextLine
from printers.ticket.typeface import font, text_width

LINE_DOTS = 30
"""Default ESC/POS line spacing (1/6 inch at 180 dpi ≈ 30 dots): one LF or one ESC d line."""
FONT_A_SIZE = 20
"""DejaVu size whose glyphs are about as wide as the printer's 12×24-dot font A."""


class Paper:
    def __init__(self, width: int) -> None:
        self.width = width
        self.strips: list[Image.Image] = []
        self.text: list[str] = []

    @property
    def has_content(self) -> bool:
        return bool(self.strips)

    def add(self, event: Event) -> None:
        if isinstance(event, Raster):
            self._add_raster(event)
        elif isinstance(event, TextLine):
            self.text.append(event.text)
            self.strips.append(self._text_strip(event))
        elif isinstance(event, Feed):
            self._blank(event.lines * LINE_DOTS + event.dots)
        elif isinstance(event, QrCode):
            self.strips.append(self._qr_strip(event))

    def image(self) -> Image.Image:
        width = max([self.width, *(strip.width for strip in self.strips)])
        height = sum(strip.height for strip in self.strips)
        page = Image.new("1", (width, max(height, 1)), 1)
        y = 0
        for strip in self.strips:
            page.paste(strip, (0, y))
            y += strip.height
        return page

    def _add_raster(self, raster: Raster) -> None:
        # GS v 0 sends 1 for a burned (black) dot; PIL's "1;I" raw mode reads exactly that.
        picture = Image.frombytes("1", (raster.width, raster.height), raster.data, "raw", "1;I")
        self.strips.append(picture)

    def _blank(self, height: int) -> None:
        if height > 0:
            self.strips.append(Image.new("1", (self.width, height), 1))

    def _text_strip(self, line: TextLine) -> Image.Image:
        if not line.text:
            return Image.new("1", (self.width, LINE_DOTS), 1)
        face = font(FONT_A_SIZE, line.bold)
        glyphs = Image.new("L", (max(1, text_width(line.text, face)), LINE_DOTS), 255)
        ImageDraw.Draw(glyphs).text((0, 3), line.text, font=face, fill=0)
        if line.invert:
            glyphs = ImageOps.invert(glyphs)
        glyphs = glyphs.resize((glyphs.width * line.width_mul, glyphs.height * line.height_mul))
        return self._aligned(glyphs.point(lambda v: 255 if v >= 128 else 0, mode="1"), line.align)

    def _qr_strip(self, qr: QrCode) -> Image.Image:
        code = qrcode.QRCode(border=1, box_size=max(1, qr.module_size))
        code.add_data(qr.data.decode("utf-8", errors="replace"))
        picture = code.make_image().get_image().convert("1")
        return self._aligned(picture, qr.align)

    def _aligned(self, picture: Image.Image, align: int) -> Image.Image:
        strip = Image.new("1", (max(self.width, picture.width), picture.height), 1)
        x = {0: 0, 1: (strip.width - picture.width) // 2, 2: strip.width - picture.width}.get(align, 0)
        strip.paste(picture, (x, 0))
        return strip

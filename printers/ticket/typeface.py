"""The bundled DejaVu font and pixel-width text wrapping.

Thermal printers have no reliable Vietnamese code page, so tickets are drawn as images; that only works if
the font has every Vietnamese glyph. We ship DejaVu in ``printers/fonts`` instead of trusting the host.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Load (once per size) the bundled DejaVu Sans; loading a TTF costs more than drawing a line."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size=max(size, 6))


def text_width(text: str, face: ImageFont.FreeTypeFont) -> int:
    """Width in dots of ``text`` drawn with ``face`` (advance, so trailing spaces count)."""
    return int(round(face.getlength(text)))


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` dots.

    Words are kept whole when they fit; a single word longer than the paper (a long code or URL) is cut by
    characters, because clipping it at the paper edge would lose information.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, face) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for piece in _split_long_word(word, face, max_width):
                if current:
                    lines.append(current)
                current = piece
        lines.append(current)
    return lines


def _split_long_word(word: str, face: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, face) > max_width:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return pieces


def fit_size(text: str, max_width: int, start: int, bold: bool = True, minimum: int = 12) -> int:
    """Largest font size ≤ ``start`` at which ``text`` fits in one line of ``max_width`` dots."""
    size = start
    while size > minimum and text_width(text, font(size, bold)) > max_width:
        size -= max(1, size // 20)
    return size

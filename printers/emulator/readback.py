"""Read a printed ticket back with Tesseract OCR.

Tests and the bench use this to prove a ticket is legible *as printed* (after the ESC/POS round trip),
not just that bytes were sent. Needs Debian's ``tesseract-ocr`` and ``tesseract-ocr-vie``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def ocr(image: Image.Image | Path | str, lang: str = "vie", psm: int = 11) -> str:
    """Return the text Tesseract reads in ``image``.

    Page segmentation mode 11 (sparse text) is the default because the huge ticket number is taller than any
    text line Tesseract expects; in mode 6 it drops the number entirely.
    """
    binary = shutil.which("tesseract")
    if binary is None:
        raise RuntimeError("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-vie")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ticket.png"
        picture = image if isinstance(image, Image.Image) else Image.open(image)
        picture.convert("L").save(path)
        result = subprocess.run(
            [binary, str(path), "-", "--psm", str(psm), "-l", lang],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    return result.stdout


def number_band(image: Image.Image, padding: int = 12) -> Image.Image:
    """Crop the tallest run of inked rows that is not the (square) QR code: on a ticket, the big number.

    Tesseract expects text lines of ordinary height; given the 150-dot number inside a whole ticket it often
    drops it, but reads it reliably once the number stands alone at a normal size.
    """
    grey = image.convert("L")
    bands = sorted(_ink_bands(grey), key=lambda band: band[1] - band[0], reverse=True)
    for top, bottom in bands:
        box = grey.crop((0, top, grey.width, bottom)).point(lambda v: 255 - v).getbbox()
        if box and not 0.85 <= (box[2] - box[0]) / (bottom - top) <= 1.15:
            return grey.crop((0, max(0, top - padding), grey.width, min(grey.height, bottom + padding)))
    raise ValueError("no number-like band found on the ticket")


def _ink_bands(grey: Image.Image) -> list[tuple[int, int]]:
    pixels = grey.tobytes()  # mode "L": one byte per pixel, row by row
    inked = [any(pixels[y * grey.width + x] < 128 for x in range(0, grey.width, 2)) for y in range(grey.height)]
    bands: list[tuple[int, int]] = []
    start: int | None = None
    for y, ink in enumerate([*inked, False]):
        if ink and start is None:
            start = y
        elif not ink and start is not None:
            bands.append((start, y))
            start = None
    return bands


def read_number(image: Image.Image) -> str:
    """The ticket number as Tesseract reads it (letters and digits only)."""
    band = number_band(image)
    scale = 80 / band.height
    small = band.resize((max(1, round(band.width * scale)), 80), Image.Resampling.LANCZOS)
    return "".join(ch for ch in ocr(small, lang="eng", psm=7) if ch.isalnum())

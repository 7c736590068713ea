"""The bundled DejaVu Sans fonts, so rendering never depends on what the host has installed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONTS_DIR = Path(__file__).resolve().parent / "fonts"


def font_path(bold: bool = False) -> Path:
    """Path of the bundled regular or bold DejaVu Sans (resolved next to this module)."""
    return FONTS_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@lru_cache(maxsize=64)
def load_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A loaded font at a pixel size; cached because typesetting asks for the same sizes often."""
    return ImageFont.truetype(str(font_path(bold)), size)

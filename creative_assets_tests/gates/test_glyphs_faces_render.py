"""The glyph check's clean renderings (`glyphs_faces._render`) take FreeType's coverage mask
directly; they must be the very pixels and offsets that drawing the text on a canvas gives."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.gates import glyphs_faces


def _drawn(path: str, size: int, text: str) -> tuple[np.ndarray, int, int] | None:
    """The text drawn on a canvas, as the check rendered it before."""
    face = glyphs_faces.font(path, size)
    left, top, right, bottom = face.getbbox(text, anchor="ls")
    if right <= left or bottom <= top:
        return None
    img = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(img).text((2 - left, 2 - top), text, font=face, fill=255, anchor="ls")
    mask = np.asarray(img) >= 128
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return None
    crop = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    return crop, int(cols.min()) - 2 + left, int(rows.min()) - 2 + top


def test_rendering_equals_the_text_drawn_on_a_canvas() -> None:
    faces = glyphs_faces.faces()
    chosen = list(faces[:2]) + list(faces[2::7])  # the bundled pair and a spread of the host's
    texts = [*"aegijkmqsxyzAGJMQWßäöüÄÖÜ07.,-'!?&", "fi", "ff", "Th"]
    for path in chosen:
        for size in (6, 11, 23, 57, glyphs_faces.REFERENCE):
            for text in texts:
                want, got = _drawn(path, size, text), glyphs_faces._render(path, size, text)
                assert (want is None) == (got is None), (path, size, text)
                if want is not None and got is not None:
                    assert got[1:] == want[1:], (path, size, text)
                    assert np.array_equal(got[0], want[0]), (path, size, text)

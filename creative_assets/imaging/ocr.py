"""Real OCR on rapidocr (PP-OCRv4 ONNX models shipped in the wheel, so it runs offline).

The quality gates trust what this reads, so it stays a plain function: PIL image in, OcrLine
list out, boxes in image fractions so they compare directly with layout zones (`read_text`,
`read_chars`).

Readers that run rapidocr's stages their own way (`ocr_copy.read_text_in`: the detector on
changed regions only; `text_search.find_text`: Gate 1a's search) use the stages from here:
`borrow_engine`, `to_rgb`, `as_bgr`, `detect_lines`, `recognise_lines` (`recognise_crops`),
`ocr_lines`. Figures behind the choices below: benchmarks/results/ocr_figures.md.
"""

from __future__ import annotations

import copy
import hashlib
import os
import queue
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import cv2
import numpy as np
from PIL import Image
from pydantic import Field
from rapidocr_onnxruntime import RapidOCR

from creative_assets.imaging.ocr_engine import rapidocr_engine
from creative_assets.models.base import Box
from creative_assets.models.images import OcrLine


class ReadLine(OcrLine):
    """An OcrLine with where the recogniser read each of its characters (x in pixels of the
    image, spaces included): the glyph check (gates/glyph_damage.py) finds each expected
    letter's ink by it. Not stored with the line."""

    chars: tuple[tuple[str, float], ...] = Field(default=(), exclude=True, repr=False)


def _columns(read: tuple, left: float, right: float) -> tuple[tuple[str, float], ...]:
    """Characters and their x from a recognition with word boxes (rapidocr's CTC columns)."""
    if len(read) < 3 or not read[2]:
        return ()
    columns, words, word_columns, _, _ = read[2]
    chars = [c for word in words for c in word]
    positions = [c for word in word_columns for c in word]
    scale = (right - left) / max(1.0, float(columns))
    return tuple((c, left + (col + 0.5) * scale) for c, col in zip(chars, positions, strict=True))


# The detector finds lines with the image's shorter side at 736 px, rapidocr's own minimum: ad
# copy is large type (Gate 4 wants at least 2 % of the height), and the detector is most of the
# OCR cost. The recogniser still reads each line at full resolution (read_text), and the
# labelled gate set scores as it did reading everything at full size.
# rapidocr would round both sides to multiples of 32 with a plain linear resize, which smeared
# the gaps between bold glyphs ("Ein Team, das trägt" read "EinTeam,c dastragt"). So the image
# is handed over at exactly such a size, scaled with LANCZOS here, and the detector leaves it alone.
DET_SIDE, DET_MULTIPLE, MAX_SCALED_SIDE = 736, 32, 4096
# Reading a finished creative back (gates 1b–4) needs less: its copy is large type in planned
# zones, read as well at 608 px. Base images are still searched at DET_SIDE: at 608 Gate 1a took
# text-like textures for text.
COPY_DET_SIDE = 608

# RapidOCR mutates per-call state on the instance (the detector's preprocess op, thresholds),
# so an engine serves one call at a time. Each engine runs onnxruntime on a single thread, and a
# process holds up to one engine per core: concurrent callers (a variant's image types side by
# side) each get their own, and no onnxruntime thread pool spins on a core another caller or
# another run's process needs (its default, a pool per session as wide as the machine, spins on
# cores other runs need).
MAX_ENGINES = os.cpu_count() or 1
_idle: queue.LifoQueue[RapidOCR] = queue.LifoQueue()
_created = 0
_create_lock = threading.Lock()


def _new_engine() -> RapidOCR:
    return rapidocr_engine()


@contextmanager
def borrow_engine() -> Iterator[RapidOCR]:
    """An engine for one caller at a time (rapidocr keeps per-call state on it): an idle one, a
    new one while fewer than MAX_ENGINES exist, else the next one freed. It goes back to the
    pool when the block ends."""
    global _created
    try:
        engine = _idle.get_nowait()
    except queue.Empty:
        with _create_lock:
            grow = _created < MAX_ENGINES
            _created += grow
        try:
            engine = _new_engine() if grow else _idle.get()
        except BaseException:
            with _create_lock:
                _created -= grow
            raise
    try:
        yield engine
    finally:
        _idle.put(engine)


def limit_engines(count: int) -> None:
    """At most `count` engines in this process (engines already made are kept)."""
    global MAX_ENGINES
    MAX_ENGINES = max(1, count)


def to_rgb(img: Image.Image) -> Image.Image:
    """`img` as RGB; transparency is flattened onto white, as a viewer shows it."""
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "P"):
        # rapidocr's own RGBA path inverts colours.
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Top-to-bottom, then left-to-right: lines whose vertical centres are within half a line
    height of each other form one row (the detector splits wide gaps into separate lines)."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: ln.box.y + ln.box.h / 2):
        centre = line.box.y + line.box.h / 2
        if rows:
            anchor = rows[-1][0].box
            if abs(centre - (anchor.y + anchor.h / 2)) <= min(anchor.h, line.box.h) / 2:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda ln: ln.box.x)]


def detector_size(width: int, height: int, det_side: int = DET_SIDE) -> tuple[int, int]:
    """The size OCR reads an image at: shorter side `det_side` (long side at most
    MAX_SCALED_SIDE), both multiples of 32 (so the detector does not resize it again)."""
    scale = min(det_side / min(width, height), MAX_SCALED_SIDE / max(width, height))

    def snap(side: int) -> int:
        return max(DET_MULTIPLE, round(side * scale / DET_MULTIPLE) * DET_MULTIPLE)

    return snap(width), snap(height)


def as_bgr(img: Image.Image) -> np.ndarray:
    """An RGB image as the array rapidocr's stages take: rapidocr treats a 3-channel ndarray as
    BGR (the models were trained on cv2 input). cv2 swaps the channels into a new contiguous
    array, the same bytes as numpy's reversed copy at a fraction of its cost."""
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def read_text(
    img: Image.Image, *, min_confidence: float = 0.5, det_side: int = DET_SIDE, upright: bool = False
) -> list[OcrLine]:
    """Every text line OCR reads with at least `min_confidence`, in reading order.

    rapidocr's own stages, run in two resolutions: the detector (most of the cost) finds the
    lines at `detector_size`; the recogniser reads each line cut from the image at full
    resolution, or from the detector's image where that is the larger: recognising from the
    downscaled image lost gaps between small words ("AlsPflegefachkraftIntensivstation").

    `upright`: the text is known to be set upright (a creative's copy), so rapidocr's angle
    classifier is skipped: it took a correct subline for upside down and read the flipped crop
    as "a we wnui laq qnen abei …", failing Gate 2 on a creative that was right."""
    rgb = to_rgb(img)
    width, height = rgb.size
    size = detector_size(width, height, det_side)
    # Per axis: snapping to multiples of 32 changes the aspect by at most a few per cent.
    sx, sy = size[0] / width, size[1] / height
    detected = as_bgr(rgb.resize(size, Image.Resampling.LANCZOS) if size != rgb.size else rgb)
    upscaled = sx * sy > 1.0
    with borrow_engine() as engine:
        boxes = detect_lines(engine, detected)
        if not boxes:  # most base images: no full-size copy is made for them
            return []
        source = detected
        if not upscaled:
            boxes = [np.asarray(b, dtype=np.float32) / np.array([sx, sy], dtype=np.float32) for b in boxes]
            source = as_bgr(rgb)
        recognised = recognise_lines(engine, source, boxes, upright)
    scale = (sx, sy) if upscaled else (1.0, 1.0)
    return ocr_lines(boxes, recognised, scale, (width, height), min_confidence, upright)


def detect_lines(engine: RapidOCR, bgr: np.ndarray) -> list[np.ndarray]:
    """The detector's line boxes (quads, pixels of `bgr`), read at `bgr`'s own size (a multiple
    of 32 a side, see detector_size), at the thresholds for reading copy."""
    # Set on every call: they live on the shared engine and must not depend on the last caller.
    engine.text_det.postprocess_op.box_thresh = 0.5
    engine.text_det.postprocess_op.unclip_ratio = 1.6
    engine.text_det.limit_side_len = min(bgr.shape[:2])  # its own resize would scale up to 736
    boxes, _ = engine.auto_text_det(bgr)
    return [] if boxes is None else list(boxes)


def recognise_lines(engine: RapidOCR, source: np.ndarray, boxes: list[np.ndarray], upright: bool) -> list:
    """rapidocr's reading of each quad of `boxes` (pixels of `source`, a BGR array) as
    `ocr_lines` takes it; `upright`: as in read_text, and each character's column is kept."""
    crops = engine.get_crop_img_list(source, boxes)
    if not upright:
        crops, _, _ = engine.text_cls(crops)
    # Upright copy is read with each character's column, for the glyph check.
    return recognise_crops(engine, crops, words=upright)


# What the recogniser read in line crops this process has already read, by the crop's pixels: a
# rendition's retry often sets the same lines on the same picture again, and a crop identical to
# one read before is read identically (each line is its own batch, see ocr_engine.rapidocr_engine,
# so a reading does not depend on the other lines of the call). Bounded; readings are small.
_READ_MAX = 2048
_read: OrderedDict[tuple, tuple] = OrderedDict()
_read_lock = threading.Lock()


def forget_readings() -> None:
    """Drop the readings kept by `recognise_crops` (a benchmark timing two ways of reading the
    same creatives would otherwise time the second without the recogniser)."""
    with _read_lock:
        _read.clear()


def _crop_key(crop: np.ndarray, words: bool) -> tuple:
    pixels = np.ascontiguousarray(crop)
    return (pixels.shape, pixels.dtype.str, words, hashlib.blake2b(pixels.data, digest_size=16).digest())


def recognise_crops(engine: RapidOCR, crops: list[np.ndarray], *, words: bool) -> list:
    """rapidocr's recogniser on each line crop (BGR arrays), with each character's column when
    `words`; a crop pixel-identical to one read before in this process is not read again."""
    keys = [_crop_key(crop, words) for crop in crops]
    with _read_lock:
        known = {key: _read[key] for key in keys if key in _read}
        for key in known:
            _read.move_to_end(key)
    todo = {key: crop for key, crop in zip(keys, crops, strict=True) if key not in known}
    if todo:
        read, _ = engine.text_rec(list(todo.values()), words)
        fresh = dict(zip(todo, read, strict=True))
        known |= fresh
        with _read_lock:
            _read.update(fresh)
            while len(_read) > _READ_MAX:
                _read.popitem(last=False)
    # Copies: a caller may change what it was given without changing what the next one gets.
    return [copy.deepcopy(known[key]) for key in keys]


def ocr_lines(
    boxes: list[np.ndarray],
    recognised: list,
    scale: tuple[float, float],
    size: tuple[int, int],
    min_confidence: float,
    upright: bool,
) -> list[OcrLine]:
    """OcrLines in reading order from quads (pixels of the source, divided by `scale` to get the
    image's, whose `size` is (width, height)) and what `recognise_lines` read in each; readings
    below `min_confidence` are dropped. `upright`: ReadLines, with each character's x."""
    width, height = size
    lines: list[OcrLine] = []
    for points, read in zip(boxes, recognised, strict=True):
        text, score = str(read[0]), float(read[1])
        if not text.strip() or score < min_confidence:
            continue
        xs = [float(p[0]) / scale[0] for p in points]
        ys = [float(p[1]) / scale[1] for p in points]
        box = Box.from_pixels(
            max(0.0, min(xs)), max(0.0, min(ys)), min(width, max(xs)), min(height, max(ys)), width, height
        )
        confidence = min(1.0, max(0.0, score))
        if upright:
            chars = _columns(read, min(xs), max(xs))
            lines.append(ReadLine(text=text.strip(), confidence=confidence, box=box, chars=chars))
        else:
            lines.append(OcrLine(text=text.strip(), confidence=confidence, box=box))
    return reading_order(lines)


def read_chars(img: Image.Image, box: Box) -> list[tuple[str, float]]:
    """Each character the recogniser reads in one upright line `box` of `img`, with the x (pixels
    of `img`) where it is read: for lines that come without them (not read by `read_text` with
    `upright`)."""
    rgb = to_rgb(img)
    left, top, right, bottom = box.to_pixels(rgb.width, rgb.height)
    if right - left < 4 or bottom - top < 4:
        return []
    with borrow_engine() as engine:
        (read,) = recognise_crops(engine, [as_bgr(rgb.crop((left, top, right, bottom)))], words=True)
    return list(_columns(read, left, right))

"""Gate 1a's search of a base image for lettering an image model slipped in (`find_text`),
apart from reading copy back (`ocr.read_text`): its own detector thresholds, contrast and rereads.

The search looks at the picture up to six times, mostly through the detector on a prepared copy
and the recogniser on the full-resolution crops of what it found (the later looks: on their own
prepared copy):

1. every picture, at DET_SIDE, with local contrast raised (CLAHE), which lifts faint and
   watermarked letters without inventing edges in flat areas (one glyph repeated, read weakly,
   is a row of marks, not lettering);
2. only where the first look found no lettering and the picture is busy (texture, a detailed
   photograph: where lettering hides), two small looks: a smoothed copy (texture finer than a
   watermark's strokes fades, the strokes stay) and the picture's saturation (a white
   watermark takes the colour out of what it covers, whatever the texture's brightness).
   A plain picture hides nothing from the first look, so it gets no second.
3. only where those found nothing either and the picture repeats a pattern (a window grid,
   bricks, tiles), a look at what departs from the pattern (`text_pattern`): lettering over a
   texture the contrast looks raise with it. It is read from that copy, where the texture no
   longer crosses the letters.
   Where that finds nothing, the departure as a share of the way to white or black, at
   DET_SIDE, its word-shaped blobs read without the detector (`text_veil`): a watermark's
   letters, whole there, which the detector does not box.
4. only where all those found nothing on a busy picture, the texture-blind look
   (`text_texture`, `_blind_looks`), at the picture's own resolution.

Every look cuts the detector's map at lower thresholds than the copy reading (a watermark's
letters score lower) and reads a weak candidate again from a contrast-stretched crop. The
second looks see more texture as lines, so what they find counts only as a word read strongly.
Figures: docs/glyph_gates.md ("Gate 1a").
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image
from rapidocr_onnxruntime import RapidOCR
from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

from creative_assets.imaging.ocr import (
    DET_SIDE,
    as_bgr,
    borrow_engine,
    detector_size,
    ocr_lines,
    reading_order,
    to_rgb,
)
from creative_assets.imaging.ocr_engine import detector_input
from creative_assets.imaging.text_pattern import lattice, pattern_removed
from creative_assets.imaging.text_texture import calm_mask, calm_share, calm_view, calmest_channel
from creative_assets.imaging.text_veil import veil_lines
from creative_assets.models.images import OcrLine

SEARCH_CLAHE_CLIP, SEARCH_THRESH, SEARCH_BOX_THRESH = 4.0, 0.15, 0.3
SEARCH_REREAD_BELOW = 0.8
SEARCH_CONFIDENCE = 0.6  # texture let through as a candidate reads weakly; lettering reads strongly
# A region taller than this (share of the shorter side) is a shape, not a line of lettering: at
# the search's low thresholds a whole calm scene can come back as one box, squashed into "Ti".
SEARCH_MAX_LINE = 0.25
# The second looks: the detector's shorter side (a watermark is large type); the candidates they
# read: no line shorter than SECOND_MIN_LINE of the picture's shorter side, at most SECOND_MOST
# of them (texture comes back as many small boxes); and what counts: a word of at least
# SECOND_MIN_CHARS letters or digits, not one repeated glyph (a window grid reads "1111",
# "WW"), read with at least SECOND_CONFIDENCE.
SECOND_SIDE, SECOND_MIN_LINE, SECOND_MOST = 544, 0.03, 6
SECOND_MIN_CHARS, SECOND_CONFIDENCE = 3, 0.8
SECOND_BLUR = 1.7  # px of the second looks' image: about a window mullion or a leaf
# A picture whose fine detail (mean absolute Laplacian of its grey levels on a 256-px thumbnail,
# which a smooth gradient does not raise) stays below this is plain (sky, a gradient, a calm
# backdrop): no texture for lettering to hide in.
PLAIN_BELOW = 1.5
# The texture-blind look: the detector's shorter side (small lettering in fine texture needs the
# picture's own pixels), and the calm mask only where at most this share of the picture is calm.
BLIND_SIDE, CALM_AT_MOST = 1024, 0.1


def _clahe(rgb: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=SEARCH_CLAHE_CLIP, tileGridSize=(8, 8)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def _smoothed(rgb: np.ndarray) -> np.ndarray:
    return _clahe(cv2.GaussianBlur(rgb, (0, 0), SECOND_BLUR))


def _saturation(rgb: np.ndarray) -> np.ndarray:
    saturation = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 1]
    saturation = cv2.createCLAHE(clipLimit=SEARCH_CLAHE_CLIP, tileGridSize=(8, 8)).apply(saturation)
    return cv2.cvtColor(saturation, cv2.COLOR_GRAY2RGB)


SECOND_LOOKS: tuple[Callable[[np.ndarray], np.ndarray], ...] = (_smoothed, _saturation)


def _stretched(crop: np.ndarray) -> np.ndarray:
    """A crop's grey levels spread over the full range, locally (BGR in, BGR out)."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    grey = cv2.createCLAHE(clipLimit=4.0, tileGridSize=(2, 8)).apply(grey)
    return cv2.cvtColor(cv2.normalize(grey, None, 0, 255, cv2.NORM_MINMAX), cv2.COLOR_GRAY2BGR)


def _short_side(quad: np.ndarray) -> float:
    points = np.asarray(quad, dtype=np.float32)
    return float(min(np.linalg.norm(points[1] - points[0]), np.linalg.norm(points[2] - points[1])))


def _plain(small: np.ndarray) -> bool:
    grey = cv2.resize(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (256, 256), interpolation=cv2.INTER_AREA)
    return float(np.abs(cv2.Laplacian(grey.astype(np.float32), cv2.CV_32F)).mean()) < PLAIN_BELOW


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _a_word(line: OcrLine) -> bool:
    letters = _alnum(line.text)
    return line.confidence >= SECOND_CONFIDENCE and len(letters) >= SECOND_MIN_CHARS and len(set(letters)) > 1


def _a_row_of_marks(line: OcrLine) -> bool:
    """One glyph repeated, read weakly: a row of buttons or rivets ("0000"), not a word. Read
    strongly it still counts in the first look (a sign's "000")."""
    letters = _alnum(line.text)
    return line.confidence < SECOND_CONFIDENCE and len(set(letters)) == 1


def _look(
    engine: RapidOCR, rgb: Image.Image, prepared: np.ndarray, min_confidence: float, *, second: bool = False
) -> list[OcrLine]:
    """The lines read in `rgb` where the detector finds them on `prepared` (RGB, a multiple of
    32 a side, any scale of `rgb`); `second`: only the candidates a later look reads."""
    width, height = rgb.size
    post = DBPostProcess(
        thresh=SEARCH_THRESH, box_thresh=SEARCH_BOX_THRESH, unclip_ratio=1.6, use_dilation=True
    )
    ready = detector_input(engine, prepared)
    found, scores = post(engine.text_det.infer(ready)[0], (height, width))
    lowest = SECOND_MIN_LINE * min(width, height) if second else 0.0
    tallest = SEARCH_MAX_LINE * min(width, height)
    ranked = sorted(zip(scores, found, strict=True), key=lambda found: -found[0])
    boxes = [np.asarray(b, dtype=np.float32) for _, b in ranked if lowest <= _short_side(b) <= tallest]
    boxes = boxes[:SECOND_MOST] if second else boxes
    if not boxes:
        return []
    crops = engine.get_crop_img_list(as_bgr(rgb), boxes)
    crops, _, _ = engine.text_cls(crops)
    read, _ = engine.text_rec(crops)
    weak = [k for k, (_, score, *_) in enumerate(read) if float(score) < SEARCH_REREAD_BELOW]
    if weak:
        again, _ = engine.text_rec([_stretched(crops[k]) for k in weak])
        for k, better in zip(weak, again, strict=True):
            if float(better[1]) > float(read[k][1]):
                read[k] = better
    return ocr_lines(boxes, read, (1.0, 1.0), (width, height), min_confidence, upright=False)


def find_text(
    img: Image.Image, *, min_confidence: float = SEARCH_CONFIDENCE, det_side: int = DET_SIDE
) -> list[OcrLine]:
    """Any lettering on a base image (Gate 1a), in reading order: see the module's docstring."""
    rgb = to_rgb(img)
    size = detector_size(rgb.width, rgb.height, det_side)
    small = np.asarray(rgb.resize(size, Image.Resampling.LANCZOS) if size != rgb.size else rgb)
    with borrow_engine() as engine:
        lines = [ln for ln in _look(engine, rgb, _clahe(small), min_confidence) if not _a_row_of_marks(ln)]
        if any(len(_alnum(ln.text)) >= 2 for ln in lines) or _plain(small):
            return lines
        second = detector_size(rgb.width, rgb.height, SECOND_SIDE)
        smaller = cv2.resize(small, second, interpolation=cv2.INTER_AREA)
        for prepare in SECOND_LOOKS:
            seen = _look(engine, rgb, prepare(smaller), min_confidence, second=True)
            lines += [ln for ln in seen if _a_word(ln)]
        periods = [] if lines else lattice(cv2.cvtColor(smaller, cv2.COLOR_RGB2GRAY))
        if periods:
            removed = pattern_removed(smaller, periods)
            seen = _look(engine, Image.fromarray(removed), removed, min_confidence, second=True)
            lines += [ln for ln in seen if _a_word(ln)]
            fine = [] if lines else lattice(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
            if fine:
                lines += veil_lines(engine, rgb, small, fine, min_confidence)
        if not lines:
            lines = _blind_looks(engine, rgb, min_confidence)
    return reading_order(lines)


def _blind_looks(engine: RapidOCR, rgb: Image.Image, min_confidence: float) -> list[OcrLine]:
    """The texture-blind look (`text_texture`), at the picture's own resolution up to BLIND_SIDE:
    on a picture textured nearly everywhere the calm mask, read from itself (the texture no
    longer crosses the letters); elsewhere the calmest colour channel."""
    size = detector_size(rgb.width, rgb.height, min(BLIND_SIDE, rgb.width, rgb.height))
    full = np.asarray(rgb.resize(size, Image.Resampling.LANCZOS) if size != rgb.size else rgb)
    mask = calm_mask(full)
    if calm_share(mask) <= CALM_AT_MOST:
        view = calm_view(mask)
        seen = _look(engine, Image.fromarray(view), view, min_confidence, second=True)
    else:
        seen = _look(engine, rgb, calmest_channel(full), min_confidence, second=True)
    return [ln for ln in seen if _a_word(ln)]

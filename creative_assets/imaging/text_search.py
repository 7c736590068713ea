"""Gate 1a's search of a base image for lettering an image model slipped in (`find_text`),
apart from reading copy back (`ocr.read_text`): its own detector thresholds, contrast and rereads.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image
from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess

from creative_assets.imaging.ocr import DET_SIDE, as_bgr, borrow_engine, detector_size, ocr_lines, to_rgb
from creative_assets.models.base import Box
from creative_assets.models.images import OcrLine

# Gate 1a searches a base image for lettering an image model slipped in: signs, outlined labels,
# semi-transparent watermarks, faint words close to their background, rotated. The detector runs
# once, on a copy with local contrast raised (CLAHE), which lifts faint and watermarked letters
# without inventing edges in flat areas; its map is cut at lower thresholds than the copy's
# (a watermark's letters score lower). A candidate the recogniser reads weakly is read again from
# a contrast-stretched crop (a watermark over texture). Measured in benchmarks/eval_gates.py.
SEARCH_CLAHE_CLIP, SEARCH_THRESH, SEARCH_BOX_THRESH = 4.0, 0.15, 0.3
SEARCH_REREAD_BELOW = 0.8
SEARCH_CONFIDENCE = 0.6  # texture let through as a candidate reads weakly; lettering reads strongly
# A region taller than this (share of the shorter side) is a shape, not a line of lettering: at
# the search's low thresholds a whole calm scene can come back as one box, squashed into "Ti".
SEARCH_MAX_LINE = 0.25


def _clahe(rgb: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=SEARCH_CLAHE_CLIP, tileGridSize=(8, 8)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def _stretched(crop: np.ndarray) -> np.ndarray:
    """A crop's grey levels spread over the full range, locally (BGR in, BGR out)."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    grey = cv2.createCLAHE(clipLimit=4.0, tileGridSize=(2, 8)).apply(grey)
    return cv2.cvtColor(cv2.normalize(grey, None, 0, 255, cv2.NORM_MINMAX), cv2.COLOR_GRAY2BGR)


def _short_side(quad: np.ndarray) -> float:
    points = np.asarray(quad, dtype=np.float32)
    return float(min(np.linalg.norm(points[1] - points[0]), np.linalg.norm(points[2] - points[1])))


def find_text(
    img: Image.Image, *, min_confidence: float = SEARCH_CONFIDENCE, det_side: int = DET_SIDE
) -> list[OcrLine]:
    """Any lettering on a base image (Gate 1a), in reading order: see SEARCH_* above."""
    rgb = to_rgb(img)
    width, height = rgb.size
    size = detector_size(width, height, det_side)
    small = np.asarray(rgb.resize(size, Image.Resampling.LANCZOS) if size != rgb.size else rgb)
    post = DBPostProcess(
        thresh=SEARCH_THRESH, box_thresh=SEARCH_BOX_THRESH, unclip_ratio=1.6, use_dilation=True
    )
    with borrow_engine() as engine:
        detector = engine.text_det
        detector.limit_side_len = min(size)
        prepared = detector.get_preprocess(max(size))(np.ascontiguousarray(_clahe(small)[:, :, ::-1]))
        found, _ = post(detector.infer(prepared)[0], (height, width))
        tallest = SEARCH_MAX_LINE * min(width, height)
        boxes = [np.asarray(b, dtype=np.float32) for b in found if _short_side(b) <= tallest]
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
    lines = []
    for points, (text, score, *_) in zip(boxes, read, strict=True):
        text = str(text).strip()
        if not text or float(score) < min_confidence:
            continue
        xs, ys = points[:, 0], points[:, 1]
        box = Box.from_pixels(
            max(0.0, float(xs.min())), max(0.0, float(ys.min())), min(width, float(xs.max())),
            min(height, float(ys.max())), width, height,
        )  # fmt: skip
        lines.append(OcrLine(text=text, confidence=min(1.0, float(score)), box=box))
    return reading_order(lines)

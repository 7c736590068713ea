"""How one rapidocr engine is made (its onnxruntime sessions' settings), and the detector's input as
rapidocr makes it, at a fraction of its cost."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from rapidocr_onnxruntime import RapidOCR
from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess
from rapidocr_onnxruntime.utils.infer_engine import OrtInferSession

_rapidocr_session_options = OrtInferSession._init_sess_opts


def _session_options(config: dict[str, Any]) -> Any:
    """rapidocr's session options with onnxruntime's memory arena on. rapidocr turns it off, so
    each tensor of each model call was an allocation of its own, and a detector's large
    activations were mapped and zeroed afresh by the kernel on every call. The arena reuses that
    memory; what the models compute is the same."""
    options = _rapidocr_session_options(config)
    options.enable_cpu_mem_arena = True
    return options


def rapidocr_engine() -> RapidOCR:
    """A new engine on one thread (see ocr.py for why), its sessions with the arena."""
    # rapidocr has no setting for the arena: its sessions take their options from this hook.
    OrtInferSession._init_sess_opts = staticmethod(_session_options)
    # One line per recogniser batch: a batch is padded to its widest line, and a creative's lines
    # range from a three-word CTA to a full-width subline; alone, each is read at its own width.
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, rec_batch_num=1)


@lru_cache(maxsize=8)
def _levels(mean: tuple[float, ...] | None, std: tuple[float, ...] | None) -> np.ndarray:
    """(3, 256): what rapidocr's normalisation makes of each level of each channel, by its own
    expression, so a look-up gives the very floats it computes pixel by pixel."""
    normalise = DetPreProcess(mean=list(mean) if mean else None, std=list(std) if std else None).normalize
    levels = np.arange(256, dtype=np.uint8).reshape(256, 1, 1).repeat(3, axis=2)
    return np.ascontiguousarray(normalise(levels).astype(np.float32)[:, 0, :].T)


def detector_input(engine: RapidOCR, rgb: np.ndarray) -> np.ndarray:
    """An RGB picture (uint8, a multiple of 32 a side) as rapidocr's detector takes it from the
    picture's BGR array: levels normalised, channels first, float32. The library computes this in
    float64 over the whole picture; a table per channel gives the same floats. Any other picture
    goes through the library's own path (which would also resize it)."""
    detector = engine.text_det
    height, width = rgb.shape[:2]
    bgr_order = rgb[:, :, ::-1]
    if rgb.dtype != np.uint8 or rgb.shape[2] != 3 or height % 32 or width % 32:
        detector.limit_side_len = min(height, width)
        return detector.get_preprocess(max(height, width))(np.ascontiguousarray(bgr_order))
    mean, std = detector.mean, detector.std
    table = _levels(tuple(mean) if mean else None, tuple(std) if std else None)
    ready = np.empty((1, 3, height, width), dtype=np.float32)
    for channel in range(3):
        np.take(table[channel], bgr_order[:, :, channel], out=ready[0, channel])
    return ready

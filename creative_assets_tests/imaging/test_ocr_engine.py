"""How an OCR engine is made: its sessions' memory arena, and the detector's input built by table."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from rapidocr_onnxruntime import RapidOCR

from creative_assets.imaging import ocr_engine
from creative_assets.imaging.ocr_engine import detector_input, rapidocr_engine


@pytest.fixture(scope="module")
def engine() -> RapidOCR:
    return rapidocr_engine()


def test_every_session_keeps_its_memory_arena(engine: RapidOCR) -> None:
    sessions = (engine.text_det.infer.session, engine.text_cls.infer.session, engine.text_rec.session.session)
    assert all(s.get_session_options().enable_cpu_mem_arena for s in sessions)


@pytest.mark.parametrize("shape", [(64, 96, 3), (96, 64, 3), (70, 100, 3)])
def test_detector_input_is_the_librarys_own(engine: RapidOCR, shape: tuple[int, int, int]) -> None:
    """The same float32 array rapidocr's preprocessing makes of the picture's BGR copy, value for
    value; a size that is no multiple of 32 is resized the library's way."""
    rgb = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    detector = engine.text_det
    detector.limit_side_len = min(shape[:2])
    expected = detector.get_preprocess(max(shape[:2]))(np.ascontiguousarray(rgb[:, :, ::-1]))
    got = detector_input(engine, rgb)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


def test_the_arena_leaves_the_detector_output_as_it_was(engine: RapidOCR) -> None:
    """The detector's map is the same as from a session with rapidocr's own options (no arena)."""
    rgb = np.random.default_rng(7).integers(0, 256, (96, 128, 3), dtype=np.uint8)
    ready = detector_input(engine, rgb)
    options = ocr_engine._rapidocr_session_options({"intra_op_num_threads": 1, "inter_op_num_threads": 1})
    assert not options.enable_cpu_mem_arena
    ours = engine.text_det.infer.session
    theirs = ort.InferenceSession(ours._model_path, sess_options=options, providers=["CPUExecutionProvider"])
    name = ours.get_inputs()[0].name
    for _ in range(2):  # the second call runs on memory the arena kept from the first
        assert np.array_equal(ours.run(None, {name: ready})[0], theirs.run(None, {name: ready})[0])

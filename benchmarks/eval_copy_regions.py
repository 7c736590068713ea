"""Gate 2 with the copy read where the creative differs from its canvas (the pipeline's read,
imaging/ocr_copy.py) against the whole-frame read it replaced, on eval_gates' labelled sets.

    .venv/bin/python -m benchmarks.eval_copy_regions [--seeds 6] [--glyphs 12]

Same fonts and extras as benchmarks/eval_gates.py. For each creative of the Gate 2 set (typeset
copy, as written and misspelt) and of the glyph set (both parts), reads the copy both ways and
prints how many creatives were read differently (another text, or a box moved by more than
BOX_TOLERANCE_PX) and how many got another Gate 2 verdict (glyph check included), and the
CPU seconds of each read. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import time

from PIL import Image

from benchmarks import eval_gates, eval_glyphs, glyph_set
from creative_assets.gates.checks import gate_2_text_correctness
from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.imaging.ocr import COPY_DET_SIDE, forget_readings, read_text
from creative_assets.imaging.ocr_copy import read_copy_changes
from creative_assets.models.base import Box

BOX_TOLERANCE_PX = 2.0  # a line's box may move this far (any edge) and still count as read alike


def _shift_px(a: Box, b: Box, size: tuple[int, int]) -> float:
    width, height = size
    return max(
        abs(a.x - b.x) * width, abs(a.w - b.w) * width, abs(a.y - b.y) * height, abs(a.h - b.h) * height
    )


def _verdict(img, lines, copy, layout, zones) -> str:
    expected = {role: getattr(copy, role) for role in ("headline", "subline", "cta")}
    glyphs = glyph_damage(img, lines, expected, zones)
    return gate_2_text_correctness(lines, copy, layout, glyphs=glyphs).status


def compare(samples, name: str) -> None:
    n = read_differently = verdicts_differ = 0
    cpu_whole = cpu_regions = 0.0
    for label, img, canvas, copy, layout, zones in samples:
        started = time.process_time()
        whole = read_text(img, det_side=COPY_DET_SIDE, upright=True)
        cpu_whole += time.process_time() - started
        forget_readings()  # each path recognises its own crops, or the second is timed off the first's
        started = time.process_time()
        changed = read_copy_changes(img, canvas, det_side=COPY_DET_SIDE)
        cpu_regions += time.process_time() - started
        n += 1
        same_boxes = len(whole) == len(changed) and all(
            _shift_px(a.box, b.box, img.size) <= BOX_TOLERANCE_PX for a, b in zip(whole, changed, strict=True)
        )
        if [ln.text for ln in whole] != [ln.text for ln in changed] or not same_boxes:
            read_differently += 1
            print(f"  read differently: {label}: {[ln.text for ln in whole]} / {[ln.text for ln in changed]}")
        a, b = _verdict(img, whole, copy, layout, zones), _verdict(img, changed, copy, layout, zones)
        if a != b:
            verdicts_differ += 1
            print(f"  Gate 2 verdict differs: {label}: whole {a}, changed regions {b}")
    print(
        f"{name:<22} n={n:<4} read differently {read_differently}, Gate 2 verdict differs {verdicts_differ}; "
        f"copy OCR CPU whole {cpu_whole:.1f} s, changed regions {cpu_regions:.1f} s "
        f"({eval_gates.load()})"
    )


def gate_2_samples(seeds: int):
    """eval_gates.gate_2_set's creatives, with the base image each was typeset on."""
    for name, img, copy, layout, _wrong, base in eval_gates.gate_2_set(seeds):
        yield name, img, base, copy, layout, {z.role: z.box for z in layout.zones}


def glyph_samples(per_kind: int, part: str):
    for s in glyph_set.glyph_set(per_kind, part):
        yield s.name, s.image, s.background, s.copy, eval_glyphs._layout(s.image, s.zones), s.zones


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--glyphs", type=int, default=12)
    args = parser.parse_args()
    read_text(Image.new("RGB", (64, 64)))  # load the engine outside the timings
    print(f"{os.cpu_count()} cores, {eval_gates.load()}")
    compare(gate_2_samples(args.seeds), "Gate 2 set")
    for part in ("tune", "held_out"):
        compare(glyph_samples(args.glyphs, part), f"glyph set, {part}")


if __name__ == "__main__":
    main()

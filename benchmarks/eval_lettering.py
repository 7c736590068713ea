"""Gate 1a on the lettering set (benchmarks/lettering_set.py): precision and recall per style.

"Before" is the search as it was (rapidocr's default detector pass on the picture, `read_text`);
"after" is `find_text` (one detector pass on a contrast-raised copy, lower thresholds, weak
readings read again). Per style, the set is that style's lettered pictures and their text-free
twins, so precision and recall are both measured on half-and-half.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from benchmarks.lettering_set import STYLES, lettering_set
from benchmarks.score import Score
from creative_assets.gates.checks import gate_1a_base_image_text
from creative_assets.imaging.ocr import DET_SIDE, read_text
from creative_assets.imaging.text_search import find_text


@dataclass
class LetteringScores:
    before: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    after: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    seconds_before: list[float] = field(default_factory=list)
    seconds_after: list[float] = field(default_factory=list)
    misjudged: list[str] = field(default_factory=list)


def score_lettering(per_style: int, part: str) -> LetteringScores:
    scores = LetteringScores()
    for sample in lettering_set(per_style, part):
        started = time.perf_counter()
        old = read_text(sample.image, det_side=DET_SIDE)
        scores.seconds_before.append(time.perf_counter() - started)
        started = time.perf_counter()
        new = find_text(sample.image)
        scores.seconds_after.append(time.perf_counter() - started)
        failed_before = gate_1a_base_image_text(old).status == "FAIL"
        failed_after = gate_1a_base_image_text(new).status == "FAIL"
        for key in (sample.style, "all"):
            scores.before[key].add(failed_before, sample.has_text)
            scores.after[key].add(failed_after, sample.has_text)
        if failed_after != sample.has_text:
            scores.misjudged.append(f"{sample.name} -> {[ln.text for ln in new]}")
    return scores


def report(scores: LetteringScores, part: str) -> list[str]:
    out = [f"Gate 1a lettering set ({part}): {sum(c.tp + c.fn for c in [scores.after['all']])} lettered, "
           f"as many text-free twins"]  # fmt: skip
    for key in (*STYLES, "all"):
        out.append(f"  {scores.before[key].line(f'{key} before')}")
        out.append(f"  {scores.after[key].line(f'{key} after')}")
    return out

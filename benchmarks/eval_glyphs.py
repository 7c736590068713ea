"""Gate 2 on the glyph set (benchmarks/glyph_set.py): precision and recall per defect kind.

"Before" is Gate 2 as it read the copy alone (OCR text against the copy); "after" adds the glyph
check (gates/glyph_damage.py). A sample counts as caught when Gate 2 fails it; per kind, the
precision is the share of the creatives the glyph check blamed on that kind that have exactly
that defect (clean ones and other kinds count against it).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.glyph_set import KINDS, glyph_set
from creative_assets.gates.checks import gate_2_text_correctness
from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.ocr import COPY_DET_SIDE, read_text
from creative_assets.models import Layout, TextZone

# The glyph check names what it counted; the set names what it broke. A broken letter shows as
# a letter in two pieces or as a broken-open counter (holes); a stray stroke as an unexplained
# piece or a filled counter.
SAME_DEFECT = {
    "dotless_i": {"dotless_i"},
    "missing_umlaut": {"missing_umlaut"},
    "broken_stroke": {"broken_stroke", "holes"},
    "merged_stroke": {"merged_stroke"},
    "extra_stroke": {"extra_stroke", "holes", "broken_stroke"},
}


@dataclass
class GlyphScores:
    n: Counter = field(default_factory=Counter)  # samples per truth (kind or "clean")
    failed_before: Counter = field(default_factory=Counter)
    failed_after: Counter = field(default_factory=Counter)
    flagged: Counter = field(default_factory=Counter)  # the glyph check alone found damage
    blamed: Counter = field(default_factory=Counter)  # (reported kind, truth)
    seconds: list[float] = field(default_factory=list)
    misjudged: list[str] = field(default_factory=list)


def _layout(img, zones) -> Layout:
    analysis = analyze_image(img).model_copy(update={"salient": None})
    text_zones = [TextZone(role=role, box=box, color="#ffffff") for role, box in zones.items()]
    return Layout(
        image_type="job_focus",
        zones=text_zones,
        logo_position=None,
        logo_box=None,
        i2i_prompt="-",
        analysis=analysis,
    )


def score_glyphs(per_kind: int, part: str) -> GlyphScores:
    scores = GlyphScores()
    for sample in glyph_set(per_kind, part):
        truth = sample.defect or "clean"
        copy = sample.copy
        layout = _layout(sample.image, sample.zones)
        started = time.perf_counter()
        lines = read_text(sample.image, det_side=COPY_DET_SIDE, upright=True)
        expected = {role: getattr(copy, role) for role in ("headline", "subline", "cta")}
        glyphs = glyph_damage(sample.image, lines, expected, sample.zones)
        scores.seconds.append(time.perf_counter() - started)
        before = gate_2_text_correctness(lines, copy, layout).status == "FAIL"
        after = gate_2_text_correctness(lines, copy, layout, glyphs=glyphs).status == "FAIL"
        scores.n[truth] += 1
        scores.failed_before[truth] += before
        scores.failed_after[truth] += after
        scores.flagged[truth] += bool(glyphs)
        if glyphs:
            scores.blamed[(glyphs[0].kind, truth)] += 1
        if after != (sample.defect is not None):
            scores.misjudged.append(f"{sample.name} {sample.where} -> {[g.kind for g in glyphs]}")
    return scores


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "  n/a"


def report(scores: GlyphScores, part: str) -> list[str]:
    clean = scores.n["clean"]
    out = [f"Gate 2 glyph set ({part}): {sum(scores.n.values())} creatives, {clean} clean"]
    verdicts = (
        ("Gate 2 before", scores.failed_before),
        ("Gate 2 after", scores.failed_after),
        ("glyph check", scores.flagged),
    )
    for label, failed in verdicts:
        tp = sum(failed[k] for k in KINDS)
        fp = failed["clean"]
        positives = sum(scores.n[k] for k in KINDS)
        out.append(
            f"  {label:<13} overall precision={_ratio(tp, tp + fp)} recall={_ratio(tp, positives)} "
            f"(tp={tp} fp={fp} fn={positives - tp})"
        )
    for kind in KINDS:
        blamed = sum(v for (k, _), v in scores.blamed.items() if k in SAME_DEFECT[kind])
        right = sum(v for (k, t), v in scores.blamed.items() if k in SAME_DEFECT[kind] and t == kind)
        before = _ratio(scores.failed_before[kind], scores.n[kind])
        out.append(
            f"  {kind:<15} n={scores.n[kind]:<3} Gate 2 recall before={before} "
            f"after={_ratio(scores.failed_after[kind], scores.n[kind])}; glyph check recall="
            f"{_ratio(scores.flagged[kind], scores.n[kind])} precision of its blame="
            f"{_ratio(right, blamed)} ({right}/{blamed})"
        )
    return out

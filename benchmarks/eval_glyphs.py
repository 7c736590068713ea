"""Gate 2 on the glyph set (benchmarks/glyph_set.py): precision and recall per defect kind.

"Reading alone" is Gate 2's reading check (OCR text against the copy, a misread line read again
by the second recogniser unless --first-reading-only); "Gate 2" adds the glyph check
(gates/glyph_damage.py). A sample counts as caught when Gate 2 fails it; per kind, the
precision is the share of the creatives the glyph check blamed on that kind that have exactly
that defect (clean ones and other kinds count against it).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.glyph_fresh import FRESH_FONTS, fresh_set
from benchmarks.glyph_parts import PARTS
from benchmarks.glyph_set import HELD_OUT_FONTS, KINDS, TUNE_FONTS, glyph_set
from creative_assets.gates import glyphs_faces
from creative_assets.gates.checks import gate_2_text_correctness
from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.gates.text_match import TEXT_MATCH_THRESHOLD
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
    check_cpu: list[float] = field(default_factory=list)  # CPU seconds of the glyph check alone
    reading_cpu: list[float] = field(default_factory=list)  # … of the reading check (second reading)
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


def _misread(evidence: dict) -> list[str]:
    """The roles the reading check failed: what it read against what was written."""
    roles = evidence.get("roles", {})
    return [
        f"reading: “{r['read']}” for “{r['expected']}”"
        for r in roles.values()
        if not r["read"] or r["score"] < TEXT_MATCH_THRESHOLD or r["misspelt"]
    ]


def score_glyphs(
    per_kind: int, part: str, cache: Path | None = None, second_reading: bool = True
) -> GlyphScores:
    """Score one part. With `cache` (a folder), the OCR reading of each creative is stored there
    on the first run and reused afterwards, so code changes to the glyph check are compared on
    the very same lines (`seconds` then holds the glyph check alone). `second_reading`: the
    reading check may read a misread line again (Gate 2 is given the image), as in the pipeline."""
    scores = GlyphScores()
    store = cache / f"{part}-{per_kind}.pkl" if cache else None
    read: dict[str, list] = pickle.loads(store.read_bytes()) if store and store.exists() else {}
    new = False
    fresh = part == "fresh" or part in PARTS
    for sample in fresh_set(per_kind, part) if fresh else glyph_set(per_kind, part):
        truth = sample.defect or "clean"
        copy = sample.copy
        layout = _layout(sample.image, sample.zones)
        started = time.perf_counter()
        key = f"{sample.name} {hashlib.md5(sample.image.tobytes()).hexdigest()}"
        if key not in read:
            read[key] = read_text(sample.image, det_side=COPY_DET_SIDE, upright=True)
            new = True
        lines = read[key]
        expected = {role: getattr(copy, role) for role in ("headline", "subline", "cta")}
        cpu = time.process_time()
        glyphs = glyph_damage(sample.image, lines, expected, sample.zones)
        scores.check_cpu.append(time.process_time() - cpu)
        cpu = time.process_time()
        img = sample.image if second_reading else None
        reading = gate_2_text_correctness(lines, copy, layout, img=img)
        before = reading.status == "FAIL"
        scores.reading_cpu.append(time.process_time() - cpu)
        scores.seconds.append(time.perf_counter() - started)
        after = before or bool(glyphs)  # Gate 2 fails on either
        scores.n[truth] += 1
        scores.failed_before[truth] += before
        scores.failed_after[truth] += after
        scores.flagged[truth] += bool(glyphs)
        if glyphs:
            scores.blamed[(glyphs[0].kind, truth)] += 1
        if after != (sample.defect is not None):
            said = [f"{g.kind}: {g.detail} in “{g.text}”" for g in glyphs] + _misread(reading.evidence)
            scores.misjudged.append(f"{sample.name} {sample.where} -> {said}")
    if store and new:
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_bytes(pickle.dumps(read))
    return scores


def part_fonts(part: str) -> tuple[tuple[str, str], ...]:
    """The (bold, regular) face files a part is set in."""
    if part in ("tune", "held_out"):
        return TUNE_FONTS if part == "tune" else HELD_OUT_FONTS
    return FRESH_FONTS if part == "fresh" else PARTS[part][1]


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "  n/a"


def report(scores: GlyphScores, part: str) -> list[str]:
    clean = scores.n["clean"]
    out = [f"Gate 2 glyph set ({part}): {sum(scores.n.values())} creatives, {clean} clean"]
    verdicts = (
        ("reading alone", scores.failed_before),
        ("Gate 2", scores.failed_after),
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
            f"  {kind:<15} n={scores.n[kind]:<3} recall: reading alone={before} "
            f"Gate 2={_ratio(scores.failed_after[kind], scores.n[kind])}; glyph check recall="
            f"{_ratio(scores.flagged[kind], scores.n[kind])} precision of its blame="
            f"{_ratio(right, blamed)} ({right}/{blamed})"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Gate 2 on the glyph set, one part at a time.")
    parser.add_argument(
        "--part",
        default="tune",
        help="tune, held_out (glyph_set.py), fresh (glyph_fresh.py), final … ninth (glyph_parts.py)",
    )
    parser.add_argument("--per-kind", type=int, default=12, help="creatives per defect kind")
    parser.add_argument("--cache", type=Path, help="folder to keep the OCR reading in between runs")
    parser.add_argument(
        "--first-reading-only",
        action="store_true",
        help="the reading check as before the second recogniser (Gate 2 not given the image)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="figures only, not which creatives were misjudged"
    )
    parser.add_argument(
        "--withhold-faces",
        action="store_true",
        help="leave the part's own faces out of the face match (as for lettering in a face the host lacks)",
    )
    args = parser.parse_args()
    if args.withhold_faces:
        glyphs_faces.WITHHELD.update(name for pair in part_fonts(args.part) for name in pair)
    scores = score_glyphs(args.per_kind, args.part, args.cache, not args.first_reading_only)
    print("\n".join(report(scores, args.part)))
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    for label, cpu in (("glyph check", scores.check_cpu), ("reading check", scores.reading_cpu)):
        cpu = sorted(cpu)
        print(
            f"  {label} CPU per creative: mean={1000 * sum(cpu) / len(cpu):.0f} ms "
            f"median={1000 * cpu[len(cpu) // 2]:.0f} ms max={1000 * cpu[-1]:.0f} ms (load average {load})"
        )
    for name in [] if args.quiet else scores.misjudged:
        print(f"    misjudged: {name}")


if __name__ == "__main__":
    main()

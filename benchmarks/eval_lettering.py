"""Gate 1a on the lettering set (benchmarks/lettering_set.py): precision and recall per style.

"Before" is rapidocr's default detector pass on the picture (`read_text`), or with
`--before two-looks` Gate 1a's search without its look through a repeating pattern (the search
as it was before that look), or with `--before four-looks` without its texture-blind look, or
with `--before five-looks` without its veil look;
"after" is `find_text`, Gate 1a's search. Per style, the set is
that style's lettered pictures and their text-free twins, so precision and recall are both
measured on half-and-half. The CPU time of each search is taken with `time.process_time`
(onnxruntime runs on the calling thread); before and after run side by side on each picture, so
under the same load.

    PYTHONPATH=$PWD .venv/bin/python -m benchmarks.eval_lettering --part dev [--per-style 15]
        [--no-before | --before two-looks | four-looks | five-looks] [--quiet]

`--quiet` leaves out which pictures were misjudged: for the held-out part, scored once.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from unittest import mock

from PIL import Image

from benchmarks.backgrounds import TEXTURES, photo, procedural, texture
from benchmarks.lettering_set import PARTS, SIDE, STYLES, lettering_set
from benchmarks.score import Score
from creative_assets.gates.checks import gate_1a_base_image_text
from creative_assets.imaging import text_search
from creative_assets.imaging.ocr import DET_SIDE, read_text
from creative_assets.imaging.text_search import find_text
from creative_assets.models.images import OcrLine


@dataclass
class LetteringScores:
    before: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    after: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    seconds_before: list[float] = field(default_factory=list)
    seconds_after: list[float] = field(default_factory=list)
    cpu_before: list[float] = field(default_factory=list)
    cpu_after: list[float] = field(default_factory=list)
    misjudged: list[str] = field(default_factory=list)


def _timed(
    search: Callable[[Image.Image], list[OcrLine]], img: Image.Image, seconds: list[float], cpu: list[float]
) -> tuple[bool, list[OcrLine]]:
    """Whether Gate 1a fails `img` on what `search` finds, timing the search."""
    started, started_cpu = time.perf_counter(), time.process_time()
    lines = search(img)
    seconds.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
    return gate_1a_base_image_text(lines).status == "FAIL", lines


def _two_looks(img: Image.Image) -> list[OcrLine]:
    """Gate 1a's search without the look through a repeating pattern: no picture repeats."""
    with mock.patch.object(text_search, "lattice", lambda grey: []):
        return find_text(img)


def _four_looks(img: Image.Image) -> list[OcrLine]:
    """Gate 1a's search without its texture-blind look (the search before that look)."""
    with mock.patch.object(text_search, "_blind_looks", lambda engine, rgb, min_confidence: []):
        return find_text(img)


def _five_looks(img: Image.Image) -> list[OcrLine]:
    """Gate 1a's search without its veil look (the search before that look)."""
    with mock.patch.object(text_search, "veil_lines", lambda *args: []):
        return find_text(img)


BEFORE: dict[str, Callable[[Image.Image], list[OcrLine]]] = {
    "read_text": lambda img: read_text(img, det_side=DET_SIDE),
    "two-looks": _two_looks,
    "four-looks": _four_looks,
    "five-looks": _five_looks,
}


def score_lettering(per_style: int, part: str, *, before: str | None = "read_text") -> LetteringScores:
    scores = LetteringScores()
    for sample in lettering_set(per_style, part):
        if before:
            failed_before, _ = _timed(BEFORE[before], sample.image, scores.seconds_before, scores.cpu_before)
        failed_after, new = _timed(find_text, sample.image, scores.seconds_after, scores.cpu_after)
        for key in (sample.style, "all"):
            if before:
                scores.before[key].add(failed_before, sample.has_text)
            scores.after[key].add(failed_after, sample.has_text)
        if failed_after != sample.has_text:
            scores.misjudged.append(f"{sample.name} -> {[ln.text for ln in new]}")
    return scores


def text_free(textures: int = 150, pictures: int = 90) -> Iterator[tuple[str, Image.Image]]:
    """More text-free base images than the set's twins: textures (seeds 5000 on, each kind in
    turn) and procedural pictures and photographs (seeds 7000 on, alternately)."""
    for k in range(textures):
        kind = TEXTURES[k % len(TEXTURES)]
        yield f"texture/{kind}/{5000 + k}", texture(random.Random(5000 + k), (SIDE, SIDE), kind)
    for k in range(pictures):
        painter = procedural if k % 2 else photo
        yield f"{painter.__name__}/{7000 + k}", painter(random.Random(7000 + k), (SIDE, SIDE))


def score_text_free(
    before: str | None, textures: int = 150, pictures: int = 90
) -> tuple[LetteringScores, list[str]]:
    """False alarms on `text_free` pictures, before and after, with the CPU of each search."""
    scores, alarms = LetteringScores(), []
    for name, img in text_free(textures, pictures):
        if before:
            failed_before, _ = _timed(BEFORE[before], img, scores.seconds_before, scores.cpu_before)
            scores.before["all"].add(failed_before, False)
        failed_after, lines = _timed(find_text, img, scores.seconds_after, scores.cpu_after)
        scores.after["all"].add(failed_after, False)
        if failed_after:
            alarms.append(f"{name} -> {[ln.text for ln in lines]}")
    return scores, alarms


def report(scores: LetteringScores, part: str) -> list[str]:
    out = [f"Gate 1a lettering set ({part}): {sum(c.tp + c.fn for c in [scores.after['all']])} lettered, "
           f"as many text-free twins"]  # fmt: skip
    for key in (*STYLES, "all"):
        if scores.cpu_before:
            out.append(f"  {scores.before[key].line(f'{key} before')}")
        out.append(f"  {scores.after[key].line(f'{key} after')}")
    return out + cpu_lines(scores)


def cpu_lines(scores: LetteringScores) -> list[str]:
    out = []
    for name, cpu in (("before", scores.cpu_before), ("after", scores.cpu_after)):
        if cpu:
            out.append(f"  CPU per image, {name}: mean {statistics.mean(cpu):.3f} s, "
                       f"median {statistics.median(cpu):.3f} s, max {max(cpu):.3f} s")  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=tuple(PARTS), default="dev")
    parser.add_argument("--per-style", type=int, default=15, help="lettered base images per style")
    parser.add_argument("--no-before", action="store_true", help="score find_text only")
    parser.add_argument("--before", choices=tuple(BEFORE), default="read_text", help="what 'before' is")
    parser.add_argument("--quiet", action="store_true", help="do not name the misjudged pictures")
    parser.add_argument("--text-free", action="store_true", help="false alarms on text_free() instead")
    parser.add_argument("--textures", type=int, default=150, help="--text-free: textures")
    parser.add_argument(
        "--pictures", type=int, default=90, help="--text-free: procedural pictures and photos"
    )
    args = parser.parse_args()
    find_text(Image.new("RGB", (64, 64)))  # load the engine outside the timings
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    if args.text_free:
        before = None if args.no_before else args.before
        scores, alarms = score_text_free(before, args.textures, args.pictures)
        for name, score in (("before", scores.before["all"]), ("after", scores.after["all"])):
            if score.tn + score.fp:
                print(f"  text-free pictures, {name}: {score.fp} false alarms of {score.tn + score.fp}")
        print("\n".join(cpu_lines(scores)))
        print(
            f"  load average {load} at the start, {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end"
        )
        print("\n".join(f"    false alarm: {name}" for name in alarms))
        return
    scores = score_lettering(args.per_style, args.part, before=None if args.no_before else args.before)
    print("\n".join(report(scores, args.part)))
    print(f"  load average {load} at the start, {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end")
    if not args.quiet:
        for name in scores.misjudged:
            print(f"    misjudged: {name}")


if __name__ == "__main__":
    main()

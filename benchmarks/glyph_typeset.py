"""Gate 2's glyph check on the project's own clean typesetting: every false alarm is one.

The local writer's copy of the three sample jobs (every locale and variant) is set by the local
typesetter (imaging/typesetting.py, DejaVu) in an ad format over a background (flat, gradient,
photograph, procedural) at an emphasis (the attempt's), read as the pipeline reads a finished
creative (only where it differs from the canvas it was set on) and judged by Gate 2's glyph
check. Nothing in the set is damaged, so each finding is a false alarm a user pays a retry for.

    PYTHONPATH=$PWD nice -n 19 python -m benchmarks.glyph_typeset --count 120 --cache /tmp/glyphs/ocr
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image

from benchmarks.backgrounds import BACKGROUNDS
from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.gates.glyphs import GlyphFinding
from creative_assets.imaging.analysis import analyze_image
from creative_assets.imaging.formats import FORMATS
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.imaging.ocr import COPY_DET_SIDE
from creative_assets.imaging.ocr_copy import read_copy_changes
from creative_assets.imaging.typesetting import typeset
from creative_assets.models import IMAGE_TYPES, CopyVariant
from creative_assets.models.base import Box
from creative_assets.providers.local import LocalJobSource
from creative_assets.providers.local.images import MAX_EMPHASIS
from creative_assets_tests.imaging.test_glyphs_intact import BRAND, JOBS, LOCALES, copies
from creative_assets_tests.provider_sim.schema_fill import salient_words

ROLES = ("headline", "subline", "cta")


@dataclass
class SetSample:
    name: str
    image: Image.Image
    canvas: Image.Image  # what the copy was set on
    copy: CopyVariant
    zones: dict[str, Box]


@cache
def local_copies() -> tuple[tuple[str, CopyVariant], ...]:
    """Every copy the local writer produces for the sample jobs, once each."""
    return tuple(pair for job_id in JOBS for pair in copies(job_id))


def _phrase(rng: random.Random, words: list[str]) -> str:
    return f"{' '.join(rng.choice(words) for _ in range(2)).capitalize()} {rng.choice(words)}"


@cache
def sim_copies(seed: int) -> tuple[tuple[str, CopyVariant], ...]:
    """Copy as the provider simulator's language model writes it (the reliability benchmark's):
    each text a short phrase of longer words from the job ad (provider_sim/schema_fill.py), so
    words and capitals repeat across roles."""
    rng, found = random.Random(seed), []
    template = local_copies()[0][1]
    for n, job_id in enumerate(JOBS * 10):
        posting = LocalJobSource().get_job(job_id)
        words = salient_words(" ".join([posting.title, posting.description, *posting.requirements]))
        texts = {role: _phrase(rng, words) for role in ROLES}
        found.append((LOCALES[n % 2], template.model_copy(update=texts)))
    return tuple(found)


def typeset_set(count: int, seed: int = 0, sim: bool = False) -> Iterator[SetSample]:
    """`count` creatives, each copy in turn (the local writer's, or with `sim` the simulator's),
    in a format, over a background and at an emphasis drawn from `seed`."""
    rng = random.Random(seed)
    texts = sim_copies(seed) if sim else local_copies()
    for n in range(count):
        locale, copy = texts[n % len(texts)]
        format_id = rng.choice(sorted(FORMATS))
        bg_kind = rng.choice(sorted(BACKGROUNDS))
        emphasis = rng.randint(0, MAX_EMPHASIS)
        canvas = BACKGROUNDS[bg_kind](rng, FORMATS[format_id].size)  # type: ignore[index]
        image_type = rng.choice(IMAGE_TYPES)
        planned = plan_layout(analyze_image(canvas), copy, BRAND, image_type, has_logo=True)
        layout = planned.model_copy(update={"format": format_id, "locale": locale})
        image = typeset(canvas, layout, copy, emphasis=emphasis, locale=locale)
        name = f"{n:03d}/{locale}/{format_id}/{bg_kind}/e{emphasis}"
        yield SetSample(name, image, canvas, copy, {z.role: z.box for z in layout.zones})


def false_alarms(
    count: int, seed: int, cache_dir: Path | None, save: Path | None, sim: bool = False
) -> list[tuple[str, GlyphFinding]]:
    store = cache_dir / f"typeset-{'sim-' * sim}{seed}-{count}.pkl" if cache_dir else None
    read: dict[str, list] = pickle.loads(store.read_bytes()) if store and store.exists() else {}
    new, found = False, []
    for sample in typeset_set(count, seed, sim):
        key = f"{sample.name} {hashlib.md5(sample.image.tobytes()).hexdigest()}"
        if key not in read:
            read[key] = read_copy_changes(sample.image, sample.canvas, det_side=COPY_DET_SIDE)
            new = True
        expected = {role: getattr(sample.copy, role) for role in ROLES}
        for finding in glyph_damage(sample.image, read[key], expected, sample.zones):
            found.append((sample.name, finding))
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                sample.image.save(save / f"{sample.name.replace('/', '_')}.png")
    if store and new:
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_bytes(pickle.dumps(read))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="Gate 2's glyph check on clean typesetter creatives.")
    parser.add_argument("--count", type=int, default=120, help="creatives to set and judge")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, help="folder to keep the OCR reading in between runs")
    parser.add_argument(
        "--sim", action="store_true", help="the provider simulator's copy, not the local writer's"
    )
    parser.add_argument("--save", type=Path, help="folder to save the creatives with a false alarm")
    args = parser.parse_args()
    found = false_alarms(args.count, args.seed, args.cache, args.save, args.sim)
    creatives = {name for name, _ in found}
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"{len(creatives)} of {args.count} clean typeset creatives failed the glyph check "
        f"(load average {load})"
    )
    for name, finding in found:
        print(f"  {name}: {finding.kind} — {finding.sentence()}")


if __name__ == "__main__":
    main()

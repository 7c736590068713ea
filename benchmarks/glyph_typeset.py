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
from creative_assets.models import IMAGE_TYPES, BrandIdentity, CopyVariant
from creative_assets.models.base import Box
from creative_assets.providers.local import LocalJobSource, LocalResearcher, TemplateTextGenerator
from creative_assets.providers.local.images import MAX_EMPHASIS

JOBS = ("hoc-4711-pflege", "hoc-5120-warehouse", "hoc-6230-pflege-bilingual")
LOCALES = ("de-DE", "en-GB", "en-US")
BRAND = BrandIdentity(
    company_name="Acme",
    primary_color="#0a4d68",
    secondary_color="#088395",
    accent_color="#f97316",
    source="defaults",
)
ROLES = ("headline", "subline", "cta")


@dataclass
class SetSample:
    name: str
    image: Image.Image
    canvas: Image.Image  # what the copy was set on
    copy: CopyVariant
    zones: dict[str, Box]


@cache
def copies() -> tuple[tuple[str, CopyVariant], ...]:
    """Every copy the local writer produces for the sample jobs, once each."""
    writer, seen, found = TemplateTextGenerator(), set(), []
    for job_id in JOBS:
        job = LocalJobSource().get_job(job_id)
        context = writer.fuse_context(job, LocalResearcher().research(job)).value
        for locale in LOCALES:
            for copy in writer.write_copy(context, locale).value:
                if (key := (copy.headline, copy.subline, copy.cta)) not in seen:
                    seen.add(key)
                    found.append((locale, copy))
    return tuple(found)


def typeset_set(count: int, seed: int = 0) -> Iterator[SetSample]:
    """`count` creatives, each copy in turn, in a format, over a background and at an emphasis
    drawn from `seed`."""
    rng = random.Random(seed)
    texts = copies()
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


def false_alarms(count: int, seed: int, cache_dir: Path | None, save: Path | None) -> list[tuple[str, GlyphFinding]]:
    store = cache_dir / f"typeset-{seed}-{count}.pkl" if cache_dir else None
    read: dict[str, list] = pickle.loads(store.read_bytes()) if store and store.exists() else {}
    new, found = False, []
    for sample in typeset_set(count, seed):
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
    parser.add_argument("--save", type=Path, help="folder to save the creatives with a false alarm")
    args = parser.parse_args()
    found = false_alarms(args.count, args.seed, args.cache, args.save)
    creatives = {name for name, _ in found}
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{len(creatives)} of {args.count} clean typeset creatives failed the glyph check (load average {load})")
    for name, finding in found:
        print(f"  {name}: {finding.kind} — {finding.sentence()}")


if __name__ == "__main__":
    main()

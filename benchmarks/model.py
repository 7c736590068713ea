"""The benchmark's arithmetic: the latency profile, the critical-path lower bound of a campaign,
the seed design's schedule simulated on the same numbers, and the throughput bound.

Everything here is pure (no Dagster, no simulator) and in *provider seconds*; the runner
multiplies by the profile's `time_scale` before comparing with wall clocks.

The bound (issue #7): text chain + ⌈base images / BFL slots⌉ × BFL latency + the downstream chain
of the last image, all on mean latencies. It is a lower bound for any schedule that makes these
calls under these limits: the text chain must precede every image, at most `slots` images are in
flight at once, and the last image still needs its own analysis, layout and edit.

The seed schedule (design doc 000_252060415653bb77) is a small discrete-event model:
  1. text:   job → research → context fusion → copy, one after another;
  2. images: per variant (all five side by side) meta-analysis → designer prompts; barrier;
             then every base image in batches of `bfl_batch_size`, a batch lasting as long as its
             slowest image, `bfl_batch_pause_s` between batches;  barrier (Gate 1a: OCR, not
             timed here — CPU costs are left out of both models);
  3. brand scrape, then one image analysis per creative, side by side;  barrier;
  4. per creative, side by side: layout designer → i2i edit;  barrier (phase 5: gates).
It is run on latencies drawn from the profile (the same distributions the simulator draws
from), averaged over many trials; with zero spread it reduces to plain sums, which the tests
assert exactly.

The pipeline schedule is the same kind of model of *our* step structure (`pipeline_schedule_once`)
with no overhead and no retries: the bound is on mean latencies, so even a perfect implementation
exceeds it by what the spread costs (each step waits for its slowest image); this figure says how
much, so the rest of the gap is ours.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any

PROFILE_PATH = Path(__file__).with_name("profile.json")


@dataclass(frozen=True)
class Latency:
    mean_s: float
    spread_s: float = 0.0

    def draw(self, rng: random.Random | None) -> float:
        if rng is None or self.spread_s == 0:
            return self.mean_s
        return rng.uniform(self.mean_s - self.spread_s, self.mean_s + self.spread_s)

    def simulator(self) -> dict[str, Any]:
        """The same distribution in the simulator's config language."""
        if self.spread_s == 0:
            return {"kind": "fixed", "seconds": self.mean_s}
        return {"kind": "uniform", "min_s": self.mean_s - self.spread_s, "max_s": self.mean_s + self.spread_s}


@dataclass(frozen=True)
class Profile:
    time_scale: float
    seed: int
    limits: dict[str, int]
    latency: dict[str, Latency]
    text_stages: list[list[str]]
    variant_prompt_chain: list[str]
    bfl_image: list[str]
    image_downstream: list[str]
    bfl_batch_size: int = 5
    bfl_batch_pause_s: float = 2.0

    @classmethod
    def load(cls, path: Path | str = PROFILE_PATH) -> Profile:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        pipeline, seed = data["pipeline"], data.get("seed_schedule", {})
        latency = {name: Latency(**spec) for name, spec in data["latency"].items()}
        calls = [c for stage in pipeline["text_stages"] for c in stage]
        calls += pipeline["variant_prompt_chain"] + pipeline["bfl_image"] + pipeline["image_downstream"]
        missing = sorted(set(calls) - set(latency))
        if missing:
            raise ValueError(f"profile names calls without a latency: {missing}")
        if data["time_scale"] <= 0:
            raise ValueError("time_scale must be positive")
        return cls(
            time_scale=float(data["time_scale"]),
            seed=int(data.get("seed", 0)),
            limits={k: int(v) for k, v in data["limits"].items()},
            latency=latency,
            text_stages=[list(s) for s in pipeline["text_stages"]],
            variant_prompt_chain=list(pipeline["variant_prompt_chain"]),
            bfl_image=list(pipeline["bfl_image"]),
            image_downstream=list(pipeline["image_downstream"]),
            bfl_batch_size=int(seed.get("bfl_batch_size", 5)),
            bfl_batch_pause_s=float(seed.get("bfl_batch_pause_s", 2.0)),
        )

    def mean(self, calls: Sequence[str]) -> float:
        return sum(self.latency[c].mean_s for c in calls)

    def draw(self, calls: Sequence[str], rng: random.Random | None) -> float:
        return sum(self.latency[c].draw(rng) for c in calls)

    @property
    def bfl_slots(self) -> int:
        return self.limits["bfl"]

    @property
    def bfl_latency_s(self) -> float:
        """Mean time a BFL slot is held for one image: submit, task, result poll, download."""
        return self.mean(self.bfl_image)

    def text_chain_s(self, rng: random.Random | None = None) -> float:
        """Text stages plus the variant's art direction: what precedes the first image request."""
        stages = sum(max(self.latency[c].draw(rng) for c in stage) for stage in self.text_stages)
        return stages + self.draw(self.variant_prompt_chain, rng)


@dataclass(frozen=True)
class Bound:
    text_chain_s: float
    bfl_rounds: int
    bfl_latency_s: float
    downstream_s: float

    @property
    def total_s(self) -> float:
        return self.text_chain_s + self.bfl_rounds * self.bfl_latency_s + self.downstream_s


def critical_path_bound(profile: Profile, base_images: int) -> Bound:
    """The issue's lower bound on mean latencies, in provider seconds."""
    return Bound(
        text_chain_s=profile.text_chain_s(),
        bfl_rounds=math.ceil(base_images / profile.bfl_slots),
        bfl_latency_s=profile.bfl_latency_s,
        downstream_s=profile.mean(profile.image_downstream),
    )


def seed_schedule_once(
    profile: Profile, *, base_images: int, creatives: int, variants: int = 5, rng: random.Random | None
) -> float:
    """One campaign under the seed's schedule (module docstring), provider seconds."""
    chat = "openai.chat_completions"
    # Phase 1: the seed's text phase has no brand scrape (that is phase 3).
    text = [c for stage in profile.text_stages for c in stage if not c.startswith("firecrawl.")]
    t = profile.draw(text, rng)
    # Phase 2a: per variant meta-analysis, then its designer prompts side by side; barrier.
    meta, *designers = profile.variant_prompt_chain
    t += max(
        profile.latency[meta].draw(rng) + max(profile.latency[d].draw(rng) for d in designers or [chat])
        for _ in range(variants)
    )
    # Phase 2b: BFL batches; a batch ends with its slowest image.
    size = profile.bfl_batch_size
    batches = math.ceil(base_images / size)
    for b in range(batches):
        in_batch = min(size, base_images - b * size)
        t += max(profile.draw(profile.bfl_image, rng) for _ in range(in_batch))
        if b < batches - 1:
            t += profile.bfl_batch_pause_s
    # Phase 3: brand scrape, then the image analyses side by side.
    downstream = profile.image_downstream
    analysis, layout_chain = downstream[:1], downstream[1:]
    t += sum(profile.latency[c].draw(rng) for c in _brand_calls(profile))
    t += max(profile.draw(analysis, rng) for _ in range(creatives))
    # Phase 4: layout designer → i2i per creative, side by side.
    t += max(profile.draw(layout_chain, rng) for _ in range(creatives))
    return t


def _brand_calls(profile: Profile) -> list[str]:
    return [c for stage in profile.text_stages for c in stage if c.startswith("firecrawl.")]


def seed_schedule(
    profile: Profile, *, base_images: int, creatives: int, trials: int = 2000, seed: int | None = None
) -> float:
    """Expected duration under the seed's schedule: the mean of `trials` runs on drawn latencies
    (exact when the profile has no spread)."""
    if all(lat.spread_s == 0 for lat in profile.latency.values()):
        return seed_schedule_once(profile, base_images=base_images, creatives=creatives, rng=None)
    rng = random.Random(profile.seed if seed is None else seed)
    return fmean(
        seed_schedule_once(profile, base_images=base_images, creatives=creatives, rng=rng)
        for _ in range(trials)
    )


def pipeline_schedule_once(
    profile: Profile,
    *,
    variants: int = 5,
    images_per_variant: int = 4,
    redrawn: int = 0,
    replaced: int = 0,
    barriers: bool = True,
    rng: random.Random | None,
) -> float:
    """One campaign under this pipeline's own schedule with no overhead and no CPU, provider
    seconds: what a perfect implementation of our step structure would take on these draws.
    Unlike the bound it pays for the spread (a step ends with its slowest image):
      text:      the text stages (the lookups side by side, `posting_lookups`);
      variants:  all side by side; each its art direction, then its images on the shared BFL
                 slots (first come, first served), then `layouts` (analysis → layout per image)
                 once its last image is in, then `creatives` (the edit per image).
    Retries, on images picked at random: `redrawn` base images are drawn again as soon as they
    arrive (Gate 1a), `replaced` pictures are replaced in `creatives` (a failed plan): a new
    image, its analysis and layout, then its edit, after the variant's layouts.
    `barriers=False` models the alternative structure without step boundaries between the
    images of a variant: each image's analysis, layout and edit start as soon as it arrives
    (a replaced picture right after its own layout), so no image waits for its variant's slowest."""
    pick = rng or random.Random(0)
    text = sum(max(profile.latency[c].draw(rng) for c in stage) for stage in profile.text_stages)
    ready = [text + profile.draw(profile.variant_prompt_chain, rng) for _ in range(variants)]
    images = [(v, i) for v in range(variants) for i in range(images_per_variant)]
    redraw = pick.sample(images, min(redrawn, len(images)))
    slots = [0.0] * profile.bfl_slots

    def bfl(start: float) -> float:
        slot = min(range(len(slots)), key=slots.__getitem__)
        slots[slot] = max(slots[slot], start) + profile.draw(profile.bfl_image, rng)
        return slots[slot]

    done: list[list[float]] = [[] for _ in range(variants)]
    queue = [(ready[v], v, i) for v, i in images]
    heapq.heapify(queue)
    while queue:
        start, v, i = heapq.heappop(queue)
        end = bfl(start)
        if (v, i) in redraw:
            redraw.remove((v, i))
            heapq.heappush(queue, (end, v, i))
        else:
            done[v].append(end)
    analysis_and_layout, edit = profile.image_downstream[:-1], profile.image_downstream[-1:]
    replace = {v for v, _ in pick.sample(images, min(replaced, len(images)))}
    ends = []
    for v, arrived in enumerate(done):
        if not barriers:
            laid = [t + profile.draw(analysis_and_layout, rng) for t in arrived]
            chains = [t + profile.draw(edit, rng) for t in laid]
            if v in replace:
                chains.append(bfl(laid[-1]) + profile.draw(profile.image_downstream, rng))
            ends.append(max(chains))
            continue
        layouts_end = max(arrived) + max(profile.draw(analysis_and_layout, rng) for _ in arrived)
        end = layouts_end + max(profile.draw(edit, rng) for _ in arrived)
        if v in replace:
            end = max(end, bfl(layouts_end) + profile.draw(profile.image_downstream, rng))
        ends.append(end)
    return max(ends)


def pipeline_schedule(
    profile: Profile,
    *,
    trials: int = 2000,
    seed: int | None = None,
    redrawn: int = 0,
    replaced: int = 0,
    barriers: bool = True,
) -> float:
    """Expected duration of `pipeline_schedule_once` (exact when the profile has no spread and
    there are no retries)."""
    options = {"redrawn": redrawn, "replaced": replaced, "barriers": barriers}
    if all(lat.spread_s == 0 for lat in profile.latency.values()) and not redrawn + replaced:
        return pipeline_schedule_once(profile, rng=None, **options)
    rng = random.Random(profile.seed if seed is None else seed)
    return fmean(pipeline_schedule_once(profile, rng=rng, **options) for _ in range(trials))


def throughput_bound_per_min(profile: Profile) -> float:
    """Base images per minute (wall clock) when every BFL slot is always busy."""
    return profile.bfl_slots / (profile.bfl_latency_s * profile.time_scale) * 60.0

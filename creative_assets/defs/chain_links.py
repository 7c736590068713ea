"""One image type's chain inside the image chains' step (defs/chains.py): its base image (held to
Gate 1a), its layouts and its creative, each phase in its own call scope so every ledger row
names its phase, each phase's call failure recorded for this creative alone (defs/failures.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from creative_assets.defs.compose.assets import render
from creative_assets.defs.compose.attempts import Providers
from creative_assets.defs.compose.renditions import RenderedCreative
from creative_assets.defs.failures import one_alone
from creative_assets.defs.images.assets import Drawn, draw_base_image
from creative_assets.defs.layout.assets import plan_renditions
from creative_assets.errors import CreativeAssetsError
from creative_assets.gateway.scope import call_scope
from creative_assets.models import (
    BaseImageSet,
    BrandIdentity,
    CopyDeck,
    ImagePromptSet,
    ImageType,
    Layout,
    LayoutSet,
)
from creative_assets.models.base import CallFailure
from creative_assets.models.creatives import Regeneration

# The phases in chain order, each with its outputs; a phase's name is its ledger rows' `phase`.
PHASES: dict[str, tuple[str, ...]] = {
    "base_images": ("base_images",),
    "layouts": ("layouts",),
    "compose": ("text_overlays", "final_creatives"),
}


def running_phases(selected: set[str]) -> list[str]:
    """The phases a run makes: those with a selected output, which must be consecutive (a
    phase left out between two would be neither made nor current)."""
    running = [p for p, outs in PHASES.items() if selected & set(outs)]
    names = list(PHASES)
    if running and running != names[names.index(running[0]) : names.index(running[-1]) + 1]:
        raise CreativeAssetsError(
            "chain_selection",
            f"select consecutive phases of the image chain ({' → '.join(names)}), not "
            f"{', '.join(running)}: a layout or creative made on pictures it was not planned on "
            "would be stale",
        )
    return running


@dataclass
class Chain:
    """What one image type's chain made or where it stopped (None: that phase did not run)."""

    drawn: Drawn | CallFailure | None = None
    planned: list[Layout] | CallFailure | None = None
    rendered: tuple[RenderedCreative, Any] | None = None
    phase: str | None = None  # the phase it is in
    halted: str | None = None  # the phase it left unfinished: it raised there, or another chain had
    error: Exception | None = None


@dataclass
class ImageChain:
    """The chain of one variant's image types, run once per image type (side by side). The
    phases in `running` are made; the base images and layouts before them come stored."""

    running: Sequence[str]
    providers: Providers
    prompts: ImagePromptSet
    deck: CopyDeck
    brand: BrandIdentity
    generation: int
    round_of: Callable[[ImageType, str], Regeneration]  # (image type, its picture's sha256)
    stored_bases: BaseImageSet | None = None
    stored_layouts: LayoutSet | None = None
    # A chain that raises (the budget guard's refusal, a bug) fails the step, as a phase's step
    # failed before: the other chains finish the phase they are in and start no other.
    _stop: threading.Event = field(default_factory=threading.Event)

    def __call__(self, image_type: ImageType) -> Chain:
        made = Chain()
        try:
            self._links(image_type, made)
        except Exception as exc:
            made.halted, made.error = made.phase or next(iter(PHASES)), exc
            self._stop.set()
        return made

    def _enter(self, made: Chain, phase: str) -> bool:
        """Whether the chain may go on into `phase`."""
        if self._stop.is_set():
            made.halted = phase
            return False
        made.phase = phase
        return True

    def _links(self, image_type: ImageType, made: Chain) -> None:
        p, prompts = self.providers, self.prompts
        if prompts.failure is not None:
            return  # recorded on every creative by base_images (or by its stored value)
        if self.stored_bases is None:
            if not self._enter(made, "base_images"):
                return
            with call_scope(phase="base_images"):
                drawn, failure = one_alone(
                    lambda t: draw_base_image(
                        t,
                        image_generator=p.generator,
                        ocr=p.ocr,
                        settings=p.settings,
                        prompts=prompts,
                        brand=self.brand,
                        generation=self.generation,
                    ),
                    image_type,
                    step="base_images",
                    call="text-to-image",
                )
            made.drawn = drawn or failure
            if drawn is None or not drawn.image.gate_1a_passed:
                return  # recorded failed by base_images; this creative goes no further
            base, png = drawn.image, drawn.png
        else:
            found = [b for b in self.stored_bases.images if b.image_type == image_type]
            if not found or image_type in self.stored_bases.failed:
                return
            base, png = found[0], self.stored_bases.files[found[0].file]
        if "layouts" in self.running:
            if not self._enter(made, "layouts"):
                return
            with call_scope(phase="layouts"):
                planned, failure = one_alone(
                    lambda b: plan_renditions(
                        b,
                        png,
                        vision_analyzer=p.vision,
                        text_generator=p.text,
                        settings=p.settings,
                        deck=self.deck,
                        brand=self.brand,
                        variant=prompts.variant,
                    ),
                    base,
                    step="layouts",
                    call="image analysis or layout design",
                )
            made.planned = planned if planned is not None else failure
            if planned is None:
                return
            layouts = LayoutSet(job_id=prompts.job_id, variant=prompts.variant, layouts=planned)
        elif "compose" in self.running:
            assert self.stored_layouts is not None
            if image_type in self.stored_layouts.failed:
                return
            layouts = self.stored_layouts
        if "compose" in self.running:
            if not self._enter(made, "compose"):
                return
            regeneration = self.round_of(image_type, base.sha256)
            with call_scope(phase="compose"):
                made.rendered = render(
                    base,
                    png,
                    layouts,
                    providers=p,
                    prompts=prompts,
                    deck=self.deck,
                    brand=self.brand,
                    regeneration=regeneration,
                )

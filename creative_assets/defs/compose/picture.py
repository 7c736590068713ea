"""The one picture a creative is on, and its renditions' layouts on that picture.

A creative is one visual in every format and locale: when a rendition's retry draws a new
picture, the creative moves to it (renditions.py). A `Picture` plans a rendition's layout on
itself on demand — the base analysis once, a frame per format, the layout designer per
rendition — so a rendition that moves over is framed and planned for the new picture, and the
calls are paid once per picture, not per rendition that asks, also when renditions made side
by side ask at once. `PictureClaims` lets those renditions agree on who draws the next picture.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

from creative_assets.defs.failures import provider_call
from creative_assets.defs.images.generation import generate_clean_base_image
from creative_assets.defs.layout.framing import Frame, frame, plan
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.formats import ad_format
from creative_assets.imaging.png import open_image
from creative_assets.models import (
    BaseImage,
    BrandIdentity,
    CopyVariant,
    DesignerPrompt,
    ImageAnalysis,
    Layout,
)
from creative_assets.providers.base import ImageGenerator, TextGenerator, VisionAnalyzer
from creative_assets.resources import CampaignSettings, OcrReader

STEP = "compose"


@dataclass
class Picture:
    """A base image and the layouts planned on it, keyed by (format, locale)."""

    base: BaseImage
    png: bytes
    layouts: dict[tuple[str, str | None], Layout] = field(default_factory=dict)
    drawn_by: str | None = None  # the rendition whose retry drew it; None: base_images' picture
    _analysis: ImageAnalysis | None = None
    _frames: dict[str, Frame] = field(default_factory=dict)
    _pixels: Image.Image | None = None
    # Renditions are made side by side (renditions.py): one lock per thing planned once, so the
    # analysis and each format's frame are paid once while other formats' calls go on.
    _locks: dict[object, threading.Lock] = field(default_factory=dict)
    _locks_lock: threading.Lock = field(default_factory=threading.Lock)

    def _once(self, what: object) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(what, threading.Lock())

    def canvas(self, layout: Layout) -> Canvas:
        """The rendition's canvas; the picture is decoded once for all its renditions."""
        with self._once("pixels"):
            if self._pixels is None:
                self._pixels = open_image(self.png, what="base image").convert("RGB")
        return Canvas.framed(self.png, layout.crop, ad_format(layout.format), self._pixels)

    def layout_for(
        self,
        *,
        vision: VisionAnalyzer,
        text: TextGenerator,
        copy: CopyVariant,
        brand: BrandIdentity,
        format_id: str,
        locale: str | None,
    ) -> Layout:
        """The rendition's layout on this picture (planned now if it was not yet)."""
        if (format_id, locale) in self.layouts:
            return self.layouts[format_id, locale]
        with provider_call(STEP, "image analysis"):
            with self._once("analysis"):
                if self._analysis is None:
                    self._analysis = vision.analyze(self.png).value
            with self._once(("frame", format_id)):
                if format_id not in self._frames:
                    self._frames[format_id] = frame(vision, self.png, self._analysis, ad_format(format_id))
        with provider_call(STEP, "layout design"):
            layout = plan(text, self._frames[format_id], copy, brand, self.base.image_type, locale)
        self.layouts[format_id, locale] = layout
        return layout


def draw_picture(
    *,
    generator: ImageGenerator,
    ocr: OcrReader,
    settings: CampaignSettings,
    prompt: DesignerPrompt,
    brand: BrandIdentity,
    seed_parts: tuple[object, ...],
    file: str,
    drawn_by: str,
) -> Picture:
    """A new picture for a creative, held to Gate 1a like the first one (its moderation too)."""
    with provider_call(STEP, "text-to-image"):
        base, png = generate_clean_base_image(
            generator=generator,
            ocr=ocr,
            settings=settings,
            prompt=prompt,
            palette=[brand.primary_color, brand.secondary_color, brand.accent_color],
            seed_parts=seed_parts,
            file=file,
        )
    return Picture(base=base, png=png, drawn_by=drawn_by)


Claim = Literal["granted", "spent", "moved"]


class PictureClaims:
    """Which of a creative's renditions, made side by side on one picture, may draw its next one.

    The first rendition that asks while the creative is on `sha256` and has pictures left is
    granted the draw; from then on the picture counts as replaced, so a rendition still on it
    stops (`moved`) instead of paying for more edits of a picture the creative is leaving, and
    is made again on the new one (renditions.py). No budget left: `spent` (another edit instead).
    Hand-written because it is a few lines of shared state around one lock."""

    def __init__(self, sha256: str, *, drawn: int, budget: int) -> None:
        self._lock = threading.Lock()
        self.current, self.drawn, self.budget = sha256, drawn, budget
        self.replacing = False

    def claim(self, on: str) -> Claim:
        with self._lock:
            if self.moved(on):
                return "moved"
            if self.drawn >= self.budget:
                return "spent"
            self.replacing, self.drawn = True, self.drawn + 1
            return "granted"

    def moved(self, on: str) -> bool:
        """Whether the creative is leaving (or has left) the picture `on`."""
        return self.replacing or on != self.current

    def drew(self, picture: Picture) -> None:
        """The granted draw is done: the creative is on `picture` now."""
        with self._lock:
            self.current, self.replacing = picture.base.sha256, False

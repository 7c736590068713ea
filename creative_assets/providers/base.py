"""The narrow, typed interfaces assets talk to. Each has a local (zero-key) implementation and,
where a real provider exists, a client for it; assets never know which one they got."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import dagster as dg

from creative_assets.imaging.canvas import Canvas
from creative_assets.models import (
    BrandIdentity,
    CampaignContext,
    CopyVariant,
    DesignerPrompt,
    ImageAnalysis,
    ImageConcept,
    ImageType,
    JobPosting,
    JobRef,
    Layout,
    ResearchBrief,
    VisionReview,
)
from creative_assets.models.text import ComplianceFinding

T = TypeVar("T")


@dataclass(frozen=True)
class Generated(Generic[T]):
    """A provider's answer and who made it (`provider/model`); `fallback` says, in words, what a
    local stand-in made in place of a failed provider. What it cost is on the gateway's ledger."""

    value: T
    made_by: str
    fallback: str | None = None


@dataclass(frozen=True)
class ArtDirection:
    """Creative-director meta-analysis and the designer prompts derived from it."""

    meta_analysis: str
    concepts: list[ImageConcept]
    prompts: list[DesignerPrompt]


class Priced:
    """List price per operation (USD per call of typical size), for the pre-flight estimate.
    Local providers cost nothing, which is the default."""

    def list_prices(self) -> dict[str, float]:
        return {}


class JobSource(dg.ConfigurableResource, ABC):
    """Where HOC jobs come from (the HOC jobs API, or a folder of JSON files)."""

    @abstractmethod
    def get_job(self, job_id: str) -> JobPosting: ...

    @abstractmethod
    def list_jobs(self, updated_since: datetime | None = None) -> list[JobRef]: ...


class Researcher(Priced, dg.ConfigurableResource, ABC):
    """Role and location research (Perplexity)."""

    @abstractmethod
    def research(self, job: JobPosting) -> ResearchBrief: ...


class TextGenerator(Priced, dg.ConfigurableResource, ABC):
    """The language-model steps: context fusion, copywriting, art direction, layout design."""

    @abstractmethod
    def fuse_context(self, job: JobPosting, research: ResearchBrief) -> Generated[CampaignContext]: ...

    @abstractmethod
    def write_copy(
        self,
        context: CampaignContext,
        locale: str | None = None,
        feedback: Sequence[ComplianceFinding] = (),
    ) -> Generated[list[CopyVariant]]:
        """The five variants A–E in `locale` (None: the context language's default locale).
        `feedback` holds the compliance gate's findings on the previous draft of this locale:
        the new draft must not repeat them (use the suggested alternatives)."""

    @abstractmethod
    def direct_images(self, context: CampaignContext, copy: CopyVariant) -> Generated[ArtDirection]: ...

    @abstractmethod
    def design_layout(
        self,
        analysis: ImageAnalysis,
        copy: CopyVariant,
        brand: BrandIdentity,
        image_type: ImageType,
    ) -> Generated[Layout]: ...


class BrandExtractor(Priced, dg.ConfigurableResource, ABC):
    """Brand identity of the employer (Firecrawl). Must not raise for a missing brand:
    the asset falls back to defaults and says why."""

    @abstractmethod
    def extract(self, job: JobPosting) -> BrandIdentity: ...


class ImageGenerator(Priced, dg.ConfigurableResource, ABC):
    """Text-to-image (BFL FLUX). Returns PNG bytes."""

    @abstractmethod
    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]: ...


class ImageEditor(Priced, dg.ConfigurableResource, ABC):
    """Image-to-image text overlay (OpenAI gpt-image-1). Never draws the logo. Returns PNG bytes
    at the canvas's size (the ad format's pixels)."""

    @abstractmethod
    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]: ...


class VisionAnalyzer(Priced, dg.ConfigurableResource, ABC):
    """Finds free space for text on a base image (vision model, or local calm-region analysis),
    and, where a vision model is configured, reviews a finished creative for Gate 1b."""

    @abstractmethod
    def analyze(self, png: bytes) -> Generated[ImageAnalysis]: ...

    def review_creative(
        self, png: bytes, layout: Layout, copy: CopyVariant
    ) -> Generated[VisionReview] | None:
        """None when no vision model is configured: Gate 1b then relies on OCR rules alone."""
        return None

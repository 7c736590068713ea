"""Phase 2 and Gate 1a values: image concepts, designer prompts and base images."""

from __future__ import annotations

from pydantic import Field, model_validator

from creative_assets.models.base import (
    IMAGE_TYPES,
    Artifact,
    Box,
    ImageType,
    Model,
    ProviderCall,
    Variant,
)


class ImageConcept(Model):
    """The creative director's idea for one image type."""

    image_type: ImageType
    concept: str
    mood: str
    text_space: str = Field(description="where the picture leaves calm space for text")


class DesignerPrompt(Model):
    """A text-to-image prompt written by the designer for one image type."""

    image_type: ImageType
    prompt: str = Field(min_length=10)
    negative_prompt: str = "text, letters, words, typography, watermark, logo"


class ImagePromptSet(Model):
    """Meta-analysis → 4 concepts → 4 designer prompts, for one copy variant."""

    job_id: str
    variant: Variant
    meta_analysis: str
    concepts: list[ImageConcept]
    prompts: list[DesignerPrompt]
    calls: list[ProviderCall] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_per_image_type(self) -> ImagePromptSet:
        for name, items in (("concepts", self.concepts), ("prompts", self.prompts)):
            if tuple(i.image_type for i in items) != IMAGE_TYPES:
                raise ValueError(f"{name} must cover {', '.join(IMAGE_TYPES)} in order")
        return self

    def prompt_for(self, image_type: ImageType) -> DesignerPrompt:
        return next(p for p in self.prompts if p.image_type == image_type)


class OcrLine(Model):
    """One line of text the OCR engine read, with its box in image fractions."""

    text: str
    confidence: float = Field(ge=0, le=1)
    box: Box


class Gate1aAttempt(Model):
    """One generation of a base image and what OCR found on it."""

    attempt: int = Field(ge=1)
    seed: int
    passed: bool
    text_found: list[OcrLine] = Field(default_factory=list)
    calls: list[ProviderCall] = Field(default_factory=list)


class BaseImage(Model):
    """A generated base image (no text) that passed Gate 1a, or the last one that did not."""

    image_type: ImageType
    file: str
    prompt: str
    seed: int
    provider: str
    model: str
    width: int
    height: int
    sha256: str
    gate_1a_passed: bool
    attempts: list[Gate1aAttempt] = Field(min_length=1)

    @property
    def calls(self) -> list[ProviderCall]:
        return [call for attempt in self.attempts for call in attempt.calls]


class BaseImageSet(Artifact):
    """The four base images of one job × variant; `files` holds `<image_type>.png`."""

    job_id: str
    variant: Variant
    images: list[BaseImage]

    def image(self, image_type: ImageType) -> BaseImage:
        return next(i for i in self.images if i.image_type == image_type)

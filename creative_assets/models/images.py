"""Phase 2 and Gate 1a values: image concepts, designer prompts and base images."""

from __future__ import annotations

from pydantic import Field, model_validator

from creative_assets.models.base import (
    IMAGE_TYPES,
    Artifact,
    Box,
    CallFailure,
    ImageType,
    Model,
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
    """Meta-analysis → 4 concepts → 4 designer prompts, for one copy variant; or, when the art
    direction call failed for good, no prompts and the `failure` every creative of the variant
    is recorded with downstream."""

    job_id: str
    variant: Variant
    meta_analysis: str
    concepts: list[ImageConcept]
    prompts: list[DesignerPrompt]
    failure: CallFailure | None = None

    @model_validator(mode="after")
    def _one_per_image_type(self) -> ImagePromptSet:
        expected = () if self.failure else IMAGE_TYPES
        for name, items in (("concepts", self.concepts), ("prompts", self.prompts)):
            if tuple(i.image_type for i in items) != expected:
                raise ValueError(
                    f"{name} must cover {', '.join(IMAGE_TYPES)} in order"
                    if expected
                    else f"{name} must be empty when the art direction failed"
                )
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


class ModeratedAttempt(Model):
    """A generation the provider refused as moderated: retried with a new seed, then with a
    softened prompt, never handed to a stand-in painter."""

    seed: int
    softened: bool = Field(description="the prompt was the softened one")
    message: str


class BaseImage(Model):
    """A generated base image (no text) that passed Gate 1a, or the last one that did not.
    `fallback` says why it was drawn by a local stand-in for the real provider (a deployment
    that opted in to `fallback=local`): such a picture is flagged for a person, never passed."""

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
    moderated: list[ModeratedAttempt] = Field(default_factory=list)
    softened_prompt: bool = Field(default=False, description="drawn from the softened prompt")
    fallback: str | None = None


class BaseImageSet(Artifact):
    """The base images of one job × variant; `files` holds `<image_type>.png`. An image type
    whose generation failed for good has no image, and its reason in `failed`."""

    job_id: str
    variant: Variant
    images: list[BaseImage]
    failed: dict[ImageType, CallFailure] = Field(default_factory=dict)
    generation: int = Field(default=0, description="the seed generation the pictures were drawn in")

    def image(self, image_type: ImageType) -> BaseImage:
        return next(i for i in self.images if i.image_type == image_type)

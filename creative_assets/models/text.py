"""Phase 1 values: research, the fused campaign context, and the five copy variants."""

from __future__ import annotations

from pydantic import Field, model_validator

from creative_assets.models.base import VARIANTS, Language, Model, ProviderCall, Variant


class ResearchBrief(Model):
    """What motivates people in this role and place (Perplexity, cached 7 days)."""

    role: str
    location: str
    motivators: list[str] = Field(min_length=1)
    pain_points: list[str] = Field(default_factory=list)
    market_notes: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    source: str = Field(description="provider that produced the brief")
    calls: list[ProviderCall] = Field(default_factory=list)


class CampaignContext(Model):
    """Context fusion: the job and the research condensed into what copywriting needs."""

    role: str
    company: str
    location: str
    language: Language
    audience: str
    key_benefits: list[str] = Field(min_length=1)
    motivators: list[str] = Field(min_length=1)
    tone: str
    employment_type: str
    salary: str | None = None


class CopyVariant(Model):
    """One of the five texts A–E. Headline, subline and CTA are rendered on the creative."""

    variant: Variant
    angle: str = Field(description="the idea this variant tests, e.g. 'benefits' or 'purpose'")
    headline: str = Field(min_length=3, max_length=60)
    subline: str = Field(min_length=3, max_length=110)
    benefits: list[str] = Field(min_length=1, max_length=5)
    cta: str = Field(min_length=2, max_length=30)
    emotional_anchors: list[str] = Field(min_length=1, max_length=6)
    style: str = Field(description="visual mood for the art director, e.g. 'warm, calm, human'")


class CopyDeck(Model):
    """The copy variants of one job, with the context they were written from."""

    job_id: str
    language: Language
    context: CampaignContext
    variants: list[CopyVariant]
    calls: list[ProviderCall] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_per_variant(self) -> CopyDeck:
        if tuple(v.variant for v in self.variants) != VARIANTS:
            raise ValueError(f"copy deck must hold variants {', '.join(VARIANTS)} in order")
        return self

    def variant(self, key: str) -> CopyVariant:
        return next(v for v in self.variants if v.variant == key)

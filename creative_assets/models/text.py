"""Phase 1 values: research, the fused campaign context, and the five copy variants."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from creative_assets.models.base import VARIANTS, Language, Model, Variant

# A BCP 47 language-region tag as ad platforms use it ("de-DE", "en-GB"); the language part picks
# the copy templates, the compliance rules and the typesetter's hyphenation.
Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}-[A-Z]{2}$")]
DEFAULT_LOCALE: dict[str, str] = {"de": "de-DE", "en": "en-GB"}


def language_of(locale: str) -> str:
    return locale.split("-", 1)[0]


def _check_variants(variants: list[CopyVariant]) -> None:
    if tuple(v.variant for v in variants) != VARIANTS:
        raise ValueError(f"copy deck must hold variants {', '.join(VARIANTS)} in order")


class ResearchBrief(Model):
    """What motivates people in this role and place (Perplexity, cached 7 days)."""

    role: str
    location: str
    motivators: list[str] = Field(min_length=1)
    pain_points: list[str] = Field(default_factory=list)
    market_notes: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    source: str = Field(description="provider that produced the brief")


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


ComplianceCategory = Literal[
    "gender_marker", "age", "gender", "origin", "religion", "disability", "prohibited_claim"
]


class ComplianceFinding(Model):
    """One thing a job ad must not say (or fails to say), found by `gates/compliance.py`."""

    phrase: str = Field(description="the words as they appear in the copy")
    category: ComplianceCategory
    why: str = Field(description="one sentence a recruiter understands (AGG §1 for German ads)")
    suggestion: str = Field(description="a neutral alternative")
    replacement: str | None = Field(
        default=None, description="a drop-in for the phrase ('' deletes it); None: rephrase"
    )
    locale: str
    field: str | None = Field(default=None, description="title, headline, subline, benefits[i], cta")
    variant: Variant | None = None


class ComplianceRound(Model):
    """One pass of the compliance gate over a locale's five variants; round 0 is the first
    draft, each later round was written with the previous round's findings as feedback."""

    locale: Locale
    round: int = Field(ge=0)
    findings: list[ComplianceFinding] = Field(default_factory=list)


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
    job_title: str | None = Field(
        default=None,
        max_length=120,
        description="the job title as this ad uses it (German: with its gender marker); "
        "None: the posting's title",
    )


class LocalizedCopy(Model):
    """The five variants in one further locale, written from the same context and concepts."""

    locale: Locale
    variants: list[CopyVariant]

    @model_validator(mode="after")
    def _one_per_variant(self) -> LocalizedCopy:
        _check_variants(self.variants)
        return self


class CopyDeck(Model):
    """The copy variants of one job, with the context they were written from: `variants` in the
    primary locale, `translations` in every further locale the job asks for."""

    job_id: str
    language: Language
    context: CampaignContext
    variants: list[CopyVariant]
    locale: Locale | None = Field(default=None, description="primary locale; None: the language's default")
    translations: list[LocalizedCopy] = Field(default_factory=list)
    compliance: list[ComplianceRound] = Field(
        default_factory=list, description="every round of the compliance gate, per locale"
    )

    @model_validator(mode="after")
    def _one_per_variant(self) -> CopyDeck:
        _check_variants(self.variants)
        if len(set(self.locales)) != len(self.locales):
            raise ValueError(f"copy deck lists a locale twice: {', '.join(self.locales)}")
        return self

    @property
    def primary_locale(self) -> str:
        return self.locale or DEFAULT_LOCALE[self.language]

    @property
    def locales(self) -> list[str]:
        """Every locale of the deck, the primary one first."""
        return [self.primary_locale, *(t.locale for t in self.translations)]

    def final_findings(self) -> dict[str, list[ComplianceFinding]]:
        """Per locale, the findings of its last compliance round (empty: compliant)."""
        last: dict[str, list[ComplianceFinding]] = {loc: [] for loc in self.locales}
        for done in sorted(self.compliance, key=lambda r: r.round):
            last[done.locale] = list(done.findings)
        return last

    def variant(self, key: str, locale: str | None = None) -> CopyVariant:
        if locale is None or locale == self.primary_locale:
            variants = self.variants
        else:
            found = [t.variants for t in self.translations if t.locale == locale]
            if not found:
                raise KeyError(f"[unknown_locale] {locale!r} is not one of {', '.join(self.locales)}")
            variants = found[0]
        return next(v for v in variants if v.variant == key)

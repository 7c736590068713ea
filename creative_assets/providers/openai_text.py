"""The language-model steps on OpenAI chat completions with strict structured outputs.

Every answer is asked for with a schema generated from our pydantic models (`strict_schema`) and
validated with the real model on receipt; what fails validation is `invalid_model_output`, never
silently repaired. Facts (company, place, pay, language) are copied from the job, not asked for.

Layout design: the geometry comes from the vision analysis and `plan_layout` (zones sized with
the typesetter's own metrics, contrast-checked colours, the logo corner), because a language
model cannot measure text. The model is asked only for the typographic treatment of each zone,
which is appended to the rule-built i2i prompt with quotation marks stripped: the image model
renders quoted strings, so the words on the ad can only ever be the copy's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from creative_assets.errors import describe_validation_error
from creative_assets.imaging.layout_rules import plan_layout
from creative_assets.models import (
    IMAGE_TYPES,
    VARIANTS,
    BrandIdentity,
    CampaignContext,
    CopyVariant,
    DesignerPrompt,
    ImageAnalysis,
    ImageConcept,
    ImageType,
    JobPosting,
    Layout,
    Model,
    ProviderCall,
    ResearchBrief,
)
from creative_assets.models.text import DEFAULT_LOCALE, ComplianceFinding
from creative_assets.providers import prompts
from creative_assets.providers.base import ArtDirection, Generated, TextGenerator
from creative_assets.providers.openai_client import (
    NOT_REPAIRED,
    OpenAIResource,
    invalid_output,
    structured_chat,
)
from creative_assets.providers.prices import typical_chat_prices
from creative_assets.providers.strict_schema import drop_nulls, object_schema, strict_schema

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
FACTS = ("role", "company", "location", "language", "employment_type", "salary")
NO_TEXT = "No text, no letters, no signage, no logos."
QUOTES = re.compile(r"[\"“”„«»‚‘’]")
STYLE_MAX = 120
# Appended to prompts.COPYWRITING: the locale and the compliance gate's feedback travel in the
# user message as data, the instruction how to use them stays a constant.
COPYWRITING_LOCALE = """
Write every text in the locale given as `locale` (a BCP 47 tag such as de-DE or en-GB: its
language, spelling and conventions), translating facts from the context where needed.
German ads: the job title carries a gender marker such as (m/w/d); set `job_title` to the
title as the ad uses it. Never use wording that excludes people by age, gender, origin,
religion or disability. When `feedback` lists findings on an earlier draft, the new draft must
not contain any flagged phrase: use the suggested alternative or rephrase."""


class TypographyNotes(Model):
    """The typographer's style notes for the three zones (never the words themselves)."""

    headline_style: str = Field(max_length=STYLE_MAX)
    subline_style: str = Field(max_length=STYLE_MAX)
    cta_style: str = Field(max_length=STYLE_MAX, description="the call-to-action button")


def _json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, default=str)


def with_no_text_guard(prompt: str) -> str:
    """FLUX paints words it is not told to avoid; Gate 1a would then throw the image away."""
    return prompt if "no text" in prompt.lower() else f"{prompt.rstrip()} {NO_TEXT}"


def style_line(notes: TypographyNotes) -> str:
    def clean(text: str) -> str:
        return " ".join(QUOTES.sub("", text).split())[:STYLE_MAX]

    return (
        "Typography (style notes only; they add no text): "
        f"headline {clean(notes.headline_style)}; subline {clean(notes.subline_style)}; "
        f"button {clean(notes.cta_style)}."
    )


class OpenAITextGenerator(OpenAIResource, TextGenerator):
    """Context fusion, copywriting, art direction and typography on an OpenAI chat model."""

    model: str = Field(default="gpt-4o", description="chat model; priced by providers/prices.py")
    max_completion_tokens: int = Field(default=4000, ge=100, description="a longer answer is an error")

    def list_prices(self) -> dict[str, float]:
        return typical_chat_prices(
            self.model,
            ("context_fusion", "copywriting", "meta_analysis", "designer_prompts", "layout_design"),
        )

    @property
    def _made_by(self) -> str:
        return f"openai/{self.model}"

    def _ask(
        self,
        operation: str,
        name: str,
        schema: dict[str, Any],
        system: str,
        payload: dict[str, Any],
        parse: Callable[[Any, ProviderCall], T],
    ) -> T:
        return structured_chat(
            self,
            model=self.model,
            operation=operation,
            name=name,
            schema=schema,
            system=system,
            user=_json(payload),
            max_completion_tokens=self.max_completion_tokens,
            parse=parse,
        )

    def _validate(self, model: type[M], data: Any, call: ProviderCall, what: str, **fixed: Any) -> M:
        try:
            if not isinstance(data, dict):
                raise TypeError(f"expected a JSON object, got {type(data).__name__}")
            return model.model_validate({**drop_nulls(data, model), **fixed})
        except (ValidationError, TypeError) as exc:
            detail = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            message = f"{self.model}'s {what} does not fit {model.__name__}: {detail}; {NOT_REPAIRED}"
            raise invalid_output(message, call) from None

    def fuse_context(self, job: JobPosting, research: ResearchBrief) -> Generated[CampaignContext]:
        payload = {
            "language": job.language,
            "job": job.model_dump(mode="json", exclude={"logo_url", "updated_at", "extra_fields"}),
            "research": research.model_dump(mode="json"),
        }
        schema = strict_schema(CampaignContext, omit=FACTS)
        facts = {
            "role": job.title,
            "company": job.company_name,
            "location": job.location.city,
            "language": job.language,
            "employment_type": job.employment_type,
            "salary": job.salary,
        }
        context = self._ask(
            "context_fusion",
            "campaign_context",
            schema,
            prompts.CONTEXT_FUSION,
            payload,
            lambda data, call: self._validate(CampaignContext, data, call, "campaign context", **facts),
        )
        return Generated(context, self._made_by)

    def write_copy(
        self,
        context: CampaignContext,
        locale: str | None = None,
        feedback: Sequence[ComplianceFinding] = (),
    ) -> Generated[list[CopyVariant]]:
        # One object keyed A–E: the variant letters come from the schema, not from the model.
        draft = strict_schema(CopyVariant, omit={"variant"})
        schema = object_schema({v: draft for v in VARIANTS})
        payload: dict[str, Any] = {
            "context": context.model_dump(mode="json"),
            "locale": locale or DEFAULT_LOCALE[context.language],
        }
        if feedback:
            payload["feedback"] = [
                f.model_dump(
                    mode="json", include={"variant", "field", "phrase", "category", "why", "suggestion"}
                )
                for f in feedback
            ]

        def parse(data: Any, call: ProviderCall) -> list[CopyVariant]:
            answer = data if isinstance(data, dict) else {}
            return [
                self._validate(CopyVariant, answer.get(v), call, f"copy variant {v}", variant=v)
                for v in VARIANTS
            ]

        variants = self._ask(
            "copywriting", "copy_variants", schema, prompts.COPYWRITING + COPYWRITING_LOCALE, payload, parse
        )
        return Generated(variants, self._made_by)

    def direct_images(self, context: CampaignContext, copy: CopyVariant) -> Generated[ArtDirection]:
        concept = strict_schema(ImageConcept, omit={"image_type"})
        meta = {"type": "string", "description": "which angle the text tests and how pictures support it"}
        schema = object_schema({"meta_analysis": meta, **{t: concept for t in IMAGE_TYPES}})
        payload = {"context": context.model_dump(mode="json"), "copy": copy.model_dump(mode="json")}
        meta_analysis, concepts = self._ask(
            "meta_analysis", "art_direction", schema, prompts.CREATIVE_DIRECTION, payload, self._direction
        )
        prompt_schema = strict_schema(DesignerPrompt, omit={"image_type", "negative_prompt"})

        def parse_prompts(data: Any, call: ProviderCall) -> list[DesignerPrompt]:
            answer = data if isinstance(data, dict) else {}
            return [
                self._validate(DesignerPrompt, answer.get(t), call, f"{t} prompt", image_type=t)
                for t in IMAGE_TYPES
            ]

        designed = self._ask(
            "designer_prompts",
            "designer_prompts",
            object_schema({t: prompt_schema for t in IMAGE_TYPES}),
            prompts.DESIGNER_PROMPTS,
            {"style": copy.style, "concepts": [c.model_dump(mode="json") for c in concepts]},
            parse_prompts,
        )
        guarded = [p.model_copy(update={"prompt": with_no_text_guard(p.prompt)}) for p in designed]
        return Generated(ArtDirection(meta_analysis, concepts, guarded), self._made_by)

    def _direction(self, data: Any, call: ProviderCall) -> tuple[str, list[ImageConcept]]:
        answer = data if isinstance(data, dict) else {}
        meta_analysis = answer.get("meta_analysis")
        if not isinstance(meta_analysis, str) or not meta_analysis.strip():
            raise invalid_output(f"{self.model} wrote no meta-analysis; re-run the step", call)
        concepts = [
            self._validate(ImageConcept, answer.get(t), call, f"{t} concept", image_type=t)
            for t in IMAGE_TYPES
        ]
        return meta_analysis, concepts

    def design_layout(
        self, analysis: ImageAnalysis, copy: CopyVariant, brand: BrandIdentity, image_type: ImageType
    ) -> Generated[Layout]:
        layout = plan_layout(analysis, copy, brand, image_type, has_logo=brand.logo is not None)
        payload = {
            "image_type": image_type,
            "visual_style": copy.style,
            "angle": copy.angle,
            "brand": {
                "font_family": brand.font_family,
                "primary": brand.primary_color,
                "accent": brand.accent_color,
            },
            "zones": [
                z.model_dump(mode="json", include={"role", "align", "color", "scrim"}) for z in layout.zones
            ],
        }
        schema = strict_schema(TypographyNotes)
        notes = self._ask(
            "layout_design",
            "typography",
            schema,
            prompts.TYPOGRAPHY,
            payload,
            lambda data, call: self._validate(TypographyNotes, data, call, "typography notes"),
        )
        prompt = f"{layout.i2i_prompt}\n{style_line(notes)}"
        return Generated(layout.model_copy(update={"i2i_prompt": prompt}), self._made_by)

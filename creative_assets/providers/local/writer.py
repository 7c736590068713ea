"""The local language model: deterministic templates filled with the job's real data."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
    ProviderCall,
    ResearchBrief,
)
from creative_assets.providers.base import ArtDirection, Generated, TextGenerator
from creative_assets.providers.local.copy_templates import AUDIENCE, TEMPLATES, TONE
from creative_assets.providers.local.knowledge import role_family

HEADLINE_MAX = 42
SUBLINE_MAX = 90


def short_title(title: str) -> str:
    """'Pflegefachkraft (m/w/d) Intensivstation' -> 'Pflegefachkraft Intensivstation';
    'Warehouse Operative - Night Shift' -> 'Warehouse Operative'."""
    title = re.sub(r"\s*\([^)]*\)", "", title)
    title = re.split(r"\s+[-–|]\s+", title)[0]
    return " ".join(title.split())


def _first_fitting(candidates: Iterable[str], values: dict[str, str], limit: int) -> str:
    rendered = [c.format(**values) for c in candidates]
    return next((r for r in rendered if len(r) <= limit), rendered[-1][:limit].rsplit(" ", 1)[0])


def _call(operation: str) -> ProviderCall:
    return ProviderCall(provider="local", model="templates-v1", operation=operation)


class TemplateTextGenerator(TextGenerator):
    """Copy from templates (one angle per variant), art direction from the role family,
    layout from the calm-region rules. Same job in, same words out."""

    def fuse_context(self, job: JobPosting, research: ResearchBrief) -> Generated[CampaignContext]:
        short = short_title(job.title)
        lang = job.language
        context = CampaignContext(
            role=job.title,
            company=job.company_name,
            location=job.location.city,
            language=lang,
            audience=AUDIENCE[lang].format(short=short, city=job.location.city),
            key_benefits=job.benefits[:5],
            motivators=research.motivators[:4],
            tone=TONE[lang],
            employment_type=job.employment_type,
            salary=job.salary,
        )
        return Generated(context, [_call("context_fusion")])

    def write_copy(self, context: CampaignContext) -> Generated[list[CopyVariant]]:
        short = short_title(context.role)
        benefits = context.key_benefits
        variants = []
        for key in VARIANTS:
            template = TEMPLATES[context.language][key]
            rotated = [benefits[(template.benefit_offset + i) % len(benefits)] for i in range(len(benefits))]
            values = {
                "short": short,
                "city": context.location,
                "company": context.company,
                "employment": context.employment_type,
                "pay": context.salary or rotated[0],
                **{f"b{i}": benefits[i % len(benefits)] for i in range(5)},
            }
            variants.append(
                CopyVariant(
                    variant=key,
                    angle=template.angle,
                    headline=_first_fitting(template.headlines, values, HEADLINE_MAX),
                    subline=_first_fitting(template.sublines, values, SUBLINE_MAX),
                    benefits=rotated[:3],
                    cta=_first_fitting(template.ctas, values, 30),
                    emotional_anchors=[*template.anchors, *context.motivators[:2]],
                    style=template.style,
                )
            )
        return Generated(variants, [_call("copywriting")])

    def direct_images(self, context: CampaignContext, copy: CopyVariant) -> Generated[ArtDirection]:
        family = role_family(context.role)
        scenes: dict[ImageType, tuple[str, str]] = {
            "job_focus": (family.scene, "authentic, focused"),
            "lifestyle": (family.lifestyle, "relaxed, happy"),
            "artistic": (
                f"an abstract composition about {', '.join(copy.emotional_anchors[:2])}",
                "bold, graphic",
            ),
            "location": (f"{context.location} cityscape or landscape, {family.setting}", "inviting, local"),
        }
        text_space = "the upper third stays calm (sky, wall or soft blur) for the headline"
        concepts = [
            ImageConcept(
                image_type=t,
                concept=scenes[t][0],
                mood=f"{scenes[t][1]}; {copy.style}",
                text_space=text_space,
            )
            for t in IMAGE_TYPES
        ]
        prompts = [
            DesignerPrompt(
                image_type=c.image_type,
                prompt=(
                    f"{c.concept}. Mood: {c.mood}. Photographic, natural light, 4:5 ad composition; "
                    f"{c.text_space}. No text, no letters, no signage, no logos."
                ),
            )
            for c in concepts
        ]
        meta = (
            f"Variant {copy.variant} tests the '{copy.angle}' angle "
            f"for {context.role} in {context.location}. "
            f"Headline '{copy.headline}' carries the message; images support it with {copy.style} visuals "
            f"anchored in {', '.join(copy.emotional_anchors[:3])}."
        )
        return Generated(
            ArtDirection(meta, concepts, prompts), [_call("meta_analysis"), _call("designer_prompts")]
        )

    def design_layout(
        self, analysis: ImageAnalysis, copy: CopyVariant, brand: BrandIdentity, image_type: ImageType
    ) -> Generated[Layout]:
        layout = plan_layout(analysis, copy, brand, image_type, has_logo=brand.logo is not None)
        return Generated(layout, [_call("layout_design")])

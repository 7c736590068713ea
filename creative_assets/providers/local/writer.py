"""The local language model: deterministic templates filled with the job's real data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from creative_assets.gates.compliance import find_violations, has_gender_marker
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
    ResearchBrief,
)
from creative_assets.models.text import DEFAULT_LOCALE, ComplianceFinding, language_of
from creative_assets.providers.base import ArtDirection, Generated, TextGenerator
from creative_assets.providers.local import facts
from creative_assets.providers.local.copy_templates import AUDIENCE, TEMPLATES, TONE, localise
from creative_assets.providers.local.employer import employer
from creative_assets.providers.local.knowledge import role_family

HEADLINE_MAX = 42
SUBLINE_MAX = 90


def short_title(title: str) -> str:
    """'Pflegefachkraft (m/w/d) Intensivstation' -> 'Pflegefachkraft Intensivstation';
    'Warehouse Operative - Night Shift' -> 'Warehouse Operative'."""
    title = re.sub(r"\s*\([^)]*\)", "", title)
    title = re.split(r"\s+[-–|]\s+", title)[0]
    return " ".join(title.split())


def marked_title(title: str) -> str:
    """The posting's title with a gender marker: German job titles must address all genders."""
    return title if has_gender_marker(title) else f"{title} (m/w/d)"


def _render(candidates: Iterable[str], values: dict[str, str]) -> list[str]:
    """Each candidate filled in; one naming a value this job lacks (a salary, the grammar of an
    employer name outside the lexicon) is left out."""
    rendered = []
    for candidate in candidates:
        try:
            text = candidate.format(**values)
        except KeyError:
            continue
        # A title that already carries its marker must not get the template's second one.
        rendered.append(re.sub(r"\(m/w/d\)(\s*\(m/w/d\))+", "(m/w/d)", text))
    return rendered


def _first_fitting(
    candidates: Iterable[str], values: dict[str, str], limit: int, ok: Callable[[str], bool] = bool
) -> str:
    """The first candidate that fits `limit` and passes `ok` (the compliance gate once it has
    complained); else the first that fits; else the last, cut at a word."""
    rendered = _render(candidates, values)
    fitting = [r for r in rendered if len(r) <= limit]
    return next(
        (r for r in fitting if ok(r)), fitting[0] if fitting else rendered[-1][:limit].rsplit(" ", 1)[0]
    )


def _apply(text: str, findings: Sequence[ComplianceFinding]) -> str:
    """Replace each flagged phrase that has a drop-in alternative."""
    # Each fix once: the same phrase is found in every variant, and a replacement may contain
    # its phrase ("Krankenpfleger" → "Krankenpfleger (m/w/d)").
    fixes = {(f.phrase, f.replacement) for f in findings if f.replacement is not None and f.phrase}
    for phrase, replacement in sorted(fixes, key=lambda fix: -len(fix[0])):
        if replacement and replacement.lower() in text.lower():
            continue
        text = re.sub(
            re.escape(phrase),
            lambda m, new=replacement: _same_case(m.group(0), new),
            text,
            flags=re.IGNORECASE,
        )
    return " ".join(text.split()).strip(" ,;")


def _same_case(old: str, new: str) -> str:
    """A benefit that opened with a capital still does after its phrase was replaced."""
    return new[:1].upper() + new[1:] if old[:1].isupper() and new else new


def banned_phrases(feedback: Sequence[ComplianceFinding]) -> list[str]:
    """Biased wording and banned claims must not come back; a title flagged for its missing
    marker may, with the marker."""
    return [f.phrase for f in feedback if f.category != "gender_marker"]


def _clean_benefits(benefits: list[str], feedback: Sequence[ComplianceFinding], locale: str) -> list[str]:
    """Benefits come from the posting; flagged wording is replaced where a drop-in exists and
    the benefit is dropped where not (at least one is kept, so the variant stays valid)."""
    if not feedback:
        return benefits
    cleaned = [_apply(b, feedback) for b in benefits]
    kept = [b for b in cleaned if b and not find_violations(b, locale, banned_phrases(feedback))]
    return kept or cleaned[:1]


def copy_values(context: CampaignContext, language: str, short: str, benefits: list[str]) -> dict[str, str]:
    """What the templates' placeholders stand for (copy_templates.py lists them): the posting's
    facts in the copy's language, in their sentence-initial and mid-sentence forms, and the
    employer's name in the forms its grammar allows."""
    name = employer(context.company)
    pattern = facts.work_pattern(context.employment_type, context.role, language)
    salary = context.salary if language == context.language else facts.pay(context.salary, language)
    values = {
        "short": short,
        "city": context.location,
        "in_city": "" if context.location.lower() in name.name.lower() else f" in {context.location}",
        "company": name.name,
        "pattern": pattern,
        "Pattern": facts.start_of_sentence(pattern),
        **({"pay": salary} if salary else {}),
    }
    if language == context.language:
        values |= {f"b{i}": facts.start_of_sentence(benefits[i % len(benefits)]) for i in range(5)}
        values |= {f"m{i}": facts.mid_sentence(benefits[i % len(benefits)], language) for i in range(5)}
    if language == "en":
        values |= {"at": name.the, "The": name.The, "a_short": facts.indefinite(short)}
    elif name.german is not None:
        values |= {"beim": name.beim, "Beim": facts.start_of_sentence(name.beim), "Der": name.der}
        values["sucht"] = name.sucht
    return values


MADE_BY = "local/templates-v1"


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
        return Generated(context, MADE_BY)

    def write_copy(
        self,
        context: CampaignContext,
        locale: str | None = None,
        feedback: Sequence[ComplianceFinding] = (),
    ) -> Generated[list[CopyVariant]]:
        """Templates of the locale's language (the posting's own facts — title, benefits — stay
        as written: templates cannot translate them). With feedback, flagged phrases get their
        drop-in alternatives, a title that lacked its gender marker keeps it, and every line is
        the first candidate the compliance gate accepts."""
        locale = locale or DEFAULT_LOCALE[context.language]
        language = language_of(locale)
        if language not in TEMPLATES:
            raise ValueError(
                f"[unsupported_locale] the local writer has no {language!r} templates ({locale})"
            )
        short = short_title(context.role)
        if any(f.category == "gender_marker" for f in feedback) and language == "de":
            short = marked_title(short)
        benefits = _clean_benefits(list(context.key_benefits), feedback, locale)
        flagged = banned_phrases(feedback)

        def ok(text: str) -> bool:
            return not feedback or not find_violations(text, locale, flagged)

        values = copy_values(context, language, short, benefits)
        variants = []
        for key in VARIANTS:
            template = TEMPLATES[language][key]
            rotated = [benefits[(template.benefit_offset + i) % len(benefits)] for i in range(len(benefits))]
            variants.append(
                CopyVariant(
                    variant=key,
                    angle=template.angle,
                    headline=localise(_first_fitting(template.headlines, values, HEADLINE_MAX, ok), locale),
                    subline=localise(_first_fitting(template.sublines, values, SUBLINE_MAX, ok), locale),
                    benefits=rotated[:3],
                    cta=localise(_first_fitting(template.ctas, values, 30, ok), locale),
                    emotional_anchors=[*template.anchors, *context.motivators[:2]],
                    style=template.style,
                    job_title=marked_title(context.role) if language == "de" else None,
                )
            )
        return Generated(variants, MADE_BY)

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
        return Generated(ArtDirection(meta, concepts, prompts), MADE_BY)

    def design_layout(
        self, analysis: ImageAnalysis, copy: CopyVariant, brand: BrandIdentity, image_type: ImageType
    ) -> Generated[Layout]:
        layout = plan_layout(analysis, copy, brand, image_type, has_logo=brand.logo is not None)
        return Generated(layout, MADE_BY)

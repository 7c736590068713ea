"""The lineage of a final creative in one place, as the UI shows it on the final_creatives
materialization: the job and copy, the prompt and seed, who made each step with which model,
every attempt with its gates and cost, and where each parent artifact is stored."""

from __future__ import annotations

from collections.abc import Iterable

from creative_assets.gateway.models import LedgerEntry
from creative_assets.models import BaseImage, BrandIdentity, CopyDeck, Creative, ImagePromptSet


def parent_paths(job_id: str, variant: str, image_type: str) -> dict[str, str]:
    """Storage keys of the parents, relative to the storage base (the IO manager's layout)."""
    per_variant = f"{job_id}/{variant}"
    return {
        "job_posting": f"job_posting/{job_id}/record.json",
        "research": f"research/{job_id}/record.json",
        "brand_identity": f"brand_identity/{job_id}/record.json",
        "copy_variants": f"copy_variants/{job_id}/record.json",
        "image_prompts": f"image_prompts/{per_variant}/record.json",
        "base_image": f"base_images/{per_variant}/{image_type}.png",
        "layout": f"layouts/{per_variant}/record.json",
        "text_overlay": f"text_overlays/{per_variant}/{image_type}.png",
        "final_creative": f"final_creatives/{per_variant}/{image_type}.png",
        "other renditions": f"final_creatives/{per_variant}/{image_type}/<locale>_<format>.png",
    }


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lineage_markdown(
    creative: Creative,
    *,
    job_id: str,
    variant: str,
    deck: CopyDeck,
    prompts: ImagePromptSet,
    base: BaseImage,
    brand: BrandIdentity,
    rows: Iterable[LedgerEntry] = (),
) -> str:
    """The creative's lineage: what every rendition shares (job, prompt, base image), then one
    row per rendition (locale × format: crop, layout, verdict, file) and one per attempt. `rows`:
    the ledger's rows behind it (who made the copy and prompts, and the creative's calls)."""
    copy = deck.variant(variant)  # type: ignore[arg-type]
    steps = sorted(
        {
            f"{base.provider}/{base.model}",
            *(a.overlay_provider for a in creative.attempts if a.overlay_provider),
            *(f"{r.provider}/{r.model}" for r in rows if r.creative in (None, creative.image_type)),
        }
    )
    lines = [
        f"#### {creative.creative_id} — {creative.status}",
        f"**Job** {job_id} · **variant** {variant} ({_cell(copy.angle, 60)}) · **brand** {brand.source}",
    ]
    if creative.failure:
        lines.append(f"**Failed** {_cell(creative.failure.describe(), 400)}")
    if creative.fallback:
        note = _cell(creative.fallback, 400)
        lines.append(f"**Needs a person's review** {note} (not passed; ships once approved)")
    if creative.regeneration.round:
        lines.append(f"**Regeneration** round {creative.regeneration.round}, {creative.regeneration.mode}")
    for locale in sorted({r.locale for r in creative.renditions}, key=deck.locales.index):
        c = deck.variant(variant, locale)
        lines.append(
            f"**Copy {locale}** headline “{_cell(c.headline)}” · subline “{_cell(c.subline)}” · CTA “{c.cta}”"
        )
    lines += [
        f"**Prompt** {_cell(prompts.prompt_for(creative.image_type).prompt, 300)}",
        f"**Base image** seed {base.seed} by {base.provider}/{base.model}, "
        f"{len(base.attempts)} generation(s) for Gate 1a, sha256 {base.sha256[:12]} "
        "(shared by every rendition; a retry's new base image is in the attempts)",
        f"**Providers** {', '.join(steps)}",
        "",
        "| rendition | px | crop of the base (x, y, w×h) | text block | logo | verdict | file |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in creative.renditions:
        layout, crop = r.attempts[-1].layout, r.crop
        head = layout.zone("headline").box
        cells = (
            f"{r.locale} {r.format}",
            f"{r.width}×{r.height}",
            f"{crop.x:.2f}, {crop.y:.2f} {crop.w:.2f}×{crop.h:.2f}",
            f"{head.x:.2f},{head.y:.2f} {head.w:.2f}×{head.h:.2f}",
            layout.logo_position or "none",
            r.verdict,
            f"`final_creatives/{job_id}/{variant}/{r.file}`",
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "| rendition | attempt | trigger | base seed | overlay by | verdict | failed gates | cost USD |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in creative.renditions:
        for a in r.attempts:
            failed = ", ".join(g.gate for g in a.gates if g.status == "FAIL") or "—"
            cost = a.cost_usd
            editor = a.overlay_provider or "— (plan failed, no edit)"
            trigger = f"{a.trigger} (picture of {a.follows_picture})" if a.follows_picture else a.trigger
            cells = (f"{r.locale} {r.format}", a.attempt, trigger, a.base_seed, editor)
            cells += (a.verdict, failed, cost)  # type: ignore[assignment]
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += ["", "| parent | storage key |", "|---|---|"]
    lines += [
        f"| {name} | `{key}` |" for name, key in parent_paths(job_id, variant, creative.image_type).items()
    ]
    return "\n".join(lines)

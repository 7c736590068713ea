"""The lineage of a final creative in one place, as the UI shows it on the final_creatives
materialization: the job and copy, the prompt and seed, who made each step with which model,
every attempt with its gates and cost, and where each parent artifact is stored."""

from __future__ import annotations

from creative_assets.models import BaseImage, BrandIdentity, CopyDeck, Creative, ImagePromptSet, Layout


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
    layout: Layout,
    brand: BrandIdentity,
) -> str:
    copy = deck.variant(variant)  # type: ignore[arg-type]
    zones = ", ".join(
        f"{z.role} ({z.box.x:.2f},{z.box.y:.2f} {z.box.w:.2f}×{z.box.h:.2f})" for z in layout.zones
    )
    steps = sorted({f"{c.provider}/{c.model}" for c in calls_behind(deck, prompts, base, creative)})
    lines = [
        f"#### {creative.creative_id} — {creative.status}",
        f"**Job** {job_id} · **variant** {variant} ({_cell(copy.angle, 60)}) · **brand** {brand.source}",
        f"**Copy** headline “{_cell(copy.headline)}” · subline “{_cell(copy.subline)}” · CTA “{copy.cta}”",
        f"**Prompt** {_cell(prompts.prompt_for(creative.image_type).prompt, 300)}",
        f"**Base image** seed {base.seed} by {base.provider}/{base.model}, "
        f"{len(base.attempts)} generation(s) for Gate 1a, sha256 {base.sha256[:12]} "
        "(a retry's new base image is in the attempts)",
        f"**Layout** {zones}; logo {layout.logo_position or 'none'}",
        f"**Providers** {', '.join(steps)}",
        "",
        "| attempt | trigger | base seed | overlay by | verdict | failed gates | cost USD |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in creative.attempts:
        failed = ", ".join(g.gate for g in a.gates if g.status == "FAIL") or "—"
        cost = round(sum(c.cost_usd for c in a.calls), 6)
        cells = (a.attempt, a.trigger, a.base_seed, a.overlay_provider, a.verdict, failed, cost)
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += ["", "| parent | storage key |", "|---|---|"]
    lines += [
        f"| {name} | `{key}` |" for name, key in parent_paths(job_id, variant, creative.image_type).items()
    ]
    return "\n".join(lines)


def calls_behind(deck: CopyDeck, prompts: ImagePromptSet, base: BaseImage, creative: Creative) -> list:
    """Every provider call behind this creative, from the copy to its last attempt."""
    return [
        *deck.calls,
        *prompts.calls,
        *(c for attempt in base.attempts for c in attempt.calls),
        *(c for attempt in creative.attempts for c in attempt.calls),
    ]

"""The retry loop of one creative: i2i text overlay → logo → gates 1b–4, at most N passes.

The design's policy, in order of cost: retry the i2i step first; regenerate the base image only
after repeated failure; when the editor keeps mangling the copy, typeset it locally on the same
base image (no provider cost). A plan that can only put the copy on the picture's subject
(gates.gate_1b_plan) gets a new picture before any edit, as Gate 1a does for text in it.
The loop lives inside one step because a Dagster check cannot send a run back upstream; every
pass is recorded so the gate report shows what was tried and paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from creative_assets.defs.compose.picture import STEP, Picture, PictureClaims, draw_picture
from creative_assets.defs.failures import provider_call
from creative_assets.defs.text.compliance import CustomerRules
from creative_assets.gates.checks import (
    decide_next_action,
    gate_1b_plan,
    gate_1b_semantic,
    gate_2_text_correctness,
    gate_3_layout_brand,
    gate_4_readability,
    logo_present,
)
from creative_assets.gates.compliance import creative_violations
from creative_assets.gates.glyph_damage import glyph_damage
from creative_assets.gateway.scope import call_scope
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.compositing import composite_logo, logo_pixel_box
from creative_assets.imaging.layout_rules import legible_plan
from creative_assets.imaging.logo import logo_contrast
from creative_assets.imaging.png import open_image, to_png
from creative_assets.imaging.typesetting import planned_lines
from creative_assets.models import (
    BaseImage,
    BrandIdentity,
    CopyVariant,
    CreativeAttempt,
    DesignerPrompt,
    GateResult,
    Layout,
    verdict_of,
)
from creative_assets.models.gates import Action, Verdict
from creative_assets.providers.base import ImageEditor, ImageGenerator, TextGenerator, VisionAnalyzer
from creative_assets.providers.local import LocalImageEditor
from creative_assets.resources import CampaignSettings, OcrReader


@dataclass
class Providers:
    """What one creative's loop may call."""

    editor: ImageEditor
    generator: ImageGenerator
    vision: VisionAnalyzer
    text: TextGenerator
    ocr: OcrReader
    settings: CampaignSettings
    # The customer's compliance rules, held against what OCR reads on each finished creative.
    rules: CustomerRules = field(default_factory=CustomerRules)


@dataclass
class CreativeOutcome:
    attempts: list[CreativeAttempt]
    overlay_png: bytes
    final_png: bytes
    base: BaseImage
    files: dict[str, bytes] = field(default_factory=dict)
    final_size: tuple[int, int] = (0, 0)
    picture: Picture | None = None  # the last picture this loop drew, if it drew one
    fallback: str | None = None  # what a stand-in editor made in the last attempt, in words


def judge(
    final_png: bytes,
    final: Image.Image,
    overlay: Image.Image,
    layout: Layout,
    copy: CopyVariant,
    brand: BrandIdentity,
    providers: Providers,
    locale: str,
    set_on: Image.Image | None = None,
) -> list[GateResult]:
    """Gates 1b–4 on a finished creative (as PNG for a vision review, and decoded once for the
    rest). `set_on`: the canvas the copy was set on, if Gate 1a passed its picture (OCR then
    looks for text only where the creative differs from it)."""
    lines = providers.ocr.read_copy(final, set_on=set_on)
    zones = {z.role: z.box for z in layout.zones}
    violations = creative_violations(
        " ".join(line.text for line in lines),
        locale,
        providers.rules.prohibited_claims,
        church_employer=providers.rules.church_employer,
    )
    review = providers.vision.review_creative(final_png, layout, copy)
    logo_found, logo_stands_out = False, None
    if layout.logo_box is not None and brand.logo is not None and brand.logo_png is not None:
        box_px = logo_pixel_box(final.size, (brand.logo.width, brand.logo.height), layout.logo_box)
        logo_found = logo_present(final, overlay, box_px)
        logo_stands_out = logo_contrast(final, open_image(brand.logo_png, what="logo"), box_px)
    gates = [
        gate_1b_semantic(lines, layout, logo_box=layout.logo_box, review=review.value if review else None),
        gate_2_text_correctness(
            lines,
            copy,
            layout,
            violations,
            glyph_damage(final, lines, copy.model_dump(include={"headline", "subline", "cta"}), zones),
            img=final,
        ),
        gate_3_layout_brand(
            lines,
            layout,
            expected_logo=brand.logo is not None,
            logo_found=logo_found,
            brand_colors=[brand.primary_color, brand.accent_color],
            img=final,
            logo_contrast=logo_stands_out,
        ),
        gate_4_readability(final, lines, layout),
    ]
    return gates


def add_logo(overlay: Image.Image, layout: Layout, brand: BrandIdentity) -> Image.Image:
    """Phase 4b: composite the logo with Pillow (never drawn by the image model); the overlay
    itself when there is no logo to add."""
    if brand.logo_png is None or layout.logo_box is None:
        return overlay
    return composite_logo(overlay, open_image(brand.logo_png, what="logo"), layout.logo_box)


def make_creative(
    *,
    providers: Providers,
    base: BaseImage,
    canvas: Canvas,
    layout: Layout,
    prompt: DesignerPrompt,
    copy: CopyVariant,
    brand: BrandIdentity,
    seed_parts: tuple[object, ...],
    locale: str,
    tag: str = "",
    first_attempt: int = 1,
    first_trigger: Action = "none",
    claims: PictureClaims | None = None,
    round: int = 0,
    follows_picture: str | None = None,
) -> CreativeOutcome:
    """One rendition's loop. `canvas` is the picture the text is set on — the base image
    framed for the layout's format (imaging/canvas.py) — and `tag` names its attempt files
    (default: the image type). A regenerated base image is framed and planned again for the
    same format and locale; its seed depends on the creative and the attempt number, not the
    rendition, and the creative's other renditions move to it (renditions.py).

    `first_attempt` numbers the attempts (a regeneration round or a rendition judged again on a
    new picture goes on from where earlier ones stopped, so no edit is asked for with an attempt
    number that has an answer already); `first_trigger` is what started the first attempt.
    `claims` (the creative's, when its renditions are made side by side) decides whether a
    failure that would earn a new picture gets one: once the creative has drawn all the pictures
    it may, another edit instead; when another rendition is replacing the picture, this loop
    stops (`left_behind`) and is made again on the new one. Without it, a lone rendition may
    always draw. Provider failures are raised as `CreativeFailed` naming the call
    (defs/failures.py)."""
    settings = providers.settings
    name = base.image_type
    tag = tag or name
    attempts: list[CreativeAttempt] = []
    files: dict[str, bytes] = {}
    trigger: Action = first_trigger
    i2i_failures = 0
    overlay_png = final_png = b""
    final = Image.new("RGB", (1, 1))
    picture: Picture | None = None
    fallback: str | None = None
    left_behind = False

    def may_draw() -> bool:
        """Claims the next picture; False when none is left (another edit instead). A rendition
        whose picture another is replacing is `left_behind` and stops."""
        nonlocal left_behind
        claim = "granted" if claims is None else claims.claim(base.sha256)
        left_behind = claim == "moved"
        return claim == "granted"

    def record(
        gates: list[GateResult], verdict: Verdict, action: Action, edit: tuple[str, str, str] | None = None
    ) -> None:
        """Pass `n` on the current base image and layout; `edit`: its overlay and final files and
        the editor (None when the plan failed before an edit)."""
        overlay_file, final_file, editor = edit or (None, None, None)
        attempts.append(
            CreativeAttempt(
                attempt=n,
                trigger=trigger,
                base_seed=base.seed,
                base_sha256=base.sha256,
                overlay_file=overlay_file,
                final_file=final_file,
                overlay_provider=editor,
                layout=layout,
                gates=gates,
                verdict=verdict,
                next_action=action,
                round=round,
                follows_picture=follows_picture,
            )
        )

    for index in range(settings.max_creative_attempts):
        n = first_attempt + index
        if index > 0 and trigger != "regenerate_bfl" and claims is not None and claims.moved(base.sha256):
            left_behind = True  # no more edits paid for on a picture the creative is leaving
            break
        with call_scope(attempt=n):  # the ledger prices each attempt by it
            last_try = index + 1 == settings.max_creative_attempts
            if index > 0 and trigger == "regenerate_bfl":
                picture = draw_picture(
                    generator=providers.generator,
                    ocr=providers.ocr,
                    settings=settings,
                    prompt=prompt,
                    brand=brand,
                    seed_parts=(*seed_parts, "retry", n),
                    file=f"attempts/{tag}-{n}-base.png",
                    drawn_by=tag,
                )
                if claims is not None:
                    claims.drew(picture)
                base, follows_picture = picture.base, None
                files[base.file] = picture.png
                layout = picture.layout_for(
                    vision=providers.vision,
                    text=providers.text,
                    copy=copy,
                    brand=brand,
                    format_id=layout.format,
                    locale=layout.locale,
                )
                canvas = picture.canvas(layout)
            plan_check = gate_1b_plan(layout, planned_lines(layout, copy))
            if plan_check.status == "FAIL" and not last_try and may_draw():
                record([plan_check], "FAIL", "regenerate_bfl")
                trigger = "regenerate_bfl"
                continue
            if left_behind:
                record([plan_check], "FAIL", "regenerate_bfl")
                break
            # Gate 4's contrast, planned for before an edit is paid for.
            layout = legible_plan(canvas.image(), layout, copy)
            with provider_call(STEP, "text overlay"):
                if trigger == "typeset_locally":
                    # The plain first-attempt typesetting: it is the fallback, not another escalation.
                    overlay = LocalImageEditor().overlay_text(canvas, layout, copy, attempt=1)
                else:
                    overlay = providers.editor.overlay_text(canvas, layout, copy, attempt=n)
                # Decoded once (which also validates the editor's bytes) and handed on as pixels: a
                # rendition is up to 1920 px, and decoding it again per gate cost as much as a gate.
                overlay_png = overlay.value
                overlay_img = open_image(overlay_png, what="text overlay")
            final = add_logo(overlay_img, layout, brand)
            final_png = overlay_png if final is overlay_img else to_png(final)
            with provider_call(STEP, "creative review"):
                set_on = canvas.image() if base.gate_1a_passed else None
                gates = judge(final_png, final, overlay_img, layout, copy, brand, providers, locale, set_on)
            verdict = verdict_of(gates)
            i2i_failures += verdict == "FAIL"
            next_action = decide_next_action(
                gates, index + 1, max_attempts=settings.max_creative_attempts, i2i_failures=i2i_failures
            )
            if next_action == "regenerate_bfl" and not may_draw() and not left_behind:
                next_action = "regenerate_i2i"  # the creative has drawn all the pictures it may
            overlay_file, final_file = f"attempts/{tag}-{n}-overlay.png", f"attempts/{tag}-{n}-final.png"
            files[overlay_file], files[final_file] = overlay_png, final_png
            fallback = overlay.fallback
            record(gates, verdict, next_action, (overlay_file, final_file, overlay.made_by))
            if verdict != "FAIL" or next_action == "none" or left_behind:
                break
            trigger = next_action
    return CreativeOutcome(
        attempts=attempts,
        overlay_png=overlay_png,
        final_png=final_png,
        base=base,
        files=files,
        final_size=final.size,
        picture=picture,
        fallback=fallback,
    )

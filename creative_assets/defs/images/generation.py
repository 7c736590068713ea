"""Generate one base image and hold it to Gate 1a: text in a base image fails fast and is
drawn again with a new seed, before layout or i2i spends anything on it.

A moderated generation has its own handling: the same prompt with a new seed (moderation of an
image model is partly chance), then a softened prompt; if that is refused too, the creative
fails with `moderated`. It is never handed to a stand-in painter: a procedural picture in place
of one the provider refused would be passed off as the real thing.
"""

from __future__ import annotations

import re

from creative_assets.errors import MODERATED, ProviderFailure
from creative_assets.gates.checks import gate_1a_base_image_text
from creative_assets.imaging.png import sha256
from creative_assets.models import BaseImage, DesignerPrompt, Gate1aAttempt
from creative_assets.models.base import CallFailure
from creative_assets.models.images import ModeratedAttempt
from creative_assets.providers.base import Generated, ImageGenerator
from creative_assets.resources import CampaignSettings, OcrReader

# Words that make an image model's moderation refuse a recruiting scene: drop them and say what
# the picture must be instead. A short list on purpose: the prompt is the designer's, and the
# softened one must still show the same job.
_RISKY = re.compile(
    r"\b(blood\w*|wound\w*|injur\w*|surg\w*|syringe\w*|needle\w*|naked|nude|bare[- ]skinned|"
    r"weapon\w*|gun\w*|knife|knives|dead|death|dying|pain|suffer\w*|sick\w*|emergenc\w*)\b",
    re.IGNORECASE,
)
SOFTENING = (
    "A calm, friendly, everyday scene at work; adults fully clothed in ordinary work clothes; "
    "nothing medical being done to anyone, no injuries, no distress."
)
# Refusals in a row before the creative fails: a new seed, then the softened prompt.
MODERATION_RETRIES = 2


def softened(prompt: DesignerPrompt) -> DesignerPrompt:
    text = " ".join(_RISKY.sub("", prompt.prompt).split())
    return prompt.model_copy(update={"prompt": f"{SOFTENING} {text}"})


def _unmoderated(
    generator: ImageGenerator,
    prompt: DesignerPrompt,
    *,
    seed: int,
    settings: CampaignSettings,
    palette: list[str],
    seed_parts: tuple[object, ...],
    moderated: list[ModeratedAttempt],
) -> tuple[Generated[bytes], DesignerPrompt, int]:
    """One generation, with moderation's own retries; returns the answer, the prompt that got
    it (softened once a refusal asked for it) and its seed. A last refusal is raised."""
    for retry in range(MODERATION_RETRIES + 1):
        try:
            generated = generator.generate(
                prompt, seed=seed, width=settings.width, height=settings.height, palette=palette
            )
            return generated, prompt, seed
        except ProviderFailure as exc:
            if exc.code != MODERATED:
                raise
            if retry == MODERATION_RETRIES:
                raise ProviderFailure(
                    exc.code,
                    f"{exc.message} (refused {retry + 1} times: with a new seed, then with a "
                    "softened prompt; rewrite the designer prompt or regenerate the images)",
                    provider=exc.provider,
                    status=exc.status,
                    call=exc.call,
                ) from exc
            moderated.append(
                ModeratedAttempt(
                    seed=seed,
                    softened=prompt.prompt.startswith(SOFTENING),
                    message=exc.message,
                )
            )
            seed = settings.seed_for(*seed_parts, "moderated", len(moderated))
            if retry + 1 == MODERATION_RETRIES:
                prompt = softened(prompt)
    raise AssertionError("unreachable")  # the loop returns or raises


GATE_1A_TEXT = "text_in_base_image"


def gate_1a_failure(image: BaseImage) -> CallFailure:
    """A picture that still showed text after every generation Gate 1a allowed: its creative
    fails with what OCR read, so a person sees why and can regenerate it."""
    read = "; ".join(
        f"seed {a.seed}: " + (" ".join(line.text for line in a.text_found) or "?") for a in image.attempts
    )
    return CallFailure(
        step="base_images",
        call="Gate 1a",
        provider=image.provider,
        code=GATE_1A_TEXT,
        message=f"OCR found text in all {len(image.attempts)} generations ({read}); "
        "regenerate the images (regenerate_images) or change the designer prompt",
    )


def generate_clean_base_image(
    *,
    generator: ImageGenerator,
    ocr: OcrReader,
    settings: CampaignSettings,
    prompt: DesignerPrompt,
    palette: list[str],
    seed_parts: tuple[object, ...],
    file: str,
) -> tuple[BaseImage, bytes]:
    """Up to `max_base_image_attempts` generations; returns the first that passes Gate 1a, or
    the last one with `gate_1a_passed=False` so the check reports it and nothing is hidden.
    A final provider failure (moderation included, after its retries) is raised."""
    attempts: list[Gate1aAttempt] = []
    moderated: list[ModeratedAttempt] = []
    png = b""
    seed = 0
    for attempt in range(1, settings.max_base_image_attempts + 1):
        generated, prompt, seed = _unmoderated(
            generator,
            prompt,
            seed=settings.seed_for(*seed_parts, attempt),
            settings=settings,
            palette=palette,
            seed_parts=(*seed_parts, attempt),
            moderated=moderated,
        )
        png = generated.value
        lines = ocr.read(png)
        gate = gate_1a_base_image_text(lines)
        attempts.append(
            Gate1aAttempt(
                attempt=attempt,
                seed=seed,
                passed=gate.status != "FAIL",
                text_found=lines,
            )
        )
        if gate.status != "FAIL":
            break
    image = BaseImage(
        image_type=prompt.image_type,
        file=file,
        prompt=prompt.prompt,
        seed=seed,
        provider=generated.made_by.split("/", 1)[0],
        model=generated.made_by.split("/", 1)[-1],
        width=settings.width,
        height=settings.height,
        sha256=sha256(png),
        gate_1a_passed=attempts[-1].passed,
        attempts=attempts,
        moderated=moderated,
        softened_prompt=prompt.prompt.startswith(SOFTENING),
        fallback=generated.fallback,
    )
    return image, png

"""Generate one base image and hold it to Gate 1a: text in a base image fails fast and is
drawn again with a new seed, before layout or i2i spends anything on it."""

from __future__ import annotations

from creative_assets.gates.checks import gate_1a_base_image_text
from creative_assets.imaging.png import sha256
from creative_assets.models import BaseImage, DesignerPrompt, Gate1aAttempt
from creative_assets.providers.base import ImageGenerator
from creative_assets.resources import CampaignSettings, OcrReader


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
    the last one with `gate_1a_passed=False` so the check reports it and nothing is hidden."""
    attempts: list[Gate1aAttempt] = []
    png = b""
    seed = 0
    for attempt in range(1, settings.max_base_image_attempts + 1):
        seed = settings.seed_for(*seed_parts, attempt)
        generated = generator.generate(
            prompt, seed=seed, width=settings.width, height=settings.height, palette=palette
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
                calls=generated.calls,
            )
        )
        if gate.status != "FAIL":
            break
    last_call = attempts[-1].calls[-1]
    image = BaseImage(
        image_type=prompt.image_type,
        file=file,
        prompt=prompt.prompt,
        seed=seed,
        provider=last_call.provider,
        model=last_call.model,
        width=settings.width,
        height=settings.height,
        sha256=sha256(png),
        gate_1a_passed=attempts[-1].passed,
        attempts=attempts,
    )
    return image, png

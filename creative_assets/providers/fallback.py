"""Fallback chains: try the primary provider, and only for failures another provider can help
with (rate limited after retries, server error, timeout, an unusable answer) hand the same
request to the fallback. A bad key or a bad request fails fast: a fallback would hide it and
spend money on a campaign that must be fixed. A moderated image is not the fallback's either:
base image generation retries it with a new seed and a softened prompt (defs/images/generation.py).

Only a deployment that opts in gets a chain (`fallback=local`, providers/select.py). The failed
attempt stays on the ledger with `outcome="fallback"` and its error code (and whatever it cost),
followed by the fallback's own calls, so the last call always names the provider that made the
image; the pipeline flags whatever a stand-in made (`needs_review`), never passes it.

Why two fields and not a list: Dagster resolves nested resources only from a field's declared
type, and a `list[ImageGenerator]` of different implementations loses their config; a longer
chain nests (`primary=A, fallback=FallbackImageGenerator(primary=B, fallback=C)`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import dagster as dg

from creative_assets.errors import FALLBACK_CODES, MODERATED, ProviderError, ProviderFailure
from creative_assets.imaging.canvas import Canvas
from creative_assets.models import CopyVariant, DesignerPrompt, Layout, ProviderCall
from creative_assets.providers.base import Generated, ImageEditor, ImageGenerator

T = TypeVar("T")


def takes_fallback(exc: ProviderError, *, moderation: bool = True) -> bool:
    return exc.code in FALLBACK_CODES and (moderation or exc.code != MODERATED)


def _with_fallback(
    primary: Callable[[], Generated[T]],
    fallback: Callable[[], Generated[T]],
    *,
    provider: object,
    operation: str,
    moderation: bool = True,
) -> Generated[T]:
    try:
        return primary()
    except ProviderError as exc:
        if not takes_fallback(exc, moderation=moderation):
            raise
        # Every attempt the retry layer made, billed or not, stays in the lineage (the ledger
        # has them too); the last one is marked as the failure the stand-in took over from.
        tried = (exc.calls or ([exc.call] if exc.call else [])) if isinstance(exc, ProviderFailure) else []
        *earlier, last = tried or [
            ProviderCall(provider=type(provider).__name__, model="unknown", operation=operation)
        ]
        record = last.model_copy(update={"outcome": "fallback", "error_code": exc.code})
        dg.get_dagster_logger().warning(
            f"{record.provider} failed {operation} ({exc}); using the fallback provider"
        )
        result = fallback()
        return Generated(result.value, [*earlier, record, *result.calls])


class FallbackImageGenerator(ImageGenerator):
    """E.g. BFL FLUX, then the local procedural painter."""

    primary: ImageGenerator
    fallback: ImageGenerator

    def list_prices(self) -> dict[str, float]:
        return self.primary.list_prices()

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        def run(generator: ImageGenerator) -> Callable[[], Generated[bytes]]:
            return lambda: generator.generate(prompt, seed=seed, width=width, height=height, palette=palette)

        return _with_fallback(
            run(self.primary),
            run(self.fallback),
            provider=self.primary,
            operation="text_to_image",
            moderation=False,  # the pipeline's own handling: a new seed, then a softened prompt
        )


class FallbackImageEditor(ImageEditor):
    """E.g. OpenAI gpt-image-1, then the local Pillow typesetter."""

    primary: ImageEditor
    fallback: ImageEditor

    def list_prices(self) -> dict[str, float]:
        return self.primary.list_prices()

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        def run(editor: ImageEditor) -> Callable[[], Generated[bytes]]:
            return lambda: editor.overlay_text(canvas, layout, copy, attempt=attempt)

        return _with_fallback(
            run(self.primary), run(self.fallback), provider=self.primary, operation="text_overlay"
        )

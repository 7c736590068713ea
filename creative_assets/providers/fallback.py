"""Fallback chains: try the primary provider, and only for failures another provider can help
with (rate limited after retries, server error, timeout, an unusable answer) hand the same
request to the fallback. A bad key or a bad request fails fast: a fallback would hide it and
spend money on a campaign that must be fixed. A moderated image is not the fallback's either:
base image generation retries it with a new seed and a softened prompt (defs/images/generation.py).

Only a deployment that opts in gets a chain (`fallback=local`, providers/select.py). The failed
attempts stay on the gateway's ledger with their error code (and whatever they cost); the answer
names the stand-in that made the image and says in `fallback` what it stood in for, and the
pipeline flags whatever a stand-in made (`needs_review`), never passes it.

Why two fields and not a list: Dagster resolves nested resources only from a field's declared
type, and a `list[ImageGenerator]` of different implementations loses their config; a longer
chain nests (`primary=A, fallback=FallbackImageGenerator(primary=B, fallback=C)`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import dagster as dg

from creative_assets.errors import FALLBACK_CODES, MODERATED, ProviderError
from creative_assets.imaging.canvas import Canvas
from creative_assets.models import CopyVariant, DesignerPrompt, Layout
from creative_assets.providers.base import Generated, ImageEditor, ImageGenerator

T = TypeVar("T")


def takes_fallback(exc: ProviderError, *, moderation: bool = True) -> bool:
    return exc.code in FALLBACK_CODES and (moderation or exc.code != MODERATED)


def _with_fallback(
    primary: Callable[[], Generated[T]],
    fallback: Callable[[], Generated[T]],
    *,
    provider: object,
    what: str,
    moderation: bool = True,
) -> Generated[T]:
    try:
        return primary()
    except ProviderError as exc:
        if not takes_fallback(exc, moderation=moderation):
            raise
        failed = getattr(exc, "provider", None) or type(provider).__name__
        dg.get_dagster_logger().warning(f"{failed} failed {what} ({exc}); using the fallback provider")
        result = fallback()
        note = f"{what} by a local stand-in after {failed} failed [{exc.code}]"
        return Generated(result.value, result.made_by, "; ".join(filter(None, (note, result.fallback))))


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
            what="text-to-image",
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
            run(self.primary), run(self.fallback), provider=self.primary, what="text overlay"
        )

"""A creative is one picture in every format and locale: when one rendition's retry replaces the
picture, the renditions made before move to the new one and are judged again, and the record
refuses renditions on different pictures."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from creative_assets.defs.compose.renditions import RenderedCreative
from creative_assets.imaging.canvas import Canvas
from creative_assets.imaging.png import to_png
from creative_assets.imaging.typesetting import typeset
from creative_assets.models import CopyVariant, Creative, Layout
from creative_assets.providers.base import Generated
from creative_assets.providers.local import LocalImageEditor
from creative_assets_tests.support.one_creative import render_one_creative

FORMATS = ["1:1", "9:16"]


class FadedStoryEditor(LocalImageEditor):
    """Sets the 9:16 story's copy pale grey on a pale panel on its first two edits (Gate 4
    fails twice, so the loop asks for a new picture); everything else it typesets well."""

    edits: ClassVar[list[tuple[str, int]]] = []

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        FadedStoryEditor.edits.append((layout.format, attempt))
        if layout.format != "9:16" or attempt > 2:
            return super().overlay_text(canvas, layout, copy, attempt=attempt)
        pale = {"color": "#9a9a9a", "scrim": "#b4b4b4", "scrim_opacity": 1.0}
        faded = layout.model_copy(update={"zones": [z.model_copy(update=pale) for z in layout.zones]})
        return Generated(
            to_png(typeset(canvas.image(), faded, copy)),
            super().overlay_text(canvas, layout, copy, attempt=1).made_by,
        )


@pytest.fixture(scope="module")
def rendered() -> tuple[RenderedCreative, str]:
    FadedStoryEditor.edits.clear()
    return render_one_creative(FadedStoryEditor(), FORMATS)


def test_every_rendition_moves_to_the_picture_a_retry_drew_and_is_judged_again(rendered) -> None:
    result, first_picture = rendered
    creative = result.creative
    feed, story = creative.renditions
    assert [a.trigger for a in story.attempts] == ["none", "regenerate_i2i", "regenerate_bfl"]
    new_picture = story.attempts[-1].base_sha256
    assert new_picture != first_picture and result.pictures_drawn == 1
    # The feed rendition passed on the first picture, then moved with the creative.
    assert [a.base_sha256 for a in feed.attempts] == [first_picture, new_picture]
    assert feed.attempts[-1].follows_picture == "de-DE 9:16" and feed.attempts[-1].verdict != "FAIL"
    assert creative.base_sha256 == new_picture == feed.base_sha256 == story.base_sha256
    # The moved rendition was edited again on the new picture, under a new attempt number (the
    # two renditions are made side by side, so only each format's own order is fixed).
    assert [a for f, a in FadedStoryEditor.edits if f == "1:1"] == [1, 2]
    assert [a for f, a in FadedStoryEditor.edits if f == "9:16"] == [1, 2, 3]
    assert {a.final_file for r in creative.renditions for a in r.attempts} <= set(result.final_files)


def test_the_record_refuses_a_creative_on_two_pictures(rendered) -> None:
    result, _ = rendered
    creative = result.creative
    feed, story = creative.renditions
    stale_feed = feed.model_copy(update={"attempts": feed.attempts[:1]})  # left on the first picture
    with pytest.raises(ValidationError, match="several_pictures"):
        Creative.model_validate(
            {**creative.model_dump(), "renditions": [stale_feed.model_dump(), story.model_dump()]}
        )

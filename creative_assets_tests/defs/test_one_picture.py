"""A creative is one picture in every format and locale: when one rendition's retry replaces the
picture, the renditions made before move to the new one and are judged again, and the record
refuses renditions on different pictures."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from creative_assets.defs.compose.renditions import RenderedCreative
from creative_assets.models import Creative
from creative_assets_tests.support.one_creative import FadingEditor, render_one_creative

FORMATS = ["1:1", "9:16"]


class FadedStoryEditor(FadingEditor):
    """Fades the 9:16 story's copy on its first two edits; the feed it typesets well."""

    faded: ClassVar[set[str]] = {"9:16"}
    edits: ClassVar[list[tuple[str, int]]] = []


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

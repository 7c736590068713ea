"""A creative's renditions are made side by side (their edits are provider latency), and still
on one picture: when two of them would each earn a new picture at once, only one is drawn and
the other is made again on it."""

from __future__ import annotations

import threading
from typing import ClassVar

from creative_assets.imaging.canvas import Canvas
from creative_assets.models import CopyVariant, Layout
from creative_assets.providers.base import Generated
from creative_assets.providers.local import LocalImageEditor
from creative_assets_tests.support.one_creative import FadingEditor, render_one_creative

FORMATS = ["1:1", "9:16"]


class MeetingEditor(LocalImageEditor):
    """Each format's first edit waits until the other format's first edit is in flight too: made
    one after another, the wait runs out and the edit raises."""

    meet: ClassVar[threading.Barrier] = threading.Barrier(len(FORMATS), timeout=60)

    def overlay_text(
        self, canvas: Canvas, layout: Layout, copy: CopyVariant, *, attempt: int
    ) -> Generated[bytes]:
        if attempt == 1:
            self.meet.wait()
        return super().overlay_text(canvas, layout, copy, attempt=attempt)


class FadedEverywhereEditor(FadingEditor):
    """Fades every format's copy on its first two edits: each rendition's loop asks for a new
    picture after its second failed edit."""

    faded: ClassVar[set[str]] = set(FORMATS)
    edits: ClassVar[list[tuple[str, int]]] = []


def test_a_creatives_renditions_are_edited_side_by_side() -> None:
    result, first_picture = render_one_creative(MeetingEditor(), FORMATS)
    creative = result.creative
    assert [r.format for r in creative.renditions] == FORMATS
    assert creative.status != "failed" and creative.base_sha256 == first_picture
    assert [len(r.attempts) for r in creative.renditions] == [1, 1]


def test_two_renditions_that_earn_a_new_picture_at_once_draw_one_and_share_it() -> None:
    FadedEverywhereEditor.edits.clear()
    result, first_picture = render_one_creative(FadedEverywhereEditor(), FORMATS)
    creative = result.creative
    assert result.pictures_drawn == 1  # not one for each
    new_picture = creative.base_sha256
    assert new_picture != first_picture
    assert all(r.base_sha256 == new_picture and r.verdict != "FAIL" for r in creative.renditions)
    drew, followed = sorted(creative.renditions, key=lambda r: r.attempts[-1].follows_picture is not None)
    # The one that drew: two failed edits on the first picture, the third on its new one.
    assert [a.base_sha256 for a in drew.attempts] == [first_picture, first_picture, new_picture]
    assert drew.attempts[-1].trigger == "regenerate_bfl"
    # The other stopped on the first picture once it was being replaced (after one or two edits
    # there, depending on how far it had got when the draw was granted), and was made again on
    # the new one, from where its attempt numbers stopped (no edit asked for twice).
    shas = [a.base_sha256 for a in followed.attempts]
    moved_at = shas.index(new_picture)
    assert moved_at >= 1 and set(shas[:moved_at]) == {first_picture} and set(shas[moved_at:]) == {new_picture}
    followed_from = f"{creative.renditions[0].locale} {drew.format}"
    assert {a.follows_picture for a in followed.attempts[moved_at:]} == {followed_from}
    numbers = [a.attempt for a in followed.attempts]
    assert numbers == sorted(set(numbers))
    assert {a.final_file for r in creative.renditions for a in r.attempts} <= set(result.final_files)

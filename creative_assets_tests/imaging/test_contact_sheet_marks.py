"""A creative that failed, or that a stand-in made, cannot pass for the real thing on the contact
sheet: its tile carries its reason on a dark band, a stand-in's also a STAND-IN mark across the
picture, and a creative with nothing rendered is a crossed placeholder, never left out."""

from __future__ import annotations

import numpy as np
from PIL import Image

from creative_assets.imaging.color import hex_to_rgb
from creative_assets.imaging.contact_sheet import STATUS_COLORS, ContactTile, contact_sheet
from creative_assets.imaging.png import to_png

BLUE = (120, 170, 200)
PICTURE = to_png(Image.new("RGB", (200, 200), BLUE))


def sheet_of(tile: ContactTile) -> np.ndarray:
    return np.asarray(contact_sheet([tile], columns=1, tile_size=256).convert("RGB")).astype(int)


def test_stand_in_and_failed_tiles_are_marked_and_a_plain_one_is_not() -> None:
    plain = sheet_of(ContactTile("A · job_focus", PICTURE, "passed"))
    picture = np.all(plain == np.array(BLUE), axis=-1)  # where the tile's picture is
    rows = np.nonzero(picture.any(axis=1))[0]
    assert picture.sum() > 200 * 200  # nothing drawn over a passing creative's picture

    stand_in = sheet_of(
        ContactTile("A · job_focus", PICTURE, "needs_review", note="STAND-IN, not passed: text-to-image")
    )
    covered = ~np.all(stand_in == np.array(BLUE), axis=-1) & picture
    assert covered.sum() > 0.15 * picture.sum()  # the mark and the band lie over the picture
    violet = np.abs(stand_in - np.array(hex_to_rgb(STATUS_COLORS["needs_review"]))).sum(axis=-1) < 60
    assert (violet & picture).sum() > 500  # the STAND-IN mark, in the status colour
    top = stand_in[rows[0] : rows[0] + 12][picture[rows[0] : rows[0] + 12]]
    assert (top.sum(axis=-1) < 200).mean() > 0.5  # a dark band (with white letters) on top

    failed = sheet_of(ContactTile("A · job_focus", b"", "failed", note="FAILED [rate_limited] text-to-image"))
    top = failed[rows[0] : rows[0] + 12][picture[rows[0] : rows[0] + 12]]
    assert (top.sum(axis=-1) < 200).mean() > 0.5  # a placeholder that says why, not a gap

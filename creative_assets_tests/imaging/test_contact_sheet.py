"""The contact sheet: a grid of labelled tiles framed in their gate status colours."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFont

from creative_assets.imaging import fonts
from creative_assets.imaging.color import hex_to_rgb
from creative_assets.imaging.contact_sheet import REVIEW_COLORS, STATUS_COLORS, ContactTile, contact_sheet
from creative_assets.imaging.png import to_png
from creative_assets.imaging.procedural import draw_base_image
from creative_assets.models.base import IMAGE_TYPES, VARIANTS

STATUSES = ("passed", "passed_with_warnings", "needs_review", "failed")


def solid_png(rgb: tuple[int, int, int], size: tuple[int, int] = (96, 96)) -> bytes:
    return to_png(Image.new("RGB", size, rgb))


def count_color(img: Image.Image, hex_color: str) -> int:
    arr = np.asarray(img.convert("RGB"))
    return int(np.all(arr == np.array(hex_to_rgb(hex_color)), axis=-1).sum())


@pytest.fixture(scope="module")
def campaign_tiles() -> list[ContactTile]:
    """20 creatives as the campaign produces them: variants A–E × the four image types."""
    return [
        ContactTile(
            label=f"{variant} · {image_type}",
            png=to_png(draw_base_image(image_type, index, 160, 200)),
            status=STATUSES[index % len(STATUSES)],
        )
        for index, (variant, image_type) in enumerate((v, t) for v in VARIANTS for t in IMAGE_TYPES)
    ]


def test_twenty_tiles_make_five_rows_of_four(campaign_tiles: list[ContactTile]) -> None:
    tile = 256
    one_row = contact_sheet(campaign_tiles[:4], columns=4, tile_size=tile)
    two_rows = contact_sheet(campaign_tiles[:8], columns=4, tile_size=tile)
    sheet = contact_sheet(campaign_tiles, columns=4, tile_size=tile, title="Pflegefachkraft · Klinikum")
    pitch = two_rows.height - one_row.height  # one row of tiles plus its label and gap
    assert pitch > tile
    assert sheet.width == one_row.width == two_rows.width
    assert 4 * tile < sheet.width < 4 * tile * 1.25
    assert sheet.height == one_row.height + 4 * pitch
    assert sheet.mode == "RGB"


def test_every_status_colour_frames_its_tiles(campaign_tiles: list[ContactTile]) -> None:
    sheet = contact_sheet(campaign_tiles, columns=4, tile_size=256)
    per_status = {s: sum(t.status == s for t in campaign_tiles) for s in STATUSES}
    for status, color in STATUS_COLORS.items():
        # At least the frames of its tiles: a border of ≥3 px around 256 px squares.
        assert count_color(sheet, color) > per_status[status] * 4 * 3 * 250, status


def test_absent_statuses_leave_no_colour() -> None:
    tiles = [ContactTile(f"A · {t}", solid_png((200, 200, 200)), "passed") for t in IMAGE_TYPES]
    sheet = contact_sheet(tiles, title="all good")
    assert count_color(sheet, STATUS_COLORS["passed"]) > 0
    assert count_color(sheet, STATUS_COLORS["failed"]) == 0
    assert count_color(sheet, STATUS_COLORS["passed_with_warnings"]) == 0


def test_a_persons_review_is_shown_beside_the_gate_status() -> None:
    """Only a person approves: the gates' "passed" and a reviewer's "approved" are two badges in
    two colours, and a sheet where nobody decided yet shows neither approved nor rejected."""
    assert not set(REVIEW_COLORS.values()) & set(STATUS_COLORS.values())
    picture = solid_png((200, 200, 200))
    undecided = contact_sheet([ContactTile(f"A · {t}", picture, "passed") for t in IMAGE_TYPES])
    assert count_color(undecided, REVIEW_COLORS["pending"]) > 0
    assert count_color(undecided, REVIEW_COLORS["approved"]) == 0
    assert count_color(undecided, REVIEW_COLORS["rejected"]) == 0
    reviewed = contact_sheet(
        [
            ContactTile("A · job_focus", picture, "passed", review="approved"),
            ContactTile("A · lifestyle", picture, "passed", review="rejected"),
            ContactTile("A · artistic", picture, "failed", review="approved"),  # an override
            ContactTile("A · location", picture, "passed"),
        ]
    )
    for review, color in REVIEW_COLORS.items():
        assert count_color(reviewed, color) > 0, review
    # the approved badges (two tiles and the title's count) outweigh the one rejected
    assert count_color(reviewed, REVIEW_COLORS["approved"]) > count_color(reviewed, REVIEW_COLORS["rejected"])


def test_tiles_are_laid_out_row_major() -> None:
    colors = [(250, 0, 0), (0, 250, 0), (0, 0, 250), (250, 250, 0), (0, 250, 250), (250, 0, 250)]
    tiles = [ContactTile(str(i), solid_png(c), "passed") for i, c in enumerate(colors)]
    arr = np.asarray(contact_sheet(tiles, columns=4, tile_size=128))
    centres = []
    for c in colors:
        ys, xs = np.nonzero(np.all(arr == np.array(c), axis=-1))
        assert len(xs) > 100 * 100  # the tile's picture fills most of its cell
        centres.append((ys.mean(), xs.mean()))
    first_row, second_row = centres[:4], centres[4:]
    assert all(abs(y - first_row[0][0]) < 1 for y, _ in first_row)
    assert all(y > first_row[0][0] + 128 for y, _ in second_row)
    assert [x for _, x in first_row] == sorted(x for _, x in first_row)
    assert abs(second_row[0][1] - first_row[0][1]) < 1  # the fifth tile starts a new row


def test_non_square_tiles_fit_inside_their_cell() -> None:
    wide = ContactTile("wide", solid_png((10, 120, 200), (400, 100)), "failed")
    sheet = contact_sheet([wide], columns=1, tile_size=128)
    arr = np.asarray(sheet)
    ys, xs = np.nonzero(np.all(arr == np.array((10, 120, 200)), axis=-1))
    assert xs.max() - xs.min() < 128 and ys.max() - ys.min() < 40


def test_title_and_labels_are_drawn() -> None:
    tiles = [ContactTile("A · job_focus", solid_png((200, 200, 200)), "passed")]
    plain = np.asarray(contact_sheet(tiles, columns=1, tile_size=128))
    titled = np.asarray(contact_sheet(tiles, columns=1, tile_size=128, title="Lagerhelfer (m/w/d)"))
    assert plain.shape == titled.shape
    assert (plain != titled).any()
    relabelled = np.asarray(
        contact_sheet([ContactTile("E · location", tiles[0].png, "passed")], columns=1, tile_size=128)
    )
    assert (plain != relabelled).any()


def test_long_labels_and_titles_do_not_widen_the_sheet() -> None:
    short = [ContactTile("A", solid_png((90, 90, 90)), "passed_with_warnings")]
    long = [ContactTile("A · " + "very long label " * 10, short[0].png, "passed_with_warnings")]
    a = contact_sheet(short, columns=2, tile_size=128, title="x")
    b = contact_sheet(long, columns=2, tile_size=128, title="Titel " * 40)
    assert a.size == b.size


def test_broken_tile_becomes_a_placeholder() -> None:
    tiles = [
        ContactTile("ok", solid_png((0, 90, 0)), "passed"),
        ContactTile("broken", b"\x89PNG\r\n\x1a\n not really", "failed"),
    ]
    sheet = contact_sheet(tiles, columns=2, tile_size=128)
    assert count_color(sheet, STATUS_COLORS["failed"]) > 0


def test_rgba_tiles_are_composited() -> None:
    logo = Image.new("RGBA", (100, 100), (255, 0, 0, 0))
    sheet = contact_sheet([ContactTile("logo", to_png(logo), "passed")], columns=1, tile_size=128)
    assert count_color(sheet, "#ff0000") == 0  # fully transparent pixels do not show their colour


def test_invalid_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        ContactTile("A", b"", "pending")
    with pytest.raises(ValueError):  # a gate pass is "passed"; only a person approves
        ContactTile("A", b"", "approved")
    with pytest.raises(ValueError):
        ContactTile("A", b"", "passed", review="maybe")
    with pytest.raises(ValueError):
        contact_sheet([], columns=0)
    with pytest.raises(ValueError):
        contact_sheet([], tile_size=32)


def test_empty_sheet_is_just_the_title() -> None:
    sheet = contact_sheet([], title="nothing yet")
    assert sheet.width > 0 and 0 < sheet.height < 100


def test_bundled_fonts_resolve_and_load() -> None:
    assert fonts.font_path(bold=True).is_file()
    assert fonts.font_path(bold=False).is_file()
    assert fonts.font_path(bold=True) != fonts.font_path(bold=False)
    font = fonts.load_font(24, bold=True)
    assert isinstance(font, ImageFont.FreeTypeFont) and font.size == 24
    assert fonts.load_font(24, bold=True) is font  # cached

"""A contact sheet: every creative of a campaign on one image, so a reviewer sees the run at a glance.

Each tile gets a border and a badge in its gate status colour (green passed, amber passed with
warnings, violet for a stand-in's work that waits for a person, red failed) and, beside it, an
outlined badge with a person's review (approved, rejected, pending: only a person approves), its
label below; the title bar counts the statuses and the reviews, one count per creative. A
tile with a note (why it failed, what a stand-in made) carries it on a dark band across its top
and, for a stand-in, a diagonal "STAND-IN" mark, so it cannot be mistaken for the real thing. A
tile whose bytes do not decode (or a creative with nothing rendered) becomes a visible crossed
placeholder instead of failing the whole report: the sheet is a summary, the gates own validation.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps

from creative_assets.imaging.color import hex_to_rgb
from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.png import InvalidImageError, open_image

STATUS_COLORS: dict[str, str] = {
    "passed": "#2e9e44",
    "passed_with_warnings": "#e8a317",
    "needs_review": "#7b3fc4",
    "failed": "#d64541",
}
STATUS_LABELS: dict[str, str] = {
    "passed": "passed",
    "passed_with_warnings": "warnings",
    "needs_review": "stand-in",
    "failed": "failed",
}
# A person's decision on the creative's current image (models/approvals.py: Review).
REVIEW_COLORS: dict[str, str] = {
    "approved": "#1f5fbf",
    "rejected": "#8a1c1c",
    "pending": "#7d7d86",
}
BACKGROUND = (246, 246, 243)
INK = (34, 34, 38)
MUTED = (110, 110, 118)
PLACEHOLDER = (214, 214, 210)


@dataclass(frozen=True)
class ContactTile:
    """One creative on the sheet: its label (e.g. 'A · lifestyle'), PNG bytes (empty: nothing
    was rendered), gate status, a note saying why it failed or what a stand-in made, and a
    person's review of its current image."""

    label: str
    png: bytes
    status: str
    note: str = ""
    review: str = "pending"

    def __post_init__(self) -> None:
        if self.status not in STATUS_COLORS:
            raise ValueError(f"unknown status {self.status!r}; expected one of {sorted(STATUS_COLORS)}")
        if self.review not in REVIEW_COLORS:
            raise ValueError(f"unknown review {self.review!r}; expected one of {sorted(REVIEW_COLORS)}")


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    """Shorten `text` with an ellipsis until it fits, so long labels never overlap neighbours."""
    if draw.textlength(text, font=font) <= max_width:
        return text
    while text and draw.textlength(text + "…", font=font) > max_width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def _thumbnail(tile: ContactTile, side: int) -> Image.Image:
    """The tile's image scaled to fit a square, centred on a neutral ground; a crossed box if broken."""
    cell = Image.new("RGB", (side, side), PLACEHOLDER)
    try:
        img = open_image(tile.png, what=tile.label)
    except InvalidImageError:
        draw = ImageDraw.Draw(cell)
        width = max(2, side // 48)
        draw.line((0, 0, side, side), fill=MUTED, width=width)
        draw.line((0, side, side, 0), fill=MUTED, width=width)
        return cell
    img = ImageOps.contain(img, (side, side), Image.Resampling.LANCZOS)
    offset = ((side - img.width) // 2, (side - img.height) // 2)
    if img.mode == "RGBA":
        cell.paste(img, offset, mask=img.getchannel("A"))
    else:
        cell.paste(img, offset)
    return cell


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float, lines: int
) -> list[str]:
    """Greedy word wrap into at most `lines` lines, the last one shortened with an ellipsis."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words and out:
        out[-1] = _fit(draw, f"{out[-1]} {' '.join(words)}", font, width)
    return [_fit(draw, line, font, width) for line in out]


def _mark(cell: Image.Image, tile: ContactTile, font: ImageFont.FreeTypeFont) -> Image.Image:
    """The note on a dark band across the top, and a stand-in's work crossed by a diagonal
    STAND-IN, both in the status colour, so the tile never passes for the real thing."""
    if not tile.note:
        return cell
    color = hex_to_rgb(STATUS_COLORS[tile.status])
    overlay = Image.new("RGBA", cell.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if tile.status == "needs_review":
        stamp = load_font(max(12, cell.width // 7), True)
        mark = Image.new("RGBA", cell.size, (0, 0, 0, 0))
        ImageDraw.Draw(mark).text(
            (cell.width / 2, cell.height / 2),
            "STAND-IN",
            font=stamp,
            fill=(*color, 200),
            anchor="mm",
            stroke_width=max(1, cell.width // 120),
            stroke_fill=(255, 255, 255, 200),
        )
        overlay.alpha_composite(mark.rotate(30, resample=Image.Resampling.BICUBIC))
    pad = max(3, font.size // 3)
    lines = _wrap(draw, tile.note, font, cell.width - 2 * pad, 3)
    band = pad * 2 + len(lines) * round(font.size * 1.25)
    draw.rectangle((0, 0, cell.width, band), fill=(20, 20, 24, 215))
    draw.rectangle((0, band, cell.width, band + max(2, pad // 2)), fill=(*color, 255))
    for index, line in enumerate(lines):
        draw.text((pad, pad + index * round(font.size * 1.25)), line, font=font, fill=(255, 255, 255, 255))
    return Image.alpha_composite(cell.convert("RGBA"), overlay).convert("RGB")


def _pill(
    draw: ImageDraw.ImageDraw,
    right: float,
    top: float,
    text: str,
    color: str,
    font: ImageFont.FreeTypeFont,
    *,
    outlined: bool = False,
) -> float:
    """A pill right-aligned at (right, top), filled (a gate status) or outlined (a person's
    review), so the two never read as one; returns its left edge so what is left of it can
    stop there."""
    pad_x, height = font.size * 0.6, font.size * 1.6
    left = right - draw.textlength(text, font=font) - 2 * pad_x
    rgb = hex_to_rgb(color)
    box = (left, top, right, top + height)
    if outlined:
        draw.rounded_rectangle(box, radius=height / 2, fill=(255, 255, 255), outline=rgb, width=2)
    else:
        draw.rounded_rectangle(box, radius=height / 2, fill=rgb)
    ink = rgb if outlined else (255, 255, 255)
    draw.text((left + pad_x, top + height / 2), text, font=font, fill=ink, anchor="lm")
    return left


def contact_sheet(
    tiles: Sequence[ContactTile], *, columns: int = 4, tile_size: int = 256, title: str = ""
) -> Image.Image:
    """Lay the tiles out row by row (for a campaign: variants A–E as rows, image types as columns).

    Every tile is framed in its gate status colour and labelled with its gate status and its
    review; the title bar carries `title`, the number of tiles per status and per review, so the
    outcome of a run and of its review are readable without opening any file.
    """
    if columns < 1:
        raise ValueError("columns must be at least 1")
    if tile_size < 64:
        raise ValueError("tile_size must be at least 64 px")
    margin, gap = max(12, tile_size // 12), max(8, tile_size // 16)
    title_font, label_font = (
        load_font(max(14, tile_size // 10), True),
        load_font(max(10, tile_size // 20), False),
    )
    badge_font = load_font(max(9, tile_size // 24), True)
    border = max(3, tile_size // 48)
    title_h = round(title_font.size * 2.4)
    label_h = round(label_font.size * 2.6)
    rows = math.ceil(len(tiles) / columns)
    width = 2 * margin + columns * tile_size + (columns - 1) * gap
    height = (
        title_h + margin + rows * (tile_size + label_h) + max(0, rows - 1) * gap + (margin if rows else 0)
    )
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)

    # Title bar: the title on the left; on the right the counts per review (outlined), then per
    # gate status (filled), read left to right as "5 passed … | 2 approved …".
    statuses, reviews = Counter(t.status for t in tiles), Counter(t.review for t in tiles)
    pills = [(f"{reviews[r]} {r}", REVIEW_COLORS[r], True) for r in REVIEW_COLORS if reviews[r]] + [
        (f"{statuses[s]} {STATUS_LABELS[s]}", STATUS_COLORS[s], False) for s in STATUS_COLORS if statuses[s]
    ]
    right = width - margin
    pill_top = margin + (title_h - margin - label_font.size * 1.6) / 2
    for text, color, outlined in reversed(pills):
        # On a narrow sheet the title keeps a third of the width; the counts that do not fit
        # are left off (a campaign's four columns hold them all).
        if right - draw.textlength(text, font=label_font) - label_font.size * 1.2 < margin + width / 3:
            break
        right = _pill(draw, right, pill_top, text, color, label_font, outlined=outlined) - gap / 2
    if title:
        text = _fit(draw, title, title_font, right - margin - gap)
        draw.text((margin, margin + (title_h - margin) / 2), text, font=title_font, fill=INK, anchor="lm")

    # Decoding and scaling the tiles is most of the sheet's time, and Pillow does both without
    # the GIL: 20 creatives of 1080 px took 0.71 s one after another, 0.31 s on two cores. The
    # roll-up that draws the sheet is a campaign's last step, often with the machine to itself.
    note_font = load_font(max(9, tile_size // 22), True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        cells = list(
            pool.map(lambda tile: _mark(_thumbnail(tile, tile_size - 2 * border), tile, note_font), tiles)
        )
    for index, (tile, cell) in enumerate(zip(tiles, cells, strict=True)):
        row, col = divmod(index, columns)
        x = margin + col * (tile_size + gap)
        y = title_h + margin + row * (tile_size + label_h + gap)
        color = hex_to_rgb(STATUS_COLORS[tile.status])
        draw.rectangle((x, y, x + tile_size - 1, y + tile_size - 1), fill=color)
        sheet.paste(cell, (x + border, y + border))
        badge_top = y + tile_size + (label_h - badge_font.size * 1.6) / 2
        review_left = _pill(
            draw, x + tile_size, badge_top, tile.review, REVIEW_COLORS[tile.review], badge_font, outlined=True
        )
        badge_left = _pill(
            draw,
            review_left - badge_font.size / 3,
            badge_top,
            STATUS_LABELS[tile.status],
            STATUS_COLORS[tile.status],
            badge_font,
        )
        label = _fit(draw, tile.label, label_font, badge_left - x - gap / 2)
        draw.text((x, y + tile_size + label_h / 2), label, font=label_font, fill=INK, anchor="lm")
    return sheet

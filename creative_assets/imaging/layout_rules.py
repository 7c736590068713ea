"""The local layout designer: text block, colours, logo corner and the i2i prompt, by rules.

Zones are sized with the typesetter's own `fit_text`, so each zone is as tall as its text will
be and the block sits tight against the image edge of its region instead of floating in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image

from creative_assets.imaging.compositing import corner_logo_box, cta_colors, pick_colors
from creative_assets.imaging.formats import ad_format, in_reserved, reserved_of
from creative_assets.imaging.layout_regions import (
    FALLBACKS,
    SALIENT_OVERLAP,
    beside,
    calm_limit,
    grown,
    usable,
)
from creative_assets.imaging.text_fit import fit_text, size_limits, text_padding
from creative_assets.imaging.typesetting import CTA_PAD_X, CTA_PAD_Y, Rect, legible_zones
from creative_assets.models.base import Box, ImageType
from creative_assets.models.brand import BrandIdentity
from creative_assets.models.layout import Corner, ImageAnalysis, Layout, Region, TextZone
from creative_assets.models.text import CopyVariant

LOGO_PLATE_AIR = 0.015  # a logo may get a plate around it (compositing), which needs room too
# When the calmest regions only allow a headline below COMFORT (of the image height), regions
# up to this much busier are considered too: a readable headline on a panel beats a tiny one.
COMFORT, WIDE_RATIO, WIDE_SLACK = 0.05, 2.0, 0.006
PROPER_HEADLINE = 0.035  # a region that only fits a smaller headline is a last resort
DEFAULT_LOGO_ASPECT = 3.0  # wordmarks are usually wide; used when the brand has no logo info


def _pixels(box: Box, width: int, height: int) -> Rect:
    """Pixel rect strictly inside `box`: rounding must never push a zone into the margin."""
    return (
        math.ceil(box.x * width - 1e-6),
        math.ceil(box.y * height - 1e-6),
        math.floor((box.x + box.w) * width + 1e-6),
        math.floor((box.y + box.h) * height + 1e-6),
    )


@dataclass(frozen=True)
class _Option:
    """One candidate placement: the (grown) region, the placed zone boxes, and how it scores."""

    region: Region
    boxes: dict[str, Box]
    align: str
    headline_size: int
    quality: int  # see _block
    clear: bool  # no zone touches the subject, and the subject covers little of the region
    cover: float


def _block(area: Box, copy: CopyVariant, width: int, height: int) -> tuple[dict[str, Rect], int, int] | None:
    """Stacked pixel rects per role, with their tops relative to the block (which starts at 0),
    the headline size and a quality: 2 when the headline reaches PROPER_HEADLINE and every
    other size its minimum, 1 when only the minimums hold, 0 when text had to shrink below
    them. None when nothing fits at all."""
    left, top, right, bottom = _pixels(area, width, height)
    (pad, pad_y), avail_h = text_padding(height), bottom - top
    inner_w = right - left - 2 * pad
    gap = round(0.018 * height)
    h_max, h_min = size_limits("headline", height)
    fallback: tuple[dict[str, Rect], int, int] | None = None
    # A big headline is the point of an ad, so it gets the largest share that leaves room.
    for share in (0.6, 0.54, 0.48, 0.42, 0.36, 0.3):
        head = fit_text(
            copy.headline, inner_w, share * avail_h - 2 * pad_y, bold=True, max_size=h_max, min_size=h_min
        )
        s_max, s_min = size_limits("subline", height, head.size)
        c_max, c_min = size_limits("cta", height, head.size)
        c_size = max(c_min, min(c_max, round(0.8 * s_max)))
        cta = fit_text(copy.cta, inner_w * 0.8, c_size * 1.3, bold=True, max_size=c_size, min_size=c_min)
        # +1/+3/+4 px of slack absorb rounding through image fractions and back.
        btn_h = int(cta.height / (1 - 2 * CTA_PAD_Y)) + 3
        btn_w = min(inner_w, cta.width + 2 * int(CTA_PAD_X * btn_h) + 4)
        sub_max_h = avail_h - gap - btn_h - head.height - 4 * pad_y - 2
        sub = fit_text(copy.subline, inner_w, sub_max_h, bold=False, max_size=s_max, min_size=s_min)
        head_h, sub_h = head.height + 2 * pad_y + 1, sub.height + 2 * pad_y + 1
        total = head_h + sub_h + gap + btn_h
        if total > avail_h or not (head.fits and sub.fits and cta.fits):
            continue
        rects = {
            "headline": (left, 0, right, head_h),
            "subline": (left, head_h, right, head_h + sub_h),
            "cta": (left + pad, head_h + sub_h + gap, left + pad + btn_w, total),
        }
        readable = head.size >= h_min and sub.size >= s_min and cta.size >= c_min
        quality = 2 if readable and head.size >= PROPER_HEADLINE * height else int(readable)
        if quality == 2:
            return rects, head.size, quality
        if fallback is None or quality > fallback[2]:
            fallback = (rects, head.size, quality)
    return fallback


def _place(
    area: Box, rects: dict[str, Rect], align: str, anchor: float, width: int, height: int
) -> dict[str, Box]:
    """Anchor the block to the region's outer edge (top regions hug the top, bottom regions the
    bottom) and centre the CTA under centred text."""
    left, top, right, bottom = _pixels(area, width, height)
    total = max(r[3] for r in rects.values())
    y0 = top if anchor < 0.4 else bottom - total if anchor > 0.6 else top + (bottom - top - total) // 2
    boxes = {}
    for role, (x0, ry0, x1, ry1) in rects.items():
        dx = left + (right - left - (x1 - x0)) // 2 - x0 if role == "cta" and align == "center" else 0
        boxes[role] = Box.from_pixels(x0 + dx, y0 + ry0, x1 + dx, y0 + ry1, width, height)
    return boxes


def _logo(analysis: ImageAnalysis, zones: list[TextZone], aspect: float) -> tuple[Corner, Box]:
    """The calmest corner whose logo box keeps clear of every text zone (with room for a plate)
    and of the format's reserved areas; the corners are those of the area no interface strip
    covers (a story's logo sits below its top 14 %, not under the account name)."""
    corners: tuple[Corner, ...] = ("top_right", "top_left", "bottom_right", "bottom_left")
    reserved = reserved_of(analysis.format)
    area = ad_format(analysis.format).clear if analysis.format else None

    def clash(box: Box) -> float:
        pad = 0.01 + LOGO_PLATE_AIR
        air = Box(x=max(0.0, box.x - pad), y=max(0.0, box.y - pad), w=box.w + 2 * pad, h=box.h + 2 * pad)
        return sum(z.box.overlap(air) for z in zones)

    size = (analysis.width, analysis.height)
    options = [(c, corner_logo_box(c, size, aspect, area=area)) for c in corners]
    options = [o for o in options if in_reserved(o[1], reserved) is None] or options
    return min(options, key=lambda o: (clash(o[1]) > 0, clash(o[1]), analysis.corner_detail.get(o[0], 0.0)))


_STYLE = {
    "headline": "a large, bold, clean sans-serif headline",
    "subline": "a regular-weight clean sans-serif subline, clearly smaller than the headline",
    "cta": "a bold sans-serif button label, centred on a solid rounded button filled with {scrim} "
    "that fills the box",
}


def _zone_instruction(z: TextZone, copy: CopyVariant) -> str:
    text = {"headline": copy.headline, "subline": copy.subline, "cta": copy.cta}
    b, align = z.box, "" if z.role == "cta" else f", {z.align}-aligned"
    style = _STYLE[z.role].format(scrim=z.scrim)
    panel = f" Behind it a rounded {z.scrim} panel at {z.scrim_opacity:.0%} opacity, hugging the text."
    return (
        f'{z.role.upper()}: render "{text[z.role]}" in {z.color} as {style}'
        f"{align}, inside the box spanning x {b.x:.0%}–{b.x + b.w:.0%} of the width and "
        f"y {b.y:.0%}–{b.y + b.h:.0%} of the height." + (panel if z.scrim and z.role != "cta" else "")
    )


def restate_zones(layout: Layout, zones: list[TextZone], copy: CopyVariant) -> Layout:
    """The layout with `zones` in place of its own, and each changed zone's line of the i2i
    prompt rewritten to match (the rest of the prompt, e.g. the designer's typography notes,
    is kept as it was)."""
    lines = layout.i2i_prompt.split("\n")
    for old, new in zip(layout.zones, zones, strict=True):
        if new != old:
            head = f"{new.role.upper()}: "
            lines = [_zone_instruction(new, copy) if ln.startswith(head) else ln for ln in lines]
    return layout.model_copy(update={"zones": zones, "i2i_prompt": "\n".join(lines)})


def legible_plan(base: Image.Image, layout: Layout, copy: CopyVariant) -> Layout:
    """The layout as an editor should get it for `base`: a zone whose real background would
    leave its text below Gate 4's bar gets a panel (`typesetting.legible_zones`) and its line of
    the prompt says so. A plan is made from region averages, which a bright patch under white
    text barely moves; this looks at the pixels. Unchanged when no zone needs it."""
    zones = legible_zones(base, layout, copy)
    return layout if zones == layout.zones else restate_zones(layout, zones, copy)


def i2i_prompt(zones: list[TextZone], copy: CopyVariant, logo_position: Corner | None) -> str:
    """Instructions for gpt-image-1: each text verbatim, where, in what colour and style."""
    parts = ["Add exactly three pieces of text to this photo for a recruiting ad, typeset professionally."]
    parts += [_zone_instruction(z, copy) for z in zones]
    parts.append(
        "Reproduce every text exactly as quoted, letter for letter, including umlauts, capitalisation "
        "and punctuation; no hyphenation, break lines only between words; line spacing at least 1.15."
    )
    if logo_position:
        parts.append(f"Keep the {logo_position.replace('_', '-')} corner clear; a logo is added there later.")
    parts.append(
        "Do not add a logo or any other text, letters, numbers or watermarks. "
        "Keep the photo unchanged outside the zones."
    )
    return "\n".join(parts)


def _luminances(analysis: ImageAnalysis, region: Region, boxes: dict[str, Box]) -> list[float]:
    """Mean luminances of the chosen region and of every candidate region lying at least half
    inside the text block: their spread stands in for the light-to-dark range under the text."""
    head, sub = boxes["headline"], boxes["subline"]  # stacked, the same width
    block = Box(x=head.x, y=head.y, w=head.w, h=sub.y + sub.h - head.y)
    inside = [r.luminance for r in analysis.regions if block.overlap(r.box) >= 0.5]
    return [region.luminance, *inside]


def _options(
    analysis: ImageAnalysis, copy: CopyVariant, centred: bool, regions: list[Region]
) -> list[_Option]:
    """Each region where the copy fits, with its block placed and judged against the subject."""
    salient, (width, height) = analysis.salient, (analysis.width, analysis.height)
    options = []
    reserved = reserved_of(analysis.format)
    for region in regions:
        tall = grown(region, analysis)
        area = usable(tall.box, reserved)
        block = _block(area, copy, width, height) if area else None
        if area is None or block is None:
            continue
        # Centred type suits the poster-like image types; people and workplaces read better left.
        align = "center" if centred and area.w > 0.6 else "left"
        anchor = region.box.y + region.box.h / 2  # a top band grown downwards still hugs the top
        boxes = _place(area, block[0], align, anchor, width, height)
        cover = salient.overlap(region.box) if salient else 0.0
        # The share of each zone on the subject (Box.overlap is relative to its argument).
        touches = salient is not None and any(salient.overlap(b) > 0.05 for b in boxes.values())
        clear = cover <= SALIENT_OVERLAP and not touches
        options.append(_Option(tall, boxes, align, block[1], block[2], clear, cover))
    return options


def _choose(analysis: ImageAnalysis, copy: CopyVariant, centred: bool) -> _Option:
    """Placements clear of the subject first, properly sized ones first within that; then the
    calmest, and among the about equally calm the one allowing the biggest headline (a
    full-width sky beats a narrow column of the same calm)."""
    salient, height = analysis.salient, analysis.height
    options = _options(analysis, copy, centred, [*analysis.regions, *FALLBACKS])
    if salient is not None and not any(o.clear for o in options):
        options += _options(analysis, copy, centred, beside(salient))
    if not options:
        raise ValueError("the copy does not fit on the image at any font size")
    options.sort(key=lambda o: (not o.clear, 0.0 if o.clear else o.cover, o.region.detail))
    # Readable text clear of the subject first (a generous headline before a merely readable
    # one), then readable text anywhere, then whatever fits.
    tiers = [(2, True), (1, True), (2, False), (1, False), (0, True), (0, False)]
    pool = next(p for q, c in tiers if (p := [o for o in options if o.quality == q and o.clear >= c]))
    lead = pool[0]
    near = [o for o in pool if o.region.detail <= calm_limit(lead.region.detail)]
    best = max(near, key=lambda o: o.headline_size)
    if best.headline_size >= COMFORT * height:
        return best
    wider = [o for o in pool if o.region.detail <= lead.region.detail * WIDE_RATIO + WIDE_SLACK]
    return max(wider, key=lambda o: (o.headline_size, -o.region.detail))


def plan_layout(
    analysis: ImageAnalysis,
    copy: CopyVariant,
    brand: BrandIdentity,
    image_type: ImageType,
    *,
    has_logo: bool,
) -> Layout:
    """Text block in the calmest region clear of the subject, contrast-safe colours, logo corner."""
    choice = _choose(analysis, copy, centred=image_type in ("artistic", "location"))
    boxes, align = choice.boxes, choice.align
    # Colours must hold over every part of the image the text block covers, not just on average.
    color, scrim, opacity = pick_colors(
        _luminances(analysis, choice.region, boxes), choice.region.detail, brand
    )
    zones = [
        TextZone(role=role, box=boxes[role], align=align, color=color, scrim=scrim, scrim_opacity=opacity)
        for role in ("headline", "subline")
    ]
    # The CTA is a solid accent button, whatever the background.
    cta = {"color": cta_colors(brand), "scrim": brand.accent_color, "scrim_opacity": 1.0}
    zones.append(TextZone(role="cta", box=boxes["cta"], align="center", **cta))
    logo_position, logo_box = None, None
    if has_logo:
        aspect = brand.logo.width / brand.logo.height if brand.logo else DEFAULT_LOGO_ASPECT
        logo_position, logo_box = _logo(analysis, zones, aspect)
    return Layout(
        image_type=image_type,
        zones=zones,
        logo_position=logo_position,
        logo_box=logo_box,
        i2i_prompt=i2i_prompt(zones, copy, logo_position),
        analysis=analysis,
    )

"""Gate 3: text inside its areas and clear of the edges and of the platforms' interface, the
logo present and standing out, the brand colours visible."""

from __future__ import annotations

import numpy as np
from PIL import Image

from creative_assets.gates.results import (
    ZONE_TOLERANCE,
    box_evidence,
    copy_lines,
    gate_result,
    line_evidence,
    rounded,
)
from creative_assets.gates.text_match import centre_in
from creative_assets.imaging.color import hex_to_rgb
from creative_assets.imaging.formats import Reserved, in_reserved, reserved_of
from creative_assets.imaging.logo import LOGO_MIN_CONTRAST
from creative_assets.models.base import Box
from creative_assets.models.gates import GateResult
from creative_assets.models.images import OcrLine
from creative_assets.models.layout import Layout

SAFE_MARGIN = 0.03  # feed UIs crop and overlay the outer edge; text there gets cut or covered
SAFE_AREA = Box(x=SAFE_MARGIN, y=SAFE_MARGIN, w=1 - 2 * SAFE_MARGIN, h=1 - 2 * SAFE_MARGIN)
BRAND_DISTANCE, BRAND_MIN_SHARE = 60.0, 0.005
LOGO_MIN_DIFF = 1.0  # mean |Δ| per channel (0–255); lossless PNGs give exactly 0 without a logo


def _brand_share(img: Image.Image, layout: Layout, colors: list[str]) -> dict[str, float]:
    """Share of text-zone pixels (their union) within BRAND_DISTANCE of each brand colour."""
    boxes = [z.box.to_pixels(img.width, img.height) for z in layout.zones]
    boxes = [
        (left, top, right, bottom) for left, top, right, bottom in boxes if right > left and bottom > top
    ]
    if not boxes:
        return dict.fromkeys(colors, 0.0)
    # Only the zones' pixels become numbers, from the rectangle around them (the whole frame
    # cost more than the rest of the gate), and distances are compared squared: whole numbers,
    # so exactly as the roots. Each channel's squared distance is looked up by its value (a
    # 256-entry table), not computed per pixel: the same whole numbers.
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    mask = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    for left, top, right, bottom in boxes:
        mask[top - y0 : bottom - y0, left - x0 : right - x0] = True
    rgb = np.asarray((img if img.mode == "RGB" else img.convert("RGB")).crop((x0, y0, x1, y1)))
    zone = rgb[mask]
    if zone.size == 0:
        return dict.fromkeys(colors, 0.0)
    levels = np.arange(256, dtype=np.int32)
    shares = {}
    for color in colors:
        squared = sum(((levels - c) ** 2)[zone[:, i]] for i, c in enumerate(hex_to_rgb(color)))
        shares[color] = float(np.mean(squared <= BRAND_DISTANCE**2))
    return shares


# OCR boxes pad the ink a little, so a line may touch a reserved area by this much (image
# fraction) before it counts as covered by the platform's interface. The logo's bar,
# LOGO_MIN_CONTRAST, is WCAG's 3:1 for graphics (imaging/logo.py measures it).
RESERVED_TOLERANCE = 0.006


def _reserved_hits(text: list[OcrLine], layout: Layout, logo: Box | None) -> list[tuple[str, Reserved]]:
    """What lies in an area the format's platforms cover with their interface: lines read,
    planned zones and the logo."""
    reserved = reserved_of(layout.format)
    items = [(f"“{ln.text}”", ln.box) for ln in text]
    items += [(f"the {z.role} area", z.box) for z in layout.zones]
    items += [("the logo", logo)] if logo else []
    hits = [(name, in_reserved(box, reserved, RESERVED_TOLERANCE)) for name, box in items]
    return [(name, r) for name, r in hits if r is not None]


def gate_3_layout_brand(
    lines: list[OcrLine],
    layout: Layout,
    *,
    expected_logo: bool,
    logo_found: bool,
    brand_colors: list[str],
    img: Image.Image,
    logo_contrast: float | None = None,
) -> GateResult:
    """Text in its zone and clear of the edges and of the format's reserved areas (platform UI),
    logo as planned and standing out from what lies behind it (`logo_contrast`, the WCAG ratio
    imaging.logo.logo_contrast measures; None: not measured), brand colours visible."""
    logo = layout.logo_box
    text = copy_lines(lines, logo)
    edge = [ln for ln in text if not SAFE_AREA.contains(ln.box)]
    overflow = [
        ln.text
        for z in layout.zones
        for ln in text
        if centre_in(ln.box, z.box) and not z.box.contains(ln.box, ZONE_TOLERANCE)
    ]
    covered = _reserved_hits(text, layout, logo)
    faint = logo_found and logo_contrast is not None and logo_contrast < LOGO_MIN_CONTRAST
    shares = _brand_share(img, layout, brand_colors)
    brand_ok = not brand_colors or max(shares.values()) >= BRAND_MIN_SHARE
    problems = []
    if edge:
        problems.append(f"“{edge[0].text}” is closer than {SAFE_MARGIN:.0%} to the image edge")
    if overflow:
        problems.append(f"“{overflow[0]}” runs out of its text area")
    if covered:
        name, area = covered[0]
        problems.append(f"{name} lies where {area.covers} cover it in {layout.format}")
    if expected_logo and not logo_found:
        problems.append("the employer logo is missing")
    if logo_found and not expected_logo:
        problems.append("a logo appears although none was planned")
    if faint:
        problems.append(
            f"the logo barely stands out from the picture behind it ({logo_contrast:.1f}:1, "
            f"needs {LOGO_MIN_CONTRAST:.0f}:1)"
        )
    fail = bool(problems)
    if not brand_ok:
        problems.append("the brand colours barely appear in the text areas")
    checks = [not edge, not overflow, not covered, expected_logo == logo_found, not faint, brand_ok]
    summary = f"Layout or branding needs attention: {'; '.join(problems)}."
    if not problems:
        summary = (
            "Text sits inside its areas with safe margins, clear of the platform's interface; "
            "logo and brand colours are in place."
        )
    return gate_result(
        "3",
        "Layout and brand",
        fail,
        not brand_ok,
        sum(checks) / len(checks),
        summary=summary,
        evidence={
            "near_edge": [line_evidence(ln) for ln in edge],
            "overflowing_zone": list(overflow),
            "safe_margin": SAFE_MARGIN,
            "format": layout.format,
            "in_reserved_area": [
                {"what": name, "covered_by": r.covers, "area": box_evidence(r.box), "source": r.source}
                for name, r in covered
            ],
            "logo": {
                "expected": expected_logo,
                "found": logo_found,
                "box": box_evidence(logo) if logo else None,
                "contrast": rounded(logo_contrast) if logo_contrast is not None else None,
                "min_contrast": LOGO_MIN_CONTRAST,
            },
            "brand_color_share": {c: rounded(v) for c, v in shares.items()},
            "brand_min_share": BRAND_MIN_SHARE,
        },
    )


def logo_present(final: Image.Image, overlay: Image.Image, logo_box_px: tuple[int, int, int, int]) -> bool:
    """Whether the logo area of the final creative differs from the overlay before the logo."""
    left, top, right, bottom = logo_box_px
    if right <= left or bottom <= top:
        return False
    if overlay.size != final.size:
        overlay = overlay.resize(final.size)
    after = np.asarray(final.convert("RGB").crop(logo_box_px), dtype=np.float32)
    before = np.asarray(overlay.convert("RGB").crop(logo_box_px), dtype=np.float32)
    return after.size > 0 and float(np.abs(after - before).mean()) > LOGO_MIN_DIFF

"""Where on a picture copy may go, before any text is fitted: candidate regions kept inside the
edge margin and out of a format's reserved areas, calm regions stacked into taller ones, and the
bands beside a subject that covers every measured region (used by layout_rules)."""

from __future__ import annotations

from dataclasses import replace

from creative_assets.imaging.formats import Reserved, clip_reserved
from creative_assets.models.base import Box
from creative_assets.models.layout import ImageAnalysis, Region

SAFE = 0.05  # every zone keeps this far from the edges (the brief asks for at least 4%)
# and this far from an area a platform's interface covers (formats.Reserved): an OCR box pads
# the ink by a few pixels, which must not reach into it.
RESERVED_AIR = 0.012
SALIENT_OVERLAP = 0.2  # how much of a region the subject may cover before we look elsewhere
# Regions within 25% (+ a hair, for perfectly flat images) of each other count as equally calm:
# one shape's edge across a band of a flat illustration already adds ~0.005.
CALM_RATIO, CALM_SLACK = 1.25, 0.0005
# When no candidate holds the copy: a bottom band, then the whole safe area.
FALLBACKS = tuple(
    Region(box=Box(x=SAFE, y=y, w=1 - 2 * SAFE, h=0.95 - y), detail=1.0, luminance=0.2) for y in (0.6, SAFE)
)


def calm_limit(detail: float) -> float:
    return detail * CALM_RATIO + CALM_SLACK


def beside(salient: Box) -> list[Region]:
    """The bands above and below the subject and the columns left and right of it. Not measured
    regions, so counted as busy like the fallbacks (the text gets a panel), and offered only when
    every measured region puts the copy on the subject: readable text beside a big subject beats
    a new picture, which costs an image, its analysis and a layout before the edit can start."""
    right, bottom = salient.x + salient.w, salient.y + salient.h
    boxes = [
        (0.0, 0.0, 1.0, salient.y),
        (0.0, bottom, 1.0, 1.0 - bottom),
        (0.0, 0.0, salient.x, 1.0),
        (right, 0.0, 1.0 - right, 1.0),
    ]
    return [
        Region(box=Box(x=x, y=y, w=w, h=h), detail=1.0, luminance=0.2)
        for x, y, w, h in boxes
        if w > 0 and h > 0
    ]


def _padded(reserved: tuple[Reserved, ...]) -> tuple[Reserved, ...]:
    """Each reserved area grown by RESERVED_AIR towards the inside of the image."""
    grown = []
    for r in reserved:
        b, air = r.box, RESERVED_AIR
        box = {
            "top": Box(x=b.x, y=b.y, w=b.w, h=min(1.0, b.h + air)),
            "bottom": Box(x=b.x, y=max(0.0, b.y - air), w=b.w, h=min(1.0, b.h + air)),
            "left": Box(x=b.x, y=b.y, w=min(1.0, b.w + air), h=b.h),
            "right": Box(x=max(0.0, b.x - air), y=b.y, w=min(1.0, b.w + air), h=b.h),
        }[r.edge]
        grown.append(replace(r, box=box))
    return tuple(grown)


def usable(box: Box, reserved: tuple[Reserved, ...] = ()) -> Box | None:
    """The part of a region text may use: inside the edge margin and out of the format's
    reserved areas (with air); None when too little is left for copy."""
    x0, y0 = max(box.x, SAFE), max(box.y, SAFE)
    x1, y1 = min(box.x + box.w, 1 - SAFE), min(box.y + box.h, 1 - SAFE)
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None
    clipped = clip_reserved(Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0), _padded(reserved))
    if clipped is None or clipped.w < 0.2 or clipped.h < 0.12:
        return None
    return clipped


def grown(region: Region, analysis: ImageAnalysis) -> Region:
    """Merge calm regions stacked over/under this one (same columns), up to half the image
    height: a calm sky over two bands deserves a bigger headline than one band allows."""
    box, detail, lums = region.box, region.detail, [region.luminance]
    for other in analysis.regions:
        b = other.box
        same_columns = abs(b.x - box.x) < 0.01 and abs(b.w - box.w) < 0.01
        touching = b.y <= box.y + box.h + 0.001 and box.y <= b.y + b.h + 0.001
        calm = other.detail <= calm_limit(region.detail)
        clear = analysis.salient is None or analysis.salient.overlap(b) <= SALIENT_OVERLAP
        y0, y1 = min(box.y, b.y), max(box.y + box.h, b.y + b.h)
        if same_columns and touching and calm and clear and y1 - y0 <= 0.5 and b != box:
            box = Box(x=box.x, y=y0, w=box.w, h=y1 - y0)
            detail, lums = max(detail, other.detail), [*lums, other.luminance]
    return Region(box=box, detail=detail, luminance=sum(lums) / len(lums))

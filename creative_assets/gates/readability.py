"""Gate 4: enough contrast between text and background (WCAG ratio) and big enough type."""

from __future__ import annotations

import numpy as np
from PIL import Image
from pydantic import JsonValue

from creative_assets.gates.contrast import luminance, text_contrast
from creative_assets.gates.results import gate_result, rounded
from creative_assets.gates.text_match import centre_in
from creative_assets.models.gates import GateResult
from creative_assets.models.images import OcrLine
from creative_assets.models.layout import Layout

CONTRAST_FAIL, CONTRAST_WARN = 3.0, 4.5  # WCAG: 3 is the floor for large text, 4.5 for body
HEIGHT_FAIL, HEIGHT_WARN = 0.015, 0.02  # of image height: ~15/20 px on a 1024 feed image


def gate_4_readability(img: Image.Image, lines: list[OcrLine], layout: Layout) -> GateResult:
    """Enough contrast between text and background (WCAG ratio) and big enough type."""
    # Only the pixels under the text are measured, so only they are converted: the whole
    # image in float64 took longer than the rest of the gate on a 1080×1920 story. (An RGB
    # image is read as it is: `convert` would copy it first.)
    rgb = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    zones: dict[str, JsonValue] = {}
    worst_contrast, smallest = 21.0, 1.0
    for zone in layout.zones:
        measured = []
        for ln in (ln for ln in lines if centre_in(ln.box, zone.box)):
            left, top, right, bottom = ln.box.to_pixels(img.width, img.height)
            patch = luminance(rgb[top:bottom, left:right])
            if patch.size >= 16:
                measured.append(
                    {"text": ln.text, "contrast": rounded(text_contrast(patch)), "height": rounded(ln.box.h)}
                )
        if measured:
            worst_contrast = min(worst_contrast, *(m["contrast"] for m in measured))
            smallest = min(smallest, *(m["height"] for m in measured))
        zones[zone.role] = measured
    problems = []
    if worst_contrast < CONTRAST_WARN:
        problems.append(f"contrast is only {worst_contrast:.1f}:1 (needs {CONTRAST_WARN}:1)")
    if smallest < HEIGHT_WARN:
        problems.append(f"the smallest text is {smallest:.1%} of the image height (needs {HEIGHT_WARN:.0%})")
    if not any(zones.values()):
        # Nothing to measure is not proof of legibility; gate 2 reports the missing copy.
        problems.append("no text was read in the text areas, so readability could not be measured")
    summary = f"Text may be hard to read: {'; '.join(problems)}."
    if not problems:
        summary = "All text has strong contrast and a readable size."
    fail = worst_contrast < CONTRAST_FAIL or smallest < HEIGHT_FAIL
    score = min(worst_contrast / CONTRAST_WARN, smallest / HEIGHT_WARN, 1.0 if any(zones.values()) else 0.0)
    evidence = {"zones": zones, "min_contrast": rounded(worst_contrast), "min_height": rounded(smallest)}
    return gate_result("4", "Readability", fail, bool(problems), score, summary=summary, evidence=evidence)

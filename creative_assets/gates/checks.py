"""Quality gates 1a–4 and the retry policy, as plain functions over OCR lines and pixels.

Every gate returns a GateResult whose summary a recruiter can act on and whose evidence
(what was read, scores, boxes as dicts) lets an engineer see why without rerunning anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PIL import Image
from pydantic import JsonValue

from creative_assets.gates.contrast import luminance, text_contrast
from creative_assets.gates.glyphs import GlyphFinding
from creative_assets.gates.text_match import TEXT_MATCH_THRESHOLD, centre_in, misspelt_words, read_back
from creative_assets.imaging.color import hex_to_rgb
from creative_assets.imaging.formats import Reserved, in_reserved, reserved_of
from creative_assets.imaging.logo import LOGO_MIN_CONTRAST
from creative_assets.models.base import Box
from creative_assets.models.gates import Action, GateId, GateResult, GateStatus, VisionReview, verdict_of
from creative_assets.models.images import OcrLine
from creative_assets.models.layout import Layout, TextRole
from creative_assets.models.text import ComplianceFinding, CopyVariant

ROLES: tuple[TextRole, ...] = ("headline", "subline", "cta")
SALIENT_WARN, SALIENT_FAIL = 0.35, 0.60
IN_ZONE_MIN = 0.6  # share of a text box inside planned zones; OCR boxes pad the ink a little
ZONE_TOLERANCE = 0.02  # text may poke this far (image fraction) out of its own zone
SAFE_MARGIN = 0.03  # feed UIs crop and overlay the outer edge; text there gets cut or covered
SAFE_AREA = Box(x=SAFE_MARGIN, y=SAFE_MARGIN, w=1 - 2 * SAFE_MARGIN, h=1 - 2 * SAFE_MARGIN)
BRAND_DISTANCE, BRAND_MIN_SHARE = 60.0, 0.005
CONTRAST_FAIL, CONTRAST_WARN = 3.0, 4.5  # WCAG: 3 is the floor for large text, 4.5 for body
HEIGHT_FAIL, HEIGHT_WARN = 0.015, 0.02  # of image height: ~15/20 px on a 1024 feed image
LOGO_MIN_DIFF = 1.0  # mean |Δ| per channel (0–255); lossless PNGs give exactly 0 without a logo


def _r(value: float) -> float:
    return round(float(value), 4)


def _box(box: Box) -> dict[str, JsonValue]:
    return {k: _r(v) for k, v in box.model_dump().items()}


def _line(line: OcrLine) -> dict[str, JsonValue]:
    return {"text": line.text, "confidence": _r(line.confidence), "box": _box(line.box)}


def _alnum(text: str) -> int:
    return sum(c.isalnum() for c in text)


def _result(
    gate: GateId,
    name: str,
    fail: bool,
    warn: bool,
    score: float,
    *,
    summary: str,
    evidence: dict[str, JsonValue],
    on_fail: Action = "regenerate_i2i",
) -> GateResult:
    status: GateStatus = "FAIL" if fail else "WARN" if warn else "PASS"
    return GateResult(
        gate=gate,
        name=name,
        status=status,
        score=_r(max(0.0, min(1.0, score))),
        summary=summary,
        evidence=evidence,
        action=on_fail if fail else "none",
    )


def gate_1a_base_image_text(lines: list[OcrLine], *, min_chars: int = 2) -> GateResult:
    """Base images must carry no rendered text: the copy is added later, legibly."""
    found = [ln for ln in lines if _alnum(ln.text) >= min_chars]
    quoted = ", ".join(f"“{ln.text}”" for ln in found[:3])
    summary = f"The generated picture already contains text ({quoted}); it is drawn again."
    evidence = {"text_found": [_line(ln) for ln in found], "min_chars": min_chars}
    if not found:
        summary = "The base image contains no readable text."
    return _result(
        "1a",
        "Base image has no text",
        bool(found),
        False,
        0.0 if found else 1.0,
        summary=summary,
        evidence=evidence,
        on_fail="regenerate_bfl",
    )


def _copy_lines(lines: list[OcrLine], logo_box: Box | None) -> list[OcrLine]:
    """Lines that are copy: not single-glyph noise, not lettering of the employer logo."""
    return [ln for ln in lines if _alnum(ln.text) >= 2 and not (logo_box and centre_in(ln.box, logo_box))]


def gate_1b_semantic(
    lines: list[OcrLine], layout: Layout, *, logo_box: Box | None, review: VisionReview | None = None
) -> GateResult:
    """Text only where the layout planned it, and not over the picture's subject. A vision model's
    review, when one is configured, adds what OCR cannot see (garbled letters, a covered face)."""
    if review is not None:
        return _reviewed_1b(review, gate_1b_semantic(lines, layout, logo_box=logo_box))
    text = _copy_lines(lines, logo_box)
    # Summed because a line may straddle two adjacent zones; zones never overlap each other.
    stray = [ln for ln in text if sum(z.box.overlap(ln.box) for z in layout.zones) < IN_ZONE_MIN]
    salient = layout.analysis.salient
    covers = [(ln, salient.overlap(ln.box)) for ln in text] if salient else []
    worst = max((share for _, share in covers), default=0.0)
    if stray:
        summary = f"Text appears outside the planned text areas: “{stray[0].text}”."
    elif worst > SALIENT_WARN:
        summary = f"Text covers the picture's main subject ({worst:.0%} of a line lies on it)."
    else:
        summary = "All text sits in the planned areas and leaves the main subject free."
    score = min(1.0 - len(stray) / max(len(text), 1), 1.0 - worst)
    return _result(
        "1b",
        "Text placement and subject",
        bool(stray) or worst > SALIENT_FAIL,
        worst > SALIENT_WARN,
        score,
        summary=summary,
        evidence={
            "outside_zones": [_line(ln) for ln in stray],
            "salient": _box(salient) if salient else None,
            "salient_overlap": [{"text": ln.text, "share": _r(s)} for ln, s in covers if s > 0],
            "zones": {z.role: _box(z.box) for z in layout.zones},
            "lines_read": len(text),
        },
        # Text where no zone was planned is the editor's doing; text on the subject was planned
        # there, so only a new picture (and with it a new layout) moves it.
        on_fail="regenerate_i2i" if stray else "regenerate_bfl",
    )


def gate_1b_plan(layout: Layout, lines: Mapping[TextRole, list[Box]]) -> GateResult:
    """Gate 1b's subject rule on the plan, before an edit is paid: each line of copy where it
    will be set (`typesetting.planned_lines`), judged as Gate 1b judges a line read back. The
    planner puts copy on the subject only when the picture has no calm space clear of it; the
    edit would then fail Gate 1b whatever it renders, twice, before the loop got to a new
    picture. Like Gate 1a, this replaces the picture before anything is spent. A zone's share
    is not enough: a headline zone half on the subject holds a first line wholly on it."""
    salient = layout.analysis.salient
    shares = {
        role: max((salient.overlap(b) for b in boxes), default=0.0) if salient else 0.0
        for role, boxes in lines.items()
    }
    role, worst = max(shares.items(), key=lambda item: item[1], default=("headline", 0.0))
    fail = worst > SALIENT_FAIL
    summary = "The planned text leaves the picture's main subject free."
    if fail:
        summary = (
            f"The layout can only put the {role} on the picture's main subject ({worst:.0%} of a "
            "line): the picture has no room for the copy beside it, so it is replaced before an edit."
        )
    return _result(
        "1b",
        "Text placement and subject (plan)",
        fail,
        False,
        1.0 - worst,
        summary=summary,
        evidence={
            "planned": True,
            "salient": _box(salient) if salient else None,
            "line_on_subject": {r: _r(v) for r, v in shares.items()},
            "lines": {r: [_box(b) for b in boxes] for r, boxes in lines.items()},
            "limit": SALIENT_FAIL,
        },
        on_fail="regenerate_bfl",
    )


def _reviewed_1b(review: VisionReview, ocr_result: GateResult) -> GateResult:
    """The stricter of the OCR rules and the vision model's review."""
    fail = ocr_result.status == "FAIL" or review.text_outside_zones or review.garbled_text
    warn = ocr_result.status == "WARN" or review.text_covers_subject
    summary = (
        f"The vision review found: {'; '.join(review.issues)}."
        if (fail or warn) and review.issues and ocr_result.status == "PASS"
        else ocr_result.summary
    )
    return _result(
        "1b",
        ocr_result.name,
        fail,
        warn,
        0.0 if fail else ocr_result.score,
        summary=summary,
        evidence={**ocr_result.evidence, "vision_review": review.model_dump(mode="json")},
        on_fail=ocr_result.action if ocr_result.status == "FAIL" else "regenerate_i2i",
    )


def _zone_box(layout: Layout, role: TextRole) -> Box | None:
    return next((z.box for z in layout.zones if z.role == role), None)


def gate_2_text_correctness(
    lines: list[OcrLine],
    copy: CopyVariant,
    layout: Layout,
    violations: Sequence[ComplianceFinding] = (),
    glyphs: Sequence[GlyphFinding] = (),
) -> GateResult:
    """The headline, subline and CTA read back as written (OCR, normalised, per zone), their
    letters are whole (`glyphs`: damage OCR reads past, found by gates.glyph_damage), and the
    creative says nothing the compliance gate forbids (`violations`, found in its OCR text:
    wording an image editor added that the checked copy did not have)."""
    roles: dict[str, JsonValue] = {}
    bad: list[str] = []
    scores: list[float] = []
    for role in ROLES:
        expected: str = getattr(copy, role)
        read, score = read_back(expected, lines, _zone_box(layout, role))
        typos = misspelt_words(expected, read) if read else []
        roles[role] = {"expected": expected, "read": read, "score": score, "misspelt": typos}
        scores.append(score)
        if not read:
            bad.append(f"the {role} “{expected}” is missing")
        elif score < TEXT_MATCH_THRESHOLD or typos:
            bad.append(f"the {role} reads “{read}” instead of “{expected}”")
    bad += [finding.sentence() for finding in glyphs]
    bad += [f"it says „{f.phrase}“ ({f.category}; use {f.suggestion})" for f in violations]
    summary = f"The copy on the image is wrong: {'; '.join(bad)}."
    if not bad:
        summary = "Headline, subline and call to action read back as written, every letter whole."
    evidence: dict[str, JsonValue] = {"roles": roles, "threshold": TEXT_MATCH_THRESHOLD}
    evidence["damaged_letters"] = [
        {"kind": f.kind, "text": f.text, "read": f.read, "detail": f.detail} for f in glyphs
    ]
    if violations:
        evidence["compliance"] = [f.model_dump(mode="json") for f in violations]
    score = min(scores) * (0.5 if glyphs else 1.0)
    return _result("2", "Text correctness", bool(bad), False, score, summary=summary, evidence=evidence)


def _brand_share(img: Image.Image, layout: Layout, colors: list[str]) -> dict[str, float]:
    """Share of text-zone pixels (their union) within BRAND_DISTANCE of each brand colour."""
    mask = np.zeros((img.height, img.width), dtype=bool)
    for z in layout.zones:
        left, top, right, bottom = z.box.to_pixels(img.width, img.height)
        mask[top:bottom, left:right] = True
    zone = np.asarray(img.convert("RGB"), dtype=np.float32)[mask]
    if zone.size == 0:
        return dict.fromkeys(colors, 0.0)
    shares = {}
    for color in colors:
        distance = np.linalg.norm(zone - np.asarray(hex_to_rgb(color), dtype=np.float32), axis=1)
        shares[color] = float(np.mean(distance <= BRAND_DISTANCE))
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
    text = _copy_lines(lines, logo)
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
    return _result(
        "3",
        "Layout and brand",
        fail,
        not brand_ok,
        sum(checks) / len(checks),
        summary=summary,
        evidence={
            "near_edge": [_line(ln) for ln in edge],
            "overflowing_zone": list(overflow),
            "safe_margin": SAFE_MARGIN,
            "format": layout.format,
            "in_reserved_area": [
                {"what": name, "covered_by": r.covers, "area": _box(r.box), "source": r.source}
                for name, r in covered
            ],
            "logo": {
                "expected": expected_logo,
                "found": logo_found,
                "box": _box(logo) if logo else None,
                "contrast": _r(logo_contrast) if logo_contrast is not None else None,
                "min_contrast": LOGO_MIN_CONTRAST,
            },
            "brand_color_share": {c: _r(v) for c, v in shares.items()},
            "brand_min_share": BRAND_MIN_SHARE,
        },
    )


def gate_4_readability(img: Image.Image, lines: list[OcrLine], layout: Layout) -> GateResult:
    """Enough contrast between text and background (WCAG ratio) and big enough type."""
    # Only the pixels under the text are measured, so only they are converted: the whole
    # image in float64 took longer than the rest of the gate on a 1080×1920 story.
    rgb = np.asarray(img.convert("RGB"))
    zones: dict[str, JsonValue] = {}
    worst_contrast, smallest = 21.0, 1.0
    for zone in layout.zones:
        measured = []
        for ln in (ln for ln in lines if centre_in(ln.box, zone.box)):
            left, top, right, bottom = ln.box.to_pixels(img.width, img.height)
            patch = luminance(rgb[top:bottom, left:right])
            if patch.size >= 16:
                measured.append(
                    {"text": ln.text, "contrast": _r(text_contrast(patch)), "height": _r(ln.box.h)}
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
    evidence = {"zones": zones, "min_contrast": _r(worst_contrast), "min_height": _r(smallest)}
    return _result("4", "Readability", fail, bool(problems), score, summary=summary, evidence=evidence)


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


TEXT_GATES = ("1b", "2")  # failures of the rendered text itself, the editor's responsibility


def decide_next_action(
    results: list[GateResult], attempt: int, *, max_attempts: int = 3, i2i_failures: int
) -> Action:
    """The retry policy, cheapest remedy first. `i2i_failures` counts the failed passes so far,
    the one just judged included (as compose/attempts.py counts). First matching row wins:

    | condition                                              | action            |
    |--------------------------------------------------------|-------------------|
    | verdict is PASS or PASS_WITH_WARNINGS                  | "none"            |
    | attempt >= max_attempts (budget spent)                 | "none"            |
    | only text gates (1b, 2) failed, none blaming the       | "typeset_locally" |
    | picture, and i2i_failures >= 2                         |                   |
    | i2i_failures >= 2 (repeated failure)                   | "regenerate_bfl"  |
    | otherwise (first failure: retry the edit)              | "regenerate_i2i"  |

    Gates 1b and 2 judge the text the editor rendered (where and how it was spelt): when the
    editor keeps getting that wrong, a new picture would not help, so the copy is typeset
    locally on the same base image at no provider cost. Other failures (layout, brand,
    readability over a busy picture) earn a new base image. A gate that blames the base image
    still gets the cheaper i2i retry first, as the design says.
    """
    if verdict_of(results) != "FAIL" or attempt >= max_attempts:
        return "none"
    failed = [r for r in results if r.status == "FAIL"]
    if i2i_failures >= 2 and all(r.gate in TEXT_GATES and r.action != "regenerate_bfl" for r in failed):
        return "typeset_locally"
    if i2i_failures >= 2:
        return "regenerate_bfl"
    return "regenerate_i2i"

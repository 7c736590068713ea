"""Quality gates 1a–2 and the retry policy, as plain functions over OCR lines and pixels; Gate 3
is in layout_brand.py, Gate 4 in readability.py, and all of them are importable from here.

Every gate returns a GateResult whose summary a recruiter can act on and whose evidence
(what was read, scores, boxes as dicts) lets an engineer see why without rerunning anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PIL import Image
from pydantic import JsonValue

from creative_assets.gates.glyphs import GlyphFinding
from creative_assets.gates.ink import ink_only
from creative_assets.gates.layout_brand import gate_3_layout_brand, logo_present
from creative_assets.gates.readability import CONTRAST_FAIL, gate_4_readability
from creative_assets.gates.results import (
    alnum_count,
    box_evidence,
    copy_lines,
    gate_result,
    line_evidence,
    rounded,
)
from creative_assets.gates.text_match import (
    TEXT_MATCH_THRESHOLD,
    misspelt_words,
    read_back,
    second_opinion,
)
from creative_assets.imaging.letters import read_line
from creative_assets.models.base import Box
from creative_assets.models.gates import Action, GateResult, VisionReview, verdict_of
from creative_assets.models.images import OcrLine
from creative_assets.models.layout import Layout, TextRole
from creative_assets.models.text import ComplianceFinding, CopyVariant

ROLES: tuple[TextRole, ...] = ("headline", "subline", "cta")
SALIENT_WARN, SALIENT_FAIL = 0.35, 0.60
IN_ZONE_MIN = 0.6  # share of a text box inside planned zones; OCR boxes pad the ink a little


def gate_1a_base_image_text(lines: list[OcrLine], *, min_chars: int = 2) -> GateResult:
    """Base images must carry no rendered text: the copy is added later, legibly."""
    found = [ln for ln in lines if alnum_count(ln.text) >= min_chars]
    quoted = ", ".join(f"“{ln.text}”" for ln in found[:3])
    summary = f"The generated picture already contains text ({quoted}); it is drawn again."
    evidence = {"text_found": [line_evidence(ln) for ln in found], "min_chars": min_chars}
    if not found:
        summary = "The base image contains no readable text."
    return gate_result(
        "1a",
        "Base image has no text",
        bool(found),
        False,
        0.0 if found else 1.0,
        summary=summary,
        evidence=evidence,
        on_fail="regenerate_bfl",
    )


def gate_1b_semantic(
    lines: list[OcrLine], layout: Layout, *, logo_box: Box | None, review: VisionReview | None = None
) -> GateResult:
    """Text only where the layout planned it, and not over the picture's subject. A vision model's
    review, when one is configured, adds what OCR cannot see (garbled letters, a covered face)."""
    if review is not None:
        return _reviewed_1b(review, gate_1b_semantic(lines, layout, logo_box=logo_box))
    text = copy_lines(lines, logo_box)
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
    return gate_result(
        "1b",
        "Text placement and subject",
        bool(stray) or worst > SALIENT_FAIL,
        worst > SALIENT_WARN,
        score,
        summary=summary,
        evidence={
            "outside_zones": [line_evidence(ln) for ln in stray],
            "salient": box_evidence(salient) if salient else None,
            "salient_overlap": [{"text": ln.text, "share": rounded(s)} for ln, s in covers if s > 0],
            "zones": {z.role: box_evidence(z.box) for z in layout.zones},
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
    return gate_result(
        "1b",
        "Text placement and subject (plan)",
        fail,
        False,
        1.0 - worst,
        summary=summary,
        evidence={
            "planned": True,
            "salient": box_evidence(salient) if salient else None,
            "line_on_subject": {r: rounded(v) for r, v in shares.items()},
            "lines": {r: [box_evidence(b) for b in boxes] for r, boxes in lines.items()},
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
    return gate_result(
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


def _read_role(
    expected: str, lines: list[OcrLine], zone: Box | None, img: Image.Image | None
) -> tuple[str, float, list[str], bool]:
    """What OCR read of one role's copy, its score and the words it lacks; with `img`, lines the
    first reading gets wrong at its blind spots are read again by Tesseract
    (`text_match.second_opinion`). The last value: whether the second reading decided."""

    def reading(of: list[OcrLine]) -> tuple[str, float, list[str]]:
        read, score = read_back(expected, of, zone)
        return read, score, misspelt_words(expected, read) if read else []

    def right(read: str, score: float, typos: list[str]) -> bool:
        return bool(read) and score >= TEXT_MATCH_THRESHOLD and not typos

    first = reading(lines)
    if img is None or not first[0] or right(*first):
        return *first, False
    again = reading(
        second_opinion(
            expected,
            lines,
            zone,
            lambda ln: read_line(img, ln.box),
            fallback=lambda ln: read_line(*ink_only(img, ln.box)),
        )
    )
    return (*again, True) if right(*again) else (*first, False)


def gate_2_text_correctness(
    lines: list[OcrLine],
    copy: CopyVariant,
    layout: Layout,
    violations: Sequence[ComplianceFinding] = (),
    glyphs: Sequence[GlyphFinding] = (),
    img: Image.Image | None = None,
) -> GateResult:
    """The headline, subline and CTA read back as written (OCR, normalised, per zone; with the
    creative `img`, a line misread where rapidocr cannot read right is read again by Tesseract
    before it fails), their letters are whole (`glyphs`: damage OCR reads past, found by
    gates.glyph_damage), and the creative says nothing the compliance gate forbids
    (`violations`, found in its OCR text: wording an image editor added that the checked copy
    did not have)."""
    roles: dict[str, JsonValue] = {}
    bad: list[str] = []
    scores: list[float] = []
    for role in ROLES:
        expected: str = getattr(copy, role)
        read, score, typos, reread = _read_role(expected, lines, _zone_box(layout, role), img)
        roles[role] = {
            "expected": expected,
            "read": read,
            "score": score,
            "misspelt": typos,
            "second_reading": reread,  # read right only by the second recogniser
        }
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
    return gate_result("2", "Text correctness", bool(bad), False, score, summary=summary, evidence=evidence)


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


__all__ = [
    "CONTRAST_FAIL",
    "decide_next_action",
    "gate_1a_base_image_text",
    "gate_1b_plan",
    "gate_1b_semantic",
    "gate_2_text_correctness",
    "gate_3_layout_brand",
    "gate_4_readability",
    "logo_present",
]

"""Gate 2's look at the letters themselves, on any creative: the typesetter's, an image
editor's, or a PNG handed to `check-image`.

Each line OCR found is matched to the copy it shows (in its role's zone, or, without zones, to
whichever role's copy it matches best) and checked two ways:

- its glyphs' structure (gates/glyphs.py): dots, pieces and holes against the expected words;
  where an installed face agrees with the role's well-read letters, also against that face's
  clean rendering of the expected letters (gates/glyphs_faces.py, gates/glyphs_render.py);
- for words with umlauts, a reading by a recogniser that knows German letters
  (imaging/letters.py): a word read letter for letter as expected but with a plain a/o/u where
  the copy has ä/ö/ü has lost its umlaut. rapidocr, which reads the copy for the rest of Gate
  2, has no umlauts at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

import numpy as np
from PIL import Image

from creative_assets.gates.glyphs import (
    GlyphFinding,
    LineGlyphs,
    MeasuredLine,
    expected_words,
    fold,
    measure_line,
    verdict_of,
)
from creative_assets.gates.glyphs_render import role_match, trusted
from creative_assets.gates.glyphs_shape import odd_glyph
from creative_assets.gates.text_match import centre_in
from creative_assets.imaging.letters import read_line
from creative_assets.imaging.ocr import ReadLine, read_chars
from creative_assets.models.base import Box
from creative_assets.models.images import OcrLine

UMLAUTS = "äöüÄÖÜ"


def lost_umlauts(words: str, read: str) -> list[str]:
    """Words of `words` with an umlaut that `read` spells letter for letter alike except for a
    plain vowel where the umlaut should be."""
    lost = []
    seen = read.split()
    for word in words.split():
        if not any(c in UMLAUTS for c in word):
            continue
        core = word.strip(".,:;!?()\"'")
        for got in (w.strip(".,:;!?()\"'") for w in seen):
            same = len(got) == len(core) and fold(got) == fold(core)
            if same and any(a in UMLAUTS and b not in UMLAUTS for a, b in zip(core, got, strict=True)):
                lost.append(core)
                break
    return lost


def _role_of(line: OcrLine, copy: Mapping[str, str], zones: Mapping[str, Box]) -> str | None:
    if zones:
        return next((role for role, zone in zones.items() if centre_in(line.box, zone)), None)
    matched = [(role, expected_words(line.text, text)) for role, text in copy.items()]
    best = [(role, words) for role, words in matched if words]
    return min(best, key=lambda rw: abs(len(rw[1]) - len(line.text)))[0] if best else None


def glyph_damage(
    img: Image.Image, lines: list[OcrLine], copy: Mapping[str, str], zones: Mapping[str, Box]
) -> list[GlyphFinding]:
    """Every damaged letter Gate 2 should fail: `copy` maps role → expected text, `zones` role →
    its zone (empty: lines are matched to the copy they read as)."""
    rgb_img = img.convert("RGB")
    rgb = np.asarray(rgb_img)
    found: list[GlyphFinding] = []
    judged: list[tuple[OcrLine, str, str, MeasuredLine | None]] = []
    for line in lines:
        role = _role_of(line, copy, zones)
        if role is None or role not in copy:
            continue
        words = expected_words(line.text, copy[role])
        if words is None:
            continue
        read = (
            list(line.chars) if isinstance(line, ReadLine) and line.chars else read_chars(rgb_img, line.box)
        )
        index = sum(1 for _, r, _, m in judged if r == role and m is not None)
        judged.append((line, role, words, measure_line(rgb, line, read, copy[role], index)))
    # A role is set in one face and size: a hole count the face gives a letter shows on its other
    # lines too.
    faces: dict[str, Counter] = defaultdict(Counter)
    for _, role, _, m in judged:
        if m is not None:
            faces[role] += m.holes()
    # A role is set in one face: where an installed face agrees with its well-read letters, each
    # line is held against that face's rendering of its letters (gates/glyphs_render.py).
    lines_of: dict[str, list[MeasuredLine]] = defaultdict(list)
    for _, role, _, m in judged:
        if m is not None:
            lines_of[role].append(m)
    matched = {
        role: role_match([(m.letters, m.steps, m.pieces) for m in ms]) for role, ms in lines_of.items()
    }
    trust = {role: trusted(matched[role], [m.pieces.stroke for m in ms]) for role, ms in lines_of.items()}
    measured: dict[str, list[LineGlyphs]] = defaultdict(list)
    for line, role, words, m in judged:
        finding = None
        if m is not None:
            match = matched.get(role)
            glyphs = verdict_of(m, faces[role], match if trust.get(role) else None, match)
            measured[role].append(glyphs)
            if glyphs.verdict is not None:
                finding = GlyphFinding(glyphs.verdict[0], glyphs.words, glyphs.read, glyphs.verdict[1])
        if finding is None and any(c in UMLAUTS for c in words):
            lost = lost_umlauts(words, read_line(rgb_img, line.box))
            if lost:  # confirmed at a second size: one reading can drop dots that are there
                lost = [w for w in lost if w in lost_umlauts(words, read_line(rgb_img, line.box, height=28))]
            if lost:
                finding = GlyphFinding(
                    "missing_umlaut", words, line.text, f"read {', '.join(lost)} without dots"
                )
        if finding is not None:
            found.append(finding)
    # A stray stroke that stays on its letter shows only against the letter's siblings: the same
    # character elsewhere in the role's lines (a role is set in one face and size).
    judged = {f.text for f in found}
    for role_lines in measured.values():
        if any(ln.words in judged for ln in role_lines):
            continue
        odd = odd_glyph([g for ln in role_lines for g in ln.glyphs])
        if odd is not None:
            kind, glyph, score = odd
            ln = role_lines[glyph.line]
            detail = f"“{glyph.char}” has {score:.1f} strokes² of ink its siblings lack"
            found.append(GlyphFinding(kind, ln.words, ln.read, detail))
    return found

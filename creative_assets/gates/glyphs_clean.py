"""What the counts find on a clean rendering of a line in its matched face: the face's own.

The counts (gates/glyphs_judge.py) hold a line's pieces, dots and holes against what letters of
any ordinary face are made of. Some faces are not ordinary there: an italic f reaches its hook
over the dots of the ü after it and swallows one, a ligature draws "fi" or "ffi" without the
i's dot, a small italic serif closes or opens a counter. Where an installed face agrees with a
role's letters (gates/glyphs_render.role_face), the line's words are rendered clean in that
face and size, at two sub-pixel positions, and measured and judged the way the line was; a
finding the clean rendering shows too is the face's, not damage; so is a word short of no more
dots than the face's own rendering of it (where the recogniser read the letters decides which
letter a dot is given to, not how many are missing). Hand-written for the reason
gates/glyphs_faces.py gives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from creative_assets.gates.glyphs_align import align, calibrated, dots_short
from creative_assets.gates.glyphs_faces import FaceMatch, font, pair_touches
from creative_assets.gates.glyphs_judge import judge
from creative_assets.gates.ink_pieces import Pieces, find_pieces

PHASES = (0.0, 0.5)  # px: sub-pixel positions the line is rendered at
# Agreement of a role's letters with a face below which its rendering excuses nothing; a face
# agreeing less than glyphs_render.TRUST may still be the right one at a small size.
NEAR = 0.85
MARGIN = 0.1  # of the line's height: how far a detector's box reaches beyond its ink


@dataclass(frozen=True)
class Clean:
    """What the counts find on a clean rendering of a line."""

    findings: frozenset[str]  # the judge's findings, as it words them
    short: tuple[tuple[int, int], ...]  # (word, dots) the face's letters are short of, per word


def word_of(words: str) -> list[int]:
    """The word (its number) of each non-space character of `words`."""
    return [n for n, word in enumerate(words.split()) for _ in word]


def short_per_word(words: str, letters: list[tuple[str, float]], pieces: Pieces) -> Counter:
    """How many dots each word of the line is short of."""
    index = word_of(words)
    counts: Counter = Counter()
    for k, n in dots_short(letters, pieces).items():
        counts[index[k]] += n
    return counts


def _judged(path: str, size: int, words: str, phase: float) -> Clean:
    face = font(path, size)
    left, top, right, bottom = face.getbbox(words, anchor="ls")
    if right <= left or bottom <= top:
        return Clean(frozenset(), ())
    pad = size
    x0, base = pad - left + phase, pad - top
    img = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(img).text((x0, base), words, font=face, fill=255, anchor="ls")
    ink = np.asarray(img) >= 128  # as the gate sees ink: at least half covered
    margin = round(MARGIN * (bottom - top))
    pieces = find_pieces(ink, (base + top - margin, base + bottom + margin))
    if pieces is None:
        return Clean(frozenset(), ())
    # Each letter where the face sets it (the middle of its advance, kerning and ligatures
    # included), as the recogniser would read it.
    letters = [
        (c, x0 + (face.getlength(words[:i]) + face.getlength(words[: i + 1])) / 2)
        for i, c in enumerate(words)
        if not c.isspace()
    ]
    letters = calibrated(letters, pieces)
    steps = align(letters, pieces)
    explained = [k for k, step in enumerate(steps) if step.letters]
    steps = steps[explained[0] : explained[-1] + 1] if explained else []

    def touches(pair: str, x_height: float, stroke: float) -> bool:
        return pair_touches(path, size, pair)

    # No ink is unexplained on a clean rendering: no pair is joined by a stroke.
    verdict, _ = judge(letters, steps, pieces, None, touches, hairs=False, joined=lambda _: False)
    found = frozenset() if verdict is None else frozenset(verdict[1].split("; "))
    return Clean(found, tuple(sorted(short_per_word(words, letters, pieces).items())))


@lru_cache(maxsize=2048)
def clean_findings(path: str, size: int, words: str) -> Clean:
    """What the counts find on `words` rendered clean in the face at `path` and `size`, at
    either sub-pixel position (a touch the face makes at one of them is the face's)."""
    found, short = set(), Counter()
    for phase in PHASES:
        clean = _judged(path, size, words, phase)
        found |= clean.findings
        short |= Counter(dict(clean.short))  # the most of either
    return Clean(frozenset(found), tuple(sorted(short.items())))


def face_explains(
    match: FaceMatch, words: str, verdict: tuple[str, str], letters: list[tuple[str, float]], pieces: Pieces
) -> bool:
    """Whether the `verdict` on a line reading `words` (its letters pinned to `pieces`) is one
    the matched face's clean rendering of those words shows too: every finding, or, for lost
    dots, no word short of more dots than the face draws it."""
    clean = clean_findings(match.path, match.size, words)
    if verdict[0] in ("dotless_i", "missing_umlaut"):
        face = dict(clean.short)
        return all(n <= face.get(w, 0) for w, n in short_per_word(words, letters, pieces).items())
    return set(verdict[1].split("; ")) <= clean.findings

"""Fitting text into a box: the largest font size at which word-wrapped text fits (binary
search), shared by the typesetter that draws it and the layout rules that size the zones, so the
plan and the drawing agree on font sizes.

A word wider than the whole line (German compounds: "Pflegefachkraftausbildungsplatz") is
hyphenated with the locale's LibreOffice dictionary (pyphen), at an existing hyphen first and
never within the first or last three letters, when that buys clearly larger type than shrinking
the whole text until the word fits; otherwise the text is only word-wrapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from creative_assets.imaging.fonts import load_font
from creative_assets.imaging.hyphenation import (
    INSERTED,
    OWN_ONLY,
    SPACE,
    best_break,
    hyphenation_language,
)
from creative_assets.models.layout import TextRole

# Font sizes as fractions of the image height.
MAX_SIZE: dict[TextRole, float] = {"headline": 0.09, "subline": 0.042, "cta": 0.032}
MIN_SIZE = 0.022  # below this OCR and readers start to struggle
ABS_MIN_PX = 8  # last resort when a zone is too small even for MIN_SIZE
SUBLINE_RATIO = 0.6  # subline/CTA never outgrow this share of the headline: keeps the hierarchy
LINE_SPACING = 1.22  # baseline-to-baseline; ≥ 1.15 keeps OCR from merging lines
# Inner padding of text zones, fractions of the image height. Vertical padding is smaller:
# the font's ascent and descent already leave air above and below the glyphs.
PAD_X, PAD_Y = 0.016, 0.008

# Binary searches touch ~40 sizes per text; a wider cache than fonts.load_font's keeps them warm.
sized_font = lru_cache(maxsize=256)(load_font)

MAX_INSERTED, MAX_INSERTED_PER_WORD = 3, 2  # a compound in three pieces at most
MIN_MIDDLE_LETTERS = 5  # a piece with breaks on both sides keeps at least this many letters
HYPHENATE_GAIN = 1.25  # hyphenate only when it allows type at least this much larger


@dataclass(frozen=True)
class FittedText:
    """Wrapped text at the chosen size; width and height are the drawn block in pixels."""

    size: int
    lines: tuple[str, ...]
    width: int
    height: int
    bold: bool
    tracking: int = 0  # extra pixels between letters
    fits: bool = True  # False only when even ABS_MIN_PX overflowed (drawing then clips)
    joints: tuple[str, ...] = ()  # per line break: SPACE, INSERTED or OWN; () = all spaces

    @property
    def text(self) -> str:
        """The lines put back together: what was typeset, without the inserted hyphens."""
        out = self.lines[0] if self.lines else ""
        for joint, line in zip(self.joints or (SPACE,) * len(self.lines), self.lines[1:], strict=False):
            out = (
                f"{out} {line}" if joint == SPACE else (out[:-1] + line if joint == INSERTED else out + line)
            )
        return out


@lru_cache(maxsize=65536)
def _length(size: int, bold: bool, text: str) -> float:
    # Fitting measures the same words and prefixes over and over (binary search × wrapping).
    return sized_font(size, bold).getlength(text)


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def line_width(size: int, bold: bool, text: str, tracking: int) -> float:
    return _length(size, bold, text) + tracking * max(0, len(text) - 1)


def _block_height(size: int, bold: bool, lines: int) -> int:
    ascent, descent = sized_font(size, bold).getmetrics()
    return (lines - 1) * round(size * LINE_SPACING) + ascent + descent


def _wrap(
    words: list[str],
    max_w: float,
    size: int,
    bold: bool,
    tracking: int,
    language: str | None = None,
) -> tuple[list[str], list[str]] | None:
    """Greedy word wrap: (lines, joints). A word wider than a whole line is hyphenated when
    `language` is given; None when it cannot be made to fit."""

    def fits(text: str) -> bool:
        return line_width(size, bold, text, tracking) <= max_w

    lines: list[str] = []
    joints: list[str] = []
    current = ""
    # (word or the tail of a broken one, hyphens inserted into it so far, is it a tail)
    queue = [(word, 0, False) for word in words]
    inserted = 0
    while queue:
        word, word_breaks, is_tail = queue.pop(0)
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current and fits(word):
            lines.append(current)
            joints.append(SPACE)
            current = word
            continue
        if language is None:
            return None
        prefix = f"{current} " if current else ""
        # More breaks than this read as a stutter; a smaller size is better then.
        allow_inserted = inserted < MAX_INSERTED and word_breaks < MAX_INSERTED_PER_WORD
        # A piece between two breaks ("Mitarbei-|ter-|Rabatt") is a stutter too.
        shortest = MIN_MIDDLE_LETTERS if is_tail else 0
        piece = best_break(
            word,
            lambda head, prefix=prefix, shortest=shortest: fits(prefix + head) and _letters(head) >= shortest,
            language,
            allow_inserted=allow_inserted,
        )
        if piece is None:
            if not current:
                return None
            lines.append(current)
            joints.append(SPACE)
            current = ""
            queue.insert(0, (word, word_breaks, is_tail))
            continue
        head, tail, joint = piece
        lines.append(prefix + head)
        joints.append(joint)
        current = ""
        added = joint == INSERTED
        inserted += added
        queue.insert(0, (tail, word_breaks + added, True))
    return ([*lines, current], joints) if current else (lines, joints[:-1])


def _attempt(
    text: str,
    size: int,
    max_w: float,
    max_h: float,
    bold: bool,
    tracking_em: float,
    language: str | None = None,
) -> FittedText | None:
    tracking = round(size * tracking_em)
    wrapped = _wrap(text.split(), max_w, size, bold, tracking, language)
    if wrapped is None:
        return None
    lines, joints = wrapped
    height = _block_height(size, bold, len(lines))
    if height > max_h:
        return None
    width = max(line_width(size, bold, line, tracking) for line in lines)
    return FittedText(size, tuple(lines), int(width + 0.999), height, bold, tracking, joints=tuple(joints))


def _balance(fitted: FittedText, max_w: float) -> FittedText:
    """Same line count, but the narrowest measure that keeps it: avoids a lonely last word,
    which looks amateurish in a headline. Hyphenated text is left as it is: a narrower
    measure would only move its breaks."""
    if any(j != SPACE for j in fitted.joints):
        return fitted
    args = (fitted.size, fitted.bold, fitted.tracking)
    words, lines = " ".join(fitted.lines).split(), list(fitted.lines)
    lo, hi = max(line_width(fitted.size, fitted.bold, w, *args[2:]) for w in words), max_w
    for _ in range(10 if len(lines) > 1 else 0):
        mid = (lo + hi) / 2
        trial = _wrap(words, mid, *args)
        if trial is not None and len(trial[0]) <= len(fitted.lines):
            lines, hi = trial[0], mid
        else:
            lo = mid
    width = max(line_width(fitted.size, fitted.bold, ln, *args[2:]) for ln in lines)
    return FittedText(
        fitted.size,
        tuple(lines),
        int(width + 0.999),
        fitted.height,
        *args[1:],
        joints=(SPACE,) * (len(lines) - 1),
    )


def _largest(
    text: str,
    max_w: float,
    max_h: float,
    bold: bool,
    max_size: int,
    lo: int,
    tracking_em: float,
    language: str | None,
) -> FittedText | None:
    """Binary search for the largest size in [lo, max_size] that fits; None when lo does not."""
    best = _attempt(text, lo, max_w, max_h, bold, tracking_em, language)
    if best is None:
        return None
    hi = max_size
    while lo < hi:  # invariant: lo fits
        mid = (lo + hi + 1) // 2
        trial = _attempt(text, mid, max_w, max_h, bold, tracking_em, language)
        if trial is None:
            hi = mid - 1
        else:
            lo, best = mid, trial
    return best


# A pure function of its arguments (the faces and dictionaries are fixed per process) with an
# immutable result: a run plans each layout's options, then sets and checks the chosen ones
# with the very same boxes (about six calls in seven repeat an earlier one).
@lru_cache(maxsize=4096)
def fit_text(
    text: str,
    max_w: float,
    max_h: float,
    *,
    bold: bool,
    max_size: int,
    min_size: int,
    tracking_em: float = 0.0,
    locale: str | None = None,
) -> FittedText:
    """The largest size in [min_size, max_size] whose wrapped text fits max_w × max_h.

    Words wider than the line are hyphenated (the locale's dictionary; without a locale the
    language is guessed from the text) when that allows type HYPHENATE_GAIN times larger than
    plain wrapping. When nothing fits, the minimum shrinks (down to ABS_MIN_PX) rather than
    overflowing; only if even that fails is a clipped result returned with fits=False.
    """
    min_size = max(1, min(min_size, max_size))
    # Most preferred first: plain wrapping, breaks at the words' own hyphens, dictionary breaks.
    modes = (None, OWN_ONLY, hyphenation_language(text, locale))
    for lo in (min_size, min(min_size, ABS_MIN_PX)):
        args = (text, max_w, max_h, bold, max_size, lo, tracking_em)
        found = [f for f in (_largest(*args, mode) for mode in modes) if f is not None]
        if found:
            best = max(f.size for f in found)
            chosen = next(f for f in found if f.size * HYPHENATE_GAIN >= best)
            return _balance(chosen, max_w)
    size = min(min_size, ABS_MIN_PX)
    lines = (text,)
    width = int(line_width(size, bold, text, 0))
    return FittedText(size, lines, width, _block_height(size, bold, 1), bold, 0, False)


def text_padding(image_height: int) -> tuple[int, int]:
    """(horizontal, vertical) inner padding of headline and subline zones, in pixels."""
    return round(PAD_X * image_height), round(PAD_Y * image_height)


def size_limits(role: TextRole, image_height: int, headline_size: int | None = None) -> tuple[int, int]:
    """(max, min) font size for a role; sublines and CTAs stay below the headline."""
    top = round(MAX_SIZE[role] * image_height)
    if role != "headline" and headline_size is not None:
        top = min(top, max(round(SUBLINE_RATIO * headline_size), round(MIN_SIZE * image_height)))
    return top, round(MIN_SIZE * image_height)

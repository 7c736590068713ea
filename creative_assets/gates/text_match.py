"""Compare the copy we asked for with what OCR reads back from a creative.

Why normalise at all: the comparison must fail on text the image model mangled, not on the
OCR's own blind spots. rapidocr's recogniser (trained mostly on Chinese and English) reads
"zählt" as "zahlt", "Größe" as "GroBe" and drops "€"; case and punctuation carry no meaning
for whether a recruiter's words made it onto the picture. So both sides are casefolded,
diacritics folded (ä→a, ö→o, ü→u, ß→ss, é→e …), punctuation dropped and whitespace collapsed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from rapidfuzz.distance import Levenshtein

from creative_assets.models.base import Box
from creative_assets.models.images import OcrLine

levenshtein = Levenshtein.distance  # the edit distance `similarity` is built on

# 0.85 allows about one edit in seven characters: enough for the recogniser's residual noise
# on clean type after folding (a dropped symbol or space, an unusual glyph), even on a short
# CTA of ~15 characters, while a missing word, a swapped line or image-model gibberish falls
# well below it. A single typo in a long string can stay above it (Pflegefachkrat: 0.93),
# which is why gate 2 also requires every word via `misspelt_words`.
TEXT_MATCH_THRESHOLD = 0.85

# Letters NFKD does not decompose into base + combining mark.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th"})
_MIN_WORD = 4  # shorter words are mostly articles and prepositions: noise, not meaning

# Glyphs rapidocr confuses on sans-serif type, folded together so a recogniser slip is not
# taken for the image model's typo.
_CONFUSABLE = (("ss", "b"), ("rn", "m"), ("i", "l"), ("1", "l"), ("0", "o"))


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    # Punctuation becomes a space, not nothing: "m/w/d" and "m / w / d" must agree.
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


def _confusable_fold(text: str) -> str:
    text = normalize(text)
    for old, new in _CONFUSABLE:
        text = text.replace(old, new)
    return text


def similarity(expected: str, read: str) -> float:
    """1 − Levenshtein distance / longer length, over normalised strings; 1.0 is identical.

    Also scored with the confusable glyphs folded, and the better score counts: "Größere
    Straße" read as "GroBere StraBe" is 0.75 on plain normalised text but a correct render.
    """
    plain = Levenshtein.normalized_similarity(normalize(expected), normalize(read))
    return max(plain, Levenshtein.normalized_similarity(_confusable_fold(expected), _confusable_fold(read)))


def misspelt_words(expected: str, read: str) -> list[str]:
    """Words of at least four letters in `expected` that do not appear in `read`.

    Similarity alone lets "Pflegefachkrat" through (0.93), and a misspelt job title is exactly
    what a recruiter must not publish. OCR on clean type is near-exact once diacritics and the
    confusable glyphs are folded, so a missing word is the image's fault, not the reader's.
    Spaces are ignored on the read side because the recogniser sometimes merges words.
    """
    haystack = _confusable_fold(read).replace(" ", "")
    words = normalize(expected).split()
    return [w for w in words if len(w) >= _MIN_WORD and _confusable_fold(w) not in haystack]


def centre_in(box: Box, zone: Box) -> bool:
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    return zone.x <= cx <= zone.x + zone.w and zone.y <= cy <= zone.y + zone.h


def read_back(expected: str, lines: list[OcrLine], zone: Box | None) -> tuple[str, float]:
    """The best-matching text OCR read (in `zone`, or anywhere) for `expected`, and its score.

    Tries every contiguous run of lines in reading order: a wrapped headline is several lines,
    and without a zone the other copy on the creative must not dilute the match.
    `lines` must already be in reading order (as `read_text` returns them).
    """
    texts = _without_overlaps([ln for ln in lines if zone is None or centre_in(ln.box, zone)])
    best_text, best_score = "", 0.0
    # Runs much longer than the expected text can only score lower; skip them.
    limit = 2 * len(expected) + 10
    for start in range(len(texts)):
        for end in range(start + 1, len(texts) + 1):
            candidate = " ".join(texts[start:end])
            if end > start + 1 and len(candidate) > limit:
                break
            score = similarity(expected, candidate)
            if score > best_score:
                best_text, best_score = candidate, score
    return best_text, round(best_score, 4)


def _without_overlaps(lines: list[OcrLine]) -> list[str]:
    """The lines' texts, less a word's beginning read twice: the detector sometimes cuts one
    line into two boxes that overlap, and the letters under the overlap end the first box's
    reading and begin the second's ("pflegen, g" + "gestalten")."""
    texts = [ln.text for ln in lines]
    for k in range(len(lines) - 1):
        a, b = lines[k].box, lines[k + 1].box
        same_row = abs((b.y + b.h / 2) - (a.y + a.h / 2)) < a.h / 2
        head, _, tail = texts[k].rstrip().rpartition(" ")
        first = texts[k + 1].split()[:1]
        if (
            same_row
            and a.x < b.x < a.x + a.w
            and head
            and first
            and first[0].casefold().startswith(tail.casefold())
        ):
            texts[k] = head
    return texts


def shows_copy(read: str, expected: str) -> bool:
    """Whether `read` is, once normalised, a run of whole words of `expected` (a wrapped line of
    it; its last word may be cut where the line ends with a hyphen)."""
    got, words = normalize(read).split(), normalize(expected).split()
    hyphen = read.rstrip().endswith("-")
    for start in range(len(words) - len(got) + 1) if got else ():
        run = words[start : start + len(got)]
        last = got[-1] == run[-1] or (hyphen and run[-1].startswith(got[-1]))
        if got[:-1] == run[:-1] and last:
            return True
    return False


def _loose_words(text: str) -> list[str]:
    """The words of `text` casefolded, without ASCII punctuation, the confusable glyphs folded,
    and every other character (ä, ß, é, £ …) kept as it is: the letters rapidocr lacks."""
    # lower(), not casefold(): casefold spells ß "ss", and rapidocr's "Maf" for "Maß" would no
    # longer differ at a letter outside its alphabet.
    words = ["".join(c for c in w if not c.isascii() or c.isalnum()) for w in text.lower().split()]
    for old, new in _CONFUSABLE:
        words = [w.replace(old, new) for w in words]
    return [w for w in words if w]


def recogniser_slips(read: str, expected: str) -> bool:
    """Whether a line reading `read` differs from a run of words of `expected` only where
    rapidocr cannot read right: at a letter its alphabet lacks ("Küche" → "Kiche", "Kuiche";
    "£" → "f": each such letter may come back as up to two others or none) or where its CTC
    decoding merges a doubled letter ("Alltag" → "Altag") or loses the i of a face's fi or ffi
    or fl ligature, one glyph ("Homeoffice" → "Homeoffce"). Any other slip (a letter lost, added
    or changed elsewhere, a word begun in the middle) is what a misprint or a damaged letter
    looks like, and stays the reading check's to fail."""
    copy = _loose_words(expected)
    src = "".join(copy)
    got = "".join(_loose_words(read))
    starts = {sum(map(len, copy[:k])) for k in range(len(copy) + 1)}  # word boundaries in src
    ends = set(range(len(src) + 1)) if read.rstrip().endswith("-") else starts
    # reach[i]: the columns j such that src[start:i] reads as got[:j] by slips alone.
    reach: list[set[int]] = [{0} if i in starts else set() for i in range(len(src) + 1)]
    for i in range(len(src)):
        for j in reach[i]:
            if j < len(got) and src[i] == got[j]:
                reach[i + 1].add(j + 1)
            if not src[i].isascii():
                reach[i + 1].update(k for k in (j, j + 1, j + 2) if k <= len(got))
            elif i not in starts and (
                src[i - 1] == src[i] or src[i - 1 : i + 1] == "fl"
            ):  # fi or fl (i folds to l)
                reach[i + 1].add(j)
    return bool(got) and any(len(got) in reach[i] for i in ends if i > 0)


def second_opinion(
    expected: str,
    lines: list[OcrLine],
    zone: Box | None,
    reread: Callable[[OcrLine], str],
    fallback: Callable[[OcrLine], str] | None = None,
) -> list[OcrLine]:
    """`lines` with each line whose misreading rapidocr's blind spots explain
    (`recogniser_slips`) read again by another recogniser (`reread`), and its text replaced
    where that one reads it exactly as the copy, or where every word of it is read right by
    one of the two (`_agreed`); where neither, `fallback` (the line's ink alone, black on white:
    Tesseract's own thresholding loses light letters over a photograph) is asked the same.

    rapidocr has no umlauts and merges doubled letters in faces unlike those it was trained on
    (a serif "ü" comes back "i", a condensed "ll" as "l"); Tesseract's German model knows both.
    A line it reads as the copy was printed right there: the glyph check, not the reading, is
    what vouches for the dots. A line the blind spots do not explain keeps its reading and
    fails as before, so a misprint, a missing word or a letter damaged into another is not
    excused by a recogniser that happens to read past it.
    """
    out = []
    for ln in lines:
        near = zone is None or centre_in(ln.box, zone)
        candidate = near and not shows_copy(ln.text, expected) and recogniser_slips(ln.text, expected)
        again = _agreed(ln.text, reread(ln), expected) if candidate else ""
        if candidate and not again and fallback is not None:
            again = _agreed(ln.text, fallback(ln), expected)
        out.append(ln.model_copy(update={"text": again}) if again else ln)
    return out


def _agreed(first: str, second: str, expected: str) -> str:
    """The line as the copy reads, where each of its words is read right by at least one of
    the two recognisers (word for word, in order); "" otherwise. Tesseract slips elsewhere on
    type rapidocr reads right ("Kiste" for "Gäste" on a mono face): a word rapidocr got right
    needs no second vote, a word it missed needs Tesseract's."""
    if shows_copy(second, expected):
        return second
    got, other, copy = normalize(first).split(), normalize(second).split(), normalize(expected).split()
    if len(got) != len(other):
        return ""
    hyphen = "-" if first.rstrip().endswith("-") else ""
    for start in range(len(copy) - len(got) + 1):
        run = copy[start : start + len(got)]
        voted = " ".join(g if g == c else o for g, o, c in zip(got, other, run, strict=True)) + hyphen
        if shows_copy(voted, expected):
            return voted
    return ""

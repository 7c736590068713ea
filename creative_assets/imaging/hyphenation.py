"""Hyphenation for the typesetter: where a word may be broken, with the locale's LibreOffice
dictionary (pyphen, offline). A word's own hyphen ("Gesundheits-", "Mitarbeiter-Rabatt") is
the best place; dictionary breaks keep at least three letters on either side."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache

import pyphen

HYPHEN_KEEP = 3  # letters that stay together at the start and the end of a hyphenated word
DICTIONARIES = {"de": "de_DE", "en": "en_GB"}
# Without a locale: German if the text looks German (umlauts, ß, common function words).
_GERMAN_HINT = re.compile(
    r"[äöüßÄÖÜ]|\b(?:und|der|die|das|mit|für|bei|dich|du|wir|jetzt|deine?)\b"
    r"|\w(?:ung|heit|keit|schaft|kraft|platz|pflege\w*)\b|pf|tz",
    re.I,
)

# How a line continues on the next one: a space, a hyphen we inserted (dropped when the text is
# put back together), or the word's own hyphen (kept, no space).
SPACE, INSERTED, OWN = " ", "", "-"
OWN_ONLY = "own"  # a hyphenation "language" without a dictionary: only the words' own hyphens


def hyphenation_language(text: str, locale: str | None) -> str:
    """The dictionary's language: the locale's, else a guess from the text itself."""
    if locale:
        return locale.split("-", 1)[0]
    return "de" if _GERMAN_HINT.search(text) else "en"


_loading = threading.Lock()


def _dictionary(language: str) -> pyphen.Pyphen | None:
    # A step plans its image types in threads side by side; without the lock each of them
    # parsed the same dictionary (lru_cache does not hold back concurrent first calls).
    with _loading:
        return _load_dictionary(language)


@lru_cache(maxsize=8)
def _load_dictionary(language: str) -> pyphen.Pyphen | None:
    tag = DICTIONARIES.get(language)
    return pyphen.Pyphen(lang=tag, left=HYPHEN_KEEP, right=HYPHEN_KEEP) if tag else None


@lru_cache(maxsize=4096)
def break_points(word: str, language: str) -> tuple[tuple[str, str, str], ...]:
    """Every (head, tail, joint) split of `word`, longest head first. Heads end in a hyphen:
    the word's own (joint OWN, "Gesundheits-" | "Management") or an inserted one (INSERTED);
    dictionary breaks keep HYPHEN_KEEP letters on both sides of the break."""
    dictionary = _dictionary(language)
    points: list[tuple[str, str, str]] = []
    offset = 0
    parts = word.split("-")
    for i, part in enumerate(parts):
        if dictionary is not None:
            core = re.sub(r"^\W+|\W+$", "", part)
            lead = part.find(core) if core else 0
            for pos in dictionary.positions(core) if core.isalpha() else []:
                head, tail = word[: offset + lead + pos], word[offset + lead + pos :]
                if _letters(core[:pos]) >= HYPHEN_KEEP and _letters(core[pos:]) >= HYPHEN_KEEP:
                    points.append((f"{head}-", tail, INSERTED))
        offset += len(part) + 1
        if i < len(parts) - 1 and _letters(word[:offset]) >= 2 and _letters(word[offset:]) >= 2:
            points.append((word[:offset], word[offset:], OWN))
    return tuple(sorted(points, key=lambda p: -len(p[0])))


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def best_break(
    word: str, fits: Callable[[str], bool], language: str, *, allow_inserted: bool = True
) -> tuple[str, str, str] | None:
    """The split to use: the longest head that fits, at the word's own hyphen when one fits."""
    fitting = [p for p in break_points(word, language) if fits(p[0]) and (allow_inserted or p[2] == OWN)]
    own = [p for p in fitting if p[2] == OWN]
    return (own or fitting or [None])[0]

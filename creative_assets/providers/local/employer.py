"""The grammar of an employer's name, so that templates can put it in a sentence.

German needs an article before most employer names, and the article, the case ending of an
adjective in the name and the verb depend on the head noun: "das Klinikum am See" → "beim
Klinikum am See", "Das Klinikum am See sucht dich"; "die Stadtwerke Ulm" (plural) → "bei den
Stadtwerken Ulm", "Die Stadtwerke Ulm suchen dich"; "Städtisches Klinikum Karlsruhe" → "beim
Städtischen Klinikum Karlsruhe". The head noun is found in a small, explicit lexicon (by the
last part of a compound: "Universitätsklinikum" is an "…klinikum", so neuter) or given by a legal
form ("… GmbH": die). Brand-like names (English words, "Ltd", "Inc") go without an article
("bei Northbridge Logistics Ltd"), as German does with "bei Siemens". A name whose head is not in
the lexicon gets no grammar at all (`german` is None) and the templates fall back to phrasings
that need none ("Klinikum am See: …"), which are always correct.

English puts "the" only before "X of Y" institutions ("the University of Leeds") and names given
with their article ("The Crown Hotel" → "at the Crown Hotel"); other names go bare.

Hand-written because no maintained library does this for proper names: dictionaries of German
nouns know "Klinikum" but not which word of "Helios Klinikum Berlin-Buch" is its head, and the
lexicon below is short enough to review by eye.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Gender = Literal["m", "f", "n", "pl"]

# Heads of German employer names, matched as whole words or as the last part of a compound
# (longest match wins, so "…werke" beats "…werk"); "pl" marks a plural ("die Stadtwerke").
# fmt: off
HEADS: dict[str, Gender] = {
    # care and health
    "klinikum": "n", "krankenhaus": "n", "klinik": "f", "kliniken": "pl", "spital": "n",
    "hospital": "n", "heim": "n", "pflegeheim": "n", "zentrum": "n", "pflegedienst": "m",
    "dienst": "m", "dienste": "pl", "residenz": "f", "stift": "n", "stiftung": "f", "praxis": "f",
    "apotheke": "f", "sozialstation": "f", "diakonie": "f", "caritas": "f", "hospiz": "n",
    "kreuz": "n",
    # public sector and utilities
    "stadtwerke": "pl", "werke": "pl", "werk": "n", "betriebe": "pl", "verkehrsbetriebe": "pl",
    "stadt": "f", "gemeinde": "f", "landkreis": "m", "kreis": "m", "verwaltung": "f", "amt": "n",
    "behörde": "f", "universität": "f", "hochschule": "f", "schule": "f", "kita": "f",
    "kindergarten": "m", "polizei": "f", "bahn": "f", "post": "f",
    # business
    "bank": "f", "sparkasse": "f", "versicherung": "f", "genossenschaft": "f", "verein": "m",
    "verband": "m", "gruppe": "f", "holding": "f", "logistik": "f", "spedition": "f",
    "unternehmen": "n", "firma": "f", "betrieb": "m", "institut": "n", "labor": "n",
    "kanzlei": "f", "agentur": "f", "büro": "n",
    # retail, trades, hospitality
    "markt": "m", "kaufhaus": "n", "autohaus": "n", "bäckerei": "f", "metzgerei": "f",
    "brauerei": "f", "gärtnerei": "f", "druckerei": "f", "schreinerei": "f", "tischlerei": "f",
    "werkstatt": "f", "hotel": "n", "gasthof": "m", "gasthaus": "n", "restaurant": "n",
    "café": "n", "cafe": "n", "kantine": "f",
}
# A legal form at the end of a name is its grammatical head: "die Müller Logistik GmbH".
LEGAL_FORMS: dict[str, Gender] = {
    "gmbh": "f", "ggmbh": "f", "mbh": "f", "ag": "f", "kg": "f", "ohg": "f", "se": "f", "eg": "f",
    "kgaa": "f", "gbr": "f", "ug": "f", "e.v.": "m", "ev": "m", "e.k.": "m",
}
# Foreign legal forms and English head words mark a brand, used without an article in German.
BRAND_WORDS = frozenset({
    "ltd", "ltd.", "limited", "plc", "inc", "inc.", "llc", "llp", "corp", "corp.", "co", "co.",
    "logistics", "group", "services", "solutions", "systems", "technologies", "consulting",
    "partners", "foods", "retail", "stores", "hotels", "care", "health",
})
ENGLISH_THE_HEADS = frozenset({
    "university", "college", "council", "trust", "hospital", "bank", "institute", "museum", "city",
    "county", "school", "academy",
})
# fmt: on
ARTICLES: dict[str, Gender | None] = {"der": "m", "die": None, "das": "n"}  # die: f or plural
NOMINATIVE: dict[Gender, str] = {"m": "der", "f": "die", "n": "das", "pl": "die"}
DATIVE: dict[Gender, str] = {"m": "dem", "f": "der", "n": "dem", "pl": "den"}
# Adjectives in names ("Städtisches", "Evangelische", "Deutsche"): their stems end like this.
_ADJECTIVE_STEM = re.compile(r"(isch|lich|ig|al|iv|ell|bar|sam|haft|sch|rot|neu|alt|groß|frei)$")
_ENDING = re.compile(r"(es|er|en|em|e)$")


@dataclass(frozen=True)
class GermanGrammar:
    """What a German sentence needs to know about the name: its head's gender (or plural), the
    adjectives before the head (their stems, inflected per case), and whether it takes an
    article at all."""

    gender: Gender | None  # None: a brand, used without an article
    adjectives: tuple[str, ...] = ()  # stems, e.g. ("Städtisch",)
    head: str = ""  # the head word as written (a plural takes -n in the dative)
    rest: str = ""  # the rest of the name after the head, as written


@dataclass(frozen=True)
class Employer:
    """An employer name and its grammar in German and English."""

    name: str  # without a leading article: "Stadtwerke Ulm"
    german: GermanGrammar | None  # None: unknown head, use article-free phrasings
    english_the: bool = False

    # German ---------------------------------------------------------------------------

    def _german(self, case: Literal["nom", "dat"]) -> str:
        g = self.german
        if g is None:
            raise KeyError("no German grammar for this name")
        if g.gender is None:
            return self.name
        plural = g.gender == "pl"
        ending = "en" if case == "dat" or plural else "e"
        head = g.head
        if case == "dat" and plural and not head.endswith(("n", "s")):
            head += "n"  # die Stadtwerke → den Stadtwerken
        article = (DATIVE if case == "dat" else NOMINATIVE)[g.gender]
        words = [article, *(stem + ending for stem in g.adjectives), head, g.rest]
        return " ".join(w for w in words if w)

    @property
    def der(self) -> str:
        """Nominative with its article, to open a sentence: "Das Klinikum am See"."""
        text = self._german("nom")
        return text[:1].upper() + text[1:]

    @property
    def beim(self) -> str:
        """ "beim Klinikum am See", "bei der Stadt Ulm", "bei den Stadtwerken Ulm", "bei Lidl"."""
        dative = self._german("dat")
        return "beim" + dative[3:] if dative.startswith("dem ") else f"bei {dative}"

    @property
    def sucht(self) -> str:
        """The verb agreeing with the name as subject."""
        return "suchen" if self.german is not None and self.german.gender == "pl" else "sucht"

    # English --------------------------------------------------------------------------

    @property
    def the(self) -> str:
        """Mid-sentence: "the University of Leeds", "Northbridge Logistics Ltd"."""
        return f"the {self.name}" if self.english_the else self.name

    @property
    def The(self) -> str:
        return f"The {self.name}" if self.english_the else self.name


def _words(name: str) -> list[str]:
    return name.split()


def _head_gender(word: str) -> Gender | None:
    """The gender of a lexicon head matching `word` whole or as the end of a compound."""
    low = word.lower().strip(",.")
    for size in range(len(low), 2, -1):  # longest suffix first
        found = HEADS.get(low[-size:])
        if found and (size == len(low) or low[-size - 1].isalpha()):
            return found
    return None


def _adjective_stem(word: str) -> str | None:
    """'Städtisches' → 'Städtisch'; None when the word does not look like an inflected adjective."""
    match = _ENDING.search(word)
    if not word[:1].isupper() or match is None:
        return None
    stem = word[: match.start()]
    return stem if _ADJECTIVE_STEM.search(stem.lower()) else None


def german_grammar(words: list[str], article: Gender | None, has_article: bool) -> GermanGrammar | None:
    """The grammar of a German name (words without a leading article), None when unknown."""
    last = words[-1].lower() if words else ""
    if last in LEGAL_FORMS:  # the legal form is the head; everything before it is the name
        return GermanGrammar(LEGAL_FORMS[last], head=" ".join(words))
    if any(w.lower() in BRAND_WORDS for w in words):
        return GermanGrammar(None)
    adjectives: list[str] = []
    for i, word in enumerate(words[:4]):  # the head sits near the start of a name
        gender = _head_gender(word)
        if gender is not None:
            given = {"f", "pl"} if article is None else {article}
            if has_article and gender not in given:
                return None  # the given article contradicts the lexicon: trust neither
            # Words between adjectives and the head stay as written ("Helios Klinikum").
            modifiers = [w for w in words[:i] if _adjective_stem(w) is None]
            if modifiers and adjectives:
                return None
            if modifiers:
                return GermanGrammar(gender, head=" ".join(words[: i + 1]), rest=" ".join(words[i + 1 :]))
            return GermanGrammar(gender, tuple(adjectives), word, " ".join(words[i + 1 :]))
        stem = _adjective_stem(word)
        if stem is not None:
            adjectives.append(stem)
    return None


def employer(name: str) -> Employer:
    """The grammar of an employer name as the posting spells it ("die Stadtwerke Ulm",
    "Klinikum am See", "Northbridge Logistics Ltd", "The Crown Hotel")."""
    words = _words(" ".join(name.split()))
    first = words[0].lower() if words else ""
    has_article = first in ARTICLES and len(words) > 1
    english_given = first == "the" and len(words) > 1
    if has_article or english_given:
        words = words[1:]
    bare = " ".join(words)
    german = german_grammar(words, ARTICLES.get(first), has_article)
    head_of = re.match(r"^(\w+) of\b", bare)
    english_the = english_given or bool(head_of and head_of.group(1).lower() in ENGLISH_THE_HEADS)
    return Employer(name=bare, german=german, english_the=english_the)

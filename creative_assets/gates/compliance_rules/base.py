"""What a compliance rule is, and the sentences a finding explains itself with.

A rule is a regular expression over the copy with its category and a neutral alternative. Two
guards keep legitimate look-alikes passing without writing them into every pattern:
`not_after` (the words right before a match say it is about someone else: "Kinder im Alter von
3 bis 6", "für Senioren") and `unless` (its sentence states a lawful basis: positive action,
an occupational requirement, security vetting). Each language adds `LAWFUL` contexts per
category that apply to all of that category's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from creative_assets.models.text import ComplianceCategory

_I = re.IGNORECASE

WHY_DE: dict[ComplianceCategory, str] = {
    "gender_marker": "Nach AGG §1 und §11 muss eine Stellenanzeige alle Geschlechter ansprechen; "
    "eine Berufsbezeichnung ohne (m/w/d) oder Genderstern spricht nur ein Geschlecht an.",
    "age": "Nach AGG §1 darf eine Stellenanzeige niemanden wegen des Alters benachteiligen; "
    "„{phrase}“ signalisiert, dass ältere (oder jüngere) Menschen unerwünscht sind.",
    "gender": "Nach AGG §1 darf eine Stellenanzeige niemanden wegen des Geschlechts benachteiligen; "
    "„{phrase}“ spricht nur ein Geschlecht an.",
    "origin": "Nach AGG §1 darf eine Stellenanzeige niemanden wegen der ethnischen Herkunft benachteiligen; "
    "„{phrase}“ verlangt eine Herkunft statt einer Fähigkeit "
    "(ein Sprachniveau ist erlaubt, die Muttersprache nicht).",
    "religion": "Nach AGG §1 darf eine Stellenanzeige niemanden wegen Religion oder Weltanschauung "
    "benachteiligen; „{phrase}“ ist nur für kirchliche Arbeitgeber zulässig (AGG §9).",
    "disability": "Nach AGG §1 darf eine Stellenanzeige niemanden wegen einer Behinderung benachteiligen; "
    "„{phrase}“ schließt Menschen mit Behinderung pauschal aus.",
    "prohibited_claim": "Diese Aussage hat der Kunde für seine Anzeigen ausgeschlossen: „{phrase}“.",
}
WHY_EN: dict[ComplianceCategory, str] = {
    "gender_marker": "The job title names a person in one gender only; add a neutral form.",
    "age": "'{phrase}' signals that older (or younger) applicants are unwelcome, which is age "
    "discrimination under equality law.",
    "gender": "'{phrase}' addresses one gender only, which discourages everyone else from applying.",
    "origin": "'{phrase}' asks for an origin instead of a skill; ask for a language level instead.",
    "religion": "'{phrase}' makes religion a condition, which only religious employers may do.",
    "disability": "'{phrase}' excludes disabled applicants across the board; describe the tasks instead.",
    "prohibited_claim": "The customer does not allow this claim in its ads: '{phrase}'.",
}


@dataclass(frozen=True)
class Rule:
    category: ComplianceCategory
    pattern: str
    suggestion: str
    church_exempt: bool = False  # AGG §9: a church employer may ask for its faith
    # How to turn the phrase into a drop-in (pattern, replacement); None: the suggestion is one
    # when `drop_in`, else the phrase needs rephrasing ("bis 30" has no neutral twin).
    rewrite: tuple[str, str] | None = None
    drop_in: bool = False
    not_after: str | None = None  # the text just before the match ends with this: not the applicant
    unless: str | None = None  # the match's sentence says this: a lawful basis stated beside it

    def replacement(self, phrase: str) -> str | None:
        if self.rewrite is not None:
            return re.sub(self.rewrite[0], self.rewrite[1], phrase, count=1, flags=_I)
        return self.suggestion if self.drop_in else None

    def compiled(self) -> re.Pattern[str]:
        return compile_rule(self.pattern)

    def applies(self, text: str, start: int, sentence: str, lawful: str | None) -> bool:
        """False when a guard says the match at `start` is a legitimate look-alike."""
        before = text[max(0, start - 80) : start]
        if self.not_after and compile_rule(rf"(?:{self.not_after})\s*$").search(before):
            return False
        return not any(guard and compile_rule(guard).search(sentence) for guard in (self.unless, lawful))


_CACHE: dict[str, re.Pattern[str]] = {}


def compile_rule(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern, _I)
    return _CACHE[pattern]


def any_of(*words: str) -> str:
    """A non-capturing alternation."""
    return "(?:" + "|".join(words) + ")"


DELETE = (r".*", "")  # a rewrite that drops the phrase: an exclusion has no neutral twin
AGE_NUMBER = r"(?:1[4-9]|[2-7]\d)"  # two-digit ages an ad would name; "6 Jahre" is a child's
# Number words up to twenty, for residence histories ("seit zehn Jahren", "for five years").
NUMBER_WORDS_DE = r"(?:\d+|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|fünfzehn|zwanzig)"
NUMBER_WORDS_EN = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)"

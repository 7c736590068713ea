"""German person nouns and the gender marker, read by morphology over a stem lexicon.

A person noun is a risk where it names the job (a title, "als Erzieherin", "Geschäftsführer
gesucht", "Gesucht wird der starke Handwerker") or addresses readers of one gender
("Wiedereinsteigerinnen willkommen"). It is found three ways: a masculine stem lexicon
(compounds end in it: "Krankenpfleger", "Lagermitarbeiter"), the feminine suffix -in/-innen on a
masculine agent ending ("Sekretärin", "Volljuristin", "Zahnarzthelferinnen"), and compounds on
-frau/-mann/-dame/-schwester ("Putzfrau", "Servicedame"). Hand-written because no maintained
German lexicon marks which nouns name people; the exceptions below are the words these endings
also produce ("Termin" is not a person, "Kristin" is a name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

MARKER = re.compile(
    r"\(\s*(?:[mwfdxi]|div(?:\.|ers)?)(?:\s*[/|,]\s*(?:[mwfdxi]|div(?:\.|ers)?)){2,3}\s*\)"
    r"|\b[mwf]/[mwf]/[dx]\b|\((?:gn\*?|all\s+genders|alle\s+geschlechter|m/w/d/x)\)",
    _I,
)
# Gender star, colon, underscore, Binnen-I and slash forms on the word itself. A colon only
# counts before -in/-innen: "aufgepasst:" ends a phrase, it does not address everyone.
INCLUSIVE_WORD = re.compile(r"\*(?:in(?:nen)?)?$|[:_]in(?:nen)?$|(?<=[a-zäöü])I(?:n|nnen)$|/-?in(?:nen)?$")
_STEMS = (
    r"pfleger|arbeiter|helfer|leiter|berater|techniker|ingenieur|entwickler|verkäufer|fahrer|koch|köchin"
    r"|elektriker|mechaniker|mechatroniker|elektroniker|erzieher|lehrer|arzt|ärztin|ärzte|kaufmann"
    r"|kauffrau|fachmann|fachfrau|assistent|referent|manager|spezialist|therapeut|betreuer|monteur"
    r"|installateur|disponent|kommissionierer|lagerist|buchhalter|designer|werkstudent|praktikant"
    r"|hausmeister|meister|schwester|programmierer|architekt|maler|tischler|schreiner|bäcker|friseur"
    r"|kassierer|reiniger|verwalter|planer|controller|analyst|administrator|sekretär|consultant|operator"
    r"|führer|handwerker|jurist|volontär|student|redakteur|journalist|dozent|anwalt|anwält|gärtner|kellner"
    r"|metzger|fleischer|schlosser|schweißer|maurer|zimmerer|dachdecker|klempner|glaser|lackierer|fotograf"
    r"|grafiker|übersetzer|dolmetscher|sachbearbeiter|einkäufer|vertreter|händler|zusteller|kurier|pilot"
    r"|polizist|sanitäter|apotheker|psychologe|psychologin|pädagoge|pädagogin|informatiker|physiker|chemiker"
    r"|richter|notar|makler|trainer|prüfer|gutachter|bauleiter|vorarbeiter|geselle|azubi|kolleg"
)
GENDERED_PERSON = re.compile(
    rf"\b[\wäöüß]*(?:{_STEMS})(?:in|innen|en|e|n)?(?:[*:_/]-?(?:in(?:nen)?)?|I(?:n|nnen))?"
    r"(?=[\s,.;:!?)]|$)",
    _I,
)
# Feminine agent nouns the lexicon does not list: a capitalised noun on -in/-innen after an agent
# ending ("Wiedereinsteigerin", "Volontärin", "Kassiererin").
FEMININE = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß-]*?(?:er|ent|ant|eur|ist|or|är|og|at|ot|ier|ör)(?:in|innen)\b")
# Compounds that carry a gender in their last part ("Putzfrau", "Servicedame", "Feuerwehrmann").
GENDERED_COMPOUND = re.compile(
    r"\b[\wäöüß]{2,}(?:frau|frauen|dame|damen|schwester|schwestern|mädchen|mann|männer)\b", _I
)
NEUTRAL_PERSON = re.compile(r"\b[\wäöüß]*(?:kraft|kräfte|hilfe|person|personal)\b", _I)
# Words before a noun that make it the job: "als", "zum", "suchen wir", "gerne auch",
# "gesucht wird der", with up to three inflected adjectives ("der starke, belastbare").
AS_JOB = re.compile(
    r"(?:\bals|\bzum|\bzur|\bsuchen|\bsucht|\bsuche|\beine[nrm]?|\bbraucht|\bbrauchen"
    r"|\bbenötigen|\bbenötigt|\bgesucht(?:\s+(?:wird|werden))?(?:\s+(?:der|die|das|ein|eine|einen))?)"
    r":?\s+(?:(?:wir|ab\s+sofort)\s+)?(?:[\w-]*(?:e|en|er|es|em)\s*,?\s+(?:und\s+)?){0,3}$",
    _I,
)
JOB_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?,?\s*(?:(?:für|in|im|ab|zum|zur|bei|auf|mit|aus)\s+(?:[\w-]+\s+){1,3}?)?"
    r"(?:gesucht|werden|wanted|gefragt)\b",
    _I,
)
# After a noun that opens the copy: it stands as the headline's job ("Pflegehelfer in Teilzeit").
HEADLINE_AFTER = re.compile(
    r"^\s*(?:$|[-–:,(!]|(?:für|in|im|ab|bei|auf|mit|zur|zum|aus|gesucht|Teilzeit|Vollzeit|Minijob)\b)", _I
)
# Before a feminine noun: a preferred kind of person ("gerne auch Wiedereinsteigerin").
PREFERRED_BEFORE = re.compile(r"\b(?:gerne|gern|bevorzugt|vorzugsweise|idealerweise)(?:\s+auch)?\s+$", _I)
# After a feminine noun: it addresses the reader ("Zahnarzthelferinnen aufgepasst").
ADDRESSED_AFTER = re.compile(
    r"^\s*[,:!]?\s*(?:(?:sind|seid)\s+(?:herzlich\s+)?)?(?:aufgepasst|willkommen|gefragt|erwünscht|gewünscht|bevorzugt)\b",
    _I,
)
PAIR_BETWEEN = re.compile(
    r"^\s*(?:und|oder|&|/|bzw\.|sowie)\s*(?:(?:eine[nmr]?|ein|den|die|der)\s+)?"
    r"(?:[\w-]*(?:e|en|er|es|em)\s+)?$",
    _I,
)
FALSE_STEMS = re.compile(r"^(?:kochen|leitern?|malern?|meistern?)$", _I)  # verbs and ladders
# fmt: off
NOT_A_PERSON = frozenset({
    "glycerin", "glyzerin", "terpentin", "gelatin", "satin", "platin", "kreatin", "nikotin", "heparin",
    "stearin", "rosmarin", "mandarin", "urin", "purin", "login", "karin", "kristin", "christin",
    "konstantin", "valentin", "quentin", "florin", "darin", "worin", "hierin", "vordermann",
    "hintermann", "jedermann", "schneemann", "strohmann", "hampelmann", "ehemann", "ehefrau",
    "ehemänner", "ehefrauen", "ansprechpartner", "ansprechpartnerin", "ansprechpartnerinnen",
    "führerschein", "marathon",
})
# fmt: on


FEMININE_ENDINGS = ("in", "innen", "frau", "frauen", "dame", "damen", "schwester", "schwestern", "mädchen")
# A capitalised word after these is a name ("Herr Neumann", "Frau Dr. Baumann"), not a role.
NAME_BEFORE = re.compile(r"\b(?:Herr|Herrn|Frau|Dr\.|Prof\.|Familie)\s+(?:Dr\.\s+)?$")


@dataclass(frozen=True)
class PersonNoun:
    start: int
    word: str
    feminine: bool
    surname_like: bool = False  # a -mann compound only: as often a surname as a role


def person_nouns(text: str) -> list[PersonNoun]:
    """Every gendered person noun in `text`, in reading order, once each."""
    found: dict[int, PersonNoun] = {}
    for source, pattern in (("stem", GENDERED_PERSON), ("suffix", FEMININE), ("compound", GENDERED_COMPOUND)):
        for match in pattern.finditer(text):
            word = match.group(0)
            if word.lower() in NOT_A_PERSON or FALSE_STEMS.match(word) or INCLUSIVE_WORD.search(word):
                continue
            if any(s <= match.start() < s + len(p.word) for s, p in found.items()):
                continue
            lower = word.lower()
            feminine = lower.endswith(FEMININE_ENDINGS)
            surname_like = source == "compound" and not feminine
            found[match.start()] = PersonNoun(match.start(), word, feminine, surname_like)
    return [found[s] for s in sorted(found)]


def paired(text: str, nouns: list[PersonNoun], index: int) -> bool:
    """A noun named with its counterpart ("Kolleginnen und Kollegen", "Absolventinnen und
    Absolventen") addresses everyone in running copy."""
    noun = nouns[index]
    for other in (nouns[index - 1] if index else None, nouns[index + 1] if index + 1 < len(nouns) else None):
        if other is None or other.feminine == noun.feminine:
            continue
        first, second = (other, noun) if other.start < noun.start else (noun, other)
        if PAIR_BETWEEN.match(text[first.start + len(first.word) : second.start]):
            return True
    return False


def star_form(word: str) -> str:
    """'Sekretärin' -> 'Sekretär*in', 'Erzieherinnen' -> 'Erzieher*innen'."""
    for suffix in ("innen", "in"):
        if word.endswith(suffix):
            return f"{word[: -len(suffix)]}*{suffix}"
    return f"{word} (m/w/d)"

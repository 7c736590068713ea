"""The posting's facts — shift model, employment type, pay — as a sentence in either language
needs them, and the small rules of sentence case that templates filled with them must keep.

A posting in one language can be advertised in another (a German job in en-GB), so each fact is
recognised in both languages and rendered in the one the copy is written in; what is not
recognised is kept as the posting wrote it (a template cannot translate free text). Hand-written
because the vocabulary is a few dozen words that recruiters use, reviewed by eye here; a general
translator would be a provider call the zero-key writer must not make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Shift models: a canonical key, the words that name it (lower case), and each language's phrase.
SHIFTS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "night": (
        ("night shift", "nights", "night", "nachtschicht", "nachtdienst", "dauernacht"),
        {"en": "night shifts", "de": "Nachtschicht"},
    ),
    "early": (("early shift", "frühschicht", "frühdienst"), {"en": "early shifts", "de": "Frühschicht"}),
    "late": (("late shift", "spätschicht", "spätdienst"), {"en": "late shifts", "de": "Spätschicht"}),
    "day": (("day shift", "days", "tagschicht", "tagdienst"), {"en": "day shifts", "de": "Tagschicht"}),
    "rotating": (
        ("rotating shifts", "rotating", "wechselschicht", "3-schicht", "drei-schicht", "schichtdienst"),
        {"en": "rotating shifts", "de": "Schichtdienst"},
    ),
    "weekend": (("weekend", "weekends", "wochenende"), {"en": "weekend shifts", "de": "Wochenenddienst"}),
}
# Employment types (lower case) → each language's phrase, written as mid-sentence text.
EMPLOYMENT: dict[str, dict[str, str]] = {
    "full-time": {"en": "full-time", "de": "Vollzeit"},
    "full time": {"en": "full-time", "de": "Vollzeit"},
    "vollzeit": {"en": "full-time", "de": "Vollzeit"},
    "part-time": {"en": "part-time", "de": "Teilzeit"},
    "part time": {"en": "part-time", "de": "Teilzeit"},
    "teilzeit": {"en": "part-time", "de": "Teilzeit"},
    "minijob": {"en": "mini-job", "de": "Minijob"},
    "temporary": {"en": "temporary", "de": "befristet"},
    "befristet": {"en": "fixed-term", "de": "befristet"},
    "unbefristet": {"en": "permanent", "de": "unbefristet"},
    "permanent": {"en": "permanent", "de": "unbefristet"},
    "ausbildung": {"en": "apprenticeship", "de": "Ausbildung"},
    "apprenticeship": {"en": "apprenticeship", "de": "Ausbildung"},
}
CONJUNCTIONS = {"oder": {"en": "or", "de": "oder"}, "or": {"en": "or", "de": "oder"},
                "und": {"en": "and", "de": "und"}, "and": {"en": "and", "de": "und"}}  # fmt: skip
CURRENCIES = {"€": "€", "eur": "€", "euro": "€", "£": "£", "gbp": "£", "$": "$", "usd": "$"}
PERIODS = {
    "hour": "hour", "stunde": "hour", "std": "hour", "h": "hour", "month": "month", "monat": "month",
    "year": "year", "jahr": "year", "annum": "year", "week": "week", "woche": "week",
}  # fmt: skip
PERIOD_WORDS = {
    "hour": {"en": "per hour", "de": "pro Stunde"},
    "month": {"en": "per month", "de": "im Monat"},
    "year": {"en": "per year", "de": "im Jahr"},
    "week": {"en": "per week", "de": "pro Woche"},
}
_GERMAN_DIGITS = str.maketrans({",": ".", ".": ","})
_AMOUNT = r"(\d{1,3}(?:[.,\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_PAY = re.compile(
    rf"^(?P<lead>ab|from|bis|up to)?\s*(?P<cur1>[€£$])?\s*{_AMOUNT}(?:\s*[-–]\s*[€£$]?\s*{_AMOUNT})?"
    r"\s*(?P<cur2>€|eur|euro|gbp|usd)?"
    r"\s*(?P<gross>brutto|gross|netto|net)?\s*(?:(?:per|pro|/|a|an|im|in der|je)\s*(?P<period>\w+))?"
    r"\s*(?P<gross2>brutto|gross)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Pay:
    lead: str | None  # "from" | "up to"
    amount: float
    decimals: int
    upper: float | None  # a range's upper end
    currency: str
    period: str | None
    gross: bool | None

    def render(self, language: str) -> str:
        amounts = [self.amount] if self.upper is None else [self.amount, self.upper]
        if language == "de":
            numbers = [f"{a:,.{self.decimals}f}".translate(_GERMAN_DIGITS) for a in amounts]
            text = f"{'–'.join(numbers)} {self.currency}"
            lead = {"from": "ab ", "up to": "bis "}.get(self.lead or "", "")
            gross = {True: " brutto", False: " netto", None: ""}[self.gross]
        else:
            text = "–".join(f"{self.currency}{a:,.{self.decimals}f}" for a in amounts)
            lead = {"from": "from ", "up to": "up to "}.get(self.lead or "", "")
            gross = {True: " gross", False: " net", None: ""}[self.gross]
        period = f" {PERIOD_WORDS[self.period][language]}" if self.period else ""
        return f"{lead}{text}{gross}{period}"


def _number(text: str, german: bool) -> tuple[float, int]:
    """'3.900' (de) → 3900; '13.80' (en) → 13.8 with 2 decimals; '3,900' (en) → 3900."""
    thousands, decimal = (".", ",") if german else (",", ".")
    digits = text.replace(" ", "").replace(thousands, "")
    whole, _, fraction = digits.partition(decimal)
    if fraction and len(fraction) == 3 and not german:  # "3.900" written German style in English
        return float(whole + fraction), 0
    return float(f"{whole}.{fraction}" if fraction else whole), len(fraction)


def parse_pay(salary: str) -> Pay | None:
    """A salary the templates can restate in another language, None when it is free text."""
    m = _PAY.match(" ".join(salary.split()))
    if not m:
        return None
    currency = CURRENCIES.get((m["cur1"] or m["cur2"] or "").lower())
    period = PERIODS.get((m["period"] or "").lower()) if m["period"] else None
    if currency is None or (m["period"] and period is None):
        return None
    german = bool(m["cur2"]) or (m["lead"] or "").lower() in ("ab", "bis")
    amount, decimals = _number(m[3], german)
    upper = _number(m[4], german)[0] if m[4] else None
    lead = {"ab": "from", "from": "from", "bis": "up to", "up to": "up to"}.get((m["lead"] or "").lower())
    gross_word = (m["gross"] or m["gross2"] or "").lower()
    gross = {"brutto": True, "gross": True, "netto": False, "net": False}.get(gross_word)
    return Pay(lead, amount, decimals, upper, currency, period, gross)


def pay(salary: str | None, language: str) -> str | None:
    """The posting's pay in `language` ("ab 3.900 € brutto" → "from €3,900 gross"); as written
    when it cannot be parsed."""
    if not salary:
        return None
    parsed = parse_pay(salary)
    return parsed.render(language) if parsed else salary


def shift_of(title: str) -> str | None:
    """The shift model a title names ("Warehouse Operative - Night Shift" → "night"), as a key of
    SHIFTS; looked for in the suffix after a dash and in brackets, where titles put it."""
    parts = re.split(r"\s+[-–|]\s+", title)[1:] + re.findall(r"\(([^)]*)\)", title)
    for part in parts:
        low = part.lower()
        for key, (words, _) in SHIFTS.items():
            if any(re.search(rf"\b{re.escape(w)}\b", low) for w in words):
                return key
    return None


def shift(title: str, language: str) -> str | None:
    key = shift_of(title)
    return SHIFTS[key][1][language] if key else None


def employment(kind: str, language: str) -> str:
    """'Full-time' → 'full-time' (en) or 'Vollzeit' (de); 'Teilzeit oder Vollzeit' → 'part-time
    or full-time'. Mid-sentence form; unknown words are kept as written."""
    out = []
    for word in re.split(r"(\s*[,/]\s*|\s+)", kind.strip()):
        low = word.lower()
        if low in EMPLOYMENT:
            out.append(EMPLOYMENT[low][language])
        elif low in CONJUNCTIONS:
            out.append(CONJUNCTIONS[low][language])
        else:
            out.append(word)
    joined = "".join(out)
    for phrase, forms in EMPLOYMENT.items():  # two-word types ("full time")
        joined = re.sub(rf"\b{phrase}\b", forms[language], joined, flags=re.IGNORECASE)
    return joined


def work_pattern(kind: str, title: str, language: str) -> str:
    """Employment type and shift model together: "full-time night shifts", "Vollzeit, Nachtschicht"."""
    base, night = employment(kind, language), shift(title, language)
    if not night:
        return base
    return f"{base} {night}" if language == "en" else f"{base}, {night}"


# Sentence case ------------------------------------------------------------------------

_ADJECTIVE_END = re.compile(r"(e|er|es|en|em)$")


def _keeps_capital(word: str) -> bool:
    """Acronyms, names with inner capitals, numbers: 'NHS', 'TVöD', 'iPhone', '30'."""
    core = word.strip("()\"'„“")
    return (
        not core[:1].isalpha()
        or core.isupper()
        or any(c.isupper() for c in core[1:])
        or core.lower() in PROPER_WORDS
    )


PROPER_WORDS = frozenset({"i", "nhs", "monday", "friday", "saturday", "sunday", "christmas"})


def mid_sentence(text: str, language: str) -> str:
    """A phrase from the posting ("Weekly pay", "Tarifliche Vergütung") as it reads inside a
    sentence: English lowers its first word unless it is an acronym or a name; German lowers it
    only when it is an adjective (nouns keep their capital: "Dienstplan mit Wunschfrei")."""
    words = text.split(" ", 1)
    first = words[0]
    if not first or _keeps_capital(first):
        return text
    if language == "de":
        following = words[1] if len(words) > 1 else ""
        adjective = _ADJECTIVE_END.search(first.lower()) and following[:1].isupper()
        if not adjective:
            return text
    return first[:1].lower() + text[1:]


def start_of_sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# English "a" or "an" by sound: letters that spell a vowel sound, and the usual exceptions.
_SILENT_H = re.compile(r"^(hour|honest|honou?r|heir)", re.IGNORECASE)
_A_EXCEPTIONS = re.compile(r"^(uni|use|usu|one|once|eu|ure|u[bcfhjkqrstn][aeiou])", re.IGNORECASE)


def indefinite(noun_phrase: str) -> str:
    """'a Warehouse Operative', 'an Office Manager', 'a University Porter', 'an HGV Driver'."""
    word = noun_phrase.split(" ", 1)[0]
    acronym = word.isupper() and len(word) > 1
    if acronym:  # read letter by letter: "an HGV", "a UX"
        vowel = word[0].lower() in "aefhilmnorsx"
    elif _A_EXCEPTIONS.match(word):
        vowel = False
    else:
        vowel = word[:1].lower() in "aeiou" or bool(_SILENT_H.match(word))
    return f"{'an' if vowel else 'a'} {noun_phrase}"

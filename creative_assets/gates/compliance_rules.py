"""The rule tables of the compliance gate (`compliance.py` applies them): one regular expression
per risky wording, with its category, a neutral alternative and, where one exists, how to turn
the phrase into a drop-in replacement. Legitimate look-alikes are written into the patterns
("Jugendhilfe" never matches `jung`, a name after "Frau" is a contact person)."""

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

    def replacement(self, phrase: str) -> str | None:
        if self.rewrite is not None:
            return re.sub(self.rewrite[0], self.rewrite[1], phrase, count=1, flags=_I)
        return self.suggestion if self.drop_in else None

    def compiled(self) -> re.Pattern[str]:
        return compile_rule(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def compile_rule(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern, _I)
    return _CACHE[pattern]


# A name after Frau/Herr ("Frau Berg") is a contact person, not a gender requirement; the
# lookahead is case-sensitive inside a case-insensitive pattern.
_NOT_A_NAME = r"(?!\s+(?-i:(?:Dr\.\s+)?[A-ZÄÖÜ][a-zäöüß]+\b))"
_DE_PAIR = r"(?:\s*(?:und|oder|&|/|,)\s*(?:frauen?|männer|mann|herren|damen|divers\w*))"

_AGE_DE = "die geforderte Erfahrung statt eines Alters"
_TASKS_DE = "die Anforderungen der Tätigkeit beschreiben"
_DELETE = (r".*", "")

RULES_DE: tuple[Rule, ...] = (
    # age
    Rule(
        "age",
        r"\bjung(?:e[mnrs]?)?\s*(?:,|und)?\s*(?:und\s+)?dynamisch\w*",
        "engagiert und motiviert",
        rewrite=(r"jung(e[mnrs]?)?\s*(?:,|und)?\s*(?:und\s+)?dynamisch(\w*)", r"engagiert\1 und motiviert\2"),
    ),
    Rule(
        "age",
        r"\b(?:jung|jünger)(?:e[mnrs]?)?\b(?:\s+\w+)?",
        "engagiert (z. B. „engagiertes Team“)",
        rewrite=(r"j[uü]ng(?:er)?", "engagiert"),
    ),
    Rule("age", r"\bjugendlich\w*(?:\s+\w+)?", "motiviert", rewrite=("jugendlich", "motiviert")),
    Rule(
        "age",
        r"\b(?:berufs(?:anfänger|einsteiger)|absolvent|bewerber|kandidat|mitarbeiter)\w*\s+"
        r"(?:bis|unter)\s+\d{2}\b(?:\s*jahre?n?)?",
        "Berufseinsteiger (m/w/d) willkommen (ohne Altersgrenze)",
    ),
    Rule("age", r"\bnicht\s+älter\s+als\s+\d{2}(?:\s*jahre?)?", _AGE_DE),
    Rule("age", r"\b\d{2}\s*(?:bis|-|–)\s*\d{2}\s*jahre?\s+alt\b", _AGE_DE),
    Rule("age", r"\b(?:im\s+)?alter\s+(?:von|zwischen)\s+\d{2}\b", _AGE_DE),
    Rule("age", r"\b(?:max(?:imal|\.)?|höchstens)\s+\d{2}\s*jahre?\s+alt\b", _AGE_DE),
    Rule("age", r"\bdigital\s+natives?\b", "sicher im Umgang mit digitalen Tools"),
    Rule("age", r"\byoung\s+professionals?\b", "Berufseinsteiger (m/w/d)", drop_in=True),
    Rule("age", r"\bfrisch\w*\s+(?:hochschul)?absolvent\w*", "Berufseinsteiger (m/w/d) willkommen"),
    # gender
    Rule(
        "gender",
        rf"\b(?:\w+e[nrs]?\s+)?(?:frau|mann|dame|herr)\b{_NOT_A_NAME}(?!{_DE_PAIR})",
        "Person (m/w/d) bzw. Verstärkung (m/w/d)",
        rewrite=(r"\b(?:frau|mann|dame|herr)\b", "Verstärkung (m/w/d)"),
    ),
    Rule(
        "gender",
        rf"(?<!und\s)(?<!oder\s)\b(?:\w+e[n]?\s+)?(?:frauen|männer|damen|herren)\b(?!{_DE_PAIR})",
        "Menschen bzw. Kolleg*innen",
        rewrite=(r"\b(?:frauen|männer|damen|herren)\b", "Menschen"),
    ),
    Rule("gender", r"\bmädchen\s+für\s+alles\b", "Allrounder (m/w/d)", drop_in=True),
    Rule("gender", r"\b(?:mädchen|jungs|burschen)\b", "Team", drop_in=True),
    # origin
    Rule(
        "origin",
        r"\b(?:deutsche[rn]?\s+|deutsch\s+als\s+)?muttersprach(?:e|ler\w*|lich\w*)(?:\s+niveau)?\b"
        r"(?:\s+deutsch)?",
        "sehr gute Deutschkenntnisse (C1)",
        drop_in=True,
    ),
    Rule("origin", r"\bnative\s+speaker\w*", "sehr gute Deutschkenntnisse (C1)", drop_in=True),
    Rule("origin", r"\bakzentfrei\w*(?:\s+deutsch)?", "sehr gutes Deutsch", drop_in=True),
    Rule(
        "origin",
        r"\bdeutsche\s+(?:staatsangehörigkeit|staatsbürgerschaft|herkunft|abstammung)\b"
        r"|\bdeutscher\s+(?:staatsbürger|herkunft|abstammung)\b",
        "Arbeitserlaubnis für Deutschland",
        drop_in=True,
    ),
    Rule(
        "origin",
        r"\b(?:keine|ohne)\s+(?:ausländer\w*|migrationshintergrund)\b",
        "(streichen)",
        rewrite=_DELETE,
    ),
    Rule("origin", r"\bnur\s+(?:deutsche|einheimische)\b", "(streichen)", rewrite=_DELETE),
    # religion
    Rule(
        "religion",
        r"\bchristlich\w*\s+(?:weltbild|werte\w*|glaube\w*|bekenntnis|menschenbild|grundhaltung|gesinnung)\b",
        "Identifikation mit unserem Leitbild",
        church_exempt=True,
        drop_in=True,
    ),
    Rule(
        "religion",
        r"\b(?:kirchen|konfessions)(?:zugehörigkeit|mitgliedschaft)\b"
        r"|\bmitglied(?:schaft)?\s+(?:in\s+)?einer\s+(?:christlichen\s+)?kirche\b"
        r"|\b(?:katholisch|evangelisch|muslimisch|jüdisch)\w*\s+(?:konfession|bekenntnis|glaube\w*)\b",
        "Identifikation mit unserem Leitbild",
        church_exempt=True,
    ),
    Rule("religion", r"\b(?:kein|ohne)\s+kopftuch\b", "(streichen)", rewrite=_DELETE),
    # disability
    Rule("disability", r"\bkerngesund\w*", _TASKS_DE),
    Rule(
        "disability",
        r"\bgesunde[nr]?\s+(?:bewerber|mitarbeiter|menschen|kandidat)\w*",
        _TASKS_DE,
        rewrite=(r"gesunde([nr]?)", r"motivierte\1"),
    ),
    Rule(
        "disability",
        r"\b(?:keine|ohne)\s+(?:schwer)?behinderung\b|\bnicht\s+behindert\b"
        r"|\bkörperlich\s+uneingeschränkt\w*|\bohne\s+(?:gesundheitliche\s+)?einschränkungen\b",
        _TASKS_DE,
    ),
)

_EN_MAN_WORDS = {
    "salesman": "sales representative",
    "salesmen": "sales team",
    "chairman": "chair",
    "foreman": "supervisor",
    "foremen": "supervisors",
    "handyman": "maintenance technician",
    "fireman": "firefighter",
    "policeman": "police officer",
    "tradesman": "tradesperson",
    "tradesmen": "tradespeople",
    "craftsman": "craftsperson",
    "deliveryman": "delivery driver",
    "cameraman": "camera operator",
    "manpower": "staff",
    "manning": "staffing",
    "waitress": "server",
    "barmaid": "bar staff",
    "headmaster": "head teacher",
    "stewardess": "flight attendant",
}
_AGE_EN = "the experience the job needs, not an age"
RULES_EN: tuple[Rule, ...] = (
    # age
    Rule("age", r"\byoung\s+and\s+(?:dynamic|energetic|vibrant)\b", "motivated and energetic", drop_in=True),
    Rule("age", r"\byoung(?!'s)\b(?:\s+\w+)?", "motivated (e.g. 'a motivated team')", ("young", "motivated")),
    Rule("age", r"\byouthful\b(?:\s+\w+)?", "energetic", rewrite=("youthful", "energetic")),
    Rule(
        "age",
        r"\b(?:recent|new|fresh)\s+(?:graduates?|grads|school\s+leavers?)\b",
        "entry-level applicants",
        drop_in=True,
    ),
    Rule("age", r"\bdigital\s+natives?\b", "confident with digital tools"),
    Rule("age", r"\byoung\s+professionals?\b", "early-career professionals", drop_in=True),
    Rule(
        "age",
        r"\bmature\s+(?:candidates?|applicants?|person|individuals?)\b",
        "experienced applicants",
        rewrite=("mature", "experienced"),
    ),
    Rule("age", r"\baged\s+\d{2}\s*(?:-|–|to)\s*\d{2}\b", _AGE_EN),
    Rule("age", r"\b(?:no|not)\s+older\s+than\s+\d{2}\b", _AGE_EN),
    Rule("age", r"\bunder[\s-]\d{2}s\b|\bbetween\s+the\s+ages\s+of\b", _AGE_EN),
    # gender
    *(Rule("gender", rf"\b{word}\b", neutral, drop_in=True) for word, neutral in _EN_MAN_WORDS.items()),
    Rule(
        "gender",
        r"\b(?:he|she)\s+(?:will|should|must|is|has|can|would)\b",
        "you will (address the reader)",
        rewrite=(r"\b(?:he|she)\b", "you"),
    ),
    Rule("gender", r"\b(?:girls?|guys|lads|gals)\b", "team", drop_in=True),
    Rule(
        "gender",
        r"\b(?:men|women|males?|females?)\s+only\b"
        r"|\b(?:strong|young|fit|attractive|pretty|reliable)\s+(?:men|man|women|woman|lady|ladies)\b",
        "people (or describe the task)",
    ),
    # origin
    Rule(
        "origin",
        r"\bnative\s+(?:english\s+|german\s+|french\s+)?speakers?\b|\b(?:english|german)\s+native\s+speakers?\b",
        "fluent English speaker (C1 or above)",
        drop_in=True,
    ),
    Rule(
        "origin",
        r"\bmother\s+tongue\b|\b(?:english|german)\s+as\s+(?:a|your)\s+first\s+language\b",
        "fluent English",
    ),
    Rule(
        "origin",
        r"\b(?:british|uk|eu|english)\s+(?:nationals?|citizens?|passport\s+holders?)\s+only\b"
        r"|\bmust\s+be\s+(?:british|english|a\s+uk\s+citizen)\b|\blocals\s+only\b|\bno\s+foreigners\b",
        "the right to work in the UK (we check it for everyone)",
    ),
    Rule(
        "origin",
        r"\bwithout\s+(?:an?\s+)?accent\b|\bno\s+(?:foreign\s+)?accents?\b",
        "clear spoken English",
        drop_in=True,
    ),
    # religion
    Rule(
        "religion",
        r"\bchristian\s+(?:values|ethos|faith|applicants?|candidates?|only)\b"
        r"|\bmust\s+be\s+(?:a\s+)?(?:practising\s+|practicing\s+)?(?:christian|catholic|muslim|jewish|hindu|sikh)\b"
        r"|\bpractising\s+(?:christian|catholic|muslim|jew)\w*|\bchurchgoers?\b",
        "sharing our organisation's values",
        church_exempt=True,
        drop_in=True,
    ),
    # disability
    Rule(
        "disability",
        r"\bable[-\s]bodied\b|\bno\s+disabilit(?:y|ies)\b|\bnot\s+disabled\b|\bfit\s+and\s+healthy\b"
        r"|\bperfect\s+health\b|\bmust\s+not\s+have\s+(?:a\s+|any\s+)?disabilit(?:y|ies)\b",
        "describe the physical tasks (e.g. 'lifting up to 15 kg')",
    ),
)


RULES: dict[str, tuple[Rule, ...]] = {"de": RULES_DE, "en": RULES_EN}

# --- the gender marker of a German job title -----------------------------------------------
MARKER = re.compile(
    r"\(\s*(?:[mwfdxi]|div(?:\.|ers)?)(?:\s*[/|,]\s*(?:[mwfdxi]|div(?:\.|ers)?)){2,3}\s*\)"
    r"|\b[mwf]/[mwf]/[dx]\b|\((?:gn\*?|all\s+genders|alle\s+geschlechter|m/w/d/x)\)",
    _I,
)
# Gender star, colon, underscore, Binnen-I and slash forms on the word itself.
INCLUSIVE_WORD = re.compile(r"[*:_](?:in(?:nen)?)?$|(?<=[a-zäöü])I(?:n|nnen)$|/-?in(?:nen)?$")
# Person designations in the generic masculine or feminine form (compounds end in them:
# "Krankenpfleger", "Lagermitarbeiter"); neutral forms ("-kraft", "-hilfe", "Mitarbeitende")
# need no marker in running copy, though a title should carry one anyway.
_STEMS = (
    r"pfleger|arbeiter|helfer|leiter|berater|techniker|ingenieur|entwickler|verkäufer|fahrer|koch|köchin"
    r"|elektriker|mechaniker|mechatroniker|elektroniker|erzieher|lehrer|arzt|ärztin|ärzte|kaufmann"
    r"|kauffrau|fachmann|fachfrau|assistent|referent|manager|spezialist|therapeut|betreuer|monteur"
    r"|installateur|disponent|kommissionierer|lagerist|buchhalter|designer|werkstudent|praktikant"
    r"|hausmeister|meister|schwester|programmierer|architekt|maler|tischler|schreiner|bäcker|friseur"
    r"|kassierer|reiniger|verwalter|planer|controller|analyst|administrator|sekretär|consultant|operator"
)
GENDERED_PERSON = re.compile(
    rf"\b[\wäöüß]*(?:{_STEMS})(?:in|innen|en|e)?(?:[*:_/]-?(?:in(?:nen)?)?|I(?:n|nnen))?(?=[\s,.;!?)]|$)", _I
)
NEUTRAL_PERSON = re.compile(r"\b[\wäöüß]*(?:kraft|kräfte|hilfe|person|personal)\b", _I)
AS_JOB = re.compile(r"(?:\bals|\bzum|\bzur|\bsuchen|\bsucht|\beine[nr]?)\s+(?:\w+e[nrs]?\s+)?$", _I)
JOB_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:in\s+\w+\s+)?(?:gesucht|werden|wanted)\b", _I)
FALSE_STEMS = re.compile(r"^(?:kochen|leitern?|malern?|meistern?)$", _I)  # verbs and ladders

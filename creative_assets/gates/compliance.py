"""The recruiting-compliance gate: what a job ad must and must not say, as plain functions.

German ads are read against the AGG (Allgemeines Gleichbehandlungsgesetz): §1 forbids
disadvantaging anyone by ethnic origin, gender, religion or belief, disability, age or sexual
identity, and §11 applies that to job ads, so a title that names a person needs a gender marker
("(m/w/d)" or a gender star) and wording such as "junges Team" or "Muttersprachler" is a risk.
English ads are read for the equivalent bias terms (UK Equality Act 2010, US EEO practice).
Customers add their own prohibited claims ("Festanstellung garantiert").

Rules are regular expressions over the copy, with the legitimate look-alikes written into them
as exceptions ("Jugendhilfe", "Frauenklinik", "deutsche Sprachkenntnisse C1", "Junior",
"Seniorenheim"): a skill requirement is fine, a birthplace requirement is not. The labelled
phrases in `creative_assets_tests/gates/compliance_phrases.json` pin what is caught and what is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from creative_assets.models.text import ComplianceCategory, ComplianceFinding, CopyVariant, language_of

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

    def compiled(self) -> re.Pattern[str]:
        return _compile(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern, _I)
    return _CACHE[pattern]


# A name after Frau/Herr ("Frau Berg") is a contact person, not a gender requirement; the
# lookahead is case-sensitive inside a case-insensitive pattern.
_NOT_A_NAME = r"(?!\s+(?-i:(?:Dr\.\s+)?[A-ZÄÖÜ][a-zäöüß]+\b))"
_DE_PAIR = r"(?:\s*(?:und|oder|&|/|,)\s*(?:frauen?|männer|mann|herren|damen|divers\w*))"

RULES_DE: tuple[Rule, ...] = (
    # age
    Rule("age", r"\bjung(?:e[mnrs]?)?\s*(?:,|und)?\s*(?:und\s+)?dynamisch\w*", "engagiert und motiviert"),
    Rule("age", r"\b(?:jung|jünger)(?:e[mnrs]?)?\b(?:\s+\w+)?", "engagiert (z. B. „engagiertes Team“)"),
    Rule("age", r"\bjugendlich\w*(?:\s+\w+)?", "motiviert"),
    Rule(
        "age",
        r"\b(?:berufs(?:anfänger|einsteiger)|absolvent|bewerber|kandidat|mitarbeiter)\w*\s+"
        r"(?:bis|unter)\s+\d{2}\b(?:\s*jahre?n?)?",
        "Berufseinsteiger (m/w/d) willkommen (ohne Altersgrenze)",
    ),
    Rule(
        "age", r"\bnicht\s+älter\s+als\s+\d{2}(?:\s*jahre?)?", "die geforderte Erfahrung statt eines Alters"
    ),
    Rule(
        "age",
        r"\b\d{2}\s*(?:bis|-|–)\s*\d{2}\s*jahre?\s+alt\b",
        "die geforderte Erfahrung statt eines Alters",
    ),
    Rule(
        "age",
        r"\b(?:im\s+)?alter\s+(?:von|zwischen)\s+\d{2}\b",
        "die geforderte Erfahrung statt eines Alters",
    ),
    Rule(
        "age",
        r"\b(?:max(?:imal|\.)?|höchstens)\s+\d{2}\s*jahre?\s+alt\b",
        "die geforderte Erfahrung statt eines Alters",
    ),
    Rule("age", r"\bdigital\s+natives?\b", "sicher im Umgang mit digitalen Tools"),
    Rule("age", r"\byoung\s+professionals?\b", "Berufseinsteiger (m/w/d)"),
    Rule("age", r"\bfrisch\w*\s+(?:hochschul)?absolvent\w*", "Berufseinsteiger (m/w/d) willkommen"),
    # gender
    Rule(
        "gender",
        rf"\b(?:\w+e[nrs]?\s+)?(?:frau|mann|dame|herr)\b{_NOT_A_NAME}(?!{_DE_PAIR})",
        "Person (m/w/d) bzw. Verstärkung (m/w/d)",
    ),
    Rule(
        "gender",
        rf"(?<!und\s)(?<!oder\s)\b(?:\w+e[n]?\s+)?(?:frauen|männer|damen|herren)\b(?!{_DE_PAIR})",
        "Menschen bzw. Kolleg*innen",
    ),
    Rule("gender", r"\bmädchen\s+für\s+alles\b", "Allrounder (m/w/d)"),
    Rule("gender", r"\b(?:mädchen|jungs|burschen)\b", "Team bzw. Kolleg*innen"),
    # origin
    Rule(
        "origin",
        r"\b(?:deutsche[rn]?\s+|deutsch\s+als\s+)?muttersprach(?:e|ler\w*|lich\w*)(?:\s+niveau)?\b"
        r"(?:\s+deutsch)?",
        "sehr gute Deutschkenntnisse (C1)",
    ),
    Rule("origin", r"\bnative\s+speaker\w*", "sehr gute Deutschkenntnisse (C1)"),
    Rule("origin", r"\bakzentfrei\w*(?:\s+deutsch)?", "sehr gute Deutschkenntnisse (C1)"),
    Rule(
        "origin",
        r"\bdeutsche\s+(?:staatsangehörigkeit|staatsbürgerschaft|herkunft|abstammung)\b"
        r"|\bdeutscher\s+(?:staatsbürger|herkunft|abstammung)\b",
        "Arbeitserlaubnis für Deutschland",
    ),
    Rule("origin", r"\b(?:keine|ohne)\s+(?:ausländer\w*|migrationshintergrund)\b", "(streichen)"),
    Rule("origin", r"\bnur\s+(?:deutsche|einheimische)\b", "(streichen)"),
    # religion
    Rule(
        "religion",
        r"\bchristlich\w*\s+(?:weltbild|werte\w*|glaube\w*|bekenntnis|menschenbild|grundhaltung|gesinnung)\b",
        "Identifikation mit unserem Leitbild",
        church_exempt=True,
    ),
    Rule(
        "religion",
        r"\b(?:kirchen|konfessions)(?:zugehörigkeit|mitgliedschaft)\b"
        r"|\bmitglied(?:schaft)?\s+(?:in\s+)?einer\s+(?:christlichen\s+)?kirche\b"
        r"|\b(?:katholisch|evangelisch|muslimisch|jüdisch)\w*\s+(?:konfession|bekenntnis|glaube\w*)\b",
        "Identifikation mit unserem Leitbild",
        church_exempt=True,
    ),
    Rule("religion", r"\b(?:kein|ohne)\s+kopftuch\b", "(streichen)"),
    # disability
    Rule("disability", r"\bkerngesund\w*", "belastbar in wechselnden Schichten"),
    Rule(
        "disability",
        r"\bgesunde[nr]?\s+(?:bewerber|mitarbeiter|menschen|kandidat)\w*",
        "die Anforderungen der Tätigkeit beschreiben",
    ),
    Rule(
        "disability",
        r"\b(?:keine|ohne)\s+(?:schwer)?behinderung\b|\bnicht\s+behindert\b"
        r"|\bkörperlich\s+uneingeschränkt\w*|\bohne\s+(?:gesundheitliche\s+)?einschränkungen\b",
        "die Anforderungen der Tätigkeit beschreiben",
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
RULES_EN: tuple[Rule, ...] = (
    # age
    Rule("age", r"\byoung\s+and\s+(?:dynamic|energetic|vibrant)\b", "motivated and energetic"),
    Rule("age", r"\byoung(?!'s)\b(?:\s+\w+)?", "motivated (e.g. 'a motivated team')"),
    Rule("age", r"\byouthful\b(?:\s+\w+)?", "energetic"),
    Rule(
        "age", r"\b(?:recent|new|fresh)\s+(?:graduates?|grads|school\s+leavers?)\b", "entry-level applicants"
    ),
    Rule("age", r"\bdigital\s+natives?\b", "confident with digital tools"),
    Rule("age", r"\byoung\s+professionals?\b", "early-career professionals"),
    Rule("age", r"\bmature\s+(?:candidates?|applicants?|person|individuals?)\b", "experienced applicants"),
    Rule("age", r"\baged\s+\d{2}\s*(?:-|–|to)\s*\d{2}\b", "the experience the job needs, not an age"),
    Rule("age", r"\b(?:no|not)\s+older\s+than\s+\d{2}\b", "the experience the job needs, not an age"),
    Rule("age", r"\bunder[\s-]\d{2}s\b|\bbetween\s+the\s+ages\s+of\b", "the experience the job needs"),
    # gender
    Rule(
        "gender",
        r"\b(?:" + "|".join(_EN_MAN_WORDS) + r")\b",
        "; ".join(f"{k} → {v}" for k, v in list(_EN_MAN_WORDS.items())[:6]) + " …",
    ),
    Rule("gender", r"\b(?:he|she)\s+(?:will|should|must|is|has|can|would)\b", "you will"),
    Rule("gender", r"\b(?:girls?|guys|lads|gals)\b", "team or colleagues"),
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
        "fluent English (C1 or above)",
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
        "origin", r"\bwithout\s+(?:an?\s+)?accent\b|\bno\s+(?:foreign\s+)?accents?\b", "clear spoken English"
    ),
    # religion
    Rule(
        "religion",
        r"\bchristian\s+(?:values|ethos|faith|applicants?|candidates?|only)\b"
        r"|\bmust\s+be\s+(?:a\s+)?(?:practising\s+|practicing\s+)?(?:christian|catholic|muslim|jewish|hindu|sikh)\b"
        r"|\bpractising\s+(?:christian|catholic|muslim|jew)\w*|\bchurchgoers?\b",
        "sharing our organisation's values",
        church_exempt=True,
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
_AS_JOB = re.compile(r"(?:\bals|\bzum|\bzur|\bsuchen|\bsucht|\beine[nr]?)\s+(?:\w+e[nrs]?\s+)?$", _I)
_JOB_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?(?:in\s+\w+\s+)?(?:gesucht|werden|wanted)\b", _I)
_FALSE_STEMS = re.compile(r"^(?:kochen|leitern?|malern?|meistern?)$", _I)  # verbs and ladders


def has_gender_marker(text: str) -> bool:
    return bool(MARKER.search(text)) or any(INCLUSIVE_WORD.search(w) for w in text.split())


def _gender_marker_findings(text: str, *, is_title: bool) -> list[tuple[int, str]]:
    """(position, phrase) of person designations that lack a marker. In a title every person
    designation counts; in running copy only one used as the job ("als Pfleger", "Pfleger
    gesucht", or opening a headline)."""
    if has_gender_marker(text):
        return []
    found: list[tuple[int, str]] = []
    for match in GENDERED_PERSON.finditer(text):
        word = match.group(0)
        if _FALSE_STEMS.match(word) or INCLUSIVE_WORD.search(word):
            continue
        as_job = is_title or match.start() == 0 or bool(_AS_JOB.search(text[: match.start()]))
        as_job = as_job or bool(_JOB_AFTER.match(text[match.end() :]))
        if as_job:
            found.append((match.start(), word))
    if is_title and not found:
        found = [(m.start(), m.group(0)) for m in NEUTRAL_PERSON.finditer(text)][:1]
    return found


# --- reading a text ----------------------------------------------------------------------------
def normalise(text: str) -> str:
    """OCR and typesetting break lines; "Kranken-\\npfleger" is one word again, and any run of
    whitespace is one space."""
    text = re.sub(r"(?<=[a-zäöüß])-\s*\n\s*(?=[a-zäöüß])", "", text)
    return " ".join(text.split())


def _finding(
    category: ComplianceCategory, phrase: str, suggestion: str, locale: str, field: str | None
) -> ComplianceFinding:
    why = (WHY_DE if language_of(locale) == "de" else WHY_EN)[category].format(phrase=phrase)
    return ComplianceFinding(
        phrase=phrase, category=category, why=why, suggestion=suggestion, locale=locale, field=field
    )


def find_violations(
    text: str,
    locale: str,
    prohibited: Sequence[str] = (),
    *,
    church_employer: bool = False,
    is_title: bool = False,
    field: str | None = None,
) -> list[ComplianceFinding]:
    """Everything `text` (copy, or the OCR of a finished creative) must not say in `locale`,
    in reading order. `prohibited` are the customer's banned claims (matched ignoring case
    and spacing); `church_employer` allows faith requirements (AGG §9)."""
    text = normalise(text)
    language = language_of(locale)
    spans: list[tuple[int, int, ComplianceFinding]] = []
    for rule in RULES.get(language, ()):
        if rule.church_exempt and church_employer:
            continue
        for match in rule.compiled().finditer(text):
            phrase = match.group(0).strip(" ,")
            spans.append(
                (match.start(), match.end(), _finding(rule.category, phrase, rule.suggestion, locale, field))
            )
    if language == "de":
        for start, word in _gender_marker_findings(text, is_title=is_title):
            spans.append(
                (
                    start,
                    start + len(word),
                    _finding("gender_marker", word, f"{word} (m/w/d)", locale, field),
                )
            )
    for claim in prohibited:
        words = [re.escape(w) for w in claim.split()]
        if not words:
            continue
        for match in re.finditer(r"\b" + r"\s+".join(words) + r"\b", text, _I):
            spans.append(
                (
                    match.start(),
                    match.end(),
                    _finding("prohibited_claim", match.group(0), _claim_suggestion(language), locale, field),
                )
            )
    return _without_overlaps(spans)


def _claim_suggestion(language: str) -> str:
    if language == "de":
        return "streichen oder durch eine belegbare Tatsache ersetzen"
    return "remove it or state a fact you can prove"


def _without_overlaps(spans: list[tuple[int, int, ComplianceFinding]]) -> list[ComplianceFinding]:
    """Rules overlap on purpose (a specific one for "jung und dynamisch", a general one for
    "jung"); the longest match at a place is the one a recruiter should read."""
    kept: list[tuple[int, int, ComplianceFinding]] = []
    for start, end, finding in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if any(start < k_end and k_start < end for k_start, k_end, _ in kept):
            continue
        kept.append((start, end, finding))
    return [f for _, _, f in kept]


def variant_fields(variant: CopyVariant, title: str | None = None) -> Iterable[tuple[str, str]]:
    """(field, text) of what the ad says: the job title as used, the rendered lines, benefits."""
    used_title = variant.job_title or title
    if used_title:
        yield "title", used_title
    yield "headline", variant.headline
    yield "subline", variant.subline
    for i, benefit in enumerate(variant.benefits):
        yield f"benefits[{i}]", benefit
    yield "cta", variant.cta


def check_variant(
    variant: CopyVariant,
    locale: str,
    *,
    title: str | None = None,
    prohibited: Sequence[str] = (),
    church_employer: bool = False,
) -> list[ComplianceFinding]:
    """Findings for one copy variant; `title` is the posting's title, used when the variant
    does not say which title it uses."""
    findings: list[ComplianceFinding] = []
    for field, text in variant_fields(variant, title):
        for found in find_violations(
            text,
            locale,
            prohibited,
            church_employer=church_employer,
            is_title=field == "title",
            field=field,
        ):
            findings.append(found.model_copy(update={"variant": variant.variant}))
    return findings


def check_variants(
    variants: Sequence[CopyVariant],
    locale: str,
    *,
    title: str | None = None,
    prohibited: Sequence[str] = (),
    church_employer: bool = False,
) -> list[ComplianceFinding]:
    return [
        f
        for v in variants
        for f in check_variant(v, locale, title=title, prohibited=prohibited, church_employer=church_employer)
    ]


def describe(finding: ComplianceFinding) -> str:
    """One line for logs, metadata and error messages."""
    where = f"{finding.variant or ''} {finding.field or ''}".strip()
    return (
        f"[{finding.category}] {where + ': ' if where else ''}„{finding.phrase}“ — {finding.why} "
        f"Besser/better: {finding.suggestion}"
    )

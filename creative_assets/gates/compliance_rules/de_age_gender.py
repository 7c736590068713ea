"""German rules for age and gender (AGG §1, §11). Gendered job nouns are not here: they are
read by morphology in `persons_de.py`, because a person noun is only a risk where it names the
job or addresses the reader."""

from __future__ import annotations

from creative_assets.gates.compliance_rules.base import AGE_NUMBER, Rule, any_of
from creative_assets.gates.compliance_rules.frames import frame_rules

_AGE = "die geforderte Erfahrung statt eines Alters"
# Who an age or group word describes when it is not the applicant: the people cared for.
CLIENTS_DE = any_of(
    r"Kinder\w*",
    r"Jugendliche\w*",
    r"Schüler\w*",
    r"Patient\w*",
    r"Bewohner\w*",
    r"Klient\w*",
    r"Menschen",
    r"Familien",
    r"Senior\w*",
    r"Erwachsene\w*",
    r"Eltern",
    r"Mütter\w*",
    r"Geflüchtete\w*",
)
# A young company is not a young workforce ("junges Start-up").
COMPANY_DE = r"(?:Unternehmen|Start-?ups?|Firma|Marke|Label|Agentur|Gründung)"
_CLIENT_BEFORE = rf"{CLIENTS_DE}\s+(?:\w+\s+){{0,2}}"
_CARE_FOR = r"\b(?:für|betreu\w*|begleit\w*|unterstütz\w*|versorg\w*|pfleg\w*|förder\w*)\s+(?:unsere\s+)?"
# People an age limit can be attached to: "Bewerber unter 35", "Absolventen bis 28 Jahre".
PERSONS_DE = any_of(
    r"Bewerb\w*",
    r"Kandidat\w*",
    r"Absolvent\w*",
    r"Schulabgänger\w*",
    r"Berufs(?:anfänger|einsteiger|starter)\w*",
    r"Mitarbeit\w*",
    r"Auszubildende\w*",
    r"Azubis?",
    r"Trainees?",
    r"Studierende\w*",
    r"Student\w*",
    r"Interessent\w*",
    r"Personen",
    r"Verstärkung",
    r"Nachwuchs\w*",
    r"Talente?",
)
_MONTHS = r"Jan\w*|Feb\w*|März|Apr\w*|Mai|Juni?|Juli?|Aug\w*|Sep\w*|Okt\w*|Nov\w*|Dez\w*"
_NOT_A_COUNT = (
    r"(?!\s*(?:%|Prozent|€|Euro|Std|Stunden|Minuten|Uhr|Tage|Wochen|Monate|km|kg|Mitarbeit\w*|Personen|Plätze)"
    rf"|\.\s*(?:\d|{_MONTHS}))"
)
_YEARS = r"\s*(?:Jahre|Jahren|J\.)"
_NOT_EXPERIENCE = (
    r"(?!\s*(?:Berufs|Branchen|Führungs|Projekt)?erfahrung|\s*Betriebszugehörigkeit|\s*Garantie)"
)
# A name after Frau/Herr ("Frau Berg") is a contact person, not a gender requirement; the
# lookahead is case-sensitive inside a case-insensitive pattern.
_NOT_A_NAME = r"(?!\s+(?-i:(?:Dr\.\s+)?[A-ZÄÖÜ][a-zäöüß]+\b))"
_DE_PAIR = r"(?:\s*(?:und|oder|&|/|,)\s*(?:frauen?|männer|mann|herren|damen|divers\w*))"

AGE_DE: tuple[Rule, ...] = (
    Rule(
        "age",
        r"\bjung(?:e[mnrs]?)?\s*(?:,|und)?\s*(?:und\s+)?dynamisch\w*",
        "engagiert und motiviert",
        rewrite=(r"jung(e[mnrs]?)?\s*(?:,|und)?\s*(?:und\s+)?dynamisch(\w*)", r"engagiert\1 und motiviert\2"),
    ),
    Rule(
        "age",
        rf"\b(?:jung|jünger)(?:e[mnrs]?)?\b(?!\s+(?:{CLIENTS_DE}|{COMPANY_DE})\b)(?:\s+\w+)?",
        "engagiert (z. B. „engagiertes Team“)",
        rewrite=(r"j[uü]ng(?:er)?", "engagiert"),
    ),
    Rule("age", r"\b(?:suchen|sucht)\s+(?:wir\s+)?junge\s+(?:Menschen|Leute)", "Verstärkung (m/w/d)"),
    Rule("age", r"\bjung\s*geblieben\w*(?:\s+\w+)?", "engagiert", rewrite=(r"jung\s*geblieben", "engagiert")),
    Rule(
        "age",
        r"\bjugendlich\w*\s+(?:Team|Umfeld|Ausstrahlung|Auftreten|Erscheinung|Energie|Charme|Flair|Kollegium"
        r"|Truppe|Atmosphäre|Arbeitsklima|Spirit|Mitarbeit\w*|Bewerb\w*|Kolleg\w*)",
        "motiviert",
        rewrite=("jugendlich", "motiviert"),
    ),
    # Numbers: ranges, limits, decades ("zwischen 25 und 35 Jahre alt", "unter 25", "Mitte 20").
    Rule(
        "age",
        rf"\b(?:zwischen\s+)?{AGE_NUMBER}\s*(?:bis|-|–|und)\s*{AGE_NUMBER}{_YEARS}(?:\s+alt)?\b{_NOT_EXPERIENCE}",
        _AGE,
        not_after=_CLIENT_BEFORE + r"(?:im\s+Alter\s+)?(?:von|zwischen)?",
    ),
    Rule("age", rf"\b(?:nicht\s+)?(?:älter|jünger)\s+als\s+{AGE_NUMBER}\b(?:{_YEARS})?", _AGE),
    Rule(
        "age",
        rf"\b(?:max(?:imal|\.)?|höchstens|bis|unter|über|ab|zwischen)\s+{AGE_NUMBER}{_YEARS}\s+alt\b",
        _AGE,
    ),
    Rule("age", rf"\b{AGE_NUMBER}{_YEARS}\s+alt\b", _AGE, not_after=_CLIENT_BEFORE + r"(?:\w+\s+)?"),
    Rule(
        "age",
        rf"\b{PERSONS_DE}\s+(?:[\w-]+\s+){{0,3}}?(?:bis|unter|über|ab|zwischen|jünger\s+als)\s+{AGE_NUMBER}\b{_NOT_A_COUNT}"
        rf"(?:{_YEARS})?{_NOT_EXPERIENCE}",
        "Berufseinsteiger (m/w/d) willkommen (ohne Altersgrenze)",
    ),
    Rule("age", rf"\b(?:und|sind|bist|ist|sein)\s+(?:unter|über)\s+{AGE_NUMBER}\s*(?:[.!?,;]|$)", _AGE),
    Rule(
        "age",
        rf"\b(?:im\s+)?alter\s+(?:von|zwischen|bis|unter|über|ab)\s+{AGE_NUMBER}\b",
        _AGE,
        not_after=_CLIENT_BEFORE,
    ),
    Rule(
        "age",
        r"\b(?:Anfang|Mitte|Ende)\s+(?:(?:und|bis)\s+(?:Anfang|Mitte|Ende)\s+)?"
        r"(?:[2-6]0|zwanzig|dreißig|vierzig|fünfzig|sechzig)\b",
        _AGE,
        not_after=_CLIENT_BEFORE,
    ),
    Rule(
        "age",
        r"\b(?:Alters(?:grenze|beschränkung|limit|vorgabe|spanne)|Höchstalter|Durchschnittsalter)\b(?:\s*:?\s*\w+)?",
        _AGE,
    ),
    Rule("age", r"\bMindestalter\s*:?\s*(?!1[4-8]\b)\d{2}\b", _AGE),
    Rule("age", rf"\b{AGE_NUMBER}-?[Jj]ährige\w*", _AGE, not_after=_CLIENT_BEFORE),
    Rule("age", r"\b(?:Ü|U)\s?[2-7]0\b|\bJahrgang\s+(?:19|20)\d\d\b", _AGE),
    # Experience capped from above is an age in disguise (BAG: "0–2 Jahre Berufserfahrung").
    Rule(
        "age",
        r"\b(?:0\s*(?:bis|-|–)|maximal|höchstens|bis\s+zu|nicht\s+mehr\s+als)\s*\d{1,2}\s*Jahre?n?\s+(?:Berufs)?erfahrung"
        r"|\b(?:Berufs)?erfahrung\s*:?\s*(?:0\s*(?:bis|-|–)|maximal|höchstens|bis\s+zu)\s*\d{1,2}\s*Jahre?n?"
        r"|\bin\s+den\s+ersten\s+\w+\s+Berufsjahren\b",
        "die Erfahrung, die die Aufgabe verlangt (ohne Obergrenze)",
    ),
    # Career stage as age: freshly out of school ("frisch gebacken", "kürzlich abgeschlossen").
    Rule(
        "age",
        r"\bfrisch\s*gebacken\w*|\bfrisch\s+(?:von\s+der\s+(?:Uni|Hochschule|Schule)|aus\s+(?:der|dem)\s+\w+)"
        r"|\b(?:kürzlich|gerade|soeben|frisch)\s+(?:\w+\s+)?(?:Studium|Ausbildung|Abschluss|Abitur)\s+"
        r"(?:abgeschlossen|beendet|gemacht|absolviert)",
        "Berufseinsteiger (m/w/d) willkommen",
    ),
    Rule("age", r"\bfrisch\w*\s+(?:hochschul)?absolvent\w*", "Berufseinsteiger (m/w/d) willkommen"),
    Rule("age", r"\bdigital\s+natives?\b|\bGen(?:eration)?\s*Z\b", "sicher im Umgang mit digitalen Tools"),
    Rule("age", r"\byoung\s+professionals?\b", "Berufseinsteiger (m/w/d)", drop_in=True),
    *frame_rules(
        "de",
        "age",
        r"Rentner\w*|Pensionär\w*|Senior(?:en|innen)|Ältere\w*|ältere\s+(?:Bewerb\w*|Menschen|Mitarbeit\w*"
        r"|Arbeitnehmer\w*|Kandidat\w*|Personen)|Jüngere\w*|jüngere\s+(?:Bewerb\w*|Mitarbeit\w*|Kandidat\w*)"
        rf"|(?:über|ab)\s+{AGE_NUMBER}-?[Jj]ährige\w*|Bewerbungen\s+(?:ab|über)\s+{AGE_NUMBER}",
        "Menschen jeden Alters (oder den Satz streichen)",
        not_after=_CARE_FOR,
    ),
)

GENDER_DE: tuple[Rule, ...] = (
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
    Rule(
        "gender",
        r"\b(?:nur\s+|ausschließlich\s+)?(?:männlich|weiblich)e[nrs]?\s+(?:Bewerb\w*|Kandidat\w*|Mitarbeit\w*|Person\w*"
        r"|Kräfte|Verstärkung|Kolleg\w*)",
        "Bewerber*innen",
    ),
)
# Positive action (AGG §5) and occupational requirements (§8) stated in the sentence.
LAWFUL_AGE_DE = r"\bjeden\s+Alters\b|\bunabhängig\s+vom\s+Alter\b|\bJugendschutz\w*|\bJArbSchG\b"
LAWFUL_GENDER_DE = (
    r"\bBewerbungen?\s+von\s+(?:Frauen|Männern)\b|unterrepräsentiert|\bFrauenförderung|\bfördern\s+(?:\w+\s+)?Frauen"
    r"|\bgleichermaßen\b|\bChancengleichheit|\bGleichstellung|§\s*8\s*AGG|berufliche\s+Anforderung"
    r"|\bFrauen\s+und\s+Männer\b|\bMänner\s+und\s+Frauen\b"
)

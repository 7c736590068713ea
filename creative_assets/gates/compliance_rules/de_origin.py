"""German rules for ethnic origin (AGG §1, §11): origin asked for by language ("Deutsch als
Muttersprache", BAG 8 AZR 402/15), by citizenship or passport, by birthplace, by residence
history, or by excluding or preferring national groups. A language level (C1) and a work permit
are skills and legal facts, not origin, and pass."""

from __future__ import annotations

from creative_assets.gates.compliance_rules.base import DELETE, NUMBER_WORDS_DE, Rule, any_of
from creative_assets.gates.compliance_rules.frames import frame_rules

_PERMIT = "Arbeitserlaubnis für Deutschland"
NATIONAL_DE = any_of(
    r"deutsch",
    r"österreichisch",
    r"schweizer(?:isch)?",
    r"polnisch",
    r"rumänisch",
    r"bulgarisch",
    r"türkisch",
    r"russisch",
    r"ukrainisch",
    r"italienisch",
    r"spanisch",
    r"portugiesisch",
    r"französisch",
    r"griechisch",
    r"kroatisch",
    r"serbisch",
    r"albanisch",
    r"arabisch",
    r"afrikanisch",
    r"asiatisch",
    r"osteuropäisch",
    r"europäisch",
    r"britisch",
    r"amerikanisch",
    r"chinesisch",
    r"indisch",
    r"syrisch",
    r"einheimisch",
)
_DOCUMENT = any_of(
    r"Staatsangehörigkeit",
    r"Staatsbürgerschaft",
    r"Nationalität",
    r"Herkunft",
    r"Abstammung",
    r"Wurzeln",
    r"(?:Reise)?pass",
    r"Personalausweis",
    r"Staatsbürger\w*",
    r"Staatsangehörige\w*",
)
_PEOPLE = any_of(
    r"Bewerb\w*",
    r"Kandidat\w*",
    r"Mitarbeit\w*",
    r"(?:Arbeits|Pflege|Fach|Hilfs)?kräfte",
    r"Arbeitnehmer\w*",
    r"Personen",
    r"Menschen",
    r"Handwerker\w*",
    r"Kolleg\w*",
)
_LIVE = r"(?:lebst|lebt|leben|wohnst|wohnt|wohnen|ansässig|gemeldet|Wohnsitz)"

ORIGIN_DE: tuple[Rule, ...] = (
    Rule(
        "origin",
        r"\b(?:deutsche[rn]?\s+|deutsch\s+als\s+|deutsch\s+auf\s+)?muttersprach\w*(?:\s+niveau)?\b(?:\s+deutsch)?",
        "sehr gute Deutschkenntnisse (C1)",
        drop_in=True,
    ),
    Rule(
        "origin",
        r"\bnative[-\s]+(?:level|speaker)\w*(?:\s+deutsch)?",
        "sehr gute Deutschkenntnisse (C1)",
        drop_in=True,
    ),
    Rule(
        "origin",
        r"\bakzentfrei\w*(?:\s+deutsch)?|\bohne\s+(?:\w+\s+)?Akzent\b",
        "sehr gutes Deutsch",
        drop_in=True,
    ),
    # Citizenship, passport, descent: "deutsche Staatsangehörigkeit", "mit deutschem Pass".
    Rule("origin", rf"\b{NATIONAL_DE}\w*\s+{_DOCUMENT}\b", _PERMIT, drop_in=True),
    Rule("origin", r"\bdeutscher\s+(?:staatsbürger|herkunft|abstammung)\b", _PERMIT, drop_in=True),
    Rule(
        "origin",
        r"\b(?:Staatsangehörigkeit|Nationalität|Herkunft|Geburtsort|Geburtsland)\b[^.!?;]{0,30}?\b(?:an(?:geben|zugeben)|angeben|nennen)\b"
        r"|\bAngabe\s+(?:der|Ihrer|deiner)\s+(?:Staatsangehörigkeit|Nationalität|Herkunft)",
        "(streichen: die Arbeitserlaubnis wird bei der Einstellung geprüft)",
        rewrite=DELETE,
    ),
    # Birthplace: "in Deutschland geboren", "gebürtige Deutsche".
    Rule(
        "origin",
        r"\bin\s+(?:Deutschland|Österreich|der\s+Schweiz|der\s+EU|Europa|[A-ZÄÖÜ][\w-]+)\s+geboren\w*"
        r"|\bgeboren\s+(?:und\s+aufgewachsen\s+)?in\s+[A-ZÄÖÜ][\w-]+|\bgebürtige?[nrs]?\s+[A-ZÄÖÜ]\w+"
        r"|\bGeburts(?:ort|land)\b",
        "(streichen)",
        rewrite=DELETE,
    ),
    # Residence history: "du lebst seit mindestens zehn Jahren in Deutschland".
    Rule(
        "origin",
        rf"\b{_LIVE}\b[^.!?;]{{0,40}}?\b(?:seit|mindestens|über|mehr\s+als|länger\s+als)\s+(?:mindestens\s+)?"
        rf"{NUMBER_WORDS_DE}\s+Jahre\w*"
        rf"|\b(?:seit|mindestens)\s+(?:mindestens\s+)?{NUMBER_WORDS_DE}\s+Jahre\w*\s+(?:in|im)\s+[\w-]+(?:\s+[\w-]+)?\s+{_LIVE}",
        "(streichen: eine Wohndauer ist keine Qualifikation)",
        unless=r"^\s*(?:wir|unser\w*|das\s+unternehmen|die\s+firma)\b",
    ),
    Rule(
        "origin",
        r"\b(?:keine|ohne)\s+(?:ausländer\w*|migrationshintergrund)\b",
        "(streichen)",
        rewrite=DELETE,
    ),
    *frame_rules(
        "de",
        "origin",
        r"Ausländer\w*|ausländische\w*\s+(?:Bewerb\w*|Kandidat\w*|Personen)|Einheimische\w*"
        r"|(?-i:Deutsche)\b(?!\s+(?-i:[A-ZÄÖÜ]))|Nicht-?Deutsche\w*|Nicht-?EU-?\w*|EU-Bürger\w*|Migrant\w*"
        r"|Zuwanderer\w*|Asylbewerber\w*|Flüchtling\w*"
        rf"|{_PEOPLE}\s+aus\s+(?:der\s+EU|dem\s+Ausland|Osteuropa|Drittstaaten|Nicht-EU-\w+|[A-ZÄÖÜ][\w-]+)"
        rf"|{_PEOPLE}\s+mit\s+\w+e[mn]\s+(?:Reise)?pass|{NATIONAL_DE}e[nrs]?\s+{_PEOPLE}",
        "(streichen: wer die Aufgaben kann, ist willkommen)",
    ),
)
# A language job needs the language itself; public-law posts may require citizenship.
LAWFUL_ORIGIN_DE = (
    r"\bBeamt\w*|\bverbeamt\w*|BeamtStG|\bhoheitlich\w*|Sicherheitsüberprüfung|Geheimschutz"
    r"|\bÜbersetz\w*|\bDolmetsch\w*|\bLektor\w*|\bSprecher\w*|\bSynchron\w*|\bHörbuch\w*|\bSprachlehr\w*|\bDeutschlehr\w*"
)

"""German rules for religion and disability (AGG §1, §9, §11).

Religion: membership of a church or faith required, asked for, or its absence excluded; religious
dress refused. A church employer may ask for its faith (AGG §9; EuGH C-414/16 Egenberger limits
this to jobs where it is a genuine requirement, which the customer's `church_employer` flag
stands for). Disability: health or ability stated as a blanket requirement ("uneingeschränkt
belastbar", "frei von Vorerkrankungen") or disabled people excluded. Tasks ("Heben bis 20 kg"),
licences and positive statements pass.
"""

from __future__ import annotations

from creative_assets.gates.compliance_rules.base import DELETE, Rule, any_of
from creative_assets.gates.compliance_rules.frames import frame_rules

_FAITH_ADJ = any_of(
    r"christlich",
    r"katholisch",
    r"evangelisch",
    r"protestantisch",
    r"muslimisch",
    r"islamisch",
    r"jüdisch",
    r"orthodox",
    r"freikirchlich",
    r"religiös",
)
_FAITH_BODY = r"(?:Kirche|Religionsgemeinschaft|Glaubensgemeinschaft|Konfession|Moschee\w*|Synagoge\w*)"
_LEITBILD = "Identifikation mit unserem Leitbild"
_DRESS = (
    r"(?:Kopftuch\w*|Kopftücher\w*|Hidschab|Hijab|Burka|Nikab|Niqab|Turban\w*|Kippa\w*"
    r"|religiöse[nr]?\s+(?:Symbol\w*|Kleidung|Zeichen|Kopfbedeckung\w*))"
)
_TASKS = "die Anforderungen der Tätigkeit beschreiben"
_ILLNESS = (
    r"(?:\w*(?:erkrankung\w*|krankheit\w*|leiden|allergie\w*|behinderung\w*|gebrechen)"
    r"|(?:gesundheitlich|körperlich|psychisch)e[nr]?\s+(?:Einschränkung|Beeinträchtigung|Beschwerde)\w*)"
)

RELIGION_DE: tuple[Rule, ...] = (
    Rule(
        "religion",
        rf"\b{_FAITH_ADJ}\w*\s+(?:weltbild|werte\w*|glaube\w*|bekenntnis|menschenbild|grundhaltung|gesinnung"
        r"|überzeugung\w*|lebensführung|konfession)\b",
        _LEITBILD,
        church_exempt=True,
        drop_in=True,
    ),
    Rule(
        "religion",
        r"\b\w*(?:kirchen|konfessions|religions|glaubens)(?:zugehörigkeit|mitgliedschaft)\b"
        rf"|\b(?:Mitglied(?:schaft|ern|er|s)?|Zugehörigkeit|angehör\w*|gehör\w*)\b[^.!?;]{{0,40}}?\b{_FAITH_BODY}\b"
        rf"|\b{_FAITH_BODY}\b[^.!?;]{{0,30}}?\b(?:angehör\w*|an|Mitglied\w*)\b",
        _LEITBILD,
        church_exempt=True,
    ),
    Rule(
        "religion",
        r"\b(?:Konfession|Religion\w*|Glaubensrichtung|Bekenntnis)\b[^.!?;]{0,40}?\b(?:an(?:geben|zugeben)|angeben|mitteilen|nennen|ausweisen)\b"
        r"|\b(?:Angabe|angeben)\b[^.!?;]{0,30}?\b(?:Konfession|Religion\w*)",
        "(streichen)",
        church_exempt=True,
        rewrite=DELETE,
    ),
    Rule(
        "religion",
        rf"\b(?:kein\w*|ohne|nicht|verboten|untersagt)\b[^.!?;]{{0,30}}?\b{_DRESS}"
        rf"|\b{_DRESS}[^.!?;]{{0,60}}?\b(?:nicht|verboten|untersagt|abzusehen|unerwünscht|keine)\b",
        "(streichen)",
        rewrite=DELETE,
    ),
    Rule(
        "religion",
        r"\b(?:gläubig|praktizierend)\w*\s+(?:Christ|Muslim|Katholik|Jud|Jüd|Protestant)\w*",
        _LEITBILD,
        church_exempt=True,
    ),
    *frame_rules(
        "de",
        "religion",
        r"Konfessionslose\w*|Atheist\w*|(?:aus\s+der\s+Kirche\s+)?Ausgetretene\w*|Christ(?:en|innen)\b|Muslim(?:e|a|innen)\b"
        r"|Jud(?:en|innen)\b|Katholik\w*|Protestant\w*"
        rf"|{_FAITH_ADJ}e[nr]?\s+(?:Bewerb\w*|Mitarbeit\w*|Kandidat\w*|Personen|Menschen)",
        "(streichen: Religion ist keine Qualifikation)",
        church_exempt=True,
    ),
)

DISABILITY_DE: tuple[Rule, ...] = (
    Rule("disability", r"\bkerngesund\w*|\btopfit\b|\bfit\s+und\s+belastbar\b", _TASKS),
    Rule(
        "disability",
        r"\bgesunde[nr]?\s+(?:bewerber|mitarbeiter|menschen|kandidat|kolleg|kräfte|leute)\w*"
        r"|\bgesunde[nr]?\s+(?-i:[A-ZÄÖÜ])\w+\s+gesucht",
        _TASKS,
        rewrite=(r"gesunde([nr]?)", r"motivierte\1"),
    ),
    # Ability stated as a blanket requirement: "uneingeschränkt körperlich belastbar".
    Rule(
        "disability",
        r"\b(?:uneingeschränkt|voll|vollständig|100\s*%|absolut)\w*\s+(?:körperlich|gesundheitlich|physisch|psychisch)\w*\s+belastbar\w*"
        r"|\b(?:körperlich|gesundheitlich|physisch|psychisch)\w*\s+(?:uneingeschränkt|voll|vollständig)\w*(?:\s+belastbar\w*)?"
        r"|\bvolle\s+(?:körperliche|gesundheitliche|physische|psychische)\s+Belastbarkeit"
        r"|\bin\s+jeder\s+Hinsicht\s+belastbar\w*",
        _TASKS,
    ),
    Rule(
        "disability",
        r"\b(?:nie|selten|kaum)\s+krank\b|\b(?:keine|wenige?|geringe)\s+(?:Krankheits|Fehl)(?:tage|zeiten)\b",
        _TASKS,
    ),
    Rule(
        "disability",
        rf"\b(?:keine|ohne|frei\s+von)\s+(?:\w+\s+){{0,2}}?(?:schwer)?behinderung\b|\bnicht\s+behindert\b"
        rf"|\b(?:keine|ohne|frei\s+von)\s+(?:\w+\s+){{0,2}}?(?:Vor)?{_ILLNESS}",
        _TASKS,
    ),
    *frame_rules(
        "de",
        "disability",
        r"(?:Schwer)?[Bb]ehinderte\w*|Menschen\s+mit\s+(?:\w+\s+)?(?:Behinderung\w*|Schwerbehinderung|Handicap|Beeinträchtigung\w*)"
        r"|(?:Bewerb\w*|Personen|Kandidat\w*|Mitarbeit\w*)\s+mit\s+(?:\w+\s+){0,3}?(?:Schwerbehinderung|Behinderung\w*|Handicap"
        r"|Beeinträchtigung\w*|Diabetes|Epilepsie|Depression\w*|Rückenleiden|Erkrankung\w*|Vorerkrankung\w*|Krankheit\w*"
        r"|Allergie\w*|Schwerbehindertenausweis)|Rollstuhl(?:fahrer|nutzer)\w*|Gehbehinderte\w*|chronisch\s+Kranke\w*"
        r"|(?:Schwer)?[Bb]ehindertenausweis|Schwerbehinderung",
        _TASKS,
        prefer=False,
    ),
)
LAWFUL_RELIGION_DE = (
    r"\b(?:aller|jeder)\s+(?:Religion|Konfession|Weltanschauung)\w*"
    r"|\bunabhängig\s+von\s+(?:der\s+)?(?:Religion|Konfession)"
)
LAWFUL_DISABILITY_DE = (
    r"bei\s+gleicher\s+Eignung|\bwillkommen\b|\berwünscht\b|\bfreuen\s+uns|\bausdrücklich\b|\bbarrierefrei\w*"
    r"|SGB\s*IX|Schwerbehindertenvertretung|\bInklusion\w*|\bgleichgestellte\w*"
)

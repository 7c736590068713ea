"""Copy templates of the local copywriter, one angle per variant, in German and English.

Each field lists candidates from most to least specific; the writer takes the first that fits
the limits of the CopyVariant model, so long job titles degrade to shorter lines, never to
truncated ones. The last candidates name no person, so the writer has a compliant line
to fall back on when the compliance gate rejects a title without its gender marker.

Placeholders (filled by `writer.copy_values`): {short} title, {city}, {company} the name as a
label ("Klinikum am See: …", a phrasing that needs no article), {b0}–{b4} benefits opening a
sentence and {m0}–{m4} the same inside one ("weekly pay"), {pattern}/{Pattern} employment type
and shift ("full-time night shifts"), {pay}. German: {beim}/{Beim} ("beim Klinikum am See"),
{Der} ("Das Klinikum am See") and {sucht} (agreeing with it), {in_city} (" in Ulm", empty when
the name holds the city: "die Stadtwerke Ulm"); a candidate using them is skipped
when the name's grammar is unknown (`employer.py`), so the last candidate of every German list
needs none. English: {at} ("the University of Leeds"), {The} and {a_short} ("an Office Manager").
A candidate whose placeholder has no value is skipped the same way: {pay} without a salary, and
the benefits in a locale of another language than the posting's (a template cannot translate
them, and "30 Tage Urlaub" has no place in an English sentence).

Templates are per language; a locale only changes spelling (`localise`: en-US vs en-GB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from creative_assets.models import Variant


@dataclass(frozen=True)
class AngleTemplate:
    angle: str
    headlines: tuple[str, ...]
    sublines: tuple[str, ...]
    ctas: tuple[str, ...]
    anchors: tuple[str, ...]
    style: str
    benefit_offset: int


TEMPLATES: dict[str, dict[Variant, AngleTemplate]] = {
    "de": {
        "A": AngleTemplate(
            angle="benefits",
            headlines=(
                "{short} gesucht",
                "{short} in {city}",
                "Jetzt {short} werden",
                "{short}",
                "{Der} {sucht} dich",
                "{company}: Wir suchen dich",
            ),
            sublines=(
                "{b0} und {m1} {beim}",
                "{company}: {b0} und {m1}",
                "{b0} {beim}",
                "{company}: {b0}",
                "{Beim}{in_city}",
                "{company}{in_city}",
            ),
            ctas=("Jetzt bewerben",),
            anchors=("Sicherheit", "Wertschätzung"),
            style="clear, confident, bright daylight",
            benefit_offset=0,
        ),
        "B": AngleTemplate(
            angle="purpose",
            headlines=("Deine Arbeit zählt", "Arbeit mit Sinn"),
            sublines=(
                "Als {short} (m/w/d) {beim} machst du den Unterschied",
                "Als {short} (m/w/d) machst du den Unterschied",
                "{Beim} machst du den Unterschied",
                "{company}: Hier machst du den Unterschied",
            ),
            ctas=("Mehr erfahren",),
            anchors=("Sinn", "Stolz", "Nähe"),
            style="warm, human, reassuring",
            benefit_offset=1,
        ),
        "C": AngleTemplate(
            angle="growth",
            headlines=("Wachse mit uns", "Dein nächster Schritt"),
            sublines=(
                "{b3} für deinen nächsten Schritt als {short} (m/w/d)",
                "{b3} {beim}",
                "{company}: {b3}",
                "Karriere {beim}",
                "Deine Karriere: {company}",
            ),
            ctas=("Karriere starten",),
            anchors=("Entwicklung", "Zukunft"),
            style="optimistic, forward-looking, airy",
            benefit_offset=2,
        ),
        "D": AngleTemplate(
            angle="team",
            headlines=("Ein Team, das trägt", "Starkes Team in {city}"),
            sublines=(
                "{Der}{in_city} {sucht} dich: {pattern}, {m2}",
                "{company}{in_city}: {pattern}, {m2}",
                "{Der}{in_city} {sucht} dich: {pattern}",
                "{company}{in_city}: {pattern}",
                "{company}: {pattern}",
            ),
            ctas=("Team kennenlernen",),
            anchors=("Zusammenhalt", "Vertrauen"),
            style="friendly, candid, together",
            benefit_offset=3,
        ),
        "E": AngleTemplate(
            angle="location",
            headlines=("{city} braucht dich", "Arbeiten in {city}"),
            sublines=(
                "{short} (m/w/d), {pattern}, {pay}",
                "{short} (m/w/d), {pattern}",
                "{Pattern} in {city}",
            ),
            ctas=("In 2 Minuten bewerben", "Schnell bewerben"),
            anchors=("Heimat", "Lebensqualität"),
            style="local, sunny, inviting",
            benefit_offset=4,
        ),
    },
    "en": {
        "A": AngleTemplate(
            angle="benefits",
            headlines=("{short} wanted", "{short} in {city}", "Now hiring in {city}", "{The} is hiring"),
            sublines=("{b0} and {m1} at {at}", "{b0} at {at}", "Join {at}{in_city}"),
            ctas=("Apply now",),
            anchors=("security", "respect"),
            style="clear, confident, bright daylight",
            benefit_offset=0,
        ),
        "B": AngleTemplate(
            angle="purpose",
            headlines=("Work that matters", "Make a difference"),
            sublines=(
                "As {a_short} at {at}, you make a difference in {city}",
                "As {a_short}, you make a difference in {city}",
                "At {at}, your work makes a difference",
            ),
            ctas=("Find out more",),
            anchors=("pride", "purpose"),
            style="warm, human, reassuring",
            benefit_offset=1,
        ),
        "C": AngleTemplate(
            angle="growth",
            headlines=("Grow with us", "Your next step"),
            sublines=(
                "{b2} for your next step as {a_short}",
                "{b2} at {at}",
                "Build your career at {at}",
            ),
            ctas=("Start your career",),
            anchors=("progress", "future"),
            style="optimistic, forward-looking, airy",
            benefit_offset=2,
        ),
        "D": AngleTemplate(
            angle="team",
            headlines=("A team that has your back", "A great team in {city}"),
            sublines=(
                "{The}{in_city} is hiring: {pattern}, {m1}",
                "{The}{in_city} is hiring: {pattern}",
                "{The} is hiring: {pattern}",
            ),
            ctas=("Meet the team",),
            anchors=("belonging", "trust"),
            style="friendly, candid, together",
            benefit_offset=3,
        ),
        "E": AngleTemplate(
            angle="location",
            headlines=("{city} needs you", "Work in {city}"),
            sublines=("{short}, {pattern}, {pay}", "{short}, {pattern}", "{Pattern} in {city}"),
            ctas=("Apply in 2 minutes", "Apply fast"),
            anchors=("home", "quality of life"),
            style="local, sunny, inviting",
            benefit_offset=4,
        ),
    },
}

AUDIENCE = {
    "de": "Fachkräfte als {short} in {city} und Umgebung",
    "en": "people looking for {short} work in and around {city}",
}
TONE = {"de": "du-Ansprache, herzlich, klar", "en": "direct, warm, plain English"}

# British spelling is the English default (DEFAULT_LOCALE); American English differs only here.
US_SPELLING = {
    "centre": "center",
    "colour": "color",
    "organisation": "organization",
    "programme": "program",
    "rota": "schedule",
    "travelling": "traveling",
}


def localise(text: str, locale: str) -> str:
    """Locale-specific spelling of a line written from the language's templates."""
    if locale != "en-US":
        return text
    for british, american in US_SPELLING.items():
        text = re.sub(rf"\b{british}(s?)\b", rf"{american}\1", text)
        text = re.sub(rf"\b{british.capitalize()}(s?)\b", rf"{american.capitalize()}\1", text)
    return text

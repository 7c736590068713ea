"""Copy templates of the local copywriter, one angle per variant, in German and English.

Each field lists candidates from most to least specific; the writer takes the first that fits
the limits of the CopyVariant model, so long job titles degrade to shorter lines, never to
truncated ones. The last candidates name no person, so the writer has a compliant line
to fall back on when the compliance gate rejects a title without its gender marker.

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
                "{company} sucht dich",
            ),
            sublines=("{b0} und {b1} bei {company}", "{b0} bei {company}", "Bei {company} in {city}"),
            ctas=("Jetzt bewerben",),
            anchors=("Sicherheit", "Wertschätzung"),
            style="clear, confident, bright daylight",
            benefit_offset=0,
        ),
        "B": AngleTemplate(
            angle="purpose",
            headlines=("Deine Arbeit zählt", "Arbeit mit Sinn"),
            sublines=(
                "Als {short} (m/w/d) bei {company} machst du den Unterschied",
                "Als {short} (m/w/d) machst du den Unterschied",
                "Bei {company} machst du den Unterschied",
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
                "{b3} für deinen nächsten Schritt als {short}",
                "{b3} bei {company}",
                "Karriere bei {company}",
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
                "{company} in {city} sucht dich: {employment}, {b2}",
                "{company} sucht dich: {employment}",
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
                "{short} (m/w/d), {employment}, {pay}",
                "{short} (m/w/d), {employment}",
                "{employment} in {city}",
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
            headlines=("{short} wanted", "{short} in {city}", "Now hiring in {city}", "{company} is hiring"),
            sublines=("{b0} and {b1} at {company}", "{b0} at {company}", "Join {company} in {city}"),
            ctas=("Apply now",),
            anchors=("security", "respect"),
            style="clear, confident, bright daylight",
            benefit_offset=0,
        ),
        "B": AngleTemplate(
            angle="purpose",
            headlines=("Work that matters", "Make a difference"),
            sublines=(
                "As a {short} at {company} you keep {city} moving",
                "As a {short} you keep {city} moving",
                "At {company} your work makes a difference",
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
                "{b2} for your next step as a {short}",
                "{b2} at {company}",
                "Build your career at {company}",
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
                "{company} in {city} is hiring: {employment}, {b1}",
                "{company} is hiring: {employment}",
            ),
            ctas=("Meet the team",),
            anchors=("belonging", "trust"),
            style="friendly, candid, together",
            benefit_offset=3,
        ),
        "E": AngleTemplate(
            angle="location",
            headlines=("{city} needs you", "Work in {city}"),
            sublines=("{short}, {employment}, {pay}", "{short}, {employment}", "{employment} in {city}"),
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

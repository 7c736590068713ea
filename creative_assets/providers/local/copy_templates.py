"""Copy templates of the local copywriter, one angle per variant, in German and English
(`copy_templates.toml`).

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
import tomllib
from dataclasses import dataclass
from pathlib import Path

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


def _templates() -> dict[str, dict[Variant, AngleTemplate]]:
    table = tomllib.loads(Path(__file__).with_suffix(".toml").read_text(encoding="utf-8"))
    return {
        language: {
            variant: AngleTemplate(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})
            for variant, fields in variants.items()
        }
        for language, variants in table.items()
    }


TEMPLATES = _templates()

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

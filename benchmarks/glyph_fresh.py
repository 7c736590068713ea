"""A third part of Gate 2's glyph set, "fresh": held out from every earlier round.

The tuning and held-out parts (benchmarks/glyph_set.py) set the local writer's copy of two sample
jobs in eight face pairs; the held-out part has been scored and looked at, so it no longer says
how the check does on type it was not shaped on. This part sets other words (hand-written ads for
other jobs, German and English, not the templates' sentences) in faces neither part uses (Debian's
fonts-urw-base35 and fonts-noto-core: a Palatino, a Bookman, a narrow grotesque, a Times and a
display serif), from another seed. The defects, backgrounds and composition are glyph_set's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from benchmarks.glyph_parts import PARTS
from benchmarks.glyph_set import GlyphSample, samples
from creative_assets.models import CopyVariant

FRESH_FONTS = (
    ("P052-Bold.otf", "P052-Roman.otf"),
    ("URWBookman-Demi.otf", "URWBookman-Light.otf"),
    ("NimbusSansNarrow-Bold.otf", "NimbusSansNarrow-Regular.otf"),
    ("NimbusRoman-Bold.otf", "NimbusRoman-Regular.otf"),
    ("NotoSerifDisplay-Bold.ttf", "NotoSerifDisplay-Regular.ttf"),
)
FRESH_SEED = 20
# (headline, subline, CTA): other jobs, other words.
FRESH_TEXTS = (
    (
        "Bäckerei sucht Frühaufsteher",
        "Backe mit uns Brötchen, Brezeln und Kuchen in Überlingen",
        "Jetzt anfragen",
    ),
    (
        "Köchin oder Koch gesucht",
        "Frische Küche, faire Schichten und ein Jahresticket für Bus und Bahn",
        "Gleich melden",
    ),
    (
        "Lagerhelden für Würzburg",
        "Kommissionieren mit Scanner, Stapler fahren nach Einweisung, Zuschläge nachts",
        "Schicht wählen",
    ),
    (
        "Elektriker mit Weitblick",
        "Installationen in Neubauten, eigener Dienstwagen und Werkzeug inklusive",
        "Kontakt aufnehmen",
    ),
    (
        "Pflegehilfe in Göttingen",
        "Begleite Bewohnerinnen im Alltag, mit Einarbeitung und festen Dienstzeiten",
        "Infos erhalten",
    ),
    (
        "Verkäufer für unser Möbelhaus",
        "Beraten, planen, begeistern: wir schätzen Ideen und übernehmen Fahrtkosten",
        "Bewerbung senden",
    ),
    (
        "Join our kitchen brigade",
        "Fresh ingredients, fair rotas and a daily staff meal in Brighton",
        "Apply today",
    ),
    (
        "Drivers wanted in Leeds",
        "Light vans, quiet mornings, fixed routes and weekly pay with mileage",
        "Pick your shift",
    ),
    (
        "Bring joy to our visitors",
        "Join the gift shop and museum café team, flexible hours and discounts",
        "Visit jobs page",
    ),
    (
        "Junior IT support engineer",
        "Fix laptops, install printers and guide colleagues with patience",
        "Find out more",
    ),
    (
        "Digital skills for Zürich",
        "Mit Jira, Figma und viel Initiative: unser Produktteam wächst",
        "Mitmachen",
    ),
    (
        "Müllwerker im Frühdienst",
        "Sichere Arbeit für die Stadtwerke Jülich, pünktlich fertig am Mittag",
        "Rückruf bitten",
    ),
)


def fresh_copies(texts: tuple[tuple[str, str, str], ...] = FRESH_TEXTS) -> tuple[CopyVariant, ...]:
    return tuple(
        CopyVariant(
            variant="ABCDE"[k % 5],
            angle="fresh",
            headline=headline,
            subline=subline,
            benefits=["-"],
            cta=cta,
            emotional_anchors=["-"],
            style="-",
        )
        for k, (headline, subline, cta) in enumerate(texts)
    )


def fresh_set(per_kind: int, part: str = "fresh") -> Iterator[GlyphSample]:
    """`per_kind` samples of each defect kind and as many clean ones, as glyph_set builds them;
    `part`: "fresh" or one of glyph_parts.PARTS."""
    seed, fonts, texts = (FRESH_SEED, FRESH_FONTS, FRESH_TEXTS) if part == "fresh" else PARTS[part]
    return samples(per_kind, part, fresh_copies(texts), fonts, random.Random(seed))

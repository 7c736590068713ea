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
# A fourth part, "final", built after "fresh" had been looked at: again other faces (from
# fonts-liberation, fonts-open-sans, fonts-urw-base35 and fonts-dejavu-core; the project bundles
# DejaVu Sans only), words and seed, scored once at the end.
FINAL_FONTS = (
    ("LiberationSansNarrow-Bold.ttf", "LiberationSansNarrow-Regular.ttf"),
    ("OpenSans-CondBold.ttf", "OpenSans-CondLight.ttf"),
    ("DejaVuSerif-Bold.ttf", "DejaVuSerif.ttf"),
    ("NimbusMonoPS-Bold.otf", "NimbusMonoPS-Regular.otf"),
)
FINAL_SEED = 21
FINAL_TEXTS = (
    (
        "Gärtnerin für den Stadtpark",
        "Pflanzen, pflegen, gestalten: Grünflächen in Mainz mit eigenem Team",
        "Jetzt informieren",
    ),
    (
        "Friseur mit Leidenschaft",
        "Moderne Schnitte, nette Kundschaft und Provision für jeden Verkauf",
        "Termin vereinbaren",
    ),
    (
        "Fahrer im Nahverkehr",
        "Linienbus in Kiel, Schichtzulagen und bezahlte Führerscheinprüfung",
        "Bewerbung starten",
    ),
    (
        "Rezeption im Hotel Möwe",
        "Gäste empfangen, Zimmer vergeben, Wünsche erfüllen an der Ostsee",
        "Mehr dazu",
    ),
    (
        "Tischlerei sucht Verstärkung",
        "Möbel nach Maß, helle Werkstatt, übertarifliche Bezahlung in Jena",
        "Anrufen",
    ),
    (
        "Pharmacy assistant in Bristol",
        "Dispense prescriptions, advise patients and join a friendly daily routine",
        "Apply quickly",
    ),
    (
        "Librarian wanted",
        "Digital archives, children's reading clubs and quiet evenings in Oxford",
        "Discover the job",
    ),
    (
        "Join our recycling crew",
        "Sorting lines, forklift licence paid, shifts finishing by midday",
        "Register interest",
    ),
    ("Physiotherapie mit Herz", "Behandle Patientinnen in Lübeck mit Zeit für jede Therapie", "Kennenlernen"),
    (
        "Quality inspector wanted",
        "Check welds, sign off jigs and improve our joinery workshop in Hull",
        "Send your CV",
    ),
)
# A fifth part, "sixth" (the name follows the rounds), built in the sixth round before any change
# of it: faces no other part uses (DejaVu Serif Condensed, Liberation Mono, Noto Sans Display,
# Open Sans ExtraBold/Light, Lato Heavy/Light), its own words and seed; scored once before and
# once after, with --quiet.
SIXTH_FONTS = (
    ("DejaVuSerifCondensed-Bold.ttf", "DejaVuSerifCondensed.ttf"),
    ("LiberationMono-Bold.ttf", "LiberationMono-Regular.ttf"),
    ("NotoSansDisplay-Bold.ttf", "NotoSansDisplay-Regular.ttf"),
    ("OpenSans-ExtraBold.ttf", "OpenSans-Light.ttf"),
    ("Lato-Heavy.ttf", "Lato-Light.ttf"),
)
SIXTH_SEED = 22
SIXTH_TEXTS = (
    (
        "Zahnmedizinische Fachangestellte",
        "Freundliche Praxis in Bielefeld, moderne Geräte und jeden Freitag früher frei",
        "Jetzt vorstellen",
    ),
    (
        "Maurer für Wohnbauprojekte",
        "Solide Baustellen im Umland von Trier, pünktliche Löhne und Fahrzeug gestellt",
        "Direkt bewerben",
    ),
    (
        "Erzieherin gesucht",
        "Kleine Gruppen, ein großer Garten und Fortbildungen in Düsseldorf",
        "Kita kennenlernen",
    ),
    (
        "Kassierer im Biomarkt",
        "Regionale Lebensmittel, Mitarbeiterrabatt und geregelte Schichten in Freiburg",
        "Infos anfordern",
    ),
    (
        "Mechatroniker für Windkraft",
        "Wartung von Anlagen an der Küste, Höhenzulage und ein starkes Team",
        "Jobdetails ansehen",
    ),
    (
        "Care assistant in Swindon",
        "Support residents with dignity, paid training and a friendly night team",
        "Join us",
    ),
    (
        "Electricians for city projects",
        "Fit wiring in schools and libraries, with a van and tools provided",
        "View the vacancy",
    ),
    (
        "Barista with a big smile",
        "Specialty coffee, fair tips and a kitchen that values initiative in Cardiff",
        "Drop in for a chat",
    ),
    (
        "Warehouse pickers in Derby",
        "Quick induction, jackets provided and a bonus for joining this spring",
        "Start your application",
    ),
    (
        "Gärtner für Friedhöfe",
        "Ruhige Arbeit im Freien in Würzburg, mit Jobrad und Tariflohn",
        "Mehr erfahren",
    ),
)
# A sixth part, "seventh" (after the round), built in the seventh round before any change of the
# check: faces no other part uses (DejaVu Sans Mono, C059 Bold/Italic, Open Sans Semibold, Lato
# Medium, the italics of Noto Sans/Serif, Nimbus Sans and Liberation Serif), its own words and
# seed; scored once before and once after, with --quiet.
SEVENTH_FONTS = (
    ("DejaVuSansMono-Bold.ttf", "DejaVuSansMono.ttf"),
    ("C059-Bold.otf", "C059-Italic.otf"),
    ("OpenSans-Semibold.ttf", "Lato-Medium.ttf"),
    ("NotoSans-BoldItalic.ttf", "NotoSerif-Italic.ttf"),
    ("NimbusSans-BoldItalic.otf", "LiberationSerif-Italic.ttf"),
)
SEVENTH_SEED = 23
SEVENTH_TEXTS = (
    (
        "Hebamme für unser Geburtshaus",
        "Ruhige Räume in Kassel, eigene Schichtplanung und ein herzliches Team",
        "Jetzt kennenlernen",
    ),
    (
        "Dachdecker gesucht",
        "Sanierung historischer Dächer in Regensburg, Übernachtung bezahlt",
        "Gleich bewerben",
    ),
    (
        "Busfahrerin für Lüneburg",
        "Planbare Touren, freie Wochenenden und ein Zuschuss für die Familie",
        "Route ansehen",
    ),
    (
        "Verwaltung mit Weitsicht",
        "Digitale Akten, flexible Arbeitszeit und Homeoffice in Münster",
        "Stelle prüfen",
    ),
    (
        "Koch für die Mensa",
        "Frühe Schichten, keine Abende und täglich frisches Gemüse aus Ulm",
        "Küche besuchen",
    ),
    (
        "Plumbers for new homes",
        "Install heating and bathrooms in Exeter, with overtime paid weekly",
        "Apply in minutes",
    ),
    (
        "Join our bicycle workshop",
        "Fix bikes, advise riders and enjoy a quiet lunch by the river in York",
        "Visit the shop",
    ),
    (
        "Night porter in Glasgow",
        "Welcome late guests, light duties and a generous staff discount",
        "See the details",
    ),
    (
        "Schreiner für Innenausbau",
        "Präzise Arbeit an Küchen und Läden, Zuschläge für Montage in Görlitz",
        "Termin sichern",
    ),
    (
        "Lab technician wanted",
        "Prepare samples, log findings and join a friendly quality team in Bath",
        "Find out why",
    ),
)
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
    `part`: "fresh", "final", "sixth" or "seventh"."""
    seed, fonts, texts = {
        "fresh": (FRESH_SEED, FRESH_FONTS, FRESH_TEXTS),
        "final": (FINAL_SEED, FINAL_FONTS, FINAL_TEXTS),
        "sixth": (SIXTH_SEED, SIXTH_FONTS, SIXTH_TEXTS),
        "seventh": (SEVENTH_SEED, SEVENTH_FONTS, SEVENTH_TEXTS),
    }[part]
    return samples(per_kind, part, fresh_copies(texts), fonts, random.Random(seed))

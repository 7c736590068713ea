"""The parts of Gate 2's glyph set built after "fresh", one a round, each before any change of it:
faces no other part uses, words and a seed of their own (glyph_fresh.fresh_set builds them).
"""

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
# A seventh part, "eighth" (after the round), built in the eighth round before any change of the
# check, mixed as seventh is, italics included (three italic headlines, four italic sublines):
# faces no other part uses (DejaVu Sans Condensed Bold/Oblique/Book, P052 Bold Italic/Italic,
# Lato Semibold with Noto Sans Display Italic, Open Sans Bold Italic with URW Bookman Light
# Italic, Liberation Sans Bold Italic), its own words and seed; scored once before and once
# after, with --quiet.
EIGHTH_FONTS = (
    ("DejaVuSansCondensed-Bold.ttf", "DejaVuSansCondensed-Oblique.ttf"),
    ("P052-BoldItalic.otf", "P052-Italic.otf"),
    ("Lato-Semibold.ttf", "NotoSansDisplay-Italic.ttf"),
    ("OpenSans-BoldItalic.ttf", "URWBookman-LightItalic.otf"),
    ("LiberationSans-BoldItalic.ttf", "DejaVuSansCondensed.ttf"),
)
EIGHTH_SEED = 24
EIGHTH_TEXTS = (
    (
        "Tierpflegerin im Zoo",
        "Füttern, beobachten und Gehege pflegen in Osnabrück, mit Jahreskarte",
        "Jetzt bewerben",
    ),
    (
        "Fliesenleger gesucht",
        "Bäder und Küchen in Heilbronn, faire Prämien und ein eigener Transporter",
        "Kurz anrufen",
    ),
    (
        "Steuerfachangestellte",
        "Mandanten begleiten, Bilanzen prüfen und mittwochs früher in den Feierabend",
        "Details öffnen",
    ),
    (
        "Zusteller für Kiel",
        "Pakete mit dem E-Lastenrad, fließende Übergaben und tägliche Touren",
        "Mitfahren",
    ),
    (
        "Pflegefachkraft für Nächte",
        "Ruhige Dienste in Würzburg, Zulagen für jede Nacht und viel Vertrauen",
        "Gespräch führen",
    ),
    (
        "Joiners for timber frames",
        "Build oak frames in Norwich, with fair pay, lifting kit and lunch included",
        "Enquire within",
    ),
    (
        "Receptionist in Inverness",
        "Greet visitors, juggle bookings and enjoy quiet Fridays by the firth",
        "Join the clinic",
    ),
    (
        "Kitchen porter wanted",
        "Fast service, kind chefs, daily tips and a bike scheme in Liverpool",
        "Find the job",
    ),
    (
        "Dispatch lead in Ipswich",
        "Plan trailers, guide pickers and finish your shift in daylight",
        "Visit us",
    ),
    (
        "Glaserin für Fenster",
        "Präzise Maße, helle Halle in Jülich und großzügige Zuschläge für Montage",
        "Mehr erfahren",
    ),
)
# An eighth part, "ninth" (after the round), built in the ninth round before any change of the
# check: faces no other part uses. The host's unused Latin faces are nearly all italics, so nine
# of its ten faces slant (URW Gothic Demi/Book Oblique, Lato Bold Italic, Nimbus Roman Bold
# Italic, Open Sans Italic, Liberation Serif Bold Italic, Nimbus Sans Italic, C059 Bold Italic,
# Liberation Sans Italic) and one is upright and thin (DejaVu Sans ExtraLight); its own words and
# seed; scored once before and once after, with --quiet.
NINTH_FONTS = (
    ("URWGothic-DemiOblique.otf", "URWGothic-BookOblique.otf"),
    ("Lato-BoldItalic.ttf", "DejaVuSans-ExtraLight.ttf"),
    ("NimbusRoman-BoldItalic.otf", "OpenSans-Italic.ttf"),
    ("LiberationSerif-BoldItalic.ttf", "NimbusSans-Italic.otf"),
    ("C059-BdIta.otf", "LiberationSans-Italic.ttf"),
)
NINTH_SEED = 25
NINTH_TEXTS = (
    (
        "Imkerin für Bienenvölker",
        "Honig schleudern, Völker prüfen und Wiesen pflegen bei Lüdenscheid",
        "Jetzt schnuppern",
    ),
    (
        "Schornsteinfeger gesucht",
        "Kehren, messen, beraten: Dächer in Gießen und ein eigener Bezirk",
        "Anfrage stellen",
    ),
    (
        "Optikerin mit Blick fürs Detail",
        "Brillen anpassen, Sehtests begleiten und Kunden in Jena überzeugen",
        "Filiale entdecken",
    ),
    (
        "Gleisbauer für Nachtschichten",
        "Schienen tauschen, Weichen justieren, Zulagen für jede Nacht in Hameln",
        "Einstieg wählen",
    ),
    (
        "Sattlerin in Öhringen",
        "Leder zuschneiden, Polster nähen und Oldtimer wieder schön machen",
        "Werkstatt zeigen",
    ),
    (
        "Florist in Kilmarnock",
        "Tie bouquets, deliver wreaths and plan weddings with a joyful team",
        "Join the studio",
    ),
    (
        "Surveyor with a quick eye",
        "Map fields, visit building sites and log drilling jobs around Swansea",
        "Explore this role",
    ),
    (
        "Ice rink attendant",
        "Sharpen skates, lift kids back up and enjoy a lively winter in Dundee",
        "Skip the queue",
    ),
    (
        "Groundskeeper in Wimbledon",
        "Mow lawns, fix nets and keep the pavilion tidy, with lunch included",
        "Ring us",
    ),
    (
        "Fährmann für die Elbe",
        "Überfahrten in Glückstadt, wechselnde Gezeiten und ein kühler Kopf",
        "Anheuern",
    ),
)
# part: (seed, faces, texts)
PARTS = {
    "final": (FINAL_SEED, FINAL_FONTS, FINAL_TEXTS),
    "sixth": (SIXTH_SEED, SIXTH_FONTS, SIXTH_TEXTS),
    "seventh": (SEVENTH_SEED, SEVENTH_FONTS, SEVENTH_TEXTS),
    "eighth": (EIGHTH_SEED, EIGHTH_FONTS, EIGHTH_TEXTS),
    "ninth": (NINTH_SEED, NINTH_FONTS, NINTH_TEXTS),
}

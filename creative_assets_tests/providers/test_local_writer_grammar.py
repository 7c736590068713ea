"""The local copywriter's grammar: employer names of every shape in German and English, the
posting's facts (shift model, pay) in both languages, and sentence case.

PINNED holds every line the writer produces for a set of postings, all five variants in each of
their locales. Each line was read and checked by hand once (2026-12-07, by the engineer who wrote
employer.py and facts.py) for grammar, for the article and case of the employer's name, for
sentence case and for the posting's facts; a change to the templates shows up here as a diff to
read the same way, not as a number to update blindly.
"""

from __future__ import annotations

import re

import pytest

from creative_assets.models import CopyVariant, JobPosting
from creative_assets.providers.local import LocalJobSource, LocalResearcher, TemplateTextGenerator, facts
from creative_assets.providers.local.copy_templates import TEMPLATES
from creative_assets.providers.local.employer import employer

WRITER = TemplateTextGenerator()


def posting(**fields: object) -> JobPosting:
    base: dict[str, object] = {
        "job_id": "t",
        "title": "Pflegefachkraft (m/w/d)",
        "company_name": "X",
        "location": {"city": "Ulm", "country": "DE"},
        "employment_type": "Vollzeit",
        "description": "A posting written for the grammar tests of the local writer.",
        "benefits": ["30 Tage Urlaub"],
        "language": "de",
        "updated_at": "2026-11-18T09:30:00+00:00",
    }
    return JobPosting.model_validate(base | fields)


POSTINGS: dict[str, tuple[JobPosting, tuple[str, ...]]] = {
    "klinikum": (LocalJobSource().get_job("hoc-4711-pflege"), ("de-DE", "en-GB")),
    "northbridge": (LocalJobSource().get_job("hoc-5120-warehouse"), ("en-GB", "en-US")),
    "northbridge-ltd-de": (
        posting(
            title="Lagermitarbeiter (m/w/d) – Nachtschicht",
            company_name="Northbridge Logistics Ltd",
            location={"city": "Duisburg", "country": "DE"},
            salary="14,50 € pro Stunde",
            benefits=["Wöchentliche Auszahlung", "Kostenloser Staplerschein", "Nachtzuschlag"],
        ),
        ("de-DE", "en-GB"),
    ),
    "stadtwerke": (
        posting(
            title="Elektroniker (m/w/d) Betriebstechnik – Schichtdienst",
            company_name="die Stadtwerke Ulm",
            salary="3.400–3.900 € brutto",
            benefits=[
                "Flexible Arbeitszeiten",
                "Betriebliche Altersvorsorge",
                "Jobrad",
                "Weiterbildung bei vollem Gehalt",
                "Kantine mit Zuschuss",
            ],
        ),
        ("de-DE", "en-GB"),
    ),
    "hirsch": (  # a name outside the lexicon: only phrasings that need no article
        posting(
            title="Koch (m/w/d) – Spätschicht",
            company_name="Zum Goldenen Hirsch",
            employment_type="Teilzeit oder Vollzeit",
            location={"city": "Tübingen", "country": "DE"},
            benefits=[
                "Trinkgeld on top",
                "Geregelte Arbeitszeiten",
                "Mitarbeiteressen",
                "Familiäres Team",
                "Kostenlose Parkplätze",
            ],
        ),
        ("de-DE", "en-GB"),
    ),
    "leeds": (
        posting(
            title="Office Administrator",
            company_name="University of Leeds",
            employment_type="Part-time",
            language="en",
            location={"city": "Leeds", "country": "GB"},
            salary="£24,000 - £27,000 per year",
            benefits=[
                "Hybrid working",
                "Generous pension",
                "NHS-style sick pay",
                "Free gym membership",
                "41 days holiday",
            ],
        ),
        ("en-GB",),
    ),
}


def written(job: JobPosting, locale: str) -> list[CopyVariant]:
    context = WRITER.fuse_context(job, LocalResearcher().research(job)).value
    return WRITER.write_copy(context, locale).value


PINNED: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    ("klinikum", "de-DE"): [
        (
            "Pflegefachkraft Intensivstation gesucht",
            "Tarifliche Vergütung nach TVöD und 30 Tage Urlaub beim Klinikum am See",
            "Jetzt bewerben",
        ),
        (
            "Deine Arbeit zählt",
            "Als Pflegefachkraft Intensivstation (m/w/d) beim Klinikum am See machst du den Unterschied",
            "Mehr erfahren",
        ),
        ("Wachse mit uns", "Bezahlte Fachweiterbildung Intensiv beim Klinikum am See", "Karriere starten"),
        (
            "Ein Team, das trägt",
            "Das Klinikum am See in Konstanz sucht dich: Vollzeit, Dienstplan mit Wunschfrei",
            "Team kennenlernen",
        ),
        (
            "Konstanz braucht dich",
            "Pflegefachkraft Intensivstation (m/w/d), Vollzeit, ab 3.900 € brutto",
            "In 2 Minuten bewerben",
        ),
    ],
    ("klinikum", "en-GB"): [
        ("Pflegefachkraft Intensivstation wanted", "Join Klinikum am See in Konstanz", "Apply now"),
        (
            "Work that matters",
            "As a Pflegefachkraft Intensivstation at Klinikum am See, you make a difference in Konstanz",
            "Find out more",
        ),
        ("Grow with us", "Build your career at Klinikum am See", "Start your career"),
        ("A team that has your back", "Klinikum am See in Konstanz is hiring: full-time", "Meet the team"),
        (
            "Konstanz needs you",
            "Pflegefachkraft Intensivstation, full-time, from €3,900 gross",
            "Apply in 2 minutes",
        ),
    ],
    ("northbridge", "en-GB"): [
        (
            "Warehouse Operative wanted",
            "£13.80 per hour plus night premium and weekly pay at Northbridge Logistics",
            "Apply now",
        ),
        (
            "Work that matters",
            "As a Warehouse Operative at Northbridge Logistics, you make a difference in Manchester",
            "Find out more",
        ),
        (
            "Grow with us",
            "Free forklift training for your next step as a Warehouse Operative",
            "Start your career",
        ),
        (
            "A team that has your back",
            "Northbridge Logistics in Manchester is hiring: full-time night shifts, weekly pay",
            "Meet the team",
        ),
        (
            "Manchester needs you",
            "Warehouse Operative, full-time night shifts, £13.80 per hour",
            "Apply in 2 minutes",
        ),
    ],
    ("northbridge", "en-US"): [
        (
            "Warehouse Operative wanted",
            "£13.80 per hour plus night premium and weekly pay at Northbridge Logistics",
            "Apply now",
        ),
        (
            "Work that matters",
            "As a Warehouse Operative at Northbridge Logistics, you make a difference in Manchester",
            "Find out more",
        ),
        (
            "Grow with us",
            "Free forklift training for your next step as a Warehouse Operative",
            "Start your career",
        ),
        (
            "A team that has your back",
            "Northbridge Logistics in Manchester is hiring: full-time night shifts, weekly pay",
            "Meet the team",
        ),
        (
            "Manchester needs you",
            "Warehouse Operative, full-time night shifts, £13.80 per hour",
            "Apply in 2 minutes",
        ),
    ],
    ("northbridge-ltd-de", "de-DE"): [
        (
            "Lagermitarbeiter gesucht",
            "Wöchentliche Auszahlung und kostenloser Staplerschein bei Northbridge Logistics Ltd",
            "Jetzt bewerben",
        ),
        (
            "Deine Arbeit zählt",
            "Als Lagermitarbeiter (m/w/d) bei Northbridge Logistics Ltd machst du den Unterschied",
            "Mehr erfahren",
        ),
        (
            "Wachse mit uns",
            "Wöchentliche Auszahlung für deinen nächsten Schritt als Lagermitarbeiter (m/w/d)",
            "Karriere starten",
        ),
        (
            "Ein Team, das trägt",
            "Northbridge Logistics Ltd in Duisburg sucht dich: Vollzeit, Nachtschicht, Nachtzuschlag",
            "Team kennenlernen",
        ),
        (
            "Duisburg braucht dich",
            "Lagermitarbeiter (m/w/d), Vollzeit, Nachtschicht, 14,50 € pro Stunde",
            "In 2 Minuten bewerben",
        ),
    ],
    ("northbridge-ltd-de", "en-GB"): [
        ("Lagermitarbeiter wanted", "Join Northbridge Logistics Ltd in Duisburg", "Apply now"),
        (
            "Work that matters",
            "As a Lagermitarbeiter at Northbridge Logistics Ltd, you make a difference in Duisburg",
            "Find out more",
        ),
        ("Grow with us", "Build your career at Northbridge Logistics Ltd", "Start your career"),
        (
            "A team that has your back",
            "Northbridge Logistics Ltd in Duisburg is hiring: full-time night shifts",
            "Meet the team",
        ),
        (
            "Duisburg needs you",
            "Lagermitarbeiter, full-time night shifts, €14.50 per hour",
            "Apply in 2 minutes",
        ),
    ],
    ("stadtwerke", "de-DE"): [
        (
            "Elektroniker Betriebstechnik gesucht",
            "Flexible Arbeitszeiten und betriebliche Altersvorsorge bei den Stadtwerken Ulm",
            "Jetzt bewerben",
        ),
        (
            "Deine Arbeit zählt",
            "Als Elektroniker Betriebstechnik (m/w/d) bei den Stadtwerken Ulm machst du den Unterschied",
            "Mehr erfahren",
        ),
        ("Wachse mit uns", "Weiterbildung bei vollem Gehalt bei den Stadtwerken Ulm", "Karriere starten"),
        (
            "Ein Team, das trägt",
            "Die Stadtwerke Ulm suchen dich: Vollzeit, Schichtdienst, Jobrad",
            "Team kennenlernen",
        ),
        (
            "Ulm braucht dich",
            "Elektroniker Betriebstechnik (m/w/d), Vollzeit, Schichtdienst, 3.400–3.900 € brutto",
            "In 2 Minuten bewerben",
        ),
    ],
    ("stadtwerke", "en-GB"): [
        ("Elektroniker Betriebstechnik wanted", "Join Stadtwerke Ulm", "Apply now"),
        (
            "Work that matters",
            "As an Elektroniker Betriebstechnik at Stadtwerke Ulm, you make a difference in Ulm",
            "Find out more",
        ),
        ("Grow with us", "Build your career at Stadtwerke Ulm", "Start your career"),
        ("A team that has your back", "Stadtwerke Ulm is hiring: full-time rotating shifts", "Meet the team"),
        (
            "Ulm needs you",
            "Elektroniker Betriebstechnik, full-time rotating shifts, €3,400–€3,900 gross",
            "Apply in 2 minutes",
        ),
    ],
    ("hirsch", "de-DE"): [
        (
            "Koch gesucht",
            "Zum Goldenen Hirsch: Trinkgeld on top und geregelte Arbeitszeiten",
            "Jetzt bewerben",
        ),
        ("Deine Arbeit zählt", "Als Koch (m/w/d) machst du den Unterschied", "Mehr erfahren"),
        (
            "Wachse mit uns",
            "Familiäres Team für deinen nächsten Schritt als Koch (m/w/d)",
            "Karriere starten",
        ),
        (
            "Ein Team, das trägt",
            "Zum Goldenen Hirsch in Tübingen: Teilzeit oder Vollzeit, Spätschicht, Mitarbeiteressen",
            "Team kennenlernen",
        ),
        (
            "Tübingen braucht dich",
            "Koch (m/w/d), Teilzeit oder Vollzeit, Spätschicht",
            "In 2 Minuten bewerben",
        ),
    ],
    ("hirsch", "en-GB"): [
        ("Koch wanted", "Join Zum Goldenen Hirsch in Tübingen", "Apply now"),
        (
            "Work that matters",
            "As a Koch at Zum Goldenen Hirsch, you make a difference in Tübingen",
            "Find out more",
        ),
        ("Grow with us", "Build your career at Zum Goldenen Hirsch", "Start your career"),
        (
            "A team that has your back",
            "Zum Goldenen Hirsch in Tübingen is hiring: part-time or full-time late shifts",
            "Meet the team",
        ),
        ("Tübingen needs you", "Koch, part-time or full-time late shifts", "Apply in 2 minutes"),
    ],
    ("leeds", "en-GB"): [
        (
            "Office Administrator wanted",
            "Hybrid working and generous pension at the University of Leeds",
            "Apply now",
        ),
        (
            "Work that matters",
            "As an Office Administrator at the University of Leeds, you make a difference in Leeds",
            "Find out more",
        ),
        (
            "Grow with us",
            "NHS-style sick pay for your next step as an Office Administrator",
            "Start your career",
        ),
        (
            "A team that has your back",
            "The University of Leeds is hiring: part-time, generous pension",
            "Meet the team",
        ),
        (
            "Leeds needs you",
            "Office Administrator, part-time, £24,000 - £27,000 per year",
            "Apply in 2 minutes",
        ),
    ],
}


@pytest.mark.parametrize(
    ("name", "der", "sucht", "beim"),
    [
        ("Klinikum am See", "Das Klinikum am See", "sucht", "beim Klinikum am See"),
        ("die Stadtwerke Ulm", "Die Stadtwerke Ulm", "suchen", "bei den Stadtwerken Ulm"),
        ("Northbridge Logistics Ltd", "Northbridge Logistics Ltd", "sucht", "bei Northbridge Logistics Ltd"),
        ("Städtisches Klinikum Karlsruhe", "Das Städtische Klinikum Karlsruhe", "sucht",
         "beim Städtischen Klinikum Karlsruhe"),
        ("Deutsches Rotes Kreuz", "Das Deutsche Rote Kreuz", "sucht", "beim Deutschen Roten Kreuz"),
        ("Evangelische Heimstiftung", "Die Evangelische Heimstiftung", "sucht",
         "bei der Evangelischen Heimstiftung"),
        ("Helios Klinikum Berlin-Buch", "Das Helios Klinikum Berlin-Buch", "sucht",
         "beim Helios Klinikum Berlin-Buch"),
        ("Müller Logistik GmbH", "Die Müller Logistik GmbH", "sucht", "bei der Müller Logistik GmbH"),
        ("Universitätsklinikum Freiburg", "Das Universitätsklinikum Freiburg", "sucht",
         "beim Universitätsklinikum Freiburg"),
        ("Landgasthof Zum Goldenen Hirsch", "Der Landgasthof Zum Goldenen Hirsch", "sucht",
         "beim Landgasthof Zum Goldenen Hirsch"),
        ("Bäckerei Schmidt", "Die Bäckerei Schmidt", "sucht", "bei der Bäckerei Schmidt"),
    ],
)  # fmt: skip
def test_german_forms_of_employer_names(name: str, der: str, sucht: str, beim: str) -> None:
    found = employer(name)
    assert (found.der, found.sucht, found.beim) == (der, sucht, beim)


@pytest.mark.parametrize("name", ["Zum Goldenen Hirsch", "Lichtblick", "die Klinikum Nord"])
def test_a_name_without_known_grammar_gets_none(name: str) -> None:
    """Outside the lexicon (or with an article the lexicon contradicts) nothing is guessed."""
    assert employer(name).german is None


@pytest.mark.parametrize(
    ("name", "mid", "start"),
    [
        ("University of Leeds", "the University of Leeds", "The University of Leeds"),
        ("The Crown Hotel", "the Crown Hotel", "The Crown Hotel"),
        ("die Stadtwerke Ulm", "Stadtwerke Ulm", "Stadtwerke Ulm"),
        ("Northbridge Logistics Ltd", "Northbridge Logistics Ltd", "Northbridge Logistics Ltd"),
    ],
)
def test_english_forms_of_employer_names(name: str, mid: str, start: str) -> None:
    assert (employer(name).the, employer(name).The) == (mid, start)


def test_the_postings_facts_in_both_languages() -> None:
    assert facts.pay("ab 3.900 € brutto", "en") == "from €3,900 gross"
    assert facts.pay("£13.80 per hour", "de") == "13,80 £ pro Stunde"
    assert facts.pay("nach Vereinbarung", "en") == "nach Vereinbarung"  # free text stays as written
    assert (
        facts.work_pattern("Full-time", "Warehouse Operative - Night Shift", "en") == "full-time night shifts"
    )
    assert (
        facts.work_pattern("Full-time", "Warehouse Operative - Night Shift", "de") == "Vollzeit, Nachtschicht"
    )
    assert facts.work_pattern("Teilzeit oder Vollzeit", "Koch (Spätschicht)", "en") == (
        "part-time or full-time late shifts"
    )


def test_sentence_case_inside_a_sentence() -> None:
    assert facts.mid_sentence("Weekly pay", "en") == "weekly pay"
    assert facts.mid_sentence("NHS pension", "en") == "NHS pension"
    assert facts.mid_sentence("Tarifliche Vergütung nach TVöD", "de") == "tarifliche Vergütung nach TVöD"
    assert facts.mid_sentence("Dienstplan mit Wunschfrei", "de") == "Dienstplan mit Wunschfrei"  # a noun
    assert [facts.indefinite(t) for t in ("Office Manager", "HGV Driver", "University Porter")] == [
        "an Office Manager",
        "an HGV Driver",
        "a University Porter",
    ]


def test_every_list_ends_with_a_line_that_needs_no_grammar_and_no_benefit() -> None:
    """The fallbacks: a name outside the lexicon, a locale of another language, no salary."""
    optional = re.compile(r"\{(beim|Beim|Der|sucht|b\d|m\d|pay)\}")
    for language, variants in TEMPLATES.items():
        for key, template in variants.items():
            for field in (template.headlines, template.sublines, template.ctas):
                assert not optional.search(field[-1]), (language, key, field[-1])


@pytest.mark.parametrize(("key", "locale"), list(PINNED))
def test_pinned_copy(key: str, locale: str) -> None:
    job, _ = POSTINGS[key]
    assert [(v.headline, v.subline, v.cta) for v in written(job, locale)] == PINNED[key, locale]


def test_every_posting_and_locale_is_pinned() -> None:
    assert set(PINNED) == {(key, loc) for key, (_, locales) in POSTINGS.items() for loc in locales}


@pytest.mark.parametrize(("key", "locale"), list(PINNED))
def test_copy_keeps_sentence_case_and_the_facts(key: str, locale: str) -> None:
    job, _ = POSTINGS[key]
    lines = [line for v in written(job, locale) for line in (v.headline, v.subline)]
    text = " ".join(lines)
    for line in lines:  # a benefit opening with a capital does not keep it mid-sentence
        assert not re.search(r"\b(and|und|,) (Weekly|Free|Tarifliche|Flexible|Generous)\b", line), line
    assert not re.search(r"\bbei (Klinikum|Stadtwerke)\b", text)
    language = locale[:2]
    shift = facts.shift(job.title, language)
    if shift:
        assert shift in text
    if job.salary:
        assert facts.pay(job.salary, language) in text or job.salary in text

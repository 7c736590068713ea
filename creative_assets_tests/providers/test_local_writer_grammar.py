"""The local copywriter's grammar: employer names of every shape in German and English, the
posting's facts (shift model, pay) in both languages, and sentence case.

writer_pinned.txt holds every line the writer produces for a set of postings, all five variants
in each of their locales. Each line was read and checked by hand once (2026-12-07, by the
engineer who wrote employer.py and facts.py) for grammar, for the article and case of the employer's name, for
sentence case and for the posting's facts; a change to the templates shows up here as a diff to
read the same way, not as a number to update blindly.
"""

from __future__ import annotations

import re
from pathlib import Path

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


PINNED_FILE = Path(__file__).with_name("writer_pinned.txt")


def pinned() -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """`[posting locale]` and under it one `headline | subline | cta` line a variant."""
    lines: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for line in PINNED_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            key, locale = line.strip("[]").split()
            lines[key, locale] = []
        elif line.strip():
            lines[key, locale].append(tuple(line.split(" | ")))
    return lines


PINNED = pinned()


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

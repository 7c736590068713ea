"""The compliance gate on its own: every labelled phrase of the pinned and the tuning set
classified as labelled (or, for the deliberately unresolved ones, as the data says the gate
answers), legitimate look-alikes passing through the guards, and findings a recruiter can act
on. The blind set is checked for its shape and sources only: its phrases are scored once, by
benchmarks/eval_compliance.py, and never pinned here."""

from __future__ import annotations

import pytest

from benchmarks.eval_compliance import CATEGORIES, eval_phrases, eval_sources, labelled_phrases, predicted
from creative_assets.gates.compliance import (
    check_variant,
    creative_violations,
    find_violations,
    has_gender_marker,
)
from creative_assets.models import CopyVariant

PHRASES = labelled_phrases()
TUNING = eval_phrases("tuning")


def test_the_labelled_set_is_large_enough_and_mixed() -> None:
    for locale in ("de-DE", "en-GB"):
        entries = [e for e in PHRASES if e["locale"] == locale]
        assert len(entries) >= 60
        assert sum(bool(e["expected"]) for e in entries) >= 30
        assert sum(not e["expected"] for e in entries) >= 25  # tricky negatives
    unresolved = [e for e in PHRASES if "gate_says" in e]
    assert all(e["why"] and e["gate_says"] != e["expected"] for e in unresolved)


@pytest.mark.parametrize("entry", PHRASES, ids=lambda e: f"{e['locale']}:{e['text'][:40]}")
def test_each_labelled_phrase(entry: dict) -> None:
    want = set(entry.get("gate_says", entry["expected"]))
    assert predicted(entry) == want


def test_the_independent_sets_are_sourced_and_the_blind_part_is_large_and_balanced() -> None:
    sources = eval_sources()
    blind, holdout = eval_phrases("blind"), eval_phrases("holdout")
    assert all(s["cite"] and s["url"] for s in sources.values())
    for entry in (*TUNING, *blind, *holdout):
        assert entry["source"] in sources and entry["basis"] in ("quoted", "adapted", "principle")
        assert entry["category"] in CATEGORIES and set(entry["expected"]) <= {*CATEGORIES, "gender_marker"}
    assert len(blind) >= 100 and sum(bool(e["expected"]) for e in blind) * 2 == len(blind)
    for language in ("de", "en"):
        for category in CATEGORIES:
            kinds = [
                bool(e["expected"])
                for e in blind
                if e["locale"][:2] == language and e["category"] == category
            ]
            assert kinds.count(True) >= 5 and kinds.count(False) >= 5, (language, category)
    seen_while_tuning = {e["text"].lower() for e in (*PHRASES, *TUNING)}
    assert not {e["text"].lower() for e in blind} & seen_while_tuning


@pytest.mark.parametrize("entry", TUNING, ids=lambda e: e["id"])
def test_each_tuning_phrase(entry: dict) -> None:
    """Flagged for one of the labelled reasons, or passing when legitimate; known misses stay
    misses until the rules can weigh them (then the label's note goes)."""
    got = predicted(entry)
    if "known_miss" in entry:
        assert not got & set(entry["expected"]), entry["known_miss"]
    elif entry["expected"]:
        assert got & set(entry["expected"]), got
    else:
        assert got == set()


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("Wir sind seit über 30 Jahren in Hamburg ansässig", "de-DE"),  # a company's history
        ("Betreuung von Kindern im Alter von 3 bis 6 Jahren", "de-DE"),  # the people cared for
        ("Wir begleiten Jugendliche zwischen 14 und 18 Jahren", "de-DE"),
        ("Wir sind ein junges Start-up mit 20 Leuten", "de-DE"),  # a young company, not a young team
        ("Ihr Ansprechpartner: Herr Neumann", "de-DE"),  # a surname on -mann
        ("Unsere Kolleginnen und Kollegen freuen sich auf dich", "de-DE"),  # both named
        ("Homeoffice ohne Einschränkungen", "de-DE"),
        ("Frauen sind bei uns unterrepräsentiert, daher freuen wir uns über Bewerbungen von Frauen", "de-DE"),
        ("We have been based in Manchester for over 30 years", "en-GB"),
        ("Working with young people aged 16-25 who are leaving care", "en-GB"),
        ("Support worker at a women's refuge; female applicants only under Schedule 9", "en-GB"),
        ("Private health insurance and good health and safety awareness", "en-GB"),
        ("Contact Mr Freeman in HR", "en-GB"),
        ("We are a young company founded in 2022", "en-GB"),
    ],
)
def test_look_alikes_pass_the_guards(text: str, locale: str) -> None:
    assert find_violations(text, locale) == []


@pytest.mark.parametrize(
    ("text", "locale", "category"),
    [
        ("Du lebst seit mindestens zehn Jahren in Hamburg", "de-DE", "origin"),  # the applicant's history
        ("Bewerber zwischen 25 und 35 Jahren", "de-DE", "age"),
        ("Female applicants only", "en-GB", "gender"),  # the same restriction without its basis
        ("Applicants must have lived in the UK for the last 10 years", "en-GB", "origin"),
    ],
)
def test_the_same_kinds_without_a_guard_are_flagged(text: str, locale: str, category: str) -> None:
    assert category in {f.category for f in find_violations(text, locale)}


def test_a_colon_ending_a_phrase_is_not_a_gender_colon() -> None:
    """ "Mitarbeiter:in" addresses everyone; "gesucht:" only ends a phrase."""
    assert [f.phrase for f in find_violations("Elektriker gesucht: jetzt bewerben", "de-DE")] == [
        "Elektriker"
    ]
    assert [f.phrase for f in find_violations("Wir suchen: Erzieherin für unsere Kita", "de-DE")] == [
        "Erzieherin"
    ]
    assert find_violations("Mitarbeiter:innen, die anpacken, gesucht", "de-DE") == []


def test_a_feminine_noun_addressing_the_reader_gets_a_gender_star() -> None:
    (addressed,) = find_violations("Wiedereinsteigerinnen willkommen", "de-DE")
    assert (addressed.category, addressed.replacement) == ("gender", "Wiedereinsteiger*innen")
    (as_job,) = find_violations("Wir suchen eine Verkäuferin", "de-DE")
    assert (as_job.category, as_job.replacement) == ("gender_marker", "Verkäuferin (m/w/d)")


def test_membership_frames_are_allowed_for_a_church_employer_only() -> None:
    for text, locale in (
        ("Kirchenmitgliedschaft ist Einstellungsvoraussetzung", "de-DE"),
        ("Konfessionslose Bewerber werden nicht berücksichtigt", "de-DE"),
        ("Applicants must be members of the Church of England", "en-GB"),
    ):
        assert [f.category for f in find_violations(text, locale)] == ["religion"], text
        assert find_violations(text, locale, church_employer=True) == [], text


def test_the_ocr_side_reads_the_same_kinds_but_not_the_marker() -> None:
    ocr = "Kranken-\npfleger gesucht\nBewerber unter 30 Jahren"
    assert [f.category for f in creative_violations(ocr, "de-DE")] == ["age"]
    assert {f.category for f in find_violations(ocr, "de-DE")} == {"gender_marker", "age"}


def test_a_finding_names_the_phrase_explains_why_and_suggests_an_alternative() -> None:
    (finding,) = find_violations("Wir sind ein junges Team in Konstanz", "de-DE")
    assert finding.phrase == "junges Team" and finding.category == "age"
    assert "AGG §1" in finding.why and finding.why.endswith(".")
    assert finding.suggestion and finding.replacement == "engagiertes Team"
    (english,) = find_violations("We want a native English speaker", "en-GB")
    assert english.category == "origin" and "skill" in english.why and "C1" in english.suggestion


def test_ocr_text_with_broken_lines_is_read_as_one_text() -> None:
    ocr = "Kranken-\npfleger\ngesucht"
    assert [f.phrase for f in find_violations(ocr, "de-DE")] == ["Krankenpfleger"]
    assert find_violations("Kranken-\npfleger (m/w/d)\ngesucht", "de-DE") == []


def test_prohibited_claims_match_regardless_of_case_and_spacing() -> None:
    found = find_violations("FESTANSTELLUNG   garantiert!", "de-DE", ["Festanstellung garantiert"])
    assert [(f.category, f.phrase) for f in found] == [("prohibited_claim", "FESTANSTELLUNG garantiert")]
    assert find_violations("Festanstellung nach der Probezeit", "de-DE", ["Festanstellung garantiert"]) == []


def test_a_church_employer_may_ask_for_its_faith() -> None:
    text = "Du teilst unser christliches Weltbild"
    assert [f.category for f in find_violations(text, "de-DE")] == ["religion"]
    assert find_violations(text, "de-DE", church_employer=True) == []


@pytest.mark.parametrize(
    "title",
    [
        "Pflegefachkraft (m/w/d)",
        "Koch (w/m/d)",
        "Erzieher (m/f/d)",
        "Lagerist (d/m/w)",
        "Koch (gn)",
        "Entwickler (all genders)",
        "Mitarbeiter*in",
        "Mitarbeiter:in",
        "Pflegefachkräfte*",
        "Mitarbeiter/-in",
    ],
)
def test_gender_marker_forms(title: str) -> None:
    assert has_gender_marker(title)
    assert find_violations(title, "de-DE", is_title=True) == []


def test_a_copy_variant_is_checked_field_by_field() -> None:
    variant = CopyVariant(
        variant="C",
        angle="team",
        headline="Elektriker gesucht",
        subline="Werde Teil unseres jungen Teams",
        benefits=["30 Tage Urlaub", "Festanstellung garantiert"],
        cta="Jetzt bewerben",
        emotional_anchors=["Zusammenhalt"],
        style="friendly",
    )
    found = check_variant(
        variant, "de-DE", title="Elektriker (m/w/d)", prohibited=["Festanstellung garantiert"]
    )
    assert [(f.variant, f.field, f.category) for f in found] == [
        ("C", "headline", "gender_marker"),
        ("C", "subline", "age"),
        ("C", "benefits[1]", "prohibited_claim"),
    ]
    marked = variant.model_copy(update={"job_title": "Elektriker"})  # the title as the ad uses it
    assert ("title", "gender_marker") in {(f.field, f.category) for f in check_variant(marked, "de-DE")}

"""The compliance gate on its own: every labelled phrase classified as labelled (or, for the
deliberately unresolved ones, as the data file says the gate answers), and findings a recruiter
can act on."""

from __future__ import annotations

import pytest

from benchmarks.eval_compliance import labelled_phrases, predicted
from creative_assets.gates.compliance import check_variant, find_violations, has_gender_marker
from creative_assets.models import CopyVariant

PHRASES = labelled_phrases()


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

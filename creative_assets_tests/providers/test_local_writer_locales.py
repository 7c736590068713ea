"""The local copywriter per locale and with the compliance gate's feedback."""

from __future__ import annotations

import pytest

from creative_assets.gates.compliance import check_variants
from creative_assets.models import JobPosting
from creative_assets.providers.local import LocalJobSource, LocalResearcher, TemplateTextGenerator
from creative_assets.providers.local.copy_templates import localise

WRITER = TemplateTextGenerator()


def context_of(job: JobPosting, **changes: object):  # type: ignore[no-untyped-def]
    return WRITER.fuse_context(job, LocalResearcher().research(job)).value.model_copy(update=changes)


def test_each_locale_gets_its_languages_templates() -> None:
    job = LocalJobSource().get_job("hoc-4711-pflege")
    context = context_of(job)
    german, english = WRITER.write_copy(context, "de-DE").value, WRITER.write_copy(context, "en-GB").value
    assert german[0].cta == "Jetzt bewerben" and english[0].cta == "Apply now"
    assert german[0].job_title == "Pflegefachkraft (m/w/d) Intensivstation" and english[0].job_title is None
    assert WRITER.write_copy(context).value == german  # None: the context language's default locale
    with pytest.raises(ValueError, match="unsupported_locale"):
        WRITER.write_copy(context, "fr-FR")


def test_american_english_differs_from_british_only_in_spelling() -> None:
    assert localise("Paid training programme at the centre", "en-US") == "Paid training program at the center"
    assert (
        localise("Paid training programme at the centre", "en-GB") == "Paid training programme at the centre"
    )
    assert localise("Centres and colours", "en-US") == "Centers and colors"


def test_feedback_replaces_flagged_wording_in_the_postings_benefits() -> None:
    job = LocalJobSource().get_job("hoc-4711-pflege")
    benefits = ["Junges, dynamisches Team", "30 Tage Urlaub", "Festanstellung garantiert"]
    context = context_of(job, key_benefits=benefits)
    first = WRITER.write_copy(context, "de-DE").value
    findings = check_variants(first, "de-DE", prohibited=["Festanstellung garantiert"])
    assert {f.category for f in findings} == {"age", "prohibited_claim"}

    second = WRITER.write_copy(context, "de-DE", findings).value
    assert check_variants(second, "de-DE", prohibited=["Festanstellung garantiert"]) == []
    written = {b for v in second for b in v.benefits}
    assert "Engagiertes und motiviertes Team" in written  # the drop-in, capitalised like the original
    assert not any("Festanstellung" in b for b in written)  # no drop-in: the benefit is left out


def test_a_missing_marker_in_a_benefit_is_added_once() -> None:
    job = LocalJobSource().get_job("hoc-4711-pflege")
    context = context_of(job, key_benefits=["Ausbildung zum Krankenpfleger", "30 Tage Urlaub"])
    findings = check_variants(WRITER.write_copy(context, "de-DE").value, "de-DE")
    assert {(f.category, f.phrase) for f in findings} == {("gender_marker", "Krankenpfleger")}
    assert len(findings) > 1  # the same benefit in several variants
    fixed = WRITER.write_copy(context, "de-DE", findings).value
    assert check_variants(fixed, "de-DE") == []
    assert "Ausbildung zum Krankenpfleger (m/w/d)" in fixed[0].benefits  # one marker, not one per finding

"""Localization and the compliance gate in the text phase: one context, copy per locale, copy
rewritten with the gate's findings as feedback, and a failed verdict that stops the campaign
before any picture is made."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import ensure_job_partition, first_step_error, run_campaign
from creative_assets.defs.automation.sensors import compliance_verdicts
from creative_assets.defs.text.compliance import ComplianceRules
from creative_assets.errors import CreativeAssetsError
from creative_assets.models import CampaignContext, CopyDeck, CopyVariant, DesignerPrompt, JobPosting
from creative_assets.models.text import ComplianceFinding
from creative_assets.partitions import variant_key
from creative_assets.providers.base import Generated
from creative_assets.providers.local import LocalJobSource, ProceduralImageGenerator, TemplateTextGenerator
from creative_assets_tests.conftest import chain_sensor_requests, make_defs
from creative_assets_tests.provider_sim.hoc_jobs import SAMPLE_JOBS

BILINGUAL = "hoc-6230-pflege-bilingual"
GERMAN = "hoc-4711-pflege"


def deck_of(storage: Path, job: str) -> CopyDeck:
    record = json.loads((storage / "copy_variants" / job / "record.json").read_text())
    return CopyDeck.model_validate(record["data"])


# Dagster hands each run a copy of a resource, so what the fakes record lives outside them.
ASKED: dict[str, list[tuple[str, str | None, int]]] = {}
IMAGE_CALLS: dict[str, list[str]] = {}


class CountingWriter(TemplateTextGenerator):
    """The template writer, recording what it is asked to do under ASKED[log]."""

    log: str = "default"

    @property
    def _asked(self) -> list[tuple[str, str | None, int]]:
        return ASKED.setdefault(self.log, [])

    def fuse_context(self, job, research):  # type: ignore[no-untyped-def]
        self._asked.append(("fuse_context", None, 0))
        return super().fuse_context(job, research)

    def write_copy(
        self, context: CampaignContext, locale: str | None = None, feedback: Sequence[ComplianceFinding] = ()
    ) -> Generated[list[CopyVariant]]:
        self._asked.append(("write_copy", locale, len(feedback)))
        return super().write_copy(context, locale, feedback)


class BiasedWriter(CountingWriter):
    """Writes "junges Team" and a banned claim into its first draft; `stubborn` ignores feedback."""

    stubborn: bool = False

    def write_copy(
        self, context: CampaignContext, locale: str | None = None, feedback: Sequence[ComplianceFinding] = ()
    ) -> Generated[list[CopyVariant]]:
        written = super().write_copy(context, locale, feedback)
        if feedback and not self.stubborn:
            return written
        biased = [
            v.model_copy(
                update={
                    "subline": "Werde Teil unseres jungen Teams",
                    "benefits": [*v.benefits[:2], "Traumjob"],
                }
            )
            for v in written.value
        ]
        return Generated(biased, written.made_by)


def text_run(tmp_path: Path, instance: dg.DagsterInstance, job: str, writer: TemplateTextGenerator):
    defs = make_defs(tmp_path, text_generator=writer)
    ensure_job_partition(instance, LocalJobSource(), job)
    return defs, defs.resolve_job_def("campaign_text").execute_in_process(
        partition_key=job, instance=instance, raise_on_error=False
    )


def test_a_two_locale_job_writes_both_locales_from_one_context(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    writer = CountingWriter(log="two_locales")
    _, result = text_run(tmp_path, instance, BILINGUAL, writer)
    assert result.success
    deck = deck_of(tmp_path, BILINGUAL)
    assert deck.locales == ["de-DE", "en-GB"] and deck.locale == "de-DE"
    assert [t.locale for t in deck.translations] == ["en-GB"]
    assert deck.variant("A", "en-GB").cta == "Apply now" and deck.variant("A").cta == "Jetzt bewerben"
    with pytest.raises(KeyError, match="unknown_locale"):
        deck.variant("A", "fr-FR")
    # One fusion; German needed one rewrite (the title lost its marker in the headline), English none.
    assert writer._asked == [
        ("fuse_context", None, 0),
        ("write_copy", "de-DE", 0),
        ("write_copy", "de-DE", 1),
        ("write_copy", "en-GB", 0),
    ]
    assert [(r.locale, r.round, len(r.findings)) for r in deck.compliance] == [
        ("de-DE", 0, 1),
        ("de-DE", 1, 0),
        ("en-GB", 0, 0),
    ]
    assert deck.compliance[0].findings[0].phrase == "Krankenpfleger"
    assert deck.variant("A").headline == "Gesundheits- und Krankenpfleger (m/w/d)"
    assert deck.final_findings() == {"de-DE": [], "en-GB": []}

    check = compliance_verdicts(instance, result.run_id)[BILINGUAL]
    assert check.passed and check.metadata["rewrites"].value == {"de-DE": 1, "en-GB": 0}
    materialization = instance.get_latest_materialization_event(dg.AssetKey("copy_variants"))
    metadata = materialization.asset_materialization.metadata  # type: ignore[union-attr]
    rows = [r.data for r in metadata["variants"].records]
    assert {r["locale"] for r in rows} == {"de-DE", "en-GB"} and sum(r["variant"] == "A" for r in rows) == 2
    assert metadata["locales"].value == "de-DE, en-GB"


def test_feedback_fixes_biased_copy_before_anything_is_rendered(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    writer = BiasedWriter(log="feedback")
    _, result = text_run(tmp_path, instance, GERMAN, writer)
    assert result.success
    assert [(a[1], a[2] > 0) for a in writer._asked if a[0] == "write_copy"] == [
        ("de-DE", False),
        ("de-DE", True),
    ]
    deck = deck_of(tmp_path, GERMAN)
    first = deck.compliance[0].findings
    assert {(f.category, f.phrase) for f in first} == {
        ("age", "jungen Teams"),
        ("prohibited_claim", "Traumjob"),
    }
    assert len(first) == 10  # both, in each of the five variants
    assert deck.compliance[-1].findings == [] and "jung" not in deck.variant("C").subline
    assert compliance_verdicts(instance, result.run_id)[GERMAN].passed


def test_stubborn_copy_fails_the_gate_and_nothing_downstream_runs(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    images = CountingImages(log="stubborn")
    defs = make_defs(tmp_path, text_generator=BiasedWriter(stubborn=True), image_generator=images)
    ensure_job_partition(instance, LocalJobSource(), GERMAN)
    outcome = run_campaign(defs, instance, GERMAN)

    assert [r.job_name for r in outcome.runs] == ["campaign_text"] and not outcome.success
    error = outcome.runs[0].error or ""
    assert error.startswith("[compliance_failed]") and "jungen Teams" in error and "Traumjob" in error
    assert images.calls == 0
    deck = deck_of(tmp_path, GERMAN)  # stored for review, with every round
    assert [r.round for r in deck.compliance] == [0, 1, 2] and all(r.findings for r in deck.compliance)
    check = compliance_verdicts(instance, outcome.runs[0].run_id)[GERMAN]
    findings = " ".join(str(r.data) for r in check.metadata["findings"].records)
    assert not check.passed and "jungen Teams" in findings
    assert "AGG §1" in findings

    # The chain sensor would not launch the variant runs for this copy either.
    run = instance.get_run_by_id(outcome.runs[0].run_id)
    assert run is not None and compliance_verdicts(instance, run.run_id)[GERMAN].passed is False
    assert chain_sensor_requests(instance, run, dg.DagsterEventType.RUN_FAILURE) == []

    # Nor does a variant run launched by hand (UI, backfill) render from the stored deck.
    by_hand = defs.resolve_job_def("campaign_variant").execute_in_process(
        partition_key=variant_key(GERMAN, "A"), instance=instance, raise_on_error=False
    )
    assert not by_hand.success
    step_error = first_step_error(by_hand) or ""
    assert step_error.startswith("image_prompts:") and "[compliance_failed]" in step_error
    assert images.calls == 0


class CountingImages(ProceduralImageGenerator):
    log: str = "default"

    @property
    def _calls(self) -> list[str]:
        return IMAGE_CALLS.setdefault(self.log, [])

    @property
    def calls(self) -> int:
        return len(self._calls)

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        self._calls.append(prompt.image_type)
        return super().generate(prompt, seed=seed, width=width, height=height, palette=palette)


def test_a_second_locale_costs_no_image_calls(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    images = CountingImages(log="second_locale")
    defs = make_defs(tmp_path, image_generator=images)
    ensure_job_partition(instance, LocalJobSource(), BILINGUAL)
    outcome = run_campaign(defs, instance, BILINGUAL, variants=["A"])
    assert outcome.success, [r.error for r in outcome.runs]
    generations = json.loads((tmp_path / "base_images" / BILINGUAL / "A" / "record.json").read_text())["data"]
    attempts = sum(len(i["attempts"]) for i in generations["images"])
    assert images.calls == attempts == 4  # one picture per image type: the same as for one locale


def test_a_customer_bans_claims_in_compliance_json_beside_its_brand_kit(tmp_path: Path) -> None:
    job = LocalJobSource().get_job(GERMAN)
    assert "Traumjob" in ComplianceRules().for_job(job).prohibited_claims  # the sample kit's file
    assert ComplianceRules(folder=str(tmp_path)).for_job(job).prohibited_claims == []
    kit = tmp_path / "klinikum-am-see"
    kit.mkdir()
    (kit / "compliance.json").write_text('{"prohibited_claims": "not a list"}')
    with pytest.raises(CreativeAssetsError, match="invalid_compliance_rules"):
        ComplianceRules(folder=str(tmp_path)).for_job(job)


def test_locales_must_start_with_the_jobs_language_and_not_repeat() -> None:
    data = json.loads((SAMPLE_JOBS / f"{GERMAN}.json").read_text(encoding="utf-8"))
    assert JobPosting.model_validate(data).locales == ["de-DE"]  # the language's default
    with pytest.raises(ValueError, match="primary one and must be in the job's language 'de'"):
        JobPosting.model_validate({**data, "locales": ["en-GB", "de-DE"]})
    with pytest.raises(ValueError, match="lists a locale twice"):
        JobPosting.model_validate({**data, "locales": ["de-DE", "en-GB", "en-GB"]})
    with pytest.raises(ValueError, match="String should match pattern"):
        JobPosting.model_validate({**data, "locales": ["de_DE"]})

"""The compliance gate with a language model's review beside its rules: the review goes through
the gateway (ledger, cache keyed by the copy), a finding from the model alone drives a rewrite,
and a model that fails leaves the rules' verdict standing. The simulator answers the review
schema by quoting phrases from its own short list: plumbing, not a reviewer's judgement."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from creative_assets.defs.text.compliance import CustomerRules, merge_findings, write_compliant_copy
from creative_assets.gates.compliance import check_variants, find_violations
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.retry import RetryPolicy
from creative_assets.models import CampaignContext, CopyVariant, JobPosting
from creative_assets.models.text import ComplianceFinding
from creative_assets.providers.base import Generated
from creative_assets.providers.compliance_review import (
    ComplianceReview,
    ReviewedPhrase,
    RulesOnlyReviewer,
    locate,
)
from creative_assets.providers.local import LocalResearcher, TemplateTextGenerator
from creative_assets.providers.openai_compliance import OpenAIComplianceReviewer
from creative_assets.providers.select import parse_choice, provider_resources
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import configure, endpoint_stats, faults, gateway

RISKY = "Perfekte Deutschkenntnisse für das Lager"  # the rules leave this to a model (context)


def reviewer(sim: Simulator, hub: ProviderGateway | None = None) -> OpenAIComplianceReviewer:
    return OpenAIComplianceReviewer(
        api_key="sk-test",
        base_url=sim.url_for("openai"),
        gateway=hub or gateway(),
        max_retries=0,
        retry=RetryPolicy(backoff_s=0.001, max_backoff_s=0.005),  # the tests wait for no backoff
    )


def template_copy(job: JobPosting) -> tuple[TemplateTextGenerator, CampaignContext, list[CopyVariant]]:
    writer = TemplateTextGenerator()
    context = writer.fuse_context(job, LocalResearcher().research(job)).value
    return writer, context, writer.write_copy(context, "de-DE").value


class RiskyFirstDraft(TemplateTextGenerator):
    """Puts a context-dependent phrase into variant B's benefits until it gets feedback on it."""

    def write_copy(
        self, context: CampaignContext, locale: str | None = None, feedback: Sequence[ComplianceFinding] = ()
    ) -> Generated[list[CopyVariant]]:
        written = super().write_copy(context, locale, feedback)
        if any(f.phrase == "Perfekte Deutschkenntnisse" for f in feedback):
            return written
        variants = [
            v.model_copy(update={"benefits": [*v.benefits[:2], RISKY]}) if v.variant == "B" else v
            for v in written.value
        ]
        return Generated(variants, written.made_by)


def test_the_model_finds_what_the_rules_leave_and_quotes_the_field(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    _, _, variants = template_copy(job)
    risky = [
        v.model_copy(update={"benefits": [*v.benefits[:2], RISKY]}) if v.variant == "B" else v
        for v in variants
    ]
    assert check_variants(risky, "de-DE", title=job.title) == []  # the rules pass it

    hub = gateway()
    review = reviewer(sim, hub).review(risky, "de-DE", title=job.title)

    assert review is not None and review.error is None and review.unlocated == 0
    (finding,) = review.findings
    assert (finding.variant, finding.field, finding.category) == ("B", "benefits[2]", "origin")
    assert finding.phrase == "Perfekte Deutschkenntnisse" and finding.suggestion and finding.why
    (call,) = hub.ledger()
    assert call.provider == "openai" and call.operation == "compliance_review" and call.cost_usd > 0
    assert endpoint_stats(sim, "openai.chat_completions")["calls"] == 1


def test_the_same_copy_is_reviewed_once_and_then_answered_from_the_cache(
    sim: Simulator, job: JobPosting
) -> None:
    configure(sim)
    hub = gateway()
    _, _, variants = template_copy(job)
    first = reviewer(sim, hub).review(variants, "de-DE", title=job.title)
    again = reviewer(sim, hub).review(variants, "de-DE", title=job.title)
    changed = reviewer(sim, hub).review(
        [v.model_copy(update={"cta": "Bewirb dich"}) for v in variants], "de-DE", title=job.title
    )

    assert first is not None and again is not None and changed is not None
    assert [r.cached for r in hub.ledger()] == [False, True, False]
    assert endpoint_stats(sim, "openai.chat_completions")["calls"] == 2  # the rewritten copy is new


def test_a_finding_from_the_model_alone_drives_the_rewrite(sim: Simulator, job: JobPosting) -> None:
    configure(sim)
    hub = gateway()
    written = write_compliant_copy(
        RiskyFirstDraft(),
        TemplateTextGenerator().fuse_context(job, LocalResearcher().research(job)).value,
        "de-DE",
        title=job.title,
        rules=CustomerRules(),
        max_rounds=2,
        reviewer=reviewer(sim, hub),
    )

    first, *rest = written.rounds
    assert [(f.variant, f.category, f.phrase) for f in first.findings if f.category == "origin"] == [
        ("B", "origin", "Perfekte Deutschkenntnisse")
    ]
    assert written.passed and rest and not rest[-1].findings
    assert all(RISKY not in v.benefits for v in written.variants)
    assert [r.error for r in written.reviews] == [None] * len(written.rounds)
    assert sum(r.operation == "compliance_review" for r in hub.ledger()) == len(written.rounds)


def test_a_failing_model_leaves_the_rules_verdict_standing(sim: Simulator, job: JobPosting) -> None:
    configure(sim, endpoints=faults("openai.chat_completions", server_500=1.0))
    biased = [
        v.model_copy(update={"subline": "Werde Teil unseres jungen Teams"}) for v in template_copy(job)[2]
    ]
    hub = gateway()
    review = reviewer(sim, hub).review(biased, "de-DE", title=job.title)
    assert review is not None and review.findings == []
    assert review.error and review.error.startswith("[") and hub.ledger()[0].outcome == "error"
    # The rules still find what they know; the model's part is merely missing.
    assert {f.phrase for f in check_variants(biased, "de-DE", title=job.title)} >= {"jungen Teams"}


def test_a_refusal_is_a_missing_review_not_a_clean_one(sim: Simulator, job: JobPosting) -> None:
    configure(sim, endpoints=faults("openai.chat_completions", moderated=1.0))
    review = reviewer(sim).review(template_copy(job)[2], "de-DE", title=job.title)
    assert review is not None and review.findings == [] and review.error and "refus" in review.error


def test_a_quote_the_copy_does_not_contain_is_dropped_and_counted(job: JobPosting) -> None:
    _, _, variants = template_copy(job)
    answer = ComplianceReview(
        findings=[
            ReviewedPhrase(
                variant="A", field="headline", category="age", phrase="junges Team", why="w", alternative="a"
            ),
            ReviewedPhrase(
                variant="A",
                field="cta",
                category="religion",
                phrase=variants[0].cta,
                why="w",
                alternative="a",
            ),
        ]
    )
    found, unlocated = locate(answer, variants, "de-DE", job.title, church_employer=False)
    assert unlocated == 1 and [(f.field, f.category) for f in found] == [("cta", "religion")]
    church, _ = locate(answer, variants, "de-DE", job.title, church_employer=True)
    assert church == []  # AGG §9, as for the rules


def test_a_model_finding_on_a_phrase_the_rules_found_adds_nothing() -> None:
    rules = find_violations("Werde Teil unseres jungen Teams", "de-DE", field="subline")
    rules = [f.model_copy(update={"variant": "A"}) for f in rules]
    same = rules[0].model_copy(update={"phrase": "jungen Teams", "why": "model", "replacement": None})
    other = same.model_copy(update={"field": "headline"})
    assert merge_findings(rules, [same, other]) == [*rules, other]


def test_without_a_model_the_rules_are_the_whole_gate(job: JobPosting) -> None:
    assert RulesOnlyReviewer().review(template_copy(job)[2], "de-DE") is None


@pytest.mark.parametrize(
    ("choice", "expected"), [("text=openai", OpenAIComplianceReviewer), ("images=bfl", None)]
)
def test_the_real_text_provider_brings_the_review(choice: str, expected: type | None) -> None:
    env = {"OPENAI_API_KEY": "sk-test", "BFL_API_KEY": "bfl-test"}
    resources = provider_resources(parse_choice(choice), gateway(), env)
    reviewer_resource = resources.get("compliance_reviewer")
    assert (type(reviewer_resource) if reviewer_resource is not None else None) is expected

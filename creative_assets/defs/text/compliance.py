"""The compliance gate inside the text phase: per-customer rules, and copy rewritten with the
gate's findings as feedback until it passes (bounded), before anything is rendered.

Each round reads the copy with the rules and, where a language model is configured, its review
(`providers/compliance_review.py`): a finding from either counts. The rules are the floor: no
model, or a model that fails, leaves their verdict standing, and the failure is logged.

The loop lives in the asset, not in the check, because a check cannot send a run back to the
copywriter; `gate_compliance` records the final verdict and blocks the images when it failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from pydantic import Field, ValidationError

from creative_assets.errors import CreativeAssetsError, describe_validation_error
from creative_assets.gates.compliance import check_variants
from creative_assets.models import CampaignContext, CopyVariant, JobPosting, Model
from creative_assets.models.text import ComplianceFinding, ComplianceRound
from creative_assets.providers.base import TextGenerator
from creative_assets.providers.compliance_review import ComplianceReviewer, Review
from creative_assets.providers.local.paths import SAMPLE_BRANDS_DIR, slugify

COMPLIANCE_FILE = "compliance.json"


class CustomerRules(Model):
    """`<brand kit folder>/<company-slug>/compliance.json`: what this customer's ads must not say."""

    prohibited_claims: list[str] = Field(default_factory=list, description="e.g. 'Festanstellung garantiert'")
    church_employer: bool = Field(
        default=False, description="a church employer may ask for its faith (AGG §9)"
    )


class ComplianceRules(dg.ConfigurableResource):
    """Where the compliance gate finds each customer's rules, and how often copy is rewritten.

    One place per customer: a `compliance.json` beside its brand kit (`brand.json`, `logo.png`),
    so everything a customer configured about its ads sits in one folder."""

    folder: str = Field(default=str(SAMPLE_BRANDS_DIR), description="folder of brand kits")
    max_rounds: int = Field(
        default=2, ge=0, le=5, description="rewrites with the gate's feedback after the first draft"
    )

    def for_job(self, job: JobPosting) -> CustomerRules:
        return self.for_company(job.company_name)

    def for_company(self, company_name: str) -> CustomerRules:
        path = Path(self.folder) / slugify(company_name) / COMPLIANCE_FILE
        if not path.is_file():
            return CustomerRules()
        try:
            return CustomerRules.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, ValidationError) as exc:
            # A broken rules file must not silently drop a customer's bans.
            detail = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            raise CreativeAssetsError(
                "invalid_compliance_rules", f"{path} cannot be read ({detail}); fix the file and re-run"
            ) from None


@dataclass
class CompliantCopy:
    """A locale's variants after the gate, with every round it took."""

    locale: str
    variants: list[CopyVariant]
    rounds: list[ComplianceRound] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)  # the model's part of each round, if any

    @property
    def passed(self) -> bool:
        return not self.rounds[-1].findings


def write_compliant_copy(
    generator: TextGenerator,
    context: CampaignContext,
    locale: str,
    *,
    title: str,
    rules: CustomerRules,
    max_rounds: int,
    reviewer: ComplianceReviewer | None = None,
) -> CompliantCopy:
    """Write the five variants for `locale`, check them (rules, plus the reviewer's findings),
    and rewrite with the findings as feedback up to `max_rounds` times; the last round's
    findings are the verdict."""
    result = CompliantCopy(locale=locale, variants=[])
    feedback: list[ComplianceFinding] = []
    for round_no in range(max_rounds + 1):
        written = generator.write_copy(context, locale, feedback)
        result.variants = written.value
        findings = check_variants(
            written.value,
            locale,
            title=title,
            prohibited=rules.prohibited_claims,
            church_employer=rules.church_employer,
        )
        review = (
            reviewer.review(written.value, locale, title=title, church_employer=rules.church_employer)
            if reviewer is not None
            else None
        )
        if review is not None:
            result.reviews.append(review)
            findings = merge_findings(findings, review.findings)
            if review.error:
                dg.get_dagster_logger().warning(
                    f"{locale} round {round_no}: the {review.reviewer} compliance review is missing "
                    f"({review.error}); the rules' findings alone decide this round"
                )
        result.rounds.append(ComplianceRound(locale=locale, round=round_no, findings=findings))
        if not findings:
            break
        feedback = findings
    return result


def merge_findings(rules: list[ComplianceFinding], model: list[ComplianceFinding]) -> list[ComplianceFinding]:
    """The rules' findings and the model's; a model finding on a phrase the rules already found
    (same variant and field, overlapping words) adds nothing and is left out."""

    def same(a: ComplianceFinding, b: ComplianceFinding) -> bool:
        x, y = a.phrase.lower(), b.phrase.lower()
        return (a.variant, a.field) == (b.variant, b.field) and (x in y or y in x)

    return [*rules, *(m for m in model if not any(same(m, r) for r in rules))]

"""The compliance gate inside the text phase: per-customer rules, and copy rewritten with the
gate's findings as feedback until it passes (bounded), before anything is rendered.

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
from creative_assets.models import CampaignContext, CopyVariant, JobPosting, Model, ProviderCall
from creative_assets.models.text import ComplianceFinding, ComplianceRound
from creative_assets.providers.base import TextGenerator
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
    calls: list[ProviderCall] = field(default_factory=list)

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
) -> CompliantCopy:
    """Write the five variants for `locale`, check them, and rewrite with the findings as
    feedback up to `max_rounds` times; the last round's findings are the verdict."""
    result = CompliantCopy(locale=locale, variants=[])
    feedback: list[ComplianceFinding] = []
    for round_no in range(max_rounds + 1):
        written = generator.write_copy(context, locale, feedback)
        result.variants = written.value
        result.calls.extend(written.calls)
        findings = check_variants(
            written.value,
            locale,
            title=title,
            prohibited=rules.prohibited_claims,
            church_employer=rules.church_employer,
        )
        result.rounds.append(ComplianceRound(locale=locale, round=round_no, findings=findings))
        if not findings:
            break
        feedback = findings
    return result

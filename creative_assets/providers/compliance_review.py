"""A language model's review of a locale's copy for discriminating wording, beside the rules.

The rules (`gates/compliance.py`) always run and are the floor. A reviewer adds what wording
rules cannot know ("perfekte Deutschkenntnisse" for a warehouse job, "energetic" for a desk
job): its findings count as much as the rules' own. `RulesOnlyReviewer` is the zero-key default
and reviews nothing; a model that fails leaves the rules' verdict standing and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import dagster as dg
from pydantic import Field

from creative_assets.gates.compliance import variant_fields
from creative_assets.models import CopyVariant, Model
from creative_assets.models.base import Variant
from creative_assets.models.text import ComplianceFinding
from creative_assets.providers.base import Priced

ReviewCategory = Literal["age", "gender", "origin", "religion", "disability"]


class ReviewedPhrase(Model):
    """One risky phrase the reviewer found, quoted from the copy."""

    variant: Variant = Field(description="the variant the phrase is in (A–E)")
    field: str = Field(description="title, headline, subline, benefits[i] or cta, as given")
    category: ReviewCategory
    phrase: str = Field(description="the words exactly as they appear in that field")
    why: str = Field(description="one sentence a recruiter understands, naming the law")
    alternative: str = Field(description="a neutral wording that says what the job needs")


class ComplianceReview(Model):
    """The reviewer's answer: every risky phrase, or none."""

    findings: list[ReviewedPhrase] = Field(description="empty when the copy is fine")


@dataclass(frozen=True)
class Review:
    """What a reviewer said about one locale's copy (its cost is on the gateway's ledger). `error` says why
    the model's review is missing ([code] message); the rules' findings still stand then."""

    reviewer: str
    findings: list[ComplianceFinding] = field(default_factory=list)
    unlocated: int = 0  # phrases the model quoted that the copy does not contain (dropped)
    error: str | None = None


def copy_fields(variants: Sequence[CopyVariant], title: str | None) -> list[dict[str, str]]:
    """The copy as the reviewer reads it: one entry per rendered field, as the rules read it."""
    return [
        {"variant": v.variant, "field": name, "text": text}
        for v in variants
        for name, text in variant_fields(v, title)
    ]


def locate(
    answer: ComplianceReview,
    variants: Sequence[CopyVariant],
    locale: str,
    title: str | None,
    *,
    church_employer: bool,
) -> tuple[list[ComplianceFinding], int]:
    """The reviewer's phrases as findings on the field that contains them; a phrase the copy
    does not contain cannot be rewritten and is dropped (counted). A church employer's faith
    requirement is allowed (AGG §9), as it is for the rules."""
    fields = {(f["variant"], f["field"]): f["text"] for f in copy_fields(variants, title)}
    found: list[ComplianceFinding] = []
    unlocated = 0
    for item in answer.findings:
        if church_employer and item.category == "religion":
            continue
        phrase = item.phrase.strip().strip("„“\"'")
        where = [
            key
            for key in [(item.variant, item.field), *fields]
            if key in fields and phrase and phrase.lower() in fields[key].lower()
        ]
        if not where:
            unlocated += 1
            continue
        variant, name = where[0]
        found.append(
            ComplianceFinding(
                phrase=phrase,
                category=item.category,
                why=item.why,
                suggestion=item.alternative,
                locale=locale,
                field=name,
                variant=variant,  # type: ignore[arg-type]
            )
        )
    return found, unlocated


class ComplianceReviewer(Priced, dg.ConfigurableResource):
    """Reviews a locale's five variants for wording that excludes people by age, gender, origin,
    religion or disability."""

    def review(
        self,
        variants: Sequence[CopyVariant],
        locale: str,
        *,
        title: str | None = None,
        church_employer: bool = False,
    ) -> Review | None:
        """None when no model is configured (this base class): the gate then relies on its rules
        alone. A model that fails returns a Review with `error` set rather than raising."""
        return None


class RulesOnlyReviewer(ComplianceReviewer):
    """The zero-key default: no model, the rules are the whole gate."""

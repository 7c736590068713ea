"""The compliance review on an OpenAI chat model: one strict structured-output call per locale
and round, through the gateway like every paid call. The request holds the copy itself, so the
gateway's content-addressed cache answers the same copy from cache (the copy's hash is the key)
and a rewritten draft is reviewed afresh.

A failed or refused review does not fail the step: the rules' findings stand, the failed call is
on the ledger, and the Review says why the model's part is missing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import Field, ValidationError

from creative_assets.errors import CreativeAssetsError, describe_validation_error
from creative_assets.models import CopyVariant, ProviderCall
from creative_assets.providers.compliance_review import (
    ComplianceReview,
    ComplianceReviewer,
    Review,
    copy_fields,
    locate,
)
from creative_assets.providers.openai_client import (
    NOT_REPAIRED,
    OpenAIResource,
    invalid_output,
    structured_chat,
)
from creative_assets.providers.prices import chat_cost, price_of
from creative_assets.providers.strict_schema import strict_schema

OPERATION = "compliance_review"
SCHEMA_NAME = "compliance_review"
TYPICAL_TOKENS = (1400, 250)  # five variants' fields in, a few findings out
REVIEW_PROMPT = """You review recruiting ads for discrimination before they are published.
German ads are judged by the AGG (§1, §11; the Antidiskriminierungsstelle's guidance and BAG
case law), English ads by the UK Equality Act 2010 and the EHRC's advert guidance.
Flag every phrase that excludes, discourages or prefers people by age, gender, ethnic origin or
nationality, religion or belief, or disability — directly ("bis 30 Jahre", "waitress",
"UK passport holders only") or indirectly (an upper limit on experience, a mother tongue, a
residence history, a health requirement the tasks do not need, a generation label).
Do not flag: skill or language levels (C1), licences, tasks ("lifting up to 20 kg"), a
named contact person, positive action ("applications from women are welcome"), the people the
job serves ("Seniorenheim", "children aged 5-11"), "Junior"/"Senior" as a level, a stated
occupational requirement, or German titles that already carry (m/w/d).
When `church_employer` is true, the employer may ask for its faith (AGG §9): do not flag that.
Quote each phrase exactly as it appears in the field it is in, give the category, one sentence
why, and a neutral alternative in the ad's language. Return no findings when the copy is fine."""


class OpenAIComplianceReviewer(OpenAIResource, ComplianceReviewer):
    """The compliance review on an OpenAI chat model (strict JSON schema)."""

    model: str = Field(default="gpt-4o", description="chat model; priced by providers/prices.py")
    max_completion_tokens: int = Field(default=1500, ge=200, description="a longer answer is an error")

    def list_prices(self) -> dict[str, float]:
        return {OPERATION: chat_cost(*TYPICAL_TOKENS, price_of(self.model))}

    def review(
        self,
        variants: Sequence[CopyVariant],
        locale: str,
        *,
        title: str | None = None,
        church_employer: bool = False,
    ) -> Review | None:
        reviewer = f"openai:{self.model}"
        payload = {
            "locale": locale,
            "church_employer": church_employer,
            "copy": copy_fields(variants, title),
        }
        try:
            answer = structured_chat(
                self,
                model=self.model,
                operation=OPERATION,
                name=SCHEMA_NAME,
                schema=strict_schema(ComplianceReview),
                system=REVIEW_PROMPT,
                user=json.dumps(payload, ensure_ascii=False),
                max_completion_tokens=self.max_completion_tokens,
                parse=self._parse,
            )
        except CreativeAssetsError as exc:  # a provider failure, the budget cap, no slot in time
            return Review(reviewer, error=str(exc))
        findings, unlocated = locate(answer, variants, locale, title, church_employer=church_employer)
        return Review(reviewer, findings=findings, unlocated=unlocated)

    def _parse(self, data: Any, call: ProviderCall) -> ComplianceReview:
        try:
            return ComplianceReview.model_validate(data)
        except ValidationError as exc:
            detail = describe_validation_error(exc)
            message = f"{self.model}'s compliance review does not fit the schema: {detail}; {NOT_REPAIRED}"
            raise invalid_output(message, call) from None

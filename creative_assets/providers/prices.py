"""The one price table of the real providers (the seed's figures; every client takes its price as
config defaulting to this table, so a changed tariff is one edit or one config value).

Public list prices differ in places (BFL lists flux-pro-1.1 at $0.04, gpt-image-1 costs more at
high quality); the ledger follows the seed until someone decides otherwise.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from creative_assets.errors import BAD_REQUEST, ProviderFailure


class TokenPrice(NamedTuple):
    input_per_1k: float
    output_per_1k: float


CHAT_PER_1K_TOKENS: dict[str, TokenPrice] = {
    "gpt-4o": TokenPrice(0.005, 0.015),
    "gpt-4o-mini": TokenPrice(0.00015, 0.0006),
    "gpt-4.1": TokenPrice(0.002, 0.008),
    "gpt-4.1-mini": TokenPrice(0.0004, 0.0016),
}
IMAGE_EDIT_PER_IMAGE = {"gpt-image-1": 0.04}
BFL_PER_IMAGE = {"flux-pro-1.1": 0.05, "flux-pro": 0.05, "flux-dev": 0.025}
PERPLEXITY_PER_RESEARCH = 0.10
FIRECRAWL_PER_SCRAPE = 0.01


def chat_cost(prompt_tokens: int, completion_tokens: int, price: TokenPrice) -> float:
    return round(
        prompt_tokens / 1000 * price.input_per_1k + completion_tokens / 1000 * price.output_per_1k, 8
    )


# Typical (prompt, completion) tokens per operation, measured on the sample jobs: the basis of
# the pre-flight estimate, not of the budget guard (which reserves the upper bound per call).
TYPICAL_TOKENS: dict[str, tuple[int, int]] = {
    "context_fusion": (1800, 700),
    "copywriting": (900, 1600),
    "meta_analysis": (900, 1300),
    "designer_prompts": (700, 700),
    "layout_design": (500, 120),
    "image_analysis": (350, 150),
    "creative_review": (400, 120),
}


def price_of(model: str) -> TokenPrice:
    """Prices by model (a dated snapshot is priced as its alias). An unpriced model fails before
    anything is spent: a ledger that silently under-reports is worse than a clear error."""
    price = CHAT_PER_1K_TOKENS.get(re.sub(r"-\d{4}-\d{2}-\d{2}$", "", model))
    if price is None:
        raise ProviderFailure(
            BAD_REQUEST, f"no price for model {model!r}: add it to providers/prices.py", provider="openai"
        )
    return price


def typical_chat_prices(model: str, operations: tuple[str, ...]) -> dict[str, float]:
    price = price_of(model)
    return {op: chat_cost(*TYPICAL_TOKENS[op], price) for op in operations}


def expected_chat_cost(
    messages: list[dict[str, Any]], max_completion_tokens: int, price: TokenPrice
) -> float:
    """What the budget guard reserves for a chat call: the prompt's tokens estimated generously
    (3 characters a token; a low-detail image is 85 tokens) plus the whole completion allowance.
    An upper bound on purpose: the guard must not let a cap be overrun by an estimate."""
    chars, images = 0, 0
    for message in messages:
        content = message["content"]
        for part in content if isinstance(content, list) else [{"type": "text", "text": content}]:
            if part.get("type") == "text":
                chars += len(part["text"])
            else:
                images += 1
    return chat_cost(chars // 3 + 85 * images, max_completion_tokens, price)

"""The one price table of the real providers (the seed's figures; every client takes its price as
config defaulting to this table, so a changed tariff is one edit or one config value).

Public list prices differ in places (BFL lists flux-pro-1.1 at $0.04, gpt-image-1 costs more at
high quality); the ledger follows the seed until someone decides otherwise.
"""

from __future__ import annotations

from typing import NamedTuple


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

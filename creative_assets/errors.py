"""Errors that reach a person: each carries a stable code and a sentence they can act on."""

from __future__ import annotations

from pydantic import ValidationError


class CreativeAssetsError(RuntimeError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def describe_validation_error(exc: ValidationError) -> str:
    """'location.city: Field required; benefits: List should have at least 1 item' — the fields
    named the way they appear in the JSON, so the author of the data can find them."""
    parts = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{field}: {error['msg']}")
    return "; ".join(parts)

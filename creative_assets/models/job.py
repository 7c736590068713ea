"""The job posting, as the HOC jobs API (or the local job folder) delivers it.

Types and required fields are strict. A field this version does not know is an error in a local
job file (a typo must not pass), while the HOC API may grow: its client moves unknown fields into
`extra_fields` (`with_extra_fields`), where they are kept and shown, never used. A timestamp must
be an ISO 8601 string with a UTC offset: a number (`12345`) is not taken for seconds since 1970."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AnyHttpUrl, BeforeValidator, Field, JsonValue, field_validator, model_validator

from creative_assets.models.base import Language, Model
from creative_assets.models.text import DEFAULT_LOCALE, Locale, language_of

JOB_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")  # \Z: no trailing newline


def _timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"must be an ISO 8601 timestamp string with a UTC offset, not {type(value).__name__}"
        )
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value[:40]!r} is not an ISO 8601 timestamp (e.g. 2026-11-18T09:30:00+00:00)"
        ) from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value[:40]!r} has no UTC offset (add +00:00 or Z)")
    return parsed


Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]


class Location(Model):
    city: str = Field(min_length=1, max_length=80)
    region: str | None = Field(default=None, max_length=80)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    remote: bool = False


class JobPosting(Model):
    """A HOC job. Validated strictly: a malformed field is an error that names it."""

    job_id: str = Field(description="HOC job id; also the Dagster partition key")
    title: str = Field(min_length=2, max_length=120)
    company_name: str = Field(min_length=1, max_length=120)
    company_website: AnyHttpUrl | None = None
    location: Location
    employment_type: str = Field(min_length=2, max_length=40)
    description: str = Field(min_length=20, max_length=20_000)
    requirements: list[str] = Field(default_factory=list, max_length=30)
    benefits: list[str] = Field(min_length=1, max_length=30)
    salary: str | None = Field(default=None, max_length=80)
    language: Language
    logo_url: AnyHttpUrl | None = None
    updated_at: Timestamp
    locales: list[Locale] = Field(
        default_factory=list,
        max_length=6,
        description="locales to write the copy in, primary first (its language is `language`); "
        "absent or empty: the language's default locale",
    )
    extra_fields: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="fields the HOC API sent that this version does not know: recorded, not used",
    )

    @classmethod
    def with_extra_fields(cls, data: dict[str, Any]) -> JobPosting:
        """Validate an API document: known fields strictly, unknown ones kept in `extra_fields`."""
        known = {k: v for k, v in data.items() if k in cls.model_fields and k != "extra_fields"}
        extra = {k: v for k, v in data.items() if k not in cls.model_fields}
        return cls.model_validate({**known, "extra_fields": extra})

    @model_validator(mode="before")
    @classmethod
    def _default_locale(cls, data: Any) -> Any:
        # Filled in before validation so the stored posting always names its locales.
        if isinstance(data, dict) and not data.get("locales") and data.get("language") in DEFAULT_LOCALE:
            return {**data, "locales": [DEFAULT_LOCALE[data["language"]]]}
        return data

    @model_validator(mode="after")
    def _locales_fit_language(self) -> JobPosting:
        if self.locales and language_of(self.locales[0]) != self.language:
            raise ValueError(
                f"locales: the first locale ({self.locales[0]}) is the primary one and must be in the "
                f"job's language {self.language!r}, e.g. {DEFAULT_LOCALE[self.language]}"
            )
        if len(set(self.locales)) != len(self.locales):
            raise ValueError(f"locales: {', '.join(self.locales)} lists a locale twice")
        return self

    @field_validator("job_id")
    @classmethod
    def _job_id_is_partition_safe(cls, value: str) -> str:
        if not JOB_ID_PATTERN.match(value):
            raise ValueError(
                "job_id must be 1-64 characters of letters, digits, '-' or '_' "
                "(it becomes a Dagster partition key and a storage path)"
            )
        return value

    @field_validator("benefits", "requirements")
    @classmethod
    def _no_blank_items(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip() for item in value]
        if any(not item for item in cleaned):
            raise ValueError("items must not be blank")
        return cleaned


class JobRef(Model):
    """A job in a listing: enough to decide whether its campaign must (re)run."""

    job_id: str
    updated_at: Timestamp

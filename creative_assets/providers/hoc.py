"""HOC jobs from the HOC jobs API (`GET /jobs/{job_id}`, `GET /jobs?updated_since=…` with cursor
pages).

Strict where it matters, tolerant where the API may grow: a job's known fields are validated
exactly like the local job files (a malformed field fails with its name), while a field this
version does not know is kept in the posting's `extra_fields` instead of rejecting the job. In a
listing, an item that does not validate (no id, a timestamp that is not one) is skipped with its
reason (`JobListing.skipped`, and a warning) and the good jobs are still listed.

Requests are retried like every provider call (`gateway/retry.py`): 429 with its Retry-After, 5xx,
timeouts, cut-off answers; a refused key fails at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import Field, ValidationError

from creative_assets.errors import INVALID_RESPONSE, ProviderError, ProviderFailure, describe_validation_error
from creative_assets.gateway.retry import retry_call
from creative_assets.models import JobPosting, JobRef
from creative_assets.partitions import validate_job_id
from creative_assets.providers.base import JobSource
from creative_assets.providers.http import HttpSettings, ProviderHttp, bearer, json_body
from creative_assets.providers.local.jobs import validated_job

PROVIDER = "hoc"
KEY_VAR = "HOC_API_KEY"
MAX_PAGES = 10_000  # a cursor that never ends is a server bug, not a reason to loop forever
log = logging.getLogger(__name__)


class JobListing(list[JobRef]):
    """The jobs of a listing (a list, as before) and the items skipped as malformed, with why."""

    def __init__(self, refs: list[JobRef], skipped: list[str]) -> None:
        super().__init__(refs)
        self.skipped = skipped


class HocJobSource(JobSource):
    """`api_key`/`base_url` are meant to be `dg.EnvVar("HOC_API_KEY")` / `dg.EnvVar("HOC_API_URL")`."""

    api_key: str = Field(description="HOC API key (pass dg.EnvVar('HOC_API_KEY'))")
    base_url: str = Field(description="HOC_API_URL; there is no public default")
    page_size: int = Field(default=100, ge=1, le=1000)
    http: HttpSettings = Field(default_factory=lambda: HttpSettings(timeout_s=30.0))

    @property
    def _http(self) -> ProviderHttp:
        return ProviderHttp(PROVIDER, KEY_VAR, self.api_key, self.http, bearer(self.api_key))

    def _get_json(
        self, client: httpx.Client, path: str, what: str, params: dict[str, str] | None = None
    ) -> Any:
        """One GET with its retries; None for a 404."""
        url = f"{self.base_url.rstrip('/')}{path}"

        def attempt(_clock: object) -> Any:
            response = self._http.request(
                client, "GET", url, what, params=params, headers={"Accept": "application/json"}, accept=(404,)
            )
            if response.status_code == 404:
                return None
            return json_body(response, provider=PROVIDER, what=what)

        return retry_call(self.http, attempt)

    def get_job(self, job_id: str) -> JobPosting:
        validate_job_id(job_id)  # before it becomes part of a URL
        with self._http.client() as client:
            data = self._get_json(client, f"/jobs/{quote(job_id, safe='')}", f"job {job_id!r}")
        if data is None:
            raise ProviderError("job_not_found", f"job {job_id!r} does not exist in the HOC jobs API")
        return parse_api_job(data, expected_id=job_id)

    def list_jobs(self, updated_since: datetime | None = None) -> JobListing:
        """Every job updated strictly after `updated_since` (a naive time is taken as UTC),
        following the cursor until the API says there is no next page."""
        params = {"limit": str(self.page_size)}
        if updated_since is not None:
            since = updated_since if updated_since.tzinfo else updated_since.replace(tzinfo=UTC)
            params["updated_since"] = since.isoformat()
        refs: list[JobRef] = []
        skipped: list[str] = []
        seen: set[str] = set()
        with self._http.client() as client:
            for _ in range(MAX_PAGES):
                page = self._get_json(client, "/jobs", "the job listing", dict(params))
                if page is None:
                    raise self._invalid("the job listing endpoint answered 404; check HOC_API_URL")
                if not isinstance(page, dict) or not isinstance(page.get("jobs"), list):
                    raise self._invalid("a job listing page is not a JSON object with a 'jobs' list")
                for item in page["jobs"]:
                    ref, problem = _listed(item)
                    if ref is not None:
                        refs.append(ref)
                    else:
                        log.warning("HOC jobs API: skipped a listing item: %s", problem)
                        skipped.append(problem)
                cursor = page.get("next_cursor")
                if cursor is None:
                    return JobListing(refs, skipped)
                if not isinstance(cursor, str) or cursor in seen:
                    raise self._invalid("the job listing repeated a cursor or sent an invalid one")
                seen.add(cursor)
                params["cursor"] = cursor
        raise self._invalid(f"the job listing did not end after {MAX_PAGES} pages")

    @staticmethod
    def _invalid(message: str) -> ProviderFailure:
        return ProviderFailure(INVALID_RESPONSE, f"HOC jobs API: {message}", provider=PROVIDER)


def _listed(item: Any) -> tuple[JobRef | None, str]:
    """A listing item as a JobRef (fields it adds are accepted and ignored), or why not."""
    if not isinstance(item, dict):
        return None, f"an item is a {type(item).__name__}, not an object"
    name = repr(item.get("job_id"))[:80]
    try:
        ref = JobRef.model_validate({"job_id": item.get("job_id"), "updated_at": item.get("updated_at")})
        validate_job_id(ref.job_id)
    except ValidationError as exc:
        return None, f"job {name}: {describe_validation_error(exc)}"
    except ValueError as exc:  # InvalidJobIdError
        return None, f"job {name}: {exc}"
    return ref, ""


def parse_api_job(data: Any, *, expected_id: str) -> JobPosting:
    """A job document from the API: known fields strictly, unknown fields kept aside."""
    job = validated_job(data, expected_id=expected_id, source="HOC jobs API", keep_extra=True)
    if job.extra_fields:
        names = ", ".join(sorted(job.extra_fields))
        log.info(
            "HOC job %s has fields this version does not use (kept in extra_fields): %s", job.job_id, names
        )
    return job

"""HOC jobs from the HOC jobs API (`GET /jobs/{job_id}`, `GET /jobs?updated_since=…` with cursor
pages), validated exactly like the local job files (`parse_job`): a malformed field fails with
its name before anything is generated."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import httpx
from pydantic import Field, TypeAdapter, ValidationError

from creative_assets.errors import describe_validation_error
from creative_assets.models import JobPosting, JobRef
from creative_assets.partitions import validate_job_id
from creative_assets.providers.base import JobSource, ProviderError
from creative_assets.providers.http import (
    INVALID_RESPONSE,
    HttpSettings,
    ProviderFailure,
    http_client,
    json_body,
    send,
)
from creative_assets.providers.local.jobs import parse_job

PROVIDER = "hoc"
KEY_VAR = "HOC_API_KEY"
MAX_PAGES = 10_000  # a cursor that never ends is a server bug, not a reason to loop forever
_REFS = TypeAdapter(list[JobRef])


class HocJobSource(JobSource):
    """`api_key`/`base_url` are meant to be `dg.EnvVar("HOC_API_KEY")` / `dg.EnvVar("HOC_API_URL")`."""

    api_key: str = Field(description="HOC API key (pass dg.EnvVar('HOC_API_KEY'))")
    base_url: str = Field(description="HOC_API_URL; there is no public default")
    page_size: int = Field(default=100, ge=1, le=1000)
    http: HttpSettings = Field(default_factory=lambda: HttpSettings(timeout_s=30.0))

    def _get(
        self, client: httpx.Client, path: str, what: str, params: dict[str, str] | None = None
    ) -> httpx.Response:
        request = client.build_request(
            "GET",
            f"{self.base_url.rstrip('/')}{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
        )
        return send(
            client,
            request,
            provider=PROVIDER,
            what=what,
            settings=self.http,
            key_var=KEY_VAR,
            secrets=[self.api_key],
            accept=(404,),
        )

    def get_job(self, job_id: str) -> JobPosting:
        validate_job_id(job_id)  # before it becomes part of a URL
        with http_client(self.http) as client:
            response = self._get(client, f"/jobs/{quote(job_id, safe='')}", f"job {job_id!r}")
        if response.status_code == 404:
            raise ProviderError("job_not_found", f"job {job_id!r} does not exist in the HOC jobs API")
        return parse_job(response.content, expected_id=job_id, source="HOC jobs API")

    def list_jobs(self, updated_since: datetime | None = None) -> list[JobRef]:
        """Every job updated strictly after `updated_since` (a naive time is taken as UTC),
        following the cursor until the API says there is no next page."""
        params = {"limit": str(self.page_size)}
        if updated_since is not None:
            since = updated_since if updated_since.tzinfo else updated_since.replace(tzinfo=UTC)
            params["updated_since"] = since.isoformat()
        refs: list[JobRef] = []
        seen: set[str] = set()
        with http_client(self.http) as client:
            for _ in range(MAX_PAGES):
                response = self._get(client, "/jobs", "the job listing", params)
                if response.status_code == 404:
                    raise self._invalid("the job listing endpoint answered 404; check HOC_API_URL")
                page = json_body(response, provider=PROVIDER, what="the job listing")
                if not isinstance(page, dict):
                    raise self._invalid("a job listing page is not a JSON object")
                try:
                    refs += _REFS.validate_python(page.get("jobs"))
                except ValidationError as exc:
                    raise self._invalid(
                        f"a job listing page is malformed: {describe_validation_error(exc)}"
                    ) from None
                cursor = page.get("next_cursor")
                if cursor is None:
                    return refs
                if not isinstance(cursor, str) or cursor in seen:
                    raise self._invalid("the job listing repeated a cursor or sent an invalid one")
                seen.add(cursor)
                params["cursor"] = cursor
        raise self._invalid(f"the job listing did not end after {MAX_PAGES} pages")

    @staticmethod
    def _invalid(message: str) -> ProviderFailure:
        return ProviderFailure(INVALID_RESPONSE, f"HOC jobs API: {message}", provider=PROVIDER)

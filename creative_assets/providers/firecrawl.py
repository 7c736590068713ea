"""Brand identity from Firecrawl's `branding` scrape of the employer's website.

Never raises for a brand problem: a scrape that failed after its retries, a site that answers
404, missing colours or an unusable answer give `default_brand(company, reason)`; the campaign
goes on and the asset warns with the reason. A refused key (401/403) or an account out of
credits (402) is not a brand problem: it fails the step with `[auth_failed]`, like every other
provider, instead of quietly giving every campaign the default colours. A logo that cannot be used
(refused URL, too big, not an image) keeps the scraped colours and drops only the logo, with the
reason in `fallback_reason`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from pydantic import Field

from creative_assets.errors import AUTH_FAILED, INVALID_RESPONSE, ProviderFailure
from creative_assets.gateway.resource import Answer, CallSpec, ProviderGateway
from creative_assets.models import BrandIdentity, JobPosting, LogoInfo, ProviderCall
from creative_assets.models.brand import LOGO_FILE
from creative_assets.providers.base import BrandExtractor
from creative_assets.providers.http import HttpSettings, ProviderHttp, bearer, failed_call, redact, timed
from creative_assets.providers.local.brand import DEFAULT_BRAND, default_brand
from creative_assets.providers.prices import FIRECRAWL_PER_SCRAPE
from creative_assets.providers.safe_fetch import MAX_LOGO_BYTES, FetchRefused, fetch_logo

DEFAULT_BASE_URL = "https://api.firecrawl.dev"
PROVIDER = "firecrawl"
KEY_VAR = "FIRECRAWL_API_KEY"
BRAND_TTL_S = 90 * 24 * 3600.0
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_RGB = re.compile(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})")


def to_hex(value: Any) -> str | None:
    """'#ABC', '#aabbcc', 'aabbcc' or 'rgb(1, 2, 3)' as '#rrggbb'; anything else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _HEX.match(text):
        digits = match.group(1)
        return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits)).lower()
    if (match := _RGB.match(text)) and all(int(v) <= 255 for v in match.groups()):
        return "#" + "".join(f"{int(v):02x}" for v in match.groups())
    return None


class FirecrawlBrandExtractor(BrandExtractor):
    """`api_key` is meant to be `dg.EnvVar("FIRECRAWL_API_KEY")`."""

    api_key: str = Field(description="Firecrawl API key (pass dg.EnvVar('FIRECRAWL_API_KEY'))")
    base_url: str = Field(default=DEFAULT_BASE_URL, description="FIRECRAWL_BASE_URL")
    price_per_scrape: float = Field(default=FIRECRAWL_PER_SCRAPE, ge=0)
    allow_private_hosts: bool = Field(
        default=False, description="fetch logos from private/loopback hosts: tests against the simulator only"
    )
    max_logo_bytes: int = Field(default=MAX_LOGO_BYTES, gt=0)
    logo_timeout_s: float = Field(default=10.0, gt=0)
    http: HttpSettings = Field(default_factory=lambda: HttpSettings(timeout_s=90.0))
    gateway: ProviderGateway = Field(description="limits, cache, budget and ledger shared by all runs")

    def list_prices(self) -> dict[str, float]:
        return {"brand_identity": self.price_per_scrape}

    def extract(self, job: JobPosting) -> BrandIdentity:
        company = job.company_name
        if job.company_website is None:
            return default_brand(company, "the job names no company website to read a brand from")
        website = str(job.company_website)
        spec = CallSpec(
            provider=PROVIDER,
            operation="brand_identity",
            model="scrape/branding",
            request={"url": website, "formats": ["branding"], "logo_url": str(job.logo_url or "")},
            expected_cost_usd=self.price_per_scrape,
            ttl_s=BRAND_TTL_S,
            retry=self.http,
            # The design's key: a company's brand is the same for every job it posts.
            cache_key={"company": " ".join(company.casefold().split()), "website": website},
        )
        try:
            answer = self.gateway.call(spec, lambda: self._read_brand(job, website))
        except ProviderFailure as exc:
            if exc.code == AUTH_FAILED:
                raise
            return default_brand(company, f"Firecrawl could not read {website}: {exc}")
        brand = BrandIdentity.model_validate(answer.data)
        return brand.model_copy(update={"files": dict(answer.blobs)})

    def _read_brand(self, job: JobPosting, website: str) -> Answer:
        """Scrape and build the brand; only a brand actually read from the site is cached (a
        fallback to defaults is asked again next time)."""
        company = job.company_name
        call = ProviderCall(
            provider=PROVIDER, model="scrape/branding", operation="brand_identity", unit="scrape"
        )
        started = time.monotonic()
        try:
            data = self._scrape(website)
        except ProviderFailure as exc:  # an answer Firecrawl sent, even cut off, is billed
            cost = self.price_per_scrape if exc.answered else 0.0
            raise failed_call(exc, timed(call, started).model_copy(update={"cost_usd": cost})) from None
        call = timed(call, started).model_copy(update={"cost_usd": self.price_per_scrape})
        try:
            brand = self._brand(job, website, data)
        except Exception as exc:  # untrusted data must not fail the campaign; the reason is kept
            reason = redact(
                f"Firecrawl's answer for {website} is unusable ({type(exc).__name__}: {exc})", [self.api_key]
            )
            brand = default_brand(company, reason[:500])
        return Answer(
            call=call,
            data=brand.model_dump(mode="json"),
            blobs=brand.files,
            cacheable=brand.source == "firecrawl",
        )

    def _scrape(self, website: str) -> dict[str, Any]:
        http = ProviderHttp(PROVIDER, KEY_VAR, self.api_key, self.http, bearer(self.api_key))
        with http.client() as client:
            body = {"url": website, "formats": ["branding"], "onlyMainContent": False}
            url = f"{self.base_url.rstrip('/')}/v1/scrape"
            answer = http.request_json(client, "POST", url, "the branding scrape", json=body)
        if (
            not isinstance(answer, dict)
            or answer.get("success") is not True
            or not isinstance(answer.get("data"), dict)
        ):
            raise ProviderFailure(
                INVALID_RESPONSE, "Firecrawl's answer has no successful data", provider=PROVIDER, status=200
            )
        return answer["data"]

    def _brand(self, job: JobPosting, website: str, data: dict[str, Any]) -> BrandIdentity:
        company = job.company_name
        status = (data.get("metadata") or {}).get("statusCode")
        if isinstance(status, int) and status >= 400:  # success:true only means Firecrawl worked
            return default_brand(company, f"{website} answered HTTP {status} to Firecrawl")
        branding = data.get("branding") if isinstance(data.get("branding"), dict) else {}
        colors = branding.get("colors") if isinstance(branding.get("colors"), dict) else {}
        primary = to_hex(colors.get("primary"))
        if primary is None:
            return default_brand(company, f"Firecrawl found no usable brand colours on {website}")
        fonts = [f.get("family") for f in branding.get("fonts") or [] if isinstance(f, dict)]
        images = branding.get("images") if isinstance(branding.get("images"), dict) else {}
        candidates = [u for u in (images.get("logo"), str(job.logo_url) if job.logo_url else None) if u]
        logo, files, note = self._logo(candidates)
        return BrandIdentity(
            company_name=company,
            primary_color=primary,
            secondary_color=to_hex(colors.get("secondary")) or DEFAULT_BRAND["secondary_color"],
            accent_color=to_hex(colors.get("accent")) or DEFAULT_BRAND["accent_color"],
            # text over photos stays white by default: the site's body text colour is for paper
            font_family=next((f for f in fonts if isinstance(f, str) and f.strip()), "DejaVu Sans"),
            logo=logo,
            source="firecrawl",
            fallback_reason=note,
            files=files,
        )

    def _logo(self, candidates: list[Any]) -> tuple[LogoInfo | None, dict[str, bytes], str | None]:
        problems = []
        for url in candidates:
            try:
                png, info = fetch_logo(
                    str(url),
                    allow_private_hosts=self.allow_private_hosts,
                    max_bytes=self.max_logo_bytes,
                    timeout_s=self.logo_timeout_s,
                    trusted_origin=self.base_url,
                )
                return info, {LOGO_FILE: png}, None
            except FetchRefused as exc:
                problems.append(f"logo {str(url)[:200]} refused: {exc}")
        if not problems:
            return None, {}, "no logo found on the website; creatives go without one"
        return None, {}, "; ".join(problems) + "; creatives go without a logo"

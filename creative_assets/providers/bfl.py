"""Black Forest Labs FLUX text-to-image: submit → poll the returned `polling_url` → download the
signed sample at once (it expires after ten minutes) → size- and decode-check the PNG.

A task is paid when BFL accepts it, so the gateway records it (`call_task`) before it is polled:
a retry of the call, or a re-run after the process died, resumes polling it instead of paying
again. Polls are free reads: a transient poll failure (429, 5xx, a cut-off answer) is "no news
yet", and polling goes on, waiting what the answer advised, until the task's deadline; the task
keeps its slot meanwhile, since BFL counts it as active.

The polling URL is the one BFL returns (its global endpoint routes tasks to regional clusters, so
the host differs from the submit host), but it is followed only on BFL's own hosts (`*.bfl.ai`)
or the configured base URL's host: `x-key` goes to no other. The sample's storage host gets no
key (its URL is signed already), and the sample is streamed with a byte cap.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode, urlparse

import httpx
import pydantic_core
from PIL import Image
from pydantic import Field

from creative_assets.errors import INVALID_RESPONSE, MODERATED, TASK_LOST, TIMEOUT, ProviderFailure
from creative_assets.gateway.resource import Answer, CallSpec, ProviderGateway, Task
from creative_assets.gateway.retry import RETRYABLE
from creative_assets.gateway.transport import deadline_after
from creative_assets.imaging.png import MAX_BYTES, InvalidImageError, open_image, to_png
from creative_assets.models import DesignerPrompt, ProviderCall
from creative_assets.providers.base import Generated, ImageGenerator
from creative_assets.providers.http import HttpSettings, ProviderHttp, failed_call, json_body, timed
from creative_assets.providers.prices import BFL_PER_IMAGE
from creative_assets.providers.safe_fetch import loopback_host

DEFAULT_BASE_URL = "https://api.bfl.ai"
PROVIDER = "bfl"
KEY_VAR = "BFL_API_KEY"
SIDE_MIN, SIDE_MAX, SIDE_STEP = 256, 1440, 32  # FLUX accepts multiples of 32 in this range
MODERATED_STATES = ("Request Moderated", "Content Moderated")
FAILED_STATES = ("Error", "Failed")
LOST_STATES = ("Task not found",)  # BFL forgot it (results are kept about ten minutes): submit anew
UNTRUSTED_HOST = "untrusted_host"


def trusted_host(url: str, base_url: str) -> bool:
    """BFL's own hosts (https, `bfl.ai` and its subdomains), the configured base URL's host, and
    for a base URL on loopback (the simulator) any loopback spelling of it."""
    parts, base = urlparse(url), urlparse(base_url)
    host, base_host = (parts.hostname or "").lower(), (base.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https") or parts.username or parts.password:
        return False
    if host == base_host and parts.scheme == base.scheme:
        return True
    if parts.scheme == "https" and (host == "bfl.ai" or host.endswith(".bfl.ai")):
        return True
    return loopback_host(host) and loopback_host(base_host)


def flux_size(width: int, height: int) -> tuple[int, int]:
    """The closest size FLUX accepts with the same shape: scaled into 256..1440, then rounded
    to multiples of 32. The result is resized back to (width, height) after download."""
    scale = min(1.0, SIDE_MAX / max(width, height))
    scale = max(scale, SIDE_MIN / min(width, height))

    def snap(side: float) -> int:
        return int(min(SIDE_MAX, max(SIDE_MIN, round(side / SIDE_STEP) * SIDE_STEP)))

    return snap(width * scale), snap(height * scale)


class BflImageGenerator(ImageGenerator):
    """FLUX through httpx; `api_key` is meant to be `dg.EnvVar("BFL_API_KEY")`."""

    api_key: str = Field(description="BFL API key (pass dg.EnvVar('BFL_API_KEY'))")
    base_url: str = Field(default=DEFAULT_BASE_URL, description="BFL_BASE_URL (regional hosts exist)")
    model: str = "flux-pro-1.1"
    price_per_image: float = Field(default=BFL_PER_IMAGE["flux-pro-1.1"], ge=0)
    safety_tolerance: int = Field(default=2, ge=0, le=6)
    poll_interval_s: float = Field(default=0.5, ge=0, description="BFL suggests polling about every 0.5 s")
    max_wait_s: float = Field(default=180.0, gt=0, description="give up on a task after this long")
    max_sample_bytes: int = Field(default=MAX_BYTES, gt=0, description="a larger sample is refused")
    http: HttpSettings = Field(default_factory=HttpSettings)
    gateway: ProviderGateway = Field(description="limits, cache, budget and ledger shared by all runs")

    def list_prices(self) -> dict[str, float]:
        return {"text_to_image": self.price_per_image}

    def generate(
        self, prompt: DesignerPrompt, *, seed: int, width: int, height: int, palette: list[str]
    ) -> Generated[bytes]:
        # The palette is not sent: hex codes in a FLUX prompt tend to come back as painted text;
        # brand colours reach the creative through the layout instead.
        w, h = flux_size(width, height)
        body = {
            "prompt": prompt.prompt,
            "width": w,
            "height": h,
            "seed": seed,
            "output_format": "png",  # BFL's default is jpeg
            "prompt_upsampling": False,
            "safety_tolerance": self.safety_tolerance,
        }
        spec = CallSpec(
            provider=PROVIDER,
            operation="text_to_image",
            model=self.model,
            request={**body, "delivered_size": [width, height]},
            expected_cost_usd=self.price_per_image,
            retry=self.http,
        )
        answer = self.gateway.call_task(
            spec, lambda: self._submit(body), lambda task: self._finish(task, (width, height))
        )
        return Generated(answer.blobs["image.png"], f"{PROVIDER}/{self.model}")

    @property
    def _http(self) -> ProviderHttp:
        return ProviderHttp(PROVIDER, KEY_VAR, self.api_key, self.http, {"x-key": self.api_key})

    def _call(self, started: float, cost: float = 0.0) -> ProviderCall:
        call = ProviderCall(provider=PROVIDER, model=self.model, operation="text_to_image", unit="image")
        return timed(call, started).model_copy(update={"cost_usd": cost})

    def _submit(self, body: dict[str, object]) -> Task:
        started = time.monotonic()
        url = f"{self.base_url.rstrip('/')}/v1/{self.model}"
        try:
            with self._http.client() as client:
                response = self._http.request(client, "POST", url, "the image submit", json=body)
            return Task(*self._task_of(response), self.price_per_image)
        except ProviderFailure as exc:
            # An accepted submit whose answer we cannot read is a task BFL bills all the same.
            raise failed_call(
                exc, self._call(started, self.price_per_image if exc.answered else 0.0)
            ) from None

    def _task_of(self, response: httpx.Response) -> tuple[str, str]:
        """(id, polling_url) of an accepted submit. From an answer cut off after the id, the task
        is still found: BFL's documented `GET /v1/get_result?id=` on the configured host."""
        try:
            answer = json_body(response, provider=PROVIDER, what="the submit")
        except ProviderFailure:
            try:
                partial = pydantic_core.from_json(response.content, allow_partial=True)
            except ValueError:
                partial = None
            if not isinstance(partial, dict) or not isinstance(partial.get("id"), str) or not partial["id"]:
                raise
            answer = {"id": partial["id"]}
        task_id = answer.get("id") if isinstance(answer, dict) else None
        polling_url = answer.get("polling_url") if isinstance(answer, dict) else None
        if isinstance(task_id, str) and task_id and polling_url is None:
            polling_url = f"{self.base_url.rstrip('/')}/v1/get_result?{urlencode({'id': task_id})}"
        if not isinstance(task_id, str) or not isinstance(polling_url, str):
            raise ProviderFailure(
                INVALID_RESPONSE,
                "BFL accepted the task but returned no usable id and polling_url",
                provider=PROVIDER,
                status=response.status_code,
            )
        if not trusted_host(polling_url, self.base_url):
            raise ProviderFailure(
                UNTRUSTED_HOST,
                f"BFL's polling_url points at {urlparse(polling_url).hostname!r}, which is neither BFL's "
                f"own domain nor BFL_BASE_URL's host; the key is not sent there. Check BFL_BASE_URL",
                provider=PROVIDER,
                status=response.status_code,
            )
        return task_id, polling_url

    def _finish(self, task: Task, size: tuple[int, int]) -> Answer:
        started = time.monotonic()
        try:
            with self._http.client() as client:
                sample_url = self._wait(client, task.polling_url)
                png = self._download(client, sample_url, size)
        except ProviderFailure as exc:
            raise failed_call(exc, self._call(started)) from None
        return Answer(call=self._call(started), blobs={"image.png": png})

    def _wait(self, client: httpx.Client, polling_url: str) -> str:
        deadline = deadline_after(self.max_wait_s)  # or the call's own, if sooner
        while True:
            if not trusted_host(polling_url, self.base_url):  # a recorded task from another config
                raise ProviderFailure(
                    UNTRUSTED_HOST, "the task's polling_url is not on BFL's hosts", provider=PROVIDER
                )
            pause = self.poll_interval_s
            try:
                answer = self._http.request_json(client, "GET", polling_url, "a task poll")
            except ProviderFailure as exc:
                pause = max(pause, exc.retry_after_s or 0.0)
                if exc.code not in RETRYABLE or time.monotonic() + pause >= deadline:
                    raise
                answer = None
            status = answer.get("status") if isinstance(answer, dict) else None
            if status == "Ready":
                result = answer.get("result") or {}
                sample = result.get("sample") if isinstance(result, dict) else None
                if not isinstance(sample, str):
                    raise ProviderFailure(
                        INVALID_RESPONSE, "BFL said Ready but gave no sample URL", provider=PROVIDER
                    )
                return sample
            if status in MODERATED_STATES:
                raise ProviderFailure(
                    MODERATED,
                    f"BFL moderated the image ({status}); rephrase the designer prompt",
                    provider=PROVIDER,
                )
            if status in FAILED_STATES or status in LOST_STATES:
                raise ProviderFailure(
                    TASK_LOST,
                    f"BFL's task ended with status {status!r}; a new task is needed",
                    provider=PROVIDER,
                )
            if time.monotonic() + pause >= deadline:
                raise ProviderFailure(
                    TIMEOUT,
                    f"BFL's task was still {status!r} after {self.max_wait_s:g} s; re-run the step later",
                    provider=PROVIDER,
                )
            time.sleep(pause)

    def _download(self, client: httpx.Client, sample_url: str, size: tuple[int, int]) -> bytes:
        try:
            response = self._http.request(  # signed: no key
                client, "GET", sample_url, "the sample download", keyed=False, max_bytes=self.max_sample_bytes
            )
        except ProviderFailure as exc:
            if exc.status not in (403, 404):
                raise
            # The signed URL expired (ten minutes) or the sample is gone: the key is not the
            # problem, and only a new task brings a picture.
            raise ProviderFailure(
                TASK_LOST,
                f"BFL's sample could not be downloaded any more (HTTP {exc.status}: expired or gone); "
                "a new task is needed",
                provider=PROVIDER,
                status=exc.status,
            ) from None
        try:
            img = open_image(response.content, what="BFL sample", require_png=True)
        except InvalidImageError as exc:
            raise ProviderFailure(
                INVALID_RESPONSE,
                f"BFL's sample is not a usable PNG ({exc}); re-run the step",
                provider=PROVIDER,
            ) from None
        if img.size == size:
            return response.content  # a PNG that decodes at the size asked for: kept as delivered
        return to_png(img.resize(size, Image.Resampling.LANCZOS))

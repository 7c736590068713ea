"""Black Forest Labs FLUX text-to-image: submit → poll the returned `polling_url` → download the
signed sample at once (it expires after ten minutes) → size- and decode-check the PNG.

The polling URL is always the one BFL returns: its global endpoint routes tasks to regional
clusters, so the host differs from the submit host. `x-key` goes on the submit and the polls
(BFL wants it there) but never to the sample's storage host, whose URL is signed already.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import httpx
from PIL import Image
from pydantic import Field

from creative_assets.gateway.resource import Answer, CallSpec, ProviderGateway
from creative_assets.imaging.png import InvalidImageError, open_image, to_png
from creative_assets.models import DesignerPrompt, ProviderCall
from creative_assets.providers.base import Generated, ImageGenerator
from creative_assets.providers.http import (
    INVALID_RESPONSE,
    MODERATED,
    SERVER_ERROR,
    TIMEOUT,
    HttpSettings,
    ProviderFailure,
    failed_call,
    http_client,
    json_body,
    send,
    timed,
)
from creative_assets.providers.prices import BFL_PER_IMAGE

DEFAULT_BASE_URL = "https://api.bfl.ai"
PROVIDER = "bfl"
KEY_VAR = "BFL_API_KEY"
SIDE_MIN, SIDE_MAX, SIDE_STEP = 256, 1440, 32  # FLUX accepts multiples of 32 in this range
MODERATED_STATES = ("Request Moderated", "Content Moderated")
FAILED_STATES = ("Error", "Failed", "Task not found")


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
        )

        def run() -> Answer:
            call = ProviderCall(provider=PROVIDER, model=self.model, operation="text_to_image", unit="image")
            started = time.monotonic()
            with http_client(self.http) as client:
                try:
                    polling_url = self._submit(client, body)
                    # From here BFL bills the task (the simulator does too), whatever happens
                    # next; a moderated task is not billed.
                    call = call.model_copy(update={"cost_usd": self.price_per_image})
                    sample_url = self._wait(client, polling_url)
                    png = self._download(client, sample_url, (width, height))
                except ProviderFailure as exc:
                    if exc.code == MODERATED:
                        call = call.model_copy(update={"cost_usd": 0.0})
                    raise failed_call(exc, timed(call, started)) from None
            return Answer(call=timed(call, started), blobs={"image.png": png})

        answer = self.gateway.call(spec, run)
        return Generated(answer.blobs["image.png"], [answer.call])

    def _send(self, client: httpx.Client, request: httpx.Request, what: str) -> httpx.Response:
        return send(
            client,
            request,
            provider=PROVIDER,
            what=what,
            settings=self.http,
            key_var=KEY_VAR,
            secrets=[self.api_key],
        )

    def _submit(self, client: httpx.Client, body: dict[str, object]) -> str:
        url = f"{self.base_url.rstrip('/')}/v1/{self.model}"
        request = client.build_request("POST", url, json=body, headers={"x-key": self.api_key})
        answer = json_body(
            self._send(client, request, "the image submit"), provider=PROVIDER, what="the submit"
        )
        polling_url = answer.get("polling_url") if isinstance(answer, dict) else None
        if not isinstance(polling_url, str) or urlparse(polling_url).scheme not in ("http", "https"):
            raise ProviderFailure(
                INVALID_RESPONSE,
                "BFL accepted the task but returned no usable polling_url",
                provider=PROVIDER,
            )
        return polling_url

    def _wait(self, client: httpx.Client, polling_url: str) -> str:
        deadline = time.monotonic() + self.max_wait_s
        while True:
            request = client.build_request("GET", polling_url, headers={"x-key": self.api_key})
            answer = json_body(
                self._send(client, request, "a task poll"), provider=PROVIDER, what="a task poll"
            )
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
            if status in FAILED_STATES:
                raise ProviderFailure(
                    SERVER_ERROR,
                    f"BFL's task ended with status {status!r}; re-run the step",
                    provider=PROVIDER,
                )
            if time.monotonic() >= deadline:
                raise ProviderFailure(
                    TIMEOUT,
                    f"BFL's task was still {status!r} after {self.max_wait_s:g} s; re-run the step later",
                    provider=PROVIDER,
                )
            time.sleep(self.poll_interval_s)

    def _download(self, client: httpx.Client, sample_url: str, size: tuple[int, int]) -> bytes:
        response = self._send(client, client.build_request("GET", sample_url), "the sample download")
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

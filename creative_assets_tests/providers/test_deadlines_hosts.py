"""Deadlines, byte caps, hosts and keys (#19 section 4), with the real clients against the
simulator: a trickled answer is cut at the request's total deadline (each byte alone would never
trip a read timeout), a sample over the cap is refused before it is read whole, BFL's key goes to
BFL's hosts only, and a cut-off submit answer is resumed instead of paid twice."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest

from creative_assets.errors import ProviderFailure
from creative_assets.gateway.transport import BodyTooLarge, call_deadline, deadline_transport
from creative_assets.imaging.png import validate_png
from creative_assets.models import DesignerPrompt
from creative_assets.providers.bfl import BflImageGenerator, trusted_host
from creative_assets.providers.hoc import HocJobSource
from creative_assets.providers.http import HttpSettings
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import FAST, JOB_ID, configure, endpoint_stats, faults, gateway

PROMPT = DesignerPrompt(image_type="location", prompt="Konstanz harbour at dawn, calm sky. No text.")
ONCE = {"max_attempts": 1}


def flux(sim: Simulator, **config: object) -> BflImageGenerator:
    settings = {"http": FAST, "poll_interval_s": 0.005, **config}
    return BflImageGenerator(
        api_key="bfl-key-HOSTS-77", base_url=sim.url_for("bfl"), gateway=gateway(), **settings
    )  # type: ignore[arg-type]


def draw(generator: BflImageGenerator):
    return generator.generate(PROMPT, seed=5, width=512, height=512, palette=[])


def test_a_trickled_answer_is_cut_at_the_total_deadline(sim: Simulator) -> None:
    # One byte every 2 ms: no single read waits anywhere near the timeout, the whole body
    # (about 1.5 KB) would take seconds.
    configure(sim, endpoints={"hoc.get_job": {"trickle_byte_s": 2.0}})
    source = HocJobSource(
        api_key="hoc-test", base_url=sim.url_for("hoc"), http=HttpSettings(timeout_s=0.3, max_attempts=1)
    )
    with pytest.raises(ProviderFailure) as info:
        source.get_job(JOB_ID)
    assert info.value.code == "timeout" and "within 0.3 s" in str(info.value)


def test_the_call_deadline_bounds_every_request_of_an_attempt(sim: Simulator) -> None:
    configure(sim)
    source = HocJobSource(api_key="hoc-test", base_url=sim.url_for("hoc"), http=FAST)
    with call_deadline(time.monotonic() - 1), pytest.raises(ProviderFailure) as info:
        source.get_job(JOB_ID)  # no time left: nothing is sent
    assert info.value.code == "timeout"
    assert endpoint_stats(sim, "hoc.get_job")["calls"] == 0


def _streamed(chunks: itertools.count, size: int, pause_s: float = 0.0) -> httpx.MockTransport:
    def body():
        for _ in range(size):
            next(chunks)
            time.sleep(pause_s)
            yield b"x" * 1024

    return httpx.MockTransport(lambda request: httpx.Response(200, content=body()))  # no Content-Length


def test_a_body_over_the_cap_stops_at_the_cap_without_a_content_length() -> None:
    pulled = itertools.count()
    transport = deadline_transport(httpx, _streamed(pulled, 100_000), total_s=30, max_bytes=64 * 1024)
    with httpx.Client(transport=transport) as client, pytest.raises(BodyTooLarge):
        client.get("http://sample.test/x.png")
    assert next(pulled) == 65  # 64 KiB were allowed; the 65th KiB was refused; nothing after it


def test_a_trickled_stream_is_cut_at_the_deadline() -> None:
    pulled = itertools.count()
    transport = deadline_transport(httpx, _streamed(pulled, 10_000, pause_s=0.01), total_s=0.2)
    with httpx.Client(transport=transport) as client, pytest.raises(httpx.ReadTimeout):
        client.get("http://sample.test/slow")
    assert next(pulled) < 10_000


def test_an_oversized_sample_is_refused_and_its_task_is_on_the_ledger(sim: Simulator) -> None:
    configure(sim, bfl={"sample_padding_bytes": 3_000_000})
    generator = flux(sim, max_sample_bytes=1_000_000)
    with pytest.raises(ProviderFailure) as info:
        draw(generator)
    assert info.value.code == "response_too_large" and "the cap is 1000000 bytes" in str(info.value)
    assert endpoint_stats(sim, "bfl.delivery")["calls"] == 1  # refused at once, not retried
    assert [r.cost_usd for r in generator.gateway.ledger()] == [0.05]  # BFL billed the task
    assert sim.stats()["providers"]["bfl"]["billed_usd"] == 0.05


def test_the_key_never_goes_to_a_polling_host_outside_bfl(sim: Simulator) -> None:
    configure(sim, bfl={"polling_host": "127.0.0.1.evil.example"})
    with pytest.raises(ProviderFailure) as info:
        draw(flux(sim))
    assert info.value.code == "untrusted_host" and "evil.example" in str(info.value)
    assert endpoint_stats(sim, "bfl.get_result")["calls"] == 0
    assert info.value.call is not None and info.value.call.cost_usd == 0.05  # accepted, so billed


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        ("https://api.eu2.bfl.ai/v1/get_result?id=1", True),
        ("https://bfl.ai/v1/get_result?id=1", True),
        ("http://api.bfl.ai/v1/get_result?id=1", False),  # the key over plain http
        ("https://api.bfl.ai.evil.example/v1/get_result", False),
        ("https://evilbfl.ai/v1/get_result", False),
        ("https://user:pw@api.bfl.ai/v1/get_result", False),
        ("http://169.254.169.254/latest/meta-data", False),
    ],
)
def test_trusted_polling_hosts(url: str, trusted: bool) -> None:
    assert trusted_host(url, "https://api.bfl.ai") is trusted


def test_loopback_spellings_are_one_host_for_a_simulator() -> None:
    assert trusted_host("http://localhost:8765/bfl/v1/get_result?id=1", "http://127.0.0.1:8765/bfl")
    assert not trusted_host("http://localhost:8765/x", "https://api.bfl.ai")


def test_a_cut_off_submit_answer_is_resumed_by_its_id_not_paid_twice(sim: Simulator) -> None:
    configure(sim, endpoints=faults("bfl.submit", truncated_json=1.0))
    generator = flux(sim)
    result = draw(generator)
    assert validate_png(result.value) == (512, 512)
    assert endpoint_stats(sim, "bfl.submit")["calls"] == 1  # the id survived the cut: polled by it
    assert [r.cost_usd for r in generator.gateway.ledger()] == [0.05]
    assert sim.stats()["providers"]["bfl"]["billed_usd"] == 0.05

"""The logo URL a scrape returns is untrusted: hostile ones are refused, the brand survives."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from PIL import Image

from creative_assets.models import JobPosting
from creative_assets.providers.firecrawl import FirecrawlBrandExtractor
from creative_assets.providers.safe_fetch import FetchRefused, fetch_logo
from creative_assets_tests.provider_sim import Simulator
from creative_assets_tests.providers.conftest import FAST, configure, gateway


def serve(sim: Simulator, name: str, data: bytes, content_type: str = "image/png") -> str:
    """Plant bytes on the simulator's file host (the DALL·E URL route serves any stored blob)."""
    sim.blobs[name] = (data, content_type)
    return f"{sim.base_url}/openai-files/{name}.png"


def png(size: tuple[int, int] = (64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 255)).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header claims billions of pixels (IHDR patched, CRC fixed)."""
    data = bytearray(png((16, 16)))
    ihdr = 8 + 8  # signature, then length + type of the first chunk
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def noise_png(side: int = 1000) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", r"only http\(s\)"),
        ("ftp://example.com/logo.png", r"only http\(s\)"),
        ("http://user:pw@example.com/logo.png", "credentials"),
        ("http://169.254.169.254/latest/meta-data", "non-public address 169.254.169.254"),
        ("http://[::ffff:127.0.0.1]/logo.png", "non-public address"),
        ("http://10.0.0.8/logo.png", "non-public address 10.0.0.8"),
    ],
)
def test_hostile_urls_are_refused_before_any_request(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused, match=reason):
        fetch_logo(url, allow_private_hosts=False)


def test_loopback_is_refused_unless_allowed(sim: Simulator) -> None:
    configure(sim)
    url = serve(sim, "logo", png())
    for spelled in (url, url.replace("127.0.0.1", "localhost")):
        with pytest.raises(FetchRefused, match="non-public address"):
            fetch_logo(spelled, allow_private_hosts=False)
    data, info = fetch_logo(url, allow_private_hosts=True)
    assert (info.width, info.height) == (64, 32) and Image.open(io.BytesIO(data)).mode == "RGBA"
    assert sim.stats()["endpoints"]["openai.files"]["calls"] == 1  # the refused ones never connected


@pytest.mark.parametrize(
    ("name", "payload", "content_type", "reason"),
    [
        ("huge", None, "image/png", "larger than|bytes; the limit"),
        ("bomb", bomb(), "image/png", "decompression_bomb"),
        ("page", b"<html><body>Our logo</body></html>", "text/html", "not_an_image"),
        ("cut", png()[:60], "image/png", "corrupt_image|not_an_image"),
    ],
)
def test_unusable_content_is_refused(
    sim: Simulator, name: str, payload: bytes | None, content_type: str, reason: str
) -> None:
    configure(sim)
    url = serve(sim, name, noise_png() if payload is None else payload, content_type)
    with pytest.raises(FetchRefused, match=reason):
        fetch_logo(url, allow_private_hosts=True)


def test_a_refused_logo_keeps_the_scraped_colours_and_says_why(sim: Simulator, job: JobPosting) -> None:
    configure(sim, firecrawl={"default_site": {"branding": "no_logo"}})
    hostile = job.model_copy(update={"logo_url": serve(sim, "bomb", bomb())})
    extractor = FirecrawlBrandExtractor(
        api_key="fc-test",
        base_url=sim.url_for("firecrawl"),
        http=FAST,
        allow_private_hosts=True,
        gateway=gateway(),
    )
    brand = extractor.extract(hostile)
    assert brand.source == "firecrawl" and brand.primary_color == "#0b6e4f"
    assert brand.logo is None and brand.logo_png is None
    assert "refused" in (brand.fallback_reason or "") and "decompression_bomb" in (
        brand.fallback_reason or ""
    )


def test_a_logo_served_by_the_scraping_service_itself_on_loopback_is_fetched(
    sim: Simulator, job: JobPosting
) -> None:
    """The simulator (or a local mock) serves its logos from Firecrawl's own loopback origin."""
    configure(sim)
    brand = FirecrawlBrandExtractor(
        api_key="fc-test", base_url=sim.url_for("firecrawl"), http=FAST, gateway=gateway()
    ).extract(job)
    assert brand.source == "firecrawl" and brand.fallback_reason is None
    assert brand.logo is not None and brand.logo_png is not None


def test_other_loopback_origins_stay_refused(sim: Simulator) -> None:
    configure(sim)
    url = serve(sim, "logo", png())
    origin = sim.url_for("firecrawl")
    other_port = url.replace(f":{sim.port}", f":{sim.port + 1}")
    for refused in (url.replace("127.0.0.1", "localhost"), other_port, "http://10.0.0.8/logo.png"):
        with pytest.raises(FetchRefused, match="non-public address"):
            fetch_logo(refused, allow_private_hosts=False, trusted_origin=origin)
    # a public scraping service's origin trusts nothing private
    with pytest.raises(FetchRefused, match="non-public address"):
        fetch_logo(url, allow_private_hosts=False, trusted_origin="https://api.firecrawl.dev")
    data, _ = fetch_logo(url, allow_private_hosts=False, trusted_origin=origin)
    assert Image.open(io.BytesIO(data)).mode == "RGBA"

"""Fixtures for the provider simulator tests: a fast simulator and an HTTP client."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from creative_assets_tests.provider_sim import Simulator, fast_config, running_simulator


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with running_simulator(fast_config()) as simulator:
        yield simulator


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def png_bytes(
    size: tuple[int, int] = (1024, 1024), mode: str = "RGB", color: object = (40, 90, 160)
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")  # type: ignore[arg-type]
    return buffer.getvalue()

"""Resources as `deployment_resources()` wires them for real clients (the tests' own storage and
gateway instead of the environment's): the local default with the capabilities that
CREATIVE_ASSETS_PROVIDERS selects swapped for their real clients, and the settings of the
environment. Tests against the simulator set that environment first (`sim.env()`)."""

from __future__ import annotations

import os

from creative_assets.definitions import local_resources
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.providers.select import choice_from_env, provider_resources
from creative_assets.resources import settings_from_env


def real_client_resources(storage: str, gateway: ProviderGateway | None = None) -> dict[str, object]:
    local = {**local_resources(storage, gateway), "settings": settings_from_env(os.environ)}
    return {**local, **provider_resources(choice_from_env(os.environ), local["gateway"])}  # type: ignore[arg-type]

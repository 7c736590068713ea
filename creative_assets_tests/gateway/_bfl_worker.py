"""BFL images through the real client and gateway, in a process of its own, for the paid-once
tests (kill -9 and twins):

    python -m creative_assets_tests.gateway._bfl_worker <bfl_url> <state_url> <cache_dir> <seeds>

Generates one image per seed (comma-separated), side by side in threads, then prints one JSON
line: {"images": {seed: sha256}, "cached": {seed: bool}}.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from creative_assets.gateway.resource import ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.models import DesignerPrompt
from creative_assets.providers.bfl import BflImageGenerator
from creative_assets.providers.http import HttpSettings

PROMPT = DesignerPrompt(image_type="location", prompt="Konstanz harbour at dawn, calm sky. No text.")


def main(argv: list[str]) -> int:
    url, state_url, cache_dir, seeds = argv
    gateway = ProviderGateway(cache_url=cache_dir, state_url=state_url)
    generator = BflImageGenerator(
        api_key="bfl-paid-once",
        base_url=url,
        gateway=gateway,
        poll_interval_s=0.02,
        http=HttpSettings(timeout_s=10.0, backoff_s=0.01, max_backoff_s=0.05),
    )

    run_id = f"bfl-worker-{os.getpid()}"

    def draw(seed: int) -> tuple[int, str, bool]:
        with call_scope(run_id=run_id, attempt=seed):  # how the ledger tells the seeds apart
            result = generator.generate(PROMPT, seed=seed, width=512, height=512, palette=[])
        return (
            seed,
            hashlib.sha256(result.value).hexdigest(),
            gateway.ledger(run_id=run_id, attempt=seed)[-1].cached,
        )

    go = os.environ.get("BFL_WORKER_GO_FILE")
    while go and not Path(go).exists():  # twins start together once both have loaded
        time.sleep(0.01)
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = list(pool.map(draw, [int(s) for s in seeds.split(",")]))
    print(
        json.dumps({"images": {s: h for s, h, _ in done}, "cached": {s: c for s, _, c in done}}), flush=True
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

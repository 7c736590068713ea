"""`python -m creative_assets_tests.provider_sim --port 8765 [--config sim.json] [--time-scale 0.01]
[--seed N]` (or `make sim SIM_ARGS=...`)."""

from __future__ import annotations

import argparse
import logging
import sys

from creative_assets.providers.safe_fetch import loopback_host
from creative_assets_tests.provider_sim.config import SimConfig
from creative_assets_tests.provider_sim.server import PREFIXES, Simulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m creative_assets_tests.provider_sim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--config", help="SimConfig JSON file")
    parser.add_argument("--time-scale", type=float, help="override the config's time_scale")
    parser.add_argument("--seed", type=int, help="override the config's fault seed")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if not loopback_host(args.host):
        parser.error("the simulator binds loopback addresses only")
    config = SimConfig.from_file(args.config) if args.config else SimConfig()
    updates = {k: v for k, v in (("time_scale", args.time_scale), ("seed", args.seed)) if v is not None}
    if updates:
        config = SimConfig.model_validate({**config.model_dump(), **updates})
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    sim = Simulator(config, host=args.host, port=args.port)
    print(f"provider simulator on {sim.base_url} (time_scale {config.time_scale}, seed {config.seed})")
    for provider in PREFIXES:
        print(f"  {provider:<11} {sim.url_for(provider)}")
    print(
        f"  control     {sim.base_url}/_sim/stats"
        "  (reset, config, jobs: see creative_assets_tests/provider_sim/README.md)"
    )
    print("environment for the real clients:")
    for key, value in sim.env().items():
        print(f"  export {key}={value}")
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

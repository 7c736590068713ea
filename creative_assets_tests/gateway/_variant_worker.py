"""One `campaign_variant` run in a process of its own, wired exactly as a deployment is: the
definitions come from `deployment_resources()` (the environment), the instance from
`DagsterInstance.get()` ($DAGSTER_HOME). Used by the cross-process gateway tests:

    python -m creative_assets_tests.gateway._variant_worker <job_id> <variant>

Prints one JSON line `{"run_id", "success", "error"}` when the run ends; exits 0 only when the
run succeeded.
"""

from __future__ import annotations

import json
import sys

import dagster as dg

from creative_assets.campaign import first_step_error
from creative_assets.definitions import build_definitions, deployment_resources
from creative_assets.partitions import variant_key


def main(argv: list[str]) -> int:
    job_id, variant = argv
    defs = build_definitions(deployment_resources())
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("campaign_variant").execute_in_process(
            partition_key=variant_key(job_id, variant), instance=instance, raise_on_error=False
        )
    error = None if result.success else first_step_error(result)
    print(json.dumps({"run_id": result.run_id, "success": result.success, "error": error}), flush=True)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

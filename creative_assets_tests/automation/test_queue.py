"""Where the campaign's runs stand in the run queue: the QueuedRunCoordinator launches the highest
`dagster/priority` first, so a roll-up (which finishes a campaign) and a text run (which starts
one) never wait behind other campaigns' variant runs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

from creative_assets.defs.jobs import VARIANT_RUN_TAG
from creative_assets_tests.conftest import make_defs

PRIORITY = "dagster/priority"
REPO = Path(__file__).resolve().parents[2]


def _priority(defs: dg.Definitions, job: str, *, launched_by_graphql: bool) -> int:
    job_def = defs.resolve_job_def(job)
    # The daemon (sensor run requests) merges a job's run tags; the webserver (GraphQL launches
    # from the UI and the desk) merges its tags. Both must carry the priority.
    tags = job_def.tags if launched_by_graphql else job_def.run_tags
    return int(tags.get(PRIORITY, "0"))


def test_roll_ups_then_text_runs_go_before_variant_runs_however_launched(tmp_path: Path) -> None:
    defs = make_defs(tmp_path / "storage")
    for graphql in (False, True):
        rollup = _priority(defs, "campaign_rollup", launched_by_graphql=graphql)
        text = _priority(defs, "campaign_text", launched_by_graphql=graphql)
        variant = _priority(defs, "campaign_variant", launched_by_graphql=graphql)
        assert rollup > text > variant == 0


@pytest.mark.parametrize("instance_file", ["dagster.yaml", "deploy/dagster.postgres.yaml"])
def test_variant_runs_leave_slots_free_for_text_runs_and_roll_ups(instance_file: str) -> None:
    queue = yaml.safe_load((REPO / instance_file).read_text())["run_coordinator"]["config"]
    limits = {
        limit["key"]: limit["limit"]
        for limit in queue["tag_concurrency_limits"]
        if limit["value"] == {"applyLimitPerUniqueValue": False}
    }
    # Every run of the variant jobs carries the job tag (defs/jobs.py), of one variant partition or
    # of several; a variant partition materialized from the asset graph carries Dagster's tag per
    # dimension. Text runs and roll-ups carry neither.
    assert 0 < limits[VARIANT_RUN_TAG] < queue["max_concurrent_runs"]
    assert 0 < limits["dagster/partition/variant"] < queue["max_concurrent_runs"]

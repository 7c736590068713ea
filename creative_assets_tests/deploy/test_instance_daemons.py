"""The daemon runs only what the project uses: its automation is two sensors, so every instance
file turns off the asset daemon and the freshness daemon, which would otherwise loop for nothing
beside every deployment. If an asset ever gets an automation condition or a freshness policy,
the first test fails and says why."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from creative_assets.definitions import defs
from creative_assets_tests.deploy.conftest import POSTGRES_YAML, TOP_LEVEL_YAML, dagster_home_with

K8S_YAML = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "dagster.yaml"

IDLE_DAEMONS = {"ASSET", "FRESHNESS_DAEMON"}


def test_no_asset_needs_the_asset_or_freshness_daemon() -> None:
    for node in defs().resolve_asset_graph().asset_nodes:
        name = node.key.to_user_string()
        assert node.automation_condition is None, f"{name}: automation condition, turn auto_materialize on"
        fresh = node.freshness_policy_or_from_metadata or node.legacy_freshness_policy
        assert fresh is None, f"{name}: freshness policy, turn freshness on"


def test_every_instance_file_leaves_the_asset_and_freshness_daemons_off(tmp_path: Path) -> None:
    home = dagster_home_with(TOP_LEVEL_YAML, tmp_path / "home")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        required = set(instance.get_required_daemon_types())
    assert not required & IDLE_DAEMONS
    assert {"SENSOR", "BACKFILL", "QUEUED_RUN_COORDINATOR", "MONITORING"} <= required
    top = yaml.safe_load(TOP_LEVEL_YAML.read_text())
    for other in (POSTGRES_YAML, K8S_YAML):
        config = yaml.safe_load(other.read_text())
        for section in ("auto_materialize", "freshness"):
            assert config[section] == top[section], (other.name, section)

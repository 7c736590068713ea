"""Shared fixtures: a temporary Dagster instance, temporary storage, the local resources."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.definitions import build_definitions, local_resources
from creative_assets.providers.local.paths import SAMPLE_JOBS_DIR
from creative_assets.resources import CampaignSettings
from creative_assets.resources.settings import FORMATS_VAR

# Fixtures that make a campaign or start servers: a test that uses one is `slow` (out of the
# fast lane).
SLOW_FIXTURES = {
    "shared_campaign",
    "desk_campaign",
    "formats_run",
    "locales_run",
    "sim",
    "campaign",
    "pg_database",
    "setup",
}
# Modules whose tests run Dagster jobs, a daemon, servers, browsers or worker processes.
SLOW_MODULES = {
    f"creative_assets_tests/{name}.py"
    for name in (
        "automation/test_sensors",
        "automation/test_queue",
        "defs/test_bad_input",
        "defs/test_campaign_workers",
        "defs/test_export_bundle",
        "defs/test_failure_isolation",
        "defs/test_gate_1a",
        "defs/test_localized_copy",
        "defs/test_lookups",
        "defs/test_one_picture",
        "defs/test_retry_policy",
        "imaging/test_glyphs_intact",
        "sim/test_ocr_readback",
        "deploy/test_daemon_sensors",
        "deploy/test_dead_runs",
        "gateway/test_limits_across_processes",
        "gateway/test_paid_once",
        "io/test_artifact_store",
        "io/test_s3_storage",
        "providers/test_budget_campaign",
        "providers/test_gateway_clients",
        "providers/test_hoc_input",
        "sim/test_limits_faults_stats",
        "ui/test_ui_chromium",
    )
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fast lane (`-m "not slow"`) leaves out what makes campaigns, runs or servers."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & SLOW_FIXTURES or item.nodeid.split("::")[0] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def one_ad_format() -> Iterator[None]:
    """Deployment-wired tests (deployment_resources(), dagster dev, the daemon, worker processes)
    read the formats from the environment: one format for them too, as for make_defs."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(FORMATS_VAR, ",".join(TEST_SETTINGS.formats))
        yield


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as inst:
        yield inst


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    """A writable copy of the sample jobs, so tests can add broken ones."""
    target = tmp_path / "jobs"
    shutil.copytree(SAMPLE_JOBS_DIR, target)
    return target


# Campaigns in tests render one ad format: four would quadruple the slowest fixtures' rendering
# and gates for nothing they check. The format tests (defs/test_formats.py) render all four.
TEST_SETTINGS = CampaignSettings(formats=["1:1"])


def local_test_resources(storage: str) -> dict[str, object]:
    """The embedded default with the test suite's single format."""
    return {**local_resources(storage), "settings": TEST_SETTINGS}


def make_defs(storage: Path, jobs_dir: Path | None = None, **overrides: object) -> dg.Definitions:
    from creative_assets.providers.local import LocalJobSource

    resources = local_test_resources(str(storage))
    if jobs_dir is not None:
        resources["job_source"] = LocalJobSource(folder=str(jobs_dir))
    resources.update(overrides)
    return build_definitions(resources)


def chain_sensor_requests(
    instance: dg.DagsterInstance, run: dg.DagsterRun, event_type: dg.DagsterEventType
) -> list[dg.RunRequest]:
    """What `campaign_chain_sensor` requests when it is shown `run`'s terminal event."""
    from creative_assets.defs.automation.sensors import campaign_chain_sensor

    event = next(
        e.dagster_event
        for e in instance.all_logs(run.run_id)
        if e.dagster_event and e.dagster_event.event_type == event_type
    )
    context = dg.build_run_status_sensor_context(
        sensor_name=campaign_chain_sensor.name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=run,
    )
    return list(campaign_chain_sensor(context) or [])

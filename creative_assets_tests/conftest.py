"""Shared fixtures: a temporary Dagster instance, temporary storage, the local resources."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.definitions import build_definitions, local_resources
from creative_assets.providers.local.paths import SAMPLE_JOBS_DIR
from creative_assets.resources import CampaignSettings
from creative_assets.resources.settings import FORMATS_VAR
from creative_assets_tests.support.sample_campaign import (
    COPY_CAMPAIGN_VAR,
    make_sample_campaign,
    sample_command,
)
from creative_assets_tests.support.shared_state import built_once, start_building

# Fixtures that make a campaign or start servers: a test that uses one is `slow` (out of the
# fast lane).
SLOW_FIXTURES = {
    "sample_campaign_home",
    "shared_campaign",
    "desk_campaign",
    "formats_run",
    "locales_run",
    "sim",
    "campaign",
    "pg_database",
    "setup",
}
# Modules whose tests run Dagster jobs, a daemon, servers, browsers or worker processes, or read
# whole creatives with OCR many times over (the glyph and check-image gate tests).
SLOW_MODULES = {
    f"creative_assets_tests/{name}.py"
    for name in (
        "gates/test_glyph_damage",
        "gates/test_check_image",
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
        "defs/test_variants_in_one_run",
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


# Files that take minutes, longest first. `make test` hands whole files to the workers in
# collection order, so these go first: a worker that starts one while the other has nothing left
# to take makes the run as long as that file. The first three need no sample campaign: they run
# while it is built; the long readers of it (failure isolation, regeneration) come right after.
LONG_FILES = tuple(
    f"creative_assets_tests/{name}.py"
    for name in (
        "hosts/test_campaign_on_hosts",
        "defs/test_formats",
        "providers/test_pipeline_sim",
        "defs/test_failure_isolation",
        "defs/test_regeneration",
        "imaging/test_glyphs_intact",
        "ui/test_ui_chromium",
        "gateway/test_limits_across_processes",
        "defs/test_gate_1a",
        "defs/test_localized_copy",
    )
)
# Fixtures that read the session's sample campaign (built in the background from the start):
# their files come after the long ones, by when it is made or nearly.
SAMPLE_READERS = {"sample_campaign_home", "desk_campaign"}


def _file_ranks(items: list[pytest.Item]) -> dict[str, int]:
    """Each file's place: the long ones in LONG_FILES' order, the other slow ones, the sample
    campaign's readers, the quick ones."""
    readers, slow = set(), set()
    for item in items:
        path = item.nodeid.split("::")[0]
        if SAMPLE_READERS & set(getattr(item, "fixturenames", ())):
            readers.add(path)
        if item.get_closest_marker("slow"):
            slow.add(path)
    ranks = {}
    for path in dict.fromkeys(item.nodeid.split("::")[0] for item in items):
        if path in LONG_FILES:
            ranks[path] = LONG_FILES.index(path)
        else:
            ranks[path] = len(LONG_FILES) + (1 if path in readers else 0 if path in slow else 2)
    return ranks


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fast lane (`-m "not slow"`) leaves out what makes campaigns, runs or servers. Files
    are ordered long ones first, then the other slow ones, then the sample campaign's readers,
    then the quick ones (a stable sort: a file's tests stay together and in their order)."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & SLOW_FIXTURES or item.nodeid.split("::")[0] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    ranks = _file_ranks(items)
    items.sort(key=lambda item: ranks[item.nodeid.split("::")[0]])


SAMPLE_CAMPAIGN = "sample_campaign"
_background: list[subprocess.Popen[bytes]] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests to run are known (deselection included) and one of them reads the sample
    campaign, its build starts in the background: the workers run other tests meanwhile."""
    users = {"sample_campaign_home"} | (set() if os.environ.get(COPY_CAMPAIGN_VAR) else {"desk_campaign"})
    if session.config.option.collectonly:
        return
    if any(users & set(getattr(item, "fixturenames", ())) for item in session.items):
        # The tmp_path_factory fixture is not there yet; the tmp_path plugin keeps it on the config.
        factory: pytest.TempPathFactory = session.config._tmp_path_factory  # type: ignore[attr-defined]
        if runner := start_building(factory, SAMPLE_CAMPAIGN, sample_command):
            _background.append(runner)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The worker that started the build waits for it (another worker may still need it),
    unless the session was interrupted or has no other worker."""
    for runner in _background:
        if exitstatus == pytest.ExitCode.INTERRUPTED or not os.environ.get("PYTEST_XDIST_WORKER"):
            runner.terminate()
        runner.wait()


@pytest.fixture(scope="session", autouse=True)
def one_ad_format() -> Iterator[None]:
    """Deployment-wired tests (deployment_resources(), dagster dev, the daemon, worker processes)
    read the formats from the environment: one format for them too, as for make_defs."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(FORMATS_VAR, ",".join(TEST_SETTINGS.formats))
        yield


@pytest.fixture(scope="session")
def sample_campaign_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with `home` (a DAGSTER_HOME after `creative-assets campaign hoc-4711-pflege`, one
    format) and that command's `campaign.log`; made once per session for all workers. Read-only:
    copy it to change it (support/shared_state.private_copy)."""
    return built_once(tmp_path_factory, SAMPLE_CAMPAIGN, make_sample_campaign)


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

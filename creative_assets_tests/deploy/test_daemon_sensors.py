"""Unattended operation through the real daemon on the Postgres instance: `dagster-daemon run`
evaluates the HOC jobs sensor, which adds the job's partition and launches its job-level run;
when that run succeeds the chain sensor requests one run of the job's five variant partitions.

The variant run is held in the queue by a tag limit of 0 on `creative_assets/variant_run` (added
to a copy of the production instance file), so the test sees exactly what the chain requested
without paying for the variants on CI's two cores; the campaign itself is tested elsewhere.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from creative_assets.defs.automation.sensors import CAMPAIGN_TAG, JOB_VERSION_TAG
from creative_assets.defs.jobs import VARIANT_RUN_TAG
from creative_assets.models import VARIANTS
from creative_assets.partitions import job_partitions
from creative_assets.providers.local.paths import SAMPLE_JOBS_DIR
from creative_assets_tests.deploy.conftest import POSTGRES_YAML, REPO, PgDatabase

JOB = "hoc-5120-warehouse"
DEADLINE_S = 300.0  # a safeguard for a loaded CI machine, not a measurement


@pytest.fixture
def daemon_home(tmp_path: Path, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = yaml.safe_load(POSTGRES_YAML.read_text())
    config["run_coordinator"]["config"]["tag_concurrency_limits"] = [
        {"key": VARIANT_RUN_TAG, "value": {"applyLimitPerUniqueValue": False}, "limit": 0}
    ]
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / f"{JOB}.json").write_bytes((SAMPLE_JOBS_DIR / f"{JOB}.json").read_bytes())
    env = {
        **pg_database.env,
        "DAGSTER_HOME": str(home),
        "CREATIVE_ASSETS_STORAGE_URL": str(tmp_path / "storage"),
        "CREATIVE_ASSETS_STATE_URL": pg_database.url,
        "CREATIVE_ASSETS_JOBS_DIR": str(jobs),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CREATIVE_ASSETS_PROVIDERS", raising=False)
    return home


def _runs(instance: dg.DagsterInstance, job_name: str) -> list[dg.DagsterRun]:
    return [r.dagster_run for r in instance.get_run_records(dg.RunsFilter(job_name=job_name))]


def test_the_daemon_starts_a_new_jobs_campaign_and_chains_one_run_of_its_variants(daemon_home: Path) -> None:
    log = daemon_home / "daemon.log"  # a file, not a pipe: a full pipe would stall the daemon
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", str(REPO / "workspace.yaml")],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    try:
        with dg.DagsterInstance.get() as instance:
            deadline = time.monotonic() + DEADLINE_S
            variants: list[dg.DagsterRun] = []
            # A sensor's run is created (NOT_STARTED) and then submitted to the queue: wait for
            # it to be submitted before judging where it is held.
            while time.monotonic() < deadline and (
                not variants or any(r.status == dg.DagsterRunStatus.NOT_STARTED for r in variants)
            ):
                assert daemon.poll() is None, (
                    f"the daemon exited: {daemon.stderr.read() if daemon.stderr else ''}"
                )
                time.sleep(2)
                variants = _runs(instance, "campaign_variant")
            texts = _runs(instance, "campaign_text")
            assert [r.status for r in texts] == [dg.DagsterRunStatus.SUCCESS], log.read_text()[-3000:]
            text = texts[0]
            assert text.tags[CAMPAIGN_TAG] == JOB and text.tags["dagster/partition"] == JOB
            assert text.tags[JOB_VERSION_TAG].startswith("2026-11-19")
            assert instance.get_dynamic_partitions(job_partitions.name) == [JOB]  # type: ignore[arg-type]
            (variant_run,) = variants  # one run for the five variant partitions
            assert dg.PartitionKeyRange(
                variant_run.tags["dagster/asset_partition_range_start"],
                variant_run.tags["dagster/asset_partition_range_end"],
            ) == dg.PartitionKeyRange(f"{JOB}|{VARIANTS[0]}", f"{JOB}|{VARIANTS[-1]}")
            assert "dagster/partition" not in variant_run.tags
            assert variant_run.tags[CAMPAIGN_TAG] == JOB and variant_run.tags[VARIANT_RUN_TAG] == "true"
            assert variant_run.status == dg.DagsterRunStatus.QUEUED  # held by the tag limit
            for run in variants:  # nothing left for a later daemon to pick up
                instance.delete_run(run.run_id)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait(10)


def test_a_regeneration_backfill_from_the_command_line_names_the_chosen_partitions(
    daemon_home: Path,
) -> None:
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(job_partitions.name, [JOB])  # type: ignore[arg-type]
        chosen = [f"{JOB}|A", f"{JOB}|C"]
        command = [
            str(Path(sys.executable).parent / "dagster"),
            *("job", "backfill", "-w", str(REPO / "workspace.yaml"), "-j", "regenerate_images"),
            *("--partitions", ",".join(chosen), "--noprompt"),
            *("--tags", '{"creative_assets/generation": "1"}'),
        ]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        (backfill,) = instance.get_backfills()
        assert backfill.job_name == "regenerate_images"
        assert sorted(backfill.partition_names or []) == chosen
        assert backfill.tags["creative_assets/generation"] == "1"

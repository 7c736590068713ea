"""The sample job's zero-key campaign as `make run` makes it: `creative-assets campaign
hoc-4711-pflege` in a DAGSTER_HOME of its own, one ad format, the storage inside the home. The
defs modules and the desk read it; it is made once per test session (see the root conftest's
`sample_campaign_home`, started in the background as soon as the collected tests need it) and
every fixture that changes it works on a copy."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg

from creative_assets.campaign import CampaignOutcome, RunOutcome
from creative_assets_tests.desk.servers import INSTANCE_YAML  # runs launch at once, no daemon
from creative_assets_tests.support.shared_state import Command, run_command

REPO = Path(__file__).resolve().parents[2]
JOB = "hoc-4711-pflege"
LOG = "campaign.log"
# While working on the desk: a DAGSTER_HOME made before (`CREATIVE_ASSETS_FORMATS=1:1 make run`)
# that the desk's tests copy instead of the session's campaign (desk/conftest.py).
COPY_CAMPAIGN_VAR = "CREATIVE_ASSETS_DESK_TEST_CAMPAIGN"


def clean_env(home: Path) -> dict[str, str]:
    """The inherited environment minus whatever could pick a real provider, a bucket or another
    instance: the zero-key default with every piece of state under `home`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CREATIVE_ASSETS_", "DAGSTER_", "AWS_")) and not name.endswith("_API_KEY")
    }
    return env | {
        "DAGSTER_HOME": str(home),
        "CREATIVE_ASSETS_STORAGE_URL": str(home / "storage"),
        "CREATIVE_ASSETS_FORMATS": "1:1",
    }


def sample_command(folder: Path) -> Command:
    """`folder`/home: a DAGSTER_HOME for the command line's campaign; its output to
    `folder`/campaign.log."""
    home = folder / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML)
    return Command(
        argv=[sys.executable, "-m", "creative_assets.cli", "campaign", JOB],
        cwd=REPO,
        env=clean_env(home),
        log=folder / LOG,
        what="the sample campaign (creative-assets campaign)",
    )


def make_sample_campaign(folder: Path) -> None:
    """The campaign made here and now (when no background build was started)."""
    run_command(sample_command(folder))


def recorded_outcome(instance: dg.DagsterInstance, job_id: str = JOB) -> CampaignOutcome:
    """The campaign's runs as the instance recorded them, oldest first (the phases in the order
    the command ran them)."""
    outcome = CampaignOutcome(job_id)
    for record in instance.get_run_records(ascending=True):
        run = record.dagster_run
        ok = run.status == dg.DagsterRunStatus.SUCCESS
        outcome.runs.append(
            RunOutcome(
                job_name=run.job_name,
                partition=run.tags.get("dagster/partition", ""),
                run_id=run.run_id,
                success=ok,
                seconds=(record.end_time or 0.0) - (record.start_time or 0.0),
                error=None if ok else f"run {run.status.value}: see the instance's event log",
            )
        )
    return outcome

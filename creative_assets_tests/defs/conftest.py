"""One zero-key campaign for the sample job, shared by the modules that read it (a full campaign
is the slowest fixture of the suite). Its instance folder is a DAGSTER_HOME-shaped directory with
the storage inside, so the command line can be pointed at the same instance. Tests that change
it (regenerations, decisions) use variants the others do not read back (C and E)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import CampaignOutcome, ensure_job_partition, run_campaign
from creative_assets.providers.local import LocalJobSource
from creative_assets_tests.conftest import make_defs

JOB = "hoc-4711-pflege"


@dataclass
class SharedCampaign:
    outcome: CampaignOutcome
    defs: dg.Definitions
    instance: dg.DagsterInstance
    home: Path

    @property
    def storage(self) -> Path:
        return self.home / "storage"


@pytest.fixture(scope="session")
def shared_campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedCampaign]:
    home = tmp_path_factory.mktemp("dagster_home")
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        defs = make_defs(home / "storage")
        ensure_job_partition(instance, LocalJobSource(), JOB)
        yield SharedCampaign(run_campaign(defs, instance, JOB), defs, instance, home)

"""One zero-key campaign for the sample job, shared by the modules that read it (a full campaign
is the slowest fixture of the suite): the session's sample campaign, made once by the command
line for every worker (support/sample_campaign.py), copied for this worker. Its instance folder
is a DAGSTER_HOME-shaped directory with the storage inside, so the command line can be pointed at
the same instance. Tests that change it (regenerations, decisions) use variants the others do not
read back (C and E)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from creative_assets.campaign import CampaignOutcome
from creative_assets_tests.conftest import make_defs
from creative_assets_tests.support.sample_campaign import recorded_outcome
from creative_assets_tests.support.shared_state import private_copy

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
def shared_campaign(
    tmp_path_factory: pytest.TempPathFactory, sample_campaign_home: Path
) -> Iterator[SharedCampaign]:
    home = private_copy(tmp_path_factory, sample_campaign_home / "home", "dagster_home")
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        outcome = recorded_outcome(instance, JOB)
        yield SharedCampaign(outcome, make_defs(home / "storage"), instance, home)

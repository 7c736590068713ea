"""What the desk talks to, opened once per process from the deployment's environment: the
Dagster instance (DAGSTER_HOME: SQLite, or Postgres in production), the project's storage, the
job source, the gateway's ledger, and the Dagster webserver it launches runs through."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import dagster as dg

from creative_assets.definitions import deployment_resources
from creative_assets.desk.dagster_client import DagsterLauncher
from creative_assets.desk.settings import DeskSettings
from creative_assets.desk.storage import Storage
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.providers.base import JobSource


@dataclass
class Backend:
    settings: DeskSettings
    instance: dg.DagsterInstance
    storage: Storage
    job_source: JobSource
    gateway: ProviderGateway
    launcher: DagsterLauncher

    def run_url(self, run_id: str) -> str:
        return f"{self.settings.ui_url}/runs/{run_id}"

    def partition_url(self, asset: str, partition: str, view: str = "partitions") -> str:
        return f"{self.settings.ui_url}/assets/{asset}?view={view}&partition={quote(partition, safe='')}"


@contextmanager
def open_backend(settings: DeskSettings) -> Iterator[Backend]:
    """The deployment's resources, built as the code location builds them (a real provider's
    key is resolved here, as a run would), for as long as the desk serves."""
    resources = deployment_resources()
    gateway = resources["gateway"]
    assert isinstance(gateway, ProviderGateway)
    with (
        dg.DagsterInstance.get() as instance,
        dg.build_resources({"job_source": resources["job_source"]}) as built,
    ):
        yield Backend(
            settings=settings,
            instance=instance,
            storage=Storage.from_environ(os.environ),
            job_source=built.job_source,
            gateway=gateway,
            launcher=DagsterLauncher(settings),
        )

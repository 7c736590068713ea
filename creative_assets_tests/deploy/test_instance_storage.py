"""The deployments' instance storage (creative_assets/instance_storage.py) against the real
PostgreSQL server: every instance file on Postgres uses it, its storage calls reuse connections
instead of opening one each (dagster-postgres's NullPool), a run worker's instance (rebuilt from
the instance reference) pools too, and the instance's dispose closes what it held."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
import yaml
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

from creative_assets.instance_storage import PooledPostgresStorage
from creative_assets_tests.deploy.conftest import POSTGRES_YAML, REPO

INSTANCE_FILES = [
    POSTGRES_YAML,
    REPO / "deploy" / "hosts" / "dagster.yaml",
    REPO / "deploy" / "k8s" / "dagster.yaml",
]


@pytest.mark.parametrize("path", INSTANCE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_postgres_instance_file_names_the_pooled_storage(path: Path) -> None:
    storage = yaml.safe_load(path.read_text())["storage"]
    assert storage["custom"]["module"] == PooledPostgresStorage.__module__
    assert storage["custom"]["class"] == PooledPostgresStorage.__name__
    assert storage["custom"]["config"]["postgres_db"]["scheme"] == "postgresql+psycopg2"


def _connects_during(engines: list[sa.engine.Engine], calls: Callable[[], None]) -> int:
    """New server connections the engines open while `calls` runs."""
    opened: list[int] = []

    def on_connect(*_: object) -> None:
        opened.append(1)

    for engine in engines:
        sa.event.listen(engine, "connect", on_connect)
    try:
        calls()
    finally:
        for engine in engines:
            sa.event.remove(engine, "connect", on_connect)
    return len(opened)


def _storage_calls(instance: dg.DagsterInstance) -> None:
    for _ in range(30):
        instance.get_runs(limit=1)
        instance.get_dynamic_partitions("job")
        instance.fetch_materializations(dg.AssetKey("final_creatives"), limit=1)


def test_storage_calls_reuse_connections_in_the_instance_and_in_a_run_workers_copy(
    postgres_home: Path,
) -> None:
    with dg.DagsterInstance.from_config(str(postgres_home)) as instance:
        # a run worker opens the instance from the reference its launcher sends
        with dg.DagsterInstance.from_ref(instance.get_ref()) as worker_instance:
            for inst in (instance, worker_instance):
                assert isinstance(inst.run_storage, PostgresRunStorage)
                assert isinstance(inst.event_log_storage, PostgresEventLogStorage)
                engines = [inst.run_storage._engine, inst.event_log_storage._engine]
                # dagster-postgres alone opens a connection per call: ninety here
                assert _connects_during(engines, lambda i=inst: _storage_calls(i)) <= 2
        event_engine = instance.event_log_storage._engine
        assert event_engine.pool.checkedin() >= 1  # held while the instance lives
    assert event_engine.pool.checkedin() == 0  # closed with it

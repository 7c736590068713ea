"""The production instance file, `deploy/dagster.postgres.yaml`, against the real PostgreSQL server:
the file itself is copied into a temporary DAGSTER_HOME and loaded the way Dagster loads it, then
a zero-key campaign (one variant) runs on it with the deployment's own resources and the gateway's
state in the same database. Postgres being down is a failure, not a skip: `.ci/run` starts it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
import yaml
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from creative_assets.campaign import CampaignOutcome, ensure_job_partition, run_campaign
from creative_assets.definitions import build_definitions, deployment_resources
from creative_assets.gateway.database import database_url
from creative_assets.gateway.resource import Answer, CallSpec, ProviderGateway
from creative_assets.gateway.scope import call_scope
from creative_assets.launcher import LocalRunLauncher
from creative_assets.models import ProviderCall
from creative_assets.partitions import variant_key
from creative_assets.providers.local import LocalJobSource
from creative_assets_tests.deploy.conftest import (
    POSTGRES_YAML,
    TOP_LEVEL_YAML,
    PgDatabase,
    dagster_home_with,
)

JOB = "hoc-4711-pflege"


# --- both instance files load ----------------------------------------------------------------


def test_top_level_dagster_yaml_loads_as_a_sqlite_instance(tmp_path: Path) -> None:
    home = dagster_home_with(TOP_LEVEL_YAML, tmp_path / "home")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert isinstance(instance.run_coordinator, dg.QueuedRunCoordinator)
        # A dead run's worker is noticed (test_dead_runs.py): the launcher checks its health.
        assert isinstance(instance.run_launcher, LocalRunLauncher)
        assert instance.run_launcher.supports_check_run_worker_health


def test_postgres_variant_loads_and_differs_only_in_storage_and_queue_size(
    pg_database: PgDatabase, postgres_home: Path
) -> None:
    with dg.DagsterInstance.from_config(str(postgres_home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        # The explicit driver, not SQLAlchemy 2.1's psycopg-3 default for a bare postgresql://.
        assert instance.run_storage.postgres_url.startswith("postgresql+psycopg2://")
        assert sa.engine.make_url(instance.run_storage.postgres_url).database == pg_database.name
        assert not instance.telemetry_enabled
        assert instance.run_monitoring_enabled

    top = yaml.safe_load(TOP_LEVEL_YAML.read_text())
    pg = yaml.safe_load(POSTGRES_YAML.read_text())
    assert set(pg) == set(top) | {"storage"}
    assert pg["telemetry"] == top["telemetry"]
    assert pg["run_monitoring"] == top["run_monitoring"]
    assert pg["run_launcher"] == top["run_launcher"]
    top_queue, pg_queue = top["run_coordinator"], pg["run_coordinator"]
    assert (pg_queue["module"], pg_queue["class"]) == (top_queue["module"], top_queue["class"])
    assert pg_queue["config"]["max_concurrent_runs"] > top_queue["config"]["max_concurrent_runs"]


def test_postgres_variant_names_a_missing_connection_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB"):
        monkeypatch.setenv(var, "5432" if var.endswith("PORT") else "unused")
    monkeypatch.delenv("DAGSTER_PG_HOST", raising=False)
    home = dagster_home_with(POSTGRES_YAML, tmp_path / "home")
    with pytest.raises(Exception, match="DAGSTER_PG_HOST"):
        dg.DagsterInstance.from_config(str(home))


# --- a campaign on the Postgres instance -------------------------------------------------------


@dataclass
class PgCampaign:
    outcome: CampaignOutcome
    instance: dg.DagsterInstance
    defs: dg.Definitions
    database: PgDatabase


@pytest.fixture(scope="module")
def pg_campaign(pg_database: PgDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgCampaign]:
    home = dagster_home_with(POSTGRES_YAML, tmp_path_factory.mktemp("dagster_home"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(home))
        for var, value in pg_database.env.items():
            env.setenv(var, value)
        # The deployment's own wiring (definitions.deployment_resources), zero-key: local
        # providers, artifacts in a temporary folder, gateway state in the instance's database.
        env.setenv("CREATIVE_ASSETS_STATE_URL", pg_database.url)
        env.setenv("CREATIVE_ASSETS_STORAGE_URL", str(tmp_path_factory.mktemp("storage")))
        for var in (
            "CREATIVE_ASSETS_PROVIDERS",
            "CREATIVE_ASSETS_JOB_BUDGET_USD",
            "CREATIVE_ASSETS_MONTHLY_BUDGET_USD",
            "CREATIVE_ASSETS_PROVIDER_LIMITS",
        ):
            env.delenv(var, raising=False)
        with dg.DagsterInstance.get() as instance:
            defs = build_definitions(deployment_resources())
            ensure_job_partition(instance, LocalJobSource(), JOB)
            outcome = run_campaign(defs, instance, JOB, variants=["A"])
            yield PgCampaign(outcome, instance, defs, pg_database)


def test_dagster_home_instance_is_postgres_backed(pg_campaign: PgCampaign) -> None:
    instance = pg_campaign.instance
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert sa.engine.make_url(instance.run_storage.postgres_url).database == pg_campaign.database.name
    assert isinstance(instance.run_coordinator, dg.QueuedRunCoordinator)
    assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 10


def test_the_instances_sessions_ask_the_server_to_end_them_when_their_host_vanishes(
    pg_campaign: PgCampaign,
) -> None:
    engine = sa.create_engine(pg_campaign.instance.run_storage.postgres_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            told = {
                name: conn.execute(sa.text(f"SHOW {name}")).scalar()
                for name in (
                    "tcp_keepalives_idle",
                    "tcp_keepalives_interval",
                    "tcp_keepalives_count",
                    "tcp_user_timeout",
                )
            }
    finally:
        engine.dispose()
    assert told == {
        "tcp_keepalives_idle": "5",
        "tcp_keepalives_interval": "2",
        "tcp_keepalives_count": "3",
        "tcp_user_timeout": "11000",  # milliseconds
    }


def test_one_variant_campaign_succeeds_on_postgres(pg_campaign: PgCampaign) -> None:
    outcome = pg_campaign.outcome
    assert [r.job_name for r in outcome.runs] == ["campaign_text", "campaign_variant"]
    assert outcome.success, [r.error for r in outcome.runs if r.error]


def test_runs_partitions_and_materializations_are_in_postgres(pg_campaign: PgCampaign) -> None:
    instance, outcome = pg_campaign.instance, pg_campaign.outcome
    assert instance.get_dynamic_partitions("job") == [JOB]
    stored = {run.run_id: run for run in instance.get_runs()}
    assert set(stored) == {r.run_id for r in outcome.runs}
    assert {run.status for run in stored.values()} == {dg.DagsterRunStatus.SUCCESS}

    variant_partition = variant_key(JOB, "A")
    expected = {"job_posting": JOB, "copy_variants": JOB} | {
        name: variant_partition
        for name in ("image_prompts", "base_images", "layouts", "final_creatives", "gate_reports")
    }
    for asset, partition in expected.items():
        event = instance.get_latest_materialization_event(dg.AssetKey(asset))
        assert event is not None, asset
        assert event.asset_materialization.partition == partition, asset
    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("base_images"), "gate_1a_no_text")]
    )
    assert check

    # The same rows, read straight from the database the instance file named.
    engine = sa.create_engine(database_url(pg_campaign.database.url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            runs = set(conn.execute(sa.text("SELECT run_id FROM runs")).scalars())
            materialized = set(
                conn.execute(
                    sa.text(
                        "SELECT DISTINCT asset_key FROM event_logs"
                        " WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()
    assert runs == set(stored)
    assert {dg.AssetKey(name).to_string() for name in expected} <= materialized


def test_the_deployments_gateway_keeps_its_state_in_the_same_database(pg_campaign: PgCampaign) -> None:
    """Local providers never pay, so the campaign leaves the gateway's tables untouched; open the
    gateway its definitions carry the way a run does (CREATIVE_ASSETS_STATE_URL resolved when the
    resources are built) and settle one call through it on Postgres."""
    url = pg_campaign.database.url
    with dg.build_resources({"gateway": pg_campaign.defs.resources["gateway"]}) as resources:
        gateway: ProviderGateway = resources.gateway
        assert gateway.state_url == url
        assert gateway.ledger(JOB) == []  # zero-key: nothing was paid for
        paid = ProviderCall(provider="openai", model="probe", operation="chat", cost_usd=0.002)
        spec = CallSpec("openai", "chat", "probe", {"probe": uuid.uuid4().hex}, expected_cost_usd=0.01)
        with call_scope(job_id=JOB, phase="postgres_probe"):
            gateway.call(spec, lambda: Answer(call=paid, cacheable=False))
        [entry] = gateway.ledger(JOB)
    assert (entry.outcome, entry.cost_usd, entry.phase) == ("ok", 0.002, "postgres_probe")

    engine = sa.create_engine(database_url(url), poolclass=sa.pool.NullPool)
    try:
        assert {"ca_ledger", "ca_provider_state", "runs", "event_logs"} <= set(
            sa.inspect(engine).get_table_names()
        )
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT count(*) FROM ca_ledger WHERE job_id = :job"), {"job": JOB}
            ).scalar_one()
    finally:
        engine.dispose()
    assert rows == 1

"""The Dagster instance's storage for every deployment on Postgres (deploy/*.yaml): dagster-postgres's
own storage, with its connections pooled in every process.

dagster-postgres opens a new connection for each storage call (SQLAlchemy's NullPool) in every
process but the webserver, so that processes making many instances do not pile up idle
connections. A run worker makes one instance and about a thousand storage calls in a variant run
(event writes, partition and materialization lookups), each then a new server process, a login
and a round trip the step's thread waits for (`benchmarks/worker_cpu.py` counts them). This
storage keeps one connection per table group open, as dagster-postgres does for the webserver
(`optimize_for_webserver`), opens more only for threads that write at the same moment, and
closes them with the instance.
"""

from __future__ import annotations

from typing import Any

from dagster._core.storage.base_storage import DagsterStorage
from dagster._serdes import ConfigurableClassData
from dagster_postgres import (
    DagsterPostgresStorage,
    PostgresEventLogStorage,
    PostgresRunStorage,
    PostgresScheduleStorage,
)
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config

# Connections opened beyond the held one when several threads use the storage at once (a run's
# steps log from their image-type threads); closed again when returned.
MAX_OVERFLOW = 10
# A held connection is replaced after an hour, so a server restart or failover leaves none stale
# for long (the keepalive settings in the instance file end one to a vanished host in seconds).
POOL_RECYCLE_S = 3600
# No statement timeout, as without the pool (the webserver sets its own when it starts).
NO_STATEMENT_TIMEOUT = 0


class _Pooled:
    """A dagster-postgres table group whose engine keeps its connections and closes them with it."""

    _engine: Any

    def pool(self) -> None:
        self.optimize_for_webserver(  # type: ignore[attr-defined]
            statement_timeout=NO_STATEMENT_TIMEOUT, pool_recycle=POOL_RECYCLE_S, max_overflow=MAX_OVERFLOW
        )

    def dispose(self) -> None:
        super().dispose()  # type: ignore[misc]
        self._engine.dispose()  # dagster-postgres leaves that to the garbage collector


class PooledRunStorage(_Pooled, PostgresRunStorage):
    pass


class PooledEventLogStorage(_Pooled, PostgresEventLogStorage):
    pass


class PooledScheduleStorage(_Pooled, PostgresScheduleStorage):
    pass


class PooledPostgresStorage(DagsterPostgresStorage):
    """`storage: custom: {module: creative_assets.instance_storage, class: PooledPostgresStorage,
    config: <what storage: postgres: takes>}` in dagster.yaml."""

    def __init__(
        self,
        postgres_url: str,
        should_autocreate_tables: bool = True,
        inst_data: ConfigurableClassData | None = None,
        token_provider: Any = None,
    ) -> None:
        # DagsterPostgresStorage.__init__ without its three NullPool engines
        self.postgres_url = postgres_url
        self.should_autocreate_tables = should_autocreate_tables
        self._inst_data = inst_data
        storages = [
            cls(postgres_url, should_autocreate_tables, token_provider=token_provider)
            for cls in (PooledRunStorage, PooledEventLogStorage, PooledScheduleStorage)
        ]
        for storage in storages:
            storage.pool()
        self._run_storage, self._event_log_storage, self._schedule_storage = storages
        DagsterStorage.__init__(self)

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> PooledPostgresStorage:
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )

"""The gateway's SQL schema and engines: one database reached by URL, `sqlite:///<path>` (default,
beside the Dagster instance) or `postgresql://…` (production). An engine per URL and process,
created with the tables; SQLite is set up so that a writer waits for another process's write
(`BEGIN IMMEDIATE`, WAL) instead of failing. What is stored and how it is locked per operation
is the store's (gateway/store.py, provider_rows.py)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

# A fixed key for pg_advisory_xact_lock; any constant works as long as nothing else uses it.
_DDL_LOCK_KEY = 0x43415F44444C0000  # "CA_DDL"

metadata = sa.MetaData()

ledger = sa.Table(
    "ca_ledger",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=False), nullable=False),  # naive UTC, compared as such
    sa.Column("provider", sa.String(64), nullable=False),
    sa.Column("model", sa.String(128), nullable=False),
    sa.Column("operation", sa.String(64), nullable=False),
    sa.Column("units", sa.Float, nullable=False),
    sa.Column("unit", sa.String(32), nullable=False),
    sa.Column("cost_nano_usd", sa.BigInteger, nullable=False),
    sa.Column("expected_cost_nano_usd", sa.BigInteger, nullable=False),
    sa.Column("job_id", sa.String(255)),
    sa.Column("variant", sa.String(32)),
    sa.Column("phase", sa.String(64)),
    sa.Column("run_id", sa.String(64)),
    sa.Column("creative", sa.String(64)),
    sa.Column("rendition", sa.String(64)),
    sa.Column("attempt", sa.Integer),
    sa.Column("request_hash", sa.String(128), nullable=False),
    sa.Column("cached", sa.Boolean, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("error_code", sa.String(64)),
    # Wall-clock epoch of the reservation, so the TTL does not depend on the caller's `at`.
    sa.Column("reserved_at", sa.Float),
    # The single-flight key of the call (its cache key): whoever holds its lock owns its rows.
    sa.Column("flight_key", sa.String(64)),
    # The cost is an upper bound: the provider billed an answer whose bill could not be read.
    sa.Column("cost_estimated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_ca_ledger_job_id", "job_id"),
    sa.Index("ix_ca_ledger_at", "at"),
)

provider_state = sa.Table(
    "ca_provider_state",
    metadata,
    sa.Column("provider", sa.String(64), primary_key=True),
    # Token bucket; NULL tokens = never used = full. Times are epoch seconds (time.time()):
    # several machines share the row, and a monotonic clock means nothing across them.
    sa.Column("tokens", sa.Float),
    sa.Column("updated_at", sa.Float),
    # Circuit breaker.
    sa.Column("consecutive_failures", sa.Integer, nullable=False, default=0),
    sa.Column("state", sa.String(16), nullable=False, default="closed"),
    sa.Column("open_until", sa.Float),
    sa.Column("half_open_since", sa.Float),
)


# Provider tasks that are paid once submitted and finish later (BFL): recorded before the
# process can lose them, so a re-execution resumes polling instead of submitting again.
tasks = sa.Table(
    "ca_tasks",
    metadata,
    sa.Column("flight_key", sa.String(64), primary_key=True),
    sa.Column("provider", sa.String(64), nullable=False),
    sa.Column("task_id", sa.String(255), nullable=False),
    sa.Column("polling_url", sa.String(2048), nullable=False),
    sa.Column("ledger_id", sa.BigInteger, nullable=False),  # the row that paid for it
    sa.Column("submitted_at", sa.Float, nullable=False),  # epoch seconds
)
# Columns added after the first release: created on existing databases when an engine starts.
_ADDED_COLUMNS = {"ca_ledger": ("flight_key", "cost_estimated", "creative", "rendition", "attempt")}


_ENGINES: dict[tuple[str, int], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine per URL per process. The pid is part of the key because pooled connections
    must not cross a fork; the parent's engine is left alone (disposing it from the child would
    close sockets the parent still uses)."""
    key = (url, os.getpid())
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _create_engine(url)
            _create_tables(engine)
            _ENGINES[key] = engine
    return engine


def database_url(url: str) -> sa.URL:
    """The URL as SQLAlchemy should open it. A bare `postgresql://` means psycopg 3 to SQLAlchemy
    2.1, but the driver installed with dagster-postgres is psycopg2."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise ValueError(f"gateway state URL must be sqlite:/// or postgresql://, got {url.split(':')[0]!r}")
    return parsed


# Seconds: idle before the first probe, between probes, probes lost before the peer is dead.
KEEPALIVE = {"idle": 5, "interval": 2, "count": 3}
USER_TIMEOUT_MS = 11_000  # as long as the keepalives take to give up: 5 s + 3 × 2 s


def dead_peer_args(parsed: sa.URL) -> dict[str, object]:
    """psycopg2 connect arguments with which the server ends a session whose client machine
    vanished within seconds, and the client notices a dead server the same way: keepalives for
    an idle session, a user timeout for one whose last answer was never acknowledged (keepalives
    do not probe those; without it they last until the kernel's retransmissions give up). Such
    a session may hold locks or an open transaction that other machines wait on."""
    server = [f"-c tcp_keepalives_{k}={v}" for k, v in KEEPALIVE.items()]
    server.append(f"-c tcp_user_timeout={USER_TIMEOUT_MS}")
    options = " ".join(filter(None, [parsed.query.get("options"), *server]))
    connect_args: dict[str, object] = {f"keepalives_{k}": v for k, v in KEEPALIVE.items()}
    connect_args.update(keepalives=1, tcp_user_timeout=USER_TIMEOUT_MS, connect_timeout=10)
    connect_args.update(options=options)
    return connect_args


def _create_engine(url: str) -> Engine:
    parsed = database_url(url)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=dead_peer_args(parsed))
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # timeout = SQLite's busy timeout: how long BEGIN IMMEDIATE waits for another process's write.
    engine = sa.create_engine(parsed, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below (the documented SQLAlchemy recipe);
        # pysqlite's own implicit BEGIN is deferred and would fail instead of waiting.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers never wait for the writer. NORMAL sync is durable across process crashes;
        # only a power cut can lose the last commits, acceptable for a ledger.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get("ca_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _create_tables(engine: Engine) -> None:
    # Serialized so two processes starting at once do not both try CREATE TABLE.
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_DDL_LOCK_KEY)))
        metadata.create_all(conn)
        present = {c["name"] for c in sa.inspect(conn).get_columns("ca_ledger")}
        for table_name, names in _ADDED_COLUMNS.items():
            table = metadata.tables[table_name]
            for name in (n for n in names if n not in present):
                column = table.c[name]
                ddl = f"ALTER TABLE {table_name} ADD COLUMN {name} {column.type.compile(conn.dialect)}"
                if column.server_default is not None:
                    ddl += " NOT NULL DEFAULT " + ("false" if conn.dialect.name == "postgresql" else "0")
                conn.execute(sa.text(ddl))

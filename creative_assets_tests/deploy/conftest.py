"""Shared by the deployment tests: the instance files and a throwaway database on the real
PostgreSQL server (trust auth in CI). Postgres being down is a failure, not a skip: `.ci/run`
starts it."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
TOP_LEVEL_YAML = REPO / "dagster.yaml"
POSTGRES_YAML = REPO / "deploy" / "dagster.postgres.yaml"
# The server to create throwaway databases on (trust auth in CI); any database on it will do.
ADMIN_URL = make_url(
    os.environ.get("CREATIVE_ASSETS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
)


@dataclass(frozen=True)
class PgDatabase:
    name: str
    env: dict[str, str]  # the DAGSTER_PG_* variables the instance file reads

    @property
    def url(self) -> str:
        return ADMIN_URL.set(database=self.name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def pg_database() -> Iterator[PgDatabase]:
    """A fresh database `ca_pg_<uuid>` for this module, dropped (connections and all) afterwards."""
    dsn = ADMIN_URL.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg2.connect(dsn, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        down = str(exc).strip()
    else:
        down = None
    if down is not None:
        pytest.fail(
            f"PostgreSQL is not reachable at {ADMIN_URL.render_as_string()} ({down}). "
            "These tests need the real server: `.ci/run` starts it, or run "
            '`pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start`, '
            "or point CREATIVE_ASSETS_TEST_POSTGRES_URL at another server.",
            pytrace=False,
        )
    admin.autocommit = True
    name = f"ca_pg_{uuid.uuid4().hex[:12]}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        env = {
            "DAGSTER_PG_HOST": ADMIN_URL.host or "127.0.0.1",
            "DAGSTER_PG_PORT": str(ADMIN_URL.port or 5432),
            "DAGSTER_PG_USER": ADMIN_URL.username or "postgres",
            "DAGSTER_PG_PASSWORD": ADMIN_URL.password or "",
            "DAGSTER_PG_DB": name,
        }
        yield PgDatabase(name, env)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def dagster_home_with(config_file: Path, home: Path) -> Path:
    """A DAGSTER_HOME whose dagster.yaml is a byte-for-byte copy of `config_file`."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config_file, home / "dagster.yaml")
    return home


@pytest.fixture
def postgres_home(pg_database: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A DAGSTER_HOME with deploy/dagster.postgres.yaml, its DAGSTER_PG_* variables set to the
    module's throwaway database."""
    for var, value in pg_database.env.items():
        monkeypatch.setenv(var, value)
    return dagster_home_with(POSTGRES_YAML, tmp_path / "home")

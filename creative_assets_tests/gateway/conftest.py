"""The gateway's state database of a test, once on each dialect: a SQLite file, and a fresh
Postgres database on the local server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from creative_assets_tests.gateway._support import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgres"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url

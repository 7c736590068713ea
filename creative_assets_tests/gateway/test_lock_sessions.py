"""The gateway's sessions end soon after their machine vanishes: the server probes an idle one
(keepalives) and gives up on one whose last answer was never acknowledged (user timeout), so the
slots and single flights of a host cut off mid-step are freed in seconds, and so is a ledger or
cache session it left in an open transaction."""

from __future__ import annotations

import sqlalchemy as sa

from creative_assets.gateway.database import engine_for
from creative_assets.gateway.lock_session import lock_session_of
from creative_assets.gateway.slots import AdvisorySlots
from creative_assets_tests.gateway._support import fresh_postgres_database


def _server_settings(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        names = ("tcp_user_timeout", "tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")
        return {name: conn.execute(sa.text(f"SHOW {name}")).scalar_one() for name in names}


TOLD = {
    "tcp_user_timeout": "11000",  # milliseconds
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
}


def test_slot_and_flight_sessions_are_ended_by_the_server_when_their_host_is_gone() -> None:
    with fresh_postgres_database() as url:
        # The session holding a process's slots and flights, and the one its head waiter queues on.
        for name, engine in (("locks", lock_session_of(url).engine), ("queue", AdvisorySlots(url)._engine)):
            assert _server_settings(engine) == TOLD, name


def test_the_ledger_and_cache_sessions_are_ended_the_same_way() -> None:
    with fresh_postgres_database() as url:
        assert _server_settings(engine_for(url)) == TOLD

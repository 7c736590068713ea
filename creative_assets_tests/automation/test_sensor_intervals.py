"""How often the sensors look: the chain's look decides how long a finished run's successor waits."""

from __future__ import annotations

from creative_assets.defs.automation.sensors import campaign_chain_sensor

# Dagster's sensor daemon looks at its sensors once per loop of at least this long (1.13).
DAEMON_LOOP_S = 5


def test_the_chain_sensor_looks_on_every_loop_of_the_daemon() -> None:
    """An interval equal to the loop made the daemon skip every other look (a look that began a
    moment earlier than the last one was 'too soon'), so the next run of a campaign waited up to
    two loops; below the loop it is never too soon."""
    assert campaign_chain_sensor.minimum_interval_seconds < DAEMON_LOOP_S

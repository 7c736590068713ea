"""What the jobs sensor may launch on its own: every campaign it starts is paid.

On its first look at a real HOC API the open jobs are a backlog, possibly hundreds; starting a
campaign for each at once would spend for all of them in one tick. So a deployment says what it
wants (`CREATIVE_ASSETS_PROVIDERS=…,backlog=skip|launch`, providers/select.py): with `skip`, the
default for the real API, the first tick records the backlog as seen and only jobs that are new
or change afterwards start campaigns. The local jobs folder (the samples of `make dev`) is
launched as found. Either way a tick starts at most `max_launches_per_tick` campaigns; the rest
wait for the next tick.
"""

from __future__ import annotations

from typing import Literal

import dagster as dg
from pydantic import Field

from creative_assets.providers.select import ProviderChoice


class LaunchPolicy(dg.ConfigurableResource):
    backlog: Literal["launch", "skip"] = Field(
        default="launch",
        description="the jobs open on the sensor's first tick: launch them, or record them as seen",
    )
    max_launches_per_tick: int = Field(default=5, ge=1, description="campaigns started per tick at most")

    @classmethod
    def of(cls, choice: ProviderChoice) -> LaunchPolicy:
        """The deployment's policy: the samples folder launches its jobs; a real HOC API skips
        its backlog unless the deployment asks for it (backlog=launch)."""
        return cls(backlog="launch" if choice.jobs == "local" else choice.backlog)

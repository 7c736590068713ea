"""Every run the desk starts, launched through Dagster's GraphQL API (`DagsterGraphQLClient`):
the same jobs, partitions and tags the sensors and the Dagster UI use, queued by the instance's
run coordinator like any other launch. Nothing here runs a step itself.

Three launches: a campaign's first run (`campaign_text`, which the chain sensor continues), a
request for changes to one creative (`request_changes`, the one place that decides how a
regeneration is asked for: `regenerate_creatives` for that creative alone), and the roll-up that
writes the export bundle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

from creative_assets.defs.automation.sensors import CAMPAIGN_TAG, JOB_VERSION_TAG, hoc_jobs_sensor
from creative_assets.defs.regeneration import REGENERATE_CREATIVES_JOB
from creative_assets.desk.settings import DeskSettings
from creative_assets.errors import CreativeAssetsError
from creative_assets.models.approvals import ChangeMode
from creative_assets.partitions import PARTITION_NAME_TAG, variant_key

PARTITION_TAG = PARTITION_NAME_TAG
# The sensor's own tags for a run it requested: a campaign the desk starts carries the run key
# hoc_jobs_sensor would give that job version, so the sensor sees it as started and never
# launches it a second time. LAUNCHED_BY_TAG says who really did.
SENSOR_NAME_TAG = "dagster/sensor_name"
RUN_KEY_TAG = "dagster/run_key"
LAUNCHED_BY_TAG = "creative_assets/launched_by"
CHANGE_REQUEST_TAG = "creative_assets/change_request"  # the creative id
CHANGE_NOTE_TAG = "creative_assets/change_note"
CHANGE_MODE_TAG = "creative_assets/change_mode"
ROUND_TAG = "creative_assets/change_round"  # the regeneration round the request asked for
IMAGE_TYPE_TAG = "creative_assets/image_type"
BUNDLE_TAG = "creative_assets/bundle"
NOTE_TAG_LIMIT = 1000

# The `image_chains` op's regeneration modes (defs/regeneration.py: CreativesConfig.mode).
PIPELINE_MODE: dict[ChangeMode, str] = {"new_attempt": "i2i", "new_picture": "picture"}
# Words in a note that ask for another picture rather than another edit of the copy onto it.
_NEW_PICTURE = re.compile(
    r"\b(new|different|other|another|fresh)\s+(picture|image|photo|motif|scene|seed)s?\b"
    r"|\b(neues?|anderes?|andere|neuer|anderer)\s+(bild|foto|motiv|szene)\w*\b"
    r"|\bnew seed\b|\bneu generier\w*",
    re.IGNORECASE,
)


def mode_for_note(note: str, explicit: ChangeMode | None = None) -> ChangeMode:
    """An explicit choice wins; otherwise a note asking for a new picture gets one, and any
    other note gets a new edit of the copy onto the same picture."""
    if explicit is not None:
        return explicit
    return "new_picture" if _NEW_PICTURE.search(note) else "new_attempt"


class DagsterLauncher:
    """Launches runs on the Dagster webserver at `settings.dagster_url`."""

    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings
        url = urlsplit(settings.dagster_url)
        self.client = DagsterGraphQLClient(
            url.hostname or "127.0.0.1",
            port_number=url.port,
            use_https=url.scheme == "https",
            path_prefix=url.path.rstrip("/"),
            timeout=60,
        )

    def launch(
        self,
        job_name: str,
        partition: str,
        tags: Mapping[str, str],
        run_config: Mapping[str, Any] | None = None,
    ) -> str:
        """The run id of a run of `job_name` for one partition (`job` or `job|variant`)."""
        partition_tags = {PARTITION_TAG: partition}
        if "|" in partition:  # what Dagster tags a multi-partition run with, per dimension
            job_id, variant = partition.split("|", 1)
            key = variant_key(job_id, variant)
            partition_tags |= {
                f"{PARTITION_TAG}/{dim}": value for dim, value in key.keys_by_dimension.items()
            }
        try:
            return self.client.submit_job_execution(
                job_name,
                repository_location_name=self.settings.location_name,
                repository_name=self.settings.repository_name,
                run_config=dict(run_config or {}),
                tags={**partition_tags, **tags},
            )
        except DagsterGraphQLClientError as exc:
            if _unreachable(exc):
                raise CreativeAssetsError(
                    "dagster_unavailable",
                    f"the Dagster webserver at {self.settings.dagster_url} does not answer: start it "
                    "(make dev) or point CREATIVE_ASSETS_DESK_DAGSTER_URL at it",
                ) from None
            detail = str(exc).split("\n", 1)[0][:300]
            raise CreativeAssetsError(
                "launch_failed", f"Dagster refused to launch {job_name}: {detail}"
            ) from None


def _unreachable(exc: BaseException) -> bool:
    """The client wraps transport errors; look down the chain for one that says nobody answered."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, requests.ConnectionError | requests.Timeout):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def start_campaign(launcher: DagsterLauncher, job_id: str, version: str, by: str) -> str:
    """The first run of a campaign for one job version, as hoc_jobs_sensor would launch it."""
    return launcher.launch(
        "campaign_text",
        job_id,
        {
            CAMPAIGN_TAG: job_id,
            JOB_VERSION_TAG: version,
            SENSOR_NAME_TAG: hoc_jobs_sensor.name,
            RUN_KEY_TAG: f"{job_id}@{version}",
            LAUNCHED_BY_TAG: f"desk:{by}",
        },
    )


def request_changes(
    launcher: DagsterLauncher,
    *,
    creative_id: str,
    job_id: str,
    variant: str,
    image_type: str,
    note: str,
    mode: ChangeMode,
    round_no: int,
    by: str,
) -> str:
    """Launch the regeneration a reviewer asked for; returns its run id.

    `regenerate_creatives` for the creative's `job|variant` partition, with the `image_chains` op's
    config naming this one creative, the mode (`i2i`: a new edit of the copy onto the same
    picture; `picture`: a new picture with its own seed) and the round (a number no earlier
    request of this creative used: the same round again would be answered from the cache). The
    variant's other creatives keep their round and come back byte-identical at no cost. The
    creative, the note and the mode also travel as run tags, for the run list and the UI."""
    tags = {
        CAMPAIGN_TAG: job_id,
        CHANGE_REQUEST_TAG: creative_id,
        IMAGE_TYPE_TAG: image_type,
        CHANGE_MODE_TAG: mode,
        ROUND_TAG: str(round_no),
        CHANGE_NOTE_TAG: note[:NOTE_TAG_LIMIT],
        LAUNCHED_BY_TAG: f"desk:{by}",
    }
    config = {"image_types": [image_type], "mode": PIPELINE_MODE[mode], "round": round_no}
    return launcher.launch(
        REGENERATE_CREATIVES_JOB,
        str(variant_key(job_id, variant)),
        tags,
        run_config={"ops": {"image_chains": {"config": config}}},
    )


def build_bundle(launcher: DagsterLauncher, job_id: str, *, only_approved: bool, by: str) -> str:
    """The roll-up (summary, manifest with today's decisions, contact sheet, export ZIP)."""
    return launcher.launch(
        "campaign_rollup",
        job_id,
        {
            CAMPAIGN_TAG: job_id,
            BUNDLE_TAG: "approved" if only_approved else "passed",
            LAUNCHED_BY_TAG: f"desk:{by}",
        },
        run_config={"ops": {"export_bundle": {"config": {"only_reviewed": only_approved}}}},
    )

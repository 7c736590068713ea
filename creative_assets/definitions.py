"""The one Definitions of the code location: assets of every phase, the campaign jobs, and the
resources of the chosen deployment (the zero-key embedded default unless configured otherwise)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from creative_assets.defs.automation.policy import LaunchPolicy
from creative_assets.defs.automation.sensors import campaign_chain_sensor, hoc_jobs_sensor
from creative_assets.defs.jobs import CAMPAIGN_JOBS, JOB_LEVEL_ASSETS, ROLLUP_ASSETS, VARIANT_ASSETS
from creative_assets.defs.text.compliance import ComplianceRules
from creative_assets.gateway.config import gateway_from_env
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.io import ObjectStoreIOManager
from creative_assets.io.storage import S3Connection, storage_from_env
from creative_assets.providers.compliance_review import RulesOnlyReviewer
from creative_assets.providers.local import (
    LocalBrandExtractor,
    LocalImageEditor,
    LocalJobSource,
    LocalResearcher,
    LocalVisionAnalyzer,
    ProceduralImageGenerator,
    TemplateTextGenerator,
)
from creative_assets.providers.select import choice_from_env, provider_resources
from creative_assets.resources import CampaignSettings, OcrReader, settings_from_env

JOBS_DIR_VAR = "CREATIVE_ASSETS_JOBS_DIR"


def beside_storage_gateway(storage_url: str, s3: S3Connection | None = None) -> ProviderGateway:
    """A gateway whose cache and (for a local folder) state live under the storage root: what a
    test or a throwaway run wants; deployments configure theirs from the environment. On an
    object store the state stays in its default SQLite file beside the Dagster instance."""
    cache_url = f"{storage_url.rstrip('/')}/_cache"
    if "://" in storage_url and not storage_url.startswith("file://"):
        return ProviderGateway(cache_url=cache_url, cache_s3=s3)
    state = Path(storage_url.removeprefix("file://")).resolve() / "_state" / "state.db"
    state.parent.mkdir(parents=True, exist_ok=True)
    return ProviderGateway(cache_url=cache_url, state_url=f"sqlite:///{state}")


def local_resources(
    storage_url: str, gateway: ProviderGateway | None = None, s3: S3Connection | None = None
) -> dict[str, object]:
    """The embedded default: no key, no network, real PNGs and real OCR. The gateway is there
    too (its ledger feeds the campaign summary) though local providers never pay through it.
    `s3` is how to reach an s3:// `storage_url` (see io/storage.py)."""
    return {
        "io_manager": ObjectStoreIOManager(base_url=storage_url, s3=s3),
        "gateway": gateway or beside_storage_gateway(storage_url, s3),
        "job_source": LocalJobSource(),
        "researcher": LocalResearcher(),
        "text_generator": TemplateTextGenerator(),
        "compliance_rules": ComplianceRules(),
        "compliance_reviewer": RulesOnlyReviewer(),
        "brand_extractor": LocalBrandExtractor(),
        "image_generator": ProceduralImageGenerator(),
        "image_editor": LocalImageEditor(),
        "vision_analyzer": LocalVisionAnalyzer(),
        "ocr": OcrReader(),
        "settings": CampaignSettings(),
        "launch_policy": LaunchPolicy(),
    }


def build_definitions(resources: dict[str, object]) -> dg.Definitions:
    return dg.Definitions(
        assets=[*JOB_LEVEL_ASSETS, *VARIANT_ASSETS, *ROLLUP_ASSETS],
        jobs=CAMPAIGN_JOBS,
        sensors=[hoc_jobs_sensor, campaign_chain_sensor],
        resources=resources,
    )


def deployment_resources() -> dict[str, object]:
    """Resources of this deployment, read when the definitions load (never at import): the local
    default, with each capability that CREATIVE_ASSETS_PROVIDERS selects swapped for its real
    client, and the ad formats of CREATIVE_ASSETS_FORMATS. A real provider chosen without its key
    fails here, naming the variable, and so do an s3:// storage URL without s3fs (io/storage.py)
    and an unknown format."""
    storage = storage_from_env(os.environ)
    gateway = gateway_from_env(os.environ, cache_url=storage.child("_cache"), cache_s3=storage.s3)
    resources = {
        **local_resources(storage.url, gateway, storage.s3),
        "settings": settings_from_env(os.environ),
    }
    if jobs_dir := os.environ.get(JOBS_DIR_VAR, "").strip():  # the local job source's folder
        resources["job_source"] = LocalJobSource(folder=jobs_dir)
    choice = choice_from_env(os.environ)
    return {**resources, "launch_policy": LaunchPolicy.of(choice), **provider_resources(choice, gateway)}


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(deployment_resources())

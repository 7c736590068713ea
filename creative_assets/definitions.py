"""The one Definitions of the code location: assets of every phase, the campaign jobs, and the
resources of the chosen deployment (the zero-key embedded default unless configured otherwise)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from creative_assets.defs.compose.assets import creatives
from creative_assets.defs.images.assets import base_images, image_prompts
from creative_assets.defs.layout.assets import brand_identity, layouts
from creative_assets.defs.reports.assets import campaign_summary, gate_reports
from creative_assets.defs.text.assets import copy_variants, job_posting, research
from creative_assets.gateway.config import gateway_from_env
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.io import ObjectStoreIOManager
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
from creative_assets.resources import CampaignSettings, OcrReader

JOB_LEVEL_ASSETS = [job_posting, research, brand_identity, copy_variants]
VARIANT_ASSETS = [image_prompts, base_images, layouts, creatives, gate_reports]
ROLLUP_ASSETS = [campaign_summary]

# One run cannot mix partitions definitions, so a campaign is three jobs run in order:
# the job-level phase, then one run per variant (A–E), then the roll-up.
campaign_text_job = dg.define_asset_job(
    "campaign_text",
    selection=dg.AssetSelection.assets(*JOB_LEVEL_ASSETS),
    executor_def=dg.in_process_executor,
    description="Phase 1 and brand identity for one HOC job.",
)
campaign_variant_job = dg.define_asset_job(
    "campaign_variant",
    selection=dg.AssetSelection.assets(*VARIANT_ASSETS),
    executor_def=dg.in_process_executor,
    description="Images, Gate 1a, layouts, i2i, logo and gates 1b–4 for one job × variant.",
)
campaign_summary_job = dg.define_asset_job(
    "campaign_rollup",
    selection=dg.AssetSelection.assets(*ROLLUP_ASSETS),
    executor_def=dg.in_process_executor,
    description="Campaign summary, A/B-test manifest, costs and contact sheet for one job.",
)
CAMPAIGN_JOBS = [campaign_text_job, campaign_variant_job, campaign_summary_job]


def default_storage_url() -> str:
    """Artifacts live beside the instance unless CREATIVE_ASSETS_STORAGE_URL says otherwise."""
    return str(Path(os.environ.get("DAGSTER_HOME", ".dagster_home")).resolve() / "storage")


def beside_storage_gateway(storage_url: str) -> ProviderGateway:
    """A gateway whose cache and (for a local folder) state live under the storage root: what a
    test or a throwaway run wants; deployments configure theirs from the environment."""
    cache_url = f"{storage_url.rstrip('/')}/_cache"
    if "://" in storage_url and not storage_url.startswith("file://"):
        return ProviderGateway(cache_url=cache_url)
    state = Path(storage_url.removeprefix("file://")).resolve() / "_state" / "state.db"
    state.parent.mkdir(parents=True, exist_ok=True)
    return ProviderGateway(cache_url=cache_url, state_url=f"sqlite:///{state}")


def local_resources(storage_url: str, gateway: ProviderGateway | None = None) -> dict[str, object]:
    """The embedded default: no key, no network, real PNGs and real OCR. The gateway is there
    too (its ledger feeds the campaign summary) though local providers never pay through it."""
    return {
        "io_manager": ObjectStoreIOManager(base_url=storage_url),
        "gateway": gateway or beside_storage_gateway(storage_url),
        "job_source": LocalJobSource(),
        "researcher": LocalResearcher(),
        "text_generator": TemplateTextGenerator(),
        "brand_extractor": LocalBrandExtractor(),
        "image_generator": ProceduralImageGenerator(),
        "image_editor": LocalImageEditor(),
        "vision_analyzer": LocalVisionAnalyzer(),
        "ocr": OcrReader(),
        "settings": CampaignSettings(),
    }


def build_definitions(resources: dict[str, object]) -> dg.Definitions:
    return dg.Definitions(
        assets=[*JOB_LEVEL_ASSETS, *VARIANT_ASSETS, *ROLLUP_ASSETS],
        jobs=CAMPAIGN_JOBS,
        resources=resources,
    )


def deployment_resources() -> dict[str, object]:
    """Resources of this deployment, read when the definitions load (never at import): the local
    default, with each capability that CREATIVE_ASSETS_PROVIDERS selects swapped for its real
    client. A real provider chosen without its key fails here, naming the variable."""
    storage = os.environ.get("CREATIVE_ASSETS_STORAGE_URL") or default_storage_url()
    gateway = gateway_from_env(os.environ, cache_url=f"{storage.rstrip('/')}/_cache")
    return {
        **local_resources(storage, gateway),
        **provider_resources(choice_from_env(os.environ), gateway),
    }


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(deployment_resources())

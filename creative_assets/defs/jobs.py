"""The campaign's jobs. One run cannot mix partitions definitions, so a campaign is three jobs
run in order — the job-level phase, the variants (A–E: one run of all five, or one run per
variant), the roll-up — chained by `automation/sensors.py` (or by `creative-assets campaign` in
one call)."""

import dagster as dg

from creative_assets.defs.chains import image_chains
from creative_assets.defs.images.assets import image_prompts
from creative_assets.defs.reports.assets import campaign_summary, gate_reports
from creative_assets.defs.reports.export import export_bundle
from creative_assets.defs.text.assets import copy_variants, job_posting
from creative_assets.defs.text.lookups import posting_lookups

JOB_LEVEL_ASSETS = [job_posting, posting_lookups, copy_variants]
VARIANT_ASSETS = [image_prompts, image_chains, gate_reports]
ROLLUP_ASSETS = [campaign_summary, export_bundle]

# The run queue launches higher priorities first (QueuedRunCoordinator, tag `dagster/priority`).
# A roll-up finishes a campaign and a text run starts one's paid work; both are short, so neither
# should wait behind other campaigns' variant runs, first in, first out. As job tags, they reach
# every run of the job: the sensors', the UI's and the desk's GraphQL launches.
PRIORITY_TAG = "dagster/priority"
ROLLUP_PRIORITY, TEXT_PRIORITY = "10", "5"
# Every run of variant-level work carries this tag, whether it runs one variant partition or
# several (a run over a partition range has no `dagster/partition/variant` tag, and may not: that
# tag would make Dagster read it as a run of one partition); the queue limits variant runs by it.
VARIANT_RUN_TAG = "creative_assets/variant_run"
VARIANT_RUN = {VARIANT_RUN_TAG: "true"}

campaign_text_job = dg.define_asset_job(
    "campaign_text",
    selection=dg.AssetSelection.assets(*JOB_LEVEL_ASSETS),
    executor_def=dg.in_process_executor,
    tags={PRIORITY_TAG: TEXT_PRIORITY},
    description="Phase 1 and brand identity for one HOC job.",
)
campaign_variant_job = dg.define_asset_job(
    "campaign_variant",
    selection=dg.AssetSelection.assets(*VARIANT_ASSETS),
    executor_def=dg.in_process_executor,
    tags=VARIANT_RUN,
    description="Images, Gate 1a, layouts, i2i, logo and gates 1b–4 for one job × variant.",
)
campaign_rollup_job = dg.define_asset_job(
    "campaign_rollup",
    selection=dg.AssetSelection.assets(*ROLLUP_ASSETS),
    executor_def=dg.in_process_executor,
    tags={PRIORITY_TAG: ROLLUP_PRIORITY},
    description="Campaign summary, A/B-test manifest, costs, contact sheet and the export bundle "
    "(ZIP) for one job.",
)
# Regeneration: only what is downstream of the change, for any set of job × variant partitions,
# as a backfill (UI: Jobs → regenerate_… → Materialize → partitions; CLI: `dagster job backfill`).
# The chain sensor runs the roll-up once every variant's gate report is current again.
regenerate_creatives_job = dg.define_asset_job(
    "regenerate_creatives",
    # the compose phase of the image chains (defs/chains.py): it loads the stored base images
    # and layouts rather than making them again
    selection=dg.AssetSelection.assets("text_overlays", "final_creatives", gate_reports),
    executor_def=dg.in_process_executor,
    tags=VARIANT_RUN,
    description="Overlay, logo and gates again on the stored base images and layouts.",
)
regenerate_images_job = dg.define_asset_job(
    "regenerate_images",
    selection=dg.AssetSelection.assets(image_chains, gate_reports),
    executor_def=dg.in_process_executor,
    tags=VARIANT_RUN,
    description="New base images (tag creative_assets/generation=N for new seeds), then layouts, "
    "overlays, logo and gates.",
)
CAMPAIGN_JOBS = [
    campaign_text_job,
    campaign_variant_job,
    campaign_rollup_job,
    regenerate_creatives_job,
    regenerate_images_job,
]

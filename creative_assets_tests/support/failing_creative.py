"""A creative that fails its gates for a reason no retry fixes: a vision review that finds the
lettering of one image type garbled on every attempt, as a vision model may report a real
defect. Tests of what happens to a failed creative (the approval override, the desk's "failed"
filter) make one with it instead of hoping the sample campaign happens to fail one."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from creative_assets.models import CopyVariant, Layout
from creative_assets.models.gates import VisionReview
from creative_assets.partitions import variant_key
from creative_assets.providers.base import Generated
from creative_assets.providers.local import LocalVisionAnalyzer


class GarbleSpottingReviewer(LocalVisionAnalyzer):
    """The local analyzer, plus a vision review that objects to every rendition of one image type."""

    image_type: str

    def review_creative(
        self, png: bytes, layout: Layout, copy: CopyVariant
    ) -> Generated[VisionReview] | None:
        if layout.image_type != self.image_type:
            return None
        review = VisionReview(
            text_outside_zones=False,
            text_covers_subject=False,
            garbled_text=True,
            issues=["the headline's letters look malformed"],
        )
        return Generated(review, "local/garble-spotter")


def fail_one_creative(
    instance: dg.DagsterInstance, storage: Path, job_id: str, variant: str, image_type: str
) -> None:
    """Regenerate one creative of a materialized campaign under that review: a new round that
    fails Gate 1b on every attempt, so the creative ends `failed` with an image; then the
    campaign's roll-up, as the chain sensor would run it."""
    from creative_assets_tests.conftest import make_defs

    defs = make_defs(storage, vision_analyzer=GarbleSpottingReviewer(image_type=image_type))
    result = defs.resolve_job_def("regenerate_creatives").execute_in_process(
        partition_key=variant_key(job_id, variant),
        instance=instance,
        run_config={"ops": {"image_chains": {"config": {"image_types": [image_type], "mode": "i2i"}}}},
    )
    assert result.success
    rollup = defs.resolve_job_def("campaign_rollup").execute_in_process(
        partition_key=job_id, instance=instance
    )
    assert rollup.success

"""Phase 5 — the export bundle: per job, one ZIP for the ad manager's bulk upload."""

import dagster as dg
from pydantic import Field

from creative_assets.defs.metadata import table_of
from creative_assets.defs.reports.bundle import bundle_files, selected, zip_bytes
from creative_assets.models import VARIANTS, CampaignSummary, CreativeSet, ExportBundle
from creative_assets.partitions import job_partitions


class ExportConfig(dg.Config):
    only_reviewed: bool = Field(
        default=False,
        description="ship only creatives a person approved (creative-assets approve, the review "
        "desk); by default every creative in its A/B-test cell ships (passed its gates and nobody "
        "rejected it, or a person approved it: a stand-in's work, or a failed one with the override)",
    )


@dg.asset(partitions_def=job_partitions, group_name="reports", kinds={"zip"})
def export_bundle(
    context: dg.AssetExecutionContext,
    config: ExportConfig,
    campaign_summary: CampaignSummary,
    final_creatives: dict[str, CreativeSet],
) -> dg.MaterializeResult[ExportBundle]:
    """A ZIP in object storage with every creative that ships in every format (a folder per
    format, file names bulk uploads accept: `9x16/hoc-4711-pflege_A_job-focus_de-DE_9x16.png`),
    a captions CSV per variant and locale, and the A/B-test manifest (CSV and JSON) of what is
    inside. Follows the campaign summary's manifest, so approvals count as they stood when the
    summary was materialized."""
    sets = sorted(final_creatives.values(), key=lambda s: s.variant)
    if [s.variant for s in sets] != list(VARIANTS):
        raise ValueError(
            f"[incomplete_campaign] {campaign_summary.job_id} needs all variants {', '.join(VARIANTS)}"
        )
    rows, left_out = selected(campaign_summary.manifest, only_reviewed=config.only_reviewed)
    locales = campaign_summary.locales or sorted({r.locale for r in campaign_summary.manifest})
    if not rows:
        context.log.warning(f"{campaign_summary.job_id}: no creative qualifies; the bundle holds no images")
    files = bundle_files(sets, rows, locales) if rows else {}
    data, entries = zip_bytes(files)
    name = f"{campaign_summary.job_id}_creatives.zip"
    creatives = sorted({r.creative_id for r in rows})
    bundle = ExportBundle(
        job_id=campaign_summary.job_id,
        file=name,
        selection="approved by a person"
        if config.only_reviewed
        else "passed its gates or approved by a person, and not rejected",
        creatives=creatives,
        left_out=dict(sorted(left_out.items())),
        formats=sorted({r.format for r in rows}, key=[r.format for r in rows].index),
        locales=locales,
        entries=entries,
        zip_bytes=len(data),
        files={name: data},
    )
    return dg.MaterializeResult(
        value=bundle,
        metadata={
            "file_count": len(entries),
            "zip_bytes": len(data),
            "zip_size": f"{len(data) / 1e6:.1f} MB",
            "creatives": len(creatives),
            "images": sum(e.path.endswith(".png") for e in entries),
            "left_out": dg.MetadataValue.json(bundle.left_out),
            "formats": ", ".join(bundle.formats),
            "locales": ", ".join(locales),
            "selection": bundle.selection,
            "listing": table_of([e.model_dump(include={"path", "size"}) for e in entries], ("path", "size")),
        },
    )

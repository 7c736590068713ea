"""Phase 5 roll-ups: a gate report per variant and the campaign summary per job."""

import json
from concurrent.futures import ThreadPoolExecutor

import dagster as dg

from creative_assets.approvals import latest_decisions
from creative_assets.defs.ledger import (
    JOB_ASSETS,
    VARIANT_ASSETS,
    cost_breakdown,
    current_rows,
    ledger_costs,
    ledger_table,
)
from creative_assets.defs.metadata import calls_metadata, preview, table_of
from creative_assets.defs.reports.kpis import (
    campaign_estimate,
    kpis,
    phase_timings,
    run_success_rate,
)
from creative_assets.defs.reports.summary import (
    build_gate_report,
    failures_by_gate,
    manifest_csv,
    manifest_rows,
    render_contact_sheet,
    review_counts,
    reviews_of,
)
from creative_assets.defs.variants import each_variant
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.models import (
    VARIANTS,
    BaseImageSet,
    CampaignSummary,
    CopyDeck,
    CreativeSet,
    GateReport,
    JobPosting,
)
from creative_assets.models.reports import CONTACT_SHEET_FILE, MANIFEST_CSV_FILE, MANIFEST_JSON_FILE
from creative_assets.partitions import job_partitions, job_variant_partitions
from creative_assets.providers.base import (
    BrandExtractor,
    ImageEditor,
    ImageGenerator,
    Researcher,
    TextGenerator,
    VisionAnalyzer,
)

LEDGER_COLUMNS = ("phase", "provider", "calls", "cached", "failed", "cost_usd")
MANIFEST_COLUMNS = (
    "creative_id",
    "locale",
    "format",
    "headline",
    "status",
    "attempts",
    "fallback",
    "failure",
    "test_cell",
    "review",
    "reviewed_by",
)


@dg.asset(
    partitions_def=job_variant_partitions,
    group_name="reports",
    kinds={"json"},
    deps=["image_prompts", "layouts"],  # their calls are the variant's cost, read from the ledger
)
@each_variant
def gate_reports(
    context: dg.AssetExecutionContext,
    gateway: ProviderGateway,
    base_images: BaseImageSet,
    final_creatives: CreativeSet,
) -> dg.MaterializeResult[GateReport]:
    """Per variant: each rendition's verdict (creative × locale × format), the gates behind it,
    the retries taken and what every provider call of the variant cost; and every creative a
    provider call failed for good (which call, its code and message) or a stand-in made."""
    job_id, variant = final_creatives.job_id, final_creatives.variant
    rows = current_rows(context.instance, gateway.ledger(job_id), job_id, VARIANT_ASSETS, variant)
    regenerations = sum(len(image.attempts) - 1 for image in base_images.images)
    report = build_gate_report(final_creatives, regenerations)
    return dg.MaterializeResult(
        value=report,
        metadata={
            "passed": report.passed,
            "failed": report.failed,
            "needs_review": report.needs_review,
            "call_failures": dg.MetadataValue.json(
                {cid: f.model_dump() for cid, f in report.call_failures.items()}
            ),
            "fallbacks": dg.MetadataValue.json(report.fallbacks),
            "renditions": len(report.rows),
            "gate_1a_regenerations": regenerations,
            "failures_by_gate": dg.MetadataValue.json(report.failures_by_gate),
            "report": table_of(
                [
                    {**r.model_dump(exclude={"gate_status", "failed_gates"}), **r.gate_status}
                    for r in report.rows
                ]
            ),
            **calls_metadata(rows),
        },
    )


@dg.asset(
    partitions_def=job_partitions,
    group_name="reports",
    kinds={"json", "csv", "png"},
    deps=["research", "brand_identity"],  # their calls are the campaign's cost, read from the ledger
)
def campaign_summary(
    context: dg.AssetExecutionContext,
    gateway: ProviderGateway,
    researcher: Researcher,
    text_generator: TextGenerator,
    brand_extractor: BrandExtractor,
    image_generator: ImageGenerator,
    image_editor: ImageEditor,
    vision_analyzer: VisionAnalyzer,
    job_posting: JobPosting,
    copy_variants: CopyDeck,
    gate_reports: dict[str, GateReport],
    final_creatives: dict[str, CreativeSet],
) -> dg.MaterializeResult[CampaignSummary]:
    """The campaign: all 20 creatives with their gate status, the A/B-test manifest (CSV and
    JSON, a row per rendition: creative × locale × format), the gate pass rate and how many
    creatives a person approved or rejected (one count per creative), gate failures, cost per
    campaign, phase and passed creative (from the gateway's ledger: the calls behind the current
    creatives, and everything the job spent, failed runs included), KPIs (throughput per phase,
    success and gate pass rates, budget drift against the pre-flight estimate) and a contact sheet with each
    creative's gate status and review. Reads all five variants of its job; the providers are here
    only for their list prices. People's approvals and rejections (observations on
    final_creatives, see approvals.py) go into the manifest as they stand when this runs."""
    sets = sorted(final_creatives.values(), key=lambda s: s.variant)
    reports = sorted(gate_reports.values(), key=lambda r: r.variant)
    if [s.variant for s in sets] != list(VARIANTS) or [r.variant for r in reports] != list(VARIANTS):
        raise ValueError(
            f"[incomplete_campaign] {job_posting.job_id} needs all variants {', '.join(VARIANTS)}"
        )
    rows = manifest_rows(sets, latest_decisions(context.instance, job_posting.job_id))
    reviews = reviews_of(rows)
    # The contact sheet (20 creatives decoded and scaled, mostly without the GIL) is drawn while
    # the instance is asked for the KPIs below: this is the campaign's last step, and the two are
    # its largest parts (about a third of a second each under a profiler).
    drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contact-sheet")
    sheet_drawn = drawing.submit(
        render_contact_sheet, sets, f"{job_posting.title} · {job_posting.company_name}", reviews
    )
    drawing.shutdown(wait=False)  # the thread ends with the sheet; .result() below waits for it
    creatives = [c for s in sets for c in s.creatives]
    passed = sum(c.passed for c in creatives)
    reviewed = review_counts(reviews)
    entries = gateway.ledger(job_posting.job_id)
    # The calls behind the current creatives: those of the steps that made each asset's latest
    # materialization (the whole ledger, failed runs included, is `spent` below).
    calls = [
        *current_rows(context.instance, entries, job_posting.job_id, JOB_ASSETS),
        *(
            row
            for v in VARIANTS
            for row in current_rows(context.instance, entries, job_posting.job_id, VARIANT_ASSETS, v)
        ),
    ]
    costs = cost_breakdown(calls, passed)
    spent = ledger_costs(entries, passed)
    prices: dict[str, float] = {}
    for provider in (
        researcher,
        text_generator,
        brand_extractor,
        image_generator,
        image_editor,
        vision_analyzer,
    ):
        prices.update(provider.list_prices())
    kpi = kpis(
        phase_timings(context.instance, job_posting.job_id),
        run_success_rate(context.instance, job_posting.job_id),
        creatives=sum(c.failure is None for c in creatives),  # produced: a failed call made none
        passed=passed,
        spent_usd=spent.total_usd,
        estimate_usd=campaign_estimate(prices),
    )
    sheet = sheet_drawn.result()
    summary = CampaignSummary(
        job_id=job_posting.job_id,
        company_name=job_posting.company_name,
        title=job_posting.title,
        creatives_total=len(creatives),
        creatives_passed=passed,
        approved_by_reviewer=reviewed["approved"],
        rejected_by_reviewer=reviewed["rejected"],
        renditions_total=sum(r.format is not None for r in rows),
        formats=list(dict.fromkeys(r.format for r in rows if r.format is not None)),
        locales=copy_variants.locales,
        gate_pass_rate=round(passed / len(creatives), 4),
        failures_by_gate=failures_by_gate(creatives),
        gate_1a_regenerations=sum(r.gate_1a_regenerations for r in reports),
        call_failures={cid: f for r in reports for cid, f in r.call_failures.items()},
        fallbacks={cid: why for r in reports for cid, why in r.fallbacks.items()},
        costs=costs,
        ledger=spent,
        kpis=kpi,
        manifest=rows,
        files={
            CONTACT_SHEET_FILE: sheet,
            MANIFEST_CSV_FILE: manifest_csv(rows),
            MANIFEST_JSON_FILE: json.dumps([r.model_dump(mode="json") for r in rows], indent=1).encode(),
        },
    )
    return dg.MaterializeResult(
        value=summary,
        metadata={
            "contact_sheet": preview({"contact sheet": sheet}, side=640),
            # the sheet's title is the job's; which rendition its tiles show is said here
            "contact_sheet_shows": f"{(summary.formats or ['-'])[0]} {rows[0].locale} (primary rendition), "
            "framed in each creative's gate status over all renditions, with a person's review "
            "beside it; a failed or stand-in creative is marked with its reason",
            "creatives": summary.creatives_total,
            "creatives_failed": dg.MetadataValue.json(
                {cid: f.describe() for cid, f in summary.call_failures.items()}
            ),
            "needs_review": dg.MetadataValue.json(summary.fallbacks),
            "renditions": summary.renditions_total,
            "formats": ", ".join(summary.formats),
            "locales": ", ".join(summary.locales),
            # The gates pass a creative; only a person approves it. One count per creative.
            "passed": passed,
            "gate_pass_rate": summary.gate_pass_rate,
            "approved_by_reviewer": summary.approved_by_reviewer,
            "rejected_by_reviewer": summary.rejected_by_reviewer,
            "pending_review": reviewed["pending"],
            "failures_by_gate": dg.MetadataValue.json(summary.failures_by_gate),
            "gate_1a_regenerations": summary.gate_1a_regenerations,
            "cost_by_phase_usd": dg.MetadataValue.json(costs.by_phase_usd),
            "cost_per_passed_creative_usd": costs.per_passed_creative_usd,
            "ledger_total_usd": spent.total_usd,
            "ledger_per_passed_creative_usd": spent.per_passed_creative_usd,
            "ledger_calls": dg.MetadataValue.json(
                {
                    "paid": spent.paid_calls,
                    "cached": spent.cached_calls,
                    "failed": spent.failed_calls,
                    "refused": spent.refused_calls,
                }
            ),
            "ledger_by_phase": table_of(ledger_table(entries).to_dict("records"), LEDGER_COLUMNS),
            "throughput_seconds": kpi.throughput_seconds,
            "phase_seconds": dg.MetadataValue.json(
                {t.phase: {"step": t.step_seconds, "wall": t.wall_seconds} for t in kpi.phases}
            ),
            "run_success_rate": kpi.run_success_rate,
            "cost_per_creative_usd": kpi.cost_per_creative_usd,
            "preflight_estimate_usd": kpi.estimate_usd,
            "budget_drift": kpi.budget_drift,
            "ab_test_manifest": table_of(
                [r.model_dump(mode="json", include=set(MANIFEST_COLUMNS)) for r in rows], MANIFEST_COLUMNS
            ),
            **calls_metadata(calls),
        },
    )

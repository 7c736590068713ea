"""Phase 1 — text: the job posting, research, and five copy variants (context fusion → copy)."""

import dagster as dg

from creative_assets.defs.metadata import calls_metadata
from creative_assets.models import CopyDeck, JobPosting, ResearchBrief
from creative_assets.partitions import job_partitions
from creative_assets.providers.base import JobSource, Researcher, TextGenerator


@dg.asset(partitions_def=job_partitions, group_name="text", kinds={"json"})
def job_posting(context: dg.AssetExecutionContext, job_source: JobSource) -> dg.MaterializeResult[JobPosting]:
    """The HOC job this campaign advertises, validated strictly (a malformed field fails the run
    with its name, before anything is generated or stored)."""
    job = job_source.get_job(context.partition_key)
    return dg.MaterializeResult(
        value=job,
        metadata={
            "title": job.title,
            "company": job.company_name,
            "location": f"{job.location.city}, {job.location.country}",
            "language": job.language,
            "benefits": len(job.benefits),
            "has_logo_url": job.logo_url is not None,
            "updated_at": job.updated_at.isoformat(),
        },
    )


@dg.asset(partitions_def=job_partitions, group_name="text", kinds={"json"})
def research(researcher: Researcher, job_posting: JobPosting) -> dg.MaterializeResult[ResearchBrief]:
    """What motivates people in this role and place (Perplexity, cached 7 days)."""
    brief = researcher.research(job_posting)
    return dg.MaterializeResult(
        value=brief,
        metadata={
            "source": brief.source,
            "motivators": dg.MetadataValue.md("\n".join(f"- {m}" for m in brief.motivators)),
            "citations": len(brief.citations),
            **calls_metadata(brief.calls),
        },
    )


@dg.asset(partitions_def=job_partitions, group_name="text", kinds={"json"})
def copy_variants(
    text_generator: TextGenerator, job_posting: JobPosting, research: ResearchBrief
) -> dg.MaterializeResult[CopyDeck]:
    """Five copy variants A–E (headline, subline, benefits, CTA, emotional anchors, style),
    written from the fused context of job and research."""
    fused = text_generator.fuse_context(job_posting, research)
    written = text_generator.write_copy(fused.value)
    deck = CopyDeck(
        job_id=job_posting.job_id,
        language=job_posting.language,
        context=fused.value,
        variants=written.value,
        calls=[*fused.calls, *written.calls],
    )
    table = "\n".join(
        ["| variant | angle | headline | subline | CTA |", "|---|---|---|---|---|"]
        + [f"| {v.variant} | {v.angle} | {v.headline} | {v.subline} | {v.cta} |" for v in deck.variants]
    )
    return dg.MaterializeResult(
        value=deck,
        metadata={
            "variants": dg.MetadataValue.md(table),
            "audience": fused.value.audience,
            **calls_metadata(deck.calls),
        },
    )

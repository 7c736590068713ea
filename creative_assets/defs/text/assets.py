"""Phase 1 — text: the job posting and five copy variants per locale (context fusion → copy →
compliance gate). Research is fetched beside the brand identity (`lookups.py`)."""

import dagster as dg

from creative_assets.defs.failures import campaign_stop
from creative_assets.defs.metadata import calls_metadata, table_of
from creative_assets.defs.text.compliance import ComplianceRules, write_compliant_copy
from creative_assets.gates.compliance import describe
from creative_assets.gateway.resource import ProviderGateway
from creative_assets.models import CopyDeck, JobPosting, LocalizedCopy, ResearchBrief
from creative_assets.partitions import job_partitions
from creative_assets.providers.base import JobSource, TextGenerator
from creative_assets.providers.compliance_review import ComplianceReviewer

VARIANT_COLUMNS = ("locale", "variant", "angle", "headline", "subline", "cta")
FINDING_COLUMNS = ("locale", "variant", "field", "category", "phrase", "suggestion", "why")


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


GATE_COMPLIANCE = dg.AssetCheckSpec(
    "gate_compliance",
    asset="copy_variants",
    partitions_def=job_partitions,
    blocking=True,
    description="Recruiting compliance: gender marker in German job titles, no wording that "
    "discriminates by age, gender, origin, religion or disability (AGG §1), none of the customer's "
    "prohibited claims; verdict after the bounded feedback rounds. A failure stops the images.",
)


@dg.asset(partitions_def=job_partitions, group_name="text", kinds={"json"}, check_specs=[GATE_COMPLIANCE])
def copy_variants(
    context: dg.AssetExecutionContext,
    text_generator: TextGenerator,
    compliance_rules: ComplianceRules,
    compliance_reviewer: ComplianceReviewer,
    gateway: ProviderGateway,
    job_posting: JobPosting,
    research: ResearchBrief,
):  # Returns MaterializeResult[CopyDeck]; an annotation would clash with the check output.
    """Five copy variants A–E (headline, subline, benefits, CTA, emotional anchors, style) per
    locale of the job, all written from one fused context of job and research; each locale's
    copy passes the compliance gate, rewritten with its findings as feedback when it does not."""
    with campaign_stop("context fusion"):
        fused = text_generator.fuse_context(job_posting, research)
    rules = compliance_rules.for_job(job_posting)
    with campaign_stop("copywriting"):
        written = [
            write_compliant_copy(
                text_generator,
                fused.value,
                locale,
                title=job_posting.title,
                rules=rules,
                max_rounds=compliance_rules.max_rounds,
                reviewer=compliance_reviewer,
            )
            for locale in job_posting.locales
        ]
    primary, *others = written
    deck = CopyDeck(
        job_id=job_posting.job_id,
        language=job_posting.language,
        context=fused.value,
        variants=primary.variants,
        locale=primary.locale,
        translations=[LocalizedCopy(locale=w.locale, variants=w.variants) for w in others],
        compliance=[r for w in written for r in w.rounds],
    )
    final = [f for w in written for f in w.rounds[-1].findings]
    for w in written:
        if len(w.rounds) > 1:
            context.log.warning(
                f"{w.locale}: compliance needed {len(w.rounds) - 1} rewrite(s); "
                f"{'passed' if w.passed else 'still failing'}"
            )
    for finding in final:
        context.log.error(describe(finding))
    rounds = {w.locale: len(w.rounds) - 1 for w in written}
    return dg.MaterializeResult(
        value=deck,
        metadata={
            "locales": ", ".join(deck.locales),
            "variants": table_of(
                [
                    {
                        "locale": w.locale,
                        **v.model_dump(include={"variant", "angle", "headline", "subline", "cta"}),
                    }
                    for w in written
                    for v in w.variants
                ],
                VARIANT_COLUMNS,
            ),
            "audience": fused.value.audience,
            "compliance_rewrites": dg.MetadataValue.json(rounds),
            "compliance_findings": len(final),
            **calls_metadata(gateway.step_ledger()),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=GATE_COMPLIANCE.name,
                passed=not final,
                description=(
                    "compliant in " + ", ".join(deck.locales)
                    if not final
                    else f"{len(final)} finding(s) left after {max(rounds.values())} rewrite(s): "
                    + "; ".join(sorted({f"„{f.phrase}“ ({f.category}, {f.locale})" for f in final})[:5])
                ),
                metadata={
                    "rewrites": dg.MetadataValue.json(rounds),
                    "findings": table_of(
                        [f.model_dump(include=set(FINDING_COLUMNS)) for f in final], FINDING_COLUMNS
                    ),
                    "findings_per_round": dg.MetadataValue.json(
                        [
                            {"locale": r.locale, "round": r.round, "findings": [f.phrase for f in r.findings]}
                            for r in deck.compliance
                        ]
                    ),
                    "prohibited_claims": dg.MetadataValue.json(rules.prohibited_claims),
                    "church_employer": rules.church_employer,
                },
            )
        ],
    )

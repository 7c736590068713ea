"""`creative-assets`: run a campaign for a job on the Dagster instance in DAGSTER_HOME."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence

import dagster as dg
from pydantic import ValidationError

from creative_assets.approvals import parse_creative_id, record_decision
from creative_assets.campaign import ensure_job_partition, run_campaign, run_campaigns
from creative_assets.definitions import build_definitions, deployment_resources
from creative_assets.defs.regeneration import latest_metadata
from creative_assets.errors import CreativeAssetsError
from creative_assets.models import VARIANTS
from creative_assets.models.creatives import renamed_status
from creative_assets.models.reports import CONTACT_SHEET_FILE
from creative_assets.partitions import variant_key


def creative_statuses(instance: dg.DagsterInstance, job_id: str, variants: Sequence[str]) -> Counter[str]:
    """How many of the job's creatives (in these variants) the gates passed, failed, or left to
    a person because a stand-in made them: from each variant's latest `final_creatives`."""
    counted: Counter[str] = Counter()
    for variant in variants:
        statuses = latest_metadata(instance, "final_creatives", str(variant_key(job_id, variant))).get(
            "status"
        )
        if isinstance(statuses, dict):
            counted.update(str(renamed_status(s)) for s in statuses.values())
    return counted


def desk_url(job_id: str) -> str:
    """Where the review desk shows the campaign, as `make dev` starts it (or as configured)."""
    from creative_assets.desk.settings import DeskSettings  # the desk's settings, not its app

    try:
        settings = DeskSettings()
    except (CreativeAssetsError, ValidationError):
        settings = DeskSettings.model_validate({})
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}/campaigns/{job_id}"


def report_campaign(
    instance: dg.DagsterInstance, job_id: str, variants: Sequence[str], storage: str, rolled_up: bool
) -> None:
    """What a recruiter wants to know next: how the creatives came out, and where to look."""
    counts = creative_statuses(instance, job_id, variants)
    passed = counts["passed"] + counts["passed_with_warnings"]
    warnings = f" ({counts['passed_with_warnings']} with warnings)" if counts["passed_with_warnings"] else ""
    print(
        f"creatives:     {sum(counts.values())} made: {passed} passed their gates{warnings} and are ready "
        f"for review, {counts['failed']} failed, {counts['needs_review']} need review (made by a stand-in)"
    )
    if rolled_up:
        print(f"contact sheet: {storage}/campaign_summary/{job_id}/{CONTACT_SHEET_FILE}")
        zip_path = f"{storage}/export_bundle/{job_id}/{job_id}_creatives.zip"
        print(f"ZIP:           {zip_path} (all that passed or were approved, unless rejected)")
    else:
        print("contact sheet, ZIP: not made (the roll-up needs all five variants)")
    print(f"review desk:   {desk_url(job_id)} (make dev starts it; only a person approves)")


def _campaign(args: argparse.Namespace) -> int:
    resources = deployment_resources()
    defs = build_definitions(resources)
    variants = [v.strip().upper() for v in args.variants.split(",")] if args.variants else list(VARIANTS)
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        print(
            f"error: [unknown_variant] {', '.join(unknown)}; variants are {', '.join(VARIANTS)}",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        try:
            with dg.build_resources({"job_source": resources["job_source"]}) as built:
                ensure_job_partition(instance, built.job_source, args.job_id)
        except CreativeAssetsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.parallel > 1:
            # The text run here, the variant runs side by side in worker processes
            # (see campaign.run_campaigns).
            outcome = run_campaigns(instance, [args.job_id], variants, max_concurrent_runs=args.parallel)[0]
        else:
            outcome = run_campaign(defs, instance, args.job_id, variants)
    for run in outcome.runs:
        status = "ok    " if run.success else "FAILED"
        print(f"{status} {run.job_name:<16} {run.partition:<28} {run.seconds:>7.1f}s  run {run.run_id}")
        if run.error:
            print(f"       {run.error}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # With --parallel the variant runs were in worker processes, which report their own peaks.
    peak_mib = max([peak_mib, *(r.worker_peak_rss_mib or 0 for r in outcome.runs)])
    print(
        f"campaign {args.job_id}: {'succeeded' if outcome.success else 'failed'} "
        f"in {time.perf_counter() - started:.1f}s, peak memory {peak_mib:.0f} MiB"
    )
    storage = resources["io_manager"].base_url.rstrip("/")  # type: ignore[attr-defined]
    print(f"images:        {storage}/final_creatives/{args.job_id}/")
    rolled_up = any(r.job_name == "campaign_rollup" and r.success for r in outcome.runs)
    with dg.DagsterInstance.get() as instance:
        report_campaign(instance, args.job_id, variants, storage, rolled_up)
    return 0 if outcome.success else 1


def _jobs(args: argparse.Namespace) -> int:
    resources = deployment_resources()
    with dg.build_resources({"job_source": resources["job_source"]}) as built:
        refs = built.job_source.list_jobs()
    print(json.dumps([r.model_dump(mode="json") for r in refs], indent=1))
    for reason in getattr(refs, "skipped", []):  # malformed listing items: the good jobs are above
        print(f"skipped: {reason}", file=sys.stderr)
    return 0


def _decide(args: argparse.Namespace) -> int:
    job_id, variant, image_type = parse_creative_id(args.creative_id)
    defs = build_definitions(deployment_resources())
    with dg.DagsterInstance.get() as instance:
        approval = record_decision(
            instance,
            defs,
            job_id=job_id,
            variant=variant,
            image_type=image_type,
            decision=args.decision,
            by=args.by,
            note=args.note or "",
            override=getattr(args, "override", False),
        )
    overridden = " (override: it failed its gates)" if approval.override else ""
    when = approval.at.isoformat()
    print(f"{approval.decision} {approval.creative_id} by {approval.by} at {when}{overridden}")
    if approval.note:
        print(f"note:    {approval.note}")
    print(f"image:   sha256 {approval.sha256}")
    print(f"UI:      Assets → final_creatives → Partitions → {job_id}|{variant} (its events)")
    print(f"refresh the A/B-test manifest: materialize campaign_summary for {job_id} (job campaign_rollup)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="creative-assets", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    campaign = sub.add_parser("campaign", help="materialize every phase of a job's campaign")
    campaign.add_argument("job_id")
    campaign.add_argument("--variants", help="comma-separated subset of A-E (the roll-up needs all five)")
    campaign.add_argument(
        "--parallel",
        type=int,
        default=1,
        metavar="N",
        help="runs at once: N > 1 runs the variant runs side by side in N worker processes",
    )
    campaign.set_defaults(func=_campaign)
    jobs = sub.add_parser("jobs", help="list the jobs the job source offers")
    jobs.set_defaults(func=_jobs)
    for command, decision, help_text in (
        ("approve", "approved", "approve a final creative for publication"),
        ("reject", "rejected", "reject a final creative (it leaves the A/B test)"),
    ):
        decide = sub.add_parser(command, help=help_text)
        decide.add_argument(
            "creative_id", help="<job>-<variant>-<image_type>, e.g. hoc-4711-pflege-A-job_focus"
        )
        decide.add_argument("--by", required=True, help="who decides")
        decide.add_argument("--note", required=decision == "rejected", help="why (required to reject)")
        if decision == "approved":
            decide.add_argument(
                "--override", action="store_true", help="approve a creative that failed its gates, on purpose"
            )
        decide.set_defaults(func=_decide, decision=decision)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CreativeAssetsError as exc:  # e.g. a real provider chosen without its key
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

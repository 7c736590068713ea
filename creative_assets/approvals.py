"""A person approves or rejects a final creative for publication (the seed's approve endpoint),
or sends it back with a request for changes.

A decision is a runless `AssetObservation` on the creative's `final_creatives` partition
(`<job>|<variant>`), so it lives in the Dagster event log beside the materialization it judges:
the UI lists it on that partition's events, with who, when, the note and the SHA-256 of the PNG
that was reviewed. `campaign_summary` reads the latest decision per creative into the A/B-test
manifest; a decision on an older image (the creative was regenerated since) counts as pending,
and so does a creative whose latest event is a request for changes. The command line, the review
desk's API and its pages all write through `write_decision`, so they record the same events.
A creative is the concept (copy variant × image type): one decision covers all its renditions
(locales × ad formats), and the SHA-256 is that of its primary rendition, the one the UI shows.
Approving a creative that failed its gates needs `override=True`, and the event says so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import dagster as dg
from pydantic import ValidationError

from creative_assets.errors import CreativeAssetsError
from creative_assets.io.artifact_store import StaleRecordError
from creative_assets.models import IMAGE_TYPES, VARIANTS, Approval, Creative, CreativeSet
from creative_assets.models.approvals import CHANGES_REQUESTED, DECISIONS, ChangeMode
from creative_assets.partitions import InvalidJobIdError, job_partitions, validate_job_id, variant_key

FINAL_CREATIVES = dg.AssetKey("final_creatives")
# Decisions per page when reading them back; a job has 20 creatives, so one page usually does.
_PAGE = 100
ACTIONS = (*DECISIONS, CHANGES_REQUESTED)


def parse_creative_id(creative_id: str) -> tuple[str, str, str]:
    """(job_id, variant, image_type) of `<job>-<variant>-<image_type>`. Job ids may contain
    hyphens, variants and image types do not, so the last two parts are split off the right."""
    parts = creative_id.strip().rsplit("-", 2)
    if len(parts) != 3 or not all(parts):
        raise CreativeAssetsError(
            "invalid_creative_id",
            f"{creative_id!r} is not a creative id: use <job>-<variant>-<image_type>, "
            "e.g. hoc-4711-pflege-A-job_focus",
        )
    job_id, variant, image_type = parts
    return job_id, variant, image_type


def record_decision(
    instance: dg.DagsterInstance,
    defs: dg.Definitions,
    *,
    job_id: str,
    variant: str,
    image_type: str,
    decision: str,
    by: str,
    note: str = "",
    override: bool = False,
) -> Approval:
    """Record that `by` approved or rejected one final creative, as it is stored now. Everything
    is checked before anything is written: a bad input records nothing. `defs` supplies the IO
    manager that reads the stored creative (for the SHA-256 of the reviewed PNG)."""
    check_decision(decision, by, note)
    creative_set = _stored_creatives(instance, defs, job_id, variant, image_type)
    return write_decision(
        instance,
        creative_set.creative(image_type),  # type: ignore[arg-type]
        decision=decision,
        by=by,
        note=note,
        override=override,
    )


def check_decision(decision: str, by: str, note: str) -> None:
    """The checks that need no stored creative: what was decided, by whom, and why."""
    if decision not in ACTIONS:
        raise CreativeAssetsError(
            "invalid_decision", f"{decision!r} is not a decision: use approved or rejected"
        )
    if not by.strip():
        raise CreativeAssetsError("missing_reviewer", "say who decides (--by NAME)")
    if decision == "rejected" and not note.strip():
        raise CreativeAssetsError("missing_note", "a rejection needs a note saying why (--note TEXT)")
    if decision == CHANGES_REQUESTED and not note.strip():
        raise CreativeAssetsError("missing_note", "a request for changes needs a note saying what to change")


def write_decision(
    instance: dg.DagsterInstance,
    creative: Creative,
    *,
    decision: str,
    by: str,
    note: str = "",
    override: bool = False,
    mode: ChangeMode | None = None,
    run_id: str | None = None,
) -> Approval:
    """Record a decision on `creative` as it is stored now (its primary rendition's SHA-256).
    Approving a creative that failed its gates is refused unless `override` says it is meant."""
    by, note = by.strip(), note.strip()
    check_decision(decision, by, note)
    if creative.sha256 is None:
        why = creative.failure.describe() if creative.failure else "nothing was rendered"
        raise CreativeAssetsError(
            "nothing_to_review",
            f"{creative.creative_id} has no image to decide on ({why}); regenerate it first "
            "(regenerate_creatives or regenerate_images for its partition)",
        )
    if decision == "approved" and creative.status == "failed" and not override:
        raise CreativeAssetsError(
            "override_required",
            f"{creative.creative_id} failed its quality gates: approve it only on purpose, with an "
            "explicit override (--override; in the API override: true), or request changes instead",
        )
    job_id, variant, image_type = parse_creative_id(creative.creative_id)
    approval = Approval(
        creative_id=creative.creative_id,
        decision=decision,  # type: ignore[arg-type]
        by=by,
        at=datetime.now(UTC).replace(microsecond=0),
        note=note,
        sha256=creative.sha256,
        override=override and decision == "approved" and creative.status == "failed",
        mode=mode if decision == CHANGES_REQUESTED else None,
        run_id=run_id if decision == CHANGES_REQUESTED else None,
    )
    what = "requested changes to" if decision == CHANGES_REQUESTED else decision
    overridden = " (overriding failed gates)" if approval.override else ""
    instance.report_runless_asset_event(
        dg.AssetObservation(
            asset_key=FINAL_CREATIVES,
            partition=str(variant_key(job_id, variant)),
            description=f"{what} {image_type} by {by}{overridden}" + (f": {note}" if note else ""),
            # The base fields always, the optional ones only when they say something.
            metadata=approval.model_dump(mode="json", exclude_defaults=True)
            | approval.model_dump(mode="json", include={"note"}),
        )
    )
    return approval


def decision_history(instance: dg.DagsterInstance, job_id: str) -> dict[str, list[Approval]]:
    """Every decision and request for changes per creative of a job, newest first."""
    partitions = [str(variant_key(job_id, variant)) for variant in VARIANTS]
    records_filter = dg.AssetRecordsFilter(asset_key=FINAL_CREATIVES, asset_partitions=partitions)
    history: dict[str, list[Approval]] = defaultdict(list)
    cursor = None
    while True:
        page = instance.fetch_observations(records_filter, limit=_PAGE, cursor=cursor)  # newest first
        for record in page.records:
            approval = _approval_of(record)
            if approval is not None:
                history[approval.creative_id].append(approval)
        if not page.has_more:
            return dict(history)
        cursor = page.cursor


def latest_decisions(instance: dg.DagsterInstance, job_id: str) -> dict[str, Approval]:
    """The newest decision per creative of a job, keyed by creative id; a creative whose newest
    event is a request for changes has none (it is pending). Observations on `final_creatives`
    that are not decisions are skipped."""
    decisions: dict[str, Approval] = {}
    for creative_id, events in decision_history(instance, job_id).items():
        if events[0].decision in DECISIONS:
            decisions[creative_id] = events[0]
    return decisions


def _stored_creatives(
    instance: dg.DagsterInstance, defs: dg.Definitions, job_id: str, variant: str, image_type: str
) -> CreativeSet:
    check_creative_key(instance, job_id, variant, image_type)
    partition = str(variant_key(job_id, variant))
    try:
        creative_set = defs.load_asset_value(FINAL_CREATIVES, partition_key=partition, instance=instance)
    except FileNotFoundError:
        raise CreativeAssetsError(
            "not_materialized",
            f"final_creatives {partition} is missing from storage: run the campaign_variant job for it again",
        ) from None
    except StaleRecordError as exc:  # stored before creatives had renditions
        raise CreativeAssetsError(exc.code, exc.message) from None
    assert isinstance(creative_set, CreativeSet)
    return creative_set


def check_creative_key(instance: dg.DagsterInstance, job_id: str, variant: str, image_type: str) -> None:
    """A known job, variant and image type whose final creatives were materialized, or a coded
    error saying which part is wrong."""
    try:
        validate_job_id(job_id)
    except InvalidJobIdError as exc:
        raise CreativeAssetsError("invalid_job_id", str(exc).removeprefix("[invalid_job_id] ")) from None
    if variant not in VARIANTS:
        raise CreativeAssetsError(
            "unknown_variant", f"{variant!r} is not a variant: use {', '.join(VARIANTS)}"
        )
    if image_type not in IMAGE_TYPES:
        raise CreativeAssetsError(
            "unknown_image_type", f"{image_type!r} is not an image type: use {', '.join(IMAGE_TYPES)}"
        )
    if not instance.has_dynamic_partition(job_partitions.name, job_id):  # type: ignore[arg-type]
        raise CreativeAssetsError(
            "unknown_job",
            f"{job_id} has no campaign on this instance: start one (Start on the review desk, or "
            f"creative-assets campaign {job_id})",
        )
    partition = str(variant_key(job_id, variant))
    materialized = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=FINAL_CREATIVES, asset_partitions=[partition]), limit=1
    )
    if not materialized.records:
        raise CreativeAssetsError(
            "not_materialized",
            f"final_creatives {partition} has not been materialized: run campaign_variant for it first",
        )


def _approval_of(record: dg.EventLogRecord) -> Approval | None:
    observation = record.asset_observation
    if observation is None or "decision" not in observation.metadata:
        return None
    try:
        return Approval.model_validate({k: v.value for k, v in observation.metadata.items()})
    except ValidationError:
        return None

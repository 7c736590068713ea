"""Decisions from the desk: approve, reject, request changes (which launches the regeneration
through Dagster first), approve in bulk. The API and the pages both call these; every decision
goes through `approvals.write_decision`, the function the command line uses."""

from __future__ import annotations

import logging
import time

import dagster as dg

from creative_assets.approvals import check_decision, decision_history, write_decision
from creative_assets.desk import dagster_client
from creative_assets.desk.auth import Principal
from creative_assets.desk.backend import Backend
from creative_assets.desk.schemas import BulkResult, DecisionResult
from creative_assets.desk.verdicts import passed
from creative_assets.desk.views import creative_view, decision_out, find_creative, stored_sets
from creative_assets.errors import CreativeAssetsError
from creative_assets.models import Creative
from creative_assets.models.approvals import CHANGES_REQUESTED, ChangeMode

log = logging.getLogger(__name__)


def decide(
    backend: Backend, who: Principal, creative_id: str, decision: str, note: str = "", override: bool = False
) -> DecisionResult:
    _, creative = find_creative(backend, creative_id)
    approval = write_decision(
        backend.instance, creative, decision=decision, by=who.label, note=note, override=override
    )
    return DecisionResult(creative_id=creative_id, decision=decision_out(backend, approval, creative.sha256))


def next_round(backend: Backend, creative: Creative) -> int:
    """A regeneration round nobody used for this creative: above the round it was made in and
    above every round the desk asked for before (a run still queued has not stored its round
    yet). The round goes into the run's config, so a re-execution of that run asks for the same
    round and gets its answers from the cache: a retried request is paid once."""
    runs = backend.instance.get_runs(
        dg.RunsFilter(tags={dagster_client.CHANGE_REQUEST_TAG: creative.creative_id})
    )
    asked = [int(n) for r in runs if (n := r.tags.get(dagster_client.ROUND_TAG, "")).isdigit()]
    return max([creative.regeneration.round, *asked]) + 1


def ask_for_changes(
    backend: Backend, who: Principal, creative_id: str, note: str, mode: ChangeMode | None
) -> DecisionResult:
    """Launch the regeneration (through Dagster), then record the request with its run."""
    check_decision(CHANGES_REQUESTED, who.label, note)
    stored, creative = find_creative(backend, creative_id)
    s = stored.creative_set
    if creative.sha256 is None:  # checked before anything is launched: the request could not be recorded
        why = creative.failure.describe() if creative.failure else "nothing was rendered"
        raise CreativeAssetsError(
            "nothing_to_review",
            f"{creative_id} has no image to change ({why}); to try it again, run campaign_variant "
            f"for {s.job_id}|{s.variant} in Dagster",
        )
    chosen = dagster_client.mode_for_note(note, mode)
    started = time.perf_counter()
    run_id = dagster_client.request_changes(
        backend.launcher,
        creative_id=creative_id,
        job_id=s.job_id,
        variant=s.variant,
        image_type=creative.image_type,
        note=note.strip(),
        mode=chosen,
        round_no=next_round(backend, creative),
        by=who.label,
    )
    log.info(
        "changes requested on %s: run %s launched in %.2f s",
        creative_id,
        run_id,
        time.perf_counter() - started,
    )
    approval = write_decision(
        backend.instance,
        creative,
        decision=CHANGES_REQUESTED,
        by=who.label,
        note=note,
        mode=chosen,
        run_id=run_id,
    )
    return DecisionResult(creative_id=creative_id, decision=decision_out(backend, approval, creative.sha256))


def approve_passed(
    backend: Backend, who: Principal, job_id: str, creative_ids: list[str] | None, note: str = ""
) -> BulkResult:
    """Approve the given creatives, or every one that passed its gates and needs review. A
    creative that failed its gates is never approved in bulk (that needs its own override), nor
    a stand-in's work (a person looks at each)."""
    sets = stored_sets(backend, job_id)
    history = decision_history(backend.instance, job_id) if sets else {}
    creatives = {c.creative_id: c for stored in sets.values() for c in stored.creative_set.creatives}
    views = {
        cid: creative_view(backend, sets[cid.rsplit("-", 2)[1]], c, history.get(cid, []))
        for cid, c in creatives.items()
    }
    if not views:
        raise CreativeAssetsError("not_materialized", f"{job_id} has no creatives yet")
    wanted = creative_ids if creative_ids is not None else list(views)
    approved, skipped = [], {}
    for creative_id in wanted:
        view = views.get(creative_id)
        if view is None:
            skipped[creative_id] = "not a creative of this campaign"
        elif view.gate_outcome == "failed":
            skipped[creative_id] = "failed its gates: approve it on its own, with an override"
        elif not passed(view.gate_outcome):
            skipped[creative_id] = "made by a stand-in: look at it and approve it on its own"
        elif view.review != "needs_review" and creative_ids is None:
            skipped[creative_id] = f"already decided: {view.review_label.lower()}"
        else:
            write_decision(
                backend.instance, creatives[creative_id], decision="approved", by=who.label, note=note
            )
            approved.append(creative_id)
    return BulkResult(approved=approved, skipped=skipped)

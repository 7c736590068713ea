"""The creatives of a campaign as a reviewer sees them: each with its verdict in the desk's words,
the gates' reasons, its renditions' image URLs, its copy, costs, and its decisions with their
history (a decision on an earlier image is marked, with that image while it is stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg

from creative_assets.approvals import FINAL_CREATIVES, check_creative_key, decision_history, parse_creative_id
from creative_assets.desk.backend import Backend
from creative_assets.desk.schemas import (
    CopyOut,
    Counts,
    CreativeOut,
    DecisionOut,
    FailureOut,
    Filter,
    GateLine,
    RenditionOut,
)
from creative_assets.desk.verdicts import (
    GATE_NAMES,
    GATE_OUTCOME_LABEL,
    REVIEW_LABEL,
    ReviewState,
    gate_outcome,
    made_by_fallback,
    passed,
    reasons,
)
from creative_assets.errors import CreativeAssetsError
from creative_assets.imaging.formats import ad_format
from creative_assets.models import VARIANTS, Approval, Creative, CreativeSet, GateResult, Rendition
from creative_assets.partitions import variant_key

API = "/api/v1"
GATE_STATUS = {"PASS": "passed", "WARN": "warning", "FAIL": "failed"}
_VERSIONS = 20  # earlier versions looked through for the image an old decision was made on


@dataclass(frozen=True)
class StoredSet:
    """The current final creatives of one job × variant, and the run that made them."""

    creative_set: CreativeSet
    run_id: str
    made_at: datetime


def stored_sets(backend: Backend, job_id: str) -> dict[str, StoredSet]:
    """Variant → its latest materialized final creatives (variants not made yet are missing)."""
    found: dict[str, StoredSet] = {}
    for variant in VARIANTS:
        partition = str(variant_key(job_id, variant))
        records = backend.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=FINAL_CREATIVES, asset_partitions=[partition]), limit=1
        ).records
        if not records:
            continue
        value = backend.storage.record("final_creatives", partition, records[0].run_id)
        assert isinstance(value, CreativeSet)
        found[variant] = StoredSet(
            value, records[0].run_id, datetime.fromtimestamp(records[0].timestamp, UTC)
        )
    return found


def _gate_line(result: GateResult) -> GateLine:
    return GateLine(
        gate=result.gate,
        name=GATE_NAMES.get(result.gate, result.name),
        status=GATE_STATUS[result.status],  # type: ignore[arg-type]
        sentence=result.summary,
    )


def _rendition_urls(creative_id: str, rendition: Rendition, run_id: str) -> tuple[str, str]:
    path = f"{API}/creatives/{creative_id}/renditions/{ad_format(rendition.format).slug}/{rendition.locale}"
    return f"{path}.png?run={run_id}", f"{path}.jpg?run={run_id}&width=480"


def decision_out(
    backend: Backend, approval: Approval, current_sha: str | None, earlier: dict[str, str] | None = None
) -> DecisionOut:
    return DecisionOut(
        action=approval.decision,
        by=approval.by,
        at=approval.at,
        note=approval.note,
        override=approval.override,
        mode=approval.mode,
        run_id=approval.run_id,
        run_url=backend.run_url(approval.run_id) if approval.run_id else None,
        sha256=approval.sha256,
        on_current_image=approval.sha256 == current_sha,
        image_url=(earlier or {}).get(approval.sha256) if approval.sha256 != current_sha else None,
    )


def earlier_images(backend: Backend, stored: StoredSet, creative: Creative) -> dict[str, str]:
    """SHA-256 → thumbnail URL of each earlier primary image of the creative that is still
    stored (each materialization keeps its version): what a decision on it was made on."""
    partition = str(variant_key(stored.creative_set.job_id, stored.creative_set.variant))
    records = backend.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=FINAL_CREATIVES, asset_partitions=[partition]), limit=_VERSIONS
    ).records
    found: dict[str, str] = {}
    for record in records[1:]:
        try:
            old = backend.storage.version("final_creatives", partition, record.run_id)
        except CreativeAssetsError:
            continue
        if isinstance(old, CreativeSet):
            for c in old.creatives:
                if c.image_type == creative.image_type and c.sha256 and c.sha256 not in found:
                    found[c.sha256] = _rendition_urls(creative.creative_id, c.primary, record.run_id)[1]
    return found


def _copy_out(s: CreativeSet, locale: str) -> CopyOut:
    copy = s.copy_for(locale)
    return CopyOut(
        locale=locale,
        angle=copy.angle,
        headline=copy.headline,
        subline=copy.subline,
        cta=copy.cta,
        benefits=list(copy.benefits),
    )


def review_state(creative: Creative, history: list[Approval]) -> ReviewState:
    """A decision counts for the image it was made on; a request for changes stands until the
    creative's next image arrives. A creative with no image (a failure stopped it first) has
    nothing to decide on and stays to be looked at."""
    if not history or creative.sha256 is None or history[0].sha256 != creative.sha256:
        return "needs_review"
    return history[0].decision  # type: ignore[return-value]


def creative_view(
    backend: Backend, stored: StoredSet, creative: Creative, history: list[Approval]
) -> CreativeOut:
    s = stored.creative_set
    state = review_state(creative, history)
    stale = any(a.sha256 != creative.sha256 for a in history)
    earlier = earlier_images(backend, stored, creative) if stale else {}
    renditions = []
    for r in creative.renditions:
        image, thumbnail = _rendition_urls(creative.creative_id, r, stored.run_id)
        renditions.append(
            RenditionOut(
                format=r.format,
                locale=r.locale,
                width=r.width,
                height=r.height,
                gate_outcome=gate_outcome(r.status),
                sha256=r.sha256,
                attempts=len(r.attempts),
                cost_usd=r.cost_usd,
                image_url=image,
                thumbnail_url=thumbnail,
                reasons=[_gate_line(g) for g in reasons(r)],
            )
        )
    seen: dict[tuple[str, str], GateLine] = {}
    for r in renditions:  # the same sentence for several renditions is read once, naming them
        for line in r.reasons:
            key = (line.gate, line.sentence)
            where = [*(seen[key].renditions if key in seen else []), f"{r.format} {r.locale}"]
            seen[key] = line.model_copy(update={"renditions": where})
    if len(renditions) == 1:  # nothing to tell apart
        seen = {key: line.model_copy(update={"renditions": []}) for key, line in seen.items()}
    # primary first; a record without per-locale copy has its primary copy only
    locales = list(dict.fromkeys([*(r.locale for r in creative.renditions[:1]), *s.copy_by_locale])) or [""]
    copies = [_copy_out(s, locale) for locale in locales]
    outcome = gate_outcome(creative.status)
    partition = str(variant_key(s.job_id, s.variant))
    return CreativeOut(
        creative_id=creative.creative_id,
        job_id=s.job_id,
        variant=s.variant,
        image_type=creative.image_type,
        gate_outcome=outcome,
        gate_label=GATE_OUTCOME_LABEL[outcome],
        review=state,
        review_label=REVIEW_LABEL[state],
        decision=decision_out(backend, history[0], creative.sha256, earlier) if history else None,
        history=[decision_out(backend, a, creative.sha256, earlier) for a in history],
        reasons=sorted(seen.values(), key=lambda line: line.status != "failed"),
        copy_text=copies,
        renditions=renditions,
        image_url=renditions[0].image_url if renditions else None,
        thumbnail_url=renditions[0].thumbnail_url if renditions else None,
        sha256=creative.sha256,
        failure=_failure_out(creative),
        cost_usd=round(creative.cost_usd, 4),
        attempts=len(creative.attempts),
        made_by_fallback=made_by_fallback(creative),
        made_at=stored.made_at,
        run_id=stored.run_id,
        lineage_url=backend.partition_url("final_creatives", partition),
    )


def _failure_out(creative: Creative) -> FailureOut | None:
    f = creative.failure
    if f is None:
        return None
    return FailureOut(
        step=f.step, call=f.call, provider=f.provider, code=f.code, message=f.message, text=f.describe()
    )


def creative_views(backend: Backend, job_id: str) -> list[CreativeOut]:
    """Every creative of the job made so far, in variant and image-type order."""
    sets = stored_sets(backend, job_id)
    history = decision_history(backend.instance, job_id) if sets else {}
    return [
        creative_view(backend, stored, c, history.get(c.creative_id, []))
        for stored in sets.values()
        for c in stored.creative_set.creatives
    ]


def counts_of(views: list[CreativeOut]) -> Counts:
    return Counts(
        creatives=len(views),
        passed=sum(passed(v.gate_outcome) for v in views),
        with_warnings=sum(v.gate_outcome == "passed_with_warnings" for v in views),
        failed=sum(v.gate_outcome == "failed" for v in views),
        approved=sum(v.review == "approved" for v in views),
        rejected=sum(v.review == "rejected" for v in views),
        changes_requested=sum(v.review == "changes_requested" for v in views),
        needs_review=sum(v.review == "needs_review" for v in views),
        made_by_fallback=sum(v.made_by_fallback is not None for v in views),
    )


def matches(view: CreativeOut, which: Filter) -> bool:
    return {
        "all": True,
        "needs_review": view.review == "needs_review",
        "passed": passed(view.gate_outcome),
        "failed": view.gate_outcome == "failed",
        "approved": view.review == "approved",
        "rejected": view.review == "rejected",
        "changes_requested": view.review == "changes_requested",
        "fallback": view.made_by_fallback is not None or view.gate_outcome == "needs_review",
    }[which]


def ships(view: CreativeOut, selection: str) -> bool:
    """Whether the ZIP would hold it, as the manifest decides (defs/reports/summary.py): approved
    only — a reviewer approved this very image; all that passed — passed its gates or a reviewer
    approved it (a stand-in's work, or a failed one with the override), and nobody rejected it."""
    if selection == "approved":
        return view.review == "approved"
    return view.review == "approved" or (passed(view.gate_outcome) and view.review != "rejected")


def find_creative(backend: Backend, creative_id: str) -> tuple[StoredSet, Creative]:
    job_id, variant, image_type = parse_creative_id(creative_id)
    check_creative_key(backend.instance, job_id, variant, image_type)
    stored = stored_sets(backend, job_id)[variant]
    return stored, stored.creative_set.creative(image_type)  # type: ignore[arg-type]


def one_view(backend: Backend, creative_id: str) -> CreativeOut:
    stored, creative = find_creative(backend, creative_id)
    history = decision_history(backend.instance, stored.creative_set.job_id).get(creative_id, [])
    return creative_view(backend, stored, creative, history)

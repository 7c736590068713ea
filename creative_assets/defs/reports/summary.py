"""Pure roll-up logic: gate report rows, the A/B-test manifest and the contact sheet (costs are
read from the gateway's ledger, defs/ledger.py)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Mapping

from creative_assets.imaging.contact_sheet import ContactTile, contact_sheet
from creative_assets.imaging.png import to_png
from creative_assets.models import (
    Approval,
    Creative,
    CreativeSet,
    GateReport,
    GateReportRow,
    ManifestRow,
)
from creative_assets.models.approvals import Review


def gate_report_rows(creatives: CreativeSet) -> list[GateReportRow]:
    """One row per rendition: a format that failed is visible as itself."""
    rows = []
    for c in creatives.creatives:
        for r in c.renditions:
            final = r.attempts[-1]
            rows.append(
                GateReportRow(
                    creative_id=c.creative_id,
                    image_type=c.image_type,
                    locale=r.locale,
                    format=r.format,
                    file=r.file,
                    verdict=r.verdict,
                    attempts=len(r.attempts),
                    gate_status={g.gate: g.status for g in final.gates},
                    failed_gates=[g.gate for g in final.gates if g.status == "FAIL"],
                    actions_taken=[a.trigger for a in r.attempts[1:]],
                    cost_usd=r.cost_usd,
                    fallback=r.fallback,
                )
            )
    return rows


def failures_by_gate(creatives: Iterable[Creative]) -> dict[str, int]:
    """How often each gate failed, over every attempt (retries included)."""
    counts: Counter[str] = Counter()
    for c in creatives:
        for attempt in c.attempts:
            counts.update(g.gate for g in attempt.gates if g.status == "FAIL")
    return dict(sorted(counts.items()))


def build_gate_report(creatives: CreativeSet, gate_1a_regenerations: int) -> GateReport:
    """The variant's report: a row per rendition, and every creative a provider failure ended
    (which call, its code and message) or a stand-in made, so none is missing silently."""
    rows = gate_report_rows(creatives)
    return GateReport(
        job_id=creatives.job_id,
        variant=creatives.variant,
        rows=rows,
        passed=sum(c.passed for c in creatives.creatives),
        failed=sum(c.status == "failed" for c in creatives.creatives),
        needs_review=sum(c.status == "needs_review" for c in creatives.creatives),
        gate_1a_regenerations=gate_1a_regenerations,
        failures_by_gate=failures_by_gate(creatives.creatives),
        call_failures={c.creative_id: c.failure for c in creatives.creatives if c.failure},
        fallbacks={c.creative_id: c.fallback for c in creatives.creatives if c.fallback},
    )


def ad_name(job_id: str, variant: str, image_type: str, locale: str, format_id: str) -> str:
    """The name bulk uploads accept: ASCII letters, digits, `-` and `_` only, e.g.
    hoc-4711-pflege_A_job-focus_de-DE_9x16 (job ids are validated to that alphabet already)."""
    name = "_".join((job_id, variant, image_type.replace("_", "-"), locale, format_id.replace(":", "x")))
    if not name.isascii() or any(not (ch.isalnum() or ch in "-_") for ch in name):
        raise ValueError(f"[unsafe_ad_name] {name!r} is not a bulk-upload file name")
    return name


def is_tested(creative: Creative, decision: Approval | None) -> bool:
    """In its A/B-test cell: passed its gates and nobody rejected it; or a person approved this
    very image although it did not pass: a stand-in's work (`needs_review`), or a creative that
    failed its gates, approved with the explicit override (approvals.write_decision refuses an
    approval of a failed creative without one)."""
    if decision is not None and decision.decision == "rejected":
        return False
    if creative.status == "needs_review":
        return decision is not None and decision.decision == "approved"
    if creative.status == "failed":
        return decision is not None and decision.decision == "approved" and decision.override
    return creative.passed


def manifest_rows(
    sets: list[CreativeSet], decisions: Mapping[str, Approval] | None = None
) -> list[ManifestRow]:
    """One row per rendition; the test cell groups the creatives that share a copy variant, so an
    A/B test compares texts while the four images (in every format and locale) rotate inside
    each cell. A creative a person rejected is left out, in every rendition, even when its gates
    passed; a decision on an earlier image of the creative (another SHA-256 of its primary
    rendition: it was regenerated since) counts as pending. A stand-in's work, or a creative
    that failed its gates, is tested only once a person approved it (the latter with the
    override); a creative a provider failure stopped before any rendition has one row saying
    why."""
    decisions = decisions or {}
    rows = []
    for s in sets:
        for c in s.creatives:
            decision = decisions.get(c.creative_id)
            if decision is not None and decision.sha256 != c.sha256:
                decision = None
            tested = is_tested(c, decision)
            failure = c.failure.describe() if c.failure else None
            if not c.renditions:
                rows.append(_unrendered_row(s, c, failure))
            for r in c.renditions:
                copy = s.copy_for(r.locale)
                rows.append(
                    ManifestRow(
                        creative_id=c.creative_id,
                        job_id=s.job_id,
                        variant=s.variant,
                        image_type=c.image_type,
                        locale=r.locale,
                        format=r.format,
                        width=r.width,
                        height=r.height,
                        angle=copy.angle,
                        headline=copy.headline,
                        subline=copy.subline,
                        cta=copy.cta,
                        status=r.status,
                        verdict=r.verdict,
                        creative_status=c.status,
                        attempts=len(r.attempts),
                        cost_usd=r.cost_usd,
                        storage_key=f"final_creatives/{s.job_id}/{s.variant}/{r.file}",
                        ad_name=ad_name(s.job_id, s.variant, c.image_type, r.locale, r.format),
                        fallback=r.fallback,
                        failure=failure,
                        test_cell=f"cell-{s.variant}" if tested else "excluded",
                        review=decision.decision if decision else "pending",
                        reviewed_by=decision.by if decision else None,
                        reviewed_at=decision.at if decision else None,
                    )
                )
    return rows


def _unrendered_row(s: CreativeSet, c: Creative, failure: str | None) -> ManifestRow:
    locale = next(iter(s.copy_by_locale), "")  # the primary locale comes first
    copy = s.copy_for(locale)
    return ManifestRow(
        creative_id=c.creative_id,
        job_id=s.job_id,
        variant=s.variant,
        image_type=c.image_type,
        locale=locale,
        format=None,
        width=0,
        height=0,
        angle=copy.angle,
        headline=copy.headline,
        subline=copy.subline,
        cta=copy.cta,
        status=c.status,
        verdict=c.verdict,
        creative_status=c.status,
        attempts=0,
        cost_usd=c.cost_usd,
        storage_key=None,
        ad_name="",
        failure=failure,
        test_cell="excluded",
    )


def manifest_csv(rows: list[ManifestRow]) -> bytes:
    import pandas as pd  # only the roll-up builds tables; every run's worker imports this module

    frame = pd.DataFrame([r.model_dump(mode="json") for r in rows])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def tile_note(c: Creative) -> str:
    """What the tile must say beyond its status: why it failed, or what a stand-in made."""
    if c.failure:
        return f"FAILED [{c.failure.code}] {c.failure.call} ({c.failure.provider})"
    if c.fallback:
        return f"STAND-IN, not passed: {c.fallback}"
    return ""


def reviews_of(rows: Iterable[ManifestRow]) -> dict[str, Review]:
    """A person's review per creative (every row of a creative carries the same one)."""
    return {r.creative_id: r.review for r in rows}


def review_counts(reviews: Mapping[str, Review]) -> dict[Review, int]:
    """Creatives approved, rejected and pending: one count per creative, not per rendition."""
    counted = Counter(reviews.values())
    return {review: counted[review] for review in ("approved", "rejected", "pending")}


def render_contact_sheet(sets: list[CreativeSet], title: str, reviews: Mapping[str, Review]) -> bytes:
    """One tile per creative: its primary rendition (primary locale, first format) under the
    creative's status, the worst of all its renditions', and a person's review of it. Twenty
    tiles stay readable; eighty (four formats of different shapes) would not. A creative with
    nothing rendered is a marked placeholder, never left out."""
    tiles = [
        ContactTile(
            label=f"{s.variant} · {c.image_type}",
            png=s.files[c.file] if c.file else b"",
            status=c.status,
            note=tile_note(c),
            review=reviews.get(c.creative_id, "pending"),
        )
        for s in sets
        for c in s.creatives
    ]

    return to_png(contact_sheet(tiles, columns=4, title=title))

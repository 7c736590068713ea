"""Phase 5 roll-ups: gate reports per variant and the campaign summary per job."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasChoices, Field

from creative_assets.models.approvals import Review
from creative_assets.models.base import Artifact, CallFailure, ImageType, Model, Variant
from creative_assets.models.gates import GateId, Verdict
from creative_assets.models.layout import FormatId

CONTACT_SHEET_FILE = "contact_sheet.png"
MANIFEST_CSV_FILE = "ab_test_manifest.csv"
MANIFEST_JSON_FILE = "ab_test_manifest.json"


class GateReportRow(Model):
    """One rendition (creative × locale × format) and the gates of its final attempt."""

    creative_id: str
    image_type: ImageType
    locale: str
    format: FormatId
    file: str
    verdict: Verdict
    attempts: int
    gate_status: dict[GateId, str]
    failed_gates: list[GateId]
    actions_taken: list[str]
    cost_usd: float
    fallback: str | None = Field(default=None, description="what a local stand-in made, and why")


class GateReport(Model):
    """Per variant: a row per rendition, and every creative that did not pass for a reason
    other than its gates — a provider call that failed for good, or a stand-in's work."""

    job_id: str
    variant: Variant
    rows: list[GateReportRow]
    # Creatives, one count each: passed their gates (ready for review; only a person approves),
    # failed, or made by a stand-in. A report stored before the rename said `approved`.
    passed: int = Field(validation_alias=AliasChoices("passed", "approved"))
    failed: int
    needs_review: int = 0
    gate_1a_regenerations: int
    failures_by_gate: dict[str, int]
    call_failures: dict[str, CallFailure] = Field(
        default_factory=dict, description="creative id → the call that failed it"
    )
    fallbacks: dict[str, str] = Field(
        default_factory=dict, description="creative id → what a stand-in made (needs a person)"
    )


class ManifestRow(Model):
    """One row of the A/B-test manifest: a rendition (creative × locale × format) and the cell it
    is tested in. A creative is tested, in all its renditions, when every rendition passed its
    gates and no person rejected it."""

    creative_id: str
    job_id: str
    variant: Variant
    image_type: ImageType
    locale: str
    format: FormatId | None = Field(description="None: the creative failed before any rendition")
    width: int
    height: int
    angle: str
    headline: str
    subline: str
    cta: str
    status: str = Field(description="this rendition's gate status: passed, passed_with_warnings, …")
    verdict: Verdict
    creative_status: str = Field(description="the creative's, the worst of its renditions'")
    attempts: int
    cost_usd: float = Field(description="this rendition's layout, overlay, retries and reviews")
    storage_key: str | None = Field(
        description="path of the PNG relative to the storage base; None: nothing was rendered"
    )
    ad_name: str = Field(description="the file name in the export bundle, without folder")
    fallback: str | None = Field(default=None, description="what a local stand-in made, and why")
    failure: str | None = Field(default=None, description="the provider call that failed the creative")
    test_cell: str
    review: Review = Field(default="pending", description="a person's decision on this very PNG")
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


_PER_PASSED = AliasChoices("per_passed_creative_usd", "per_approved_creative_usd")  # stored before


class Spend(Model):
    total_usd: float
    per_passed_creative_usd: float | None = Field(validation_alias=_PER_PASSED)
    by_phase_usd: dict[str, float]
    by_provider_usd: dict[str, float]


class CostBreakdown(Spend):
    calls: int


class LedgerCosts(Spend):
    """What the job spent according to the durable ledger: every run, retry and failure."""

    paid_calls: int
    cached_calls: int
    failed_calls: int
    refused_calls: int = Field(description="refused by the budget guard or an open circuit breaker")


class PhaseTiming(Model):
    phase: str
    partitions: int
    step_seconds: float = Field(description="summed over the phase's partitions")
    wall_seconds: float = Field(description="first step start to last step end")
    started_at: float
    ended_at: float


class CampaignKpis(Model):
    throughput_seconds: float | None = Field(description="first phase start to last phase end")
    phases: list[PhaseTiming]
    run_success_rate: float | None
    runs_finished: int
    creative_success_rate: float = Field(description="creatives produced of the 20 planned")
    gate_pass_rate: float = Field(
        validation_alias=AliasChoices("gate_pass_rate", "approval_rate"),
        description="creatives that passed their gates, of those produced",
    )
    cost_per_creative_usd: float | None
    estimate_usd: float = Field(description="pre-flight: list prices, every first attempt passing")
    budget_drift: float | None = Field(description="spent / estimate - 1")


class CampaignSummary(Artifact):
    """The per-job roll-up: 20 creatives, manifest, costs and a contact sheet (in `files`)."""

    job_id: str
    company_name: str
    title: str
    creatives_total: int
    creatives_passed: int = Field(
        validation_alias=AliasChoices("creatives_passed", "creatives_approved"),
        description="passed their quality gates: ready for review",
    )
    approved_by_reviewer: int = Field(
        default=0, description="creatives a person approved, this very image (one count per creative)"
    )
    rejected_by_reviewer: int = Field(default=0, description="creatives a person rejected, this very image")
    renditions_total: int = 0
    formats: list[FormatId] = Field(default_factory=list)
    locales: list[str] = Field(default_factory=list)
    gate_pass_rate: float = Field(
        validation_alias=AliasChoices("gate_pass_rate", "approval_rate"),
        description="creatives that passed their gates, of the 20",
    )
    failures_by_gate: dict[str, int]
    gate_1a_regenerations: int
    call_failures: dict[str, CallFailure] = Field(
        default_factory=dict, description="creative id → the provider call that failed it"
    )
    fallbacks: dict[str, str] = Field(
        default_factory=dict, description="creative id → what a stand-in made (not passed, needs a person)"
    )
    costs: CostBreakdown
    ledger: LedgerCosts
    kpis: CampaignKpis
    manifest: list[ManifestRow] = Field(min_length=1)


class BundleEntry(Model):
    """One file inside the export bundle's ZIP."""

    path: str = Field(description="inside the ZIP: <format>/<ad name>.png, captions/…, manifest")
    size: int = Field(description="bytes")
    sha256: str


class ExportBundle(Artifact):
    """Per job, the ZIP an ad manager uploads: every creative that ships in every format, a
    captions file per variant and locale, and the A/B-test manifest of what is inside. `files`
    holds the ZIP itself."""

    job_id: str
    file: str = Field(description="the ZIP's name in the partition folder")
    selection: str = Field(description="which creatives are in it, in words")
    creatives: list[str] = Field(description="creative ids in the bundle")
    left_out: dict[str, str] = Field(description="creative id → why it is not in the bundle")
    formats: list[FormatId]
    locales: list[str]
    entries: list[BundleEntry]
    zip_bytes: int

"""Phase 5 roll-ups: gate reports per variant and the campaign summary per job."""

from __future__ import annotations

from pydantic import Field

from creative_assets.models.base import Artifact, ImageType, Model, ProviderCall, Variant
from creative_assets.models.gates import GateId, Verdict

CONTACT_SHEET_FILE = "contact_sheet.png"
MANIFEST_CSV_FILE = "ab_test_manifest.csv"
MANIFEST_JSON_FILE = "ab_test_manifest.json"


class GateReportRow(Model):
    creative_id: str
    image_type: ImageType
    verdict: Verdict
    attempts: int
    gate_status: dict[GateId, str]
    failed_gates: list[GateId]
    actions_taken: list[str]
    cost_usd: float


class GateReport(Model):
    job_id: str
    variant: Variant
    rows: list[GateReportRow]
    approved: int
    failed: int
    gate_1a_regenerations: int
    failures_by_gate: dict[str, int]
    calls: list[ProviderCall] = Field(description="every provider call of this variant, retries included")


class ManifestRow(Model):
    """One row of the A/B-test manifest: a creative and the cell it is tested in."""

    creative_id: str
    job_id: str
    variant: Variant
    image_type: ImageType
    angle: str
    headline: str
    subline: str
    cta: str
    status: str
    verdict: Verdict
    attempts: int
    cost_usd: float
    storage_key: str = Field(description="path of the PNG relative to the storage base")
    test_cell: str


class CostBreakdown(Model):
    total_usd: float
    per_approved_creative_usd: float | None
    by_phase_usd: dict[str, float]
    by_provider_usd: dict[str, float]
    calls: int


class CampaignSummary(Artifact):
    """The per-job roll-up: 20 creatives, manifest, costs and a contact sheet (in `files`)."""

    job_id: str
    company_name: str
    title: str
    creatives_total: int
    creatives_approved: int
    approval_rate: float
    failures_by_gate: dict[str, int]
    gate_1a_regenerations: int
    costs: CostBreakdown
    manifest: list[ManifestRow] = Field(min_length=1)

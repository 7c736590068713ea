"""The API's bodies: what a frontend sends and gets back (the OpenAPI schema is built from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from creative_assets.desk.settings import Role
from creative_assets.desk.verdicts import GateOutcome, ReviewState
from creative_assets.models.approvals import Action, ChangeMode
from creative_assets.models.job import JOB_ID_PATTERN

CampaignStateName = Literal["not_started", "queued", "running", "incomplete", "done", "failed"]
BundleSelection = Literal["approved", "passed"]
FILTERS = ("all", "needs_review", "passed", "failed", "approved", "rejected", "changes_requested", "fallback")
# The job id pattern for the API schema: JSON Schema (ECMA) and pydantic's Rust regexes have no
# \Z; their $ is the end of the text already.
JOB_ID_REGEX = JOB_ID_PATTERN.pattern.removesuffix(r"\Z") + "$"
# A required note is stated in the schema and checked by the desk (missing_note, as the CLI says):
# a character that str.strip keeps. Spelled out, since ECMA's \S (and the ASCII \S that schema
# tools compile it to) keeps separators that str.strip removes (NEL, U+2028 …).
BLANKS = "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace())  # U+3000 is the last
NOTE = {"minLength": 1, "pattern": f"[^{BLANKS}]"}
Filter = Literal[
    "all", "needs_review", "passed", "failed", "approved", "rejected", "changes_requested", "fallback"
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Me(Body):
    name: str
    label: str
    role: Role
    via: Literal["session", "token", "proxy"]


class Counts(Body):
    creatives: int = Field(description="creatives made so far, failed ones included (20 when done)")
    passed: int = Field(description="passed the quality gates (with or without warnings): ready for review")
    with_warnings: int = Field(description="of those that passed, the ones that passed with warnings")
    failed: int = Field(description="failed a quality gate, or a provider call failed it")
    approved: int = Field(description="approved by a reviewer (this very image)")
    rejected: int = Field(description="rejected by a reviewer (this very image)")
    changes_requested: int
    needs_review: int = Field(description="no decision on the current image yet")
    made_by_fallback: int = Field(
        description="made (in part) by a stand-in: not passed, it ships only when a reviewer approves it"
    )


class RunInfo(Body):
    run_id: str
    job_name: str
    partition: str | None
    status: str = Field(description="Dagster's run status: QUEUED, STARTED, SUCCESS, FAILURE …")
    purpose: str = Field(description="what the run does, in words")
    created_at: datetime
    ended_at: datetime | None
    dagster_url: str


class CampaignItem(Body):
    job_id: str
    company: str | None
    title: str | None
    state: CampaignStateName
    phase: str | None = Field(description="while queued or running: what it is doing")
    reason: str | None = Field(description="when failed: why, with the error's [code]")
    counts: Counts
    cost_usd: float = Field(description="what the job spent so far, from the gateway's ledger")
    updated_at: datetime | None = Field(description="the latest run or decision")
    url: str = Field(description="the campaign's page")


class CampaignPage(Body):
    items: list[CampaignItem]
    total: int
    offset: int
    limit: int
    next_offset: int | None


class BundleInfo(Body):
    run_id: str
    selection: BundleSelection
    status: Literal["building", "ready", "failed"]
    created_at: datetime
    creatives: int | None = Field(default=None, description="creatives in the ZIP")
    zip_bytes: int | None = None
    current: bool = Field(description="no decision and no new creative since it was built")
    download_url: str | None
    dagster_url: str


class CampaignDetail(CampaignItem):
    formats: list[str]
    locales: list[str]
    runs: list[RunInfo] = Field(description="newest first")
    bundles: list[BundleInfo] = Field(description="newest first")


class GateLine(Body):
    gate: str
    name: str
    status: Literal["passed", "warning", "failed"]
    sentence: str = Field(description="what the gate found, in plain words")
    renditions: list[str] = Field(
        default_factory=list, description="on a creative: the renditions (format locale) it is about"
    )


class DecisionOut(Body):
    action: Action
    by: str
    at: datetime
    note: str
    override: bool
    mode: ChangeMode | None
    run_id: str | None
    run_url: str | None
    sha256: str
    on_current_image: bool = Field(description="false: made on an earlier image of the creative")
    image_url: str | None = Field(
        default=None,
        description="on an earlier image: a thumbnail of that image, while its version is stored",
    )


class RenditionOut(Body):
    format: str
    locale: str
    width: int
    height: int
    gate_outcome: GateOutcome
    sha256: str
    attempts: int
    cost_usd: float
    image_url: str = Field(description="the full-size PNG")
    thumbnail_url: str = Field(description="a JPEG for grids (?width=320…1080)")
    reasons: list[GateLine] = Field(description="failed gates first, then warnings; empty when clean")


class CopyOut(Body):
    locale: str
    angle: str
    headline: str
    subline: str
    cta: str
    benefits: list[str]


class FailureOut(Body):
    """The provider call that failed a creative for good (after its own retries)."""

    step: str = Field(description="the Dagster step (asset) it failed in")
    call: str = Field(description="the call, in words: text-to-image, text overlay …")
    provider: str
    code: str = Field(description="a stable error code: moderated, server_error, bad_request …")
    message: str
    text: str = Field(description="all of it in one sentence, as the gate reports say it")


class CreativeOut(Body):
    creative_id: str
    job_id: str
    variant: str
    image_type: str
    gate_outcome: GateOutcome = Field(
        description="the quality gates' verdict: passed, passed_with_warnings, failed, or "
        "needs_review (a stand-in made it: it waits for a person)"
    )
    gate_label: str = Field(description="Passed / Passed with warnings / Made by a stand-in / Failed")
    review: ReviewState
    review_label: str
    decision: DecisionOut | None = Field(description="the newest decision or request, on any image")
    history: list[DecisionOut] = Field(description="every decision and request, newest first")
    reasons: list[GateLine] = Field(description="of every rendition, failed gates first")
    copy_text: list[CopyOut] = Field(description="the copy in every locale, primary first")
    renditions: list[RenditionOut] = Field(description="empty when a failure stopped it before any")
    image_url: str | None = Field(description="the primary rendition's PNG; null: nothing was rendered")
    thumbnail_url: str | None
    sha256: str | None = Field(
        description="of the primary rendition: the image a decision is recorded against; null when "
        "nothing was rendered (there is nothing to decide on)"
    )
    failure: FailureOut | None = Field(default=None, description="the provider call that failed it")
    cost_usd: float
    attempts: int
    made_by_fallback: str | None = Field(description="why it counts as made by a fallback, or null")
    made_at: datetime
    run_id: str
    lineage_url: str = Field(description="the creative's partition in the Dagster UI")


class CreativeList(Body):
    job_id: str
    filter: Filter
    counts: Counts
    items: list[CreativeOut]


class ApproveRequest(Body):
    note: str = Field(default="", max_length=2000)
    override: bool = Field(default=False, description="required to approve a creative that failed its gates")


class RejectRequest(Body):
    note: str = Field(
        max_length=2000, description="why (required: without one, 422 missing_note)", json_schema_extra=NOTE
    )


class ChangeRequest(Body):
    note: str = Field(
        max_length=2000,
        description="what to change (required: without one, 422 missing_note)",
        json_schema_extra=NOTE,
    )
    mode: Literal["auto", "new_attempt", "new_picture"] = Field(
        default="auto",
        description="new_attempt: the copy edited onto the same picture again; new_picture: a new "
        "picture with a new seed; auto: a new picture when the note asks for one",
    )


class DecisionResult(Body):
    creative_id: str
    decision: DecisionOut


class BulkApproveRequest(Body):
    creative_ids: list[str] | None = Field(
        default=None, max_length=100, description="omit: every creative that passed and needs review"
    )
    note: str = Field(default="", max_length=2000)


class BulkResult(Body):
    approved: list[str]
    skipped: dict[str, str] = Field(description="creative id → why it was not approved")


class StartCampaignRequest(Body):
    job_id: str = Field(
        min_length=1,
        max_length=64,
        examples=["hoc-4711-pflege"],
        json_schema_extra={"pattern": JOB_ID_REGEX},  # checked by the desk: invalid_job_id
    )


class StartCampaignResult(Body):
    job_id: str
    version: str = Field(description="the job's updated_at: a campaign starts once per version")
    started: bool = Field(description="false: this version was started already; nothing launched")
    run_id: str | None
    message: str
    url: str


class BundleRequest(Body):
    selection: BundleSelection = Field(
        default="approved",
        description="approved: only creatives a reviewer approved; passed: all that passed their "
        "gates or a reviewer approved (a stand-in's work, a failed one with the override), "
        "unless rejected",
    )

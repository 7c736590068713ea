"""The JSON API (`/api/v1`): everything the pages can do, for a frontend or a script. Reads need a
viewer, writes a reviewer (a bearer token, or the session plus its CSRF token); every error is
`{"error": {"code", "message"}}` with the code the command line prints."""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

import dagster as dg
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from creative_assets.desk import bundles, campaigns, images, review, views
from creative_assets.desk.auth import Principal
from creative_assets.desk.backend import Backend
from creative_assets.desk.errors import responses
from creative_assets.desk.schemas import (
    JOB_ID_REGEX,
    ApproveRequest,
    BulkApproveRequest,
    BulkResult,
    BundleInfo,
    BundleRequest,
    CampaignDetail,
    CampaignPage,
    ChangeRequest,
    CreativeList,
    CreativeOut,
    DecisionResult,
    Filter,
    Me,
    RejectRequest,
    RunInfo,
    StartCampaignRequest,
    StartCampaignResult,
)
from creative_assets.errors import CreativeAssetsError

router = APIRouter(prefix="/api/v1")

JobId = Annotated[str, Path(pattern=JOB_ID_REGEX, examples=["hoc-4711-pflege"])]
# The schema states the full form; the desk checks it itself, so that a wrong part gets the code
# the command line prints (unknown_variant, unknown_image_type, invalid_job_id …), not a generic one.
CREATIVE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}-[A-E]-(job_focus|lifestyle|artistic|location)$"
CreativeId = Annotated[
    str,
    Path(
        min_length=5,
        max_length=100,
        examples=["hoc-4711-pflege-A-job_focus"],
        json_schema_extra={"pattern": CREATIVE_ID_PATTERN},
    ),
]
RunId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
FormatSlug = Annotated[Literal["1x1", "4x5", "9x16", "16x9"], Path()]
Locale = Annotated[str, Path(pattern=r"^[a-z]{2}-[A-Z]{2}$", examples=["de-DE"])]
RunQuery = Annotated[str | None, Query(pattern=r"^[0-9a-f-]{36}$", description="the version a run made")]
READ = responses(401, 404, 422)
WRITE = responses(400, 401, 403, 404, 409, 422)
LAUNCH = responses(400, 401, 403, 404, 409, 422, 502, 503)
PNG = {200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}}
JPEG = {200: {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}}
ZIP = {200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}}
IMMUTABLE = "private, max-age=31536000, immutable"


def backend(request: Request) -> Backend:
    return request.app.state.desk.backend


# Declares the bearer scheme in the OpenAPI schema (the docs' "Authorize" button); the
# Authenticator reads the header itself, with the session and the proxy header beside it.
bearer = HTTPBearer(auto_error=False, description="an API token configured for a desk user")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def viewer(request: Request, _: Credentials) -> Principal:
    return request.app.state.desk.auth.viewer(request)


def reviewer(request: Request, _: Credentials) -> Principal:
    return request.app.state.desk.auth.reviewer(request)


Viewer = Annotated[Principal, Depends(viewer)]
Reviewer = Annotated[Principal, Depends(reviewer)]
Desk = Annotated[Backend, Depends(backend)]


@router.get("/me", response_model=Me, responses=responses(401), tags=["session"])
def me(who: Viewer) -> Me:
    """Who the credentials belong to, and their role."""
    return Me(name=who.name, label=who.label, role=who.role, via=who.via)


@router.get("/campaigns", response_model=CampaignPage, responses=READ, tags=["campaigns"])
def list_campaigns(
    who: Viewer,
    desk: Desk,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CampaignPage:
    """Every job with a campaign (newest first), then the jobs the job source offers."""
    return campaigns.list_campaigns(desk, offset, limit)


@router.post(
    "/campaigns",
    response_model=StartCampaignResult,
    responses={**LAUNCH, 202: {"model": StartCampaignResult, "description": "started"}},
    tags=["campaigns"],
)
def start_campaign(body: StartCampaignRequest, who: Reviewer, desk: Desk) -> JSONResponse:
    """Start a job's campaign through Dagster (202). Idempotent per job version: a version that
    was started already launches nothing and answers 200 with `started: false`."""
    result = campaigns.start(desk, who, body.job_id)
    return JSONResponse(result.model_dump(mode="json"), status_code=202 if result.started else 200)


@router.get("/campaigns/{job_id}", response_model=CampaignDetail, responses=READ, tags=["campaigns"])
def campaign_status(job_id: JobId, who: Viewer, desk: Desk) -> CampaignDetail:
    """State, phase or failure reason, counts, cost, runs and bundles of one campaign."""
    _known(desk, job_id)
    return campaigns.campaign_item(desk, job_id, detail=True)  # type: ignore[return-value]


@router.get("/campaigns/{job_id}/creatives", response_model=CreativeList, responses=READ, tags=["creatives"])
def campaign_results(
    job_id: JobId, who: Viewer, desk: Desk, filter: Annotated[Filter, Query()] = "all"
) -> CreativeList:
    """The creatives with image URLs (every rendition), verdicts, reasons, copy, costs, decisions."""
    _known(desk, job_id)
    shown = views.creative_views(desk, job_id)
    return CreativeList(
        job_id=job_id,
        filter=filter,
        counts=views.counts_of(shown),
        items=[v for v in shown if views.matches(v, filter)],
    )


@router.post(
    "/campaigns/{job_id}/approve-passed", response_model=BulkResult, responses=WRITE, tags=["decisions"]
)
def approve_passed(job_id: JobId, body: BulkApproveRequest, who: Reviewer, desk: Desk) -> BulkResult:
    """Approve in bulk: the listed creatives, or every one that passed its gates and needs review.
    Creatives that failed their gates are skipped (each needs its own override)."""
    _known(desk, job_id)
    return review.approve_passed(desk, who, job_id, body.creative_ids, body.note)


@router.get("/campaigns/{job_id}/bundles", response_model=list[BundleInfo], responses=READ, tags=["bundles"])
def list_bundles(job_id: JobId, who: Viewer, desk: Desk) -> list[BundleInfo]:
    """Export bundles being built and built, newest first, with their download URLs."""
    return campaigns.campaign_item(desk, _known(desk, job_id), detail=True).bundles  # type: ignore[union-attr]


@router.post(
    "/campaigns/{job_id}/bundles",
    status_code=202,
    response_model=RunInfo,
    responses=LAUNCH,
    tags=["bundles"],
)
def build_bundle(job_id: JobId, body: BundleRequest, who: Reviewer, desk: Desk) -> RunInfo:
    """Build a fresh export ZIP (approved only, or all that passed) with today's decisions: launches
    the roll-up through Dagster; poll `GET /runs/{run_id}` or the bundles list for the download."""
    _known(desk, job_id)
    return run_status(bundles.build(desk, who, job_id, body.selection), who, desk)


@router.get(
    "/campaigns/{job_id}/bundles/{run_id}.zip",
    response_class=Response,
    responses={**ZIP, **READ},
    tags=["bundles"],
)
def download_bundle(job_id: JobId, run_id: RunId, who: Viewer, desk: Desk) -> Response:
    """The ZIP that run built: a folder per format, captions per variant and locale, the manifest."""
    data = bundles.download(desk, _known(desk, job_id), run_id)
    name = bundles.download_name(desk, job_id, run_id)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": IMMUTABLE}
    return Response(data, media_type="application/zip", headers=headers)


@router.get("/creatives/{creative_id}", response_model=CreativeOut, responses=READ, tags=["creatives"])
def creative(creative_id: CreativeId, who: Viewer, desk: Desk) -> CreativeOut:
    return views.one_view(desk, creative_id)


@router.post(
    "/creatives/{creative_id}/approve", response_model=DecisionResult, responses=WRITE, tags=["decisions"]
)
def approve(creative_id: CreativeId, body: ApproveRequest, who: Reviewer, desk: Desk) -> DecisionResult:
    """Approve for publication. A creative that failed its gates needs `override: true` (409
    `override_required` otherwise), and the decision records the override."""
    return review.decide(desk, who, creative_id, "approved", body.note, body.override)


@router.post(
    "/creatives/{creative_id}/reject", response_model=DecisionResult, responses=WRITE, tags=["decisions"]
)
def reject(creative_id: CreativeId, body: RejectRequest, who: Reviewer, desk: Desk) -> DecisionResult:
    return review.decide(desk, who, creative_id, "rejected", body.note)


@router.post(
    "/creatives/{creative_id}/request-changes",
    status_code=202,
    response_model=DecisionResult,
    responses=LAUNCH,
    tags=["decisions"],
)
def request_changes(
    creative_id: CreativeId, body: ChangeRequest, who: Reviewer, desk: Desk
) -> DecisionResult:
    """Send the creative back: launches its regeneration through Dagster (a new attempt, or a new
    picture with a new seed) and records the request, with the run, in its history."""
    mode = None if body.mode == "auto" else body.mode
    return review.ask_for_changes(desk, who, creative_id, body.note, mode)


class Rendition(NamedTuple):
    image: images.StoredImage
    headers: dict[str, str]


def rendition(
    creative_id: CreativeId, format_slug: FormatSlug, locale: Locale, desk: Desk, run: RunQuery = None
) -> Rendition:
    """The stored rendition a URL names, and its cache headers: a URL that names its run never
    changes; the current version is revalidated by ETag."""
    image = images.locate(desk, creative_id, format_slug, locale, run)
    cache = IMMUTABLE if run else "private, no-cache"
    return Rendition(image, {"Cache-Control": cache, "ETag": f'"{image.sha256[:32]}"'})


Located = Annotated[Rendition, Depends(rendition)]


@router.get(
    "/creatives/{creative_id}/renditions/{format_slug}/{locale}.png",
    response_class=Response,
    responses={**PNG, **READ},
    tags=["creatives"],
)
def rendition_png(who: Viewer, found: Located, desk: Desk) -> Response:
    """One rendition at full size, as stored (the viewer is checked before the lookup)."""
    return Response(images.png(desk, found.image), media_type="image/png", headers=found.headers)


@router.get(
    "/creatives/{creative_id}/renditions/{format_slug}/{locale}.jpg",
    response_class=Response,
    responses={**JPEG, **READ},
    tags=["creatives"],
)
def rendition_jpeg(
    request: Request,
    who: Viewer,  # before `found`: the viewer is checked before anything is looked up
    found: Located,
    desk: Desk,
    width: Annotated[int, Query(ge=16, le=1920, description="pixels; served at the next offered size")] = 480,
) -> Response:
    """One rendition scaled to `width` pixels, as a JPEG for grids."""
    data = request.app.state.desk.thumbnails.get(desk, found.image, width)
    return Response(data, media_type="image/jpeg", headers=found.headers)


@router.get("/runs/{run_id}", response_model=RunInfo, responses=READ, tags=["campaigns"])
def run_status(run_id: RunId, who: Viewer, desk: Desk) -> RunInfo:
    """A run the desk launched (or any other): its status, in Dagster's words."""
    records = desk.instance.get_run_records(filters=dg.RunsFilter(run_ids=[run_id]), limit=1)
    if not records:
        raise CreativeAssetsError("unknown_run", f"there is no run {run_id} on this instance")
    return campaigns.run_info(desk, records[0])


def _known(desk: Backend, job_id: str) -> str:
    return campaigns.require_known(desk, job_id)

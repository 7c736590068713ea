"""The pages: server-rendered HTML over the same functions as the API (`review`, `campaigns`,
`bundles`), so nothing can be done here that the API cannot do. Forms post back here and
redirect (they work without JavaScript); `static/desk.js` only adds zoom, the rendition switch
and live updates while runs are under way."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from creative_assets.desk import bundles, campaigns, review
from creative_assets.desk.auth import Principal
from creative_assets.desk.dagster_client import REGENERATES_WHOLE_VARIANT
from creative_assets.desk.schemas import FILTERS, Filter
from creative_assets.desk.verdicts import GATE_OUTCOME_LABEL, REVIEW_LABEL
from creative_assets.errors import CreativeAssetsError
from creative_assets.models.approvals import ChangeMode

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
FILTER_LABEL = {
    "all": "All",
    "needs_review": "Needs review",
    "passed": "Passed",
    "failed": "Failed",
    "approved": "Approved",
    "rejected": "Rejected",
    "changes_requested": "Changes requested",
    "fallback": "Made by a fallback",
}
IMAGE_TYPE_LABEL = {
    "job_focus": "Job focus",
    "lifestyle": "Lifestyle",
    "artistic": "Artistic",
    "location": "Location",
}
STATE_LABEL = {
    "not_started": "Not started",
    "queued": "Queued",
    "running": "Running",
    "incomplete": "Incomplete",
    "done": "Done",
    "failed": "Failed",
}


def ago(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    seconds = (datetime.now(UTC) - moment).total_seconds()
    for limit, unit, size in ((60, "s", 1), (3600, "min", 60), (86400, "h", 3600), (86400 * 60, "d", 86400)):
        if seconds < limit:
            return "just now" if seconds < 10 else f"{int(seconds // size)} {unit} ago"
    return moment.strftime("%Y-%m-%d")


templates.env.filters["ago"] = ago
templates.env.filters["usd"] = lambda v: f"${v:,.2f}" if v >= 0.01 or v == 0 else f"${v:.4f}"
templates.env.filters["mb"] = lambda v: f"{(v or 0) / 1e6:.1f} MB"
templates.env.globals.update(
    REGENERATES_WHOLE_VARIANT=REGENERATES_WHOLE_VARIANT,
    FILTER_LABEL=FILTER_LABEL,
    IMAGE_TYPE_LABEL=IMAGE_TYPE_LABEL,
    STATE_LABEL=STATE_LABEL,
    GATE_OUTCOME_LABEL=GATE_OUTCOME_LABEL,
    REVIEW_LABEL=REVIEW_LABEL,
)


def _who(request: Request) -> Principal | None:
    try:
        return request.app.state.auth.identify(request)
    except CreativeAssetsError:
        return None


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    auth = request.app.state.auth
    flashes = request.session.pop("flash", [])
    return templates.TemplateResponse(
        request,
        name,
        {
            "who": _who(request),
            "csrf": auth.csrf_token(request),
            "flashes": flashes,
            "ui_url": request.app.state.settings.ui_url,
            **context,
        },
        status_code=status,
    )


def error_page(request: Request, code: str, message: str) -> HTMLResponse:
    from creative_assets.desk.errors import status_of

    return render(request, "error.html", status_of(code), code=code, message=message)


def flash(request: Request, kind: str, text: str) -> None:
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _desk(request: Request):
    return request.app.state.desk


# --- signing in ------------------------------------------------------------------------------
@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(
        request, "login.html", next=_local(next), embedded=request.app.state.auth.embedded is not None
    )


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    auth = request.app.state.auth
    try:
        auth.check_csrf(request, csrf_token)
        user = auth.check_password(username, password)
    except CreativeAssetsError as exc:
        return render(
            request,
            "login.html",
            401,
            next=_local(next),
            error=exc.message,
            username=username,
            embedded=auth.embedded is not None,
        )
    auth.sign_in(request, user)
    return back(_local(next))


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    request.app.state.auth.check_csrf(request, csrf_token)
    request.app.state.auth.sign_out(request)
    return back("/login")


def _local(url: str) -> str:
    """Only paths on this site: a `next` that names another host would be an open redirect."""
    return url if url.startswith("/") and not url.startswith("//") else "/"


# --- campaigns -------------------------------------------------------------------------------
@router.get("/")
def campaigns_page(request: Request, offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    request.app.state.auth.viewer(request)
    page = campaigns.list_campaigns(_desk(request).backend, offset, 50)
    return render(request, "campaigns.html", page=page, title="Campaigns")


@router.post("/campaigns/start")
def start_campaign(
    request: Request, job_id: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = ""
) -> Response:
    try:
        who = request.app.state.auth.reviewer(request, csrf_token)
        result = campaigns.start(_desk(request).backend, who, job_id)
    except CreativeAssetsError as exc:
        flash(request, "error", f"[{exc.code}] {exc.message}")
        return back("/")
    flash(request, "ok" if result.started else "info", result.message)
    return back(result.url)


@router.get("/campaigns/{job_id}")
def campaign_page(
    request: Request, job_id: str, filter: Annotated[str, Query()] = "needs_review"
) -> Response:
    request.app.state.auth.viewer(request)
    backend = _desk(request).backend
    if job_id not in campaigns.known_jobs(backend):
        raise CreativeAssetsError(
            "unknown_job", f"{job_id} has no campaign here and the job source does not offer it"
        )
    which: Filter = filter if filter in FILTERS else "all"  # type: ignore[assignment]
    views = review.creative_views(backend, job_id)
    detail = campaigns.campaign_item(backend, job_id, detail=True, views=views)
    if which == "needs_review" and not any(review.matches(v, which) for v in views):
        which = "all"  # nothing left to review: show everything rather than an empty page
    shown = [v for v in views if review.matches(v, which)]
    counts = {f: sum(review.matches(v, f) for v in views) for f in FILTERS}  # type: ignore[arg-type]
    approvable = sum(v.review == "needs_review" and v.gate_outcome != "failed" for v in views)
    return render(
        request,
        "campaign.html",
        c=detail,
        views=shown,
        filter=which,
        counts=counts,
        approvable=approvable,
        title=detail.title or job_id,
    )


@router.get("/campaigns/{job_id}/creatives/{creative_id}")
def creative_page(request: Request, job_id: str, creative_id: str) -> Response:
    request.app.state.auth.viewer(request)
    view = review.one_view(_desk(request).backend, creative_id)
    if view.job_id != job_id:
        raise CreativeAssetsError("unknown_creative", f"{creative_id} is not a creative of {job_id}")
    return render(request, "creative.html", v=view, title=creative_id)


@router.get("/campaigns/{job_id}/creatives/{creative_id}/card")
def creative_card(request: Request, job_id: str, creative_id: str, next: str = "") -> Response:
    """One card with the messages of the last action: what the page's script swaps in after a
    decision, instead of reloading twenty creatives."""
    request.app.state.auth.viewer(request)
    view = review.one_view(_desk(request).backend, creative_id)
    return render(
        request, "card_fragment.html", v=view, next=_local(next) if next else f"/campaigns/{job_id}"
    )


# --- deciding --------------------------------------------------------------------------------
@router.post("/campaigns/{job_id}/creatives/{creative_id}/decide")
def decide(
    request: Request,
    job_id: str,
    creative_id: str,
    action: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    override: Annotated[bool, Form()] = False,
    mode: Annotated[str, Form()] = "auto",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    target = _local(next) if next else f"/campaigns/{job_id}"
    target += f"#card-{quote(creative_id)}" if "#" not in target else ""
    try:
        who = request.app.state.auth.reviewer(request, csrf_token)
        backend = _desk(request).backend
        if action == "approve":
            review.decide(backend, who, creative_id, "approved", note, override)
            flash(
                request,
                "ok",
                f"{creative_id} approved" + (" (override: it failed its gates)" if override else ""),
            )
        elif action == "reject":
            review.decide(backend, who, creative_id, "rejected", note)
            flash(request, "ok", f"{creative_id} rejected")
        elif action == "request_changes":
            chosen: ChangeMode | None = mode if mode in ("new_attempt", "new_picture") else None  # type: ignore[assignment]
            result = review.ask_for_changes(backend, who, creative_id, note, chosen)
            what = "a new picture" if result.decision.mode == "new_picture" else "a new attempt"
            flash(
                request,
                "ok",
                f"changes requested on {creative_id}: {what} is coming (run {result.decision.run_id[:8]})",
            )
        else:
            raise CreativeAssetsError("invalid_decision", f"{action!r} is not something the desk can do")
    except CreativeAssetsError as exc:
        flash(request, "error", f"{creative_id}: [{exc.code}] {exc.message}")
    return back(target)


@router.post("/campaigns/{job_id}/approve-passed")
def approve_passed(
    request: Request,
    job_id: str,
    csrf_token: Annotated[str, Form()] = "",
    creative_ids: Annotated[list[str] | None, Form()] = None,
    filter: Annotated[str, Form()] = "all",
) -> Response:
    try:
        who = request.app.state.auth.reviewer(request, csrf_token)
        result = review.approve_passed(_desk(request).backend, who, job_id, creative_ids or None)
        skipped = f"; {len(result.skipped)} skipped" if result.skipped else ""
        flash(request, "ok", f"approved {len(result.approved)} creatives{skipped}")
    except CreativeAssetsError as exc:
        flash(request, "error", f"[{exc.code}] {exc.message}")
    return back(f"/campaigns/{job_id}?filter={quote(filter)}")


@router.post("/campaigns/{job_id}/bundles")
def build_bundle(
    request: Request,
    job_id: str,
    selection: Annotated[str, Form()] = "approved",
    csrf_token: Annotated[str, Form()] = "",
    filter: Annotated[str, Form()] = "needs_review",
) -> Response:
    try:
        who = request.app.state.auth.reviewer(request, csrf_token)
        chosen = "passed" if selection == "passed" else "approved"
        run_id = bundles.build(_desk(request).backend, who, job_id, chosen)
        flash(
            request,
            "ok",
            f"building the ZIP ({'approved only' if chosen == 'approved' else 'all that passed'}): "
            f"run {run_id[:8]}",
        )
    except CreativeAssetsError as exc:
        flash(request, "error", f"[{exc.code}] {exc.message}")
    return back(f"/campaigns/{job_id}?filter={quote(filter)}#ship")

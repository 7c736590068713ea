"""The pages: server-rendered HTML over the same functions as the API (`views`, `review`,
`campaigns`, `bundles`), so nothing can be done here that the API cannot do. Forms post back here
and redirect (they work without JavaScript); `static/desk.js` only adds zoom, the rendition
switch, decisions that update one card, and live updates while runs are under way."""

from __future__ import annotations

from collections import Counter
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from creative_assets.desk import bundles, campaigns, review, views
from creative_assets.desk.rendering import SELECTION_LABEL, back, backend_of, flash, local, render
from creative_assets.desk.schemas import FILTERS, BulkResult, Filter
from creative_assets.desk.verdicts import passed
from creative_assets.errors import CreativeAssetsError
from creative_assets.models.approvals import ChangeMode

router = APIRouter(include_in_schema=False)


# --- signing in ------------------------------------------------------------------------------
@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(
        request, "login.html", next=local(next), embedded=request.app.state.auth.embedded is not None
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
            next=local(next),
            error=exc.message,
            username=username,
            embedded=auth.embedded is not None,
        )
    auth.sign_in(request, user)
    return back(local(next))


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    request.app.state.auth.check_csrf(request, csrf_token)
    request.app.state.auth.sign_out(request)
    return back("/login")


# --- campaigns -------------------------------------------------------------------------------
@router.get("/")
def campaigns_page(request: Request, offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    request.app.state.auth.viewer(request)
    page = campaigns.list_campaigns(backend_of(request), offset, 50)
    return render(request, "campaigns.html", page=page, title="Campaigns")


@router.post("/campaigns/start")
def start_campaign(
    request: Request, job_id: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = ""
) -> Response:
    try:
        who = request.app.state.auth.reviewer(request, csrf_token)
        result = campaigns.start(backend_of(request), who, job_id)
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
    backend = backend_of(request)
    campaigns.require_known(backend, job_id)
    which: Filter = filter if filter in FILTERS else "all"  # type: ignore[assignment]
    made = views.creative_views(backend, job_id)
    detail = campaigns.campaign_item(backend, job_id, detail=True, views=made)
    if which == "needs_review" and not any(views.matches(v, which) for v in made):
        which = "all"  # nothing left to review: show everything rather than an empty page
    shown = [v for v in made if views.matches(v, which)]
    counts = {f: sum(views.matches(v, f) for v in made) for f in FILTERS}  # type: ignore[arg-type]
    approvable = sum(v.review == "needs_review" and passed(v.gate_outcome) for v in made)
    # What each ZIP would hold with today's decisions, as the manifest will decide it.
    ships = {selection: sum(views.ships(v, selection) for v in made) for selection in ("approved", "passed")}
    return render(
        request,
        "campaign.html",
        c=detail,
        views=shown,
        filter=which,
        counts=counts,
        approvable=approvable,
        ships=ships,
        title=detail.title or job_id,
    )


@router.get("/campaigns/{job_id}/creatives/{creative_id}")
def creative_page(request: Request, job_id: str, creative_id: str) -> Response:
    request.app.state.auth.viewer(request)
    view = views.one_view(backend_of(request), creative_id)
    if view.job_id != job_id:
        raise CreativeAssetsError("unknown_creative", f"{creative_id} is not a creative of {job_id}")
    return render(request, "creative.html", v=view, title=creative_id)


@router.get("/campaigns/{job_id}/creatives/{creative_id}/card")
def creative_card(request: Request, job_id: str, creative_id: str, next: str = "") -> Response:
    """One card with the messages of the last action: what the page's script swaps in after a
    decision, instead of reloading twenty creatives."""
    request.app.state.auth.viewer(request)
    view = views.one_view(backend_of(request), creative_id)
    return render(request, "card_fragment.html", v=view, next=local(next) if next else f"/campaigns/{job_id}")


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
    target = local(next) if next else f"/campaigns/{job_id}"
    target += f"#card-{quote(creative_id)}" if "#" not in target else ""
    try:
        who = request.app.state.auth.reviewer(request, csrf_token)
        backend = backend_of(request)
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
        result = review.approve_passed(backend_of(request), who, job_id, creative_ids or None)
        flash(request, "ok", bulk_message(result))
    except CreativeAssetsError as exc:
        flash(request, "error", f"[{exc.code}] {exc.message}")
    return back(f"/campaigns/{job_id}?filter={quote(filter)}")


def bulk_message(result: BulkResult) -> str:
    """What a bulk approval did, and why the rest were left (grouped by the reason's first words)."""
    approved = len(result.approved)
    text = f"approved {approved} creative{'' if approved == 1 else 's'}"
    why = Counter(reason.split(":", 1)[0] for reason in result.skipped.values())
    return text + ("; skipped " + ", ".join(f"{n} {reason}" for reason, n in why.items()) if why else "")


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
        run_id = bundles.build(backend_of(request), who, job_id, chosen)
        flash(
            request,
            "ok",
            f"building the ZIP ({SELECTION_LABEL[chosen]}): run {run_id[:8]}",
        )
    except CreativeAssetsError as exc:
        flash(request, "error", f"[{exc.code}] {exc.message}")
    return back(f"/campaigns/{job_id}?filter={quote(filter)}#ship")

"""What every page shares: the templates with their filters and labels, rendering with the
signed-in person and the CSRF token, messages carried over a redirect, and safe redirects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from creative_assets.desk.auth import Principal
from creative_assets.desk.backend import Backend
from creative_assets.desk.errors import status_of
from creative_assets.desk.verdicts import GATE_OUTCOME_LABEL, REVIEW_LABEL
from creative_assets.errors import CreativeAssetsError

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
# What each export ZIP holds (views.ships): a reviewer's approval, or the gates' pass.
SELECTION_LABEL = {"approved": "approved only", "passed": "all that passed or were approved"}
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
    FILTER_LABEL=FILTER_LABEL,
    SELECTION_LABEL=SELECTION_LABEL,
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
    return render(request, "error.html", status_of(code), code=code, message=message)


def flash(request: Request, kind: str, text: str) -> None:
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def local(url: str) -> str:
    """Only paths on this site: a `next` that names another host would be an open redirect.
    Browsers read a backslash as a slash and drop tabs and newlines, so `/\\host` is `//host`."""
    seen = "".join(ch for ch in url if ch not in "\t\r\n").replace("\\", "/")
    return seen if seen.startswith("/") and not seen.startswith("//") else "/"


def backend_of(request: Request) -> Backend:
    return request.app.state.desk.backend

"""The desk's ASGI application: the API, the pages, the static files and the API's docs, all
served from this process (nothing loads from the internet: Swagger UI comes from the
fastapi-offline package, which bundles Swagger UI 5 for OpenAPI 3.1)."""

from __future__ import annotations

import importlib.resources
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from creative_assets.desk import api, pages, rendering
from creative_assets.desk.auth import Authenticator
from creative_assets.desk.backend import Backend, open_backend
from creative_assets.desk.errors import coded_error, http_error, invalid_request
from creative_assets.desk.images import Thumbnails
from creative_assets.desk.settings import DeskSettings
from creative_assets.errors import CreativeAssetsError

HERE = Path(__file__).parent
SWAGGER_UI = importlib.resources.files("fastapi_offline") / "static"
SESSION_COOKIE = "desk_session"


@dataclass
class DeskState:
    settings: DeskSettings
    auth: Authenticator
    backend: Backend
    thumbnails: Thumbnails


def create_app(
    settings: DeskSettings | None = None,
    backend_factory: Callable[[DeskSettings], AbstractContextManager[Backend]] = open_backend,
) -> FastAPI:
    settings = settings or DeskSettings()
    settings.check_production()
    auth = Authenticator(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with backend_factory(settings) as backend:
            app.state.desk = DeskState(settings, auth, backend, Thumbnails())
            yield

    app = FastAPI(
        title="Creative assets review desk",
        version="1",
        summary="Judge, approve, reject or send back a campaign's creatives, and download what ships.",
        description=(
            "Reads need a viewer's credentials, writes a reviewer's: `Authorization: Bearer <token>` "
            "(tokens are configured per user), or the desk's session cookie plus its CSRF token in "
            '`X-CSRF-Token`. Errors are `{"error": {"code": …, "message": …}}` with the codes the '
            "`creative-assets` command line prints."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.auth = auth
    secret = settings.secret_key.get_secret_value() if settings.secret_key else secrets.token_urlsafe(32)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.mount("/static/swagger", StaticFiles(directory=str(SWAGGER_UI)), name="swagger")
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Review desk API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    async def on_coded(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return await coded_error(request, exc)
        assert isinstance(exc, CreativeAssetsError)
        if exc.code in ("not_signed_in", "invalid_credentials"):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return rendering.error_page(request, exc.code, exc.message)

    async def on_http(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return await http_error(request, exc)
        assert isinstance(exc, StarletteHTTPException)
        return rendering.error_page(
            request, "not_found" if exc.status_code == 404 else "http_error", str(exc.detail)
        )

    async def on_invalid(request: Request, exc: Exception) -> Response:
        if _wants_json(request):
            return await invalid_request(request, exc)
        return rendering.error_page(request, "invalid_request", "that address or form is not valid")

    app.add_exception_handler(CreativeAssetsError, on_coded)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_invalid)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")

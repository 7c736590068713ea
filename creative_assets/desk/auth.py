"""Who may do what. Nobody uses the desk anonymously: a person signs in with a configured name
and password (argon2, via pwdlib) and gets a signed session cookie (Starlette's
SessionMiddleware); a program sends `Authorization: Bearer <token>` (tokens are configured as
their SHA-256 only); behind a trusted reverse proxy, and only when configured, an identity header
names the person. Viewers read; reviewers also decide, request changes, start campaigns and
build bundles.

CSRF: a request that a browser authenticates by itself (the session cookie, or a proxy that adds
the identity header) must prove it came from our page: forms carry the session's token in a
hidden field, scripts in the `X-CSRF-Token` header. Requests with a bearer token are exempt (a
browser never adds one on its own). Hand-written because the token already lives in the signed
session: a synchronizer token is a comparison here, where the CSRF middlewares on PyPI either
read only a header (starlette-csrf) or buffer and re-parse every request body (asgi-csrf).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from pwdlib import PasswordHash

from creative_assets.desk.settings import DeskSettings, Role, UserConfig
from creative_assets.errors import CreativeAssetsError

CSRF_HEADER = "X-CSRF-Token"
EMBEDDED_USER = "reviewer"
_hasher = PasswordHash.recommended()
# Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


@dataclass(frozen=True)
class Principal:
    name: str
    label: str
    role: Role
    via: Literal["session", "token", "proxy"]

    @property
    def may_decide(self) -> bool:
        return self.role == "reviewer"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "cad_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class EmbeddedCredentials:
    """The local reviewer of the zero-key default, made at start and printed once."""

    name: str
    password: str
    token: str


class Authenticator:
    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings
        users = list(settings.all_users)
        self.embedded: EmbeddedCredentials | None = None
        if settings.embedded:
            self.embedded = EmbeddedCredentials(EMBEDDED_USER, secrets.token_urlsafe(9), new_token())
            users.append(
                UserConfig(
                    name=EMBEDDED_USER,
                    display_name="Local reviewer",
                    role="reviewer",
                    password_hash=hash_password(self.embedded.password),
                    token_sha256=[token_digest(self.embedded.token)],
                )
            )
        self.users = {u.name: u for u in users}
        self.tokens = {digest: u for u in users for digest in u.token_sha256}

    # --- signing in -----------------------------------------------------------------------------
    def check_password(self, name: str, password: str) -> UserConfig:
        user = self.users.get(name.strip())
        stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
        valid = _hasher.verify(password, stored)
        if user is None or not user.password_hash or not valid:
            raise CreativeAssetsError("invalid_credentials", "that name and password do not match")
        return user

    def sign_in(self, request: Request, user: UserConfig) -> None:
        request.session.clear()
        request.session.update({"user": user.name, "csrf": secrets.token_urlsafe(24)})

    @staticmethod
    def sign_out(request: Request) -> None:
        request.session.clear()

    # --- who is asking ----------------------------------------------------------------------
    def identify(self, request: Request) -> Principal | None:
        """The bearer token if one is sent (a wrong one is refused, never passed over), else the
        trusted proxy's header, else the session."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            user = self.tokens.get(token_digest(token.strip()))
            if user is None:
                raise CreativeAssetsError("invalid_credentials", "that API token is not configured")
            return Principal(user.name, user.label, user.role, "token")
        header = self.settings.proxy_user_header
        client = request.client.host if request.client else ""
        if header and client in self.settings.trusted_proxies and (name := request.headers.get(header)):
            user = self.users.get(name)
            role = user.role if user else self.settings.proxy_role
            return Principal(name, user.label if user else name, role, "proxy")
        name = request.session.get("user")
        if name and (user := self.users.get(name)):
            return Principal(user.name, user.label, user.role, "session")
        return None

    def viewer(self, request: Request) -> Principal:
        principal = self.identify(request)
        if principal is None:
            raise CreativeAssetsError("not_signed_in", "sign in first (a session, or a bearer API token)")
        return principal

    def reviewer(self, request: Request, form_token: str | None = None) -> Principal:
        """A reviewer, whose request (when the browser authenticated it) carries the CSRF token."""
        principal = self.viewer(request)
        if not principal.may_decide:
            raise CreativeAssetsError(
                "forbidden", f"{principal.label} may view but not decide: that needs the reviewer role"
            )
        if principal.via != "token":
            self.check_csrf(request, form_token)
        return principal

    # --- CSRF ---------------------------------------------------------------------------------
    @staticmethod
    def csrf_token(request: Request) -> str:
        """The session's token, made on first use (a proxy-authenticated browser has a session
        for it too)."""
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(24)
        return token

    @staticmethod
    def check_csrf(request: Request, form_token: str | None) -> None:
        expected = request.session.get("csrf", "")
        sent = form_token or request.headers.get(CSRF_HEADER, "")
        if not expected or not sent or not hmac.compare_digest(expected, sent):
            raise CreativeAssetsError(
                "csrf_failed",
                "this form is out of date or came from another site: reload the page and try again",
            )

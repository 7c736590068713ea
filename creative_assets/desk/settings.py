"""The desk's settings, from the environment in one typed place (prefix `CREATIVE_ASSETS_DESK_`):

    CREATIVE_ASSETS_DESK_HOST / _PORT          where it listens (127.0.0.1:3100)
    CREATIVE_ASSETS_DESK_DAGSTER_URL           the Dagster webserver it launches runs through
                                               (its GraphQL API; http://127.0.0.1:3000)
    CREATIVE_ASSETS_DESK_DAGSTER_UI_URL        the address people open the Dagster UI at, for
                                               lineage links (default: the DAGSTER_URL)
    CREATIVE_ASSETS_DESK_SECRET_KEY            signs the session cookies; required once users
                                               are configured (unset: a random key per start)
    CREATIVE_ASSETS_DESK_USERS_FILE            a JSON file {"users": [...]}, see UserConfig
    CREATIVE_ASSETS_DESK_USERS                 the same list as JSON, inline
    CREATIVE_ASSETS_DESK_PROXY_USER_HEADER     trust this header (e.g. X-Forwarded-User) for who
                                               is signed in, only from TRUSTED_PROXIES
    CREATIVE_ASSETS_DESK_PROXY_ROLE            the role of a proxy user not in the users list
    CREATIVE_ASSETS_DESK_TRUSTED_PROXIES       JSON list of client addresses allowed to send it
    CREATIVE_ASSETS_DESK_COOKIE_SECURE         true behind HTTPS

The Dagster instance (DAGSTER_HOME), the storage (CREATIVE_ASSETS_STORAGE_URL, S3), the job source
and the ledger are the code location's own settings, read the same way it reads them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from creative_assets.errors import CreativeAssetsError

Role = Literal["viewer", "reviewer"]
ENV_PREFIX = "CREATIVE_ASSETS_DESK_"


class UserConfig(BaseModel):
    """One person or machine that may use the desk. Secrets are stored hashed only:
    `python -m creative_assets.desk hash-password` and `… new-token` print what goes here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80, pattern=r"^[\w.@+-]+$", description="sign-in name")
    display_name: str | None = Field(default=None, max_length=120, description="shown on decisions")
    role: Role = "viewer"
    password_hash: str | None = Field(default=None, description="argon2 hash of the password")
    token_sha256: list[str] = Field(
        default_factory=list, description="SHA-256 (hex) of each API token this user may present"
    )

    @field_validator("token_sha256")
    @classmethod
    def _hex_digests(cls, digests: list[str]) -> list[str]:
        for digest in digests:
            if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest.lower()):
                raise ValueError("token_sha256 holds SHA-256 hex digests (64 hex digits), not tokens")
        return [d.lower() for d in digests]

    @property
    def label(self) -> str:
        return self.display_name or self.name


class DeskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=3100, ge=1, le=65535)
    dagster_url: str = Field(default="http://127.0.0.1:3000", description="Dagster webserver (GraphQL)")
    dagster_ui_url: str | None = Field(default=None, description="public Dagster UI address for links")
    location_name: str = Field(default="creative_assets", description="the code location's name")
    repository_name: str = "__repository__"
    secret_key: SecretStr | None = None
    users_file: Path | None = None
    users: list[UserConfig] = Field(default_factory=list)
    proxy_user_header: str | None = None
    proxy_role: Role = "viewer"
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])
    cookie_secure: bool = False
    session_hours: float = Field(default=12, gt=0, le=24 * 30)

    _listed: list[UserConfig] = PrivateAttr(default_factory=list)

    def model_post_init(self, context: object, /) -> None:
        """Read the users file once; a user configured twice is an error, not a silent pick."""
        if self.users_file is not None:
            try:
                data = json.loads(self.users_file.read_text())
            except (OSError, ValueError) as exc:
                raise CreativeAssetsError(
                    "invalid_setting", f"{ENV_PREFIX}USERS_FILE={self.users_file}: cannot read it ({exc})"
                ) from None
            self._listed = [UserConfig.model_validate(u) for u in data.get("users", [])]
        names = [u.name for u in self.all_users]
        if len(set(names)) != len(names):
            raise CreativeAssetsError("invalid_setting", "a desk user is configured twice")

    @property
    def all_users(self) -> list[UserConfig]:
        """The users of USERS and of USERS_FILE."""
        return [*self.users, *self._listed]

    @property
    def embedded(self) -> bool:
        """No users and no proxy: the zero-key default, with a local reviewer made at start."""
        return not self.all_users and not self.proxy_user_header

    @property
    def ui_url(self) -> str:
        return (self.dagster_ui_url or self.dagster_url).rstrip("/")

    def check_production(self) -> None:
        """Configured users need a stable session key: a random one would sign everybody out at
        every restart and differ between the desk's worker processes."""
        if not self.embedded and self.secret_key is None:
            raise CreativeAssetsError(
                "invalid_setting",
                f"set {ENV_PREFIX}SECRET_KEY when users or a proxy header are configured, e.g. to "
                "the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
            )

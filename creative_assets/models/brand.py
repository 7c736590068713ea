"""Brand identity (Firecrawl scrape of the company site, cached 90 days)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from creative_assets.models.base import Artifact, HexColor, Model

LOGO_FILE = "logo.png"


class LogoInfo(Model):
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    sha256: str
    source: str = Field(description="where the logo came from (URL or brand-kit path)")


class BrandIdentity(Artifact):
    """Colours, font and logo of the employer. `files` holds logo.png when there is a logo."""

    company_name: str
    primary_color: HexColor
    secondary_color: HexColor
    accent_color: HexColor
    text_color: HexColor = "#ffffff"
    font_family: str = "DejaVu Sans"
    logo: LogoInfo | None = None
    source: Literal["firecrawl", "brand_kit", "defaults"]
    fallback_reason: str | None = Field(default=None, description="why defaults were used, when they were")

    @property
    def logo_png(self) -> bytes | None:
        return self.files.get(LOGO_FILE) if self.logo else None

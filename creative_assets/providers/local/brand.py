"""Local brand identity: a brand-kit folder per company instead of scraping its website."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, ValidationError

from creative_assets.errors import describe_validation_error
from creative_assets.imaging.png import InvalidImageError, open_image, sha256, to_png
from creative_assets.models import BrandIdentity, JobPosting, LogoInfo
from creative_assets.models.brand import LOGO_FILE
from creative_assets.providers.base import BrandExtractor
from creative_assets.providers.local.paths import SAMPLE_BRANDS_DIR, slugify

DEFAULT_BRAND = {
    "primary_color": "#1f3a5f",
    "secondary_color": "#f4f1ea",
    "accent_color": "#f29e38",
    "text_color": "#ffffff",
}


def default_brand(company_name: str, reason: str) -> BrandIdentity:
    """Sane defaults (navy, warm white, orange CTA) when no brand could be found; says why."""
    return BrandIdentity(
        company_name=company_name,
        source="defaults",
        fallback_reason=reason,
        **DEFAULT_BRAND,
    )


class LocalBrandExtractor(BrandExtractor):
    """Reads `<folder>/<company-slug>/brand.json` and an optional `logo.png`."""

    folder: str = Field(default=str(SAMPLE_BRANDS_DIR), description="folder of brand kits")

    def extract(self, job: JobPosting) -> BrandIdentity:
        kit = Path(self.folder) / slugify(job.company_name)
        brand_file = kit / "brand.json"
        if not brand_file.is_file():
            return default_brand(job.company_name, f"no brand kit for {job.company_name!r} in {self.folder}")
        try:
            data = json.loads(brand_file.read_text())
            files: dict[str, bytes] = {}
            logo = None
            logo_path = kit / LOGO_FILE
            if logo_path.is_file():
                # Normalise to RGBA PNG once, so every later step can trust the logo bytes.
                png = to_png(open_image(logo_path.read_bytes(), what=f"logo {logo_path}").convert("RGBA"))
                width, height = open_image(png).size
                logo = LogoInfo(width=width, height=height, sha256=sha256(png), source=str(logo_path))
                files[LOGO_FILE] = png
            return BrandIdentity(**data, source="brand_kit", logo=logo, files=files)
        except (json.JSONDecodeError, ValidationError, InvalidImageError) as exc:
            detail = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            return default_brand(job.company_name, f"brand kit {kit} is unusable: {detail}")

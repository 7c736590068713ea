"""The company websites behind the simulated Firecrawl: the sample employers' brand colours
(others get colours derived from their host), the `branding` a scrape of them returns, and the
logo, favicon and preview images they serve, from their own web server."""

from __future__ import annotations

import colorsys
import functools
import io
import json
import zlib
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from PIL import Image

import creative_assets
from creative_assets_tests.provider_sim import images
from creative_assets_tests.provider_sim.config import FirecrawlSite
from creative_assets_tests.provider_sim.wire import Call, Response, Wire

SAMPLES = Path(creative_assets.__file__).resolve().parent / "sample_jobs"


class SiteWire(Wire):
    """The company's own web server: plain HTML error pages."""

    provider = "site"

    def error(self, status: int, kind: str, message: str) -> Response:
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        return Response(status, f"<html><body><h1>{status} {phrase}</h1></body></html>".encode(), "text/html")


SITE_WIRE = SiteWire()


def host_of(url: str) -> str:
    host = (urlparse(url).hostname or "").lower()
    return host.removeprefix("www.")


@functools.cache
def _sample_brands() -> dict[str, dict[str, Any]]:
    """Brand kits of the sample employers, by website host: their scrape shows their colours."""
    kits = {}
    for path in SAMPLES.glob("brands/*/brand.json"):
        kit = json.loads(path.read_text(encoding="utf-8"))
        kits[kit.get("company_name")] = kit
    by_host = {}
    for path in SAMPLES.glob("jobs/*.json"):
        job = json.loads(path.read_text(encoding="utf-8"))
        if job.get("company_website") and job.get("company_name") in kits:
            by_host[host_of(job["company_website"])] = kits[job["company_name"]]
    return by_host


def _hex(h: float, s: float, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h % 1.0, lightness, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def company_of(host: str) -> str:
    return " ".join(p.capitalize() for p in host.split(".")[0].split("-")) or "Company"


def site_colors(host: str, site: FirecrawlSite) -> dict[str, str]:
    kit = _sample_brands().get(host)
    if kit:
        colors = {
            "primary": kit["primary_color"],
            "secondary": kit["secondary_color"],
            "accent": kit["accent_color"],
        }
    else:
        hue = (zlib.crc32(host.encode()) % 360) / 360
        colors = {
            "primary": _hex(hue, 0.6, 0.35),
            "secondary": _hex(hue, 0.35, 0.92),
            "accent": _hex(hue + 0.5, 0.7, 0.55),
        }
    colors.update(
        background="#ffffff", textPrimary="#1a1a1a", textSecondary="#555555", link=colors["primary"]
    )
    colors.update(site.colors or {})
    return colors


def branding(call: Call, host: str, site: FirecrawlSite) -> dict[str, Any]:
    if site.branding == "empty":
        return {
            "colorScheme": "light",
            "colors": {},
            "fonts": [],
            "typography": {},
            "images": {"logo": None, "favicon": None, "ogImage": None},
        }
    colors = site_colors(host, site)
    family = site.font_family or (_sample_brands().get(host) or {}).get("font_family") or "Inter"
    assets = f"{call.sim.base_url}/firecrawl-assets/{host}"
    return {
        "colorScheme": "light",
        "colors": colors,
        "fonts": [{"family": family}],
        "typography": {
            "fontFamilies": {"primary": family, "heading": family},
            "fontSizes": {"h1": "48px", "h2": "32px", "body": "16px"},
        },
        "spacing": {"baseUnit": 8, "borderRadius": "8px"},
        "components": {
            "buttonPrimary": {
                "background": colors.get("primary"),
                "textColor": "#ffffff",
                "borderRadius": "8px",
            }
        },
        "images": {
            "logo": f"{assets}/logo.png" if site.branding == "full" else None,
            "favicon": f"{assets}/favicon.png",
            "ogImage": f"{assets}/og.png",
        },
        "personality": {"tone": "professional", "energy": "medium", "targetAudience": "job seekers"},
    }


def asset(call: Call) -> Response:
    host, name = call.match["host"], call.match["name"]
    config = call.sim.config.firecrawl
    site = config.sites.get(host, config.default_site)
    if site.status_code >= 400 or site.branding == "empty" or (name == "logo" and site.branding != "full"):
        return SITE_WIRE.error(404, "not_found", "Not Found")
    primary = site_colors(host, site)["primary"]
    return Response(200, _asset_png(host, name, primary), "image/png")


@functools.lru_cache(maxsize=64)
def _asset_png(host: str, name: str, primary: str) -> bytes:
    if name == "og":
        return images.encode(images.base_image(host, zlib.crc32(host.encode()), 600, 320))[0]
    logo = images.logo_png(company_of(host), primary)
    if name == "favicon":
        with Image.open(io.BytesIO(logo)) as img:
            return images.encode(img.crop((0, 0, 160, 160)).resize((64, 64)))[0]
    return logo

"""Firecrawl POST /v1/scrape and /v2/scrape, and the simulated company websites' assets.

Firecrawl's semantics are kept: `success: false` only when Firecrawl itself fails; a target
site answering 404 is `success: true` with `metadata.statusCode: 404` (and is billed). The
`branding` format's logo URL points at a real transparent PNG served by the simulator (a
loopback URL: a client that refuses private addresses must be told to allow it in tests).
"""

from __future__ import annotations

import colorsys
import functools
import io
import json
import uuid
import zlib
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from PIL import Image

import creative_assets
from creative_assets_tests.provider_sim import images
from creative_assets_tests.provider_sim.config import FirecrawlSite
from creative_assets_tests.provider_sim.schema_fill import fill_schema
from creative_assets_tests.provider_sim.wire import (
    BadRequestBody,
    Call,
    Request,
    Response,
    Route,
    Wire,
    json_response,
    route,
)

SAMPLES = Path(creative_assets.__file__).resolve().parent / "sample_jobs"
FORMATS = (
    "markdown",
    "html",
    "rawHtml",
    "links",
    "screenshot",
    "screenshot@fullPage",
    "json",
    "extract",
    "changeTracking",
    "branding",
    "summary",
    "images",
)


class FirecrawlWire(Wire):
    provider = "firecrawl"

    def check_auth(self, req: Request, key: str | None) -> Response | None:
        if key is None:
            return None
        token = req.bearer()
        if token is None:
            return json_response({"success": False, "error": "Unauthorized"}, 401)
        if token != key:
            return json_response({"success": False, "error": "Unauthorized: Invalid token"}, 401)
        return None

    def error(self, status: int, kind: str, message: str) -> Response:
        if status >= 500:
            message = (
                "An unexpected error occurred. Please contact help@firecrawl.com for help. "
                f"Your exception ID is {uuid.uuid4().hex}"
            )
        return json_response({"success": False, "error": message}, status)


class SiteWire(Wire):
    """The company's own web server: plain HTML error pages."""

    provider = "site"

    def error(self, status: int, kind: str, message: str) -> Response:
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        return Response(status, f"<html><body><h1>{status} {phrase}</h1></body></html>".encode(), "text/html")


WIRE = FirecrawlWire()
SITE_WIRE = SiteWire()


def _bad_request(path: str, message: str, code: str = "custom") -> Response:
    detail = {"code": code, "message": message, "path": [path]}
    return json_response({"success": False, "error": "Bad Request", "details": [detail]}, 400)


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


def _branding(call: Call, host: str, site: FirecrawlSite) -> dict[str, Any]:
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


def _formats(body: dict[str, Any], version: str) -> tuple[set[str], dict[str, Any] | None] | Response:
    requested = body.get("formats", ["markdown"])
    if not isinstance(requested, list):
        return _bad_request("formats", "Expected array", "invalid_type")
    names, schema = set(), None
    for index, item in enumerate(requested):
        if isinstance(item, dict) and version == "v2":
            name = item.get("type")
            if name == "json" and isinstance(item.get("schema"), dict):
                schema = item["schema"]
        else:
            name = item
        if name not in FORMATS:
            return _bad_request(
                f"formats.{index}",
                f"Invalid enum value. Expected {' | '.join(FORMATS)}, received '{name}'",
                "invalid_enum_value",
            )
        names.add(name)
    options = body.get("jsonOptions") or body.get("extract") or {}
    if isinstance(options, dict) and isinstance(options.get("schema"), dict):
        schema = schema or options["schema"]
    return names, schema


def scrape(call: Call) -> Response:
    version = call.match["version"]
    try:
        body = call.req.json()
    except BadRequestBody:
        return json_response({"success": False, "error": "Bad Request: body is not valid JSON"}, 400)
    if not isinstance(body, dict):
        return _bad_request("", "Expected object", "invalid_type")
    url = body.get("url")
    if not isinstance(url, str) or urlparse(url).scheme not in ("http", "https") or not host_of(url):
        return _bad_request("url", "Invalid url", "invalid_string")
    parsed = _formats(body, version)
    if isinstance(parsed, Response):
        return parsed
    names, schema = parsed
    config = call.sim.config.firecrawl
    host = host_of(url)
    site = config.sites.get(host, config.default_site)
    company = company_of(host)
    title = site.title or f"Karriere bei {company}"
    metadata: dict[str, Any] = {
        "title": title,
        "description": f"Jobs und Karriere bei {company}.",
        "language": "de",
        "sourceURL": url,
        "url": url,
        "statusCode": site.status_code,
        "contentType": "text/html; charset=utf-8",
        "scrapeId": str(uuid.uuid4()),
        "proxyUsed": "basic",
        "cacheState": "miss",
        "creditsUsed": 1,
    }
    data: dict[str, Any] = {}
    if site.status_code >= 400:
        phrase = (
            HTTPStatus(site.status_code).phrase if site.status_code in HTTPStatus._value2member_map_ else ""
        )
        metadata.update(error=phrase, title=f"{site.status_code} {phrase}".strip())
        if "markdown" in names:
            data["markdown"] = f"# {site.status_code} {phrase}\n\nThe page you requested could not be found."
    else:
        markdown = f"# {title}\n\nWillkommen bei {company}. Wir suchen Menschen, die mit uns wachsen.\n"
        for name in names:
            if name == "markdown":
                data["markdown"] = markdown
            elif name in ("html", "rawHtml"):
                data[name] = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
            elif name == "links":
                data["links"] = [url.rstrip("/") + "/karriere", url.rstrip("/") + "/impressum"]
            elif name in ("json", "extract"):
                filled = fill_schema(
                    schema or {"type": "object", "properties": {"summary": {"type": "string"}}},
                    call.rng,
                    [company, *title.split()],
                )
                data["json" if version == "v2" or name == "json" else "extract"] = filled
            elif name == "branding":
                data["branding"] = _branding(call, host, site)
            elif name.startswith("screenshot"):
                data["screenshot"] = f"{call.sim.base_url}/firecrawl-assets/{host}/og.png"
            elif name == "summary":
                data["summary"] = f"{company} is an employer presenting its jobs and benefits."
            elif name == "images":
                data["images"] = [f"{call.sim.base_url}/firecrawl-assets/{host}/og.png"]
    data["metadata"] = metadata
    price = call.sim.config.prices.firecrawl_per_scrape
    return json_response({"success": True, "data": data}, billed_usd=price, units={"scrapes": 1})


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


def routes(prefix: str) -> list[Route]:
    return [
        route("POST", prefix + r"/(?P<version>v1|v2)/scrape", scrape, WIRE, "firecrawl.scrape"),
        route(
            "GET",
            r"/firecrawl-assets/(?P<host>[\w.-]+)/(?P<name>logo|favicon|og)\.png",
            asset,
            SITE_WIRE,
            "firecrawl.assets",
        ),
    ]

"""Firecrawl POST /v1/scrape and /v2/scrape (the company websites it scrapes: `firecrawl_sites.py`).

Firecrawl's semantics are kept: `success: false` only when Firecrawl itself fails; a target
site answering 404 is `success: true` with `metadata.statusCode: 404` (and is billed). The
`branding` format's logo URL points at a real transparent PNG served by the simulator (a
loopback URL: a client that refuses private addresses must be told to allow it in tests).
"""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import Any
from urllib.parse import urlparse

from creative_assets_tests.provider_sim.firecrawl_sites import SITE_WIRE, asset, branding, company_of, host_of
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


WIRE = FirecrawlWire()


def _bad_request(path: str, message: str, code: str = "custom") -> Response:
    detail = {"code": code, "message": message, "path": [path]}
    return json_response({"success": False, "error": "Bad Request", "details": [detail]}, 400)


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
                data["branding"] = branding(call, host, site)
            elif name.startswith("screenshot"):
                data["screenshot"] = f"{call.sim.base_url}/firecrawl-assets/{host}/og.png"
            elif name == "summary":
                data["summary"] = f"{company} is an employer presenting its jobs and benefits."
            elif name == "images":
                data["images"] = [f"{call.sim.base_url}/firecrawl-assets/{host}/og.png"]
    data["metadata"] = metadata
    price = call.sim.config.prices.firecrawl_per_scrape
    return json_response({"success": True, "data": data}, billed_usd=price, units={"scrapes": 1})


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

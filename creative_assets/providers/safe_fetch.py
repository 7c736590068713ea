"""Fetching an image from an untrusted URL (a logo a scraper found on an employer's website).

Only http(s); no credentials in the URL; the host is resolved and every address must be public
(no loopback, private, link-local, shared or reserved ranges: the classic SSRF targets such as
cloud metadata at 169.254.169.254) unless `allow_private_hosts` is set, which only tests should do,
or the URL is on `trusted_origin` and that origin is on loopback: a logo served by the configured
scraping service itself when it runs on this machine (the simulator, a local mock). Redirects
are followed by hand so every hop is checked again; the body is capped in bytes and in total
time; the bytes must decode as an image (decompression bombs are refused by `open_image` from
the header, before any pixel is allocated).

Residual risk, accepted: the address is checked at resolution and the connection resolves again
(DNS rebinding in between is not prevented; pinning the address would break TLS host checks).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import SplitResult, urljoin, urlsplit

import httpx
from PIL import Image

from creative_assets.imaging.png import InvalidImageError, open_image, sha256, to_png
from creative_assets.models import LogoInfo

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
LOGO_MAX_SIDE = 1024  # a logo is composited at ~14% of the creative's side; more is waste


class FetchRefused(ValueError):
    """The URL or what it served is not something we fetch or use; says why."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return address.is_global and not address.is_multicast


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def loopback_host(host: str) -> bool:
    """`localhost` or a loopback address, as written in a URL (not resolved)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _on_loopback_origin(parts: SplitResult, trusted_origin: str | None) -> bool:
    if not trusted_origin:
        return False
    trusted = urlsplit(trusted_origin)
    return loopback_host((trusted.hostname or "").lower()) and _origin(parts) == _origin(trusted)


def check_url(url: str, *, allow_private_hosts: bool, trusted_origin: str | None = None) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"only http(s) URLs are fetched, not {parts.scheme or 'a relative'} URL")
    if parts.username or parts.password:
        raise FetchRefused("URLs with credentials in them are not fetched")
    host = parts.hostname
    if not host:
        raise FetchRefused("the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise FetchRefused(f"host {host!r} does not resolve ({type(exc).__name__})") from None
    if allow_private_hosts or _on_loopback_origin(parts, trusted_origin):
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not _public(address):
            raise FetchRefused(
                f"host {host!r} resolves to the non-public address {address}; "
                "only public hosts are fetched (allow_private_hosts is for tests)"
            )


def fetch_bytes(
    url: str,
    *,
    allow_private_hosts: bool,
    max_bytes: int,
    timeout_s: float,
    trusted_origin: str | None = None,
) -> bytes:
    """The body of a 200 answer, at most `max_bytes`, within `timeout_s` overall."""
    deadline = time.monotonic() + timeout_s
    try:
        with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                check_url(url, allow_private_hosts=allow_private_hosts, trusted_origin=trusted_origin)
                with client.stream("GET", url, headers={"Accept": "image/*"}) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FetchRefused(f"the server answered HTTP {response.status_code}")
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise FetchRefused(f"it is {int(declared)} bytes; the limit is {max_bytes}")
                    data = bytearray()
                    for chunk in response.iter_bytes():
                        data += chunk
                        if len(data) > max_bytes:
                            raise FetchRefused(f"it is larger than the limit of {max_bytes} bytes")
                        if time.monotonic() > deadline:  # a trickling server must not hold the step
                            raise FetchRefused(f"it took longer than {timeout_s:g} s")
                    return bytes(data)
    except httpx.HTTPError as exc:
        raise FetchRefused(f"the download failed ({type(exc).__name__})") from None
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")


def fetch_logo(
    url: str,
    *,
    allow_private_hosts: bool,
    max_bytes: int = MAX_LOGO_BYTES,
    timeout_s: float = 10.0,
    trusted_origin: str | None = None,
) -> tuple[bytes, LogoInfo]:
    """A logo normalised to an RGBA PNG (at most LOGO_MAX_SIDE a side) and its info."""
    data = fetch_bytes(
        url,
        allow_private_hosts=allow_private_hosts,
        max_bytes=max_bytes,
        timeout_s=timeout_s,
        trusted_origin=trusted_origin,
    )
    try:
        img = open_image(data, what="logo").convert("RGBA")
    except InvalidImageError as exc:
        raise FetchRefused(str(exc)) from None
    img.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE), Image.Resampling.LANCZOS)
    png = to_png(img)
    return png, LogoInfo(width=img.width, height=img.height, sha256=sha256(png), source=url)

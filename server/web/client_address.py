"""Who is on the other end of a request: the one answer used by rate limits, the sign-in throttle, the
live feed's per-address cap, the audit log and the cookies' `Secure` flag.

Behind a reverse proxy (Caddy for booking from the internet) every request comes from the proxy's
address. Only when the peer is one of `[server] trusted_proxies` do its headers count: the client is
the right-most `X-Forwarded-For` hop that is not itself a trusted proxy (hops to its left are whatever
the client chose to send, so they are never believed), else `X-Real-IP`. From any other peer those
headers are ignored: a LAN guest cannot pretend to be many addresses, or another one.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from aiohttp import web

from server.keys import CONFIG, OFFICE_SETTINGS

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

TRUSTED_PROXIES = web.AppKey("trusted_proxies", tuple[Network, ...])


def _address(text: str) -> Address | None:
    """An address as a proxy writes it: bare, `1.2.3.4:5678` or `[::1]:5678`; None if it is none."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port (an IPv6 address has several colons)
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def _trusted(address: Address | None, proxies: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in proxies)


def _from_trusted_proxy(request: web.Request) -> bool:
    proxies = request.app[TRUSTED_PROXIES]
    return bool(proxies) and _trusted(_address(request.remote or ""), proxies)


def client_address(request: web.Request) -> str:
    """The client's address: the peer's, or the one a trusted proxy in front of us names."""
    remote = request.remote or "?"
    if not _from_trusted_proxy(request):
        return remote
    proxies = request.app[TRUSTED_PROXIES]
    hops = [h for header in request.headers.getall("X-Forwarded-For", []) for h in header.split(",") if h.strip()]
    nearest = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # a proxy that wrote nonsense: stop at the last address it vouched for
            return nearest
        if not _trusted(address, proxies):
            return str(address)
        nearest = str(address)
    if not hops:
        real = _address(request.headers.get("X-Real-IP", ""))
        if real is not None:
            return str(real)
    return nearest


def reached_over_https(request: web.Request) -> bool:
    """Whether the browser spoke HTTPS to reach us: directly, through a trusted proxy that says so, or at
    the host of an https `public_url` (a proxy that sends no header). A sign-in on the LAN address over
    plain HTTP is not: a `Secure` cookie would be thrown away by the browser there."""
    if request.secure:
        return True
    if _from_trusted_proxy(request):
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        if proto:
            return proto == "https"
    public = urlsplit(request.app[OFFICE_SETTINGS].current.office.public_url)
    asked = urlsplit(f"//{request.host}").hostname
    return public.scheme == "https" and public.hostname is not None and asked == public.hostname


def setup(app: web.Application) -> None:
    """Parse the trusted proxies once per app, not once per request."""
    app[TRUSTED_PROXIES] = app[CONFIG].server.trusted_networks()

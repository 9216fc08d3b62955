"""The address other machines reach this server at, for links and QR codes made from a request.

A kiosk whose browser runs on the server PC asks for http://127.0.0.1:8080: a QR code or a device link built from
that address sends a citizen's phone or a TV to itself. The configured `[office] public_url` wins; otherwise a
loopback origin is replaced by this machine's LAN address (same scheme and port). Any other origin is how the
asking machine already reached us on the LAN, so it is kept.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

from aiohttp import web
from yarl import URL

from server.keys import OFFICE_SETTINGS

log = logging.getLogger(__name__)
# A private address the routing table is asked about (connect() on a UDP socket sends nothing): the answer is the
# source address this machine would use on its LAN.
PROBE = ("10.255.255.255", 9)


def lan_address() -> str | None:
    """This machine's LAN address (the one its default route leaves by), or None when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(PROBE)
            address = s.getsockname()[0]
    except OSError:
        address = None
    if address and not ipaddress.ip_address(address).is_loopback:
        return address
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError:
        return None
    return None if ipaddress.ip_address(address).is_loopback else address


def is_loopback(host: str | None) -> bool:
    """127.0.0.1, ::1, localhost: an address that means "this machine" to whoever uses it."""
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def reachable_origin(origin: str) -> str:
    """`origin` (scheme://host:port) as other machines can use it: a loopback host becomes the LAN address."""
    url = URL(origin)
    if not is_loopback(url.host):
        return origin
    address = lan_address()
    if address is None:
        log.warning("links are made for %s: this machine has no LAN address; set [office] public_url", origin)
        return origin
    return str(url.with_host(address)).rstrip("/")


def public_base(request: web.Request) -> str:
    """The base of links for other machines: `[office] public_url`, else the request's origin made reachable."""
    configured = request.app[OFFICE_SETTINGS].current.office.public_url
    return (configured or reachable_origin(f"{request.scheme}://{request.host}")).rstrip("/")

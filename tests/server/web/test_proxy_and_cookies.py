"""Behind a reverse proxy: whose address counts (one helper for the sign-in throttle, the rate limit and the
live feed), when the session cookie is `Secure`, and a sign-in throttle whose table stays bounded."""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.auth import LoginThrottle
from server.config import ConfigError
from server.domain.clock import FakeClock
from server.domain.errors import DomainError
from server.web.security import settings
from tests.conftest import make_config, use_demo_db

PUBLIC_HOST = "hanhchinh.example.gov.vn"


async def started(aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock,
                  security: dict[str, Any] | None = None, **server: Any) -> TestClient:
    config = make_config(tmp_path, server=server, **({"security": security} if security else {}))
    use_demo_db(config, template_dir)
    return await aiohttp_client(create_app(config, clock=clock))


async def sign_in(client: TestClient, password: str, headers: dict[str, str]) -> ClientResponse:
    return await client.post("/api/login", json={"username": "admin", "password": password}, headers=headers)


def session_cookie(r: ClientResponse) -> Any:
    jar = SimpleCookie()
    for header in r.headers.getall("Set-Cookie", []):
        jar.load(header)
    return jar["motcua_token"]


async def test_the_sign_in_throttle_counts_the_client_a_trusted_proxy_names(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock,
                           trusted_proxies=["127.0.0.1", "10.0.0.0/8"])
    # The guesser puts any address it likes in front; Caddy appends the one it saw, a second proxy its own.
    for fake in range(5):
        guess = {"X-Forwarded-For": f"192.0.2.{fake}, 198.51.100.7, 10.1.2.3"}
        assert (await sign_in(client, "sai", guess)).status == 401
    guesser = {"X-Forwarded-For": "192.0.2.99, 198.51.100.7, 10.1.2.3"}
    r = await sign_in(client, "admin-demo", guesser)
    assert r.status == 429 and "Đăng nhập sai quá nhiều lần" in (await r.json())["error"]["message"]
    # The real admin, behind the same proxy, is not locked out by the guesser
    assert (await sign_in(client, "admin-demo", {"X-Forwarded-For": "203.0.113.20, 10.1.2.3"})).status == 200
    # nor is one whose proxy sends X-Real-IP only.
    assert (await sign_in(client, "admin-demo", {"X-Real-IP": "203.0.113.21"})).status == 200


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock)
    for fake in range(5):
        assert (await sign_in(client, "sai", {"X-Forwarded-For": f"192.0.2.{fake}"})).status == 401
    r = await sign_in(client, "admin-demo", {"X-Forwarded-For": "192.0.2.200", "X-Real-IP": "192.0.2.201"})
    assert r.status == 429  # a LAN guest cannot escape the throttle by naming another address


async def test_the_public_rate_limit_counts_each_citizen_behind_the_proxy(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock,
                           security={"public_burst": 3, "public_every_s": 60}, trusted_proxies=["127.0.0.0/8"])
    citizen = {"X-Forwarded-For": "198.51.100.7"}
    statuses = [(await client.get("/api/public/tickets/nope", headers=citizen)).status for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    other = {"X-Forwarded-For": "198.51.100.8"}
    assert (await client.get("/api/public/tickets/nope", headers=other)).status == 404


async def test_the_session_cookie_is_secure_when_reached_over_https_through_a_trusted_proxy(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock, trusted_proxies=["127.0.0.1"])
    over_https = {"X-Forwarded-For": "203.0.113.20", "X-Forwarded-Proto": "https"}
    cookie = session_cookie(await sign_in(client, "admin-demo", over_https))
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
    # The same sign-in on the LAN over plain HTTP: a Secure cookie would be dropped by the browser.
    assert not session_cookie(await sign_in(client, "admin-demo", {}))["secure"]
    # The admin pages' form sets the same cookie, and signing out clears it with the same attributes.
    client.session.cookie_jar.clear()
    r = await client.post("/admin/login", data={"username": "admin", "password": "admin-demo"}, headers=over_https,
                          allow_redirects=False)
    assert r.status == 303 and session_cookie(r)["secure"]
    token = session_cookie(r).value
    r = await client.post("/api/logout", headers={**over_https, "Authorization": f"Bearer {token}"})
    cleared = session_cookie(r)
    assert r.status == 200 and cleared.value == "" and cleared["secure"]


async def test_an_untrusted_peer_cannot_claim_https(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock)
    cookie = session_cookie(await sign_in(client, "admin-demo", {"X-Forwarded-Proto": "https"}))
    assert not cookie["secure"]


async def test_the_session_cookie_is_secure_at_the_host_of_an_https_public_url(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock, public_url=f"https://{PUBLIC_HOST}")
    assert session_cookie(await sign_in(client, "admin-demo", {"Host": PUBLIC_HOST}))["secure"]
    assert session_cookie(await sign_in(client, "admin-demo", {"Host": f"{PUBLIC_HOST.upper()}:443"}))["secure"]
    # The server's LAN address over plain HTTP keeps a cookie the browser accepts.
    assert not session_cookie(await sign_in(client, "admin-demo", {"Host": "192.168.1.10:8080"}))["secure"]


def test_the_sign_in_throttle_table_stays_bounded_and_keeps_the_accounts_being_guessed() -> None:
    throttle = LoginThrottle(limit=5, window_s=300, max_keys=100)
    for t in range(5):
        throttle.failed("198.51.100.7", "admin", now=float(t))
    for i in range(10_000):  # a spray of made-up names, one try each
        throttle.check("192.0.2.1", f"user{i}", now=10.0)
        throttle.failed("192.0.2.1", f"user{i}", now=10.0 + i / 1000)
        assert len(throttle) <= 100
    with pytest.raises(DomainError):
        throttle.check("198.51.100.7", "admin", now=30.0)  # the spray did not reset the guessed account
    for i in range(1000):  # a name that is only checked (a successful sign-in's first step) makes no entry
        throttle.check("192.0.2.2", f"other{i}", now=30.0)
    assert len(throttle) <= 100
    throttle.failed("192.0.2.3", "late", now=400.0)  # once the window has passed, old entries make room
    throttle.check("198.51.100.7", "admin", now=400.0)


@pytest.mark.parametrize(("raw", "fragment"), [
    ({"server": {"trusted_proxies": ["caddy"]}}, "[server] trusted_proxies: 'caddy' is not an IP address"),
    ({"server": {"trusted_proxies": "127.0.0.1"}}, "[server] trusted_proxies must be a list"),
])
def test_trusted_proxies_are_checked_at_load(tmp_path: Path, raw: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError) as refused:
        make_config(tmp_path, **raw)
    assert fragment in str(refused.value)


def test_the_old_place_of_trusted_proxies_says_where_it_moved(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[security\]: trusted_proxies has moved: write it as \[server\]"):
        settings(make_config(tmp_path, security={"trusted_proxies": ["127.0.0.1"]}))

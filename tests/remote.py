"""Calling a server on a real port (a `motcua serve` child, or `aiohttp_server` under a browser test) the way a
separate HTTP client does: no TestClient, a base URL such as http://127.0.0.1:8123."""

from __future__ import annotations

from typing import Any

import aiohttp


async def call(http: aiohttp.ClientSession, method: str, url: str, json: Any = None,
               headers: dict[str, str] | None = None) -> Any:
    """One API request that must succeed (2xx; otherwise the assertion shows the server's answer); its JSON."""
    async with http.request(method, url, json=json, headers=headers) as r:
        assert 200 <= r.status < 300, await r.text()
        return await r.json()


async def sign_in(http: aiohttp.ClientSession, base: str, user: str, password: str | None = None) -> dict[str, str]:
    """Bearer headers for a demo user (their password is `<user>-demo` unless given)."""
    body = await call(http, "POST", f"{base.rstrip('/')}/api/login",
                      {"username": user, "password": password or f"{user}-demo"})
    return {"Authorization": f"Bearer {body['token']}"}


async def staff_at(http: aiohttp.ClientSession, base: str, counter: int) -> dict[str, str]:
    """canbo<N> signed in at counter N (tests.conftest.staff_at, over a real port)."""
    headers = await sign_in(http, base, f"canbo{counter}")
    await call(http, "POST", f"{base.rstrip('/')}/api/counters/{counter}/signin", {}, headers)
    return headers

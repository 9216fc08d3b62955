"""The live feed's bounds: clients that never read are cut off, a reader keeps receiving, and one client
address holds a limited number of sockets (the address a trusted proxy names, when one is configured)."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse, WSServerHandshakeError
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.domain.clock import FakeClock
from server.keys import LIVE
from tests.conftest import DISPLAY, issue, make_config, use_demo_db
from tests.procs import LOAD_TEST_LIMITS

DISPLAY_TOKEN = DISPLAY["Authorization"][7:]
TCP_ESTABLISHED = 1


async def started(aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock,
                  security: dict[str, Any], **server: Any) -> TestClient:
    config = make_config(tmp_path, security={**LOAD_TEST_LIMITS, **security}, server=server)
    use_demo_db(config, template_dir)
    return await aiohttp_client(create_app(config, clock=clock))


async def silent_socket(client: TestClient) -> socket.socket:
    """A WebSocket that completes its handshake and then never reads another byte (a hung TV browser, or a
    script holding the server's memory). Its receive buffer is made small so it fills soon."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, (client.host, client.port))
    key = base64.b64encode(os.urandom(16)).decode()
    await loop.sock_sendall(sock, (
        f"GET /api/live?token={DISPLAY_TOKEN} HTTP/1.1\r\nHost: {client.host}:{client.port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):  # one byte at a time: nothing after the handshake is read
        head += await asyncio.wait_for(loop.sock_recv(sock, 1), 5)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def still_open(sock: socket.socket) -> bool:
    """Whether the server has not closed the connection, asked of the kernel (reading would drain it)."""
    return struct.unpack("B", sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1))[0] == TCP_ESTABLISHED


async def reader(ws: ClientWebSocketResponse, issued: list[int]) -> AsyncIterator[int]:
    """Ticket numbers of the `ticket.issued` events a reading screen receives."""
    async for msg in ws:
        data = msg.json()
        if data["type"] == "event" and data["event"]["type"] == "ticket.issued":
            yield data["ticket"]["number"]


async def issue_until_dropped(client: TestClient, silent: list[socket.socket], seconds: float,
                              most: int = 900) -> list[int]:
    """Issue tickets (each one an event for every screen) until the server has closed every silent socket:
    within `seconds`, and `most` tickets (a few hundred fill the buffers; the field's block holds 999)."""
    numbers: list[int] = []
    deadline = asyncio.get_running_loop().time() + seconds
    while any(still_open(s) for s in silent):
        assert asyncio.get_running_loop().time() < deadline and len(numbers) < most, \
            f"{sum(map(still_open, silent))} silent sockets still open after {len(numbers)} events"
        numbers.append((await issue(client, 1))["number"])
    return numbers


@pytest.mark.parametrize("security", [
    {"live_max_queued_kb": 16, "live_send_timeout_s": 600},  # dropped by what waits for it
    {"live_max_queued_kb": 100_000, "live_send_timeout_s": 0.3},  # dropped by how long a send is blocked
], ids=["by-bytes", "by-time"])
async def test_clients_that_never_read_are_dropped_and_a_reader_keeps_receiving(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock,
        security: dict[str, Any]) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock, security)
    ws = await client.ws_connect(f"/api/live?token={DISPLAY_TOKEN}")
    assert (await ws.receive_json())["type"] == "snapshot"
    silent = [await silent_socket(client) for _ in range(3)]
    hub = client.app[LIVE]
    assert len(hub.clients) == 4

    numbers = await issue_until_dropped(client, silent, seconds=60)

    assert len(hub.clients) == 1 and next(iter(hub.clients)).ws is not None  # only the reader is left
    received = reader(ws, numbers)
    got = [await asyncio.wait_for(anext(received), 5) for _ in numbers]
    assert got == numbers  # the reader missed nothing while the others were cut off
    after = (await issue(client, 1))["number"]
    assert await asyncio.wait_for(anext(received), 5) == after
    for s in silent:
        s.close()
    await ws.close()


async def test_one_address_holds_a_limited_number_of_live_sockets_another_still_connects(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock, {"live_per_address": 3},
                           trusted_proxies=["127.0.0.1"])
    phone_a, phone_b = {"X-Forwarded-For": "203.0.113.5"}, {"X-Forwarded-For": "203.0.113.6"}
    held = [await client.ws_connect("/api/live", headers=phone_a) for _ in range(3)]
    for ws in held:
        assert (await ws.receive_json())["type"] == "snapshot"

    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect("/api/live", headers=phone_a)
    assert refused.value.status == 429
    r = await client.get("/api/live", headers={**phone_a, "Accept-Language": "vi"})
    body = await r.json()
    assert r.status == 429 and r.headers["Retry-After"] == "30"
    assert "quá nhiều kết nối cập nhật trực tiếp (tối đa 3)" in body["error"]["message"]

    other = await client.ws_connect("/api/live", headers=phone_b)  # another phone behind the same proxy
    assert (await other.receive_json())["type"] == "snapshot"

    await held[0].close()  # a slot comes back once a socket closes
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        try:
            again = await client.ws_connect("/api/live", headers=phone_a)
            break
        except WSServerHandshakeError as exc:
            assert exc.status == 429 and asyncio.get_running_loop().time() < deadline  # each try is a request
    assert (await again.receive_json())["type"] == "snapshot"
    for ws in [*held[1:], other, again]:
        await ws.close()


async def test_a_forwarded_header_from_an_untrusted_peer_does_not_buy_more_sockets(
        aiohttp_client: Callable[..., Any], tmp_path: Path, template_dir: Path, clock: FakeClock) -> None:
    client = await started(aiohttp_client, tmp_path, template_dir, clock, {"live_per_address": 2})
    held = [await client.ws_connect("/api/live", headers={"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(2)]
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect("/api/live", headers={"X-Forwarded-For": "198.51.100.9"})
    assert refused.value.status == 429
    for ws in held:
        await ws.close()

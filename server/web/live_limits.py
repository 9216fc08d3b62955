"""Bounds on the live feed's sockets, so that clients which never read cannot hold the server's memory.

A WebSocket whose client stops reading (a crashed TV browser, a hostile script) leaves what is sent to it
in three places: our queue, the transport's buffer and the kernel's send buffer (which grows on its own to
megabytes). A few hundred such sockets from one host pinned hundreds of MB. So: each live socket gets a
small kernel send buffer; a client whose send stays blocked for `send_timeout_s`, or with more than
`max_queued_bytes` waiting for it, is cut off at once (a reset, which frees the kernel's memory at once,
where a polite close would wait for a reader that never comes); and one client address may hold at most
`per_address` sockets (the address from `server.web.client_address`, so phones behind a trusted proxy count
one by one).
"""

from __future__ import annotations

import asyncio
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

from server.domain.errors import DomainError

# The kernel doubles it for its bookkeeping: ~128 KiB a socket, against up to 4 MiB when left to grow.
# A hall snapshot is a few hundred KiB at most; on the LAN this is still tens of MB/s.
SOCKET_SEND_BUFFER = 64 * 1024


@dataclass(frozen=True)
class LiveLimits:
    per_address: int = 500
    send_timeout_s: float = 30.0
    max_queued_bytes: int = 512 * 1024

    @classmethod
    def from_settings(cls, conf: dict[str, Any]) -> LiveLimits:
        """From `[security]` (server/web/security.py validates and documents the keys)."""
        return cls(per_address=int(conf["live_per_address"]), send_timeout_s=float(conf["live_send_timeout_s"]),
                   max_queued_bytes=int(conf["live_max_queued_kb"] * 1024))


@dataclass
class AddressCount:
    """Open live sockets per client address; a slot is taken before the handshake, so a burst of
    connections cannot all slip in between the check and the count."""

    limit: int
    open: dict[str, int] = field(default_factory=dict)

    def take(self, address: str) -> None:
        held = self.open.get(address, 0)
        if held >= self.limit:
            raise DomainError("live_too_many", status=429, retry_after=30, limit=self.limit)
        self.open[address] = held + 1

    def give_back(self, address: str) -> None:
        held = self.open.get(address, 0) - 1
        if held > 0:
            self.open[address] = held
        else:
            self.open.pop(address, None)


def _socket(transport: asyncio.BaseTransport | None) -> Any:
    return transport.get_extra_info("socket") if transport is not None else None


def shrink_send_buffer(transport: asyncio.BaseTransport | None) -> None:
    """Cap the kernel's send buffer of a live socket (a unix socket or a test transport may have none)."""
    sock = _socket(transport)
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_SEND_BUFFER)


def buffered(transport: asyncio.WriteTransport | None) -> int:
    """Bytes written to the transport that the kernel has not taken yet."""
    return transport.get_write_buffer_size() if transport is not None and not transport.is_closing() else 0


def cut_off(transport: asyncio.Transport | None) -> None:
    """Close with a reset: the kernel drops what it still holds for the client instead of keeping it (and
    retrying) until a client that never reads takes it."""
    sock = _socket(transport)
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if transport is not None:
        transport.abort()

"""The WebSocket hub: a snapshot and a sequence number on connect, then ordered deltas.

Every committed event has a sequence number (the event log's `seq`). A client
remembers the last one it applied; on reconnect it sends `since=<seq>` and gets
only what it missed if the hub still holds it in its ring, otherwise a fresh
snapshot. Either way it never reloads the page. Two views: `public` (screens,
kiosks, a citizen's phone: no actor names, no receipt numbers) and `staff`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from server.tasks import cancel_and_wait

from . import jsonio
from .store.tx import Published

log = logging.getLogger(__name__)

PRIVATE_DATA_KEYS = frozenset({"receipt_no", "reason", "kiosk_id", "appointment_id"})
CLIENT_QUEUE_MAX = 2000


def public_event(event: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in event.items() if k not in ("actor", "origin")}
    out["data"] = {k: v for k, v in event.get("data", {}).items() if k not in PRIVATE_DATA_KEYS}
    return out


_dump = jsonio.dumps


@dataclass(eq=False)
class Client:
    ws: web.WebSocketResponse
    view: str
    topics: frozenset[str]
    after: int = 0
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    kind: str = ""
    name: str = ""

    def wants(self, field_id: int | None) -> bool:
        if "office" in self.topics or not self.topics:
            return True
        return any(t == f"field:{field_id}" for t in self.topics) or any(t.startswith("counter:") for t in self.topics)


@dataclass(slots=True)
class _Entry:
    """One event as each view sends it, encoded when a client of that view first needs it (a server with
    no screen connected encodes nothing); once both views are encoded the dicts are let go, since the
    ring keeps thousands and text is a third of their memory."""

    seq: int
    field_id: int | None
    pub: Published | None
    _public: str | None = None
    _staff: str | None = None

    @classmethod
    def of(cls, pub: Published) -> _Entry:
        return cls(pub.seq, (pub.ticket or {}).get("field_id"), pub)

    @property
    def public(self) -> str:
        if self._public is None:
            message = self._message()
            self._public = _dump({**message, "event": public_event(message["event"])})
            self._release()
        return self._public

    @property
    def staff(self) -> str:
        if self._staff is None:
            self._staff = _dump(self._message())
            self._release()
        return self._staff

    def _message(self) -> dict[str, Any]:
        pub = self.pub
        assert pub is not None
        return {"type": "event", "seq": pub.seq, "event": pub.event, "ticket": pub.ticket, **pub.extra}

    def _release(self) -> None:
        if self._public is not None and self._staff is not None:
            self.pub = None


Snapshot = Callable[[str], dict[str, Any]]


class LiveHub:
    def __init__(self, snapshot: Snapshot, ring_size: int = 2000) -> None:
        self._snapshot = snapshot
        self._ring: deque[_Entry] = deque(maxlen=ring_size)
        self.clients: set[Client] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def publish(self, published: list[Published]) -> None:
        """Called by the writer after each commit, in commit order."""
        for pub in published:
            entry = _Entry.of(pub)
            self._ring.append(entry)
            for client in list(self.clients):
                self._offer(client, entry)

    def broadcast(self, message: dict[str, Any]) -> None:
        """A message outside the event log (slogans, device states): no sequence number."""
        text = _dump(message)
        for client in list(self.clients):
            self._push(client, text)

    def _offer(self, client: Client, entry: _Entry) -> None:
        if entry.seq <= client.after or not client.wants(entry.field_id):
            return
        self._push(client, entry.staff if client.view == "staff" else entry.public)

    def _push(self, client: Client, text: str) -> None:
        if client.queue.qsize() >= CLIENT_QUEUE_MAX:
            log.warning("dropping a live client that does not keep up (%s)", client.name)
            self.clients.discard(client)
            task = asyncio.ensure_future(client.ws.close(code=1013, message=b"too slow"))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        client.queue.put_nowait(text)

    def _replay_from_ring(self, client: Client, since: int) -> bool:
        if not self._ring or since < self._ring[0].seq - 1 or since > self._ring[-1].seq:
            return False
        client.after = since
        client.queue.put_nowait(_dump({"type": "resume", "seq": since}))
        for entry in self._ring:
            self._offer(client, entry)
        client.after = max(since, self._ring[-1].seq)
        return True

    def _send_snapshot(self, client: Client) -> None:
        snap = self._snapshot(client.view)
        client.after = snap["seq"]
        client.queue.put_nowait(_dump({"type": "snapshot", **snap}))

    async def serve(self, request: web.Request, view: str, topics: frozenset[str], since: int | None,
                    kind: str = "", name: str = "") -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=4096)
        await ws.prepare(request)
        client = Client(ws=ws, view=view, topics=topics, kind=kind, name=name)
        self.clients.add(client)
        try:
            if since is None or not self._replay_from_ring(client, since):
                self._send_snapshot(client)
        except Exception:
            # The HTTP answer is gone (the socket is open): say so on the socket, never as a page.
            log.exception("live snapshot failed")
            self.clients.discard(client)
            await ws.close(code=1011, message=b"snapshot failed, reconnect")
            return ws
        sender = asyncio.create_task(self._sender(client))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT and msg.data == "ping":
                    await ws.send_str('{"type":"pong"}')
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            self.clients.discard(client)
            await cancel_and_wait(sender)
        return ws

    async def _sender(self, client: Client) -> None:
        while True:
            text = await client.queue.get()
            if client.ws.closed:
                return
            try:
                await client.ws.send_str(text)
            except (ConnectionResetError, RuntimeError):
                return

    async def close_all(self) -> None:
        for client in list(self.clients):
            await client.ws.close(code=1001, message=b"server shutdown")
        self.clients.clear()

"""The WebSocket hub: a snapshot and a sequence number on connect, then ordered deltas.

Every committed event has a sequence number (the event log's `seq`). A client
remembers the last one it applied; on reconnect it sends `since=<seq>` and gets
only what it missed if the hub still holds it in its ring, otherwise a fresh
snapshot. Either way it never reloads the page. Two views: `public` (screens,
kiosks, a citizen's phone: no actor names, no receipt numbers) and `staff`.

Some messages belong to an event but only exist a little after it: a call's
announcement (its WAV is rendered after the commit). They are *attached* to the
event's ring entry, so a client that was away when they went out (a TV during a
server restart) gets them on resume right after their event, in order, for as
long as the attachment says it is still fresh (a TV back after an hour must not
read out old calls).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from server.store.tx import Published
from server.tasks import cancel_and_wait
from server.web import jsonio
from server.web.live_limits import AddressCount, LiveLimits, buffered, cut_off, shrink_send_buffer

log = logging.getLogger(__name__)

PRIVATE_DATA_KEYS = frozenset({"receipt_no", "reason", "kiosk_id", "appointment_id", "released_by"})
PONG = '{"type":"pong"}'


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
    address: str = ""
    transport: asyncio.Transport | None = None
    queued: int = 0  # characters waiting in `queue`

    def enqueue(self, text: str) -> None:
        self.queue.put_nowait(text)
        self.queued += len(text)

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
    attachments: list[Attachment] | None = None

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


@dataclass(frozen=True, slots=True)
class Attachment:
    """A public message that belongs to an event (a call's announcement), and whether a client that missed it
    should still get it now."""

    text: str
    fresh: Callable[[], bool]


Snapshot = Callable[[str], dict[str, Any]]


class LiveHub:
    def __init__(self, snapshot: Snapshot, ring_size: int = 2000, limits: LiveLimits | None = None) -> None:
        self._snapshot = snapshot
        self.limits = limits or LiveLimits()
        self._addresses = AddressCount(self.limits.per_address)
        self._ring: deque[_Entry] = deque(maxlen=ring_size)
        self.clients: set[Client] = set()

    def use_limits(self, limits: LiveLimits) -> None:
        """[security]'s live limits changed on the admin page: the next connection and the next send obey
        them; sockets already open stay open (a lower per-address limit refuses new ones until some close)."""
        self.limits = limits
        self._addresses.limit = limits.per_address

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

    def tell_device(self, device_id: str, message: dict[str, Any]) -> int:
        """A message for one device's open pages only (a TV whose layout the admin changed reloads its view);
        answers how many sockets got it."""
        text = _dump(message)
        told = 0
        for client in list(self.clients):
            if client.kind in ("kiosk", "display", "rating") and client.name == device_id:
                self._push(client, text)
                told += 1
        return told

    def attach(self, seq: int, message: dict[str, Any], fresh: Callable[[], bool]) -> None:
        """Send `message` now, and keep it with event `seq` so a client resuming from before that event gets it
        after the event while `fresh()` holds. An event already gone from the ring is only sent now."""
        text = _dump(message)
        entry = next((e for e in reversed(self._ring) if e.seq <= seq), None)
        if entry is None or entry.seq != seq:
            for client in list(self.clients):
                self._push(client, text)
            return
        entry.attachments = [*(entry.attachments or []), Attachment(text, fresh)]
        for client in list(self.clients):
            if client.wants(entry.field_id):
                self._push(client, text)

    def _offer(self, client: Client, entry: _Entry) -> bool:
        if entry.seq <= client.after or not client.wants(entry.field_id):
            return False
        self._push(client, entry.staff if client.view == "staff" else entry.public)
        return True

    def _fresh_attachments(self, entry: _Entry) -> Iterator[str]:
        for attachment in entry.attachments or ():
            if attachment.fresh():
                yield attachment.text

    def _push(self, client: Client, text: str) -> None:
        if client.queued + buffered(client.transport) > self.limits.max_queued_bytes:
            self._drop(client, f"more than {self.limits.max_queued_bytes // 1024} KiB waiting for it")
            return
        client.enqueue(text)

    def _drop(self, client: Client, why: str) -> None:
        """Cut off a client that does not read what it is sent (see server/live_limits.py); its `serve`
        then ends and gives its address's slot back."""
        if client not in self.clients:
            return
        log.warning("dropping live client %s (%s) from %s: %s", client.name, client.kind, client.address, why)
        self.clients.discard(client)
        cut_off(client.transport)

    def _replay_from_ring(self, client: Client, since: int) -> bool:
        if not self._ring or since < self._ring[0].seq - 1 or since > self._ring[-1].seq:
            return False
        client.after = since
        client.enqueue(_dump({"type": "resume", "seq": since}))
        for entry in self._ring:
            if self._offer(client, entry):
                for text in self._fresh_attachments(entry):
                    self._push(client, text)
        client.after = max(since, self._ring[-1].seq)
        return True

    def _missed_attachments(self, client: Client, since: int) -> None:
        """After a snapshot that replaced a resume (the ring no longer reaches `since`): the snapshot shows the
        calls the client missed, and the fresh announcements the ring still holds make it hear them."""
        for entry in self._ring:
            if entry.seq > since and client.wants(entry.field_id):
                for text in self._fresh_attachments(entry):
                    self._push(client, text)

    def _send_snapshot(self, client: Client) -> None:
        snap = self._snapshot(client.view)
        client.after = snap["seq"]
        client.enqueue(_dump({"type": "snapshot", **snap}))

    async def serve(self, request: web.Request, view: str, topics: frozenset[str], since: int | None,
                    kind: str = "", name: str = "", address: str = "?") -> web.WebSocketResponse:
        self._addresses.take(address)  # refused with 429 before the handshake: the client reads why
        try:
            return await self._serve(request, view, topics, since, kind, name, address)
        finally:
            self._addresses.give_back(address)

    async def _serve(self, request: web.Request, view: str, topics: frozenset[str], since: int | None,
                     kind: str, name: str, address: str) -> web.WebSocketResponse:
        shrink_send_buffer(request.transport)
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=4096)
        await ws.prepare(request)
        client = Client(ws=ws, view=view, topics=topics, kind=kind, name=name, address=address,
                        transport=request.transport)
        self.clients.add(client)
        try:
            if since is None or not self._replay_from_ring(client, since):
                self._send_snapshot(client)
                if since is not None:
                    self._missed_attachments(client, since)
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
                    self._push(client, PONG)  # through the queue: a client that never reads blocks no reads
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            self.clients.discard(client)
            await cancel_and_wait(sender)
            if buffered(client.transport):  # closed by the heartbeat with data still unread: free it now
                cut_off(client.transport)
        return ws

    async def _sender(self, client: Client) -> None:
        while True:
            text = await client.queue.get()
            client.queued -= len(text)
            if client.ws.closed:
                return
            try:
                async with asyncio.timeout(self.limits.send_timeout_s):
                    await client.ws.send_str(text)
            except TimeoutError:
                self._drop(client, f"a send blocked for {self.limits.send_timeout_s:g} s")
                return
            except (ConnectionResetError, RuntimeError):
                return

    async def close_all(self) -> None:
        for client in list(self.clients):
            if buffered(client.transport):  # a close frame would wait behind what it does not read
                cut_off(client.transport)
            else:
                await client.ws.close(code=1001, message=b"server shutdown")
        self.clients.clear()

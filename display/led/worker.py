"""One worker per LED connection: the queue hands it text and never waits for the board.

Only the newest text per address matters (a counter board showing "1024" after "1025" is wrong), so pending
commands are kept per address and a newer one replaces an older one not yet sent. When the board is
unreachable the worker marks it "offline", keeps the newest text, and retries with a growing delay; when it
comes back the board gets the current text. ``NAK`` means the board is there but refused a frame: that frame
is dropped and logged, the board stays "ok". Pages read ``state``, ``last_seen`` and ``last_error``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from display.led.board import LedBoard, LedError, LedNakError
from server.tasks import cancel_and_wait

log = logging.getLogger(__name__)

State = Literal["unknown", "ok", "offline"]
Pending = tuple[Literal["show", "scroll", "clear"], str]


class LedBoardWorker:
    def __init__(
        self,
        board: LedBoard,
        *,
        name: str = "led",
        timeout: float = 3.0,
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.board = board
        self.name = name
        self.timeout = timeout
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.clock = clock
        self.state: State = "unknown"
        self.last_seen: datetime | None = None
        self.last_error: str | None = None
        self._pending: dict[str, Pending] = {}
        self._wake = asyncio.Event()
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    def show(self, address: str, text: str, *, scroll: bool = False) -> None:
        """Queue text for a board; returns at once."""
        self._put(address, ("scroll" if scroll else "show", text))

    def clear(self, address: str) -> None:
        self._put(address, ("clear", ""))

    def _put(self, address: str, command: Pending) -> None:
        self._pending[address] = command
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"led-{self.name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)
        await self.board.close()

    async def wait_state(self, state: State, timeout: float = 10.0) -> None:
        """Wait until the board reaches ``state`` (for status pages and tests); raises TimeoutError."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.state == state)

    async def _set_state(self, state: State, error: str | None) -> None:
        if state == "ok":
            self.last_seen = self.clock()
        self.state, self.last_error = state, error
        async with self._changed:
            self._changed.notify_all()

    async def _run(self) -> None:
        delay = self.retry_delay
        while True:
            await self._wake.wait()
            if not self._pending:
                self._wake.clear()
                continue
            address, command = next(iter(self._pending.items()))
            try:
                async with asyncio.timeout(self.timeout):
                    await self._send(address, command)
            except LedNakError as exc:
                log.error("LED %s refused %s %r: %s", self.name, address, command, exc)
                self._done(address, command)
                await self._set_state("ok", str(exc))
            except (LedError, OSError, TimeoutError) as exc:
                log.warning("LED %s offline (%s); retrying in %.1f s", self.name, exc, delay)
                await self.board.close()
                await self._set_state("offline", f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(delay)  # pacing the retries, not synchronising anything
                delay = min(delay * 2, self.max_retry_delay)
            else:
                self._done(address, command)
                delay = self.retry_delay
                await self._set_state("ok", None)

    async def _send(self, address: str, command: Pending) -> None:
        kind, text = command
        if kind == "clear":
            await self.board.clear(address)
        else:
            await self.board.show(address, text, scroll=kind == "scroll")

    def _done(self, address: str, command: Pending) -> None:
        """Forget a sent command unless a newer one for the same address arrived meanwhile."""
        if self._pending.get(address) is command:
            del self._pending[address]

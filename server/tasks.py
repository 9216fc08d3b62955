"""Stopping a background task the one way the app does it (writer, live hub, printer and display workers)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` and wait until it has really finished, so none of its code runs after shutdown goes on.

    The task's own CancelledError is the expected end and is swallowed; `None` (never started) is a no-op.
    """
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class Changes:
    """Settings changes applied in the background (the settings' listeners must not block), one handle for all.

    A saved printer or voice is applied in a task; the admin page awaits `settled()` before it shows the result,
    and the part's cleanup context `cancel()`s what is still under way. A failure is logged, not swallowed.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, change: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(change, name=self.name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s: a saved change could not be applied", self.name, exc_info=task.exception())

    async def settled(self) -> None:
        """Until every change started so far has been applied (or has failed, and said so in the log)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def cancel(self) -> None:
        for task in list(self._tasks):
            await cancel_and_wait(task)

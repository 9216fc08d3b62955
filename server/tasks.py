"""Stopping a background task the one way the app does it (writer, live hub, printer and display workers)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` and wait until it has really finished, so none of its code runs after shutdown goes on.

    The task's own CancelledError is the expected end and is swallowed; `None` (never started) is a no-op.
    """
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

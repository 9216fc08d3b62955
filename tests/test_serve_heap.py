"""`motcua serve` freezes what starting made out of the garbage collector's sight (server/cli.py says why)."""

from __future__ import annotations

import gc

from aiohttp import web

from server.cli import GC_THRESHOLDS, _freeze_startup_heap


async def test_startup_heap_is_frozen_and_garbage_is_not() -> None:
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        class Cycle:
            pass

        garbage = Cycle()
        garbage.me = garbage  # type: ignore[attr-defined]  # a cycle only the collector can free
        del garbage
        await _freeze_startup_heap(web.Application())
        assert gc.get_freeze_count() > 10_000  # the modules and objects of this test process
        assert gc.get_threshold() == GC_THRESHOLDS and gc.isenabled()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()  # the frozen objects are listed again by gc.get_objects()
    assert not any(type(o).__name__ == "Cycle" for o in gc.get_objects()), "garbage was frozen with the heap"

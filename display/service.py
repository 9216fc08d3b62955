"""The hall's screens, voice and LED boards, fed by committed queue events.

Data flows one way: the writer commits a call, the live hub sends it to the TV pages, and this service (a
listener on the same commit) queues the voice and the LED text. Nothing here is awaited by the queue: the
announcer and each LED connection have their own worker, so a mute speaker or an unplugged board can never
slow a counter down. When a call's WAV is ready the TV pages are told (`{"type": "announcement"}`) and play
the chime and the phrase in order; a recall is a new announcement and is heard again.

The announcement is attached to its call in the live hub's ordered stream (`LiveHub.attach`): a TV that was
away when it went out (a server restart, a Wi-Fi drop) hears it on resume, right after the call, as long as
the call is younger than `[voice] replay_window_s`; older calls are shown but not read out.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from display.led import LedBoardConfig, LedBoardWorker, board_for, group_by_connection, main_board_text
from display.settings import VoiceConfig, led_boards, voice_config
from display.voice.announcer import CHIME_NAME, Announcement, Announcer
from display.voice.tts import SpeechRenderer
from server.config import Config
from server.domain.clock import epoch
from server.keys import CLOCK, CONFIG, LIVE, OFFICE_SETTINGS, READ_CACHE, READER, SERVICES, WRITER
from server.store import catalog
from server.store import slogans as slogan_store
from server.store.tx import Published
from server.tasks import Changes

log = logging.getLogger(__name__)

CALLS = frozenset({"ticket.call", "ticket.recall"})
LEAVES_COUNTER = frozenset({"ticket.finish", "ticket.no_show", "ticket.transfer", "ticket.cancel"})
MAIN_BOARD_CALLS = 3


class Hall:
    """What the hall sees and hears; lives in ``app[SERVICES]["hall"]``."""

    def __init__(self, app: web.Application, announcer: Announcer | None, boards: list[LedBoardConfig],
                 replay_window_s: float = 0.0) -> None:
        self.app = app
        self.announcer = announcer
        self.replay_window_s = replay_window_s
        self.workers = [
            LedBoardWorker(board_for(group[0]), name=",".join(b.address for b in group), timeout=group[0].timeout)
            for group in group_by_connection(boards).values()
        ]
        self._worker_of: dict[str, LedBoardWorker] = {}
        for worker, group in zip(self.workers, group_by_connection(boards).values(), strict=True):
            for board in group:
                self._worker_of[board.address] = worker
        self.counter_boards: dict[str, list[str]] = {}
        for board in boards:
            if board.counter is not None:
                self.counter_boards.setdefault(board.counter, []).append(board.address)
        self.main_boards = [b.address for b in boards if b.counter is None]
        self.last_calls: deque[tuple[str, str]] = deque(maxlen=MAIN_BOARD_CALLS)
        self.slogan: str | None = None
        self._pending: dict[int, dict[str, Any]] = {}  # announcement seq -> what the broadcast adds
        self.voice_changes = Changes("voice-apply")
        self._voice_lock = asyncio.Lock()  # one change of the voice at a time, in the order saved
        self.running = False
        if announcer is not None:
            announcer.listeners.append(self._announced)

    # --- events in ---------------------------------------------------------------------------------
    def on_commit(self, published: list[Published]) -> None:
        """Writer listener: runs on the loop after each commit; only queues work, never waits for devices."""
        for pub in published:
            event = pub.event
            kind, counter_id = event["type"], event.get("counter_id")
            if counter_id is None or (kind not in CALLS and kind not in LEAVES_COUNTER):
                continue
            counter = catalog.current(self.app[READER], self.app[READ_CACHE]).counters.get(counter_id)
            if counter is None:
                continue
            if kind in CALLS and pub.ticket is not None:
                self._call(pub, pub.ticket, counter, recall=kind == "ticket.recall")
            elif kind in LEAVES_COUNTER:
                for address in self.counter_boards.get(str(counter["number"]), []):
                    self._worker_of[address].clear(address)

    def _call(self, pub: Published, ticket: dict[str, Any], counter: dict[str, Any], *, recall: bool) -> None:
        number, name = ticket["number"], counter["name_vi"]
        for address in self.counter_boards.get(str(counter["number"]), []):
            self._worker_of[address].show(address, number)
        self.last_calls.appendleft((number, name))
        self._show_main()
        if self.announcer is None:
            return
        try:
            item = self.announcer.announce(number, name, recall=recall)
        except ValueError:
            log.exception("ticket %s cannot be read aloud", number)
            return
        self._pending[item.seq] = {"ticket_id": ticket["id"], "counter_id": counter["id"],
                                   "counter_number": counter["number"], "event_seq": pub.seq,
                                   "at": pub.event["at"]}

    def _announced(self, item: Announcement) -> None:
        """Announcer listener: the WAV exists now, so the TV pages can fetch it (and a TV that resumes later can
        still hear it while the call is fresh)."""
        extra = self._pending.pop(item.seq, {})
        chime = f"/audio/{CHIME_NAME}" if self.announcer is not None and self.announcer.chime else None
        message = {
            "type": "announcement", **extra, "number": item.ticket, "counter": item.counter, "text": item.display,
            "spoken": item.spoken, "audio": f"/audio/{item.audio}", "chime": chime, "recall": item.recall,
        }
        if "event_seq" not in extra:
            self.app[LIVE].broadcast(message)
            return
        self.app[LIVE].attach(extra["event_seq"], message, self._fresh_while(extra["at"]))

    def _fresh_while(self, called_at: float) -> Callable[[], bool]:
        """A TV that missed a call hears it only within the replay window (by the server's clock)."""
        def fresh() -> bool:
            return epoch(self.app[CLOCK].now()) - called_at <= self.replay_window_s
        return fresh

    # --- the voice, changed on the admin's voice page ---------------------------------------------------
    def settings_changed(self, config: Config, changed: frozenset[str]) -> None:
        """Settings listener (server/settings.py): the admin saved the voice; the announcer changes in a task."""
        if "voice" in changed and self.running:  # before the start, _devices reads the current voice
            self.voice_changes.start(self.apply_voice(voice_config(config)))

    async def voice_settled(self) -> None:
        """Until every saved voice change reached the announcer (the voice page waits for it)."""
        await self.voice_changes.settled()

    async def apply_voice(self, voice: VoiceConfig) -> None:
        """Calls from now on sound as `voice` says, without a restart: turned off, the announcer stops (calls still
        show on the TVs); turned on, one starts; otherwise the running one takes the new settings."""
        async with self._voice_lock:
            await self._apply_voice(voice)

    async def _apply_voice(self, voice: VoiceConfig) -> None:
        self.replay_window_s = voice.replay_window_s
        if not voice.enabled:
            announcer, self.announcer = self.announcer, None
            if announcer is not None:
                await announcer.stop()
            return
        if self.announcer is None:
            announcer = announcer_for(voice)
            announcer.listeners.append(self._announced)
            await announcer.start()
            self.announcer = announcer
            return
        await self.announcer.reconfigure(
            settings=voice.settings, template=voice.template, dialect=voice.dialect,
            digit_by_digit=voice.digit_by_digit, four_as_tu=voice.four_as_tu, player=voice.make_player(),
            chime=voice.chime)

    # --- slogans -----------------------------------------------------------------------------------
    async def fire_slogan(self, slogan_id: int) -> None:
        """A slogan's scheduled time: the TV tickers and the main LED board show it."""
        row = slogan_store.slogan(self.app[READER], slogan_id)
        if row is None or not row["enabled"]:
            return
        self.show_slogan(row["text"])

    def show_slogan(self, text: str) -> None:
        self.slogan = text
        self.app[LIVE].broadcast({"type": "slogan", "text": text})
        self._show_main()

    def current_slogan(self) -> str | None:
        """The ticker's text for a page that just loaded: the last one played, else the first enabled one."""
        if self.slogan is not None:
            return self.slogan
        rows = [r for r in slogan_store.all_slogans(self.app[READER]) if r["enabled"]]
        return rows[0]["text"] if rows else None

    def _show_main(self) -> None:
        text = main_board_text(list(self.last_calls), self.slogan)
        for address in self.main_boards:
            self._worker_of[address].show(address, text, scroll=True)

    # --- state for /readyz and the admin -----------------------------------------------------------
    def health(self) -> dict[str, Any]:
        voice = None
        if self.announcer is not None:
            voice = {"pending": self.announcer.pending, "played": self.announcer.played,
                     "last_error": self.announcer.last_error}
        boards = {address: {"state": w.state, "last_error": w.last_error} for address, w in self._worker_of.items()}
        return {"ready": True, "voice": voice, "led": boards}


HALL = "hall"


def hall_of(app: web.Application) -> Hall:
    return app[SERVICES][HALL]


async def _devices(app: web.Application) -> AsyncIterator[None]:
    hall = hall_of(app)
    await hall.apply_voice(voice_config(app[OFFICE_SETTINGS].current))  # the database's voice, loaded by now
    hall.running = True
    for worker in hall.workers:
        await worker.start()
    yield
    hall.running = False
    await hall.voice_changes.cancel()
    for worker in hall.workers:
        await worker.stop()
    if hall.announcer is not None:
        await hall.announcer.stop()


async def _wiring(app: web.Application) -> AsyncIterator[None]:
    """After the writer exists: listen to commits (the slogans' jobs call `fire_slogan`: server/scheduler.py)."""
    app[WRITER].subscribe(hall_of(app).on_commit)
    yield


def announcer_for(voice: VoiceConfig) -> Announcer:
    return Announcer(
        SpeechRenderer(voice.cache_dir, backend=voice.backend), settings=voice.settings, template=voice.template,
        dialect=voice.dialect, digit_by_digit=voice.digit_by_digit, four_as_tu=voice.four_as_tu,
        player=voice.make_player(), chime=voice.chime,
    )


def setup(app: web.Application) -> None:
    # The announcer starts in _devices, with the voice stored in the database (the admin's voice page).
    hall = Hall(app, None, led_boards(app[CONFIG]), replay_window_s=voice_config(app[CONFIG]).replay_window_s)
    app[SERVICES][HALL] = hall
    app[OFFICE_SETTINGS].subscribe(hall.settings_changed)
    app.cleanup_ctx.append(_devices)
    app.cleanup_ctx.append(_wiring)

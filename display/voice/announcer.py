"""The hall's voice: one worker that speaks calls strictly one after another.

Offices complain that a new call cuts off the one being spoken. So calls go into one queue and a single
task renders (in a thread: espeak via pyttsx3 blocks) and plays each in turn; a recall is queued as its own
announcement and is heard again in full. ``announce`` returns at once with the text to show, so a counter's
console never waits for the voice.

Playback on the server's own speaker is optional: ``player`` is any ``async (Path) -> None``. By default we
use ``paplay`` (PulseAudio) or ``aplay`` (ALSA) when installed, else none, in which case only the TV page
plays the audio: listeners are told when an announcement's WAV is ready, with its file name for
``/audio/<name>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import shutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from display.voice.chime import chime_wav
from display.voice.phrases import AnnouncementTemplate, display_text_for, phrase_for
from display.voice.tts import SpeechRenderer, VoiceSettings, audio_name
from display.voice.vn_numbers import Dialect
from server.tasks import cancel_and_wait

log = logging.getLogger(__name__)

Player = Callable[[Path], Awaitable[None]]
Listener = Callable[["Announcement"], None]
CHIME_NAME = "chime.wav"
PLAY_TIMEOUT = 30.0  # seconds; a stuck audio device must not hold up the queue forever
_AUDIO_NAME = re.compile(r"^(?:[0-9a-f]{64}|chime)\.wav$")


class PlaybackError(RuntimeError):
    """The player command failed."""


@dataclass(frozen=True)
class Announcement:
    """One call as heard and seen. ``audio`` is the file name the web page fetches as ``/audio/<audio>``."""

    seq: int
    ticket: str
    counter: str
    recall: bool
    spoken: str
    display: str
    audio: str
    voice: VoiceSettings = VoiceSettings()  # rendered with the voice of the moment it was called


class SubprocessPlayer:
    """Plays a WAV with a command line player such as ``aplay -q`` and waits until it ends."""

    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)

    async def __call__(self, path: Path) -> None:
        proc = await asyncio.create_subprocess_exec(
            *self.command, str(path), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        try:
            _, stderr = await proc.communicate()
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise
        if proc.returncode != 0:
            raise PlaybackError(
                f"{self.command[0]} exited {proc.returncode}: {stderr.decode(errors='replace')}"
            )


def default_player() -> Player | None:
    """``paplay`` or ``aplay`` if installed; None means the server stays silent and the TV page speaks."""
    for command in (["paplay"], ["aplay", "-q"]):
        if shutil.which(command[0]):
            return SubprocessPlayer(command)
    return None


class Announcer:
    """Calls -> rendered WAVs -> played in order, never overlapping; ``start``/``stop`` own the task."""

    def __init__(
        self,
        renderer: SpeechRenderer,
        *,
        settings: VoiceSettings = VoiceSettings(),
        template: AnnouncementTemplate = AnnouncementTemplate(),
        dialect: Dialect = "north",
        digit_by_digit: bool = False,
        four_as_tu: bool = False,
        player: Player | None | Literal["default"] = "default",
        chime: bool = True,
    ) -> None:
        self.renderer = renderer
        self.settings = settings
        self.template = template
        self.dialect: Dialect = dialect
        self.digit_by_digit = digit_by_digit
        self.four_as_tu = four_as_tu
        self.player = default_player() if player == "default" else player
        self.chime = chime
        self.listeners: list[Listener] = []
        self.last_error: str | None = None
        self.played = 0
        self._queue: asyncio.Queue[Announcement] = asyncio.Queue()
        self._seq = itertools.count(1)
        self._task: asyncio.Task[None] | None = None

    def announce(self, ticket_number: str, counter_name: str, recall: bool = False) -> Announcement:
        """Queue a call and return it at once; raises ValueError for a ticket that cannot be read aloud."""
        spoken = self.phrase(ticket_number, counter_name)
        item = Announcement(
            seq=next(self._seq),
            ticket=ticket_number,
            counter=counter_name,
            recall=recall,
            spoken=spoken,
            display=display_text_for(ticket_number, counter_name, self.template),
            audio=self.audio_name_for(spoken),
            voice=self.settings,
        )
        self._queue.put_nowait(item)
        return item

    async def reconfigure(
        self,
        *,
        settings: VoiceSettings,
        template: AnnouncementTemplate,
        dialect: Dialect,
        digit_by_digit: bool,
        four_as_tu: bool,
        player: Player | None,
        chime: bool,
    ) -> None:
        """The admin changed the voice: calls from now on use it, calls already queued keep the voice their WAV
        is named for (the TV fetches that name). Raises nothing new: values were checked by the settings model."""
        if chime:
            await asyncio.to_thread(chime_wav, self.renderer.cache_dir / CHIME_NAME)
        self.settings, self.template, self.dialect = settings, template, dialect
        self.digit_by_digit, self.four_as_tu = digit_by_digit, four_as_tu
        self.player, self.chime = player, chime

    def phrase(self, ticket_number: str, counter_name: str) -> str:
        """The sentence this announcer would speak (also for an admin's preview); raises ValueError."""
        return phrase_for(
            ticket_number, counter_name, self.template, self.dialect, self.digit_by_digit, self.four_as_tu
        )

    def audio_name_for(self, text: str) -> str:
        """The cache file name for a phrase with the current voice: served as ``/audio/<name>``."""
        return f"{audio_name(text, self.settings)}.wav"

    def audio_file(self, name: str) -> Path | None:
        """The file behind ``/audio/<name>``, or None: only cache names are served, never arbitrary paths."""
        if not _AUDIO_NAME.match(name):
            return None
        path = self.renderer.cache_dir / name
        return path if path.is_file() else None

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("announcer already started")
        if self.chime:
            await asyncio.to_thread(chime_wav, self.renderer.cache_dir / CHIME_NAME)
        self._task = asyncio.create_task(self._run(), name="announcer")

    async def stop(self) -> None:
        """Cancel the worker and wait for it; calls still queued are dropped (the office is closing)."""
        task, self._task = self._task, None
        await cancel_and_wait(task)

    async def join(self) -> None:
        """Wait until every queued call has been rendered and played (or failed)."""
        await self._queue.join()

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._speak(item)
            except Exception as exc:  # a device failure must not end the voice; it is logged and shown
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("announcement %s failed", item.seq)
            finally:
                self._queue.task_done()

    async def _speak(self, item: Announcement) -> None:
        path = await asyncio.to_thread(self.renderer.render, item.spoken, item.voice)
        for listener in self.listeners:
            listener(item)
        if self.player is not None:
            async with asyncio.timeout(PLAY_TIMEOUT):
                if self.chime:
                    await self.player(self.renderer.cache_dir / CHIME_NAME)
                await self.player(path)
        self.played += 1

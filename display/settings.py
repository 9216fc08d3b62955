"""The `[voice]` and `[led]` sections of motcua.toml as the display's objects (keys, defaults and checks:
server/config.py; every key in docs/settings.md).

    [voice]
    enabled = true            # false: no speech at all (the TV still shows calls)
    voice = "north"           # north | central | south
    rate = 150                # words per minute, 80-450
    volume = 1.0              # 0.0-1.0
    dialect = "north"         # "south" reads 1000 as "ngàn" and 105 as "một trăm lẻ năm"
    digit_by_digit = false    # "1025" -> "một không hai năm"
    four_as_tu = false        # 24 -> "hai mươi tư"
    template = "Xin mời công dân có số thứ tự {number} đến {counter}"
    chime = true              # a ding-dong before each call
    player = "none"           # none: the TV pages speak; auto: paplay/aplay on the server; or a command
    cache_dir = ""            # "" = <data_dir>/audio
    backend = "pyttsx3"       # pyttsx3 (falls back to the espeak-ng CLI) | espeak-ng | auto (= pyttsx3)
    replay_window_s = 120     # a TV that was away (server restart, Wi-Fi) still reads out calls this recent

    [[led.boards]]
    address = "Q3"            # see display/led/PROTOCOL.md
    counter = 3               # the counter's number; leave out for the hall's main board
    transport = "tcp"         # tcp | serial
    host = "192.168.1.50"
    port = 7000

Why `backend = "pyttsx3"`: it renders inside the server process (~20 ms a phrase, no process start) through
one engine kept for the life of the process (display/tts.py says why it must be exactly one). When pyttsx3 is
missing, refuses a setting or fails, the phrase is rendered with the `espeak-ng` command line instead, with the
same voice, rate and volume, and a warning is logged once. `espeak-ng` uses only the command line; `auto` is the
old name of `pyttsx3`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from display.led import LedBoardConfig
from display.voice.announcer import Player, SubprocessPlayer, default_player
from display.voice.phrases import AnnouncementTemplate
from display.voice.tts import Backend, VoiceSettings
from display.voice.vn_numbers import Dialect
from server.config import Config


@dataclass(frozen=True)
class VoiceConfig:
    """The `[voice]` section (checked by server/config.py) as the announcer's objects."""

    enabled: bool
    settings: VoiceSettings
    template: AnnouncementTemplate
    dialect: Dialect
    digit_by_digit: bool
    four_as_tu: bool
    chime: bool
    player: str
    cache_dir: Path
    backend: Backend
    replay_window_s: float

    def make_player(self) -> Player | None:
        if self.player == "none":
            return None
        if self.player == "auto":
            return default_player()
        return SubprocessPlayer(shlex.split(self.player))


def voice_config(config: Config) -> VoiceConfig:
    v = config.voice
    return VoiceConfig(
        enabled=v.enabled, settings=VoiceSettings(voice=v.voice, rate=v.rate, volume=v.volume),
        template=AnnouncementTemplate(v.template), dialect=v.dialect, digit_by_digit=v.digit_by_digit,
        four_as_tu=v.four_as_tu, chime=v.chime, player=v.player,
        cache_dir=Path(v.cache_dir or config.data_path / "audio"), backend=v.backend,
        replay_window_s=v.replay_window_s,
    )


def led_boards(config: Config) -> list[LedBoardConfig]:
    """The `[[led.boards]]` tables (checked by server/config.py) as the drivers' configurations."""
    return [LedBoardConfig(**board.model_dump()) for board in config.led.boards]

"""The `[voice]` and `[led]` sections of motcua.toml, checked at start with messages that name the key.

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

import dataclasses
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from display.led import LedBoardConfig
from display.voice.announcer import Player, SubprocessPlayer, default_player
from display.voice.phrases import DEFAULT_TEMPLATE, AnnouncementTemplate
from display.voice.tts import Backend, VoiceSettings
from display.voice.vn_numbers import Dialect
from server.config import Config, ConfigError

VOICE_KEYS = {"enabled", "voice", "rate", "volume", "dialect", "digit_by_digit", "four_as_tu", "template", "chime",
              "player", "cache_dir", "backend", "replay_window_s"}
BACKENDS = ("pyttsx3", "espeak-ng", "auto")
LED_BOARD_KEYS = {f.name for f in dataclasses.fields(LedBoardConfig)}


@dataclass(frozen=True)
class VoiceConfig:
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
    replay_window_s: float = 120.0

    def make_player(self) -> Player | None:
        if self.player == "none":
            return None
        if self.player == "auto":
            return default_player()
        return SubprocessPlayer(shlex.split(self.player))


def _flag(section: dict[str, Any], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"[voice] {key} must be true or false, got {value!r}")
    return value


def voice_config(config: Config) -> VoiceConfig:
    section = config.section("voice")
    unknown = sorted(set(section) - VOICE_KEYS)
    if unknown:
        raise ConfigError(f"[voice]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(VOICE_KEYS))}")
    dialect = section.get("dialect", "north")
    if dialect not in ("north", "south"):
        raise ConfigError(f"[voice] dialect must be 'north' or 'south', not {dialect!r}")
    backend = section.get("backend", "pyttsx3")
    if backend not in BACKENDS:
        raise ConfigError(f"[voice] backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    player = section.get("player", "none")
    if not isinstance(player, str) or not player.strip():
        raise ConfigError("[voice] player must be 'none', 'auto' or a command such as 'aplay -q'")
    try:
        settings = VoiceSettings(
            voice=section.get("voice", "north"), rate=section.get("rate", 150), volume=section.get("volume", 1.0)
        )
        template = AnnouncementTemplate(section.get("template", DEFAULT_TEMPLATE))
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"[voice] {exc}") from exc
    cache = section.get("cache_dir", "") or str(config.data_path / "audio")
    window = section.get("replay_window_s", 120)
    if isinstance(window, bool) or not isinstance(window, int | float) or not 0 <= window <= 3600:
        raise ConfigError(f"[voice] replay_window_s must be a number of seconds from 0 to 3600, got {window!r}")
    return VoiceConfig(
        enabled=_flag(section, "enabled", True), settings=settings, template=template, dialect=dialect,
        digit_by_digit=_flag(section, "digit_by_digit", False), four_as_tu=_flag(section, "four_as_tu", False),
        chime=_flag(section, "chime", True), player=player.strip(), cache_dir=Path(cache), backend=backend,
        replay_window_s=float(window),
    )


def led_boards(config: Config) -> list[LedBoardConfig]:
    section = config.section("led")
    unknown = sorted(set(section) - {"boards"})
    if unknown:
        raise ConfigError(f"[led]: unknown key(s) {', '.join(unknown)}; boards are [[led.boards]] tables")
    boards = section.get("boards", [])
    if not isinstance(boards, list):
        raise ConfigError("[led] boards must be a list of [[led.boards]] tables")
    out: list[LedBoardConfig] = []
    for i, raw in enumerate(boards, start=1):
        if not isinstance(raw, dict):
            raise ConfigError(f"[[led.boards]] #{i} must be a table")
        unknown = sorted(set(raw) - LED_BOARD_KEYS)
        if unknown:
            raise ConfigError(f"[[led.boards]] #{i}: unknown key(s) {', '.join(unknown)}; "
                              f"known: {', '.join(sorted(LED_BOARD_KEYS))}")
        values = dict(raw)
        if values.get("counter") is not None:
            values["counter"] = str(values["counter"])
        try:
            out.append(LedBoardConfig(**values))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"[[led.boards]] #{i} ({raw.get('address', '?')}): {exc}") from exc
    addresses = [b.address for b in out]
    if len(set(addresses)) != len(addresses):
        raise ConfigError("[[led.boards]]: two boards have the same address")
    return out

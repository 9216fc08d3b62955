"""Speech for the hall: Vietnamese text to a cached WAV file, through pyttsx3's espeak-ng driver.

Why a cache: the same few hundred phrases ("... số thứ tự 12 đến quầy số 3") come back every day, and the
TV page fetches the same file the server's speaker plays, so a phrase is rendered once and served as
``/audio/<name>.wav``. The name is the sha256 of (text, voice, rate, volume): changing the voice settings
renders afresh, old files are simply never asked for again.

Why a lock: pyttsx3 keeps one engine per driver for the whole process (``pyttsx3.init`` caches it) and that
engine is not thread-safe, so every render in the process goes through ``_ENGINE_LOCK``. ``render`` blocks;
callers on the event loop run it with ``asyncio.to_thread``.

Why a fallback: pyttsx3's espeak driver has, across versions, hung or written empty files when
``runAndWait`` is called repeatedly (2.90-2.98 issues). With pyttsx3 2.99 and espeak-ng 1.51 repeated
renders work; still, if pyttsx3 is missing or its output is not a valid WAV, we call ``espeak-ng -w``
directly with the same voice, rate and volume. ``backend="espeak-ng"`` skips pyttsx3 altogether. Files are
written under a temporary name and renamed, so a web client never reads half a file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

Voice = Literal["north", "central", "south"]
Backend = Literal["auto", "pyttsx3", "espeak-ng"]

# Our voice names -> (pyttsx3 espeak voice id, espeak-ng -v name), as pyttsx3 2.99 / espeak-ng 1.51 list them.
VOICES: dict[str, tuple[str, str]] = {
    "north": ("aav/vi", "vi"),
    "central": ("aav/vi-vn-x-central", "vi-vn-x-central"),
    "south": ("aav/vi-vn-x-south", "vi-vn-x-south"),
}
INSTALL_HINT = "install the speech engine: apt-get install espeak-ng, and pip install pyttsx3"

_ENGINE_LOCK = threading.Lock()


class SpeechError(RuntimeError):
    """Speech could not be rendered; the message says what to install or what failed."""


@dataclass(frozen=True)
class VoiceSettings:
    """How the hall's voice sounds. ``rate`` is in words per minute (espeak's scale), ``volume`` 0.0-1.0."""

    voice: Voice = "north"
    rate: int = 150
    volume: float = 1.0

    def __post_init__(self) -> None:
        if self.voice not in VOICES:
            raise ValueError(f"voice must be one of {sorted(VOICES)}, not {self.voice!r}")
        if not 80 <= self.rate <= 450:
            raise ValueError(f"rate must be 80-450 words per minute, not {self.rate}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume must be between 0.0 and 1.0, not {self.volume}")


def audio_name(text: str, settings: VoiceSettings) -> str:
    """The cache file's stem for a phrase: what the web page asks for as ``/audio/<name>.wav``."""
    key = "\x1f".join([text, settings.voice, str(settings.rate), f"{settings.volume:.3f}"])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class SpeechRenderer:
    """Renders phrases to WAV files in ``cache_dir``, once per (text, settings)."""

    def __init__(self, cache_dir: Path, backend: Backend = "auto") -> None:
        self.cache_dir = Path(cache_dir)
        self.backend = backend
        self.renders = 0  # files actually synthesised (not cache hits): lets tests and benches see the cache
        self.cache_dir.mkdir(parents=True, exist_ok=True)

    def path_for(self, text: str, settings: VoiceSettings) -> Path:
        return self.cache_dir / f"{audio_name(text, settings)}.wav"

    def render(self, text: str, settings: VoiceSettings) -> Path:
        """The WAV for ``text``, synthesised now unless cached. Blocking: call it in a thread."""
        target = self.path_for(text, settings)
        if target.exists():
            return target
        with _ENGINE_LOCK:
            if target.exists():  # another thread rendered it while we waited
                return target
            tmp = target.with_name(f".{target.stem}.{os.getpid()}.{threading.get_ident()}.tmp.wav")
            try:
                self._synthesise(text, settings, tmp)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            self.renders += 1
        return target

    def _synthesise(self, text: str, settings: VoiceSettings, out: Path) -> None:
        if self.backend != "espeak-ng":
            try:
                _render_pyttsx3(text, settings, out)
                if _is_valid_wav(out):
                    return
                log.warning("pyttsx3 wrote no valid WAV for %r; falling back to espeak-ng -w", text)
            except SpeechError:
                if self.backend == "pyttsx3":
                    raise
                log.warning("pyttsx3 unavailable; falling back to espeak-ng -w", exc_info=True)
        _render_espeak_cli(text, settings, out)
        if not _is_valid_wav(out):
            raise SpeechError(f"espeak-ng wrote no valid WAV for {text!r}")


def _render_pyttsx3(text: str, settings: VoiceSettings, out: Path) -> None:
    """Render with pyttsx3; the caller holds ``_ENGINE_LOCK``."""
    try:
        import pyttsx3
    except ImportError as exc:
        raise SpeechError(f"pyttsx3 is not installed: {INSTALL_HINT}") from exc
    try:
        engine = pyttsx3.init("espeak")
    except (RuntimeError, OSError, ImportError) as exc:  # the driver loads libespeak-ng.so.1 here
        raise SpeechError(f"pyttsx3 could not load espeak-ng ({exc}): {INSTALL_HINT}") from exc
    engine.setProperty("voice", VOICES[settings.voice][0])
    engine.setProperty("rate", settings.rate)
    engine.setProperty("volume", settings.volume)
    engine.save_to_file(text, str(out))
    engine.runAndWait()


def _render_espeak_cli(text: str, settings: VoiceSettings, out: Path) -> None:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechError(f"espeak-ng is not on PATH: {INSTALL_HINT}")
    command = [exe, "-v", VOICES[settings.voice][1], "-s", str(settings.rate)]
    command += ["-a", str(round(settings.volume * 100)), "-w", str(out), "--", text]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0:
        raise SpeechError(f"espeak-ng failed ({result.returncode}): {result.stderr.strip()}")


def _is_valid_wav(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False

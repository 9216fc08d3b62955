"""Speech for the hall: Vietnamese text to a cached WAV file, through pyttsx3's espeak-ng driver.

Why a cache: the same few hundred phrases ("... số thứ tự 12 đến quầy số 3") come back every day, and the
TV page fetches the same file the server's speaker plays, so a phrase is rendered once and served as
``/audio/<name>.wav``. The name is the sha256 of (text, voice, rate, volume): changing the voice settings
renders afresh, old files are simply never asked for again.

Why one engine for the whole process (``Pyttsx3Engine``), kept alive and fed from one thread: libespeak-ng is a
process-wide singleton (one voice, one rate, one synthesis callback) and pyttsx3 2.99's espeak driver is a thin
layer over it. Its engine is only weakly held (``pyttsx3.init`` caches it in a ``WeakValueDictionary``), and
on a fresh engine ``runAndWait`` returns before libespeak-ng's own thread has finished the phrase: the engine
was then collected while that thread still called back into its driver, which raised ``ReferenceError`` in a
ctypes callback and wrote the WAV after we had looked for it. A second engine would steal the callback (and reset
the rate to 200); a collected one unregisters it, leaving the live engine waiting forever. So the engine is
created once, warmed up, and every render waits for its "finished-utterance" notice.

Why renders wait for libespeak-ng to be idle before ``runAndWait``: a rate, volume or voice change is queued
inside libespeak-ng, and ``runAndWait`` first calls the driver's ``stop()``, which cancels whatever is still
queued: the change was dropped now and then (that is why rate changes seemed not to work on a kept engine).

Why a fallback: if pyttsx3 is missing, refuses a setting, times out or writes no valid WAV, we call
``espeak-ng -w`` directly with the same voice, rate and volume (a warning is logged once per reason).
``backend="espeak-ng"`` skips pyttsx3 altogether. Files are written under a temporary name and renamed, so a
web client never reads half a file. ``render`` blocks; callers on the event loop use ``asyncio.to_thread``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import shutil
import subprocess
import threading
import time
import wave
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

Voice = Literal["north", "central", "south"]
Backend = Literal["pyttsx3", "espeak-ng", "auto"]  # "auto" is the old name of "pyttsx3" (same behaviour)

# Our voice names -> (pyttsx3 espeak voice id, espeak-ng -v name), as pyttsx3 2.99 / espeak-ng 1.51 list them.
VOICES: dict[str, tuple[str, str]] = {
    "north": ("aav/vi", "vi"),
    "central": ("aav/vi-vn-x-central", "vi-vn-x-central"),
    "south": ("aav/vi-vn-x-south", "vi-vn-x-south"),
}
INSTALL_HINT = "install the speech engine: apt-get install espeak-ng, and pip install pyttsx3"
RENDER_TIMEOUT = 15.0  # seconds for one phrase through pyttsx3; a phrase takes ~20 ms

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


class Pyttsx3Engine:
    """The process's pyttsx3 espeak engine, created on and used from one daemon thread (see the module doc).

    The thread lets the caller give up after ``RENDER_TIMEOUT``: the driver's loop only ends when libespeak-ng
    calls back, and if it never does that thread is lost, pyttsx3 is marked ``broken`` and the CLI takes over.
    """

    def __init__(self) -> None:
        self.broken: str | None = None  # why pyttsx3 was given up on for good (missing, failed to start, stuck)
        self._jobs: queue.SimpleQueue[tuple[Callable[[], None], Future[None]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._engine: Any = None
        self._espeak: Any = None
        self._finished = threading.Event()
        self._completed = False
        self._errors: list[BaseException] = []
        self._warned: set[str] = set()

    def render(self, text: str, settings: VoiceSettings, out: Path, timeout: float = RENDER_TIMEOUT) -> None:
        """Write ``text`` spoken with ``settings`` to ``out``; raises SpeechError saying why not."""
        if self.broken is not None:
            raise SpeechError(self.broken)
        future: Future[None] = Future()
        self._jobs.put((lambda: self._render(text, settings, out, timeout), future))
        self._ensure_thread()
        try:
            future.result(timeout=timeout + 1.0)
        except FutureTimeout:
            self.broken = f"pyttsx3 did not finish a phrase within {timeout:.0f} s and is no longer used"
            raise SpeechError(self.broken) from None

    def warn_once(self, reason: str) -> None:
        """Log a fallback's reason the first time it happens in this process; later ones only at debug level."""
        if reason in self._warned:
            log.debug("%s", reason)
        else:
            self._warned.add(reason)
            log.warning("%s", reason)

    def _ensure_thread(self) -> None:
        with self._thread_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="pyttsx3", daemon=True)
                self._thread.start()

    def _serve(self) -> None:
        while True:
            job, future = self._jobs.get()
            try:
                job()
            except SpeechError as exc:
                future.set_exception(exc)
            except Exception as exc:  # the engine's state is unknown now: use the CLI from here on
                self.broken = f"pyttsx3 failed ({type(exc).__name__}: {exc}) and is no longer used"
                future.set_exception(SpeechError(self.broken))
            else:
                future.set_result(None)

    def _start(self) -> Any:
        try:
            import pyttsx3
        except ImportError as exc:
            self.broken = f"pyttsx3 is not installed ({exc}): {INSTALL_HINT}"
            raise SpeechError(self.broken) from exc
        try:
            engine = pyttsx3.init("espeak")  # loads and initialises libespeak-ng.so.1
            from pyttsx3.drivers import _espeak  # IsPlaying(): see _wait_idle
        except (ImportError, OSError, RuntimeError, AttributeError) as exc:
            self.broken = f"pyttsx3 could not load espeak-ng ({exc}): {INSTALL_HINT}"
            raise SpeechError(self.broken) from exc
        engine.connect("finished-utterance", self._on_finished)
        engine.connect("error", self._on_error)
        engine.runAndWait()  # warm-up: from now on the driver is idle and runAndWait waits for the phrase
        self._engine, self._espeak = engine, _espeak
        return engine

    def _render(self, text: str, settings: VoiceSettings, out: Path, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        engine = self._engine if self._engine is not None else self._start()
        voice_id = VOICES[settings.voice][0]
        self._errors.clear()
        engine.setProperty("voice", voice_id)  # applied at once on an idle engine; errors come to _on_error
        engine.setProperty("rate", settings.rate)
        engine.setProperty("volume", settings.volume)
        if self._errors:
            raise SpeechError(f"pyttsx3 refused voice {voice_id!r} / rate {settings.rate} / volume "
                              f"{settings.volume}: {self._errors[0]}")
        for attempt in (1, 2):
            self._wait_idle(deadline)
            self._finished.clear()
            engine.save_to_file(text, str(out))
            engine.runAndWait()
            if not self._finished.wait(max(0.0, deadline - time.monotonic())):
                raise RuntimeError(f"no finished-utterance from espeak-ng within {timeout:.0f} s")
            if self._errors or self._completed:
                break
            # Cancelled, not failed: the driver's stop flag, raised when libespeak-ng still looked busy with
            # the previous phrase, was acted on by this phrase's loop (a race inside pyttsx3 2.99: one run of
            # the suite fell back to the CLI for it). iterate() lowered the flag: the second attempt goes through.
            log.debug("pyttsx3 cancelled %r (attempt %d)", text, attempt)
        if not self._completed or self._errors:
            raise SpeechError(f"pyttsx3 did not complete the phrase: {self._errors or 'cancelled'}")

    def _wait_idle(self, deadline: float) -> None:
        """Until libespeak-ng has applied queued settings and finished the last phrase (see the module doc)."""
        while self._espeak.IsPlaying():
            if time.monotonic() > deadline:
                raise RuntimeError("espeak-ng stayed busy")
            time.sleep(0.001)

    def _on_finished(self, name: str | None = None, completed: bool = True, **_: Any) -> None:
        self._completed = completed  # called on libespeak-ng's own thread, after the WAV is closed
        self._finished.set()

    def _on_error(self, name: str | None = None, exception: BaseException | None = None, **_: Any) -> None:
        self._errors.append(exception or RuntimeError("unknown pyttsx3 error"))


PYTTSX3 = Pyttsx3Engine()  # one per process, because libespeak-ng is one per process


class SpeechRenderer:
    """Renders phrases to WAV files in ``cache_dir``, once per (text, settings).

    ``engine`` is the process's ``PYTTSX3``; tests pass a fresh one only to see a failed start (two started ones
    would share one libespeak-ng and its callback). ``rendered_with``
    counts files actually synthesised (not cache hits) by the backend that made them.
    """

    def __init__(self, cache_dir: Path, backend: Backend = "pyttsx3", engine: Pyttsx3Engine = PYTTSX3) -> None:
        self.cache_dir = Path(cache_dir)
        self.backend = backend
        self.engine = engine
        self.rendered_with: Counter[str] = Counter()
        self.cache_dir.mkdir(parents=True, exist_ok=True)

    @property
    def renders(self) -> int:
        """Files actually synthesised: lets tests and benches see the cache."""
        return self.rendered_with.total()

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
                backend = self._synthesise(text, settings, tmp)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            self.rendered_with[backend] += 1
        return target

    def _synthesise(self, text: str, settings: VoiceSettings, out: Path) -> str:
        if self.backend != "espeak-ng":
            try:
                self.engine.render(text, settings, out)
                if _is_valid_wav(out):
                    return "pyttsx3"
                raise SpeechError("pyttsx3 wrote no valid WAV")
            except SpeechError as exc:
                self.engine.warn_once(f"{exc}; rendering with the espeak-ng command line instead")
        _render_espeak_cli(text, settings, out)
        if not _is_valid_wav(out):
            raise SpeechError(f"espeak-ng wrote no valid WAV for {text!r}")
        return "espeak-ng"


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

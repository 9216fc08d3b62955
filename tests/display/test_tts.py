"""display/tts.py: one pyttsx3 engine kept for the process, its voice/rate/volume changes, and the CLI fallback.

Every test renders real speech through libespeak-ng; ``rendered_with`` tells which backend made each file, so a
silent fallback to the command line cannot pass for a working pyttsx3.
"""

from __future__ import annotations

import gc
import logging
import math
import re
import sys
import wave
from array import array
from pathlib import Path

import pytest

from display.settings import voice_config
from display.voice.phrases import phrase_for
from display.voice.tts import PYTTSX3, VOICES, Pyttsx3Engine, SpeechRenderer, VoiceSettings
from server.config import ConfigError
from tests.conftest import make_config
from tests.display.test_announcer import SENTENCE_1025, needs_espeak, wav_seconds

CACHE_NAME = re.compile(r"^[0-9a-f]{64}\.wav$")


def rms(path: Path) -> float:
    """Root mean square of a 16-bit WAV, 0.0-1.0."""
    with wave.open(str(path), "rb") as wav:
        samples = array("h", wav.readframes(wav.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "display.voice.tts" and r.levelno == logging.WARNING]


def test_pyttsx3_is_the_default_backend(tmp_path: Path) -> None:
    assert SpeechRenderer(tmp_path).backend == "pyttsx3"
    assert voice_config(make_config(tmp_path)).backend == "pyttsx3"
    assert voice_config(make_config(tmp_path, voice={"backend": "espeak-ng"})).backend == "espeak-ng"
    with pytest.raises(ConfigError, match="backend must be 'pyttsx3', 'espeak-ng' or 'auto', got 'festival'"):
        voice_config(make_config(tmp_path, voice={"backend": "festival"}))


@needs_espeak
def test_thirty_phrases_in_a_row_with_collections_between_are_whole_wavs(tmp_path: Path) -> None:
    renderer = SpeechRenderer(tmp_path / "hall")
    cli = SpeechRenderer(tmp_path / "cli", backend="espeak-ng")
    for i in range(30):
        text = phrase_for(str(1000 + 17 * i), f"quầy số {i % 12 + 1}")
        seconds = wav_seconds(renderer.render(text, VoiceSettings()))  # asserts 22050 Hz, mono, 16 bit
        assert 3.0 < seconds < 8.0, text
        if i % 5 == 0:  # the whole phrase, at the asked rate: the same length as espeak-ng's own command line
            assert seconds == pytest.approx(wav_seconds(cli.render(text, VoiceSettings())), abs=0.05)
        if i % 3 == 0:
            SpeechRenderer(tmp_path / f"gone{i}").render(f"số {i}", VoiceSettings())  # a renderer that dies
            gc.collect()
    assert renderer.rendered_with == {"pyttsx3": 30}
    assert all(CACHE_NAME.match(p.name) for p in (tmp_path / "hall").iterdir())  # no temporary file left
    assert PYTTSX3.broken is None


@needs_espeak
def test_rate_changes_on_the_kept_engine_take_effect(tmp_path: Path) -> None:
    renderer = SpeechRenderer(tmp_path)
    for text in (SENTENCE_1025, phrase_for("A007", "Quầy Hộ tịch")):
        slow = wav_seconds(renderer.render(text, VoiceSettings(rate=120)))
        fast = wav_seconds(renderer.render(text, VoiceSettings(rate=240)))
        middle = wav_seconds(renderer.render(text, VoiceSettings(rate=180)))
        assert fast < slow * 0.6 and fast < middle < slow
    assert renderer.rendered_with == {"pyttsx3": 6}


@needs_espeak
def test_volume_and_voice_changes_take_effect(tmp_path: Path) -> None:
    renderer = SpeechRenderer(tmp_path)
    loud = rms(renderer.render(SENTENCE_1025, VoiceSettings(volume=1.0)))
    quiet = rms(renderer.render(SENTENCE_1025, VoiceSettings(volume=0.3)))
    assert loud > 0.05 and quiet < loud * 0.5
    sounds = {renderer.render("số một", VoiceSettings(voice=v)).read_bytes() for v in ("north", "central", "south")}
    assert len(sounds) == 3
    assert renderer.rendered_with == {"pyttsx3": 5}


@needs_espeak
def test_a_voice_pyttsx3_refuses_falls_back_to_the_command_line_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    renderer = SpeechRenderer(tmp_path)
    monkeypatch.setitem(VOICES, "north", ("aav/no-such-voice", "vi"))  # libespeak-ng really refuses this id
    with caplog.at_level(logging.WARNING, logger="display.voice.tts"):
        first = renderer.render("số một", VoiceSettings())
        second = renderer.render("số hai", VoiceSettings())
    assert wav_seconds(first) > 0.3 and wav_seconds(second) > 0.3
    assert renderer.rendered_with == {"espeak-ng": 2}
    [warning] = warnings_in(caplog)
    assert "aav/no-such-voice" in warning and "espeak-ng command line" in warning
    monkeypatch.undo()
    renderer.render("số ba", VoiceSettings())  # a refused setting does not give pyttsx3 up for good
    assert renderer.rendered_with == {"espeak-ng": 2, "pyttsx3": 1} and PYTTSX3.broken is None


@needs_espeak
def test_without_pyttsx3_the_command_line_speaks_and_the_log_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # what `import pyttsx3` meets when it is not installed
    engine = Pyttsx3Engine()  # a fresh one: the process's engine has long been started
    renderer = SpeechRenderer(tmp_path, engine=engine)
    with caplog.at_level(logging.WARNING, logger="display.voice.tts"):
        for text in ("số một", "số hai"):
            assert wav_seconds(renderer.render(text, VoiceSettings())) > 0.3
    assert renderer.rendered_with == {"espeak-ng": 2}
    assert engine.broken is not None and "pip install pyttsx3" in engine.broken
    assert len(warnings_in(caplog)) == 1

"""The hall's voice: phrases, real espeak-ng rendering and its cache, the chime, and the announcer's queue."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
import time
import wave
from pathlib import Path

import pytest

from display.voice.announcer import CHIME_NAME, Announcement, Announcer
from display.voice.chime import chime_wav
from display.voice.phrases import AnnouncementTemplate, counter_spoken, display_text_for, phrase_for, ticket_spoken
from display.voice.tts import SpeechRenderer, VoiceSettings, audio_name

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")
needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="apt-get install sox")
SENTENCE_1025 = "Xin mời công dân có số thứ tự một nghìn không trăm hai mươi lăm đến quầy số ba"

# --- phrases --------------------------------------------------------------------------------------


def test_the_domain_sentence() -> None:
    assert phrase_for("1025", "quầy số 3") == SENTENCE_1025
    assert display_text_for("1025", "quầy số 3") == "Xin mời công dân có số thứ tự 1025 đến quầy số 3"


@pytest.mark.parametrize(
    ("name", "spoken"),
    [("quầy số 3", "quầy số ba"), ("Quầy Hộ tịch", "Quầy Hộ tịch"), ("Quầy 12", "Quầy mười hai")],
)
def test_counter_names_are_read_as_written_with_digits_spoken(name: str, spoken: str) -> None:
    assert counter_spoken(name) == spoken


@pytest.mark.parametrize(
    ("ticket", "digit_by_digit", "spoken"),
    [
        ("A025", False, "a hai mươi lăm"),
        ("A025", True, "a không hai năm"),
        ("A-1005", False, "a một nghìn không trăm linh năm"),
        ("HT012", False, "hát tê mười hai"),
        ("105", False, "một trăm linh năm"),
    ],
)
def test_tickets_speak_their_letters_then_the_number(ticket: str, digit_by_digit: bool, spoken: str) -> None:
    assert ticket_spoken(ticket, digit_by_digit=digit_by_digit) == spoken


def test_south_dialect_reaches_ticket_and_counter() -> None:
    assert phrase_for("105", "quầy 1005", dialect="south").endswith(
        "một trăm lẻ năm đến quầy một ngàn không trăm lẻ năm"
    )


@pytest.mark.parametrize("bad", ["12A", "", "A 1 2"])
def test_unreadable_ticket_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        ticket_spoken(bad)


def test_custom_template_and_its_validation() -> None:
    template = AnnouncementTemplate("Mời số {number} tới {counter}")
    assert phrase_for("21", "quầy số 2", template) == "Mời số hai mươi mốt tới quầy số hai"
    for bad in [
        "Mời số {number}",
        "Mời {number} {counter} {name}",
        "Mời {number} {counter",
        "{number}{number}",
    ]:
        with pytest.raises(ValueError):
            AnnouncementTemplate(bad)


# --- speech rendering -----------------------------------------------------------------------------


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        return wav.getnframes() / wav.getframerate()


def sox_seconds(path: Path) -> float:
    return float(
        subprocess.run(["sox", "--i", "-D", str(path)], capture_output=True, text=True, check=True).stdout
    )


@needs_espeak
@needs_sox
@pytest.mark.parametrize("backend", ["pyttsx3", "espeak-ng"])
def test_renders_a_real_wav_of_plausible_length(tmp_path: Path, backend: str) -> None:
    renderer = SpeechRenderer(tmp_path, backend=backend)  # type: ignore[arg-type]
    path = renderer.render(SENTENCE_1025, VoiceSettings())
    seconds = wav_seconds(path)
    assert 2.5 < seconds < 10.0  # 18 syllables at 150 words per minute
    assert sox_seconds(path) == pytest.approx(seconds, abs=0.01)
    assert path.name == f"{audio_name(SENTENCE_1025, VoiceSettings())}.wav"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    assert renderer.rendered_with == {backend: 1}  # no silent fallback


@needs_espeak
def test_cache_hit_does_not_render_again(tmp_path: Path) -> None:
    renderer = SpeechRenderer(tmp_path)
    first = renderer.render("số một", VoiceSettings())
    mtime = first.stat().st_mtime_ns
    assert renderer.render("số một", VoiceSettings()) == first
    assert renderer.renders == 1 and first.stat().st_mtime_ns == mtime
    assert renderer.render("số một", VoiceSettings(voice="south")) != first
    assert renderer.renders == 2


@needs_espeak
def test_renders_from_many_threads_are_serialised_and_valid(tmp_path: Path) -> None:
    renderer = SpeechRenderer(tmp_path)
    texts = [f"số thứ tự {n}" for n in range(8)] * 2
    threads = [threading.Thread(target=renderer.render, args=(t, VoiceSettings())) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert renderer.renders == 8
    assert all(wav_seconds(renderer.path_for(t, VoiceSettings())) > 0.3 for t in texts)


@pytest.mark.parametrize("kwargs", [{"voice": "west"}, {"rate": 10}, {"volume": 1.5}])
def test_voice_settings_are_validated(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        VoiceSettings(**kwargs)  # type: ignore[arg-type]


def test_chime_is_a_falling_two_tone_ding_dong(tmp_path: Path) -> None:
    path = chime_wav(tmp_path / "chime.wav")
    assert wav_seconds(path) == pytest.approx(0.8, abs=0.01)
    with wave.open(str(path), "rb") as wav:
        raw = wav.readframes(wav.getnframes())
    samples = [int.from_bytes(raw[i : i + 2], "little", signed=True) for i in range(0, len(raw), 2)]

    def pitch(start: float, end: float) -> float:
        window = samples[int(start * 22050) : int(end * 22050)]
        crossings = sum(1 for a, b in zip(window, window[1:], strict=False) if a < 0 <= b)
        return crossings / (end - start)

    assert pitch(0.05, 0.30) == pytest.approx(659.25, rel=0.05)
    assert pitch(0.50, 0.75) == pytest.approx(523.25, rel=0.05)
    assert max(map(abs, samples)) < 32767  # no clipping


# --- the announcer --------------------------------------------------------------------------------


class RecordingPlayer:
    """A real player (sox decodes the file to nowhere) that records when each play starts and ends."""

    def __init__(self) -> None:
        self.plays: list[tuple[str, float, float]] = []
        self.active = 0
        self.max_active = 0

    async def __call__(self, path: Path) -> None:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        start = time.monotonic()
        try:
            proc = await asyncio.create_subprocess_exec("sox", "-q", str(path), "-n")
            assert await proc.wait() == 0
        finally:
            self.active -= 1
        self.plays.append((path.name, start, time.monotonic()))

    def voice_names(self) -> list[str]:
        return [name for name, _, _ in self.plays if name != CHIME_NAME]


@pytest.fixture
async def announcer(tmp_path: Path):
    player = RecordingPlayer()
    announcer = Announcer(SpeechRenderer(tmp_path), player=player)
    await announcer.start()
    yield announcer
    await announcer.stop()


@needs_espeak
@needs_sox
async def test_calls_play_in_order_never_overlapping_and_recalls_repeat(announcer: Announcer) -> None:
    calls = [announcer.announce("1025", "quầy số 3"), announcer.announce("A007", "Quầy Hộ tịch")]
    calls.append(announcer.announce("1025", "quầy số 3", recall=True))
    calls.append(announcer.announce("12", "quầy số 1"))
    await asyncio.wait_for(announcer.join(), 60)
    player: RecordingPlayer = announcer.player  # type: ignore[assignment]
    assert player.voice_names() == [call.audio for call in calls]
    assert [name for name, _, _ in player.plays[::2]] == [CHIME_NAME] * 4  # a chime before each call
    assert player.max_active == 1
    assert all(prev[2] <= nxt[1] for prev, nxt in zip(player.plays, player.plays[1:], strict=False))
    assert calls[2].recall and calls[2].audio == calls[0].audio and announcer.played == 4


@needs_espeak
@needs_sox
async def test_a_new_call_never_cuts_off_the_one_being_spoken(tmp_path: Path) -> None:
    player = RecordingPlayer()
    announcer = Announcer(SpeechRenderer(tmp_path), player=player, chime=False)
    later: list[Announcement] = []
    first_audio = announcer.audio_name_for(phrase_for("1", "quầy số 1"))

    async def call_while_speaking(path: Path) -> None:
        if path.name == first_audio and not later:
            later.append(announcer.announce("2", "quầy số 2"))  # arrives mid-sentence
        await player(path)

    announcer.player = call_while_speaking
    await announcer.start()
    try:
        announcer.announce("1", "quầy số 1")
        await asyncio.wait_for(announcer.join(), 60)
    finally:
        await announcer.stop()
    assert player.voice_names() == [first_audio, later[0].audio]
    assert player.plays[0][2] <= player.plays[1][1]


@needs_espeak
async def test_listeners_get_a_servable_file_and_a_failing_player_does_not_stop_the_queue(
    tmp_path: Path,
) -> None:
    played: list[str] = []

    async def flaky_player(path: Path) -> None:
        if not played:
            played.append("failed")
            raise OSError("speaker unplugged")
        played.append(path.name)

    announcer = Announcer(SpeechRenderer(tmp_path), player=flaky_player, chime=False)
    ready: list[Path | None] = []
    announcer.listeners.append(lambda item: ready.append(announcer.audio_file(item.audio)))
    await announcer.start()
    try:
        first, second = announcer.announce("5", "quầy số 1"), announcer.announce("6", "quầy số 2")
        await asyncio.wait_for(announcer.join(), 60)
    finally:
        await announcer.stop()
    assert announcer.last_error == "OSError: speaker unplugged"
    assert played == ["failed", second.audio] and announcer.played == 1
    assert [p.name if p else None for p in ready] == [first.audio, second.audio]
    assert announcer.audio_file("../../etc/passwd") is None and announcer.audio_file("x.wav") is None


@needs_espeak
async def test_stop_cancels_a_playing_announcement_and_awaits_the_task(tmp_path: Path) -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def endless_player(path: Path) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    announcer = Announcer(SpeechRenderer(tmp_path), player=endless_player, chime=False)
    await announcer.start()
    announcer.announce("9", "quầy số 9")
    await asyncio.wait_for(started.wait(), 30)
    await announcer.stop()
    assert cancelled.is_set() and announcer.played == 0
    await announcer.stop()  # stopping twice is harmless

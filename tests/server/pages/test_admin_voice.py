"""The admin's voice page: "Nghe thử" plays a real WAV of the sample call with the settings as typed (unsaved),
and a saved voice reaches the running announcer at once; bad input is refused in Vietnamese."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from display.service import hall_of
from display.voice.phrases import DEFAULT_TEMPLATE
from display.voice.tts import VoiceSettings, audio_name
from tests.server.pages.test_admin import admin_session, db_rows

needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox not installed")


def voice_form(**more: str) -> dict[str, str]:
    form = {"enabled": "on", "voice": "north", "dialect": "north", "rate": "150", "volume": "100", "chime": "on",
            "reading": "full", "template": DEFAULT_TEMPLATE, "player": "none", "replay_window_s": "120",
            "sample_number": "1025", "sample_counter": "Quầy số 3"}
    form.update(more)
    return {k: v for k, v in form.items() if v != "off"}


def notice(page: str) -> str:
    """The page's refusal (Vietnamese first)."""
    found = re.search(r'<p class="notice bad" role="alert">(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def sox_stat(path: Path) -> dict[str, float]:
    """`sox FILE -n stat`: length, amplitudes and RMS as numbers."""
    out = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    stats = {}
    for line in out.splitlines():
        name, _, value = line.partition(":")
        try:
            stats[name.strip()] = float(value)
        except ValueError:
            continue
    return stats


async def preview(client: TestClient, tmp_path: Path, name: str, **more: str) -> dict[str, float]:
    r = await client.get("/admin/voice/preview.wav", params=voice_form(**more))
    assert r.status == 200, await r.text()
    assert r.content_type == "audio/wav"
    path = tmp_path / name
    path.write_bytes(await r.read())
    return sox_stat(path)


@needs_sox
async def test_the_preview_is_a_wav_of_the_sample_call_that_sox_measures_sane(
    client: TestClient, tmp_path: Path
) -> None:
    await admin_session(client)
    with_chime = await preview(client, tmp_path, "chime.wav")
    assert 2.0 < with_chime["Length (seconds)"] < 15.0  # a whole sentence, not a click and not a minute
    assert with_chime["RMS     amplitude"] > 0.02 and 0.2 < with_chime["Maximum amplitude"] <= 1.0
    plain = await preview(client, tmp_path, "plain.wav", chime="off")
    assert with_chime["Length (seconds)"] - plain["Length (seconds)"] == pytest.approx(0.8, abs=0.05)  # the chime
    quiet = await preview(client, tmp_path, "quiet.wav", chime="off", volume="30")
    assert quiet["RMS     amplitude"] < plain["RMS     amplitude"] * 0.6
    slow = await preview(client, tmp_path, "slow.wav", chime="off", rate="90")
    assert slow["Length (seconds)"] > plain["Length (seconds)"] * 1.3
    digits = await preview(client, tmp_path, "digits.wav", chime="off", reading="digits", sample_number="1111")
    whole = await preview(client, tmp_path, "whole.wav", chime="off", sample_number="1111")
    assert digits["Length (seconds)"] != whole["Length (seconds)"]  # "một một một một" vs "một nghìn một trăm ..."
    # Nothing was saved by listening.
    assert hall_of(client.app).announcer.settings == VoiceSettings()  # type: ignore[union-attr]


async def test_listen_shows_the_phrase_and_an_audio_element_fed_by_the_preview(client: TestClient) -> None:
    await admin_session(client)
    r = await client.get("/admin/voice", params={**voice_form(dialect="south", sample_number="105"), "preview": "1"})
    assert r.status == 200
    page = await r.text()
    assert "Xin mời công dân có số thứ tự một trăm lẻ năm đến Quầy số ba" in page
    src = re.search(r'<audio controls autoplay src="([^"]+)"', page)
    assert src is not None and src.group(1).startswith("/admin/voice/preview.wav?")
    r = await client.get(src.group(1).replace("&amp;", "&"))
    assert r.status == 200 and r.content_type == "audio/wav"


async def test_a_saved_voice_reaches_the_running_announcer_at_once(client: TestClient) -> None:
    csrf = await admin_session(client)
    before = hall_of(client.app).announcer
    assert before is not None and before.settings.rate == 150
    r = await client.post("/admin/voice", data={"csrf": csrf, **voice_form(rate="220", voice="south", volume="80",
                                                                          reading="digits", chime="off")},
                          allow_redirects=False)
    assert r.status == 303, await r.text()
    announcer = hall_of(client.app).announcer
    assert announcer is before  # the same worker, no restart
    assert announcer.settings == VoiceSettings(voice="south", rate=220, volume=0.8)
    assert announcer.digit_by_digit and not announcer.chime
    (stored,) = db_rows(client, "SELECT value FROM settings WHERE section = 'voice'")
    assert json.loads(stored[0])["rate"] == 220
    assert ("settings.voice",) in db_rows(client, "SELECT action FROM audit_log")
    # The next call is spoken with the new voice: its WAV is named for, and rendered with, rate 220.
    item = announcer.announce("1025", "Quầy số 3")
    assert item.spoken.startswith("Xin mời công dân có số thứ tự một không hai năm")
    assert item.audio == f"{audio_name(item.spoken, VoiceSettings(voice='south', rate=220, volume=0.8))}.wav"
    await announcer.join()
    assert (announcer.renderer.cache_dir / item.audio).is_file()


async def test_turning_the_voice_off_and_on_stops_and_starts_the_announcer(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/voice", data={"csrf": csrf, **voice_form(enabled="off")}, allow_redirects=False)
    assert r.status == 303
    assert hall_of(client.app).announcer is None
    r = await client.post("/admin/voice", data={"csrf": csrf, **voice_form(rate="300")}, allow_redirects=False)
    assert r.status == 303
    announcer = hall_of(client.app).announcer
    assert announcer is not None and announcer.settings.rate == 300
    await announcer.join()  # it is running: a queued call is taken
    item = announcer.announce("7", "Quầy số 1")
    await announcer.join()
    assert (announcer.renderer.cache_dir / item.audio).is_file()


async def test_a_bad_voice_is_refused_in_vietnamese_and_nothing_changes(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/voice", data={"csrf": csrf, **voice_form(template="Mời số {number}")},
                          allow_redirects=False)
    assert r.status == 422
    page = await r.text()
    assert "Câu gọi phải có {number} (số thứ tự) và {counter} (quầy)" in notice(page)
    assert 'value="Mời số {number}"' in page  # what was typed stays in the form
    r = await client.post("/admin/voice", data={"csrf": csrf, **voice_form(rate="9")}, allow_redirects=False)
    assert r.status == 422
    assert "Tốc độ đọc (từ mỗi phút, 80–450): phải từ 80 trở lên, đã nhập 9" in notice(await r.text())
    assert hall_of(client.app).announcer.settings.rate == 150  # type: ignore[union-attr]
    r = await client.get("/admin/voice/preview.wav", params=voice_form(rate="9"))
    assert r.status == 422

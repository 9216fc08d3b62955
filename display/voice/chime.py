"""The ding-dong before a call, generated with the stdlib so no sound file has to ship or be licensed.

A falling major third (E5 then C5) with a soft attack and a bell-like decay: heads turn, nobody jumps. The
server's speaker plays it before each announcement and the TV page fetches the same file.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
NOTES = ((659.25, 0.0), (523.25, 0.38))  # (frequency Hz, start s)
DURATION = 0.8


def chime_samples(rate: int = RATE) -> list[float]:
    """The chime as floats in -1..1: each note a fundamental plus a quieter octave, decaying exponentially."""
    total = int(DURATION * rate)
    samples = [0.0] * total
    attack = int(0.01 * rate)
    for frequency, start in NOTES:
        first = int(start * rate)
        for i in range(total - first):
            t = i / rate
            envelope = min(1.0, i / attack) * math.exp(-5.0 * t)
            tone = math.sin(2 * math.pi * frequency * t) + 0.3 * math.sin(4 * math.pi * frequency * t)
            samples[first + i] += 0.4 * envelope * tone
    fade = int(0.02 * rate)  # no click at the end
    for i in range(fade):
        samples[total - 1 - i] *= i / fade
    return samples


def chime_wav(path: Path, rate: int = RATE) -> Path:
    """Write the chime as 16-bit mono PCM to ``path`` (if not already there) and return it."""
    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = b"".join(struct.pack("<h", round(max(-1.0, min(1.0, s)) * 32767)) for s in chime_samples(rate))
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    tmp.replace(path)
    return path

"""How long the hall's voice takes: first renders of distinct phrases vs cache hits.

    PYTHONPATH=. .venv/bin/python bench/bench_voice.py --phrases 50 --voice north --backend auto

Prints one table; a cold render decides how soon after "call" the hall hears the number.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from display.voice.phrases import phrase_for
from display.voice.tts import SpeechRenderer, VoiceSettings


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timed_ms(renderer: SpeechRenderer, texts: list[str], settings: VoiceSettings) -> list[float]:
    times = []
    for text in texts:
        start = time.perf_counter()
        renderer.render(text, settings)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrases", type=int, default=50)
    parser.add_argument("--voice", choices=["north", "central", "south"], default="north")
    parser.add_argument("--backend", choices=["auto", "pyttsx3", "espeak-ng"], default="auto")
    args = parser.parse_args()
    settings = VoiceSettings(voice=args.voice)
    texts = [phrase_for(str(1000 + 17 * i), f"quầy số {i % 12 + 1}") for i in range(args.phrases)]
    with tempfile.TemporaryDirectory() as cache:
        renderer = SpeechRenderer(Path(cache), backend=args.backend)
        cold = timed_ms(renderer, texts, settings)
        warm = timed_ms(renderer, texts, settings)
        assert renderer.renders == len(texts), "every phrase rendered once, then served from the cache"
    print(f"{'case':<22}{'n':>5}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for name, values in (("render (cold)", cold), ("cache hit", warm)):
        row = f"{name:<22}{len(values):>5}{percentile(values, 50):>10.2f}{percentile(values, 99):>10.2f}"
        print(f"{row}{statistics.fmean(values):>10.2f}")
    print(f"voice={args.voice} backend={args.backend}")


if __name__ == "__main__":
    main()

"""Vietnamese procedure search without diacritics: "ket hon" finds "Đăng ký kết hôn".

Elderly citizens type on an on-screen keyboard that has no tone marks, and many people type Vietnamese without
them anyway. The same rules run in the kiosk's browser (kiosk/static/search.js); this module is their reference
and the one the tests pin down, so keep the two in step (tests/kiosk/test_kiosk_search.py runs the same cases on both).

Rules: NFD, drop combining marks, map đ/Đ to d (NFD alone leaves "đ"), lowercase. Every word of the query must
occur in the procedure's name (Vietnamese and English), keywords or code. Ranking, best first: the whole query
inside the Vietnamese name (at its start is better), then words that start a word of the text, then substrings;
ties keep the catalogue order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lowercase, tone marks and diacritics removed, đ -> d, runs of spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))
    bare = bare.replace("đ", "d").replace("Đ", "D").lower()
    return " ".join(bare.split())


def haystack(item: Mapping[str, Any]) -> str:
    """The searchable text of one procedure."""
    parts = (item.get("name_vi"), item.get("name_en"), item.get("keywords"), item.get("code"))
    return fold(" ".join(str(p) for p in parts if p))


def score(query: str, item: Mapping[str, Any]) -> int | None:
    """How well ``item`` answers ``query``; None when some word of the query is missing."""
    words = fold(query).split()
    if not words:
        return None
    hay = haystack(item)
    starts = _WORD.findall(hay)
    total = 0
    for word in words:
        if any(s.startswith(word) for s in starts):
            total += 2
        elif word in hay:
            total += 1
        else:
            return None
    name = fold(str(item.get("name_vi", "")))
    phrase = " ".join(words)
    if name.startswith(phrase):
        total += 20
    elif phrase in name:
        total += 10
    return total


def search(query: str, items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Items matching every word of ``query``, best first (ties in the given order)."""
    scored = [(s, i, item) for i, item in enumerate(items) if (s := score(query, item)) is not None]
    scored.sort(key=lambda row: (-row[0], row[1]))
    return [item for _, _, item in scored]

"""Pairing a screen by a short code, like a smart-TV app: the rules, without I/O.

A new screen (TV, kiosk, rating tablet) shows a code of six characters; an admin types it on the devices page
and says what the screen is. The code only names the waiting screen: the device token never leaves the
screen's own HttpOnly cookie, so a code read over a shoulder, or guessed, gives nobody a token. What a guess
could do is make an admin's typo land on someone else's waiting screen; the code space (31**6, about 887
million) and the throttles in services/pairing.py keep that out of reach.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

# No 0/O, 1/I/L: a code is read off a TV across a hall and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
TTL_S = 10 * 60
KINDS = ("display", "kiosk", "rating")
# What a TV shows: the whole hall, a group of counters, one counter, or the counters of one area (`grp`).
LAYOUTS = ("hall", "group", "counter", "floor")
_SEPARATORS = re.compile(r"[\s\-_.]")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """A code as typed ("abc 234", "ABC-234") -> "ABC234"; None when it cannot be a code at all."""
    code = _SEPARATORS.sub("", typed or "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def shown(code: str) -> str:
    """Split in two halves for reading aloud and typing: "ABC 234"."""
    half = LENGTH // 2
    return f"{code[:half]} {code[half:]}"


def page_for(kind: str, counter_id: int | None) -> str:
    """Where a paired screen goes."""
    if kind == "rating":
        return f"/rate/{counter_id}"
    return "/display" if kind == "display" else "/kiosk"


@dataclass(frozen=True)
class ScreenLayout:
    """A TV's layout as the admin chooses it, and as `devices.layout` stores it ("hall", "group:1,2,3",
    "floor:<grp>"; one counter is a group of one, which the TV page shows the same way)."""

    layout: str = "hall"
    counters: tuple[int, ...] = ()
    floor: str = ""

    def stored(self) -> str:
        if self.layout in ("group", "counter"):
            return "group:" + ",".join(str(n) for n in self.counters)
        if self.layout == "floor":
            return f"floor:{self.floor}"
        return "hall"

    @classmethod
    def of(cls, stored: str) -> ScreenLayout:
        name, _, arg = (stored or "hall").partition(":")
        if name == "group":
            numbers = tuple(int(n) for n in arg.split(",") if n.isdigit())
            return cls("counter" if len(numbers) == 1 else "group", numbers)
        if name == "floor":
            return cls("floor", (), arg)
        return cls()


def layout_problem(layout: ScreenLayout, counter_numbers: set[int], floors: set[str]) -> str | None:
    """The message code of what is wrong with a TV's layout, or None."""
    if layout.layout not in LAYOUTS:
        return "pair_bad_layout"
    if layout.layout == "group" and not layout.counters:
        return "pair_group_needs_counters"
    if layout.layout == "counter" and len(layout.counters) != 1:
        return "pair_counter_needs_one"
    if layout.layout in ("group", "counter") and not set(layout.counters) <= counter_numbers:
        return "pair_unknown_counter"
    if layout.layout == "floor" and layout.floor not in floors:
        return "pair_unknown_floor"
    return None

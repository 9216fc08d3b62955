"""The hall TV and its slogans page."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # under a counter's card on the smaller layouts: how many wait for the fields it serves
    "display.waiting": ("người đang chờ", "waiting"),
}

"""The hall TV and its slogans page."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
}

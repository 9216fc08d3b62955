"""The counter console, the leader's page and the rating tablet and phone form."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
}

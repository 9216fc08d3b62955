"""The reports page (`/reports`): its headings, sentences and table columns."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
}

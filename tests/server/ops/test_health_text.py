"""The devices page's health rows: numbers written the reader's way, yes/no in the page's language."""

from __future__ import annotations

from server.messages.numbers import written
from server.ops.health import value_text


def test_numbers_are_written_the_vietnamese_way_and_the_english_way() -> None:
    assert value_text(79547.8, "vi") == "79.547,8"
    assert value_text(79547.8, "en") == "79,547.8"
    assert value_text(1200, "vi") == "1.200"
    assert written(None) == "–"


def test_yes_and_no_follow_the_page_language() -> None:
    assert value_text(True, "vi") != value_text(True, "en")
    assert "/" not in value_text(False, "vi")

"""A part's health as an admin reads it: Vietnamese (then English) labels and plain values, not dicts.

Parts report `health()` as nested dicts (printers by id, LED boards by address, the voice queue); the
devices page shows each key as a labelled line, a missing or empty value as "—"."""

from __future__ import annotations

from typing import Any

from server.messages import MESSAGES, text
from server.messages.numbers import written

NONE_TEXT = "—"


def label(key: str) -> tuple[str, str]:
    """(Vietnamese, English) from the catalogue; a key no part has named yet is shown as it is."""
    code = f"health.{key}"
    return (text(code, "vi"), text(code, "en")) if code in MESSAGES else (key, "")


def _in(lang: str, key: str) -> str:
    """The label of `key` in the page's language (the Vietnamese when a key has no English yet)."""
    vi, en = label(key)
    return en if lang == "en" and en else vi


def value_text(value: Any, lang: str = "vi") -> str:
    """One line in the page's language: a dict as `label: value` pairs (nested ones in parentheses), a yes/no in
    words, nothing as "—"."""
    if value is None or value == {} or value == []:
        return NONE_TEXT
    if isinstance(value, bool):
        return _in(lang, "yes" if value else "no")
    if isinstance(value, dict):
        return "; ".join(f"{_in(lang, str(k))}: {_nested(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, lang) for v in value)
    if isinstance(value, int | float):
        return written(value, lang=lang)
    return str(value)


def _nested(value: Any, lang: str) -> str:
    return f"({value_text(value, lang)})" if isinstance(value, dict) and value else value_text(value, lang)


def rows(state: dict[str, Any], lang: str = "vi") -> list[tuple[str, str, str]]:
    """(Vietnamese label, English label, text in `lang`) for every key but `ready`."""
    return [(*label(k), value_text(v, lang)) for k, v in state.items() if k != "ready"]

"""A part's health as an admin reads it: Vietnamese (then English) labels and plain values, not dicts.

Parts report `health()` as nested dicts (printers by id, LED boards by address, the voice queue); the
devices page shows each key as a labelled line, a missing or empty value as "—"."""

from __future__ import annotations

from typing import Any

from server.messages import MESSAGES, text

NONE_TEXT = "—"


def label(key: str) -> tuple[str, str]:
    """(Vietnamese, English) from the catalogue; a key no part has named yet is shown as it is."""
    code = f"health.{key}"
    return (text(code, "vi"), text(code, "en")) if code in MESSAGES else (key, "")


def value_text(value: Any) -> str:
    """One line: a dict as `label: value` pairs (nested ones in parentheses), nothing as "—"."""
    if value is None or value == {} or value == []:
        return NONE_TEXT
    if isinstance(value, bool):
        return " / ".join(label("yes" if value else "no"))
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))[0]}: {_nested(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def _nested(value: Any) -> str:
    return f"({value_text(value)})" if isinstance(value, dict) and value else value_text(value)


def rows(state: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(Vietnamese label, English label, text) for every key but `ready`."""
    return [(*label(k), value_text(v)) for k, v in state.items() if k != "ready"]

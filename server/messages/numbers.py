"""How a number is written for a reader: 1.234,5 in Vietnamese (dot between thousands, comma before decimals),
1,234.5 in English; a whole number without decimals; "–" for none (no call today, no rating this month)."""

from __future__ import annotations


def written(value: float | int | None, digits: int = 1, lang: str = "vi") -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text

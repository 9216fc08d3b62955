"""The one message catalogue: every user-facing sentence and label, Vietnamese first, English second.

Each area keeps its table in a module of this package (common, queue, admin, ...; the pages' own words in
kiosk, booking, console, display, reports_page; the label tables in labels). They are listed below by import:
nothing adds itself at import time, and a code defined twice fails here, at start.

The server looks text up with `text(code, lang, **params)`; `{name}` placeholders are filled from the error's
parameters. Pages get theirs from `page_texts(area, ...)`, rendered into the page as a JSON block by
`texts_script`, so no page script keeps a copy of a catalogue sentence.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from server.messages import (
    admin,
    admin_pages,
    appointments,
    booking,
    cli,
    common,
    console,
    demo,
    display,
    hub,
    kiosk,
    labels,
    mobile,
    pairing,
    queue,
    reports,
    reports_page,
    setup,
    storage,
)

LANGS = ("vi", "en")
AREAS = (common, queue, admin, appointments, storage, mobile, reports, hub, labels, kiosk, booking, console, display,
         reports_page, demo, admin_pages, pairing, cli, setup)


def _merge(*tables: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """One table from the areas' tables; a code in two areas is a mistake the catalogue refuses."""
    merged: dict[str, tuple[str, str]] = {}
    for table in tables:
        for code, pair in table.items():
            if code in merged:
                raise KeyError(f"message {code} is defined in two areas")
            merged[code] = pair
    return merged


MESSAGES: dict[str, tuple[str, str]] = _merge(*(area.MESSAGES for area in AREAS))


class Both(NamedTuple):
    """A message parameter kept in both languages (a field's label, a step's name): `text` fills in the one of
    the message's language, so a Vietnamese error never carries "Tiếp nhận (Receive)"."""

    vi: str
    en: str


def text(code: str, lang: str = "vi", **params: Any) -> str:
    """The message for `code` in `lang`, with placeholders filled; unknown codes fall back to the code."""
    pair = MESSAGES.get(code)
    if pair is None:
        return code
    template = pair[1] if lang == "en" else pair[0]
    params = {k: (v.en if lang == "en" else v.vi) if isinstance(v, Both) else v for k, v in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def pair(code: str) -> tuple[str, str]:
    """(Vietnamese, English) of `code`, placeholders left as they are (for a page or a table column)."""
    return MESSAGES.get(code, (code, code))


def page_texts(area: str, *more: str) -> dict[str, list[str]]:
    """A page's words: the entries of `area` under their short key (`kiosk.offline` -> `offline`), then the
    entries of each of `more` (other areas or label tables) under their full code (`outcome.refused`)."""
    texts = {code.removeprefix(f"{area}."): list(p) for code, p in MESSAGES.items() if code.startswith(f"{area}.")}
    for prefix in more:
        texts.update({code: list(p) for code, p in MESSAGES.items() if code.startswith(f"{prefix}.")})
    return texts


def texts_script(area: str, *more: str) -> Markup:
    """`<script type="application/json" id="texts">` holding `page_texts(area, *more)`: the page's script reads it
    (a data block runs nothing, so the CSP allows it). `<`, `>` and `&` are written as JSON escapes so no text
    can close the block."""
    data = json.dumps(page_texts(area, *more), ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/json" id="texts">{data}</script>')


def both(code: str, **params: Any) -> Markup:
    """`data-vi="…" data-en="…"` for an element whose script switches its language (the text escaped)."""
    return Markup(f'data-vi="{escape(text(code, "vi", **params))}" data-en="{escape(text(code, "en", **params))}"')


def template_globals() -> dict[str, Any]:
    """What every page template may call: `say(code, lang='vi')`, `both(code)`, `texts_script(area, ...)`."""
    return {"say": text, "both": both, "texts_script": texts_script, "label_pair": pair}

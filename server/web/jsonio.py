"""JSON out of the server, in one place: UTF-8 (Vietnamese as itself, not \\u escapes), compact, through
orjson (every answer and every live message is encoded here)."""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(obj: Any) -> str:
    return orjson.dumps(obj, option=_OPTIONS).decode()


def dumps_bytes(obj: Any) -> bytes:
    return orjson.dumps(obj, option=_OPTIONS)

"""The SQLite store: one writer thread, read connections, migrations (through sqlite-utils)."""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """sqlite-utils imports numpy and pandas when they are installed (matplotlib brings numpy), only to
    convert their values on insert; motcua never hands it any. numpy loads OpenBLAS and its threads:
    ~8 MB of a server that should stay under 80. Reports still import numpy (with matplotlib) when they
    draw a chart; this only keeps sqlite-utils from loading it at start."""
    if "sqlite_utils" in sys.modules:
        return
    blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import numpy` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in blocked:
            del sys.modules[name]


_import_sqlite_utils_without_numpy()

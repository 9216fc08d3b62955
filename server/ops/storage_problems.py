"""What the IT officer reads when the database cannot be served or written: which file, what is wrong,
what to do. Codes come from `store/integrity.py` (`DatabaseProblem.code`) and `store/health.py`."""

from __future__ import annotations

from typing import Any

from server.messages import text
from server.store.integrity import DatabaseProblem


def explain(problem: DatabaseProblem) -> str:
    """Vietnamese, then English: for the terminal or the system journal."""
    params = {"file": problem.path, "folder": problem.path.parent, "detail": problem.detail or "—"}
    return "\n".join(f"motcua: {text(f'db.{problem.code}', lang, **params)}" for lang in ("vi", "en"))


def storage_alerts(state: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(Vietnamese, English) sentences for the admin about the `storage` service's health, worst first."""
    if not state:
        return []
    found = []
    params = {"file": state.get("file", ""), "free_mb": state.get("free_mb"),
              "detail": "; ".join(state["quick_check"][:3]) if isinstance(state.get("quick_check"), list) else ""}
    if state.get("disk_full"):
        found.append("storage.disk_full")
    if params["detail"]:
        found.append("storage.damaged")
    if state.get("low_space") and not state.get("disk_full"):
        found.append("storage.low_space")
    return [(text(code, "vi", **params), text(code, "en", **params)) for code in found]

"""Settings decisions: an admin changes one section of the office's settings (server/settings.py).

The new section is checked by the same pydantic models as the TOML file (server/config.py), together with the
other sections (some checks span sections), and stored with a line in the audit log naming each key that
changed, in one writer decision. A refusal names the key and the reason in Vietnamese and English.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from server.config import STORED_SECTIONS, Config, _message
from server.domain.errors import Invalid
from server.messages import text
from server.services.context import Ctx
from server.settings import compose, section_values
from server.store import accounts
from server.store import settings as store
from server.store.tx import Tx

SECRET_KEYS = {("sync", "key")}  # written to the audit log as changed, never as their value
LOGO = "logo"
LOGO_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
LOGO_MAX_BYTES = 512 * 1024


def _reason(error: Any, lang: str) -> str:
    """Why pydantic refused a value, in Vietnamese (the catalogue's `settings.reason.*`) or the model's English."""
    kind = error["type"]
    code = f"settings.reason.{kind}"
    if lang == "en" or text(code) == code:
        return _message(error)
    params = {key: (f"{value:g}" if isinstance(value, float) else value) for key, value in
              (error.get("ctx") or {}).items()}
    return text(code, "vi", value=error.get("input"), **params)


def problems(exc: ValidationError, section: str, labels: dict[str, str] | None = None) -> dict[str, str]:
    """The refusal as `vi` and `en` sentences, one problem per line, each naming the key (its label in Vietnamese
    when the page gave one)."""
    lines: dict[str, list[str]] = {"vi": [], "en": []}
    for error in exc.errors(include_url=False):
        loc = [str(p) for p in error["loc"]]
        key = ".".join(loc[1:]) if loc and loc[0] == section else ".".join(loc)
        for lang in ("vi", "en"):
            name = (labels or {}).get(key, key) if lang == "vi" else key
            where = f"[{section}] {name}".strip() if name else f"[{section}]"
            lines[lang].append(f"{where}: {_reason(error, lang)}")
    return {lang: "; ".join(found) for lang, found in lines.items()}


def check(current: Config, section: str, value: Any, labels: dict[str, str] | None = None) -> Config:
    """The whole configuration with `section` replaced, checked by the configuration model."""
    if section not in STORED_SECTIONS:
        raise Invalid("settings_unknown_section", section=section)
    raw = current.model_dump(mode="json")
    raw[section] = value
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        found = problems(exc, section, labels)
        raise Invalid("admin_form_invalid", vi=found["vi"], en=found["en"]) from None


def _changes(section: str, before: Any, after: Any) -> dict[str, Any]:
    """What the audit log keeps: each key that changed, old and new (a secret only as changed)."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return {"before": before, "after": after}
    out: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            out[key] = "(changed)" if (section, key) in SECRET_KEYS else [before.get(key), after.get(key)]
    return out


def save_section(tx: Tx, ctx: Ctx, boot: Config, section: str, value: Any, labels: dict[str, str] | None,
                 ip: str) -> dict[str, Any]:
    """Store one section after the model accepted it; returns the keys that changed (as audited)."""
    current = compose(boot, store.sections(tx.conn))
    new = check(current, section, value, labels)
    before = section_values(current, (section,))[section]
    after = section_values(new, (section,))[section]
    changed = _changes(section, before, after)
    if not changed:
        return {}
    store.save(tx.conn, section, after, ctx.now, ctx.actor)
    if section == "office":
        store.set_office_row(tx.conn, new.office.code, new.office.name, new.office.address)
    accounts.audit(tx.conn, ctx.now, ctx.actor, f"settings.{section}", {"changed": changed}, ip)
    return changed


def logo_type(data: bytes) -> str:
    """The picture's type from its first bytes (the browser's claim is not trusted)."""
    if len(data) > LOGO_MAX_BYTES:
        raise Invalid("settings_logo_too_big", max_kb=LOGO_MAX_BYTES // 1024)
    for content_type, magic in LOGO_TYPES.items():
        if data.startswith(magic):
            return content_type
    raise Invalid("settings_logo_type")


def save_logo(tx: Tx, ctx: Ctx, data: bytes | None, ip: str) -> str:
    """Store (or, with None, remove) the office's logo; returns its hash ('' when removed)."""
    if data is None:
        store.delete_file(tx.conn, LOGO)
        accounts.audit(tx.conn, ctx.now, ctx.actor, "settings.logo", {"removed": True}, ip)
        return ""
    content_type = logo_type(data)
    digest = store.save_file(tx.conn, LOGO, content_type, data, ctx.now)
    accounts.audit(tx.conn, ctx.now, ctx.actor, "settings.logo", {"type": content_type, "bytes": len(data),
                                                                   "sha256": digest}, ip)
    return digest

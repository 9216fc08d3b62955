"""Preparing a mobile-session laptop: its config (mobile mode, its own machine id and number series) and a new
database holding the office's catalogue only (server/store/laptop.py says which tables travel). Used by
`motcua mobile prepare` (a folder) and the admin's mobile page (a zip to download).

The database is written under another name and renamed when complete, so a half-made one never looks ready.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from server.config import Config, ConfigError, from_dict
from server.domain.errors import DomainError
from server.services.calendar import settings_from
from server.services.context import Ctx
from server.store import accounts, catalog
from server.store import laptop as laptop_store
from server.store.db import connect
from server.store.tx import Tx
from server.store.writer import Writer

CONFIG_NAME = "motcua.toml"


def laptop_sections(office: Any, machine_id: str, place: str, series: str, host: str, port: int,
                    data_dir: str) -> dict[str, dict[str, Any]]:
    """The laptop's config file: the machine's part, the office's name and code, and mobile mode."""
    return {
        "server": {"data_dir": data_dir, "host": host, "port": port, "machine_id": machine_id},
        "office": {"code": office.code, "name": office.name, "timezone": office.timezone, "hotline": office.hotline},
        "mobile": {"enabled": True, "place": place, "series": series},
    }


def laptop_config(sections: dict[str, dict[str, Any]], office_machine_id: str) -> Config:
    """The sections checked by the config's own models; the laptop may not take the office's machine id."""
    try:
        laptop = from_dict(sections)
        settings_from(laptop)
    except ConfigError as exc:
        raise DomainError("mobile_prepare_bad_config", status=422, detail=str(exc)) from None
    if laptop.server.machine_id == office_machine_id:
        raise DomainError("mobile_prepare_same_machine", status=422, machine=laptop.server.machine_id)
    return laptop


def config_text(sections: dict[str, dict[str, Any]], source: str) -> str:
    """Flat TOML sections (strings, numbers and booleans written as JSON, which TOML reads the same)."""
    out = [f"# The laptop of a mobile session, prepared from {source}.",
           "# Add its ticket printer ([[printers]]) here; move data_dir if the folder moves.", ""]
    for name, values in sections.items():
        out += [f"[{name}]", *(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in values.items()), ""]
    return "\n".join(out)


async def build_database(laptop: Config, db_file: Path, office_db: Path) -> dict[str, int]:
    """A new database at `db_file` with the office's catalogue; the rows copied per table. Refused (and nothing
    left behind) when the laptop's series is not one of the office's number series."""
    if db_file.exists():
        raise DomainError("mobile_prepare_exists", path=str(db_file))
    if not office_db.exists():
        raise DomainError("mobile_prepare_no_office", path=str(office_db))
    part = db_file.with_name(db_file.name + ".part")
    part.unlink(missing_ok=True)
    source = connect(office_db, readonly=True)
    series = laptop.mobile.series

    def copy(tx: Tx) -> dict[str, int]:
        copied = laptop_store.copy_catalogue(tx, source)
        if series not in {s["key"] for s in catalog.all_series(tx)}:
            raise DomainError("mobile_series_missing", status=422, series=series)
        return copied

    writer = Writer(part, origin=laptop.server.machine_id)
    try:
        await writer.start()
        try:
            copied = await writer.run(copy)
        finally:
            await writer.stop()
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    part.replace(db_file)
    return copied


def note_prepared(tx: Tx, ctx: Ctx, what: dict[str, Any], ip: str | None = None) -> None:
    """The audit line of a laptop prepared from the admin page: the catalogue (with staff accounts) left the
    office on it."""
    accounts.audit(tx, ctx.now, ctx.actor, "mobile.prepare", what, ip)

"""/admin/mobile: mobile sessions from the admin page, as `motcua mobile prepare` and `motcua import` do them.

Prepare: the form (laptop id, place, number series, how other devices reach it, port, its data folder) is checked
by the config's own models (services/laptop.py), a catalogue-only database is made in a temporary folder and the
admin downloads a zip of it with its config and a short guide; an audit line says the catalogue left the office.
Import: the laptop's JSON Lines file is uploaded and merged by the decision `motcua import` runs
(services/mobile.py), a file already imported is refused; the page shows what was merged from the decision's
audit line after its redirect, and the list of past imports (mobile_imports).
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from pathlib import Path

from aiohttp import web

from server.domain.errors import DomainError, Invalid
from server.keys import CONFIG, OFFICE_SETTINGS, READER, RECEIVED_AT
from server.pages.admin.site import admin_only, decide, error_text, form_of, local_time, render, uploaded_file
from server.services import laptop as svc
from server.services import mobile
from server.store import admin as admin_store
from server.store import calendar as store
from server.store import catalog

HOSTS = {"127.0.0.1": "mobile_page.host_local", "0.0.0.0": "mobile_page.host_lan"}
DEFAULTS = {"machine_id": "laptop-1", "place": "", "series": "LD", "host": "0.0.0.0", "port": "8080",
            "data_dir": "/var/lib/motcua"}
GUIDE = """Máy lưu động {machine} — {place}
Chuẩn bị từ {office} lúc {at}.

1. Giải nén tệp này vào thư mục {data_dir} trên máy lưu động (thư mục đó chứa motcua.db và motcua.toml).
2. Thêm máy in phiếu vào motcua.toml ([[printers]]) nếu có.
3. Chạy: motcua serve --config {data_dir}/motcua.toml
4. Sau buổi làm việc: motcua export --config {data_dir}/motcua.toml --out phien.jsonl
   rồi tải tệp phien.jsonl lên trang Quản trị > Phiên lưu động của bộ phận.

Laptop {machine} for {place}, prepared from {office}. Unzip into {data_dir}, run motcua serve --config
{data_dir}/motcua.toml; afterwards export the session and upload the file on the office's admin page.
"""


async def mobile_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                      values: dict[str, str] | None = None) -> web.Response:
    conn = request.app[READER]
    run = request.query.get("run", "")
    entry = admin_store.audit_entry(conn, int(run), "mobile.import") if run.isdigit() else None
    return await render(request, "mobile.html", status=status, error=error, values={**DEFAULTS, **(values or {})},
                        series=catalog.all_series(conn), hosts=HOSTS,
                        office_machine=request.app[CONFIG].server.machine_id,
                        result=entry["detail"] if entry else None, tables=store.MOBILE_TABLES,
                        imports=store.past_imports(conn))


def _zip(folder: Path, guide: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.iterdir()):
            z.write(path, path.name)
        z.writestr("HUONG-DAN.txt", guide)
    return out.getvalue()


async def prepare(request: web.Request) -> web.StreamResponse:
    """The laptop's files as a zip download; a refusal is shown on the page with what was typed."""
    form = await form_of(request)
    values = {k: form.get(k, "").strip() for k in DEFAULTS}
    office, cfg = request.app[OFFICE_SETTINGS].current.office, request.app[CONFIG]
    try:
        if not values["port"].isdigit() or not 1 <= int(values["port"]) <= 65535:
            raise Invalid("mobile_prepare_bad_port")
        if values["host"] not in HOSTS:
            raise Invalid("invalid_input", detail="host")
        sections = svc.laptop_sections(office, values["machine_id"], values["place"], values["series"],
                                       values["host"], int(values["port"]), values["data_dir"])
        laptop = svc.laptop_config(sections, cfg.server.machine_id)
        with tempfile.TemporaryDirectory(prefix="motcua-laptop-") as tmp:
            folder = Path(tmp)
            copied = await svc.build_database(laptop, folder / "motcua.db", cfg.db_file)
            (folder / svc.CONFIG_NAME).write_text(svc.config_text(sections, f"{office.name} ({office.code})"),
                                                  encoding="utf-8")
            at = local_time(request.app, request[RECEIVED_AT])
            await decide(request, svc.note_prepared, {**{k: values[k] for k in DEFAULTS}, "copied": copied})
            guide = GUIDE.format(machine=values["machine_id"], place=values["place"], office=office.name,
                                 data_dir=values["data_dir"].rstrip("/"), at=at)
            body = await asyncio.to_thread(_zip, folder, guide)
    except DomainError as exc:
        return await mobile_page(request, status=exc.status, error=error_text(exc), values=values)
    name = f"motcua-{values['machine_id']}.zip"
    return web.Response(body=body, content_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


async def upload(request: web.Request) -> web.StreamResponse:
    try:
        name, data = await uploaded_file(request, "mobile_no_file", mobile.MAX_BYTES)
        answer = await decide(request, mobile.import_upload, mobile.parse_upload(data), name)
    except DomainError as exc:
        return await mobile_page(request, status=exc.status, error=error_text(exc))
    raise web.HTTPSeeOther(f"/admin/mobile?run={answer['run']}#result")


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/mobile", admin_only(mobile_page))
    r.add_post("/admin/mobile/prepare", admin_only(prepare))
    r.add_post("/admin/mobile/import", admin_only(upload))

"""The procedure catalogue through the admin pages (issue 21): importing the file a portal exports (preview, then
one audited step), exporting it in the same shape, and a procedure's own page (its "4 tại chỗ" steps, letter,
required documents and fee).

The fixture, tests/data/tthc_cap_xa.csv, holds 116 commune-level procedures in the 22 columns of the Đà Nẵng
provincial public-service portal's procedure pages (header row as collected by the public crawler
cuongnn68/dichvucong-crawler, start_crawl.py, from dichvucong.danang.gov.vn); see tests/data/README.md for which
codes are the national database's and which rows are composed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from openpyxl import Workbook, load_workbook

from server.config import Config
from server.domain.catalogue import EXPORT_HEAD
from server.keys import CONFIG
from tests.conftest import KIOSK, issue, login, make_config, staff_at
from tests.server.pages.test_admin import admin_session

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "tthc_cap_xa.csv"
DAY = "2026-11-23"


@pytest.fixture
def config(tmp_path: Any) -> Config:
    return make_config(tmp_path, voice={"enabled": False})


def fixture_rows() -> tuple[list[str], list[list[str]]]:
    with FIXTURE.open(encoding="utf-8", newline="") as f:
        head, *rows = list(csv.reader(f))
    return head, rows


def portal_xlsx(head: list[str], rows: list[list[str]]) -> bytes:
    """The fixture as a portal's "Xuất Excel" file: a title line, then the column titles, then the rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA ỦY BAN NHÂN DÂN CẤP XÃ"])
    ws.append(head)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def db(client: TestClient, sql: str, *args: Any) -> list[tuple]:
    with sqlite3.connect(client.app[CONFIG].db_file) as conn:
        return conn.execute(sql, args).fetchall()


def catalogue_dump(client: TestClient) -> list[tuple]:
    return db(client, "SELECT * FROM procedures ORDER BY id") + db(client, "SELECT * FROM fields ORDER BY id") + \
        db(client, "SELECT * FROM number_series ORDER BY key")


async def upload(client: TestClient, csrf: str, name: str, data: bytes) -> aiohttp.ClientResponse:
    form = aiohttp.FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return await client.post("/admin/procedures/import", data=form, allow_redirects=False)


async def preview(client: TestClient, csrf: str, name: str, data: bytes) -> tuple[str, dict[str, int]]:
    """Upload a file; answer its preview's address and counts."""
    r = await upload(client, csrf, name, data)
    assert r.status == 303, await r.text()
    where = r.headers["Location"]
    page = await (await client.get(where)).text()
    counts = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}
    return where, counts


async def apply(client: TestClient, csrf: str, where: str, missing: str = "keep") -> str:
    r = await client.post(where, data={"csrf": csrf, "missing": missing}, allow_redirects=False)
    assert r.status == 303, await r.text()
    return await (await client.get(r.headers["Location"])).text()


async def test_portal_catalogue_imports_in_one_audited_step_and_its_procedures_issue_tickets(
        client: TestClient) -> None:
    head, rows = fixture_rows()
    assert len(rows) >= 100
    codes = {r[1] for r in rows}
    office = {c for (c,) in db(client, "SELECT code FROM procedures")}
    before = catalogue_dump(client)
    csrf = await admin_session(client)

    where, counts = await preview(client, csrf, "tthc.xlsx", portal_xlsx(head, rows))
    assert counts == {"new": len(codes - office), "changed": len(codes & office), "unchanged": 0,
                      "missing": len(office - codes), "new_fields": counts["new_fields"]}
    assert counts["new"] > 80 and counts["new_fields"] >= 10
    assert catalogue_dump(client) == before, "the preview changes nothing"

    page = await apply(client, csrf, where)
    assert "Đã áp dụng" in page
    stored = {c: (name, active) for c, name, active in db(client, "SELECT code, name_vi, active FROM procedures")}
    for row in rows:
        assert stored[row[1]] == (row[0], 1)
    assert office - codes <= set(stored), "procedures the file leaves out are kept"

    # each new field has its own block of numbers, overlapping no other
    blocks = sorted(db(client, 'SELECT start, "end" FROM number_series'))
    assert all(a[1] < b[0] for a, b in zip(blocks, blocks[1:], strict=False))
    (child,) = db(client, "SELECT p.id, s.start, s.\"end\" FROM procedures p JOIN fields f ON f.id = p.field_id "
                          "JOIN number_series s ON s.key = f.series WHERE f.name_vi = 'Trẻ em' LIMIT 1")
    ticket = await issue(client, child[0])
    assert child[1] <= int(ticket["number"]) <= child[2]
    (mobile_birth,) = db(client, "SELECT id, letter, fee, legal_time FROM procedures WHERE code = '9.000101'")
    assert mobile_birth[1] == "congratulation"  # "Đăng ký khai sinh lưu động": a birth, with a letter
    r = await client.post("/api/tickets", json={"procedure_id": mobile_birth[0]}, headers=KIOSK)
    assert r.status == 201, await r.text()

    # the office's own choices stay: khai sinh keeps its four steps and its same-day return
    ((steps, same_day, fee, legal),) = db(client, "SELECT steps, same_day, fee, legal_time FROM procedures "
                                                  "WHERE code = '1.001193'")
    assert len(json.loads(steps)) == 4 and same_day == 1
    assert fee == "Lệ phí: Miễn lệ phí" and legal.startswith("Ngay trong ngày tiếp nhận hồ sơ")
    ((action, detail),) = db(client, "SELECT action, detail FROM audit_log WHERE action = 'procedures.import'")
    assert json.loads(detail)["new"] == counts["new"]

    # the same preview applied twice is refused: the first apply already happened
    r = await client.post(where, data={"csrf": csrf, "missing": "keep"})
    assert r.status == 409 and "đã được áp dụng" in await r.text()


async def test_importing_the_same_file_again_changes_nothing(client: TestClient) -> None:
    head, rows = fixture_rows()
    csrf = await admin_session(client)
    data = FIXTURE.read_bytes()
    where, _ = await preview(client, csrf, "tthc.csv", data)
    await apply(client, csrf, where)
    after = catalogue_dump(client)

    where, counts = await preview(client, csrf, "tthc.csv", data)
    assert counts["new"] == counts["changed"] == counts["new_fields"] == 0
    assert counts["unchanged"] == len(rows)
    await apply(client, csrf, where)
    assert catalogue_dump(client) == after


BAD_FILES = {
    "broken.xlsx": (b"PK\x03\x04 not really a workbook", "Không đọc được tệp", "could not be read"),
    "no-titles.csv": ("STT,Tên,Ghi chú\n1,Đăng ký khai sinh,\n".encode(), "Không thấy dòng tiêu đề",
                      "No title row"),
    "bad-rows.csv": ("Mã thủ tục,Tên thủ tục,Lĩnh vực\n1.001193,Đăng ký khai sinh,Hộ tịch\n,Đăng ký kết hôn,Hộ tịch\n"
                     "1.001193,Đăng ký khai sinh,Hộ tịch\n".encode(),
                     "dòng 3: thiếu mã thủ tục (Đăng ký kết hôn); dòng 4: mã 1.001193 trùng dòng 2",
                     "line 3: no procedure code (Đăng ký kết hôn); line 4: code 1.001193 repeats line 2"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
async def test_a_file_that_cannot_be_used_is_refused_in_both_languages_and_nothing_changes(
        client: TestClient, name: str) -> None:
    data, vi, en = BAD_FILES[name]
    before = catalogue_dump(client)
    csrf = await admin_session(client)
    r = await upload(client, csrf, name, data)
    assert r.status == 422
    page = await r.text()
    assert vi in page and en not in page and "Traceback" not in page
    await client.get("/admin/lang/en")  # English behind the admin's language switch
    page = await (await upload(client, csrf, name, data)).text()
    assert en in page and vi not in page
    assert catalogue_dump(client) == before
    assert db(client, "SELECT COUNT(*) FROM catalogue_imports") == [(0,)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_export_gives_the_portal_shape_and_imports_back_unchanged(client: TestClient, fmt: str) -> None:
    csrf = await admin_session(client)
    where, _ = await preview(client, csrf, "tthc.csv", FIXTURE.read_bytes())
    await apply(client, csrf, where)
    after = catalogue_dump(client)
    total = len(db(client, "SELECT id FROM procedures"))

    r = await client.get("/admin/procedures/export", params={"format": fmt})
    assert r.status == 200
    data = await r.read()
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(data)).active
        head = [c.value for c in ws[1]]
        by_code = {row[2]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    else:
        assert data.startswith("\ufeff".encode()) and b";" in data.split(b"\r\n")[0]
        head, *body = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        by_code = {row[2]: row for row in body}
    assert head[:len(EXPORT_HEAD)] == list(EXPORT_HEAD)
    assert by_code["1.001193"][1] == "Đăng ký khai sinh" and by_code["1.001193"][head.index("Lệ phí")] == "Miễn lệ phí"
    assert len(by_code) == total

    where, counts = await preview(client, csrf, f"export.{fmt}", data)
    assert counts == {"new": 0, "changed": 0, "unchanged": total, "missing": 0, "new_fields": 0}
    await apply(client, csrf, where)
    assert catalogue_dump(client) == after


# --- a procedure's own page --------------------------------------------------------------------------------------

COPY_EXTRACT = 7  # Cấp bản sao trích lục hộ tịch: same day, three steps, no approval (demo catalogue)
REREGISTER_BIRTH = 8  # Đăng ký lại khai sinh: no letter in the demo catalogue


def procedure_form(client: TestClient, procedure_id: int, csrf: str, **details: str) -> dict[str, str]:
    cols = ("code", "name_vi", "name_en", "field_id", "legal_days", "same_day", "service_target_min",
            "kiosk_visible", "active", "sort", "keywords")
    (row,) = db(client, f"SELECT {', '.join(cols)} FROM procedures WHERE id = ?", procedure_id)
    form = {c: str(v) for c, v in zip(cols, row, strict=True)}
    for flag in ("same_day", "kiosk_visible", "active"):
        form[flag] = "on" if form[flag] == "1" else ""
    return {**form, "csrf": csrf, **details}


async def test_steps_set_on_the_procedure_page_drive_the_console_step_timers(client: TestClient) -> None:
    csrf = await admin_session(client)
    steps = {"step_receive": "on", "target_receive": "4", "step_appraise": "on", "target_appraise": "6",
             "step_approve": "on", "target_approve": "7", "step_return": "on", "target_return": "3"}
    r = await client.post(f"/admin/procedures/{COPY_EXTRACT}", data=procedure_form(client, COPY_EXTRACT, csrf,
                                                                                  **steps), allow_redirects=False)
    assert r.status == 303, await r.text()
    page = await (await client.get(f"/admin/procedures/{COPY_EXTRACT}")).text()
    assert 'name="target_approve" value="7"' in page

    staff = await staff_at(client, 3)
    await issue(client, COPY_EXTRACT)
    tid = (await (await client.post("/api/counters/3/call-next", headers=staff)).json())["ticket"]["id"]
    assert (await client.post(f"/api/counters/3/tickets/{tid}/start", headers=staff)).status == 200
    for name in ("receive", "appraise", "approve"):
        r = await client.post(f"/api/counters/3/tickets/{tid}/steps/{name}/start", headers=staff)
        assert r.status == 200, await r.text()
        if name != "approve":
            assert (await client.post(f"/api/counters/3/tickets/{tid}/steps/{name}/end", headers=staff)).status == 200
    body = await (await client.get(f"/api/tickets/{tid}/steps", headers=staff)).json()
    assert [(s["step"], s["target_min"]) for s in body["steps"]] == [("receive", 4), ("appraise", 6), ("approve", 7),
                                                                      ("return", 3)]
    r = await client.post(f"/api/counters/3/tickets/{tid}/steps/approve/end", headers=staff)
    assert r.status == 403, "approval is a leader's step"


async def test_a_bad_step_target_is_refused_in_both_languages_and_nothing_changes(client: TestClient) -> None:
    csrf = await admin_session(client)
    before = catalogue_dump(client)
    form = procedure_form(client, COPY_EXTRACT, csrf, step_receive="on", target_receive="0", letter="")
    r = await client.post(f"/admin/procedures/{COPY_EXTRACT}", data=form)
    assert r.status == 422
    page = await r.text()
    assert "Tiếp nhận: thời gian mục tiêu phải là số phút, từ 1 đến 480." in page and "Receive" not in page
    await client.get("/admin/lang/en")  # English behind the admin's language switch
    page = await (await client.post(f"/admin/procedures/{COPY_EXTRACT}", data=form)).text()
    assert "Receive: the target must be a number of minutes, from 1 to 480" in page and "Tiếp nhận:" not in page
    assert catalogue_dump(client) == before


async def test_a_letter_category_set_on_the_page_counts_in_the_letters_report(client: TestClient) -> None:
    csrf = await admin_session(client)
    details = {"letter": "congratulation", "fee": "Miễn lệ phí", "legal_time": "05 ngày làm việc",
               "documents": "- Tờ khai đăng ký lại khai sinh\n- Bản sao giấy tờ tùy thân\n\n"}
    r = await client.post(f"/admin/procedures/{REREGISTER_BIRTH}",
                          data=procedure_form(client, REREGISTER_BIRTH, csrf, **details), allow_redirects=False)
    assert r.status == 303, await r.text()
    ((letter, documents, fee),) = db(client, "SELECT letter, documents, fee FROM procedures WHERE id = ?",
                                     REREGISTER_BIRTH)
    assert (letter, json.loads(documents), fee) == ("congratulation", ["Tờ khai đăng ký lại khai sinh",
                                                                       "Bản sao giấy tờ tùy thân"], "Miễn lệ phí")

    staff = await staff_at(client, 3)
    await issue(client, REREGISTER_BIRTH)
    tid = (await (await client.post("/api/counters/3/call-next", headers=staff)).json())["ticket"]["id"]
    assert (await client.post(f"/api/counters/3/tickets/{tid}/start", headers=staff)).status == 200
    r = await client.post(f"/api/counters/3/tickets/{tid}/finish", json={"outcome": "result_returned"},
                          headers=staff)
    assert r.status == 200, await r.text()
    leader = await login(client, "lanhdao")
    letters = await (await client.get("/api/reports/letters", params={"from": DAY, "to": DAY}, headers=leader)).json()
    assert [(r["procedure"], r["birth"]) for r in letters["by_procedure"]] == [("Đăng ký lại khai sinh", 1)]


def test_the_national_layout_brings_required_documents_and_one_fee_column() -> None:
    from server.domain.catalogue import read_table
    from server.services.catalogue_file import read_cells

    text = ("STT;Mã thủ tục;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết;Phí, lệ phí;Thành phần hồ sơ\n"
            '1;1.000894;Đăng ký kết hôn;Hộ tịch;Trong ngày;Miễn lệ phí;"- Tờ khai đăng ký kết hôn\n'
            '- Giấy xác nhận tình trạng hôn nhân"\n')
    rows, optional = read_table(read_cells("national.csv", text.encode("utf-8")))
    (row,) = rows
    assert (row.code, row.name, row.fee, row.same_day, optional) == ("1.000894", "Đăng ký kết hôn", "Miễn lệ phí",
                                                                    True, {"documents"})
    assert row.documents == ("Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân")

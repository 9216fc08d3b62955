"""The admin pages: sign-in, every form through the writer with CSRF and an audit line, clear refusals."""

from __future__ import annotations

import re
import sqlite3

import aiohttp
from aiohttp.test_utils import TestClient

from server.keys import CONFIG
from tests.conftest import KIOSK

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


async def admin_session(client: TestClient, username: str = "admin") -> str:
    """Sign in through the form (cookie kept by the client); answer the CSRF token the pages carry."""
    r = await client.post("/admin/login", data={"username": username, "password": f"{username}-demo"},
                          allow_redirects=False)
    assert r.status == 303, await r.text()
    page = await (await client.get("/admin/fields")).text()
    return CSRF.search(page).group(1)


async def bearer(client: TestClient, username: str, password: str) -> tuple[int, dict[str, str]]:
    """Sign in through the API without touching the admin's cookie in the test client's jar."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as other:
        async with other.post(client.make_url("/api/login"), json={"username": username, "password": password}) as r:
            body = await r.json()
            return r.status, {"Authorization": f"Bearer {body.get('token', '')}"}


async def me(client: TestClient, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as other:
        async with other.get(client.make_url("/api/me"), headers=headers) as r:
            return r.status


def db_rows(client: TestClient, sql: str) -> list[tuple]:
    from server.keys import CONFIG

    with sqlite3.connect(client.app[CONFIG].db_file) as conn:
        return conn.execute(sql).fetchall()


async def test_anonymous_visitor_is_sent_to_the_sign_in_form(client: TestClient) -> None:
    r = await client.get("/admin/procedures", allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/admin/login?next=/admin/procedures"
    page = await (await client.get("/admin/login")).text()
    assert "Đăng nhập quản trị" in page and "Admin sign-in" not in page  # English only behind the switch


# What the admin frame said in English beside every Vietnamese label.
OLD_ENGLISH_IN_ADMIN = ("Administration", "Sign out", "Overview", "Staff accounts", "Audit log", "Saved.",
                        "Every change is written", "Admin sign-in", "Username", "Password")


async def test_the_admin_speaks_vietnamese_and_english_only_behind_its_switch(client: TestClient) -> None:
    await admin_session(client)
    page = await (await client.get("/admin")).text()
    assert "Tổng quan" in page and "Đăng xuất" in page
    assert [w for w in OLD_ENGLISH_IN_ADMIN if w in page] == []
    switched = await client.get("/admin/lang/en?next=/admin", allow_redirects=False)
    assert switched.status == 303 and switched.headers["Location"] == "/admin"
    page = await (await client.get("/admin")).text()
    assert '<html lang="en">' in page and "Overview" in page and "Sign out" in page and "Tiếng Việt" in page
    assert "Tổng quan" not in page and "Đăng xuất" not in page
    await client.get("/admin/lang/vi?next=/admin")
    assert "Tổng quan" in await (await client.get("/admin")).text()
    outside = await client.get("/admin/lang/en?next=https://evil.example/", allow_redirects=False)
    assert outside.headers["Location"] == "/admin"  # the switch goes back to an admin page only


async def test_wrong_password_shows_a_vietnamese_message_and_no_cookie(client: TestClient) -> None:
    r = await client.post("/admin/login", data={"username": "admin", "password": "nope"}, allow_redirects=False)
    assert r.status == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in await r.text()
    assert "motcua_token" not in r.cookies


async def test_staff_signed_in_gets_a_403_page_not_the_admin(client: TestClient) -> None:
    await admin_session_as(client, "canbo1")
    r = await client.get("/admin/users")
    assert r.status == 403
    assert "không có quyền quản trị" in await r.text()


async def admin_session_as(client: TestClient, username: str) -> None:
    r = await client.post("/admin/login", data={"username": username, "password": f"{username}-demo"},
                          allow_redirects=False)
    assert r.status == 303


async def test_overview_nav_links_every_admin_section_including_other_parts(client: TestClient) -> None:
    await admin_session(client)
    page = await (await client.get("/admin")).text()
    for href in ("/admin/office", "/admin/fields", "/admin/procedures", "/admin/counters", "/admin/users",
                 "/admin/devices", "/admin/series", "/admin/priority", "/admin/audit"):
        assert f'href="{href}"' in page, href
    others = {r.get_info().get("path") for r in client.app.router.resources()}
    sections = {path for path in others if path and path.count("/") == 2}
    for path in others:
        if path and path.startswith("/admin/") and "{" not in path and "static" not in path \
                and path not in ("/admin/login", "/admin/logout") \
                and not any(path.startswith(f"{section}/") for section in sections):  # a section's sub-pages
            assert f'href="{path}"' in page, f"nav misses {path}"


async def test_new_procedure_is_saved_through_the_writer_and_audited_with_actor_and_ip(client: TestClient) -> None:
    csrf = await admin_session(client)
    form = {"csrf": csrf, "code": "9.999001", "name_vi": "Đăng ký giám hộ", "name_en": "Guardianship registration",
            "field_id": "1", "legal_days": "3", "service_target_min": "15", "kiosk_visible": "on", "active": "on",
            "sort": "50", "keywords": "giam ho"}
    r = await client.post("/admin/procedures", data=form, allow_redirects=False)
    new_id = db_rows(client, "SELECT id FROM procedures WHERE code = '9.999001'")[0][0]
    # then its page, where its steps, letter, documents and fee are set
    assert r.status == 303 and r.headers["Location"] == f"/admin/procedures/{new_id}?saved=1"
    procs = (await (await client.get("/api/procedures", headers=KIOSK)).json())["procedures"]
    assert any(p["code"] == "9.999001" and p["name_vi"] == "Đăng ký giám hộ" for p in procs)
    actor, action, ip = db_rows(client, "SELECT actor, action, ip FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert (actor, action, ip) == ("user:admin", "procedures.save", "127.0.0.1")
    listing = await (await client.get("/admin/procedures?saved=1")).text()
    assert "Đã lưu" in listing and "Đăng ký giám hộ" in listing


async def test_a_form_without_the_csrf_token_is_refused_and_nothing_is_written(client: TestClient) -> None:
    await admin_session(client)
    before = db_rows(client, "SELECT COUNT(*) FROM fields")[0][0]
    r = await client.post("/admin/fields", data={"code": "X", "name_vi": "X", "name_en": "X", "series": "HT"})
    assert r.status == 403 and (await r.json())["error"]["code"] == "csrf_failed"
    r = await client.post("/admin/fields", data={"csrf": "0" * 32, "code": "X", "name_vi": "X", "name_en": "X",
                                                 "series": "HT"})
    assert r.status == 403
    assert db_rows(client, "SELECT COUNT(*) FROM fields")[0][0] == before


async def test_admin_text_is_escaped_never_run(client: TestClient) -> None:
    csrf = await admin_session(client)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = await client.post("/admin/fields", data={"csrf": csrf, "code": "EV", "name_vi": evil, "name_en": "Evil",
                                                 "series": "HT"}, allow_redirects=False)
    assert r.status == 303
    page = await (await client.get("/admin/fields")).text()
    assert evil not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


async def test_bad_number_and_duplicate_code_come_back_with_the_form_and_a_message(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/counters", data={"csrf": csrf, "number": "bảy", "name_vi": "Quầy 7",
                                                   "name_en": "Counter 7", "grp": "hall", "active": "on"})
    assert r.status == 422
    page = await r.text()
    assert "Số quầy phải là một số." in page and "(Number)" not in page and 'value="Quầy 7"' in page
    r = await client.post("/admin/fields", data={"csrf": csrf, "code": "HT", "name_vi": "Trùng", "name_en": "Dup",
                                                 "series": "HT"})
    assert r.status == 409 and "Đã có Lĩnh vực &#39;HT&#39;." in await r.text()
    r = await client.post("/admin/series", data={"csrf": csrf, "key": "ZZ", "start": "500", "end": "100"})
    assert r.status == 422 and "Số đầu phải nhỏ hơn số cuối." in await r.text()
    assert db_rows(client, "SELECT COUNT(*) FROM counters")[0][0] == 6


async def test_counter_services_are_edited_with_the_counter_in_one_decision(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/counters/1", data=[
        ("csrf", csrf), ("number", "1"), ("name_vi", "Quầy số 1"), ("name_en", "Counter 1"), ("grp", "hall"),
        ("active", "on"), ("field_ids", "1"), ("field_ids", "2"), ("procedure_ids", "14"), ("field_ids", "999")],
        allow_redirects=False)
    assert r.status == 303
    counters = (await (await client.get("/api/counters")).json())["counters"]
    one = next(c for c in counters if c["id"] == 1)
    assert one["field_ids"] == [1, 2] and one["procedure_ids"] == [14]
    page = await (await client.get("/admin/counters/1")).text()
    assert 'name="procedure_ids" value="14" checked' in page
    assert (await client.get("/admin/counters/77")).status == 404
    assert (await client.get("/admin/counters/abc")).status == 404


async def test_office_and_series_and_priority_edit(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/office", data={"csrf": csrf, "code": "hoaithanh", "name": "TT PVHCC xã Hoài Thanh",
                                                 "address": "Thôn 1"}, allow_redirects=False)
    assert r.status == 303
    assert (await (await client.get("/api/office")).json())["name"] == "TT PVHCC xã Hoài Thanh"
    r = await client.post("/admin/priority/nguoi_cao_tuoi", data={"csrf": csrf, "code": "renamed",
                                                                 "name_vi": "Người từ 75 tuổi", "name_en": "Aged 75+",
                                                                 "sort": "0"}, allow_redirects=False)
    assert r.status == 303
    rows = db_rows(client, "SELECT code, name_vi, active FROM priority_categories WHERE code = 'nguoi_cao_tuoi'")
    assert rows == [("nguoi_cao_tuoi", "Người từ 75 tuổi", 0)]  # code kept; unticked = inactive


async def test_staff_account_create_reset_and_deactivate(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/users", data={"csrf": csrf, "username": "canbo7", "display_name": "Bùi Thị Thu",
                                                "role": "staff", "password": "mat-khau-7"})
    assert r.status == 200 and "mat-khau-7" in await r.text()
    assert r.headers["Cache-Control"] == "no-store"
    status, h = await bearer(client, "canbo7", "mat-khau-7")
    assert status == 200
    uid = db_rows(client, "SELECT id FROM users WHERE username = 'canbo7'")[0][0]
    r = await client.post(f"/admin/users/{uid}/password", data={"csrf": csrf, "password": ""})
    page = await r.text()
    assert r.status == 200, page
    generated = re.search(r"<p class=\"secret\" id=\"secret\">([^<]+)</p>", page).group(1)
    assert await me(client, h) == 401  # old sign-in ended
    status, h = await bearer(client, "canbo7", generated)
    assert status == 200 and await me(client, h) == 200
    r = await client.post(f"/admin/users/{uid}", data={"csrf": csrf, "display_name": "Bùi Thị Thu", "role": "staff"},
                          allow_redirects=False)
    assert r.status == 303
    assert await me(client, h) == 401
    assert (await bearer(client, "canbo7", generated))[0] == 401
    actions = [a for (a,) in db_rows(client, "SELECT action FROM audit_log WHERE actor = 'user:admin'")]
    assert {"user.create", "user.reset_password", "user.update"} <= set(actions)


async def test_the_last_admin_cannot_lock_themself_out(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/users/1", data={"csrf": csrf, "display_name": "Quản trị viên", "role": "staff",
                                                  "active": "on"})
    assert r.status == 409 and "quản trị viên cuối cùng" in await r.text()
    assert db_rows(client, "SELECT role, active FROM users WHERE id = 1") == [("admin", 1)]
    r = await client.post("/admin/users", data={"csrf": csrf, "username": "x", "display_name": "X", "role": "staff",
                                                "password": "short"})
    assert r.status == 422 and "ít nhất 8 ký tự" in await r.text()


async def test_device_token_is_shown_once_works_and_revoking_stops_it_at_once(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/devices", data={"csrf": csrf, "id": "kiosk-2", "kind": "kiosk",
                                                  "name": "Ki-ốt Hoài Thanh Tây", "printer_id": "kiosk2"})
    page = await r.text()
    token = re.search(r'id="token">([^<]+)<', page).group(1)
    assert f"/kiosk?device={token}" in page
    assert db_rows(client, "SELECT COUNT(*) FROM devices WHERE token_hash = ?".replace("?", "'" + token + "'")) \
        == [(0,)]  # only the hash is stored
    kiosk2 = {"Authorization": f"Bearer {token}"}
    r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=kiosk2)
    assert r.status == 201
    r = await client.post("/admin/devices/kiosk-2/revoke", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303
    r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=kiosk2)
    assert r.status == 401
    r = await client.post("/admin/devices/nope/revoke", data={"csrf": csrf})
    assert r.status == 404 and "Không tìm thấy Thiết bị" in await r.text()


async def test_audit_page_lists_changes_newest_first(client: TestClient) -> None:
    csrf = await admin_session(client)
    await client.post("/admin/fields/1", data={"csrf": csrf, "code": "HT", "name_vi": "Hộ tịch - Chứng thực",
                                               "name_en": "Civil status", "series": "HT"})
    page = await (await client.get("/admin/audit")).text()
    assert page.index("fields.save") < page.index("login")
    assert "127.0.0.1" in page


async def test_a_series_overlapping_another_is_refused_with_a_sentence_and_nothing_written(client: TestClient) -> None:
    csrf = await admin_session(client)
    before = db_rows(client, 'SELECT key, start, "end", prefix FROM number_series ORDER BY key')
    r = await client.post("/admin/series/CT", data={"csrf": csrf, "key": "CT", "name": "Chứng thực", "start": "1500",
                                                    "end": "2999", "prefix": "", "width": "0"})
    page = await r.text()
    assert r.status == 409 and "trùng với dãy HT (1001–1999)" in page and 'value="1500"' in page
    r = await client.post("/admin/series", data={"csrf": csrf, "key": "ZZ", "start": "1990", "end": "2010"})
    assert r.status == 409 and "Dãy số ZZ (1990–2010) trùng với dãy HT" in await r.text()
    assert db_rows(client, 'SELECT key, start, "end", prefix FROM number_series ORDER BY key') == before
    # its own block may change; another prefix makes another set of numbers; so does a block beside it
    for key, start, end, prefix in (("HT", "1001", "1500", ""), ("B1", "1001", "1999", "B"),
                                    ("ZZ", "7001", "7999", "")):
        r = await client.post(f"/admin/series{'/HT' if key == 'HT' else ''}", allow_redirects=False, data={
            "csrf": csrf, "key": key, "name": key, "start": start, "end": end, "prefix": prefix, "width": "0"})
        assert r.status == 303, (key, await r.text())


async def test_a_number_another_series_took_is_a_sentence_at_the_kiosk_not_a_database_message(
        client: TestClient, caplog) -> None:  # noqa: ANN001
    # a database from before the check: Chứng thực's block laid over Hộ tịch's
    with sqlite3.connect(client.app[CONFIG].db_file) as conn:
        conn.execute("UPDATE number_series SET start = 1001 WHERE key = 'CT'")
    first = await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    assert first.status == 201 and (await first.json())["number"] == "1001"
    ct = db_rows(client, "SELECT p.id FROM procedures p JOIN fields f ON f.id = p.field_id WHERE f.series = 'CT'")[0][0]
    r = await client.post("/api/tickets", json={"procedure_id": ct}, headers=KIOSK)
    error = (await r.json())["error"]
    assert r.status == 409 and error["code"] == "number_taken", error
    for said in (error["message"], error["message_en"]):
        assert "1001" in said and "UNIQUE" not in said and "tickets" not in said and "constraint" not in said
    assert "báo cán bộ" in error["message"]
    assert any("UNIQUE" in rec.getMessage() and "CT" in rec.getMessage() for rec in caplog.records)
    assert (await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)).status == 201  # others go on


async def test_a_constraint_the_database_enforces_is_answered_without_its_text(aiohttp_client, caplog) -> None:  # noqa: ANN001
    """Whatever else the database refuses: a sentence for the person, SQLite's words only in the log."""
    from aiohttp import web

    from server.web.errors import error_middleware

    async def refused(request: web.Request) -> web.Response:
        raise sqlite3.IntegrityError("UNIQUE constraint failed: tickets.day, tickets.number")

    app = web.Application(middlewares=[error_middleware])
    app.router.add_post("/api/x", refused)
    client = await aiohttp_client(app)
    r = await client.post("/api/x")
    error = (await r.json())["error"]
    assert r.status == 409 and error["message"].startswith("Không lưu được")
    assert not any(w in error["message"] + error["message_en"] for w in ("UNIQUE", "tickets", "constraint"))
    assert any("UNIQUE constraint failed" in rec.getMessage() for rec in caplog.records)

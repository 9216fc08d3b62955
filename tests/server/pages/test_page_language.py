"""Vietnamese screens say Vietnamese only; English appears only behind the language switch.

Each case is a page and the English its template used to print beside every Vietnamese label (the old
`<span class="en">` copies): none of it may be on the Vietnamese page, all of it after the switch.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient

from server.auth import hash_password
from server.config import from_dict
from server.domain.clock import FakeClock
from server.hub.app import STORE, create_hub_app
from tests.server.pages.test_admin import admin_session
from tests.server.pages.test_catalogue_import import upload

pytest_plugins = ("tests.pg",)  # the hub's pages run on PostgreSQL
DEVICE_NUMBERS = itertools.count(1)


async def get(client: TestClient, url: str, csrf: str) -> str:
    r = await client.get(url)
    assert r.status == 200, url
    return await r.text()


async def reset_password(client: TestClient, url: str, csrf: str) -> str:
    r = await client.post(url, data={"csrf": csrf, "password": ""})
    assert r.status == 200, url
    return await r.text()


async def new_device(client: TestClient, url: str, csrf: str) -> str:
    r = await client.post(url, data={"csrf": csrf, "id": f"kiosk-lang-{next(DEVICE_NUMBERS)}", "kind": "kiosk",
                                     "name": "Ki-ốt thử"})
    assert r.status == 200, url
    return await r.text()


async def catalogue_preview(client: TestClient, url: str, csrf: str) -> str:
    """A one-procedure portal file with a new field, uploaded; its preview page."""
    data = 'Mã thủ tục,Thủ tục,Lĩnh vực,Thời hạn giải quyết,"Phí, lệ phí"\n' \
           "1.000001,Thủ tục thử nghiệm,Lĩnh vực mới thử,5 ngày,Không\n"
    r = await upload(client, csrf, "danh-muc.csv", data.encode())
    assert r.status == 303, await r.text()
    return await get(client, r.headers["Location"], csrf)


ADMIN_PAGES: list[tuple[str, Callable[..., Awaitable[str]], tuple[str, ...]]] = [
    ("/admin/users", get, ("Staff accounts", "Username", "Edit, reset password", "New account",
                           "Password (empty: generated)", ">Staff<", ">Leader<")),
    ("/admin/users/2", get, ("Untick", "Reset password", "New password (empty: generated)", "Back<")),
    ("/admin/users/2/password", reset_password, ("Password for", "Shown once", "Back to the accounts")),
    ("/admin/audit", get, ("Audit log", "Actor", "Action", "Detail")),
    ("/admin/procedures", get, ("Procedures", "Import the portal", "Export XLSX", "Add<",
                                "Name (Vietnamese)", "Shown on the kiosk")),
    ("/admin/procedures/1", get, ("Four on the spot", "Documents and fee", "Letter with the result",
                                  "Target (min)", "a leader approves on the spot", "Save<")),
    ("/admin/counters/1", get, ("Fields served", "Single procedures served")),
    ("/admin/devices", get, (">Kiosk<", "Devices<")),
    ("/admin/devices", new_device, ("New device", "The token is shown once", "Back to the devices")),
    ("/admin/calendar?preset=standard", get, ("Office calendar", "Weekly opening hours", "The usual week is filled in",
                                              "Only procedures (codes)", "Public holidays", "Special days",
                                              "Mobile sessions", "At closing time", "every procedure",
                                              "Remove this row")),
    ("/admin/appointments", get, ("Appointments<", "Bookings of", "Names and phones are shown", "Book for a caller",
                                  "Full name", "The caller agrees", "Slots of", "Cancel, move", 'title="required"')),
    ("/admin/procedures/import", get, ("Import the procedure catalogue", "Catalogue file", "Upload and preview",
                                       "Columns read", "The title row", "The export")),
    ("/admin/procedures/import/1", catalogue_preview, ("Catalogue import: preview", "procedures, uploaded",
                                                       "New procedures (1)", "Fields to be created", "Apply<")),
    ("/admin/settings", get, ("Settings are kept in the database", "The backup runs nightly", "Save<")),
    ("/admin/office", get, ("Name, address and hotline appear", "PNG or JPEG", "Upload<")),
    ("/admin/devices", get, ("Pair a new screen", "Code on the screen", "Find the screen", "Last seen",
                             "Printers, LED boards and services", "Add and make a token")),
    ("/admin/devices/tv-hall/screen", get, ("Changes apply at once", "Name / place", "slip printer",
                                                 "None (the number on screen")),
    ("/admin/slogans", get, ("Administrative-reform slogans", "Slogans scroll", "New slogan", "Weekdays<", ">Mon<",
                             "times an hour", "Enabled", "Save<", "Cancel<", "Back to the overview")),
]


@pytest.mark.parametrize(("url", "fetch", "english"), ADMIN_PAGES, ids=[f"{u}:{f.__name__}" for u, f, _ in ADMIN_PAGES])
async def test_admin_page_is_vietnamese_with_english_behind_the_switch(
        client: TestClient, url: str, fetch: Callable[..., Awaitable[str]], english: tuple[str, ...]) -> None:
    csrf = await admin_session(client)
    page = await fetch(client, url, csrf)
    shown = re.sub(r'<script type="application/json" id="texts">.*?</script>', "", page, flags=re.S)  # not shown
    assert [w for w in english if w in shown] == []
    assert 'class="en"' not in page
    await client.get(f"/admin/lang/en?next={url}")
    page = await fetch(client, url, csrf)
    assert [w for w in english if w not in page] == []


def texts_of(html: str) -> dict[str, list[str]]:
    found = re.search(r'<script type="application/json" id="texts">(.*?)</script>', html, re.S)
    assert found, "the page carries no texts block"
    return json.loads(found.group(1))


# Script pages switch language in the browser: the page carries both languages in its texts block and the
# script keeps no sentence of its own (the old English copies listed here).
SCRIPT_PAGES = [
    ("/reports", "/reports-static/reports.js", {"title": "Waiting time, outcome and satisfaction report",
                                                "no_ratings": "No ratings in this period."},
     ("Waiting time, outcome", "No ratings in this period", "Over target", " days)")),
    ("/counter", "/console-static/counter.js", {"finished_rate": "Ticket {number} finished. The citizen may now rate "
                                                                 "the service.", "keep_as_is": "— keep —"},
     ("The citizen may now rate", "No ticket at the counter", "— keep —", "Transferred")),
    ("/leader", "/console-static/leader.js", {"approved_ok": "Ticket {number} approved."},
     ("approved.", "Well overdue", "Serving ")),
]


@pytest.mark.parametrize(("url", "script", "pairs", "english"), SCRIPT_PAGES, ids=[u for u, *_ in SCRIPT_PAGES])
async def test_script_page_reads_its_words_from_the_catalogue(
        client: TestClient, url: str, script: str, pairs: dict[str, str], english: tuple[str, ...]) -> None:
    page = await client.get(url)
    assert page.status == 200
    texts = texts_of(await page.text())
    assert {key: texts[key][1] for key in pairs} == pairs
    assert all(texts[key][0] != texts[key][1] for key in pairs)  # a Vietnamese sentence first
    source = await (await client.get(script)).text()
    assert [w for w in english if w in source] == []


# Pages with no switch of their own: Vietnamese on screen, the English only inside the closed "English" disclosure.
NOTICE_PAGES = [
    ("/kiosk?device=wrong-token", 403, "Ki-ốt này chưa được đăng ký", "This kiosk is not registered"),
    ("/t/not-a-real-token", 404, "Không tìm thấy vé", "Ticket not found"),
    ("/display?device=wrong-token", 401, "Màn hình chưa được cấp mã thiết bị hợp lệ.", "This screen has no valid"),
]


@pytest.mark.parametrize(("url", "status", "vietnamese", "english"), NOTICE_PAGES, ids=[u for u, *_ in NOTICE_PAGES])
async def test_notice_page_is_vietnamese_with_english_in_a_closed_disclosure(
        client: TestClient, url: str, status: int, vietnamese: str, english: str) -> None:
    r = await client.get(url)
    assert r.status == status
    html = await r.text()
    shown, _, behind = html.partition('<details class="other-lang" lang="en">')
    assert vietnamese in shown and english not in shown
    assert english in behind and "<details open" not in html


async def test_slogan_sign_in_is_vietnamese_with_english_behind_the_switch(client: TestClient) -> None:
    english = ("Administrator sign-in", "Slogans are managed", "Username", "Sign in<")
    r = await client.get("/admin/slogans")
    assert r.status == 401
    page = await r.text()
    assert [w for w in english if w in page] == [] and "Đăng nhập quản trị" in page and 'class="en"' not in page
    await client.get("/admin/lang/en?next=/admin/slogans")
    page = await (await client.get("/admin/slogans")).text()
    assert [w for w in english if w not in page] == [] and '<html lang="en">' in page


async def test_slogan_script_reads_its_words_in_the_page_language(client: TestClient) -> None:
    await admin_session(client)
    texts = texts_of(await (await client.get("/admin/slogans")).text())
    assert texts["confirm_delete"] == ["Xóa khẩu hiệu #{id}?", "Delete slogan #{id}?"]
    await client.get("/admin/lang/en?next=/admin/slogans")
    page = await (await client.get("/admin/slogans")).text()
    assert '<html lang="en">' in page and texts_of(page)["edit_title"][1] == "Edit slogan #{id}"


PICK_LITERAL = re.compile(r"""pick\(\s*["']""")  # pick("Vietnamese", "English") written in the template


def test_admin_templates_say_their_words_from_the_catalogue() -> None:
    """The settings, office and devices/pairing templates keep no (Vietnamese, English) pair of their own."""
    folder = Path(__file__).resolve().parents[3] / "server" / "pages" / "admin" / "templates"
    names = ("settings.html", "_settings_form.html", "office.html", "printers.html", "voice.html", "devices.html",
             "pair_device.html", "device_screen.html", "_screen_fields.html")
    assert [n for n in names if PICK_LITERAL.search((folder / n).read_text(encoding="utf-8"))] == []


async def test_the_devices_page_says_yes_and_no_in_its_language(client: TestClient) -> None:
    """The health rows (the database's "nearly full", "disk full") say "không" or "no", never both."""
    await admin_session(client)
    page = await (await client.get("/admin/devices")).text()
    assert "<dt>sắp đầy</dt><dd>không</dd>" in page and "không / no" not in page
    await client.get("/admin/lang/en?next=/admin/devices")
    page = await (await client.get("/admin/devices")).text()
    assert "<dt>nearly full</dt><dd>no</dd>" in page and "không" not in page


# The province hub's pages: the English they printed beside every label (<small>English</small>).
HUB_PAGES = [
    ("/hub", ("Commune centres", "Month report", "Download", "waiting now", "served today", "Longest wait",
              "Last heard from", "Events behind", "Same definitions", "Sign out", "ratings")),
    ("/hub/centre/an-nhon", ("All centres", "waiting now", "events behind", "by field", "by procedure", "by day",
                             "Procedure<", "Field<", "No data yet", "Sign out")),
]


async def test_hub_pages_are_vietnamese_with_english_behind_their_switch(aiohttp_client: Any, pg_dsn: str) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    hub = create_hub_app(from_dict({"hub": {"dsn": pg_dsn}}), clock=clock)
    client = await aiohttp_client(hub)
    await hub[STORE].add_admin("tinh", hash_password("tinh-mat-khau"), clock.now().timestamp())
    await hub[STORE].add_centre("an-nhon", "Trung tâm PVHCC xã An Nhơn", clock.now().timestamp())
    sign_in = await (await client.get("/hub/login")).text()
    assert "Đăng nhập quản trị tỉnh" in sign_in and "Province admin sign-in" not in sign_in and "<small>" not in sign_in
    r = await client.post("/hub/login", data={"username": "tinh", "password": "tinh-mat-khau"}, allow_redirects=False)
    assert r.status == 303
    for url, english in HUB_PAGES:
        page = await (await client.get(url)).text()
        assert [w for w in english if w in page] == [], url
        assert '<html lang="vi">' in page and "<small>" not in page.split("<main>")[0], url  # the header too
    assert "23/11/2026" in await (await client.get("/hub")).text()  # the day as dd/mm/yyyy
    r = await client.get("/hub/lang/en?next=/hub/centre/an-nhon", allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/hub/centre/an-nhon"
    for url, english in HUB_PAGES:
        page = await (await client.get(url)).text()
        assert [w for w in english if w not in page] == [], url
        assert '<html lang="en">' in page and "Đang chờ" not in page and "đang chờ" not in page
    assert "Province admin sign-in" in await (await client.get("/hub/login")).text()
    r = await client.get("/hub/lang/vi?next=//elsewhere.example", allow_redirects=False)
    assert r.headers["Location"] == "/hub"  # the switch goes back to a hub page only
